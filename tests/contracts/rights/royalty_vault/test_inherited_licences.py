"""RoyaltyVault: a licence the fractionalizer did not grant himself cannot open a royalty currency on his shares.

A share token distributes in at most four currencies. A former holder who granted licences in junk tokens (to
himself) and sold the right could otherwise fill the slots with 1 wei each once the buyer fractionalizes, even if
the licences are still in force (the buyer can no longer revoke them: the fraction vault holds the right). So a new
currency is opened only through a licence in force granted by the share token's issuer; every licence may still
pay in a currency already open.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from royalty_helpers import MAX_ROYALTY_CURRENCIES
from share_helpers import reverts


def test_share_token_names_its_issuer(
    new_right: Callable[[Any], int], fractionalize: Callable[..., Any], alice: Any
) -> None:
    shares = fractionalize(alice, new_right(alice), supply=10)
    assert shares.issuer() == alice


def test_unrevoked_licences_of_a_former_holder_cannot_open_currencies(
    registry: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    alice: Any,
    bob: Any,
    stranger: Any,
) -> None:
    junk = [TestStablecoin.deploy({"from": stranger}) for _ in range(MAX_ROYALTY_CURRENCIES)]
    right = new_right(bob)
    junk_licences = [grant(bob, right, payment_token=token, to=stranger) for token in junk]
    registry.transferFrom(bob, alice, right, {"from": bob})
    shares = fractionalize(alice, right, supply=10)
    for token, license_id in zip(junk, junk_licences, strict=True):
        with reverts("CurrencyNotOpen", license_id, token):
            pay(license_id, 1, token=token, payer=stranger)
    assert shares.royaltyCurrencies() == []


def test_inherited_licence_pays_in_a_currency_the_issuer_opened(
    registry: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    alice: Any,
    bob: Any,
    usd: Any,
) -> None:
    right = new_right(bob)
    inherited = grant(bob, right)
    registry.transferFrom(bob, alice, right, {"from": bob})
    own = grant(alice, right)
    shares = fractionalize(alice, right, supply=10)
    with reverts("CurrencyNotOpen", inherited, usd):
        pay(inherited, 10)
    pay(own, 10)
    pay(inherited, 10)
    assert shares.royaltyCurrencies() == [usd]
    assert shares.royaltyOwed(alice, usd) == 20


def test_ended_licences_of_the_issuer_cannot_open_currencies(
    chain: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    alice: Any,
    stranger: Any,
    usd: Any,
) -> None:
    """Audit finding F1: the issuer's own licences that ended before she fractionalized (screened out by any buyer
    looking at live licences) cannot fill the four currency slots with junk, so the real licensee still pays."""
    junk = [TestStablecoin.deploy({"from": stranger}) for _ in range(MAX_ROYALTY_CURRENCIES)]
    right = new_right(alice)
    live = grant(alice, right)
    ending = chain.time() + 60
    dead = [grant(alice, right, payment_token=token, to=stranger, end=ending) for token in junk]
    chain.sleep(120)
    chain.mine()
    shares = fractionalize(alice, right, supply=10)
    for token, license_id in zip(junk, dead, strict=True):
        with reverts("CurrencyNotOpen", license_id, token):
            pay(license_id, 1, token=token, payer=stranger)
    pay(live, 10)
    assert shares.royaltyCurrencies() == [usd]
    assert shares.royaltyOwed(alice, usd) == 10


def test_licences_of_the_issuer_not_yet_started_cannot_open_currencies(
    chain: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    TestStablecoin: Any,  # noqa: N803
    alice: Any,
    stranger: Any,
) -> None:
    junk = TestStablecoin.deploy({"from": stranger})
    right = new_right(alice)
    future = grant(alice, right, payment_token=junk, to=stranger, start=chain.time() + 3_600)
    shares = fractionalize(alice, right, supply=10)
    with reverts("CurrencyNotOpen", future, junk):
        pay(future, 1, token=junk, payer=stranger)
    chain.sleep(3_601)
    chain.mine()
    pay(future, 1, token=junk, payer=stranger)  # in force now: the issuer's licence opens its currency
    assert shares.royaltyCurrencies() == [junk]


def test_an_ended_licence_pays_late_in_an_open_currency(
    chain: Any,
    new_right: Callable[[Any], int],
    grant: Callable[..., int],
    fractionalize: Callable[..., Any],
    pay: Callable[..., Any],
    alice: Any,
    usd: Any,
) -> None:
    right = new_right(alice)
    live = grant(alice, right)
    ended = grant(alice, right, end=chain.time() + 60)
    chain.sleep(120)
    chain.mine()
    shares = fractionalize(alice, right, supply=10)
    pay(live, 10)
    pay(ended, 10)  # sales made while it was in force, settled late in a currency already open
    assert shares.royaltyOwed(alice, usd) == 20
