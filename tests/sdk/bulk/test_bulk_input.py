"""Reading bulk files: CSV and JSON Lines rows become validated entries, or row errors that name the row."""

from __future__ import annotations

from pathlib import Path

import pytest
from bulk_support import patent_rows, write_csv, write_jsonl
from ipledger import BulkEntry, Document, InvalidInputError, InvalidRow, RightKind, read_bulk_file


def test_csv_rows_become_entries_with_resolved_documents(tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 2, inventors="Li Wei; Ana Souza", to="dev2")
    entries = read_bulk_file(write_csv(tmp_path / "rights.csv", rows))
    assert [entry.row for entry in entries] == [1, 2]
    first = entries[0]
    assert isinstance(first, BulkEntry)
    assert first.metadata.kind is RightKind.PATENT
    assert first.metadata.inventors == ("Li Wei", "Ana Souza")
    assert first.documents == (Document((tmp_path / rows[0]["documents"]).resolve()),)
    assert first.to == "dev2"


def test_jsonl_accepts_lists_and_skips_blank_lines(tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 2)
    rows[0]["documents"] = [rows[0]["documents"], rows[1]["documents"]]
    rows[0]["inventors"] = ["Li Wei"]
    path = write_jsonl(tmp_path / "rights.jsonl", rows)
    path.write_text(path.read_text() + "\n\n", "utf-8")
    entries = read_bulk_file(path)
    assert len(entries) == 2
    assert isinstance(entries[0], BulkEntry)
    assert len(entries[0].documents) == 2


def test_documents_are_relative_to_the_file_not_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "portfolio"
    rows = patent_rows(folder, 1)
    path = write_csv(folder / "rights.csv", rows)
    monkeypatch.chdir(tmp_path)
    (entry,) = read_bulk_file(path)
    assert isinstance(entry, BulkEntry)


@pytest.mark.parametrize(
    ("override", "fragment"),
    [
        ({"jurisdiction": "XX"}, "jurisdiction"),
        ({"kind": "invention"}, "kind"),
        ({"number": None}, "needs its official number"),
        ({"filing_date": "2018-02-30"}, "filing_date"),
        ({"documents": "missing.pdf"}, "'missing.pdf' is not a readable file"),
        ({"documents": None}, "no documents"),
        ({"title": "bell\x07"}, "title"),
        ({"expiry_date": "2010-01-01", "grant_date": "2012-01-01"}, "after"),
    ],
)
def test_a_bad_row_names_itself_and_the_others_still_read(
    tmp_path: Path, override: dict[str, object], fragment: str
) -> None:
    rows = patent_rows(tmp_path, 3)
    rows[1].update(override)
    entries = read_bulk_file(write_csv(tmp_path / "rights.csv", rows))
    assert isinstance(entries[0], BulkEntry)
    assert isinstance(entries[2], BulkEntry)
    bad = entries[1]
    assert isinstance(bad, InvalidRow)
    assert bad.row == 2
    assert fragment in bad.message


def test_jsonl_rows_that_are_not_objects(tmp_path: Path) -> None:
    path = tmp_path / "rights.jsonl"
    path.write_text('{"title": \n[1, 2]\n{"title": "x", "colour": "red", "documents": ["a"]}\n', "utf-8")
    first, second, third = read_bulk_file(path)
    assert isinstance(first, InvalidRow) and "not JSON" in first.message
    assert isinstance(second, InvalidRow) and "not a JSON object" in second.message
    assert isinstance(third, InvalidRow) and "'colour'" in third.message


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("rights.txt", "title\n", "must be .csv or .jsonl"),
        ("rights.csv", "", "empty CSV"),
        ("rights.csv", "title,colour,documents\n", "unknown column(s) 'colour'"),
        ("rights.csv", "title,kind\n", "'documents' column is missing"),
    ],
)
def test_unusable_files_are_refused_whole(tmp_path: Path, name: str, content: str, fragment: str) -> None:
    path = tmp_path / name
    path.write_text(content, "utf-8")
    with pytest.raises(InvalidInputError) as raised:
        read_bulk_file(path)
    assert fragment in str(raised.value)


def test_missing_and_binary_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InvalidInputError, match="cannot read"):
        read_bulk_file(tmp_path / "absent.csv")
    binary = tmp_path / "rights.csv"
    binary.write_bytes(b"\xff\xfe\x00title")
    with pytest.raises(InvalidInputError, match="not UTF-8"):
        read_bulk_file(binary)


def test_csv_row_with_more_cells_than_columns(tmp_path: Path) -> None:
    rows = patent_rows(tmp_path, 1)
    path = write_csv(tmp_path / "rights.csv", rows)
    path.write_text(path.read_text() + "a,patent,US,US 1 B2,x.txt,2018-01-01,extra\n", "utf-8")
    _, extra = read_bulk_file(path)
    assert isinstance(extra, InvalidRow) and "more cells" in extra.message
