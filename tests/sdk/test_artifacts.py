"""The contract artifacts and the error catalogue shipped in ``sdk/ipledger/artifacts`` are fresh.

Fresh means: every source file an artifact (or the catalogue) was compiled from still
has the hash recorded in it, and compiling ``contracts/`` now gives the same set of
artifacts with the same ABI and bytecode, and the same catalogue. When a test here
fails, run ``python scripts/compile.py``.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS_DIR = REPO_ROOT / "sdk" / "ipledger" / "artifacts"
REGENERATE = "artifacts are stale: run python scripts/compile.py"
CATALOGUE_PATH = ARTIFACTS_DIR / "errors.json"
SHIPPED = sorted(path for path in ARTIFACTS_DIR.glob("*.json") if path != CATALOGUE_PATH)


def _load_compile_script() -> ModuleType:
    """Import ``scripts/compile.py``, which is a script rather than a package module."""
    path = REPO_ROOT / "scripts" / "compile.py"
    spec = importlib.util.spec_from_file_location("ipledger_compile_script", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def compile_script() -> ModuleType:
    """Load ``scripts/compile.py`` once per module."""
    return _load_compile_script()


@pytest.fixture(scope="module")
def compiled(compile_script: ModuleType) -> dict[str, Any]:
    """Compile ``contracts/`` now; return artifacts and error catalogue."""
    compilation: dict[str, Any] = compile_script.compile_project()
    return compilation


@pytest.fixture(scope="module")
def fresh(compiled: dict[str, Any]) -> dict[str, Any]:
    """The fresh artifacts by contract name."""
    artifacts: dict[str, Any] = compiled["artifacts"]
    return artifacts


@pytest.fixture(scope="module")
def shipped() -> dict[str, Any]:
    """Load the shipped artifacts by contract name."""
    return {path.stem: json.loads(path.read_text(encoding="utf-8")) for path in SHIPPED}


def test_artifacts_are_shipped() -> None:
    assert SHIPPED, f"no artifacts in {ARTIFACTS_DIR}: run python scripts/compile.py"


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_artifact_source_hashes_match_current_files(path: Path, compile_script: ModuleType) -> None:
    artifact = json.loads(path.read_text(encoding="utf-8"))
    assert artifact["sourceName"] in artifact["sources"]
    changed = [
        name
        for name, digest in artifact["sources"].items()
        if hashlib.sha256(compile_script.resolve_source(name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, f"{REGENERATE}; changed since: {changed}"


def test_artifact_set_matches_fresh_compile(fresh: dict[str, Any], shipped: dict[str, Any]) -> None:
    assert sorted(shipped) == sorted(fresh), REGENERATE


@pytest.mark.parametrize("key", ["abi", "bytecode", "deployedBytecode"])
def test_artifact_code_matches_fresh_compile(key: str, fresh: dict[str, Any], shipped: dict[str, Any]) -> None:
    differing = [name for name in sorted(fresh) if shipped.get(name, {}).get(key) != fresh[name][key]]
    assert not differing, f"{REGENERATE}; {key} differs for {differing}"


def test_artifact_files_are_byte_identical_to_fresh_compile(compile_script: ModuleType, fresh: dict[str, Any]) -> None:
    problems = compile_script.stale_artifacts(fresh, ARTIFACTS_DIR)
    assert not problems, f"{REGENERATE}: {problems}"


# ---------------------------------------------------------------------------- the error catalogue


def test_catalogue_source_hashes_match_current_files(compile_script: ModuleType) -> None:
    catalogue = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    assert "contracts/IPRegistry.sol" in catalogue["sources"]
    assert "node_modules/solady/src/utils/SafeTransferLib.sol" in catalogue["sources"]
    changed = [
        name
        for name, digest in catalogue["sources"].items()
        if hashlib.sha256(compile_script.resolve_source(name).read_bytes()).hexdigest() != digest
    ]
    assert not changed, f"{REGENERATE}; changed since: {changed}"


def test_catalogue_is_byte_identical_to_fresh_compile(compile_script: ModuleType, compiled: dict[str, Any]) -> None:
    assert compile_script.stale_catalogue(compiled["catalogue"], ARTIFACTS_DIR) == [], REGENERATE


def test_catalogue_lists_every_source_the_artifacts_were_compiled_from(compiled: dict[str, Any]) -> None:
    sources = set(compiled["catalogue"]["sources"])
    for artifact in compiled["artifacts"].values():
        assert set(artifact["sources"]) <= sources, artifact["contractName"]


def test_a_stale_or_missing_catalogue_is_reported_and_artifacts_ignore_it(
    compile_script: ModuleType, compiled: dict[str, Any], tmp_path: Path
) -> None:
    catalogue, artifacts = compiled["catalogue"], compiled["artifacts"]
    assert compile_script.stale_catalogue(catalogue, tmp_path) == [f"missing: {tmp_path / 'errors.json'}"]
    compile_script.write_artifacts(artifacts, tmp_path)
    compile_script.write_catalogue(catalogue, tmp_path)
    assert compile_script.stale_artifacts(artifacts, tmp_path) == []
    compile_script.write_artifacts(artifacts, tmp_path)  # rewriting artifacts keeps the catalogue
    assert compile_script.stale_catalogue(catalogue, tmp_path) == []
    fewer = {**catalogue, "errors": catalogue["errors"][1:]}
    assert compile_script.stale_catalogue(fewer, tmp_path) == [f"stale: {tmp_path / 'errors.json'}"]


_TYPES_SOURCE = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

type Basis is uint16;

error FileLevel(Basis basis, address payable to);

library Kinds {
    enum Side { Buy, Sell }
    struct Leg { IERC20 token; uint256[2] amounts; Side side; }
    error BadLeg(Leg leg, Leg[] others, bytes32[3] tags, string note, int24 tick);
}

contract Uses {
    error Shadowed(uint256 value);
    function fail(Kinds.Leg calldata leg) external pure {
        revert Kinds.BadLeg(leg, new Kinds.Leg[](0), [bytes32(0), 0, 0], "", -1);
    }
}

interface IAlsoShadowed {
    error Shadowed(uint256 amount);
}
"""


def test_catalogue_spells_structs_enums_contracts_arrays_and_value_types_as_the_abi_does(
    compile_script: ModuleType, tmp_path: Path
) -> None:
    """Errors with user-defined types: signatures and selectors are solc's (compile.py checks each against the
    compiler's errorSelector), and the SDK decoder reads their arguments back (tuples included)."""
    from eth_abi import encode
    from ipledger.chain._reverts import RevertDecoder

    (tmp_path / "Types.sol").write_text(_TYPES_SOURCE, encoding="utf-8")
    compiled = compile_script.compile_project(tmp_path)
    catalogue = {entry["signature"]: entry for entry in compiled["catalogue"]["errors"]}
    bad_leg = "BadLeg((address,uint256[2],uint8),(address,uint256[2],uint8)[],bytes32[3],string,int24)"
    assert bad_leg in catalogue and "FileLevel(uint16,address)" in catalogue
    assert [where["contract"] for where in catalogue["FileLevel(uint16,address)"]["declaredIn"]] == [None]
    # One error declared twice is one entry, in source order, with the first declaration's argument names.
    assert [where["contract"] for where in catalogue["Shadowed(uint256)"]["declaredIn"]] == ["Uses", "IAlsoShadowed"]
    assert catalogue["Shadowed(uint256)"]["inputs"][0]["name"] == "value"
    leg = catalogue[bad_leg]["inputs"][0]
    assert (leg["type"], leg["internalType"]) == ("tuple", "struct Kinds.Leg")
    assert [c["internalType"] for c in leg["components"]] == ["contract IERC20", "uint256[2]", "enum Kinds.Side"]
    assert catalogue["FileLevel(uint16,address)"]["inputs"][1]["internalType"] == "address payable"
    # The ABI solc writes for the contract that reverts with it agrees.
    (abi_entry,) = [e for e in compiled["artifacts"]["Uses"]["abi"] if e.get("name") == "BadLeg"]
    assert abi_entry["inputs"] == catalogue[bad_leg]["inputs"]

    decoder = RevertDecoder([compiled["catalogue"]["errors"]])
    token = "0x5FbDB2315678afecb367f032d93F642f64180aa3"
    leg_value = (token, [1, 2], 1)
    types = ["(address,uint256[2],uint8)", "(address,uint256[2],uint8)[]", "bytes32[3]", "string", "int24"]
    values = [leg_value, [leg_value], [b"\x01" * 32, b"\x02" * 32, b"\x03" * 32], "why", -5]
    data = bytes.fromhex(catalogue[bad_leg]["selector"][2:]) + encode(types, values)
    error = decoder.decode(data)
    assert error.error_name == "BadLeg"
    assert error.error_args["leg"] == (token.lower(), (1, 2), 1) and error.error_args["tick"] == -5
