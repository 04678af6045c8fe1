"""Self-declared claims are provisional: who may register a right that is already held, and what that does.

The rule (IPRegistry `_register` / `_checkSupersedable`):
- a registrar path (register, registerWithVoucher) supersedes a self-declared claim at any time, frozen or not;
- a reveal supersedes one only if its commitment block is strictly earlier than the held claim's
  (`claimCommitBlock`) and the held token is not frozen;
- a registrar-verified token is never superseded; the pause stops every supersede.
Superseding force-moves the token to the new recipient, unregisters the old content hash, rewrites the record and
emits Transfer, ClaimSuperseded and RightRegistered, in that order.

Cast: ``attacker`` squats rights by commit-reveal with documents of his own; ``alice`` is the rightful holder.
"""

from __future__ import annotations

from typing import Any

import pytest
from brownie import web3
from eth_utils import keccak
from registry_helpers import (
    ACTIVE,
    DESIGN,
    FROZEN,
    TRADE_SECRET,
    UTILITY_MODEL,
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Registration,
    Voucher,
    approval_flag,
    approval_word,
    automine_off,
    b,
    commitment_for,
    events_of,
    mine_at,
    mine_block,
    now,
    ownership_word,
    pack_record,
    reverts,
    send_pending,
    sign_voucher,
)

SALT = bytes.fromhex("d1" * 32)
ORDER = keccak(text="court order 2026/4")
LIFT = keccak(text="order lifting the freeze")


def record_dict(registry: Any, token_id: int) -> dict[str, Any]:
    record = registry.recordOf(token_id).dict()
    record["jurisdiction"] = b(record["jurisdiction"])
    return record


def commit(registry: Any, claimant: Any, registration: Registration, salt: bytes = SALT) -> int:
    """Commits ``claimant`` to ``registration``; the commitment block."""
    return int(registry.commit(commitment_for(claimant, registration, salt), {"from": claimant}).block_number)


def reveal(registry: Any, claimant: Any, registration: Registration, salt: bytes = SALT) -> Any:
    return registry.reveal(registration.as_tuple(), salt, {"from": claimant})


def claim(registry: Any, claimant: Any, registration: Registration, salt: bytes = SALT) -> int:
    """A self-declared claim (commit, then reveal in the next block); its commitment block."""
    at = commit(registry, claimant, registration, salt)
    reveal(registry, claimant, registration, salt)
    return at


def voucher_for(registry: Any, to: Any, registration: Registration, nonce: int = 0) -> tuple[tuple[Any, ...], bytes]:
    """A voucher signed by ``voucher_signer`` (a registrar), as call arguments (tuple, signature)."""
    voucher = Voucher(to=to.address, registration=registration, nonce=nonce, deadline=now() + 3600)
    signature = sign_voucher(
        VOUCHER_SIGNER_KEY, voucher, chain_id=web3.eth.chain_id, verifying_contract=registry.address
    )
    return voucher.as_tuple(), signature


def expected_record(registration: Registration, *, registered_at: int, self_declared: bool) -> int:
    return pack_record(
        kind=registration.kind,
        jurisdiction=registration.jurisdiction,
        registered_at=registered_at,
        expiry=registration.expiry,
        self_declared=self_declared,
    )


@pytest.fixture
def squat(new_registration: Any, registration: Registration) -> Registration:
    """The attacker's claim on ``registration``'s right, with documents and fields of his own."""
    return new_registration(
        right_id=registration.right_id,
        kind=TRADE_SECRET,
        expiry=2**40 - 1,
        metadata=b'{"title":"squat"}',
    )


@pytest.fixture
def squatted(registry: Any, attacker: Any, squat: Registration) -> int:
    """``squat`` revealed by the attacker; the token id (= ``registration.right_id``)."""
    claim(registry, attacker, squat)
    return squat.right_id


# ------------------------------------------------------------------------------------------- registrar paths


def test_register_supersedes_self_declared_claim(
    registry: Any,
    registrar: Any,
    alice: Any,
    attacker: Any,
    registration: Registration,
    squat: Registration,
) -> None:
    committed_at = claim(registry, attacker, squat)
    right = registration.right_id
    squat_record = record_dict(registry, right)
    assert squat_record["selfDeclared"] is True
    assert registry.claimCommitBlock(right) == committed_at
    mine_at(now() + 30 * 86400)  # "at any time": a month later

    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})

    assert tx.return_value == right
    record = expected_record(registration, registered_at=tx.timestamp, self_declared=False)
    assert events_of(tx) == [
        ("Transfer", {"from": attacker, "to": alice, "id": right}),
        (
            "ClaimSuperseded",
            {"tokenId": right, "from": attacker, "to": alice, "previousContentHash": squat.content_hash},
        ),
        ("MetadataUpdate", {"_tokenId": right}),
        (
            "RightRegistered",
            {
                "tokenId": right,
                "contentHash": registration.content_hash,
                "registrar": registrar,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert registry.ownerOf(right) == alice
    assert (registry.balanceOf(attacker), registry.balanceOf(alice)) == (0, 1)
    # The record is the registrar's, not the squatter's: kind, jurisdiction, expiry, time, origin.
    assert record_dict(registry, right) == {
        "owner": alice,
        "kind": registration.kind,
        "jurisdiction": registration.jurisdiction,
        "registeredAt": tx.timestamp,
        "expiry": registration.expiry,
        "status": ACTIVE,
        "selfDeclared": False,
        "disputeLocked": False,
        "pledged": False,
    }
    assert tx.timestamp > squat_record["registeredAt"]
    assert ownership_word(registry, right) >> 160 == record  # no stray flag left in the slot
    assert registry.claimCommitBlock(right) == 0
    assert registry.tokenOfContent(squat.content_hash) == 0
    assert registry.tokenOfContent(registration.content_hash) == right


def test_register_supersedes_claim_with_the_same_content(
    registry: Any, registrar: Any, alice: Any, attacker: Any, registration: Registration
) -> None:
    """The squatter copied the victim's very documents: the content hash stays registered, to the same token."""
    claim(registry, attacker, registration)
    right = registration.right_id
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert events_of(tx)[1] == (
        "ClaimSuperseded",
        {"tokenId": right, "from": attacker, "to": alice, "previousContentHash": registration.content_hash},
    )
    assert registry.ownerOf(right) == alice
    assert registry.tokenOfContent(registration.content_hash) == right
    assert registry.recordOf(right)["selfDeclared"] is False
    assert registry.claimCommitBlock(right) == 0


def test_voucher_supersedes_self_declared_claim(
    registry: Any,
    voucher_signer: Any,
    alice: Any,
    attacker: Any,
    stranger: Any,
    registration: Registration,
    squat: Registration,
    squatted: int,
) -> None:
    voucher, signature = voucher_for(registry, alice, registration)
    tx = registry.registerWithVoucher(voucher, signature, {"from": stranger})
    assert tx.return_value == squatted
    record = expected_record(registration, registered_at=tx.timestamp, self_declared=False)
    assert events_of(tx) == [
        ("Transfer", {"from": attacker, "to": alice, "id": squatted}),
        (
            "ClaimSuperseded",
            {"tokenId": squatted, "from": attacker, "to": alice, "previousContentHash": squat.content_hash},
        ),
        ("MetadataUpdate", {"_tokenId": squatted}),
        (
            "RightRegistered",
            {
                "tokenId": squatted,
                "contentHash": registration.content_hash,
                "registrar": voucher_signer,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert registry.ownerOf(squatted) == alice
    assert (registry.balanceOf(attacker), registry.balanceOf(alice), registry.balanceOf(stranger)) == (0, 1, 0)
    assert registry.recordOf(squatted)["selfDeclared"] is False
    assert registry.claimCommitBlock(squatted) == 0
    assert registry.tokenOfContent(squat.content_hash) == 0
    assert registry.nonces(alice) == 1


def test_registrar_supersedes_claim_moved_on_by_force_transfer(
    registry: Any, registrar: Any, alice: Any, bob: Any, registration: Registration, squatted: int
) -> None:
    """The claim stays provisional wherever it goes: the supersede takes it from its current holder."""
    registry.forceTransfer(squatted, bob, ORDER, {"from": registrar})
    assert registry.recordOf(squatted)["selfDeclared"] is True
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert events_of(tx)[0] == ("Transfer", {"from": bob, "to": alice, "id": squatted})
    assert events_of(tx)[1][1]["from"] == bob
    assert registry.ownerOf(squatted) == alice
    assert registry.balanceOf(bob) == 0


def test_registrar_registering_to_the_holder_verifies_the_claim(
    registry: Any, registrar: Any, alice: Any, bob: Any, new_registration: Any
) -> None:
    """The registrar confirms alice's own claim (with corrected fields): she keeps the token, now verified. The record
    takes the registrar's kind and expiry; the jurisdiction stays the primary number's office (the same number)."""
    own = new_registration(kind=DESIGN, jurisdiction=b"EP")
    claim(registry, alice, own)
    right = own.right_id
    registry.approve(bob, right, {"from": alice})
    verified = new_registration(right_id=right, kind=UTILITY_MODEL, expiry=2**39)

    tx = registry.register(alice, verified.as_tuple(), {"from": registrar})

    assert [name for name, _ in events_of(tx)] == ["Transfer", "ClaimSuperseded", "MetadataUpdate", "RightRegistered"]
    assert events_of(tx)[0][1] == {"from": alice, "to": alice, "id": right}
    assert events_of(tx)[1][1] == {
        "tokenId": right,
        "from": alice,
        "to": alice,
        "previousContentHash": own.content_hash,
    }
    assert registry.ownerOf(right) == alice
    assert registry.balanceOf(alice) == 1  # a move to oneself: balance unchanged
    assert record_dict(registry, right) == {
        "owner": alice,
        "kind": UTILITY_MODEL,
        "jurisdiction": b"EP",
        "registeredAt": tx.timestamp,
        "expiry": verified.expiry,
        "status": ACTIVE,
        "selfDeclared": False,
        "disputeLocked": False,
        "pledged": False,
    }
    assert registry.claimCommitBlock(right) == 0
    assert registry.tokenOfContent(own.content_hash) == 0
    assert registry.tokenOfContent(verified.content_hash) == right
    assert registry.getApproved(right) == ZERO_ADDRESS  # the move cleared alice's approval too
    registry.transferFrom(alice, bob, right, {"from": alice})  # an ordinary, verified token now
    assert registry.ownerOf(right) == bob


def test_supersede_moves_exactly_one_token_between_balances(
    registry: Any,
    registrar: Any,
    alice: Any,
    attacker: Any,
    registration: Registration,
    squatted: int,
    new_registration: Any,
) -> None:
    other_squat, alice_own = new_registration(), new_registration()
    claim(registry, attacker, other_squat)
    registry.register(alice, alice_own.as_tuple(), {"from": registrar})
    assert (registry.balanceOf(attacker), registry.balanceOf(alice)) == (2, 1)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert (registry.balanceOf(attacker), registry.balanceOf(alice)) == (1, 2)
    assert registry.ownerOf(other_squat.right_id) == attacker  # his other claim is untouched
    assert registry.recordOf(other_squat.right_id)["selfDeclared"] is True


def test_supersede_clears_approvals(
    registry: Any,
    registrar: Any,
    alice: Any,
    attacker: Any,
    bob: Any,
    carol: Any,
    operator: Any,
    registration: Registration,
    squatted: int,
) -> None:
    registry.approve(bob, squatted, {"from": attacker})
    registry.setApprovalForAll(operator, True, {"from": attacker})
    assert approval_flag(registry, squatted)
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.getApproved(squatted) == ZERO_ADDRESS
    assert approval_word(registry, squatted) == 0
    assert not approval_flag(registry, squatted)
    # Neither the squatter's approved address nor his operator can move alice's token.
    for accomplice in (bob, operator):
        with reverts("NotOwnerNorApproved"):
            registry.transferFrom(alice, carol, squatted, {"from": accomplice})
    assert registry.ownerOf(squatted) == alice
    # The flag works as before for alice's own approvals.
    registry.approve(carol, squatted, {"from": alice})
    assert approval_flag(registry, squatted)
    registry.transferFrom(alice, carol, squatted, {"from": carol})
    assert registry.ownerOf(squatted) == carol


def test_supersede_to_zero_address_reverts(
    registry: Any, registrar: Any, attacker: Any, registration: Registration, squat: Registration, squatted: int
) -> None:
    with reverts("TransferToZeroAddress"):
        registry.register(ZERO_ADDRESS, registration.as_tuple(), {"from": registrar})
    assert registry.ownerOf(squatted) == attacker
    assert registry.tokenOfContent(squat.content_hash) == squatted
    assert registry.tokenOfContent(registration.content_hash) == 0


# ------------------------------------------------------------------------------------------- the reveal path


def test_reveal_with_earlier_commitment_supersedes_later_claim(
    registry: Any, alice: Any, attacker: Any, registration: Registration, squat: Registration
) -> None:
    alice_at = commit(registry, alice, registration)
    attacker_at = claim(registry, attacker, squat)
    assert attacker_at == alice_at + 1  # earlier by a single block is enough
    right = registration.right_id
    assert registry.claimCommitBlock(right) == attacker_at

    tx = reveal(registry, alice, registration)

    assert tx.return_value == right
    record = expected_record(registration, registered_at=tx.timestamp, self_declared=True)
    assert events_of(tx) == [
        ("Transfer", {"from": attacker, "to": alice, "id": right}),
        (
            "ClaimSuperseded",
            {"tokenId": right, "from": attacker, "to": alice, "previousContentHash": squat.content_hash},
        ),
        ("MetadataUpdate", {"_tokenId": right}),
        (
            "RightRegistered",
            {
                "tokenId": right,
                "contentHash": registration.content_hash,
                "registrar": ZERO_ADDRESS,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert (registry.balanceOf(attacker), registry.balanceOf(alice)) == (0, 1)
    assert record_dict(registry, right) == {
        "owner": alice,
        "kind": registration.kind,
        "jurisdiction": registration.jurisdiction,
        "registeredAt": tx.timestamp,
        "expiry": registration.expiry,
        "status": ACTIVE,
        "selfDeclared": True,  # still a claim, only an older one
        "disputeLocked": False,
        "pledged": False,
    }
    assert registry.claimCommitBlock(right) == alice_at
    assert registry.tokenOfContent(squat.content_hash) == 0
    assert registry.tokenOfContent(registration.content_hash) == right
    assert registry.commitmentBlock(commitment_for(alice, registration, SALT)) == 0  # consumed


def test_reveal_with_earlier_commitment_and_same_content_supersedes(
    registry: Any, alice: Any, attacker: Any, registration: Registration
) -> None:
    """The attacker copied alice's documents into his own later claim: the hash moves with the right."""
    alice_at = commit(registry, alice, registration)
    claim(registry, attacker, registration, b"\xee" * 32)
    tx = reveal(registry, alice, registration)
    assert events_of(tx)[1][1]["previousContentHash"] == registration.content_hash
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.tokenOfContent(registration.content_hash) == registration.right_id
    assert registry.claimCommitBlock(registration.right_id) == alice_at


def test_reveal_with_later_commitment_reverts(
    registry: Any, alice: Any, attacker: Any, registration: Registration, squat: Registration
) -> None:
    attacker_at = claim(registry, attacker, squat)
    alice_at = commit(registry, alice, registration)
    assert alice_at > attacker_at
    with reverts("RightAlreadyRegistered", registration.right_id):
        reveal(registry, alice, registration)
    assert registry.ownerOf(registration.right_id) == attacker
    assert registry.claimCommitBlock(registration.right_id) == attacker_at
    assert registry.commitmentBlock(commitment_for(alice, registration, SALT)) == alice_at  # not consumed
    assert registry.tokenOfContent(registration.content_hash) == 0


def test_reveal_with_commitment_in_the_same_block_reverts(
    registry: Any, alice: Any, attacker: Any, registration: Registration, squat: Registration
) -> None:
    """Strictly earlier: a tie goes to whoever revealed first."""
    with automine_off():
        alice_commit = send_pending(
            alice, registry, registry.commit.encode_input(commitment_for(alice, registration, SALT)), priority_gwei=1
        )
        attacker_commit = send_pending(
            attacker, registry, registry.commit.encode_input(commitment_for(attacker, squat, SALT)), priority_gwei=1
        )
        mine_block()
    alice_at = web3.eth.get_transaction_receipt(alice_commit)["blockNumber"]
    assert web3.eth.get_transaction_receipt(attacker_commit)["blockNumber"] == alice_at
    reveal(registry, attacker, squat)
    assert registry.claimCommitBlock(registration.right_id) == alice_at
    with reverts("RightAlreadyRegistered", registration.right_id):
        reveal(registry, alice, registration)
    assert registry.ownerOf(registration.right_id) == attacker


def test_reveal_of_the_holders_own_later_commitment_reverts(
    registry: Any, alice: Any, registration: Registration, new_registration: Any
) -> None:
    """Re-claiming one's own right with a later commitment (say, other documents) is refused like anyone's."""
    claim(registry, alice, registration)
    again = new_registration(right_id=registration.right_id)
    commit(registry, alice, again)
    with reverts("RightAlreadyRegistered", registration.right_id):
        reveal(registry, alice, again)


def test_earlier_commitments_supersede_in_turn(
    registry: Any,
    alice: Any,
    bob: Any,
    attacker: Any,
    registration: Registration,
    squat: Registration,
    new_registration: Any,
) -> None:
    """bob committed first, alice second, the attacker last; reveals in reverse order hand the right down the line,
    and a claim that lost cannot come back with a fresh (later) commitment."""
    bobs = new_registration(right_id=registration.right_id)
    bob_at = commit(registry, bob, bobs)
    alice_at = commit(registry, alice, registration)
    claim(registry, attacker, squat)

    reveal(registry, alice, registration)
    assert (registry.ownerOf(registration.right_id), registry.claimCommitBlock(registration.right_id)) == (
        alice,
        alice_at,
    )
    tx = reveal(registry, bob, bobs)
    assert events_of(tx)[1][1] == {
        "tokenId": registration.right_id,
        "from": alice,
        "to": bob,
        "previousContentHash": registration.content_hash,
    }
    assert (registry.ownerOf(registration.right_id), registry.claimCommitBlock(registration.right_id)) == (
        bob,
        bob_at,
    )
    assert registry.tokenOfContent(registration.content_hash) == 0
    assert registry.tokenOfContent(squat.content_hash) == 0
    assert registry.tokenOfContent(bobs.content_hash) == registration.right_id

    commit(registry, attacker, squat, b"\xee" * 32)  # the attacker tries again
    with reverts("RightAlreadyRegistered", registration.right_id):
        reveal(registry, attacker, squat, b"\xee" * 32)
    assert (registry.balanceOf(alice), registry.balanceOf(bob), registry.balanceOf(attacker)) == (0, 1, 0)


# ------------------------------------------------------------------------------------------- frozen, paused


def test_reveal_over_frozen_claim_reverts_token_is_frozen(
    registry: Any, registrar: Any, alice: Any, attacker: Any, registration: Registration, squat: Registration
) -> None:
    alice_at = commit(registry, alice, registration)
    attacker_at = claim(registry, attacker, squat)
    registry.freeze(registration.right_id, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", registration.right_id):
        reveal(registry, alice, registration)
    assert registry.ownerOf(registration.right_id) == attacker
    assert registry.claimCommitBlock(registration.right_id) == attacker_at
    assert registry.commitmentBlock(commitment_for(alice, registration, SALT)) == alice_at  # kept for later
    registry.unfreeze(registration.right_id, LIFT, {"from": registrar})
    reveal(registry, alice, registration)  # the freeze lifted, the earlier commitment wins
    assert registry.ownerOf(registration.right_id) == alice


def test_reveal_over_frozen_claim_with_later_commitment_reverts_on_the_right(
    registry: Any, registrar: Any, alice: Any, registration: Registration, squatted: int
) -> None:
    """The commitment order is checked before the freeze."""
    registry.freeze(squatted, ORDER, {"from": registrar})
    commit(registry, alice, registration)
    with reverts("RightAlreadyRegistered", squatted):
        reveal(registry, alice, registration)


def test_registrar_supersedes_frozen_claim(
    registry: Any,
    registrar: Any,
    alice: Any,
    attacker: Any,
    registration: Registration,
    squat: Registration,
    squatted: int,
) -> None:
    registry.freeze(squatted, ORDER, {"from": registrar})
    tx = registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert [name for name, _ in events_of(tx)] == ["Transfer", "ClaimSuperseded", "MetadataUpdate", "RightRegistered"]
    assert events_of(tx)[0][1] == {"from": attacker, "to": alice, "id": squatted}
    assert registry.ownerOf(squatted) == alice
    assert (registry.balanceOf(attacker), registry.balanceOf(alice)) == (0, 1)
    assert registry.recordOf(squatted)["selfDeclared"] is False
    assert registry.tokenOfContent(squat.content_hash) == 0


def test_registrar_supersede_keeps_the_freeze(
    registry: Any, registrar: Any, alice: Any, bob: Any, registration: Registration, squatted: int
) -> None:
    registry.freeze(squatted, ORDER, {"from": registrar})
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(squatted)["status"] == FROZEN  # as after forceTransfer
    with reverts("TokenIsFrozen", squatted):
        registry.transferFrom(alice, bob, squatted, {"from": alice})


@pytest.mark.parametrize("path", ["register", "registerWithVoucher", "reveal", "register over frozen"])
def test_supersede_while_paused_reverts(
    registry: Any,
    registrar: Any,
    guardian: Any,
    alice: Any,
    attacker: Any,
    stranger: Any,
    registration: Registration,
    squat: Registration,
    path: str,
) -> None:
    commit(registry, alice, registration)  # earlier than the squat, so the reveal would supersede it
    claim(registry, attacker, squat)
    right = registration.right_id
    if path == "register over frozen":
        registry.freeze(right, ORDER, {"from": registrar})
    voucher, signature = voucher_for(registry, alice, registration)
    registry.pause({"from": guardian})
    with reverts("EnforcedPause"):
        if path == "registerWithVoucher":
            registry.registerWithVoucher(voucher, signature, {"from": stranger})
        elif path == "reveal":
            reveal(registry, alice, registration)
        else:
            registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.ownerOf(right) == attacker
    assert registry.recordOf(right)["selfDeclared"] is True
    assert registry.tokenOfContent(squat.content_hash) == right
    registry.unpause({"from": guardian})  # the same call goes through once the pause is lifted
    if path == "reveal":
        reveal(registry, alice, registration)
    else:
        registry.registerWithVoucher(voucher, signature, {"from": stranger})
    assert registry.ownerOf(right) == alice


# ------------------------------------------------------------------------------------------- content hashes


def test_superseded_content_hash_can_be_registered_again(
    registry: Any,
    registrar: Any,
    alice: Any,
    bob: Any,
    registration: Registration,
    squat: Registration,
    squatted: int,
    new_registration: Any,
) -> None:
    registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.tokenOfContent(squat.content_hash) == 0
    reuse = new_registration(content_hash=squat.content_hash)  # another right with those documents
    registry.register(bob, reuse.as_tuple(), {"from": registrar})
    assert registry.tokenOfContent(squat.content_hash) == reuse.right_id
    assert registry.tokenOfContent(registration.content_hash) == squatted


@pytest.mark.parametrize("path", ["register", "registerWithVoucher", "reveal"])
def test_supersede_with_content_of_another_token_reverts(
    registry: Any,
    registrar: Any,
    alice: Any,
    bob: Any,
    attacker: Any,
    stranger: Any,
    registration: Registration,
    squat: Registration,
    new_registration: Any,
    path: str,
) -> None:
    other = new_registration()
    registry.register(bob, other.as_tuple(), {"from": registrar})
    colliding = new_registration(right_id=registration.right_id, content_hash=other.content_hash)
    commit(registry, alice, colliding)  # earlier than the squat
    claim(registry, attacker, squat)
    with reverts("ContentAlreadyRegistered", other.content_hash, other.right_id):
        if path == "register":
            registry.register(alice, colliding.as_tuple(), {"from": registrar})
        elif path == "registerWithVoucher":
            voucher, signature = voucher_for(registry, alice, colliding)
            registry.registerWithVoucher(voucher, signature, {"from": stranger})
        else:
            reveal(registry, alice, colliding)
    assert registry.ownerOf(registration.right_id) == attacker
    assert registry.tokenOfContent(squat.content_hash) == registration.right_id  # the squat's hash is kept
    assert registry.tokenOfContent(other.content_hash) == other.right_id
    assert registry.ownerOf(other.right_id) == bob


# ------------------------------------------------------------------------------------------- verified tokens


@pytest.fixture(params=["register", "registerWithVoucher", "verified claim"])
def verified(
    request: Any,
    registry: Any,
    registrar: Any,
    alice: Any,
    carol: Any,
    stranger: Any,
    registration: Registration,
) -> tuple[int, Registration]:
    """``registration`` registrar-verified to alice, in three ways; carol committed to the right before it all.
    Returns (token id, carol's registration)."""
    carols = Registration(numbers=registration.numbers, content_hash=keccak(text="carol's bundle"))
    commit(registry, carol, carols)
    if request.param == "register":
        registry.register(alice, registration.as_tuple(), {"from": registrar})
    elif request.param == "registerWithVoucher":
        voucher, signature = voucher_for(registry, alice, registration)
        registry.registerWithVoucher(voucher, signature, {"from": stranger})
    else:  # alice claimed it herself (later than carol) and a registrar verified her claim
        claim(registry, alice, registration)
        registry.register(alice, registration.as_tuple(), {"from": registrar})
    assert registry.recordOf(registration.right_id)["selfDeclared"] is False
    return registration.right_id, carols


@pytest.mark.parametrize("path", ["register", "registerWithVoucher", "earlier reveal"])
def test_registrar_verified_right_cannot_be_superseded(
    registry: Any,
    registrar: Any,
    alice: Any,
    bob: Any,
    carol: Any,
    stranger: Any,
    verified: tuple[int, Registration],
    new_registration: Any,
    path: str,
) -> None:
    right, carols = verified
    with reverts("RightAlreadyRegistered", right):
        if path == "register":
            registry.register(bob, new_registration(right_id=right).as_tuple(), {"from": registrar})
        elif path == "registerWithVoucher":
            voucher, signature = voucher_for(registry, bob, new_registration(right_id=right))
            registry.registerWithVoucher(voucher, signature, {"from": stranger})
        else:  # carol's commitment predates the registration, which does not matter for a verified right
            reveal(registry, carol, carols)
    assert registry.ownerOf(right) == alice
    assert registry.recordOf(right)["selfDeclared"] is False
    assert registry.claimCommitBlock(right) == 0


# ------------------------------------------------------------------------------------------- reclaimed bundles


def test_earlier_claim_reclaims_a_bundle_held_by_another_right(
    registry: Any, alice: Any, attacker: Any, new_registration: Any
) -> None:
    mine = new_registration()
    decoy = new_registration(content_hash=mine.content_hash)  # another right id, the victim's documents
    commit(registry, alice, mine)
    claim(registry, attacker, decoy)
    tx = reveal(registry, alice, mine)
    assert (
        "ContentReclaimed",
        {"contentHash": mine.content_hash, "fromTokenId": decoy.right_id, "toTokenId": mine.right_id},
    ) in events_of(tx)
    assert registry.tokenOfContent(mine.content_hash) == mine.right_id
    assert registry.ownerOf(decoy.right_id) == attacker  # the decoy right stays, without documents


def test_claim_cannot_reclaim_the_bundle_of_a_frozen_claim(
    registry: Any, registrar: Any, alice: Any, attacker: Any, new_registration: Any
) -> None:
    mine = new_registration()
    decoy = new_registration(content_hash=mine.content_hash)
    commit(registry, alice, mine)
    claim(registry, attacker, decoy)
    registry.freeze(decoy.right_id, ORDER, {"from": registrar})
    with reverts("TokenIsFrozen", decoy.right_id):
        reveal(registry, alice, mine)
    registry.register(alice, mine.as_tuple(), {"from": registrar})  # a registrar still can
    assert registry.tokenOfContent(mine.content_hash) == mine.right_id
