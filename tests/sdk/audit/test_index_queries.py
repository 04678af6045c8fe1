"""Event index queries: portfolio and cap table at past blocks, rights by kind and jurisdiction, transfers by date."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from ipledger import EventIndex, InvalidInputError, IPMetadata, Ledger, RightKind, RightStatus, parse_number
from postgres_support import IndexUrls
from share_support import ONE

Patent = tuple[IPMetadata, list[Path]]


def test_portfolio_and_cap_table_at_past_blocks(
    ledger: Ledger, investors: dict[str, str], patent: Patent, index_url: IndexUrls
) -> None:
    metadata, documents = patent
    registered = ledger.register(metadata, documents, to="dev1")
    token = registered.token_id
    fractionalized = ledger.use("dev1").shares.fractionalize(token, "Index test shares", "ITS", 1_000 * ONE)
    moved = ledger.use("dev1").shares.transfer(token, "dev2", 250 * ONE)
    index = EventIndex.open(index_url())
    index.sync(ledger)
    dev1, dev2 = ledger.address_of("dev1"), ledger.address_of("dev2")

    before = index.portfolio(dev1, at_block=registered.block)
    assert token in [right.token_id for right in before.rights]
    assert not [position for position in before.shares if position.token_id == token]

    after = index.portfolio(dev1)
    assert token not in [right.token_id for right in after.rights]
    (position,) = [position for position in after.shares if position.token_id == token]
    assert (position.symbol, position.balance) == ("ITS", 750 * ONE)

    at_fractionalization = index.cap_table(token, at_block=fractionalized.block)
    assert [(h.account, h.balance) for h in at_fractionalization.holders] == [(dev1, 1_000 * ONE)]
    assert index.cap_table(token, at_block=moved.block) == ledger.shares.cap_table(token, block=moved.block)
    assert [(h.account, h.balance) for h in index.cap_table(token).holders] == [(dev1, 750 * ONE), (dev2, 250 * ONE)]

    with pytest.raises(InvalidInputError):
        index.portfolio(dev1, at_block=index.cursor + 1)


def test_rights_and_transfers_filters(ledger: Ledger, patent: Patent, index_url: IndexUrls) -> None:
    metadata, documents = patent
    token = ledger.register(metadata, documents, to="dev3").token_id
    ledger.rights.freeze(token, b"\x03" * 32)
    index = EventIndex.open(index_url())
    index.sync(ledger)

    (record,) = [record for record in index.rights(kind="patent", jurisdiction="us") if record.token_id == token]
    node = ledger.get(token)
    assert record == node
    assert record.status is RightStatus.FROZEN
    assert token in [right.token_id for right in index.rights(status="frozen")]
    assert token not in [right.token_id for right in index.rights(status="active")]
    assert token not in [right.token_id for right in index.rights(kind="trademark")]
    assert token not in [right.token_id for right in index.rights(jurisdiction="DE")]

    when = record.registered_at
    moves = index.transfers(when.date(), when.date())
    assert [(move.token_id, move.to) for move in moves if move.token_id == token] == [(token, node.owner)]
    assert not index.transfers(when - dt.timedelta(days=401), when - dt.timedelta(days=400))
    assert index.block_at(when) >= record.registration_block


def test_rights_filtered_in_sql_match_the_unfiltered_list(
    ledger: Ledger, patent: Patent, tmp_path: Path, index_url: IndexUrls
) -> None:
    metadata, documents = patent
    patent_token = ledger.register(metadata, documents, to="dev3").token_id
    mark = tmp_path / "mark.txt"
    mark.write_text(f"word mark of {metadata.number}\n", "utf-8")
    serial = parse_number(metadata.number or "", "US").serial % 1_000_000
    trademark = metadata.model_copy(
        update={
            "kind": RightKind.TRADEMARK,
            "jurisdiction": "DE",
            "number": f"DE 30 2020 {serial:06d}",
            "documents": (),
        }
    )
    mark_token = ledger.register(trademark, [mark], to="dev3").token_id
    index = EventIndex.open(index_url())
    index.sync(ledger)

    everything = index.rights()
    assert {patent_token, mark_token} <= {record.token_id for record in everything}
    for kind, jurisdiction in (
        ("patent", "US"),
        ("trademark", "DE"),
        ("trademark", None),
        (None, "de"),
        ("patent", "DE"),
    ):
        expected = [
            record
            for record in everything
            if (kind is None or record.kind.value == kind)
            and (jurisdiction is None or record.jurisdiction == jurisdiction.upper())
        ]
        assert index.rights(kind=kind, jurisdiction=jurisdiction) == expected, (kind, jurisdiction)
    assert index._db.execute(
        "SELECT kind, jurisdiction FROM registrations WHERE token_id = ?", (str(mark_token),)
    ).fetchall() == [(4, "DE")]
