"""Until the db branch's ``EventIndex.open``, ``search`` and ``right`` arrive: the agreed API, approximated with the
queries the index has today. Removed when they are merged."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from eth_utils.address import to_checksum_address

from ipledger import EventIndex, NotFoundError, RightRecord, is_valid_address, parse_number_for, parse_token_id
from ipledger.models._model_base import _Out

__all__ = ["SearchHit", "open_index", "right_of", "search"]


class SearchHit(_Out):
    """One right a search found, and by what."""

    token_id: int
    token_id_hex: str
    title: str | None
    numbers: list[str]
    owner: str
    matched: Literal["number", "title", "holder", "share_token", "token_id"]


def open_index(url: str | Path) -> EventIndex:
    opener = getattr(EventIndex, "open", None)
    if opener is not None:
        index: EventIndex = opener(url)
        return index
    text = str(url)
    return EventIndex(text.removeprefix("sqlite:///") if text.startswith("sqlite:///") else text)


def right_of(index: EventIndex, token: int, at_block: int | None = None) -> RightRecord:
    method = getattr(index, "right", None)
    if method is not None:
        record: RightRecord = method(token, at_block=at_block)
        return record
    for record in index.rights(at_block=at_block):
        if record.token_id == token:
            return record
    raise NotFoundError(f"token {hex(token)} is not in the index (synced up to block {index.cursor})")


def search(index: EventIndex, text: str, *, limit: int = 20) -> list[Any]:
    method = getattr(index, "search", None)
    if method is not None:
        hits: list[Any] = method(text, limit=limit)
        return hits
    query = text.strip()
    found: list[SearchHit] = []
    records = index.rights()
    folded = query.casefold()
    try:
        canonical = parse_number_for(query, None, None, field="q").canonical
    except Exception:  # noqa: BLE001 - not a number
        canonical = None
    for record in records:
        matched: str | None = None
        if is_valid_address(query) and record.owner == to_checksum_address(query):
            matched = "holder"
        elif canonical is not None and canonical in record.numbers + record.family:
            matched = "number"
        elif record.title and folded in record.title.casefold():
            matched = "title"
        else:
            try:
                if parse_token_id(query) == record.token_id:
                    matched = "token_id"
            except Exception:  # noqa: BLE001 - not a token id
                matched = None
        if matched is not None:
            found.append(
                SearchHit(
                    token_id=record.token_id,
                    token_id_hex=record.token_id_hex,
                    title=record.title,
                    numbers=record.numbers,
                    owner=record.owner,
                    matched=matched,
                )
            )
    if is_valid_address(query):
        address = to_checksum_address(query)
        for row in index._db.execute("SELECT token_id FROM share_tokens WHERE address = ?", (address,)):
            token = int(row[0])
            held = next((r for r in records if r.token_id == token), None)
            found.append(
                SearchHit(
                    token_id=token,
                    token_id_hex=hex(token),
                    title=held.title if held else None,
                    numbers=held.numbers if held else [],
                    owner=held.owner if held else address,
                    matched="share_token",
                )
            )
    return found[:limit]
