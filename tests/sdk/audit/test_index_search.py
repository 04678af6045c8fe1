"""``EventIndex.search`` and ``EventIndex.right`` on both databases: official numbers in the forms users type, Chinese
and English title substrings (trigram indexes, and ``LIKE`` under three characters), holders, share tokens, token ids,
ranking, rights renamed, revoked and given numbers, and searches at past blocks."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cn_support import chinese_bundle, cn_invention
from ipledger import EventIndex, InvalidInputError, IPMetadata, Ledger, NotFoundError, SearchHit
from postgres_support import IndexUrls
from share_support import ONE

_serials = itertools.count(random.SystemRandom().randrange(9_100_000, 9_900_000, 10_000))
CHINESE_TITLE = "一种基于区块链的知识产权登记方法"


@dataclass(frozen=True)
class Catalog:
    """Rights registered once for the module's tests (the chain is the session's)."""

    chinese: int
    application: str
    publication: str
    grant: str
    before_numbers: int
    english: int
    english_number: str
    shared: int
    share_token: str
    revoked: int
    revoked_number: str
    before_revocation: int
    renamed: int
    before_rename: int
    holder: str


def _us_number() -> str:
    return f"US {next(_serials) + 20_000_000:,} B2"


def _bundle(folder: Path, tag: str) -> list[Path]:
    return chinese_bundle(folder / tag, tag)


@pytest.fixture(scope="module")
def catalog(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    folder = tmp_path_factory.mktemp("search")
    application, publication, grant = cn_invention(next(_serials))
    chinese = ledger.register(
        IPMetadata(title=CHINESE_TITLE, kind="patent_application", number=application),
        _bundle(folder, "chinese"),
        to="dev9",
    ).token_id
    before_numbers = ledger.chain.head()
    ledger.rights.add_numbers(chinese, [publication], kind="patent")
    english_number = _us_number()
    english = ledger.register(
        IPMetadata(
            title=f"Blockchain Ledger for Patent Registration, after {application}",
            kind="patent",
            jurisdiction="US",
            number=english_number,
        ),
        _bundle(folder, "english"),
        to="dev9",
    ).token_id
    shared = ledger.register(
        IPMetadata(title="Solid-state battery electrode", kind="patent", jurisdiction="US", number=_us_number()),
        _bundle(folder, "shared"),
        to="dev1",
    ).token_id
    ledger.use("dev1").shares.fractionalize(shared, "Search test shares", "STS", 1_000 * ONE)
    revoked_number = _us_number()
    revoked = ledger.register(
        IPMetadata(title="Revoked widget", kind="patent", jurisdiction="US", number=revoked_number),
        _bundle(folder, "revoked"),
        to="dev9",
    ).token_id
    before_revocation = ledger.chain.head()
    ledger.rights.revoke(revoked, b"\x07" * 32)
    renamed_metadata = IPMetadata(title="Old gearbox title", kind="patent", jurisdiction="US", number=_us_number())
    renamed = ledger.register(renamed_metadata, _bundle(folder, "renamed"), to="dev9").token_id
    before_rename = ledger.chain.head()
    ledger.rights.publish_metadata(renamed, renamed_metadata.model_copy(update={"title": "New gearbox title"}))
    return Catalog(
        chinese=chinese,
        application=application,
        publication=publication,
        grant=grant,
        before_numbers=before_numbers,
        english=english,
        english_number=english_number,
        shared=shared,
        share_token=ledger.shares.token(shared),
        revoked=revoked,
        revoked_number=revoked_number,
        before_revocation=before_revocation,
        renamed=renamed,
        before_rename=before_rename,
        holder=ledger.address_of("dev9"),
    )


@pytest.fixture
def index(ledger: Ledger, catalog: Catalog, index_url: IndexUrls) -> EventIndex:
    synced = EventIndex.open(index_url())
    synced.sync(ledger)
    return synced


def _found(hits: list[SearchHit]) -> list[tuple[int, str]]:
    return [(hit.token_id, hit.matched) for hit in hits]


def _full_width(text: str) -> str:
    return "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in text.replace(" ", ""))


def test_a_chinese_title_is_found_by_any_substring(index: EventIndex, catalog: Catalog) -> None:
    for text in ("一种基于区块链", "区块链的知识产权", "登记方法", CHINESE_TITLE):
        assert (catalog.chinese, "title") in _found(index.search(text, limit=100)), text
    (hit,) = [hit for hit in index.search(CHINESE_TITLE) if hit.token_id == catalog.chinese]
    assert hit.title == CHINESE_TITLE and hit.owner == catalog.holder
    assert index.search(CHINESE_TITLE)[0].token_id == catalog.chinese  # the exact title ranks first


def test_texts_under_three_characters_fall_back_to_like(index: EventIndex, catalog: Catalog) -> None:
    for text in ("一种", "登记", "链"):
        assert (catalog.chinese, "title") in _found(index.search(text, limit=500)), text


def test_an_english_title_is_found_in_any_case_and_width(index: EventIndex, catalog: Catalog) -> None:
    for text in ("blockchain ledger", "BLOCKCHAIN LEDGER FOR", "Patent   Registration", _full_width("Blockchain")):
        assert (catalog.english, "title") in _found(index.search(text, limit=100)), text


def test_an_official_number_is_found_in_the_forms_users_type(index: EventIndex, catalog: Catalog) -> None:
    digits = catalog.application.removeprefix("ZL ").replace(" ", "")
    spellings = [
        catalog.application,
        catalog.application.replace(" ", ""),
        _full_width(catalog.application),
        "CN" + digits,
        "CN " + digits.replace(".", ""),
        digits,
        "　".join(catalog.application.split(" ")),
        catalog.publication,
        catalog.grant,
        catalog.grant.replace(" ", "").lower(),
    ]
    record = index.right(catalog.chinese)
    for text in spellings:
        hits = index.search(text)
        assert hits and (hits[0].token_id, hits[0].matched) == (catalog.chinese, "number"), text
        assert hits[0].numbers == record.numbers and len(record.numbers) == 2  # A and B share a number
    assert index.search(catalog.publication, at_block=catalog.before_numbers) == []  # added later
    assert index.search(catalog.application, at_block=catalog.before_numbers)[0].numbers == record.numbers[:1]
    # The exact number before a title that contains it.
    assert _found(index.search(catalog.application))[:2] == [(catalog.chinese, "number"), (catalog.english, "title")]
    assert _found(index.search(catalog.english_number)) == [(catalog.english, "number")]


def test_token_ids_holders_and_share_tokens_are_found(index: EventIndex, catalog: Catalog) -> None:
    for text in (str(catalog.chinese), hex(catalog.chinese), hex(catalog.chinese).upper().replace("0X", "0x")):
        assert _found(index.search(text))[0] == (catalog.chinese, "token_id"), text
    assert _found(index.search(catalog.share_token)) == [(catalog.shared, "share_token")]
    assert _found(index.search(catalog.share_token.lower())) == [(catalog.shared, "share_token")]
    held = index.search(catalog.holder, limit=1000)
    assert {catalog.chinese, catalog.english, catalog.renamed} <= {hit.token_id for hit in held}
    assert catalog.revoked not in {hit.token_id for hit in held}
    assert {(hit.matched, hit.owner) for hit in held} == {("holder", catalog.holder)}


def test_a_holder_s_rights_are_read_up_to_the_limit(
    index: EventIndex, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A holder of many rights (a venue, a vault) costs a search its ``limit`` rows, not every right they hold."""
    database = index._db
    execute = database.execute
    rows: dict[str, int] = {}

    def counted(sql: str, parameters: Any = ()) -> Any:
        result = execute(sql, parameters)
        rows[sql] = len(result.fetchall())
        return result

    monkeypatch.setattr(database, "execute", counted)
    assert len(index.search(catalog.holder, limit=1)) == 1
    custody = [count for sql, count in rows.items() if "FROM custody WHERE owner" in sql]
    assert custody == [1], rows


@pytest.mark.parametrize("filters", [{}, {"status": "active"}, {"status": "revoked"}, {"jurisdiction": "CN"}])
def test_rights_come_in_pages_equal_to_the_whole_list(index: EventIndex, filters: dict[str, str]) -> None:
    """A page of the list of rights (what the explorer's ``/api/rights`` serves) builds only the records up to it
    and equals that slice of the whole list."""
    whole = index.rights(**filters)  # type: ignore[arg-type]
    for size in (1, 2, 3):
        pages = [
            index.rights(**filters, limit=size, offset=start)  # type: ignore[arg-type]
            for start in range(0, len(whole) + size, size)
        ]
        assert [record for page in pages for record in page] == whole, (filters, size)
    assert index.rights(**filters, limit=0) == []  # type: ignore[arg-type]


def test_no_hit_and_bad_input(index: EventIndex) -> None:
    assert index.search("不存在的标题 qzxv") == []
    assert index.search("   ") == []
    assert index.search(hex(2**200)) == []
    assert len(index.search("e", limit=2)) == 2
    with pytest.raises(InvalidInputError, match="limit"):
        index.search("battery", limit=0)
    with pytest.raises(InvalidInputError, match="beyond the index"):
        index.search("battery", at_block=index.cursor + 1)


def test_a_revoked_right_leaves_the_search_but_is_found_before(index: EventIndex, catalog: Catalog) -> None:
    assert index.search(catalog.revoked_number) == []
    assert index.search(hex(catalog.revoked)) == []
    assert index.search("revoked widget") == []
    before = catalog.before_revocation
    assert _found(index.search(catalog.revoked_number, at_block=before)) == [(catalog.revoked, "number")]
    assert (catalog.revoked, "holder") in _found(index.search(catalog.holder, at_block=before, limit=1000))
    assert index.right(catalog.revoked).status.value == "revoked"
    assert index.right(catalog.revoked, at_block=before).status.value == "active"


def test_a_new_public_record_renames_the_right_from_its_block(index: EventIndex, catalog: Catalog) -> None:
    assert _found(index.search("new gearbox")) == [(catalog.renamed, "title")]
    assert index.search("old gearbox") == []
    assert _found(index.search("old gearbox", at_block=catalog.before_rename)) == [(catalog.renamed, "title")]
    assert index.search("new gearbox", at_block=catalog.before_rename) == []
    assert index.right(catalog.renamed).title == "New gearbox title"


def test_right_equals_the_rights_list_and_the_node(ledger: Ledger, index: EventIndex, catalog: Catalog) -> None:
    everything = {record.token_id: record for record in index.rights()}
    for token in (catalog.chinese, catalog.english, catalog.shared, catalog.revoked, catalog.renamed):
        assert index.right(token) == everything[token], hex(token)
    assert index.right(catalog.chinese) == ledger.get(catalog.chinese)
    past = {record.token_id: record for record in index.rights(at_block=catalog.before_rename)}
    assert index.right(catalog.renamed, at_block=catalog.before_rename) == past[catalog.renamed]
    with pytest.raises(NotFoundError):
        index.right(2**255 + 12345)
    with pytest.raises(NotFoundError):
        index.right(catalog.renamed, at_block=catalog.before_revocation)
