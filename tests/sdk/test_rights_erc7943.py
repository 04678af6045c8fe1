"""ERC-7943 through the SDK: ``ledger.rights.can_transfer`` reads the registry's ``canTransfer``; the standard's acts
(``setFrozenTokens``, ``forcedTransfer``, sent here as a venue or wallet would, straight to the contract) appear in the
right's history as the registry's own freeze, unfreeze and forced transfer with the evidence hash ``ERC7943_ACT``,
the trusted verify proves that history, and ERC-7943's own events (``Frozen(address,uint256,bool)`` overloads the
registry's ``Frozen`` name) are never decoded as the registry's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from eth_utils.crypto import keccak
from ipledger import IPMetadata, Ledger, RightStatus
from ipledger.chain._events import decode_log

Patent = tuple[IPMetadata, list[Path]]

#: ``Identifiers.ERC7943_ACT``.
ERC7943_ACT = "0x" + keccak(text="ipledger: ERC-7943 act, no document given").hex()
ZERO = "0x" + "00" * 20
ERC7943_FROZEN = "0x" + keccak(text="Frozen(address,uint256,bool)").hex()


def _checkpoint(ledger: Ledger) -> str:
    return "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()


def test_can_transfer_follows_the_freeze_not_ownership(ledger: Ledger, patent: Patent) -> None:
    token = ledger.register(*patent, to="dev1").token_id
    assert ledger.rights.can_transfer(token, "dev1", "dev2")
    assert ledger.rights.can_transfer(token, "dev3", "dev2")  # dev3 does not hold it: not the standard's question
    assert not ledger.rights.can_transfer(token, "dev1", ZERO)
    ledger.rights.freeze(token, b"\x07" * 32)
    assert not ledger.rights.can_transfer(token, "dev1", "dev2")
    ledger.rights.unfreeze(token, b"\x08" * 32)
    assert ledger.rights.can_transfer(token, "dev1", "dev2")


def test_can_transfer_of_an_unknown_right_is_false(ledger: Ledger) -> None:
    assert not ledger.rights.can_transfer(31337, "dev1", "dev2")


def test_standard_acts_are_in_the_history_with_their_evidence_and_verify(ledger: Ledger, patent: Patent) -> None:
    token = ledger.register(*patent, to="dev1").token_id
    registry = ledger.chain.registry.functions
    holder, recipient = ledger.address_of("dev1"), ledger.address_of("dev2")
    frozen = ledger.chain.send(registry.setFrozenTokens(holder, token, True), "set frozen tokens")
    assert ledger.get(token).status is RightStatus.FROZEN
    ledger.chain.send(registry.forcedTransfer(holder, recipient, token), "forced transfer")

    events = ledger.history(token).events
    kinds = [(event.kind, event.order_hash) for event in events[-3:]]
    assert kinds == [("frozen", ERC7943_ACT), ("unfrozen", ERC7943_ACT), ("forced_transfer", ERC7943_ACT)]
    assert {event.by for event in events[-3:]} == {ledger.signer.address}
    assert events[-1].from_ == holder and events[-1].to == recipient
    record = ledger.get(token)
    assert record.owner == recipient and record.status is RightStatus.ACTIVE

    report = ledger.verify(token, trust_block_hash=_checkpoint(ledger))
    checks = {check.name: check for check in report.checks}
    assert report.verdict == "verified", [check for check in report.checks if not check.ok]
    assert checks["history"].ok

    receipt: Any = ledger.chain.w3.eth.get_transaction_receipt(frozen.tx_hash)
    standard = [log for log in receipt["logs"] if "0x" + bytes(log["topics"][0]).hex() == ERC7943_FROZEN]
    assert len(standard) == 1
    raw = {
        "topics": ["0x" + bytes(topic).hex() for topic in standard[0]["topics"]],
        "data": "0x" + bytes(standard[0]["data"]).hex(),
        "blockNumber": hex(standard[0]["blockNumber"]),
        "logIndex": hex(standard[0]["logIndex"]),
        "transactionHash": "0x" + bytes(standard[0]["transactionHash"]).hex(),
        "address": standard[0]["address"],
    }
    assert decode_log(raw) is None  # not the registry's Frozen: the SDK leaves it undecoded
