"""The SDK on a second EVM implementation: Hardhat 3's node (EDR), installed under tools/hardhat by `make test-sdk`.

A registry deployed there, a right registered and verified as on anvil, and the trusted verify's proofs (Hardhat has
``eth_getProof`` but not ``eth_getBlockReceipts``, which the history commitments do not need): an honest node
passes, a node withholding an event is caught, a proof bundle is re-checked offline, and the index proves itself."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ipledger import EventIndex, IPMetadata, Ledger, NodeInfo, verify_bundle
from ipledger.chain._events import TOPIC_OF
from ipledger.node._node import LOCAL_CHAIN_ID
from rpc_proxy import LimitingProxy, serve
from web3 import Web3

Patent = tuple[IPMetadata, list[Path]]


@pytest.fixture(scope="module")
def hardhat_ledger(hardhat_node: NodeInfo) -> Ledger:
    """A registry deployed on the Hardhat node by dev0 (admin, registrar and guardian), used as dev0."""
    client = Ledger.connect(hardhat_node.rpc_url, account="dev0")
    client.deploy()
    return client


def test_the_node_is_hardhat_with_anvils_dev_accounts(hardhat_ledger: Ledger) -> None:
    assert hardhat_ledger.chain.w3.eth.chain_id == LOCAL_CHAIN_ID
    assert hardhat_ledger.chain.w3.client_version.startswith("HardhatNetwork/3.")
    assert hardhat_ledger.address_of("dev0") == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    assert hardhat_ledger.chain.w3.eth.get_code(Web3.to_checksum_address(hardhat_ledger.contracts.registry_address))


def test_register_and_verify_on_hardhat(hardhat_ledger: Ledger, patent: Patent) -> None:
    metadata, documents = patent
    token = hardhat_ledger.register(metadata, documents, to="dev1").token_id
    assert hardhat_ledger.get(token).owner == hardhat_ledger.address_of("dev1")
    report = hardhat_ledger.verify(token, documents=documents, metadata=metadata)
    assert all(check.ok for check in report.checks), [check for check in report.checks if not check.ok]
    assert report.verdict == "verified"


def test_assign_and_verify_on_hardhat(hardhat_ledger: Ledger, patent: Patent, tmp_path: Path) -> None:
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment")
    token = hardhat_ledger.register(metadata, documents, to="dev1").token_id
    hardhat_ledger.use("dev1").rights.assign(token, "dev2", deed)
    assert hardhat_ledger.get(token).owner == hardhat_ledger.address_of("dev2")
    report = hardhat_ledger.verify(token, documents=documents)
    checks = {check.name: check for check in report.checks}
    assert checks["custody"].ok, checks["custody"]
    assert report.verdict == "verified"


def _head_hash(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


@pytest.fixture
def storied_right(hardhat_ledger: Ledger, patent: Patent, tmp_path: Path) -> int:
    """A right registered, assigned, frozen and unfrozen, and licensed, on the Hardhat node."""
    metadata, documents = patent
    deed = tmp_path / "deed.txt"
    deed.write_text("deed of assignment")
    token = hardhat_ledger.register(metadata, documents, to="dev1").token_id
    hardhat_ledger.use("dev1").rights.assign(token, "dev2", deed)
    hardhat_ledger.rights.freeze(token, b"\x01" * 32)
    hardhat_ledger.rights.unfreeze(token, b"\x02" * 32)
    terms = {
        "terms": "licence v1",
        "start": hardhat_ledger.chain.chain_time(),
        "licensee": hardhat_ledger.address_of("dev3"),
    }
    hardhat_ledger.use("dev2").licenses.grant(token, terms)
    return token


def test_trusted_verify_on_hardhat(hardhat_ledger: Ledger, storied_right: int, tmp_path: Path) -> None:
    report = hardhat_ledger.verify(storied_right, trust_block_hash=_head_hash(hardhat_ledger))
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    checks = {check.name: check for check in report.checks}
    assert {"checkpoint", "state_proof", "history", "owner_proof", "chain_id", "rights_in_use"} <= set(checks)
    assert report.record is not None and report.record.owner == hardhat_ledger.address_of("dev2")


class _Withholding(LimitingProxy):
    """Drops the right's ``Frozen`` log from every eth_getLogs answer."""

    def handle(self, request: dict[str, Any]) -> dict[str, Any]:
        answer = super().handle(request)
        if request.get("method") == "eth_getLogs" and isinstance(answer.get("result"), list):
            answer["result"] = [log for log in answer["result"] if log["topics"][0].lower() != TOPIC_OF["Frozen"]]
        return answer


def test_a_node_withholding_an_event_is_caught_on_hardhat(hardhat_ledger: Ledger, storied_right: int) -> None:
    checkpoint = _head_hash(hardhat_ledger)
    with serve(_Withholding(hardhat_ledger.chain.rpc_url, max_blocks=2**62)) as url:
        liar = Ledger.connect(url, registry=hardhat_ledger.contracts.registry_address)
        report = liar.verify(storied_right, trust_block_hash=checkpoint)
    assert report.verdict == "inconclusive"
    assert [check.name for check in report.checks if not check.ok] == ["history"]


def test_a_bundle_from_hardhat_is_rechecked_offline(hardhat_ledger: Ledger, storied_right: int, tmp_path: Path) -> None:
    checkpoint = _head_hash(hardhat_ledger)
    bundle = tmp_path / "proof.json"
    assert hardhat_ledger.verify(storied_right, trust_block_hash=checkpoint, bundle=bundle).verdict == "verified"
    assert verify_bundle(bundle, checkpoint).verdict == "verified"


def test_the_index_proves_itself_on_hardhat(hardhat_ledger: Ledger, storied_right: int, tmp_path: Path) -> None:
    index = EventIndex(tmp_path / "index.sqlite")
    index.sync(hardhat_ledger)
    result = hardhat_ledger.audit.verify_index(index, _head_hash(hardhat_ledger), token_id=storied_right)
    assert result.ok and result.events >= 6, result
