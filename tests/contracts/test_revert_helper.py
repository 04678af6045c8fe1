"""The revert assertions every other module relies on must be able to fail."""

from __future__ import annotations

from typing import Any

import pytest
from registry_helpers import REGISTRAR_ROLE, reverts, reverts_with_data, reverts_without_data


def test_matches_name_and_arguments(registry: Any, stranger: Any, alice: Any, registration: Any) -> None:
    with reverts("AccessControlUnauthorizedAccount", stranger, REGISTRAR_ROLE) as caught:
        registry.register(alice, registration.as_tuple(), {"from": stranger})
    assert caught.error is not None
    assert caught.error.name == "AccessControlUnauthorizedAccount"


def test_wrong_argument_fails(registry: Any, stranger: Any, alice: Any, registration: Any) -> None:
    with (
        pytest.raises(AssertionError, match="expected revert AccessControlUnauthorizedAccount"),
        reverts("AccessControlUnauthorizedAccount", alice, REGISTRAR_ROLE),
    ):
        registry.register(alice, registration.as_tuple(), {"from": stranger})


def test_wrong_name_fails(registry: Any, stranger: Any, alice: Any, registration: Any) -> None:
    with pytest.raises(AssertionError, match="got AccessControlUnauthorizedAccount"), reverts("EnforcedPause"):
        registry.register(alice, registration.as_tuple(), {"from": stranger})


def test_wrong_argument_on_view_call_fails(registry: Any) -> None:
    with pytest.raises(AssertionError, match=r"got UnknownToken\(5\)"), reverts("UnknownToken", 6):
        registry.recordOf(5)


def test_no_revert_fails(registry: Any, registrar: Any, alice: Any, registration: Any) -> None:
    with pytest.raises(AssertionError, match="nothing reverted"), reverts("InvalidRegistration"):
        registry.register(alice, registration.as_tuple(), {"from": registrar})


def test_empty_revert_expectation_fails_on_custom_error(registry: Any) -> None:
    with pytest.raises(AssertionError, match="expected an empty revert"), reverts_without_data():
        registry.recordOf(5)


def test_raw_data_expectation_fails_on_other_data(registry: Any) -> None:
    with (
        pytest.raises(AssertionError, match="expected revert data 0xdeadbeef"),
        reverts_with_data(bytes.fromhex("deadbeef")),
    ):
        registry.recordOf(5)


def test_empty_revert_is_matched(registry: Any, alice: Any) -> None:
    """The registry has no receive or fallback function: plain ether reverts with no data at all."""
    with reverts_without_data():
        alice.transfer(registry, 1, gas_limit=100_000)
