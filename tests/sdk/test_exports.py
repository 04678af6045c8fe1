"""The public API is what ``ipledger.__all__`` lists, and it lists everything public."""

from __future__ import annotations

import ast
from pathlib import Path

import ipledger


def test_all_names_exist() -> None:
    for name in ipledger.__all__:
        assert hasattr(ipledger, name), name


def test_all_is_complete() -> None:
    public = {
        name
        for name in vars(ipledger)
        if not name.startswith("_") and not isinstance(getattr(ipledger, name), type(ipledger))
    }
    assert public <= set(ipledger.__all__) | {"annotations"}, public - set(ipledger.__all__)


def test_lazy_exports_match_the_type_checking_imports() -> None:
    """``ipledger`` loads its names on first use from ``_EXPORTS``; type checkers read the imports under
    ``TYPE_CHECKING``. Both must say the same module (and spelling) for every name."""
    tree = ast.parse(Path(ipledger.__file__).read_text("utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test))
    imported = {
        alias.asname or alias.name: (node.module, alias.name)
        for node in block.body
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
    }
    lazy = {
        name: (module, ipledger._ALIASES.get(name, name))
        for module, names in ipledger._EXPORTS.items()
        for name in names
    }
    assert lazy == imported
    assert set(lazy) | {"__version__"} == set(ipledger.__all__)
