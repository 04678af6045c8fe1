"""ipledger register with several numbers, number, add-number and open-number, on the session chain."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Run
from ipledger import cn_application, parse_number, right_id

Json = Callable[..., Any]
_serials = itertools.count(random.SystemRandom().randrange(1_000_000, 8_000_000, 10_000))


def _right(tmp_path: Path) -> tuple[str, str, str, list[str]]:
    """A CN invention nobody registered: its application, publication and grant numbers and its --doc options."""
    serial = next(_serials)
    application = cn_application(2021, 1, serial).canonical.removeprefix("CN ")
    publication = 113_000_000 + serial
    docs = []
    for name in ("权利要求书.txt", "说明书.txt"):
        path = tmp_path / name
        path.write_text(f"{name} {application}\n", "utf-8")
        docs += ["--doc", str(path)]
    return f"ZL{application}", f"CN {publication} A", f"CN {publication} B", docs


def _register(cli_json: Json, number: str, docs: list[str], *extra: str) -> Any:
    return cli_json(
        "register", "--title", "一种固态电池电极及其制备方法", "--kind", "patent_application", "--number", number,
        *docs, *extra,
    )  # fmt: skip


def test_register_lists_every_number_and_reserves_them(tmp_path: Path, cli_json: Json, cli: Run) -> None:
    application, publication, grant, docs = _right(tmp_path)
    out = _register(cli_json, application, docs, "--also-number", publication, "--family", "PCT/CN2021/654321")
    assert out["token_id"] == hex(right_id(application))
    assert out["identifier"] == parse_number(application).canonical
    assert [(item["number"], item["family"]) for item in out["numbers"]] == [
        (parse_number(application).canonical, False),
        (parse_number(publication).canonical, False),
        ("PCT/CN2021/654321", True),
    ]
    looked_up = cli_json("number", grant)
    assert looked_up["token_id"] == out["token_id"]
    assert looked_up["right_id"] == hex(parse_number(grant).key)
    other = tmp_path / "other.txt"
    other.write_text("another bundle", "utf-8")
    refused = cli("register", "--title", "copy", "--kind", "patent", "--number", grant, "--doc", str(other))
    assert refused.exit_code == 1
    assert f"number {parse_number(grant).canonical} is already registered as token {out['token_id']}" in (
        refused.stderr
    )


def test_add_number_records_the_grant_and_changes_the_kind(tmp_path: Path, cli_json: Json, cli: Run) -> None:
    application, _, grant, docs = _right(tmp_path)
    token = _register(cli_json, application, docs, "--to", "dev1")["token_id"]
    refused = cli("add-number", token, grant, "--kind", "patent", "--from", "dev1")
    assert refused.exit_code == 1
    assert "only a registrar changes the kind or expiry" in refused.stderr
    out = cli_json("add-number", token, grant, "--kind", "patent", "--expiry", "2041-03-01", "--from", "dev0")
    assert out["kind"] == "patent"
    assert out["numbers"] == [parse_number(application).canonical, parse_number(grant).canonical]
    shown = cli_json("show", token)
    assert shown["kind"] == "patent"
    assert shown["numbers"] == out["numbers"]
    assert shown["expiry"].startswith("2041-03-01")
    history = cli("history", token)
    assert "numbers added" in history.stdout


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["CN 202110000000.0"], "field 'numbers'"),
        (["EP 3456789 B1"], "a EP number, but the office given is CN"),
        (["CN 1 B", "--expiry", "someday"], "--expiry"),
    ],
)
def test_add_number_refuses_bad_input_in_one_line_before_sending(
    tmp_path: Path, cli_json: Json, cli: Run, arguments: list[str], message: str
) -> None:
    application, _, _, docs = _right(tmp_path)
    token = _register(cli_json, application, docs, "--to", "dev1")["token_id"]
    result = cli("add-number", token, *arguments, "--from", "dev1")
    assert result.exit_code != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) <= 3


def test_unpublished_registration_is_opened_with_the_kept_salt(tmp_path: Path, cli_json: Json) -> None:
    application, _, _, docs = _right(tmp_path)
    out = _register(cli_json, application, docs, "--unpublished")
    assert out["unpublished_salt"].startswith("0x")
    assert out["token_id"] != hex(right_id(application))
    assert out["numbers"][0]["series"] == "UC"
    assert cli_json("number", application)["token_id"] is None
    opened = cli_json("open-number", out["token_id"], application)
    assert opened["number"] == parse_number(application).canonical
    assert cli_json("number", application)["token_id"] == out["token_id"]
