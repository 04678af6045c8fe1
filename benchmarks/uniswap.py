"""Gas of a Uniswap V2 swap of share tokens beside the same swap of a plain OpenZeppelin ERC-20, same run.

Run ``python benchmarks/uniswap.py``. It starts a fresh anvil, deploys Uniswap V2 from the npm packages' own builds
(``@uniswap/v2-core`` 1.0.1 factory and pair, ``@uniswap/v2-periphery`` 1.1.0-beta.0 Router02 and WETH9, bytecode as
shipped), tUSD (TestStablecoin) and three tokens of 18 decimals: the plain OZ 5 ERC-20 of ``benchmarks/contracts``
(``OZBaselineERC20``), an unrestricted share token and a restricted one (FractionVault clones, no royalty vault, so
no royalty booking), with the restricted pair registered as a venue (``registerVenue``) and the trader verified.
Each token gets a tUSD pair holding 10,000 tokens and 100,000 tUSD from the same provider.

The figure is ``gasUsed`` of Router02 ``swapExactTokensForTokens`` (whole transaction) by the same trader, selling
10 tokens for tUSD and buying with 100 tUSD, after one warm-up swap each way (every balance involved is non-zero
before and after, allowances are non-infinite and were set once), with the clock moved 12 s before each swap so the
pair updates its price accumulators every time, as the first swap of a block does (so the figures sit a few
thousand gas above a swap that follows another in the same block). Several rounds are measured; the figure is their
median, and the JSON keeps every round. The ratio is to the plain pair's swap in the same direction; the budget
(``../shared/GAS.md``) is 1.20x for the restricted shares. Writes ``benchmarks/results/uniswap.json``
(``benchmarks/report.py`` adds it to ``results/BENCH.md``).

Where the extra gas goes (read from the code, not split opcode by opcode): a swap moves the token twice (trader to
pair, or pair to trader) and reads the pair's balance of it once or twice. An unrestricted share token pays on top
of the OZ token the clone's DELEGATECALL to the implementation (cold address, ~2,600 once per transaction) and the
read of its packed configuration slot in the transfer hook; a restricted one also calls the compliance registry
(cold address) which reads both parties' identity slots and, for the investor, the blocked-country map.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from web3.types import RPCEndpoint

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _bench import EVIDENCE, Bench, token_of  # noqa: E402
from _figures import Figure, write_results  # noqa: E402
from compile import compile_directory  # noqa: E402
from ipledger import start_node, stop_node  # noqa: E402
from ipledger._artifacts import load_artifact  # noqa: E402

UNIT = 10**18
USD = 10**6
SUPPLY = 1_000_000 * UNIT
POOL_TOKENS, POOL_USD = 10_000 * UNIT, 100_000 * USD
SELL, BUY = 10 * UNIT, 100 * USD
ROUNDS = 5
BUDGET = 1.20
ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
#: Accounts: the deployer and compliance officer, the liquidity provider, the trader.
ADMIN, PROVIDER, TRADER = 0, 1, 2
_UNISWAP = {
    "UniswapV2Factory": "@uniswap/v2-core/build/UniswapV2Factory.json",
    "UniswapV2Pair": "@uniswap/v2-core/build/UniswapV2Pair.json",
    "UniswapV2Router02": "@uniswap/v2-periphery/build/UniswapV2Router02.json",
    "WETH9": "@uniswap/v2-periphery/build/WETH9.json",
}
TOKENS = ("plain OZ ERC-20", "unrestricted shares", "restricted shares (pair as venue)")
DIRECTIONS = ("token to tUSD", "tUSD to token")


def uniswap(name: str) -> dict[str, Any]:
    build = json.loads((ROOT / "node_modules" / _UNISWAP[name]).read_text("utf-8"))
    return {"abi": build["abi"], "bytecode": "0x" + build["bytecode"].removeprefix("0x")}


def _shipped(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


def measure(bench: Bench, baselines: dict[str, Any]) -> dict[str, dict[str, list[int]]]:
    """Token label -> direction -> the gas of each round."""
    w3, accounts = bench.w3, bench.accounts
    weth = bench.deploy(uniswap("WETH9")["abi"], uniswap("WETH9")["bytecode"])
    factory = bench.deploy(uniswap("UniswapV2Factory")["abi"], uniswap("UniswapV2Factory")["bytecode"], accounts[0])
    router_build = uniswap("UniswapV2Router02")
    router = bench.deploy(router_build["abi"], router_build["bytecode"], factory.address, weth.address)
    usd = _shipped(bench, "TestStablecoin")

    registry = _shipped(bench, "IPRegistry", accounts[ADMIN])
    compliance = _shipped(bench, "ComplianceRegistry", accounts[ADMIN])
    vault = _shipped(bench, "FractionVault", registry.address, compliance.address, ZERO_ADDRESS)
    expires = int(time.time()) + 365 * 86_400
    for index in (PROVIDER, TRADER):
        bench.gas(compliance.functions.verifyInvestor(accounts[index], b"CH", expires, EVIDENCE))
    share_abi = load_artifact("ShareToken").abi

    def shares(restricted: bool) -> Any:
        registration = bench.registration(expiry=0)
        token_id = token_of(registration)
        bench.gas(registry.functions.register(accounts[PROVIDER], registration))
        bench.gas(registry.functions.approve(vault.address, token_id), PROVIDER)
        name = "Restricted shares" if restricted else "Open shares"
        bench.gas(vault.functions.fractionalize(token_id, name, "SHR", 18, SUPPLY, restricted), PROVIDER)
        return w3.eth.contract(address=vault.functions.shareTokenOf(token_id).call(), abi=share_abi)

    plain = bench.deploy(baselines["OZBaselineERC20"]["abi"], baselines["OZBaselineERC20"]["bytecode"])
    bench.gas(plain.functions.mint(accounts[PROVIDER], SUPPLY))
    tokens = {TOKENS[0]: plain, TOKENS[1]: shares(False), TOKENS[2]: shares(True)}

    bench.gas(usd.functions.mint(accounts[PROVIDER], 10 * POOL_USD))
    bench.gas(usd.functions.mint(accounts[TRADER], 10 * POOL_USD))
    bench.gas(usd.functions.approve(router.address, 10 * POOL_USD), PROVIDER)
    bench.gas(usd.functions.approve(router.address, 10 * POOL_USD), TRADER)
    deadline = expires
    for label, token in tokens.items():
        bench.gas(factory.functions.createPair(token.address, usd.address), gas_limit=5_000_000)  # deploys the pair
        if label == TOKENS[2]:
            pair = factory.functions.getPair(token.address, usd.address).call()
            bench.gas(compliance.functions.registerVenue(pair, EVIDENCE))
        bench.gas(token.functions.approve(router.address, POOL_TOKENS), PROVIDER)
        bench.gas(
            router.functions.addLiquidity(
                token.address, usd.address, POOL_TOKENS, POOL_USD, 0, 0, accounts[PROVIDER], deadline
            ),
            PROVIDER,
        )
        bench.gas(token.functions.transfer(accounts[TRADER], 1_000 * UNIT), PROVIDER)
        bench.gas(token.functions.approve(router.address, 1_000 * UNIT), TRADER)

    def swap(token: Any, direction: str) -> int:
        w3.provider.make_request(RPCEndpoint("evm_increaseTime"), [12])
        path = [token.address, usd.address] if direction == DIRECTIONS[0] else [usd.address, token.address]
        amount = SELL if direction == DIRECTIONS[0] else BUY
        call = router.functions.swapExactTokensForTokens(amount, 0, path, accounts[TRADER], deadline)
        return bench.gas(call, TRADER)

    gas: dict[str, dict[str, list[int]]] = {label: {d: [] for d in DIRECTIONS} for label in TOKENS}
    for token in tokens.values():
        for direction in DIRECTIONS:
            swap(token, direction)  # warm-up: the trader's balances and the pair's accumulators become non-zero
    for _ in range(ROUNDS):
        for label, token in tokens.items():
            for direction in DIRECTIONS:
                gas[label][direction].append(swap(token, direction))
    return gas


def figures_of(gas: dict[str, dict[str, list[int]]]) -> list[Figure]:
    figures = []
    for direction in DIRECTIONS:
        plain = statistics.median(gas[TOKENS[0]][direction])
        for label in TOKENS:
            samples = [float(value) for value in gas[label][direction]]
            value = statistics.median(samples)
            restricted = label == TOKENS[2]
            figures.append(
                Figure(
                    group="Uniswap V2 swapExactTokensForTokens",
                    name=f"{label}, {direction}",
                    unit="gas",
                    value=value,
                    baseline_name=None if label == TOKENS[0] else f"{TOKENS[0]}, {direction}",
                    baseline_value=None if label == TOKENS[0] else plain,
                    target=f"<= {BUDGET:.2f}x the plain OZ ERC-20 swap" if restricted else None,
                    met=(value / plain <= BUDGET) if restricted else None,
                    samples=samples,
                )
            )
    return figures


def main() -> int:
    node = start_node()
    try:
        gas = measure(Bench(node.rpc_url), compile_directory(ROOT / "benchmarks" / "contracts"))
    finally:
        stop_node(node.pid)
    figures = figures_of(gas)
    print("| swap | gas | ratio to the plain OZ ERC-20 swap | rounds agree |\n|---|---|---|---|")
    for figure in figures:
        ratio = "-" if figure.ratio is None else f"{figure.ratio:.3f}x"
        agree = (
            "yes" if len(set(figure.samples)) == 1 else f"no ({min(figure.samples):,.0f}-{max(figure.samples):,.0f})"
        )
        print(f"| {figure.name} | {figure.value:,.0f} | {ratio} | {agree} |")
    write_results("uniswap", figures, rounds=ROUNDS, budget=BUDGET)
    missed = [figure.name for figure in figures if figure.met is False]
    for name in missed:
        print(f"over budget: {name}", file=sys.stderr)
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
