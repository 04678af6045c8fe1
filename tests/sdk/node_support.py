"""The node of a test session: a fresh anvil the tests start, or an external node named by ``IPLEDGER_TEST_RPC_URL``.

With the variable set (``IPLEDGER_TEST_RPC_URL=http://127.0.0.1:8545``), the session fixtures that would start
anvil (``anvil_node`` in tests/sdk, ``chain`` in tests/cli) connect to that node instead and deploy their contracts
there. It must be a development chain with the local chain id (31337) whose accounts of the anvil/Hardhat default
mnemonic (``test test … junk``) hold ether: a Hardhat node, or an anvil started by hand. Tests marked ``anvil``
(they need anvil itself: its ``anvil_*`` / ``evm_*`` cheat codes, an anvil of their own, or a behaviour of anvil's
that the marker's ``reason`` names) are skipped there. One worker only (no ``-n``): tests count the blocks and
nonces of the dev accounts, which a second worker on the same node would move.

``IPLEDGER_TEST_NODE`` picks another node the session starts (and stops) itself, for the flow tests (``-m flow``,
run by ``make test-nodes``): ``hardhat`` (Hardhat 3's node, a second EVM implementation; the ``anvil`` tests are
skipped as on an external node) or ``anvil-block-time=N`` (anvil mining a block every N seconds instead of one per
transaction).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from ipledger import NodeInfo, dev_account, start_node, stop_node
from ipledger.node._node import LOCAL_CHAIN_ID, _answers
from web3 import Web3

EXTERNAL_NODE_VARIABLE = "IPLEDGER_TEST_RPC_URL"
NODE_KIND_VARIABLE = "IPLEDGER_TEST_NODE"
_BLOCK_TIME_PREFIX = "anvil-block-time="
ANVIL_ONLY = "needs anvil itself (anvil_*/evm_* cheat codes, or an anvil of its own)"
#: ``NodeInfo.pid`` of an external node: no process of ours, nothing to stop.
EXTERNAL_PID = 0


def external_rpc_url() -> str | None:
    """The external node's JSON-RPC URL, or ``None`` when the tests start their own node."""
    return os.environ.get(EXTERNAL_NODE_VARIABLE) or None


def node_kind() -> str | None:
    """``IPLEDGER_TEST_NODE``: ``hardhat``, ``anvil-block-time=N``, or ``None`` for a plain anvil."""
    kind = os.environ.get(NODE_KIND_VARIABLE) or None
    if kind is not None and kind != "hardhat" and not _block_time_of(kind):
        raise pytest.UsageError(f"{NODE_KIND_VARIABLE}={kind!r}: expected hardhat or anvil-block-time=SECONDS")
    return kind


def _block_time_of(kind: str) -> float | None:
    if not kind.startswith(_BLOCK_TIME_PREFIX):
        return None
    try:
        seconds = float(kind.removeprefix(_BLOCK_TIME_PREFIX))
    except ValueError:
        return None
    return seconds if seconds > 0 else None


def runs_off_anvil() -> bool:
    """Whether the session's node is not an anvil of the tests' own (an external node, or Hardhat's)."""
    return external_rpc_url() is not None or node_kind() == "hardhat"


def _external_node(url: str) -> NodeInfo:
    """The external node, checked to be a funded development chain (or the session fails, saying why)."""
    where = f"{EXTERNAL_NODE_VARIABLE}={url}"
    if not _answers(url):
        pytest.fail(f"{where}: the node does not answer JSON-RPC", pytrace=False)
    w3 = Web3(Web3.HTTPProvider(url))
    if w3.eth.chain_id != LOCAL_CHAIN_ID:
        pytest.fail(
            f"{where}: chain id {w3.eth.chain_id}, the tests need a development chain with chain id {LOCAL_CHAIN_ID} "
            "(the dev account names are refused on any other)",
            pytrace=False,
        )
    if w3.eth.get_balance(dev_account(0).address) == 0:
        pytest.fail(
            f"{where}: dev0 ({dev_account(0).address}) holds no ether; fund the dev mnemonic's accounts", pytrace=False
        )
    port = urlsplit(url).port or (443 if url.startswith("https") else 80)
    return NodeInfo(pid=EXTERNAL_PID, port=port, rpc_url=url, state_file=None, log_file=None, started_at=time.time())


@contextmanager
def session_node() -> Iterator[NodeInfo]:
    """The session's node: the external one when ``IPLEDGER_TEST_RPC_URL`` is set, else a fresh anvil (no persisted
    state) stopped afterwards."""
    url = external_rpc_url()
    if url is not None:
        yield _external_node(url)
        return
    kind = node_kind()
    if kind == "hardhat":
        from hardhat_support import hardhat_missing, start_hardhat_node, stop_hardhat_node

        missing = hardhat_missing()
        if missing is not None:
            pytest.fail(f"{NODE_KIND_VARIABLE}=hardhat: {missing}", pytrace=False)
        hardhat = start_hardhat_node()
        try:
            yield hardhat
        finally:
            stop_hardhat_node(hardhat.pid)
        return
    node = start_node(block_time=None if kind is None else _block_time_of(kind))
    try:
        yield node
    finally:
        stop_node(node.pid)


def refuse_parallel_workers(config: pytest.Config) -> None:
    """On an external node, one pytest-xdist worker only: several would share its blocks and dev accounts, and each
    test counts its own (the head, nonces, pending transactions)."""
    if runs_off_anvil() and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("the tests run on an external or Hardhat node: run them without -n")


def skip_anvil_only(item: pytest.Item) -> None:
    """Skips ``item`` if it is marked ``anvil`` and the session runs on an external node; the marker's ``reason``,
    if any, says what of anvil's own behaviour the test needs (``@pytest.mark.anvil(reason="...")``)."""
    marker = item.get_closest_marker("anvil")
    if marker is not None and runs_off_anvil():
        reason = marker.kwargs.get("reason")
        needs = f"needs anvil: {reason}" if reason else ANVIL_ONLY
        where = f"{EXTERNAL_NODE_VARIABLE} names an external node" if external_rpc_url() else "the node is Hardhat's"
        pytest.skip(f"{needs}; {where}")
