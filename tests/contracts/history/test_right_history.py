"""The per-right history commitment (``IRightHistory``): every event of a right extends a hash chain kept in one
storage word, and ``HistoryLinked`` pointers let a verifier find every event from that word alone.

The verifier here is written from the interface's NatSpec with nothing but ``web3.eth.get_logs`` of one block at a
time and ``eth_abi``-free topic arithmetic: it starts at the block the word names, follows the pointers back, and
recomputes the head. After every kind of event (registration, moves, assignment, freeze, forced transfer, record,
royalty, numbers, revocation, a second registration, a batch of rights in one block) the recomputed word must equal
``historyOf`` and the raw storage slot, and a log left out, changed or added must change it.

Every change of owner passes through one function (``FlaggedApprovalERC721._update``): the registration paths
(register, voucher, reveal, a right registered again after its revocation), every move (``transferFrom``, both
``safeTransferFrom``, ``assign``, ``forceTransfer``), the takeover of a self-declared claim (by a registrar, by an
earlier commitment) and ``revoke``. ``test_every_change_of_owner_takes_the_one_path`` checks each the same way: the
transaction's events in their exact order (one ``Transfer``, its history link right after it, then the event of
the act), the ownership word (owner and record or revocation marker, the approval flag clear), the approval slot
and balances, and the history word recomputed from the logs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from brownie import web3
from eth_utils import keccak
from history_helpers import SEED, assert_history, walk
from history_helpers import history_word as _word
from registry_helpers import (
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Registration,
    Voucher,
    address_of,
    approval_word,
    commitment_for,
    now,
    ownership_word,
    sample_number,
    sign_voucher,
)


def test_the_seed_is_the_documented_one(registry: Any) -> None:
    assert registry.HISTORY_SEED() == SEED


def test_a_right_without_events_has_an_empty_word(registry: Any, registration: Registration) -> None:
    assert _word(registry, registration.right_id) == (0, 0)


def test_registration_starts_the_history_without_a_link(registry: Any, registrar: Any, alice: Any, token: int) -> None:
    tx_block = web3.eth.block_number
    assert _word(registry, token)[0] == tx_block
    logs = web3.eth.get_logs({"address": registry.address, "fromBlock": tx_block, "toBlock": tx_block})
    linked_topic = bytes(keccak(text="HistoryLinked(uint256,uint256)"))
    assert not [log for log in logs if bytes(log["topics"][0]) == linked_topic]
    assert assert_history(registry, token) == 2  # Transfer (mint) and RightRegistered


def test_every_kind_of_event_extends_the_history(
    registry: Any, registrar: Any, alice: Any, bob: Any, carol: Any, token: int
) -> None:
    events = assert_history(registry, token)
    steps: list[Callable[[], Any]] = [
        lambda: registry.transferFrom(alice, bob, token, {"from": alice}),
        lambda: registry.assign(token, carol, b"\x0d" * 32, {"from": bob}),
        lambda: registry.freeze(token, b"\x01" * 32, {"from": registrar}),
        lambda: registry.forceTransfer(token, alice, b"\x02" * 32, {"from": registrar}),
        lambda: registry.unfreeze(token, b"\x03" * 32, {"from": registrar}),
        lambda: registry.publishMetadata(token, b'{"title":"\xe4\xb8\x80","v":1}', {"from": alice}),
        lambda: registry.setTokenRoyalty(token, 250, {"from": alice}),
        lambda: registry.addNumbers(token, [sample_number(990_001)], 0, 0, {"from": registrar}),
        lambda: registry.safeTransferFrom(alice, bob, token, {"from": alice}),
        # ERC-7943's acts: the registry's own events, with the standard's evidence hash
        lambda: registry.setFrozenTokens(bob, token, True, {"from": registrar}),
        lambda: registry.forcedTransfer(bob, carol, token, {"from": registrar}),
    ]
    for step in steps:
        before = _word(registry, token)
        step()
        after = assert_history(registry, token)
        assert after > events and _word(registry, token) != before
        events = after


def test_revocation_and_a_second_registration_continue_one_history(
    registry: Any, registrar: Any, alice: Any, bob: Any, registration: Registration, token: int
) -> None:
    registry.revoke(token, b"\x04" * 32, {"from": registrar})
    revoked = assert_history(registry, token)
    assert revoked == 4  # mint, registered, burn, revoked
    registry.register(bob, registration.as_tuple(), {"from": registrar})
    assert assert_history(registry, token) == revoked + 2


def test_rights_sharing_a_block_keep_separate_histories(
    registry: Any, registrar: Any, alice: Any, new_registration: Callable[..., Registration]
) -> None:
    batch = [new_registration() for _ in range(3)]
    registry.registerBatch(alice, [item.as_tuple() for item in batch], {"from": registrar})
    heads = {_word(registry, item.right_id) for item in batch}
    assert len(heads) == 3
    for item in batch:
        assert assert_history(registry, item.right_id) == 2


@pytest.mark.parametrize("lie", ["withhold", "alter", "reorder", "invent", "drop_link"])
def test_a_changed_log_changes_the_recomputed_word(
    registry: Any, registrar: Any, alice: Any, bob: Any, token: int, lie: str
) -> None:
    registry.transferFrom(alice, bob, token, {"from": alice})
    registry.freeze(token, b"\x01" * 32, {"from": registrar})
    registered_block = int(registry.historyOf(token)[0]) - 2
    truth = _word(registry, token)

    def tamper(block: int, logs: list[Any]) -> list[Any]:
        if block != registered_block and lie != "drop_link":
            return logs
        if lie == "withhold":
            return logs[1:]
        if lie == "alter":
            changed = dict(logs[-1])
            changed["data"] = bytes(changed["data"])[:-1] + b"\x01"
            return [*logs[:-1], changed]
        if lie == "reorder":
            return list(reversed(logs))
        if lie == "invent":
            return [*logs, logs[-1]]
        linked_topic = bytes(keccak(text="HistoryLinked(uint256,uint256)"))
        return [log for log in logs if bytes(log["topics"][0]) != linked_topic]

    last_block, head, _ = walk(registry, token, tamper=tamper)
    assert (last_block, head) != truth


# ------------------------------------------------------------------------------------- the one ownership path

#: Bit 3 of the extra data: FlaggedApprovalERC721's approval flag.
APPROVAL_FLAG = 1 << 3
#: Bits 56..95 of the extra data: the revocation block of a revoked right's marker (RecordPacking).
EXPIRY_SHIFT = 56
SALT = b"\x6e" * 32
DEED = b"\x0d" * 32
ORDER = b"\x0e" * 32


@dataclass
class OwnerChange:
    """One change of owner as performed: its transaction, the right, the owners before and after, the events the
    transaction must emit (in order), and the extra data the ownership word must hold afterwards (``None``: the
    record the ``RightRegistered`` of the transaction carries)."""

    tx: Any
    token: int
    before: str
    after: str
    events: list[str]
    extra: int | None = None


def _extra(registry: Any, token: int) -> int:
    return ownership_word(registry, token) >> 160


def _claim(registry: Any, claimant: Any, registration: Registration) -> Any:
    """Commits and, a block later, reveals a self-declared claim of ``registration``; the reveal's transaction."""
    registry.commit(commitment_for(claimant, registration, SALT), {"from": claimant})
    return registry.reveal(registration.as_tuple(), SALT, {"from": claimant})


def _perform(kind: str, registry: Any, cast: dict[str, Any], registration: Registration) -> OwnerChange:
    """Sets the right up in earlier blocks (with an approval stored wherever an owner could set one), then performs
    the change of owner ``kind`` in its own transaction."""
    alice, bob, carol, registrar = cast["alice"], cast["bob"], cast["carol"], cast["registrar"]
    token = registration.right_id
    a, b, c = address_of(alice), address_of(bob), address_of(carol)
    registered = ["Transfer", "RightRegistered"]
    if kind == "register":
        tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
        return OwnerChange(tx, token, ZERO_ADDRESS, a, registered)
    if kind == "registerWithVoucher":
        voucher = Voucher(to=a, registration=registration, nonce=0, deadline=now() + 3600)
        signature = sign_voucher(
            VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
        )
        tx = registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": carol})
        return OwnerChange(tx, token, ZERO_ADDRESS, a, registered)
    if kind == "reveal":
        return OwnerChange(_claim(registry, alice, registration), token, ZERO_ADDRESS, a, registered)
    if kind in ("supersede by a registrar", "supersede by an earlier commitment"):
        earlier = commitment_for(carol, registration, SALT)
        registry.commit(earlier, {"from": carol})
        _claim(registry, alice, registration)
        registry.approve(bob, token, {"from": alice})
        if kind == "supersede by a registrar":
            tx = registry.register(carol, registration.as_tuple(), {"from": registrar})
        else:
            tx = registry.reveal(registration.as_tuple(), SALT, {"from": carol})
        return OwnerChange(
            tx, token, a, c, ["Transfer", "HistoryLinked", "ClaimSuperseded", "MetadataUpdate", "RightRegistered"]
        )
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    if kind == "register again after revoke":
        registry.revoke(token, ORDER, {"from": registrar})
        tx = registry.register(bob, registration.as_tuple(), {"from": registrar})
        return OwnerChange(tx, token, ZERO_ADDRESS, b, ["Transfer", "HistoryLinked", "RightRegistered"])
    registry.approve(bob, token, {"from": alice})
    kept = _extra(registry, token) & ~APPROVAL_FLAG
    moved = ["Transfer", "HistoryLinked"]
    if kind == "transferFrom":
        return OwnerChange(registry.transferFrom(alice, carol, token, {"from": bob}), token, a, c, moved, kept)
    if kind == "safeTransferFrom":
        tx = registry.safeTransferFrom(alice, carol, token, {"from": alice})
        return OwnerChange(tx, token, a, c, moved, kept)
    if kind == "safeTransferFrom with data":
        tx = registry.safeTransferFrom(alice, carol, token, b"\x01\x02", {"from": bob})
        return OwnerChange(tx, token, a, c, moved, kept)
    if kind == "assign":
        tx = registry.assign(token, carol, DEED, {"from": alice})
        return OwnerChange(tx, token, a, c, [*moved, "Assigned"], kept)
    if kind == "forceTransfer of a frozen right":
        registry.freeze(token, ORDER, {"from": registrar})
        kept = _extra(registry, token) & ~APPROVAL_FLAG
        tx = registry.forceTransfer(token, carol, ORDER, {"from": registrar})
        # ERC-7943: ForcedTransfer, then Frozen naming carol (the freeze stays on the right)
        return OwnerChange(tx, token, a, c, [*moved, "ForceTransferred", "ForcedTransfer", "Frozen"], kept)
    assert kind == "revoke"
    tx = registry.revoke(token, ORDER, {"from": registrar})
    marker = tx.block_number << EXPIRY_SHIFT
    return OwnerChange(tx, token, a, ZERO_ADDRESS, [*moved, "RightRevoked", "MetadataUpdate"], marker)


OWNER_CHANGES = [
    "register",
    "registerWithVoucher",
    "reveal",
    "register again after revoke",
    "transferFrom",
    "safeTransferFrom",
    "safeTransferFrom with data",
    "assign",
    "forceTransfer of a frozen right",
    "supersede by a registrar",
    "supersede by an earlier commitment",
    "revoke",
]


@pytest.mark.parametrize("kind", OWNER_CHANGES)
def test_every_change_of_owner_takes_the_one_path(
    registry: Any,
    registrar: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    voucher_signer: Any,
    registration: Registration,
    kind: str,
) -> None:
    cast = {"alice": alice, "bob": bob, "carol": carol, "registrar": registrar}
    holders = {address_of(account) for account in (alice, bob, carol)}
    balances = {holder: registry.balanceOf(holder) for holder in holders}
    change = _perform(kind, registry, cast, registration)
    token, tx = change.token, change.tx

    # The events in their exact order: one Transfer of the right, its history link right after it (when the
    # right's history was in an earlier block), then the events of the act.
    assert [event.name for event in tx.events] == change.events
    transfers = [event for event in tx.events if event.name == "Transfer"]
    assert len(transfers) == 1
    assert (transfers[0]["from"], transfers[0]["to"], transfers[0]["id"]) == (change.before, change.after, token)
    if "HistoryLinked" in change.events:
        linked = tx.events[change.events.index("HistoryLinked")]
        assert linked["tokenId"] == token and 0 < linked["previousBlock"] < tx.block_number

    # The ownership word: the new owner beside the record (kept, given, or the revocation marker), the approval
    # flag clear, the approval slot empty.
    word = ownership_word(registry, token)
    expected = change.extra if change.extra is not None else int(tx.events["RightRegistered"]["record"])
    assert (word & (2**160 - 1), word >> 160) == (int(change.after, 16), expected)
    assert not word >> 160 & APPROVAL_FLAG
    assert approval_word(registry, token) == 0
    if change.after != ZERO_ADDRESS:
        assert registry.ownerOf(token) == change.after
        assert registry.getApproved(token) == ZERO_ADDRESS

    # Balances: one token left the old owner and reached the new one (across the setup and the change).
    for holder in holders:
        owned_now = registry.balanceOf(holder) - balances[holder]
        assert owned_now == (1 if holder == change.after else 0)

    # The history word, recomputed from the logs, took the Transfer in.
    assert _word(registry, token)[0] == tx.block_number
    assert assert_history(registry, token) >= len([name for name in change.events if name != "HistoryLinked"])
