"""Search over the event index: by official number, title (Chinese or English substrings), holder, share token or
token id.

The searchable record of each live right is derived while syncing (:func:`derive_search`, tables in
:mod:`ipledger.audit._index_schema`): one ``search_rights`` row per version of its title and numbers, over the blocks
it held, so a search at any block reads the rows of that block; a burn (a revocation included) ends the right's last
row, a reorganization cuts the rows back (:func:`cut_search`).

:func:`search_index` ranks exact matches first: an official number (any written form :func:`~ipledger.parse_number`
reads: full-width digits, spaces, ``CN``/``ZL`` prefixes, check digits with or without the dot; bare digits are also
tried as each office's), then a token id (decimal or ``0x``), a share token, a holder's rights (held at that block),
then titles containing the text, case-folded and NFKC-normalised on both sides (the exact title first, then titles
that start with it, shorter titles before longer). Titles are found through a trigram index (SQLite FTS5
``trigram``, PostgreSQL ``pg_trgm``); texts shorter than three characters, which no trigram holds, fall back to
``LIKE`` on the same table.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from eth_utils.address import to_checksum_address

from ipledger._exceptions import InvalidInputError
from ipledger.audit._index_db import Database
from ipledger.chain._events import arg_bytes
from ipledger.models._model_base import _Out
from ipledger.models._models import ZERO_ADDRESS, record_from_chain
from ipledger.models._numbers import OFFICES, number_text, parse_number

__all__ = ["SearchHit", "cut_search", "derive_search", "fold", "search_index"]

Matched = Literal["number", "token_id", "share_token", "holder", "title"]
_KEY_MASK = (1 << 248) - 1
_MAX_TEXT = 200
_ADDRESS = re.compile(r"0x[0-9a-fA-F]{40}")
_HEX = re.compile(r"0x[0-9a-fA-F]{1,64}")
_SEARCH_EVENTS = ("RightRegistered", "MetadataPublished", "NumbersAdded", "NumberReclaimed", "NumbersReleased")
_LIVE = "e.since_block <= ? AND (e.until_block IS NULL OR e.until_block > ?)"


class SearchHit(_Out):
    """A right found by :meth:`EventIndex.search <ipledger.EventIndex.search>`, as it stood at the searched block."""

    token_id: int
    token_id_hex: str
    title: str | None
    #: Its own official numbers, canonical, the primary first (as :attr:`RightRecord.numbers`).
    numbers: list[str]
    owner: str
    #: What matched: an official number, the token id, its share token, its holder, or its title.
    matched: Matched


def fold(text: str) -> str:
    """How titles and searched texts are compared: NFKC (full-width letters and digits become ASCII), case-folded,
    spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def _title(data: bytes) -> str | None:
    metadata, _ = record_from_chain(data)
    return None if metadata is None else metadata.title


def _key(packed: int) -> str:
    return format(packed & _KEY_MASK, "x")


# ---------------------------------------------------------------------------- derivation


class _Version:
    """A right's searchable record from ``block`` on (``None`` title and no numbers after a burn: no row)."""

    def __init__(
        self, block: int, title: str | None, packed: list[int], *, live: bool = True, stored: bool = False
    ) -> None:
        self.block = block
        self.title = title
        self.packed = packed
        self.live = live
        #: Already a row (the open one, read back): only its end is written.
        self.stored = stored


def derive_search(db: Database, registry: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """Extends the search tables with new log rows (in chain order), inside the caller's transaction."""
    versions: dict[str, list[_Version]] = {}
    for address, block, _, _, _, _, _, name, args_json, token_text in rows:
        if address.lower() != registry or (name not in _SEARCH_EVENTS and name != "Transfer"):
            continue
        if name == "Transfer" and ZERO_ADDRESS not in args_json:
            continue  # neither a mint nor a burn: most of the logs, left unparsed
        args = json.loads(args_json)
        if name == "Transfer":
            if args["to"] != ZERO_ADDRESS:
                continue
            token = str(args["tokenId"])
        else:
            token = str(token_text)
        history = versions.get(token)
        if history is None:
            history = versions[token] = [] if name == "RightRegistered" else _open_version(db, token)
        current = history[-1] if history else None
        if name == "RightRegistered":
            step = _Version(block, _title(arg_bytes(args["metadata"])), list(args["numbers"]))
        elif current is None or not current.live:
            continue
        elif name == "Transfer":
            step = _Version(block, None, [], live=False)
        elif name == "MetadataPublished":
            step = _Version(block, _title(arg_bytes(args["metadata"])), current.packed)
        elif name == "NumbersAdded":
            added = [number for number in args["numbers"] if number not in current.packed]
            step = _Version(block, current.title, current.packed + added)
        elif name == "NumberReclaimed":
            step = _Version(block, current.title, [number for number in current.packed if number != args["number"]])
        else:
            step = _Version(block, current.title, [n for n in current.packed if n not in args["numbers"]])
        if history and history[-1].block == block and not history[-1].stored:
            history[-1] = step
        else:
            history.append(step)
    if not versions:
        return
    (last,) = db.execute("SELECT COALESCE(MAX(id), 0) FROM search_rights").fetchone() or (0,)
    next_id = int(last) + 1
    closes: list[tuple[int, str]] = []
    entries: list[tuple[Any, ...]] = []
    numbers: list[tuple[str, int]] = []
    for token, history in versions.items():
        fresh = [version for version in history if not version.stored]
        if not fresh:
            continue
        closes.append((fresh[0].block, token))
        for position, version in enumerate(fresh):
            if not version.live:
                continue
            until = fresh[position + 1].block if position + 1 < len(fresh) else None
            if until == version.block:
                continue
            own = [number_text(number) for number in version.packed if not number >> 248]
            folded = fold(version.title) if version.title else ""
            entries.append(
                (
                    next_id,
                    token,
                    version.block,
                    until,
                    version.title,
                    folded,
                    json.dumps(own, ensure_ascii=False),
                    json.dumps(version.packed),
                )
            )
            numbers += [(_key(number), next_id) for number in dict.fromkeys(version.packed)]
            next_id += 1
    db.executemany("UPDATE search_rights SET until_block = ? WHERE token_id = ? AND until_block IS NULL", closes)
    db.executemany(
        "INSERT INTO search_rights (id, token_id, since_block, until_block, title, folded, numbers, packed) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        entries,
    )
    db.executemany("INSERT INTO search_numbers (number, entry) VALUES (?, ?)", numbers)
    if db.dialect == "sqlite":
        db.executemany(
            "INSERT INTO search_fts (rowid, folded) VALUES (?, ?)", [(entry[0], entry[5]) for entry in entries]
        )


def _open_version(db: Database, token: str) -> list[_Version]:
    """The right's open row, as a stored version (``[]`` when it has none: not live)."""
    row = db.execute(
        "SELECT since_block, title, packed FROM search_rights WHERE token_id = ? AND until_block IS NULL", (token,)
    ).fetchone()
    if row is None:
        return []
    return [_Version(int(row[0]), row[1], list(json.loads(row[2])), stored=True)]


def cut_search(db: Database, fork: int) -> None:
    """Removes the search rows of blocks after ``fork`` and reopens those it ended (inside the caller's
    transaction)."""
    later = "SELECT id FROM search_rights WHERE since_block > ?"
    if db.dialect == "sqlite":
        db.execute(f"DELETE FROM search_fts WHERE rowid IN ({later})", (fork,))
    db.execute(f"DELETE FROM search_numbers WHERE entry IN ({later})", (fork,))
    db.execute("DELETE FROM search_rights WHERE since_block > ?", (fork,))
    db.execute("UPDATE search_rights SET until_block = NULL WHERE until_block > ?", (fork,))


# ---------------------------------------------------------------------------- queries


def _number_keys(text: str) -> list[str]:
    """The keys of the official numbers ``text`` may be: as the SDK's parser reads it, or else as each office's."""
    try:
        return [_key(parse_number(text).packed)]
    except InvalidInputError:
        pass
    keys: list[str] = []
    for office in sorted(OFFICES):
        try:
            keys.append(_key(parse_number(text, office).packed))
        except InvalidInputError:
            continue
    return list(dict.fromkeys(keys))


def _token_id(text: str) -> int | None:
    if text.isascii() and text.isdigit():
        value = int(text)
    elif _HEX.fullmatch(text):
        value = int(text, 16)
    else:
        return None
    return value if value < 1 << 256 else None


def _like(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _title_matches(db: Database, folded: str, at: int, limit: int) -> list[str]:
    order = (
        "ORDER BY CASE WHEN e.folded = ? THEN 0 WHEN substr(e.folded, 1, ?) = ? THEN 1 ELSE 2 END, "
        "length(e.folded), e.since_block, e.id LIMIT ?"
    )
    ranking = (folded, len(folded), folded, limit)
    if db.dialect == "sqlite" and len(folded) >= 3:
        phrase = '"' + folded.replace('"', '""') + '"'
        sql = (
            "SELECT e.token_id FROM search_fts JOIN search_rights e ON e.id = search_fts.rowid "
            f"WHERE search_fts MATCH ? AND {_LIVE} {order}"
        )
        return [token for (token,) in db.execute(sql, (phrase, at, at, *ranking))]
    sql = f"SELECT e.token_id FROM search_rights e WHERE e.folded LIKE ? ESCAPE '\\' AND {_LIVE} {order}"
    return [token for (token,) in db.execute(sql, (_like(folded), at, at, *ranking))]


def _live_among(db: Database, sql: str, parameters: Sequence[Any]) -> list[str]:
    return [str(token) for (token,) in db.execute(sql, parameters)]


def search_index(db: Database, text: str, *, at: int, limit: int) -> list[SearchHit]:
    """The rights matching ``text`` at block ``at``, best first, at most ``limit`` (see the module notes)."""
    if isinstance(limit, bool) or not isinstance(limit, int) or limit < 1:
        raise InvalidInputError(f"field 'limit': {limit!r}; expected a whole number of at least 1")
    if not isinstance(text, str):
        raise InvalidInputError(f"field 'text': {text!r} is not text")
    query = " ".join(unicodedata.normalize("NFKC", text).split())
    if not query:
        return []
    if len(query) > _MAX_TEXT:
        raise InvalidInputError(f"field 'text': {len(query)} characters; a search is at most {_MAX_TEXT}")
    found: dict[str, Matched] = {}

    def add(tokens: Iterable[str], matched: Matched) -> None:
        for token in tokens:
            found.setdefault(token, matched)

    keys = _number_keys(query)
    if keys:
        marks = ",".join("?" * len(keys))
        add(
            _live_among(
                db,
                "SELECT e.token_id FROM search_numbers n JOIN search_rights e ON e.id = n.entry "
                f"WHERE n.number IN ({marks}) AND {_LIVE} ORDER BY e.since_block, e.id",
                (*keys, at, at),
            ),
            "number",
        )
    token = _token_id(query)
    if token is not None:
        add(
            _live_among(
                db, f"SELECT e.token_id FROM search_rights e WHERE e.token_id = ? AND {_LIVE}", (str(token), at, at)
            ),
            "token_id",
        )
    if _ADDRESS.fullmatch(query):
        address = to_checksum_address(query)
        add(
            _live_among(
                db,
                "SELECT token_id FROM share_tokens WHERE address = ? AND block <= ? ORDER BY block LIMIT ?",
                (address, at, limit),
            ),
            "share_token",
        )
        add(
            _live_among(
                db,
                "SELECT token_id FROM custody WHERE owner = ? AND since_block <= ? AND "
                "(until_block IS NULL OR until_block > ?) ORDER BY since_block, token_id LIMIT ?",
                (address, at, at, limit),
            ),
            "holder",
        )
    if len(found) < limit:
        add(_title_matches(db, fold(query), at, limit + len(found)), "title")
    return _hits(db, list(found.items()), at, limit)


def _hits(db: Database, found: list[tuple[str, Matched]], at: int, limit: int) -> list[SearchHit]:
    """The hits of the tokens found (in order), as their rows and custody stood at ``at``; tokens not live then are
    left out."""
    hits: list[SearchHit] = []
    for offset in range(0, len(found), 500):
        group = found[offset : offset + 500]
        marks = ",".join("?" * len(group))
        tokens = [token for token, _ in group]
        rows = {
            str(token): (title, numbers)
            for token, title, numbers in db.execute(
                f"SELECT e.token_id, e.title, e.numbers FROM search_rights e WHERE e.token_id IN ({marks}) AND {_LIVE}",
                (*tokens, at, at),
            )
        }
        owners = {
            str(token): str(owner)
            for token, owner in db.execute(
                f"SELECT token_id, owner FROM custody WHERE token_id IN ({marks}) AND since_block <= ? AND "
                "(until_block IS NULL OR until_block > ?)",
                (*tokens, at, at),
            )
        }
        for token, matched in group:
            if token not in rows or token not in owners:
                continue
            title, numbers = rows[token]
            value = int(token)
            hits.append(
                SearchHit(
                    token_id=value,
                    token_id_hex=hex(value),
                    title=title,
                    numbers=list(json.loads(numbers)),
                    owner=owners[token],
                    matched=matched,
                )
            )
            if len(hits) == limit:
                return hits
    return hits
