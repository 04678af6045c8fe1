"""tests/sdk mirrors sdk/ipledger: tests/sdk/<sub>/ holds the tests of the subpackage sdk/ipledger/<sub>/, the tests
of the top-level modules (the ledger and its sub-clients) sit at the top, beside the shared helpers.

The test directories are not packages (pytest imports each test file by its name, pyproject's ``pythonpath`` puts
tests/sdk on sys.path for the helpers), so two test files of one run must not share a name."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parents[1]
PACKAGE = ROOT / "sdk" / "ipledger"
#: Collected together by ``make test-sdk``, so their test files share one module namespace.
SUITES = (TESTS, ROOT / "tests" / "cli")


def _test_files(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("test_*.py") if "__pycache__" not in path.parts)


def test_every_test_subdirectory_mirrors_a_subpackage() -> None:
    orphans = [
        str(path.relative_to(TESTS))
        for path in _test_files(TESTS)
        if path.parent != TESTS and not (PACKAGE / path.parent.relative_to(TESTS) / "__init__.py").is_file()
    ]
    assert orphans == [], f"no sdk/ipledger/<sub>/ package for {orphans}"


def test_test_subdirectories_hold_only_test_files() -> None:
    """Helpers (``*_support.py``, ``rpc_proxy.py``) and fixtures (``conftest.py``) live at the top of tests/sdk,
    where every subdirectory imports them; a subdirectory holds test files only."""
    strays = [
        str(path.relative_to(TESTS))
        for path in sorted(TESTS.rglob("*.py"))
        if path.parent != TESTS and "__pycache__" not in path.parts and not path.name.startswith("test_")
    ]
    assert strays == []


def test_no_test_directory_is_a_package() -> None:
    """One import rule: test files by name, helpers from tests/sdk (an ``__init__.py`` would change both)."""
    packages = [str(path.relative_to(ROOT)) for suite in SUITES for path in sorted(suite.rglob("__init__.py"))]
    assert packages == []


def test_test_file_names_are_unique_across_the_sdk_and_cli_suites() -> None:
    names = Counter(path.name for suite in SUITES for path in _test_files(suite))
    assert [name for name, count in names.items() if count > 1] == []
