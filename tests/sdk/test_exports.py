"""The public API is what ``ipledger.__all__`` lists, and it lists everything public."""

from __future__ import annotations

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
