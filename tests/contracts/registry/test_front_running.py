"""Front-running: an attacker copies a pending transaction's calldata and outbids it.

Automine is off; the victim sends at a 1 gwei priority fee, the attacker at 100 gwei; one block is mined and
anvil orders it by fee, so the attacker's copy runs first (asserted through the transaction indexes).
For every registration path the attacker must gain nothing: (a)-(c) the copy itself fails or benefits the victim;
(d) when the victim's transaction waits a single block in the mempool, the attacker can slip in a self-declared
claim of his own (commit, then reveal one block later), but it is provisional: the victim's transaction supersedes
it as soon as it lands (test_supersede.py covers the rule itself).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from brownie import web3
from hexbytes import HexBytes
from registry_helpers import (
    REGISTRAR_ROLE,
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Registration,
    Voucher,
    assert_tx_reverted,
    automine_off,
    commitment_for,
    decode_error,
    events_of,
    mine_block,
    now,
    receipt_events,
    recover_voucher_signer,
    sample_number,
    send_pending,
    sign_voucher,
    tx_revert_data,
)

SALT = bytes.fromhex("c0" * 32)
VICTIM_FEE, ATTACKER_FEE = 1, 100


def race(
    victim: Any, attacker: Any, to: Any, victim_data: bytes | str, attacker_data: bytes | str | None = None
) -> tuple[HexBytes, HexBytes]:
    """Victim sends, attacker sends a copy (or ``attacker_data``) with a higher fee, one block is mined.
    Returns the two transaction hashes (victim's, attacker's)."""
    with automine_off():
        victim_tx = send_pending(victim, to, victim_data, priority_gwei=VICTIM_FEE)
        attacker_tx = send_pending(attacker, to, attacker_data or victim_data, priority_gwei=ATTACKER_FEE)
        mine_block()
    victim_receipt = web3.eth.get_transaction_receipt(victim_tx)
    attacker_receipt = web3.eth.get_transaction_receipt(attacker_tx)
    assert victim_receipt["blockNumber"] == attacker_receipt["blockNumber"], "not mined in one block"
    assert attacker_receipt["transactionIndex"] < victim_receipt["transactionIndex"], "the attacker did not go first"
    return victim_tx, attacker_tx


def receipt(txid: Any) -> Any:
    return web3.eth.get_transaction_receipt(txid)


# ------------------------------------------------------------------------------------------- (a) vouchers


@pytest.fixture
def signed_voucher(registry: Any, alice: Any, registration: Any) -> tuple[Voucher, bytes]:
    voucher = Voucher(to=alice.address, registration=registration, nonce=0, deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    return voucher, signature


def test_copied_voucher_still_mints_to_voucher_recipient(
    registry: Any, signed_voucher: tuple[Voucher, bytes], alice: Any, attacker: Any, voucher_signer: Any
) -> None:
    voucher, signature = signed_voucher
    data = registry.registerWithVoucher.encode_input(voucher.as_tuple(), signature)
    victim_tx, attacker_tx = race(alice, attacker, registry, data)

    # The attacker's copy went through, but minted to alice, in the registrar's name.
    copied = receipt(attacker_tx)
    assert copied["status"] == 1
    events = receipt_events(registry, copied)
    assert [name for name, _ in events] == ["Transfer", "RightRegistered"]
    assert events[0][1] == {"from": ZERO_ADDRESS, "to": alice.address, "id": voucher.registration.right_id}
    assert events[1][1]["registrar"] == voucher_signer.address
    assert registry.ownerOf(voucher.registration.right_id) == alice
    assert registry.balanceOf(attacker) == 0
    # The victim's own transaction fails harmlessly: its nonce is spent.
    assert_tx_reverted(victim_tx, "InvalidAccountNonce", alice, 1)


def test_voucher_redirected_to_attacker_reverts(
    registry: Any, signed_voucher: tuple[Voucher, bytes], alice: Any, attacker: Any
) -> None:
    voucher, signature = signed_voucher
    redirected = replace(voucher, to=attacker.address)
    victim_data = registry.registerWithVoucher.encode_input(voucher.as_tuple(), signature)
    attacker_data = registry.registerWithVoucher.encode_input(redirected.as_tuple(), signature)
    victim_tx, attacker_tx = race(alice, attacker, registry, victim_data, attacker_data)

    signer = recover_voucher_signer(
        redirected, signature, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    assert_tx_reverted(attacker_tx, "InvalidVoucherSigner", signer)
    assert receipt(victim_tx)["status"] == 1
    assert registry.ownerOf(voucher.registration.right_id) == alice


# ------------------------------------------------------------------------------------------- (b) commit-reveal


def test_copied_reveal_reverts_and_victim_gets_token(
    registry: Any, alice: Any, attacker: Any, registration: Any
) -> None:
    registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
    data = registry.reveal.encode_input(registration.as_tuple(), SALT)
    victim_tx, attacker_tx = race(alice, attacker, registry, data)

    assert_tx_reverted(attacker_tx, "UnknownCommitment", commitment_for(attacker, registration, SALT))
    assert receipt(victim_tx)["status"] == 1
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.recordOf(registration.right_id)["selfDeclared"] is True
    assert registry.balanceOf(attacker) == 0


def test_copied_commit_gains_attacker_nothing(registry: Any, alice: Any, attacker: Any, registration: Any) -> None:
    """The copy lands first and records the very same commitment, so the victim's own commit reverts
    CommitmentPending; the commitment still binds the victim: the attacker cannot reveal it, the victim can."""
    commitment = commitment_for(alice, registration, SALT)
    victim_tx, attacker_tx = race(alice, attacker, registry, registry.commit.encode_input(commitment))

    copied = receipt(attacker_tx)
    assert copied["status"] == 1
    # The only ClaimCommitted log names the attacker as committer (msg.sender); the commitment binds alice.
    assert receipt_events(registry, copied) == [
        ("ClaimCommitted", {"commitment": commitment, "committer": attacker.address})
    ]
    assert_tx_reverted(victim_tx, "CommitmentPending", commitment, copied["blockNumber"])
    assert registry.commitmentBlock(commitment) == copied["blockNumber"]

    attacker_reveal = registry.reveal.encode_input(registration.as_tuple(), SALT)
    with automine_off():  # even knowing the registration and salt, the attacker's reveal fails
        failed = send_pending(attacker, registry, attacker_reveal, priority_gwei=ATTACKER_FEE)
        mine_block()
    assert_tx_reverted(failed, "UnknownCommitment", commitment_for(attacker, registration, SALT))

    tx = registry.reveal(registration.as_tuple(), SALT, {"from": alice})
    assert [name for name, _ in events_of(tx)] == ["Transfer", "RightRegistered"]  # a plain mint, no takeover
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.claimCommitBlock(registration.right_id) == copied["blockNumber"]  # the copy dated alice's claim
    assert registry.balanceOf(attacker) == 0


# ------------------------------------------------------------------------------------------- (c) registrar


def test_copied_register_reverts_on_role(
    registry: Any, registrar: Any, attacker: Any, alice: Any, registration: Any
) -> None:
    data = registry.register.encode_input(alice, registration.as_tuple())
    victim_tx, attacker_tx = race(registrar, attacker, registry, data)

    assert_tx_reverted(attacker_tx, "AccessControlUnauthorizedAccount", attacker, REGISTRAR_ROLE)
    assert receipt(victim_tx)["status"] == 1
    assert registry.ownerOf(registration.right_id) == alice


def test_register_redirected_by_stranger_reverts_on_role(
    registry: Any, registrar: Any, attacker: Any, alice: Any, registration: Any
) -> None:
    victim_data = registry.register.encode_input(alice, registration.as_tuple())
    attacker_data = registry.register.encode_input(attacker, registration.as_tuple())
    victim_tx, attacker_tx = race(registrar, attacker, registry, victim_data, attacker_data)

    assert_tx_reverted(attacker_tx, "AccessControlUnauthorizedAccount", attacker, REGISTRAR_ROLE)
    assert receipt(victim_tx)["status"] == 1
    assert registry.ownerOf(registration.right_id) == alice


# ------------------------------------------------------------------------------ (d) a transaction pending one block
#
# The registration data travels in clear in every pending register / registerWithVoucher / reveal transaction.
# If that transaction waits in the mempool for a single block (fee below the base fee, congestion), an attacker
# can commit to the same registration as himself in that block and reveal one block later (MIN_REVEAL_DELAY is
# one block), ahead of the victim. His claim is self-declared and committed after the victim's (or the victim's
# path is a registrar's), so the victim's transaction, landing right after, supersedes it: the attacker's reveal
# succeeds and he holds the right for the rest of the block, then loses it with a ClaimSuperseded event.
#
# The wait is modelled by submitting the victim's transaction only after the attacker's commit block: anvil drops
# a transaction it cannot include (max fee below the base fee) instead of keeping it, so a real fee-starved wait
# cannot be reproduced. The attacker uses nothing but the victim's calldata.


def snipe_after_one_block(
    registry: Any, victim: Any, victim_data: bytes | str, attacker: Any, registration: Registration, salt: bytes
) -> tuple[HexBytes, HexBytes]:
    """Block N: the attacker commits to ``registration`` as himself while the victim's transaction waits.
    Block N+1: the victim's transaction and the attacker's reveal, the latter with the higher fee.
    Returns the two transaction hashes (victim's, attacker's reveal)."""
    with automine_off():
        commit = registry.commit.encode_input(commitment_for(attacker, registration, salt))
        commit_tx = send_pending(attacker, registry, commit, priority_gwei=ATTACKER_FEE)
        mine_block()
        assert receipt(commit_tx)["status"] == 1
        victim_tx = send_pending(victim, registry, victim_data, priority_gwei=VICTIM_FEE)
        reveal = registry.reveal.encode_input(registration.as_tuple(), salt)
        reveal_tx = send_pending(attacker, registry, reveal, priority_gwei=ATTACKER_FEE)
        mine_block()
    block = receipt(commit_tx)["blockNumber"] + 1
    assert receipt(victim_tx)["blockNumber"] == receipt(reveal_tx)["blockNumber"] == block
    return victim_tx, reveal_tx


def assert_victim_superseded_sniper(
    registry: Any, victim_tx: HexBytes, sniper_tx: HexBytes, alice: Any, attacker: Any, registration: Registration
) -> None:
    """The sniper's reveal did mint to him; the victim's transaction then took the right over for alice."""
    sniped, victim = receipt(sniper_tx), receipt(victim_tx)
    assert sniped["status"] == 1, (
        f"the attacker's reveal reverted: {decode_error(tx_revert_data(sniper_tx.to_0x_hex()))}"
    )
    assert sniped["transactionIndex"] < victim["transactionIndex"], "the attacker's reveal did not go first"
    assert [name for name, _ in receipt_events(registry, sniped)] == ["Transfer", "RightRegistered"]
    assert victim["status"] == 1, (
        f"sniped: the victim's transaction got {decode_error(tx_revert_data(victim_tx.to_0x_hex()))}"
    )
    right = registration.right_id
    events = receipt_events(registry, victim)
    assert [name for name, _ in events] == ["Transfer", "ClaimSuperseded", "MetadataUpdate", "RightRegistered"]
    assert events[0][1] == {"from": attacker.address, "to": alice.address, "id": right}
    assert events[1][1] == {
        "tokenId": right,
        "from": attacker.address,
        "to": alice.address,
        "previousContentHash": registration.content_hash,
    }
    assert registry.ownerOf(right) == alice
    assert registry.balanceOf(attacker) == 0
    assert registry.balanceOf(alice) == 1
    assert registry.tokenOfContent(registration.content_hash) == right


def test_reveal_pending_one_block_is_not_sniped(registry: Any, alice: Any, attacker: Any, registration: Any) -> None:
    """The attacker replays alice's very reveal calldata (registration and salt) after committing to it himself;
    alice's earlier commitment supersedes his claim."""
    committed_at = registry.commit(commitment_for(alice, registration, SALT), {"from": alice}).block_number
    data = registry.reveal.encode_input(registration.as_tuple(), SALT)
    # The attacker's reveal is alice's calldata byte for byte: the commitment check keys on msg.sender.
    victim_tx, sniper_tx = snipe_after_one_block(registry, alice, data, attacker, registration, SALT)
    assert_victim_superseded_sniper(registry, victim_tx, sniper_tx, alice, attacker, registration)
    record = registry.recordOf(registration.right_id)
    assert record["selfDeclared"] is True  # still alice's own claim, now dated by her commitment
    assert registry.claimCommitBlock(registration.right_id) == committed_at


def test_register_pending_one_block_is_not_sniped(
    registry: Any, registrar: Any, alice: Any, attacker: Any, registration: Any
) -> None:
    """The attacker lifts the registration out of the registrar's pending register() as a self-declared claim."""
    data = registry.register.encode_input(alice, registration.as_tuple())
    victim_tx, sniper_tx = snipe_after_one_block(registry, registrar, data, attacker, registration, b"\xee" * 32)
    assert_victim_superseded_sniper(registry, victim_tx, sniper_tx, alice, attacker, registration)
    assert registry.recordOf(registration.right_id)["selfDeclared"] is False
    assert registry.claimCommitBlock(registration.right_id) == 0


def test_voucher_pending_one_block_is_not_sniped(
    registry: Any, signed_voucher: tuple[Voucher, bytes], alice: Any, attacker: Any
) -> None:
    """The attacker lifts the registration out of alice's pending registerWithVoucher() as a self-declared claim."""
    voucher, signature = signed_voucher
    data = registry.registerWithVoucher.encode_input(voucher.as_tuple(), signature)
    victim_tx, sniper_tx = snipe_after_one_block(registry, alice, data, attacker, voucher.registration, b"\xee" * 32)
    assert_victim_superseded_sniper(registry, victim_tx, sniper_tx, alice, attacker, voucher.registration)
    assert registry.recordOf(voucher.registration.right_id)["selfDeclared"] is False
    assert registry.nonces(alice) == 1


# A variant the supersede rule does not cover: the copier claims a right id of his own choosing with the victim's
# content hash. The victim's transaction then reverts ContentAlreadyRegistered: the copier gains no right, but he
# blocks the registration (the victim has no way to supersede a claim on another right; a registrar would have
# to register the copier's made-up right first to free the hash).


@pytest.mark.parametrize("path", ["reveal", "register", "registerWithVoucher"])
def test_pending_registration_is_not_blocked_by_copied_content(
    registry: Any,
    registrar: Any,
    alice: Any,
    attacker: Any,
    registration: Registration,
    signed_voucher: tuple[Voucher, bytes],
    path: str,
) -> None:
    # signed_voucher is built on ``registration`` (the same fixture value).
    if path == "reveal":
        registry.commit(commitment_for(alice, registration, SALT), {"from": alice})
        data = registry.reveal.encode_input(registration.as_tuple(), SALT)
        victim = alice
    elif path == "register":
        data = registry.register.encode_input(alice, registration.as_tuple())
        victim = registrar
    else:
        data = registry.registerWithVoucher.encode_input(signed_voucher[0].as_tuple(), signed_voucher[1])
        victim = alice
    decoy = replace(registration, numbers=(sample_number(987_654),))  # any right but the victim's
    victim_tx, sniper_tx = snipe_after_one_block(registry, victim, data, attacker, decoy, b"\xee" * 32)
    assert receipt(sniper_tx)["status"] == 1
    assert registry.tokenOfContent(registration.content_hash) == registration.right_id, (
        f"blocked: the victim's transaction got {decode_error(tx_revert_data(victim_tx.to_0x_hex()))}"
    )
    assert registry.ownerOf(registration.right_id) == alice
