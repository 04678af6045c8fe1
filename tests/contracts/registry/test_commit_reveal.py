"""Self-declared claims by commit-reveal: the commitment binds the claimant, the registration and a salt.

The reveal window (7,200 blocks) is checked twice: exactly at its edges with ``eth_call`` block-number
overrides (cheap), and once for real by mining 7,200 blocks (the slowest test of the suite, ~35 s on anvil).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from brownie import web3
from registry_helpers import (
    REVEAL_WINDOW,
    ZERO_ADDRESS,
    address_of,
    assert_tx_reverted,
    automine_off,
    call_at_block,
    check_revert_data,
    commitment_for,
    events_of,
    mine_block,
    mine_blocks,
    pack_record,
    reverts,
    send_pending,
)

SALT = bytes.fromhex("5a" * 32)
OTHER_SALT = bytes.fromhex("5b" * 32)


def test_commitment_for_matches_python(registry: Any, alice: Any, registration: Any) -> None:
    assert bytes(registry.commitmentFor(alice, registration.as_tuple(), SALT)) == commitment_for(
        alice, registration, SALT
    )


def test_commitment_binds_claimant_salt_and_registration(
    registry: Any, alice: Any, bob: Any, registration: Any, new_registration: Any
) -> None:
    base = bytes(registry.commitmentFor(alice, registration.as_tuple(), SALT))
    assert bytes(registry.commitmentFor(bob, registration.as_tuple(), SALT)) != base
    assert bytes(registry.commitmentFor(alice, registration.as_tuple(), OTHER_SALT)) != base
    assert bytes(registry.commitmentFor(alice, new_registration().as_tuple(), SALT)) != base


def test_commit_records_block_and_emits(registry: Any, alice: Any, registration: Any) -> None:
    commitment = commitment_for(alice, registration, SALT)
    tx = registry.commit(commitment, {"from": alice})
    assert events_of(tx) == [("ClaimCommitted", {"commitment": commitment, "committer": alice})]
    assert registry.commitmentBlock(commitment) == tx.block_number


def test_commit_sent_by_someone_else_binds_the_claimant(registry: Any, alice: Any, bob: Any, registration: Any) -> None:
    """The event names the sender (committer); the commitment names the claimant, who alone can reveal it."""
    commitment = commitment_for(alice, registration, SALT)
    tx = registry.commit(commitment, {"from": bob})
    assert events_of(tx) == [("ClaimCommitted", {"commitment": commitment, "committer": bob})]
    with reverts("UnknownCommitment", commitment_for(bob, registration, SALT)):
        registry.reveal(registration.as_tuple(), SALT, {"from": bob})
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.claimCommitBlock(registration.right_id) == tx.block_number


def test_reveal_in_later_block_mints_self_declared(registry: Any, alice: Any, registration: Any) -> None:
    commitment = commitment_for(alice, registration, SALT)
    committed_at = registry.commit(commitment, {"from": alice}).block_number
    tx = registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert tx.return_value == registration.right_id
    record = pack_record(
        kind=registration.kind,
        jurisdiction=registration.jurisdiction,
        registered_at=tx.timestamp,
        expiry=registration.expiry,
        self_declared=True,
    )
    assert events_of(tx) == [
        ("Transfer", {"from": ZERO_ADDRESS, "to": alice, "id": registration.right_id}),
        (
            "RightRegistered",
            {
                "tokenId": registration.right_id,
                "contentHash": registration.content_hash,
                "registrar": ZERO_ADDRESS,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.recordOf(registration.right_id)["selfDeclared"] is True
    assert registry.claimCommitBlock(registration.right_id) == committed_at  # what an earlier claim must beat
    assert registry.commitmentBlock(commitment) == 0  # consumed


def test_reveal_in_commit_block_reverts_too_early(registry: Any, alice: Any, registration: Any) -> None:
    commitment = commitment_for(alice, registration, SALT)
    with automine_off():
        commit_tx = send_pending(alice, registry, registry.commit.encode_input(commitment), priority_gwei=1)
        reveal_tx = send_pending(
            alice, registry, registry.reveal.encode_input(registration.as_tuple(), SALT), priority_gwei=1
        )
        mine_block()
    commit_receipt = web3.eth.get_transaction_receipt(commit_tx)
    reveal_receipt = web3.eth.get_transaction_receipt(reveal_tx)
    assert commit_receipt["status"] == 1
    assert reveal_receipt["blockNumber"] == commit_receipt["blockNumber"]
    assert_tx_reverted(reveal_tx, "RevealTooEarly", commit_receipt["blockNumber"] + 1)
    # The commitment survives and can be revealed from the next block on.
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert registry.ownerOf(registration.right_id) == alice


def test_reveal_with_wrong_salt_reverts(registry: Any, alice: Any, registration: Any) -> None:
    registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
    with reverts("UnknownCommitment", commitment_for(alice, registration, OTHER_SALT)):
        registry.reveal(registration.as_tuple(), OTHER_SALT, {"from": alice})


def test_reveal_by_other_claimant_reverts(registry: Any, alice: Any, bob: Any, registration: Any) -> None:
    registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
    with reverts("UnknownCommitment", commitment_for(bob, registration, SALT)):
        registry.reveal(registration.as_tuple(), SALT, {"from": bob})


def test_reveal_with_changed_registration_reverts(registry: Any, alice: Any, registration: Any) -> None:
    registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
    changed = replace(registration, metadata=b'{"title":"other"}')
    with reverts("UnknownCommitment", commitment_for(alice, changed, SALT)):
        registry.reveal(changed.as_tuple(), SALT, {"from": alice})


def test_reveal_without_commit_reverts(registry: Any, alice: Any, registration: Any) -> None:
    with reverts("UnknownCommitment", commitment_for(alice, registration, SALT)):
        registry.reveal(registration.as_tuple(), SALT, {"from": alice})


def test_reveal_twice_reverts_unknown_commitment(registry: Any, alice: Any, registration: Any) -> None:
    registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    with reverts("UnknownCommitment", commitment_for(alice, registration, SALT)):
        registry.reveal(registration.as_tuple(), SALT, {"from": alice})


def test_recommit_of_pending_commitment_reverts(registry: Any, alice: Any, registration: Any) -> None:
    commitment = commitment_for(alice, registration, SALT)
    first = registry.commit(commitment, {"from": alice})
    with reverts("CommitmentPending", commitment, first.block_number):
        registry.commit(commitment, {"from": alice})


def test_recommit_after_reveal_is_allowed(registry: Any, alice: Any, registration: Any) -> None:
    commitment = commitment_for(alice, registration, SALT)
    registry.commit(commitment, {"from": alice})
    registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    tx = registry.commit(commitment, {"from": alice})
    assert registry.commitmentBlock(commitment) == tx.block_number
    # ... but the right is taken.
    with reverts("RightAlreadyRegistered", registration.right_id):
        registry.reveal(registration.as_tuple(), SALT, {"from": alice})


def test_reveal_of_right_registered_meanwhile_reverts(
    registry: Any, alice: Any, bob: Any, registrar: Any, registration: Any
) -> None:
    commitment = commitment_for(alice, registration, SALT)
    registry.commit(commitment, {"from": alice})
    registry.register(bob, registration.as_tuple(), {"from": registrar})
    with reverts("RightAlreadyRegistered", registration.right_id):
        registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert registry.commitmentBlock(commitment) != 0  # the failed reveal did not consume it


def test_reveal_validates_registration(registry: Any, alice: Any, new_registration: Any) -> None:
    bad = new_registration(jurisdiction=b"x1")
    registry.commit(commitment_for(alice, bad, SALT), {"from": alice})
    with reverts("InvalidNumber", bad.numbers[0]):
        registry.reveal(bad.as_tuple(), SALT, {"from": alice})


# ------------------------------------------------------------------------------ window edges (block overrides)


@pytest.fixture
def committed(registry: Any, alice: Any, registration: Any) -> tuple[bytes, int]:
    commitment = commitment_for(alice, registration, SALT)
    tx = registry.commit(commitment, {"from": alice})
    return commitment, tx.block_number


def test_reveal_accepted_at_last_block_of_window(
    registry: Any, alice: Any, registration: Any, committed: tuple[bytes, int]
) -> None:
    _, at = committed
    ok, data = call_at_block(
        alice, registry, registry.reveal.encode_input(registration.as_tuple(), SALT), number=at + REVEAL_WINDOW
    )
    assert ok, data.hex()
    assert int.from_bytes(data, "big") == registration.right_id


def test_reveal_refused_after_window(
    registry: Any, alice: Any, registration: Any, committed: tuple[bytes, int]
) -> None:
    _, at = committed
    ok, data = call_at_block(
        alice, registry, registry.reveal.encode_input(registration.as_tuple(), SALT), number=at + REVEAL_WINDOW + 1
    )
    assert not ok
    check_revert_data(data, "RevealWindowClosed", at + REVEAL_WINDOW)


def test_reveal_refused_in_commit_block(
    registry: Any, alice: Any, registration: Any, committed: tuple[bytes, int]
) -> None:
    _, at = committed
    ok, data = call_at_block(alice, registry, registry.reveal.encode_input(registration.as_tuple(), SALT), number=at)
    assert not ok
    check_revert_data(data, "RevealTooEarly", at + 1)


def test_recommit_pending_until_last_block_of_window(registry: Any, alice: Any, committed: tuple[bytes, int]) -> None:
    commitment, at = committed
    ok, data = call_at_block(alice, registry, registry.commit.encode_input(commitment), number=at + REVEAL_WINDOW)
    assert not ok
    check_revert_data(data, "CommitmentPending", commitment, at)
    ok, data = call_at_block(alice, registry, registry.commit.encode_input(commitment), number=at + REVEAL_WINDOW + 1)
    assert ok, data.hex()


# ------------------------------------------------------------------------------ window, for real


def test_reveal_window_on_a_real_chain(registry: Any, alice: Any, new_registration: Any) -> None:
    """Two commitments one block apart; after 7,200 blocks the younger is revealable in its last window block,
    the older one is closed, can be committed afresh, and revealed again."""
    older, younger = new_registration(), new_registration()
    older_at = registry.commit(commitment_for(alice, older, SALT), {"from": alice}).block_number
    younger_at = registry.commit(commitment_for(alice, younger, SALT), {"from": alice}).block_number
    assert younger_at == older_at + 1

    mine_blocks(younger_at + REVEAL_WINDOW - 1 - web3.eth.block_number)  # the next tx lands in the last block
    tx = registry.reveal(younger.as_tuple(), SALT, {"from": alice})
    assert tx.block_number == younger_at + REVEAL_WINDOW
    assert registry.ownerOf(younger.right_id) == alice

    with reverts("RevealWindowClosed", older_at + REVEAL_WINDOW):
        registry.reveal(older.as_tuple(), SALT, {"from": alice})

    tx = registry.commit(commitment_for(alice, older, SALT), {"from": alice})  # window over: commit again
    assert registry.commitmentBlock(commitment_for(alice, older, SALT)) == tx.block_number
    registry.reveal(older.as_tuple(), SALT, {"from": alice})
    assert registry.ownerOf(older.right_id) == alice
    assert address_of(registry.ownerOf(younger.right_id)) == alice.address
