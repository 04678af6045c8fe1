"""contracts/libraries/Identifiers.sol: the role ids and the two-letter code check every contract shares.

- Each role id is ``keccak256`` of its name, and every contract that exposes a role returns the library's value (the
  values are part of the deployed system: the SDK and existing deployments grant them).
- The code check is proven on every one of the 65,536 ``bytes2`` values inside the EVM, against a naive reading
  (two bytes from "A" to "Z"): ``codeIndex`` gives ``26 * (first - "A") + (second - "A")`` or ``type(uint256).max``,
  ``isCode`` agrees with it, and ``codeAt`` inverts it. The library's internal functions are reached through a
  harness compiled here (``scripts/compile.py`` settings), so no test contract is shipped for it.
- The contracts that use it keep their own errors: ``InvalidCountry`` (ComplianceRegistry) and ``InvalidTerritory``
  (LicenseRegistry) for anything but two upper-case letters.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from brownie import Contract
from error_catalog import ErrorCatalog
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, ZERO_BYTES32

REPO_ROOT = Path(__file__).resolve().parents[3]
LIBRARY = "contracts/libraries/Identifiers.sol"
ROLES = (
    "REGISTRAR_ROLE",
    "GUARDIAN_ROLE",
    "VERIFIER_ROLE",
    "DISPUTE_ROLE",
    "ARBITRATOR_ROLE",
    "ATTESTOR_ROLE",
    "COMPLIANCE_OFFICER_ROLE",
)
reverts = ErrorCatalog(("ComplianceRegistry", "LicenseRegistry")).reverts
CODES = 2**16
#: Inputs per census call: 65,536 in four calls stays far under the block gas limit of an eth_call.
CENSUS_SPAN = CODES // 4

HARNESS = f"""
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {{Identifiers}} from "{LIBRARY}";

contract IdentifiersHarness {{
    function roles() external pure returns (bytes32[7] memory) {{
        return [
            Identifiers.REGISTRAR_ROLE,
            Identifiers.GUARDIAN_ROLE,
            Identifiers.VERIFIER_ROLE,
            Identifiers.DISPUTE_ROLE,
            Identifiers.ARBITRATOR_ROLE,
            Identifiers.ATTESTOR_ROLE,
            Identifiers.COMPLIANCE_OFFICER_ROLE
        ];
    }}

    function codeIndex(bytes2 code) external pure returns (uint256) {{
        return Identifiers.codeIndex(code);
    }}

    function codeAt(uint256 index) external pure returns (bytes2) {{
        return Identifiers.codeAt(index);
    }}

    /// Every input in [from, to) against the naive reading; returns (codes found, disagreements).
    function census(uint256 from, uint256 to) external pure returns (uint256 codes, uint256 wrong) {{
        for (uint256 value = from; value < to; ++value) {{
            bytes2 input = bytes2(uint16(value));
            uint256 first = value >> 8;
            uint256 second = value & 0xff;
            bool letters = first >= 0x41 && first <= 0x5a && second >= 0x41 && second <= 0x5a;
            uint256 index = Identifiers.codeIndex(input);
            if (letters) {{
                ++codes;
                if (index != (first - 0x41) * 26 + (second - 0x41)) ++wrong;
                else if (Identifiers.codeAt(index) != input) ++wrong;
            }} else if (index != type(uint256).max) {{
                ++wrong;
            }}
            if (Identifiers.isCode(input) != letters) ++wrong;
        }}
    }}
}}
"""


@cache
def _harness_artifact() -> dict[str, Any]:
    """ABI and creation code of the harness, compiled with the project's settings (once per session)."""
    # scripts/compile.py loaded by path: putting scripts/ on sys.path would shadow modules for other tests.
    spec = importlib.util.spec_from_file_location("ipledger_compile_script", REPO_ROOT / "scripts" / "compile.py")
    assert spec is not None and spec.loader is not None
    compiler = sys.modules.get(spec.name) or importlib.util.module_from_spec(spec)
    if spec.name not in sys.modules:
        sys.modules[spec.name] = compiler
        spec.loader.exec_module(compiler)
    sources = {LIBRARY: (REPO_ROOT / LIBRARY).read_text("utf-8"), "tests/IdentifiersHarness.sol": HARNESS}
    output = compiler.run_compiler(compiler.build_input(sources, compiler.SETTINGS), REPO_ROOT)
    compiler.raise_for_errors(output)
    contract = output["contracts"]["tests/IdentifiersHarness.sol"]["IdentifiersHarness"]
    return {"abi": contract["abi"], "bytecode": contract["evm"]["bytecode"]["object"]}


@pytest.fixture(scope="module")
def harness(admin: Any) -> Any:
    artifact = _harness_artifact()
    tx = admin.transfer(data="0x" + artifact["bytecode"])
    return Contract.from_abi("IdentifiersHarness", tx.contract_address, artifact["abi"])


@pytest.fixture(scope="module")
def system(
    registry: Any,
    admin: Any,
    LicenseRegistry: Any,  # noqa: N803
    AttestationRegistry: Any,  # noqa: N803
    DisputeManager: Any,  # noqa: N803
    ComplianceRegistry: Any,  # noqa: N803
    TestStablecoin: Any,  # noqa: N803
) -> dict[str, Any]:
    """Every contract that exposes a role, deployed over ``registry``."""
    stablecoin = TestStablecoin.deploy({"from": admin})
    return {
        "IPRegistry": registry,
        "LicenseRegistry": LicenseRegistry.deploy(registry, {"from": admin}),
        "AttestationRegistry": AttestationRegistry.deploy(registry, admin, {"from": admin}),
        "DisputeManager": DisputeManager.deploy(registry, admin, stablecoin, 10**6, {"from": admin}),
        "ComplianceRegistry": ComplianceRegistry.deploy(admin, {"from": admin}),
    }


def test_role_ids_are_the_hashes_of_their_names(harness: Any) -> None:
    assert [bytes(role) for role in harness.roles()] == [keccak(text=name) for name in ROLES]


def test_every_contract_exposes_the_librarys_role_ids(system: dict[str, Any]) -> None:
    exposed = {
        (name, role): bytes(getattr(contract, role)())
        for name, contract in system.items()
        for role in ROLES
        if hasattr(contract, role)
    }
    assert set(exposed) == {
        ("IPRegistry", "REGISTRAR_ROLE"),
        ("IPRegistry", "GUARDIAN_ROLE"),
        ("IPRegistry", "VERIFIER_ROLE"),
        ("IPRegistry", "DISPUTE_ROLE"),
        ("LicenseRegistry", "REGISTRAR_ROLE"),
        ("AttestationRegistry", "ATTESTOR_ROLE"),
        ("DisputeManager", "ARBITRATOR_ROLE"),
        ("ComplianceRegistry", "COMPLIANCE_OFFICER_ROLE"),
    }
    for (_, role), value in exposed.items():
        assert value == keccak(text=role)


@pytest.mark.parametrize("start", range(0, CODES, CENSUS_SPAN))
def test_the_code_check_agrees_with_the_naive_one_on_every_input(harness: Any, start: int) -> None:
    codes, wrong = harness.census(start, start + CENSUS_SPAN)
    assert wrong == 0
    span = range(start, start + CENSUS_SPAN)
    assert codes == sum(1 for value in span if 0x41 <= value >> 8 <= 0x5A and 0x41 <= value & 0xFF <= 0x5A)


@pytest.mark.parametrize(
    ("code", "index"),
    [
        (b"AA", 0),
        (b"AZ", 25),
        (b"BA", 26),
        (b"US", 20 * 26 + 18),
        (b"ZZ", 675),
        (b"@A", 2**256 - 1),
        (b"a1", 2**256 - 1),
    ],
)
def test_code_index_of_edges_and_non_codes(harness: Any, code: bytes, index: int) -> None:
    assert harness.codeIndex(code) == index
    if index < 676:
        assert bytes(harness.codeAt(index)) == code


@pytest.mark.parametrize("country", [b"us", b"U1", b"\x00\x00", b"[A", b"A@"])
def test_compliance_registry_refuses_what_is_not_a_code(system: dict[str, Any], admin: Any, country: bytes) -> None:
    with reverts("InvalidCountry", country):
        system["ComplianceRegistry"].setCountryBlocked(country, True, {"from": admin})


def test_compliance_registry_takes_every_edge_code(system: dict[str, Any], admin: Any) -> None:
    compliance = system["ComplianceRegistry"]
    for country in (b"AA", b"AZ", b"ZA", b"ZZ"):
        compliance.setCountryBlocked(country, True, {"from": admin})
        assert compliance.isCountryBlocked(country)


@pytest.mark.parametrize("territory", [b"u1", b"Z[", b"\x00A"])
def test_licence_registry_refuses_what_is_not_a_code(system: dict[str, Any], territory: bytes) -> None:
    """``isLicensed`` reads the territory's index before anything else: a non-code reverts InvalidTerritory."""
    with reverts("InvalidTerritory", territory):
        system["LicenseRegistry"].isLicensed(1, ZERO_ADDRESS, territory, ZERO_BYTES32, 0)


def test_licence_registry_takes_codes_and_worldwide(system: dict[str, Any]) -> None:
    for territory in (b"AA", b"ZZ", b"\x00\x00"):
        assert tuple(system["LicenseRegistry"].isLicensed(1, ZERO_ADDRESS, territory, ZERO_BYTES32, 0)) == (False, 0)
