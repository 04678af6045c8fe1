"""Every SDK and CLI test that needs anvil itself is marked ``anvil``, so a run against an external node
(``IPLEDGER_TEST_RPC_URL``, see node_support.py) skips it instead of failing.

A test needs anvil when its body, a fixture of its module it requests or a function of its module it calls
(directly or through others) sends an ``anvil_*`` / ``evm_*`` request, calls a shared helper that does
(``advance_time``, the copier's mining helpers), or starts an anvil of its own (``start_node``, ``Ledger.local``,
``ipledger node start``, ``ipledger demo``). tests/sdk marks with the decorator; tests/cli lists its tests in its
conftest's ``_ANVIL_ONLY``.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent
CLI_TESTS = TESTS.parents[0] / "cli"
NEEDS_ANVIL = re.compile(
    r"""["'](anvil|evm)_|\b(advance_time|copy_first|mine_when_pending|manual_mining|start_node|start_local_node)\b"""
    r"""|\bLedger\.local\(|["']node["'],\s*["']start["']|ipledger node start|\[["']demo["']"""
)
#: Module functions that reach anvil only when called with a keyword: ``_blocks`` of test_cli_verify.py mines empty
#: blocks (``anvil_mine``) only when given ``mine=``.
ONLY_WITH_KEYWORD = {"_blocks": "mine"}


def _functions(tree: ast.Module) -> dict[str, ast.FunctionDef]:
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def _called(function: ast.FunctionDef) -> set[str]:
    """The names ``function`` calls (a call of an ``ONLY_WITH_KEYWORD`` function only if it passes the keyword)."""
    called = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            keyword = ONLY_WITH_KEYWORD.get(node.func.id)
            if keyword is None or any(given.arg == keyword for given in node.keywords):
                called.add(node.func.id)
    return called


def _needing_anvil(path: Path) -> set[str]:
    """The test functions of ``path`` that reach anvil, by the rule of this module's docstring."""
    source = path.read_text("utf-8")
    functions = _functions(ast.parse(source))
    needs = {name for name, node in functions.items() if NEEDS_ANVIL.search(ast.get_source_segment(source, node) or "")}
    uses = {name: {argument.arg for argument in node.args.args} | _called(node) for name, node in functions.items()}
    grown = True
    while grown:
        grown = False
        for name in functions:
            if name not in needs and uses[name] & needs:
                needs.add(name)
                grown = True
    return {name for name in needs if name.startswith("test_")}


def _marked_by_decorator(path: Path) -> set[str]:
    marked = set()
    for name, node in _functions(ast.parse(path.read_text("utf-8"))).items():
        if any(ast.unparse(decorator).startswith("pytest.mark.anvil") for decorator in node.decorator_list):
            marked.add(name)
    return marked


def _cli_anvil_only() -> tuple[str, ...]:
    """The ``_ANVIL_ONLY`` entries of tests/cli/conftest.py (``file.py::`` for a whole file)."""
    tree = ast.parse((CLI_TESTS / "conftest.py").read_text("utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_ANVIL_ONLY" for t in node.targets):
            value = ast.literal_eval(node.value)
            assert isinstance(value, tuple)
            return value
    raise AssertionError("tests/cli/conftest.py has no _ANVIL_ONLY")


def _sdk_test_files() -> list[Path]:
    return sorted(path for path in TESTS.rglob("test_*.py") if "__pycache__" not in path.parts)


@pytest.mark.parametrize("path", _sdk_test_files(), ids=lambda path: str(path.relative_to(TESTS)))
def test_sdk_tests_that_need_anvil_are_marked(path: Path) -> None:
    assert sorted(_needing_anvil(path) - _marked_by_decorator(path)) == []


def test_cli_tests_that_need_anvil_are_listed() -> None:
    listed = _cli_anvil_only()
    unlisted = [
        f"{path.name}::{name}"
        for path in sorted(CLI_TESTS.glob("test_*.py"))
        for name in sorted(_needing_anvil(path))
        if not f"{path.name}::{name}".startswith(listed)
    ]
    assert unlisted == []


def test_the_cli_list_names_existing_tests() -> None:
    stale = []
    for entry in _cli_anvil_only():
        file, _, name = entry.partition("::")
        path = CLI_TESTS / file
        if not path.is_file() or (name and name not in _functions(ast.parse(path.read_text("utf-8")))):
            stale.append(entry)
    assert stale == []
