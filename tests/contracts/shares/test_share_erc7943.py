"""ERC-7943 (uRWA) conformance of the share token: the interface id, every function, its events and their order,
its errors, and ``canTransfer`` agreeing with what a transfer does over many random cases (balance and allowance
failures left out, as the standard excludes them)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from brownie import chain
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, events_of, now
from share_helpers import EVIDENCE, MAX_UINT256, REASON, call_as, reverts

ERC7943_FUNGIBLE = "0x3edbb4c4"
ERC165 = "0x01ffc9a7"
ERC7943_ACT = keccak(text="ipledger: ERC-7943 act, no document given")

SIGNATURES = (
    "forcedTransfer(address,address,uint256)",
    "setFrozenTokens(address,uint256)",
    "canSend(address)",
    "canReceive(address)",
    "getFrozenTokens(address)",
    "canTransfer(address,address,uint256)",
)


@pytest.fixture
def rshares(restricted_shares: Any, alice: Any, bob: Any) -> Any:
    """Restricted: ``alice`` holds SUPPLY - 1,000, ``bob`` 1,000; both verified; ``carol`` unknown."""
    restricted_shares.transfer(bob, 1_000, {"from": alice})
    return restricted_shares


# ------------------------------------------------------------------------------------------- introspection


def test_the_interface_id_is_the_standards(open_shares: Any) -> None:
    interface_id = 0
    for signature in SIGNATURES:
        interface_id ^= int.from_bytes(keccak(text=signature)[:4], "big")
    assert f"{interface_id:#010x}" == ERC7943_FUNGIBLE
    assert open_shares.supportsInterface(ERC7943_FUNGIBLE)
    assert open_shares.supportsInterface(ERC165)
    assert not open_shares.supportsInterface("0xffffffff")
    assert not open_shares.supportsInterface("0xbf1ef5fe")  # the non-fungible interface


def test_the_standards_errors_and_events_are_in_the_abi(open_shares: Any) -> None:
    abi = {
        (item["type"], item.get("name"), tuple(i["type"] for i in item.get("inputs", []))) for item in open_shares.abi
    }
    for expected in (
        ("event", "ForcedTransfer", ("address", "address", "uint256")),
        ("event", "Frozen", ("address", "uint256")),
        ("error", "ERC7943CannotSend", ("address",)),
        ("error", "ERC7943CannotReceive", ("address",)),
        ("error", "ERC7943CannotTransfer", ("address", "address", "uint256")),
        ("error", "ERC7943InsufficientUnfrozenBalance", ("address", "uint256", "uint256")),
    ):
        assert expected in abi


# ------------------------------------------------------------------------------------------- eligibility


def test_anyone_may_send_and_receive_unrestricted_shares_but_nobody_receives_at_zero(
    open_shares: Any, carol: Any
) -> None:
    assert open_shares.canSend(carol) and open_shares.canReceive(carol)
    assert not open_shares.canReceive(ZERO_ADDRESS)


def test_restricted_shares_answer_the_compliance_registry(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, carol: Any, venue: Any
) -> None:
    assert rshares.canSend(alice) and rshares.canReceive(bob)
    assert rshares.canSend(venue) and rshares.canReceive(venue)
    assert not rshares.canSend(carol) and not rshares.canReceive(carol)
    compliance.setCountryBlocked(b"DE", True, {"from": officer})
    try:
        assert not rshares.canSend(bob) and not rshares.canReceive(bob)
        assert not rshares.canTransfer(bob, alice, 1)
    finally:
        compliance.setCountryBlocked(b"DE", False, {"from": officer})


def test_an_expired_verification_ends_eligibility(
    rshares: Any, compliance: Any, officer: Any, maker: Any, alice: Any
) -> None:
    compliance.verifyInvestor(maker, b"SG", now() + 100, EVIDENCE, {"from": officer})
    assert rshares.canReceive(maker)
    chain.sleep(200)
    chain.mine()
    assert not rshares.canReceive(maker)
    assert not rshares.canTransfer(alice, maker, 1)


# ------------------------------------------------------------------------------------------- freezes


def test_set_frozen_tokens_records_a_standard_act(rshares: Any, officer: Any, bob: Any) -> None:
    tx = rshares.setFrozenTokens(bob, 700, {"from": officer})
    assert tx.return_value is True
    assert events_of(tx) == [
        ("SharesFrozen", {"holder": bob.address, "amount": 700, "reasonHash": ERC7943_ACT, "officer": officer.address}),
        ("Frozen", {"account": bob.address, "amount": 700}),
    ]
    assert rshares.getFrozenTokens(bob) == rshares.frozenOf(bob) == 700
    tx = rshares.setFrozenTokens(bob, 0, {"from": officer})
    assert events_of(tx) == [
        ("SharesUnfrozen", {"holder": bob.address, "reasonHash": ERC7943_ACT, "officer": officer.address}),
        ("Frozen", {"account": bob.address, "amount": 0}),
    ]
    assert rshares.getFrozenTokens(bob) == 0


def test_more_than_the_balance_may_be_frozen(rshares: Any, officer: Any, bob: Any, alice: Any) -> None:
    rshares.setFrozenTokens(bob, 5_000, {"from": officer})
    assert rshares.getFrozenTokens(bob) == 5_000
    with reverts("ERC7943InsufficientUnfrozenBalance", bob, 1, 0):
        rshares.transfer(alice, 1, {"from": bob})
    with reverts("InsufficientBalance"):  # above the whole balance: the base token's error
        rshares.transfer(alice, 1_001, {"from": bob})


def test_the_project_acts_emit_the_standards_events_too(rshares: Any, officer: Any, bob: Any, alice: Any) -> None:
    tx = rshares.freeze(bob, 10, REASON, {"from": officer})
    assert ("Frozen", {"account": bob.address, "amount": 10}) in events_of(tx)
    tx = rshares.forcedTransfer(bob, alice, 5, REASON, {"from": officer})
    assert ("ForcedTransfer", {"from": bob.address, "to": alice.address, "amount": 5}) in events_of(tx)
    tx = rshares.unfreeze(bob, REASON, {"from": officer})
    assert ("Frozen", {"account": bob.address, "amount": 0}) in events_of(tx)


@pytest.mark.parametrize("function", ["setFrozenTokens", "forcedTransfer"])
def test_the_standards_acts_need_an_officer(rshares: Any, function: str, alice: Any, bob: Any, stranger: Any) -> None:
    args = (bob, 1) if function == "setFrozenTokens" else (bob, alice, 1)
    for caller in (stranger, alice, bob):
        with reverts("NotComplianceOfficer", caller):
            getattr(rshares, function)(*args, {"from": caller})


# ------------------------------------------------------------------------------------------- forced transfers


def test_a_forced_transfer_unfreezes_what_it_takes_before_the_transfer_event(
    rshares: Any, officer: Any, alice: Any, bob: Any
) -> None:
    rshares.freeze(bob, 800, REASON, {"from": officer})
    tx = rshares.forcedTransfer(bob, alice, 600, {"from": officer})
    assert tx.return_value is True
    names = [name for name, _ in events_of(tx)]
    assert names == ["Frozen", "Transfer", "ForcedTransfer", "ForcedTransfer"]
    assert events_of(tx)[0] == ("Frozen", {"account": bob.address, "amount": 400})
    assert events_of(tx)[2][1]["reasonHash"] == ERC7943_ACT
    assert events_of(tx)[3] == ("ForcedTransfer", {"from": bob.address, "to": alice.address, "amount": 600})
    assert (rshares.balanceOf(bob), rshares.getFrozenTokens(bob)) == (400, 400)


def test_a_forced_transfer_checks_that_the_recipient_may_receive(
    rshares: Any, officer: Any, bob: Any, carol: Any
) -> None:
    with reverts("NotEligible", carol):
        rshares.forcedTransfer(bob, carol, 1, {"from": officer})


def test_a_forced_transfer_keeps_a_full_freeze(rshares: Any, officer: Any, alice: Any, bob: Any) -> None:
    rshares.setFrozenTokens(bob, MAX_UINT256, {"from": officer})
    tx = rshares.forcedTransfer(bob, alice, 100, {"from": officer})
    assert "Frozen" not in [name for name, _ in events_of(tx)]
    assert rshares.getFrozenTokens(bob) == MAX_UINT256


# ------------------------------------------------------------------------------------------- canTransfer


def _transfer_outcome(shares: Any, sender: Any, recipient: Any, amount: int) -> bool | None:
    """Whether ``transfer`` succeeds; None when it fails for the base token's balance (excluded by the standard)."""
    ok, data = call_as(sender, shares, "transfer", recipient, amount)
    if not ok and data[:4] == keccak(text="InsufficientBalance()")[:4]:
        return None
    return ok


def _holders(shares: Any, parties: list[Any]) -> list[str]:
    """Every holder among ``parties`` in ascending order (the list a holder cap starts from)."""
    held = sorted((party.address for party in parties if shares.balanceOf(party) > 0), key=lambda a: int(a, 16))
    assert sum(shares.balanceOf(a) for a in held) == shares.totalSupply()
    return held


def test_can_transfer_agrees_with_the_transfer_over_random_cases(
    rshares: Any, compliance: Any, officer: Any, alice: Any, bob: Any, carol: Any, venue: Any, maker: Any
) -> None:
    rng = random.Random(7943)
    parties = [alice, bob, carol, venue, maker]
    compliance.verifyInvestor(maker, b"HK", now() + 10**7, EVIDENCE, {"from": officer})
    rshares.transfer(venue, 2_000, {"from": alice})
    compared = 0
    for _ in range(12):
        # A random state: restricted or not, freezes, per-token rules, categories, a blocked country.
        rshares.setRestricted(rng.random() < 0.75, {"from": officer})
        for holder in (alice, bob, venue):
            frozen = rng.choice([0, 0, 1, 500, 1_000, 1_500, MAX_UINT256])
            rshares.setFrozenTokens(holder, frozen, {"from": officer})
        cap = rng.choice([0, 0, 3, 4])  # holder cap
        counting = rshares.transferRules()[2] != 0
        holders = [] if cap == 0 or counting else _holders(rshares, parties)
        rshares.setTransferRules(
            rng.choice([0, 0, 1, 3]),  # categories
            rng.choice([0, 0, now() + 10_000]),  # lock-up
            cap,
            rng.choice([0, 0, 1_500, 10**30]),  # maximum balance
            holders,
            {"from": officer},
        )
        rshares.setCountryRule(*rng.choice([(0, []), (1, [b"US", b"HK"]), (2, [b"DE"])]), {"from": officer})
        compliance.setInvestorCategories(bob, rng.choice([0, 1, 2]), now() + 10**6, EVIDENCE, {"from": officer})
        compliance.setCountryBlocked(b"HK", rng.random() < 0.2, {"from": officer})
        for _ in range(25):
            sender, recipient = rng.choice(parties), rng.choice([*parties, ZERO_ADDRESS])
            amount = rng.choice([0, 1, 400, 999, 1_000, 1_001, 2_000, rshares.balanceOf(sender)])
            outcome = _transfer_outcome(rshares, sender, recipient, amount)
            if outcome is None:
                continue
            predicted = rshares.canTransfer(sender, recipient, amount)
            assert predicted == outcome, (sender, recipient, amount)
            compared += 1
    assert compared > 200
