"""The retry policy, through a flaky proxy in front of the session's anvil: reads survive transient faults, sends
are never duplicated, and what is not safe to repeat fails at once with a clear NodeError."""

from __future__ import annotations

import socket
import time
from pathlib import Path

import pytest
from ipledger import IPMetadata, JsonRpcError, Ledger, NodeError, NodeInfo, NodeUnreachableError, RetryPolicy
from rpc_proxy import flaky_proxy, refusing_proxy
from web3.types import RPCEndpoint

Patent = tuple[IPMetadata, list[Path]]
FAST = RetryPolicy(attempts=6, base_delay=0.01, max_delay=0.05)


def _connect(url: str, ledger: Ledger, policy: RetryPolicy = FAST) -> Ledger:
    return Ledger.connect(url, registry=ledger.contracts.registry_address, account="dev0", retry=policy)


def test_reads_are_retried_through_resets_throttling_gateway_errors_and_malformed_answers(
    anvil_node: NodeInfo, ledger: Ledger
) -> None:
    faults = {"eth_blockNumber": ["reset", "429", "502", "503", "garbage"], "eth_call": ["504", "shape", "reset"]}
    with flaky_proxy(anvil_node.rpc_url, faults) as (url, proxy):
        client = _connect(url, ledger)
        assert int(client.chain.rpc.call("eth_blockNumber", []), 16) == ledger.chain.head()
        assert client.contracts.has_role("registrar", "dev0") is True
        assert proxy.faults_served == {"eth_blockNumber": 5, "eth_call": 3}


def test_batches_of_reads_are_retried_as_a_whole(anvil_node: NodeInfo, ledger: Ledger) -> None:
    with flaky_proxy(anvil_node.rpc_url, {"eth_getBlockByNumber": ["garbage", "503"]}) as (url, proxy):
        client = _connect(url, ledger)
        blocks = client.chain.rpc.batch([("eth_getBlockByNumber", [hex(number), False]) for number in (0, 1)])
        assert [int(block["number"], 16) for block in blocks] == [0, 1]
        assert proxy.faults_served["eth_getBlockByNumber"] == 2


def test_retry_after_is_honoured(anvil_node: NodeInfo, ledger: Ledger) -> None:
    with flaky_proxy(anvil_node.rpc_url, {"eth_blockNumber": ["429"]}, retry_after=0.3) as (url, _):
        client = _connect(url, ledger, RetryPolicy(attempts=3, base_delay=0.01, max_delay=1.0))
        started = time.monotonic()
        client.chain.rpc.call("eth_blockNumber", [])
        assert time.monotonic() - started >= 0.3


def test_exhausted_retries_raise_one_line_node_error_naming_method_and_cause(
    anvil_node: NodeInfo, ledger: Ledger
) -> None:
    with flaky_proxy(anvil_node.rpc_url, {"eth_getLogs": ["503"] * 3}) as (url, proxy):
        client = _connect(url, ledger, RetryPolicy(attempts=3, base_delay=0.01, max_delay=0.02))
        with pytest.raises(NodeError) as caught:
            client.chain.rpc.call("eth_getLogs", [{"fromBlock": "0x0", "toBlock": "0x1"}])
        assert "eth_getLogs: HTTP 503 after 3 attempts" in str(caught.value)
        assert "\n" not in str(caught.value)
        assert proxy.faults_served["eth_getLogs"] == 3


@pytest.mark.anvil
def test_a_request_that_is_not_safe_to_repeat_fails_at_once(anvil_node: NodeInfo, ledger: Ledger) -> None:
    with flaky_proxy(anvil_node.rpc_url, {"evm_mine": ["forward-then-reset", "forward-then-reset"]}) as (url, proxy):
        client = _connect(url, ledger)
        head = ledger.chain.head()
        with pytest.raises(NodeError, match=r"evm_mine: cannot reach the node .*not retried"):
            client.chain.w3.provider.make_request(RPCEndpoint("evm_mine"), [])
        assert proxy.faults_served["evm_mine"] == 1
        assert ledger.chain.head() == head + 1


def test_a_send_whose_answer_was_lost_is_resent_as_the_same_bytes_and_lands_once(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent
) -> None:
    faults = {"eth_sendRawTransaction": ["forward-then-reset", "503"]}
    with flaky_proxy(anvil_node.rpc_url, faults) as (url, proxy):
        client = _connect(url, ledger)
        nonce = ledger.chain.w3.eth.get_transaction_count(client.signer.address)
        result = client.register(*patent)
        assert proxy.faults_served["eth_sendRawTransaction"] == 2
    assert ledger.chain.w3.eth.get_transaction_count(client.signer.address) == nonce + 1
    logs = ledger.contracts.registry.events.RightRegistered().get_logs(
        from_block=result.block, argument_filters={"tokenId": result.token_id}
    )
    assert len(logs) == 1


def test_a_read_that_times_out_is_retried(anvil_node: NodeInfo, ledger: Ledger) -> None:
    """The proxy holds two answers past the client's timeout; the third attempt is answered in time."""
    with flaky_proxy(anvil_node.rpc_url, {"eth_blockNumber": ["slow", "slow"]}, slow_seconds=1.0) as (url, proxy):
        client = Ledger.connect(
            url, registry=ledger.contracts.registry_address, account="dev0", retry=FAST, timeout=0.3
        )
        assert int(client.chain.rpc.call("eth_blockNumber", []), 16) == ledger.chain.head()
        assert proxy.faults_served == {"eth_blockNumber": 2}


def test_a_read_that_always_times_out_ends_in_one_line_node_error(anvil_node: NodeInfo, ledger: Ledger) -> None:
    slow = ["slow"] * FAST.attempts
    with flaky_proxy(anvil_node.rpc_url, {"eth_blockNumber": slow}, slow_seconds=0.5) as (url, _):
        client = Ledger.connect(
            url, registry=ledger.contracts.registry_address, account="dev0", retry=FAST, timeout=0.2
        )
        with pytest.raises(NodeError) as raised:
            client.chain.rpc.call("eth_blockNumber", [])
    message = str(raised.value)
    assert "eth_blockNumber" in message
    assert "\n" not in message


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_a_node_that_never_answers_is_unreachable() -> None:
    with pytest.raises(NodeUnreachableError, match="cannot reach the node"):
        Ledger.connect(f"http://127.0.0.1:{_closed_port()}", retry=FAST)


def test_an_error_answer_says_which_method_the_node_refused_and_how(
    anvil_node: NodeInfo, ledger: Ledger, patent: Patent
) -> None:
    refusals = {
        "eth_getProof": (-32601, "the method eth_getProof does not exist/is not available"),
        "eth_estimateGas": (-32000, "invalid opcode: PUSH0"),
    }
    with refusing_proxy(anvil_node.rpc_url, refusals) as (url, _):
        client = _connect(url, ledger)
        with pytest.raises(JsonRpcError) as raw:
            client.chain.rpc.call("eth_getProof", [ledger.contracts.registry_address, [], "latest"])
        assert (raw.value.method, raw.value.code) == ("eth_getProof", -32601)
        assert str(raw.value) == (
            f"the node at {url} answered eth_getProof with error -32601: "
            "the method eth_getProof does not exist/is not available"
        )
        with pytest.raises(JsonRpcError) as sent:  # through web3: the provider notes the method it refused
            client.register(*patent)
        assert (sent.value.method, sent.value.code, sent.value.rpc_message) == (
            "eth_estimateGas",
            -32000,
            "invalid opcode: PUSH0",
        )
        assert "answered eth_estimateGas with error -32000: invalid opcode: PUSH0" in str(sent.value)
