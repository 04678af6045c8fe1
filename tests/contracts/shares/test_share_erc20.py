"""ERC-20 conformance of ShareToken (Solady ERC20), ERC-2612 permit, and no implicit Permit2 allowance.

The suite runs twice: against an unrestricted share token and against a restricted one whose parties are all
eligible (``alice`` and ``bob`` verified investors, ``maker`` verified; spenders need no eligibility), so
restricted mode must be invisible to a wallet or an exchange as long as the holders are eligible.
"""

from __future__ import annotations

from typing import Any

import pytest
from eth_utils import keccak
from registry_helpers import events_of, now
from share_helpers import (
    EVIDENCE,
    MAKER2_KEY,
    MAKER_KEY,
    MAX_UINT256,
    PERMIT2,
    PERMIT_TYPE,
    SUPPLY,
    Permit,
    call_as,
    chain_id,
    domain_separator,
    encode_error,
    reverts,
    sign_permit,
)


@pytest.fixture(scope="module")
def tokens(open_shares: Any, restricted_shares: Any, compliance: Any, officer: Any, maker: Any) -> dict[str, Any]:
    compliance.verifyInvestor(maker, b"FR", now() + 10**8, EVIDENCE, {"from": officer})
    return {"open": open_shares, "restricted": restricted_shares}


@pytest.fixture(params=["open", "restricted"])
def token(request: pytest.FixtureRequest, tokens: dict[str, Any]) -> Any:
    """``alice`` holds the whole SUPPLY."""
    return tokens[request.param]


# ------------------------------------------------------------------------------------------- metadata


def test_metadata(token: Any, tokens: dict[str, Any], alice: Any) -> None:
    expected = {
        tokens["open"].address: ("Patent US-1 Shares", "PUS1", False),
        tokens["restricted"].address: ("Patent US-2 Shares", "PUS2", True),
    }[token.address]
    assert (token.name(), token.symbol(), token.restricted()) == expected
    assert token.decimals() == 18
    assert token.totalSupply() == SUPPLY
    assert token.balanceOf(alice) == SUPPLY


# ------------------------------------------------------------------------------------------- transfer


def test_transfer_moves_balance_and_emits(token: Any, alice: Any, bob: Any) -> None:
    tx = token.transfer(bob, 250, {"from": alice})
    assert tx.return_value is True
    assert events_of(tx) == [("Transfer", {"from": alice, "to": bob, "amount": 250})]
    assert token.balanceOf(alice) == SUPPLY - 250
    assert token.balanceOf(bob) == 250
    assert token.totalSupply() == SUPPLY


def test_transfer_whole_balance(token: Any, alice: Any, bob: Any) -> None:
    token.transfer(bob, SUPPLY, {"from": alice})
    assert token.balanceOf(alice) == 0
    assert token.balanceOf(bob) == SUPPLY


def test_transfer_more_than_balance_reverts(token: Any, alice: Any, bob: Any) -> None:
    token.transfer(bob, 10, {"from": alice})
    with reverts("InsufficientBalance"):
        token.transfer(alice, 11, {"from": bob})
    assert token.balanceOf(bob) == 10


def test_zero_value_transfer_emits(token: Any, alice: Any, bob: Any) -> None:
    """ERC-20: transfers of 0 are normal transfers and fire the event, even from an empty balance."""
    tx = token.transfer(alice, 0, {"from": bob})
    assert events_of(tx) == [("Transfer", {"from": bob, "to": alice, "amount": 0})]
    assert token.balanceOf(bob) == 0


def test_transfer_to_self_keeps_balance(token: Any, alice: Any) -> None:
    tx = token.transfer(alice, 7, {"from": alice})
    assert events_of(tx) == [("Transfer", {"from": alice, "to": alice, "amount": 7})]
    assert token.balanceOf(alice) == SUPPLY


# ------------------------------------------------------------------------------------------- allowances


def test_approve_sets_allowance_and_emits(token: Any, alice: Any, carol: Any) -> None:
    tx = token.approve(carol, 300, {"from": alice})
    assert tx.return_value is True
    assert events_of(tx) == [("Approval", {"owner": alice, "spender": carol, "amount": 300})]
    assert token.allowance(alice, carol) == 300


def test_approve_overwrites(token: Any, alice: Any, carol: Any) -> None:
    token.approve(carol, 300, {"from": alice})
    token.approve(carol, 5, {"from": alice})
    assert token.allowance(alice, carol) == 5
    token.approve(carol, 0, {"from": alice})
    assert token.allowance(alice, carol) == 0


def test_transfer_from_spends_allowance(token: Any, alice: Any, bob: Any, carol: Any) -> None:
    """The spender (``carol``) needs no eligibility of its own in restricted mode: only the holders are checked."""
    token.approve(carol, 300, {"from": alice})
    tx = token.transferFrom(alice, bob, 120, {"from": carol})
    assert tx.return_value is True
    assert events_of(tx) == [("Transfer", {"from": alice, "to": bob, "amount": 120})]
    assert token.allowance(alice, carol) == 180
    assert token.balanceOf(bob) == 120
    token.transferFrom(alice, bob, 180, {"from": carol})
    assert token.allowance(alice, carol) == 0
    assert token.balanceOf(alice) == SUPPLY - 300


def test_transfer_from_beyond_allowance_reverts(token: Any, alice: Any, bob: Any, carol: Any) -> None:
    token.approve(carol, 100, {"from": alice})
    with reverts("InsufficientAllowance"):
        token.transferFrom(alice, bob, 101, {"from": carol})
    assert token.allowance(alice, carol) == 100
    assert token.balanceOf(bob) == 0


def test_transfer_from_without_allowance_reverts_even_for_the_owner(token: Any, alice: Any, bob: Any) -> None:
    with reverts("InsufficientAllowance"):
        token.transferFrom(alice, bob, 1, {"from": alice})


def test_transfer_from_beyond_balance_reverts(token: Any, alice: Any, bob: Any, carol: Any) -> None:
    token.transfer(bob, 10, {"from": alice})
    token.approve(carol, 1000, {"from": bob})
    with reverts("InsufficientBalance"):
        token.transferFrom(bob, alice, 11, {"from": carol})
    assert token.allowance(bob, carol) == 1000


def test_infinite_allowance_is_not_spent(token: Any, alice: Any, bob: Any, carol: Any) -> None:
    token.approve(carol, MAX_UINT256, {"from": alice})
    tx = token.transferFrom(alice, bob, 999, {"from": carol})
    assert events_of(tx) == [("Transfer", {"from": alice, "to": bob, "amount": 999})]
    assert token.allowance(alice, carol) == MAX_UINT256


def test_zero_value_transfer_from_without_allowance(token: Any, alice: Any, bob: Any, carol: Any) -> None:
    tx = token.transferFrom(alice, bob, 0, {"from": carol})
    assert events_of(tx) == [("Transfer", {"from": alice, "to": bob, "amount": 0})]


# ------------------------------------------------------------------------------------------- ERC-2612 permit


@pytest.fixture
def permit_owner(token: Any, alice: Any, maker: Any) -> Any:
    """``maker`` (whose key the tests hold) with 1,000 shares."""
    token.transfer(maker, 1_000, {"from": alice})
    return maker


def test_domain_separator_is_solady_default(token: Any) -> None:
    """Name = the token's name, version "1", this chain, this token."""
    expected = domain_separator(token.name(), chain_id=chain_id(), verifying_contract=token)
    assert bytes(token.DOMAIN_SEPARATOR()) == expected
    assert keccak(text=PERMIT_TYPE).hex() == "6e71edae12b1b97f4d1f60370fef10105fa2faae0126114a169c64845d6126c9"


def test_permit_sets_allowance(token: Any, permit_owner: Any, carol: Any, bob: Any) -> None:
    permit = Permit(permit_owner.address, carol.address, 600, 0, now() + 3600)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=token.name(), token=token)
    assert token.nonces(permit_owner) == 0
    tx = token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": bob})
    assert events_of(tx) == [("Approval", {"owner": permit_owner, "spender": carol, "amount": 600})]
    assert token.allowance(permit_owner, carol) == 600
    assert token.nonces(permit_owner) == 1
    token.transferFrom(permit_owner, bob, 600, {"from": carol})
    assert token.balanceOf(bob) == 600


def test_permit_replay_reverts(token: Any, permit_owner: Any, carol: Any) -> None:
    permit = Permit(permit_owner.address, carol.address, 600, 0, now() + 3600)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=token.name(), token=token)
    token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": carol})
    token.approve(carol, 0, {"from": permit_owner})
    with reverts("InvalidPermit"):
        token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": carol})
    assert token.allowance(permit_owner, carol) == 0
    assert token.nonces(permit_owner) == 1


def test_permit_expired_deadline_reverts(token: Any, permit_owner: Any, carol: Any) -> None:
    permit = Permit(permit_owner.address, carol.address, 600, 0, now() - 1)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=token.name(), token=token)
    with reverts("PermitExpired"):
        token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": carol})
    assert token.nonces(permit_owner) == 0


@pytest.mark.parametrize("tamper", ["signer", "value", "chain", "name", "nonce"])
def test_permit_with_bad_signature_reverts(token: Any, permit_owner: Any, carol: Any, tamper: str) -> None:
    permit = Permit(permit_owner.address, carol.address, 600, 0, now() + 3600)
    signed = permit
    key, name, chain = MAKER_KEY, token.name(), chain_id()
    if tamper == "signer":
        key = MAKER2_KEY
    elif tamper == "value":
        signed = Permit(permit.owner, permit.spender, 601, permit.nonce, permit.deadline)
    elif tamper == "chain":
        chain += 1
    elif tamper == "name":
        name = "IPLedger Settlement"
    else:
        signed = Permit(permit.owner, permit.spender, permit.value, 1, permit.deadline)
    v, r, s = sign_permit(key, signed, token_name=name, token=token, chain=chain)
    with reverts("InvalidPermit"):
        token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": carol})
    assert token.allowance(permit_owner, carol) == 0


# ------------------------------------------------------------------------------------------- Permit2


def test_permit2_has_no_implicit_allowance(token: Any, alice: Any, bob: Any) -> None:
    assert token.allowance(alice, PERMIT2) == 0
    ok, data = call_as(PERMIT2, token, "transferFrom", alice, bob, 1)
    assert not ok
    assert data == encode_error("InsufficientAllowance")


def test_permit2_allowance_is_an_ordinary_allowance(token: Any, alice: Any, bob: Any) -> None:
    """Solady would refuse a finite Permit2 approval (Permit2AllowanceIsFixedAtInfinity) if the override were off."""
    token.approve(PERMIT2, 5, {"from": alice})
    assert token.allowance(alice, PERMIT2) == 5
    ok, data = call_as(PERMIT2, token, "transferFrom", alice, bob, 6)
    assert (ok, data) == (False, encode_error("InsufficientAllowance"))
    ok, data = call_as(PERMIT2, token, "transferFrom", alice, bob, 5)
    assert ok and int.from_bytes(data, "big") == 1


def test_permit_for_permit2_with_finite_value(token: Any, permit_owner: Any, carol: Any) -> None:
    permit = Permit(permit_owner.address, PERMIT2, 77, 0, now() + 3600)
    v, r, s = sign_permit(MAKER_KEY, permit, token_name=token.name(), token=token)
    token.permit(permit.owner, permit.spender, permit.value, permit.deadline, v, r, s, {"from": carol})
    assert token.allowance(permit_owner, PERMIT2) == 77
