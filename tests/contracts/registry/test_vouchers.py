"""Registration by a registrar's EIP-712 voucher, submitted by anyone.

Signatures are made with eth-account's ``encode_typed_data`` over the full domain, independently of the
contract; a tampered voucher recovers to some other address, which the tests compute to assert the exact
``InvalidVoucherSigner(signer)``.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from brownie import chain, web3
from registry_helpers import (
    REGISTRAR_ROLE,
    ROGUE_SIGNER_KEY,
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Voucher,
    address_of,
    b,
    domain_separator,
    events_of,
    now,
    pack_record,
    recover_voucher_signer,
    reverts,
    rpc,
    sample_number,
    sign_voucher,
)

SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141


@pytest.fixture
def sign(registry: Any) -> Any:
    """Signs a voucher for ``registry`` on this chain; ``key``, ``chain_id`` and ``contract`` can be changed."""

    def _sign(
        voucher: Voucher, key: str = VOUCHER_SIGNER_KEY, *, chain_id: int | None = None, contract: Any = None
    ) -> bytes:
        return sign_voucher(
            key,
            voucher,
            chain_id=web3.eth.chain_id if chain_id is None else chain_id,
            verifying_contract=address_of(contract or registry),
        )

    return _sign


def recovered(registry: Any, voucher: Voucher, signature: bytes) -> str:
    """What the registry's ecrecover sees for ``signature`` over ``voucher``."""
    return recover_voucher_signer(
        voucher, signature, chain_id=web3.eth.chain_id, verifying_contract=address_of(registry)
    )


@pytest.fixture
def voucher(alice: Any, registration: Any) -> Voucher:
    return Voucher(to=alice.address, registration=registration, nonce=0, deadline=now() + 3600)


def test_domain_separator_matches_eip712(registry: Any) -> None:
    expected = domain_separator(chain_id=web3.eth.chain_id, verifying_contract=registry.address)
    assert b(registry.DOMAIN_SEPARATOR()) == expected


def test_eip712_domain_fields(registry: Any) -> None:
    fields, name, version, chain_id, contract, salt, extensions = registry.eip712Domain()
    assert (b(fields), name, version, chain_id, contract, b(salt), list(extensions)) == (
        b"\x0f",
        "IPLedger Registry",
        "1",
        web3.eth.chain_id,
        registry.address,
        b"\x00" * 32,
        [],
    )


def test_voucher_submitted_by_stranger_mints_to_recipient(
    registry: Any, voucher: Voucher, sign: Any, stranger: Any, alice: Any, voucher_signer: Any
) -> None:
    registration = voucher.registration
    tx = registry.registerWithVoucher(voucher.as_tuple(), sign(voucher), {"from": stranger})
    assert tx.return_value == registration.right_id
    record = pack_record(
        kind=registration.kind,
        jurisdiction=registration.jurisdiction,
        registered_at=tx.timestamp,
        expiry=registration.expiry,
        self_declared=False,
    )
    assert events_of(tx) == [
        ("Transfer", {"from": ZERO_ADDRESS, "to": alice, "id": registration.right_id}),
        (
            "RightRegistered",
            {
                "tokenId": registration.right_id,
                "contentHash": registration.content_hash,
                "registrar": voucher_signer,
                "record": record,
                "numbers": list(registration.numbers),
                "metadata": registration.metadata,
            },
        ),
    ]
    assert registry.ownerOf(registration.right_id) == alice
    assert registry.balanceOf(stranger) == 0
    assert registry.nonces(alice) == 1
    assert registry.recordOf(registration.right_id)["selfDeclared"] is False


def test_voucher_submitted_by_recipient(registry: Any, voucher: Voucher, sign: Any, alice: Any) -> None:
    registry.registerWithVoucher(voucher.as_tuple(), sign(voucher), {"from": alice})
    assert registry.ownerOf(voucher.registration.right_id) == alice


def test_vouchers_use_nonces_in_order(
    registry: Any, sign: Any, alice: Any, stranger: Any, new_registration: Any
) -> None:
    first = Voucher(to=alice.address, registration=new_registration(), nonce=0, deadline=now() + 3600)
    second = Voucher(to=alice.address, registration=new_registration(), nonce=1, deadline=now() + 3600)
    with reverts("InvalidAccountNonce", alice, 0):
        registry.registerWithVoucher(second.as_tuple(), sign(second), {"from": stranger})
    registry.registerWithVoucher(first.as_tuple(), sign(first), {"from": stranger})
    registry.registerWithVoucher(second.as_tuple(), sign(second), {"from": stranger})
    assert registry.balanceOf(alice) == 2
    assert registry.nonces(alice) == 2


def test_voucher_past_deadline_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    expired = replace(voucher, deadline=now() - 1)
    with reverts("VoucherExpired", expired.deadline):
        registry.registerWithVoucher(expired.as_tuple(), sign(expired), {"from": stranger})


def test_voucher_deadline_is_inclusive(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    deadline = now() + 100
    on_time, late = replace(voucher, deadline=deadline), replace(voucher, deadline=deadline - 1)
    rpc("evm_setNextBlockTimestamp", [deadline])
    with reverts("VoucherExpired", deadline - 1):
        registry.registerWithVoucher(late.as_tuple(), sign(late), {"from": stranger})
    rpc("evm_setNextBlockTimestamp", [deadline])
    tx = registry.registerWithVoucher(on_time.as_tuple(), sign(on_time), {"from": stranger})
    assert tx.timestamp == deadline


def test_voucher_expires_after_time_passes(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    signature = sign(voucher)
    chain.sleep(7200)
    with reverts("VoucherExpired", voucher.deadline):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})


def test_voucher_signed_without_role_reverts(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, rogue_signer: Any
) -> None:
    with reverts("InvalidVoucherSigner", rogue_signer):
        registry.registerWithVoucher(voucher.as_tuple(), sign(voucher, ROGUE_SIGNER_KEY), {"from": stranger})


def test_voucher_of_revoked_registrar_reverts(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, admin: Any, voucher_signer: Any
) -> None:
    signature = sign(voucher)
    registry.revokeRole(REGISTRAR_ROLE, voucher_signer, {"from": admin})
    with reverts("InvalidVoucherSigner", voucher_signer):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})


def test_voucher_replay_reverts_on_nonce(registry: Any, sign: Any, voucher: Voucher, stranger: Any, alice: Any) -> None:
    """The nonce check comes before the duplicate-right check, so a replay fails on the nonce."""
    signature = sign(voucher)
    registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})
    with reverts("InvalidAccountNonce", alice, 1):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})


def test_voucher_for_registered_right_reverts_on_right(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, registrar: Any, bob: Any, alice: Any
) -> None:
    registry.register(bob, voucher.registration.as_tuple(), {"from": registrar})
    with reverts("RightAlreadyRegistered", voucher.registration.right_id):
        registry.registerWithVoucher(voucher.as_tuple(), sign(voucher), {"from": stranger})
    assert registry.nonces(alice) == 0  # the revert also undid the nonce


def test_voucher_with_wrong_nonce_reverts(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, alice: Any
) -> None:
    ahead = replace(voucher, nonce=5)
    with reverts("InvalidAccountNonce", alice, 0):
        registry.registerWithVoucher(ahead.as_tuple(), sign(ahead), {"from": stranger})


def test_voucher_for_other_chain_reverts(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, voucher_signer: Any
) -> None:
    signature = sign(voucher, chain_id=1)
    signer = recovered(registry, voucher, signature)
    assert signer != voucher_signer.address
    with reverts("InvalidVoucherSigner", signer):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})


def test_voucher_for_other_registry_reverts(
    registry: Any,
    IPRegistry: Any,  # noqa: N803
    sign: Any,
    voucher: Voucher,
    stranger: Any,
    admin: Any,
    voucher_signer: Any,
    alice: Any,
) -> None:
    """A voucher signed for registry A cannot be used on registry B, even where its signer is a registrar."""
    other = IPRegistry.deploy(admin, {"from": admin})
    other.grantRole(REGISTRAR_ROLE, voucher_signer, {"from": admin})
    signature = sign(voucher)  # for `registry`
    signer = recovered(other, voucher, signature)
    assert signer != voucher_signer.address
    with reverts("InvalidVoucherSigner", signer):
        other.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})
    # ... and it still works where it belongs.
    registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})
    assert registry.ownerOf(voucher.registration.right_id) == alice


@pytest.mark.parametrize(
    "tamper",
    [
        lambda v, bob: replace(v, to=bob.address),
        lambda v, bob: replace(v, registration=replace(v.registration, metadata=b'{"title":"evil"}')),
        lambda v, bob: replace(v, registration=replace(v.registration, numbers=(v.registration.numbers[0] + 1,))),
        lambda v, bob: replace(v, registration=replace(v.registration, content_hash=b"\x01" * 32)),
        lambda v, bob: replace(v, registration=replace(v.registration, kind=1)),
        lambda v, bob: replace(
            v, registration=replace(v.registration, numbers=(*v.registration.numbers, 1 + v.registration.numbers[0]))
        ),
        lambda v, bob: replace(v, registration=replace(v.registration, expiry=1)),
        lambda v, bob: replace(v, deadline=v.deadline + 1),
    ],
    ids=["to", "metadata", "primary number", "contentHash", "kind", "other numbers", "expiry", "deadline"],
)
def test_voucher_with_tampered_field_reverts(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, bob: Any, voucher_signer: Any, tamper: Any
) -> None:
    signature = sign(voucher)
    tampered = tamper(voucher, bob)
    signer = recovered(registry, tampered, signature)
    assert signer != voucher_signer.address
    with reverts("InvalidVoucherSigner", signer):
        registry.registerWithVoucher(tampered.as_tuple(), signature, {"from": stranger})


def test_voucher_with_short_signature_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    with reverts("ECDSAInvalidSignatureLength", 64):
        registry.registerWithVoucher(voucher.as_tuple(), sign(voucher)[:64], {"from": stranger})


def test_voucher_with_malleable_signature_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    """The high-s twin of a valid signature recovers the same signer; OpenZeppelin's ECDSA refuses it."""
    signature = sign(voucher)
    r, s, v = signature[:32], int.from_bytes(signature[32:64], "big"), signature[64]
    high_s = (SECP256K1_N - s).to_bytes(32, "big")
    twin = r + high_s + bytes([55 - v])  # 27 <-> 28
    with reverts("ECDSAInvalidSignatureS", high_s):
        registry.registerWithVoucher(voucher.as_tuple(), twin, {"from": stranger})


def test_voucher_with_invalid_v_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    signature = sign(voucher)
    with reverts("ECDSAInvalidSignature"):
        registry.registerWithVoucher(voucher.as_tuple(), signature[:64] + b"\x1d", {"from": stranger})


def test_cancel_voucher_voids_it(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, registrar: Any, alice: Any
) -> None:
    signature = sign(voucher)
    tx = registry.cancelVoucher(alice, {"from": registrar})
    assert events_of(tx) == [("VoucherCancelled", {"to": alice, "nonce": 0, "registrar": registrar})]
    assert registry.nonces(alice) == 1
    with reverts("InvalidAccountNonce", alice, 1):
        registry.registerWithVoucher(voucher.as_tuple(), signature, {"from": stranger})


def test_cancel_voucher_only_voids_current_nonce(
    registry: Any, sign: Any, voucher: Voucher, stranger: Any, registrar: Any, alice: Any
) -> None:
    registry.cancelVoucher(alice, {"from": registrar})
    next_voucher = replace(voucher, nonce=1)
    registry.registerWithVoucher(next_voucher.as_tuple(), sign(next_voucher), {"from": stranger})
    assert registry.ownerOf(voucher.registration.right_id) == alice


def test_cancel_voucher_by_stranger_reverts(registry: Any, stranger: Any, alice: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", stranger, REGISTRAR_ROLE):
        registry.cancelVoucher(alice, {"from": stranger})


def test_cancel_voucher_by_recipient_reverts(registry: Any, alice: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", alice, REGISTRAR_ROLE):
        registry.cancelVoucher(alice, {"from": alice})


def test_voucher_to_zero_address_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    to_nobody = replace(voucher, to=ZERO_ADDRESS)
    with reverts("TransferToZeroAddress"):
        registry.registerWithVoucher(to_nobody.as_tuple(), sign(to_nobody), {"from": stranger})


def test_voucher_invalid_registration_reverts(registry: Any, sign: Any, voucher: Voucher, stranger: Any) -> None:
    bad = replace(voucher, registration=replace(voucher.registration, numbers=(sample_number(1, b"u5"),)))
    with reverts("InvalidNumber", sample_number(1, b"u5")):
        registry.registerWithVoucher(bad.as_tuple(), sign(bad), {"from": stranger})
