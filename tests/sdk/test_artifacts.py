"""The contract artifacts shipped in ``sdk/ipledger/artifacts`` are fresh.

Fresh means: every source file an artifact was compiled from still has the hash
recorded in it, and compiling ``contracts/`` now gives the same set of artifacts with
the same ABI and bytecode. When a test here fails, run ``python scripts/compile.py``.
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
SHIPPED = sorted(ARTIFACTS_DIR.glob("*.json"))


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
def fresh(compile_script: ModuleType) -> dict[str, Any]:
    """Compile ``contracts/`` now; return the artifacts by contract name."""
    artifacts: dict[str, Any] = compile_script.compile_sources()
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
