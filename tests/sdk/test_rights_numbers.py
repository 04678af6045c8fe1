"""Official numbers through the SDK on a real anvil node: one right, one token, under every number and spelling.

A Chinese invention is known by its application number (``ZL 2020 1 0123456.2``) and its publication and grant
number (``CN 111234567 A`` / ``B``); its PCT application is shared with the national phases of other offices.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cn_support import chinese_bundle, cn_check, cn_invention
from ipledger import (
    DuplicateRightError,
    InvalidInputError,
    IPMetadata,
    Ledger,
    NotFoundError,
    parse_number,
    right_id,
)

_serials = itertools.count(random.SystemRandom().randrange(1_000_000, 8_000_000, 10_000))


@pytest.fixture
def cn_numbers() -> tuple[str, str, str]:
    """A CN invention no test used: its application number written with ZL, its publication (A) and its grant (B)."""
    return cn_invention(next(_serials))


@pytest.fixture
def documents(tmp_path: Path) -> Callable[[str], list[Path]]:
    """A fresh bundle of two documents for each call (``tag`` makes their content unique)."""
    counter = itertools.count()
    return lambda tag: chinese_bundle(tmp_path / f"bundle{next(counter)}", tag)


@pytest.fixture
def salts_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """``$IPLEDGER_HOME`` in the test's folder, so the salt book is the test's own."""
    folder = tmp_path / "home"
    monkeypatch.setenv("IPLEDGER_HOME", str(folder))
    yield folder


def _invention(
    number: str, *, numbers: tuple[str, ...] = (), family: tuple[str, ...] = (), kind: str = "patent"
) -> IPMetadata:
    return IPMetadata(
        title="一种固态电池电极及其制备方法",
        kind=kind,
        number=number,
        numbers=numbers,
        family=family,
        inventors=("李伟", "张敏"),
        assignee="上海某某新能源科技有限公司",
        filing_date="2020-02-12",
    )


def _nonce(ledger: Ledger) -> int:
    return int(ledger.chain.w3.eth.get_transaction_count(ledger.signer.address))


def _spellings(number: str) -> list[str]:
    """The number as a Chinese input method, a clerk and a database would write it."""
    full_width = "".join(chr(ord(char) + 0xFEE0) if "!" <= char <= "~" else char for char in number.replace(" ", ""))
    return [number, number.replace(" ", ""), number.lower(), full_width, "　".join(number.split(" "))]


def test_a_right_registered_with_its_numbers_says_them_and_is_found_by_each(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, publication, grant = cn_numbers
    result = ledger.register(_invention(application, numbers=(publication,)), documents("first"), to="dev1")
    canonical_application = parse_number(application).canonical
    assert result.token_id == right_id(application)
    assert result.numbers == [canonical_application, parse_number(publication).canonical]
    record = ledger.get(result.token_id)
    assert record.jurisdiction == "CN"
    assert record.numbers == result.numbers
    for spelling in [*_spellings(application), *_spellings(publication), grant, grant.replace("CN ", "CN")]:
        assert ledger.rights.token_of_number(spelling) == result.token_id, spelling


@pytest.mark.parametrize("path", ["register", "claim", "voucher"])
def test_every_number_and_spelling_of_a_registered_right_is_refused_by_every_path(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]], path: str
) -> None:
    application, publication, grant = cn_numbers
    first = ledger.register(_invention(application, numbers=(publication,)), documents("first"), to="dev1")
    attempts = [*_spellings(application), *_spellings(publication), grant]
    for attempt in attempts:
        metadata = _invention(attempt, kind="patent_application" if attempt != grant else "patent")
        nonce = _nonce(ledger)
        with pytest.raises(DuplicateRightError) as caught:
            if path == "register":
                ledger.register(metadata, documents(attempt))
            elif path == "claim":
                ledger.use("dev2").rights.claim(metadata, documents(attempt))
            else:
                voucher = ledger.rights.sign_voucher(ledger.rights.prepare(metadata, documents(attempt)), to="dev2")
                ledger.use("dev2").rights.register_with_voucher(voucher)
        assert caught.value.existing_token_id == first.token_id, attempt
        if caught.value.error_name == "NumberAlreadyRegistered":
            assert caught.value.number == parse_number(publication).canonical
            assert f"{caught.value.number} is already a number of token" in str(caught.value)
        else:
            assert caught.value.error_name == "RightAlreadyRegistered"
        assert _nonce(ledger) == nonce


def test_another_right_listing_a_taken_number_is_refused_naming_it(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, publication, _ = cn_numbers
    first = ledger.register(_invention(application, numbers=(publication,)), documents("first"))
    other_application = parse_number(f"CN 2021101{next(_serials) % 100000:05d}").canonical.split(".")[0]
    digits = other_application.removeprefix("CN ")
    other = f"{digits}.{cn_check(digits)}"
    with pytest.raises(DuplicateRightError) as caught:
        ledger.register(_invention(other, numbers=(publication,)), documents("second"))
    assert caught.value.error_name == "NumberAlreadyRegistered"
    assert caught.value.number == parse_number(publication).canonical
    assert caught.value.existing_token_id == first.token_id


def test_family_links_do_not_block_the_national_phases_of_other_offices(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, _, _ = cn_numbers
    pct = f"PCT/CN2021/{next(_serials) % 1_000_000:06d}"
    chinese = ledger.register(_invention(application, family=(pct,)), documents("cn"))
    us_patent = f"US {12_000_000 + next(_serials) % 1_000_000}"
    american = ledger.register(
        IPMetadata(title="Solid-state battery electrode", kind="patent", number=us_patent, family=(pct,)),
        documents("us"),
    )
    assert american.token_id != chinese.token_id
    assert ledger.get(chinese.token_id).family == [parse_number(pct, family=True).canonical]
    assert ledger.get(american.token_id).family == [parse_number(pct, family=True).canonical]
    assert ledger.rights.token_of_number(pct) is None
    with pytest.raises(ValueError, match="list it under family"):
        _invention(application, numbers=(pct,))


def test_a_grant_added_later_updates_the_record_and_is_refused_to_others(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, _, grant = cn_numbers
    filed = ledger.register(_invention(application, kind="patent_application"), documents("app"), to="dev1")
    assert ledger.get(filed.token_id).kind.value == "patent_application"
    # The owner adds the grant number (provisional); the record of a verified right is the registrar's to change.
    nonce = _nonce(ledger.use("dev1"))
    with pytest.raises(InvalidInputError, match="only a registrar changes the kind or expiry"):
        ledger.use("dev1").rights.add_numbers(filed.token_id, [grant], kind="patent")
    assert _nonce(ledger.use("dev1")) == nonce
    ledger.use("dev1").rights.add_numbers(filed.token_id, [grant])
    assert ledger.get(filed.token_id).kind.value == "patent_application"
    with pytest.raises(DuplicateRightError) as caught:
        ledger.use("dev2").rights.claim(_invention(grant), documents("claimed copy"))
    assert caught.value.number == parse_number(grant).canonical
    # The registrar records the grant: the number is firm, the record a patent with its expiry, in storage.
    ledger.rights.add_numbers(filed.token_id, [grant], kind="patent", expiry=dt.date(2040, 2, 12))
    record = ledger.get(filed.token_id)
    assert record.kind.value == "patent"
    assert record.expiry is not None and record.expiry.date() == dt.date(2040, 2, 12)
    assert record.numbers == [parse_number(application).canonical, parse_number(grant).canonical]
    added = [event for event in ledger.history(filed.token_id).events if event.kind == "numbers_added"]
    assert [(event.numbers, event.by) for event in added] == [
        ([parse_number(grant).canonical], ledger.address_of("dev1")),
        ([parse_number(grant).canonical], ledger.signer.address),
    ]
    with pytest.raises(DuplicateRightError) as caught:
        ledger.register(_invention(grant), documents("registered copy"))
    assert caught.value.number == parse_number(grant).canonical
    assert caught.value.existing_token_id == filed.token_id


def test_a_registrar_takes_a_number_an_owner_added_to_a_verified_right(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, _, grant = cn_numbers
    squatter = ledger.register(_invention(application), documents("app"), to="dev1")
    ledger.use("dev1").rights.add_numbers(squatter.token_id, [grant])
    rightful = ledger.register(_invention(grant), documents("grant"), to="dev2")
    assert ledger.rights.token_of_number(grant) == rightful.token_id
    assert ledger.get(squatter.token_id).numbers == [parse_number(application).canonical]


def test_adding_numbers_is_for_the_owner_or_a_registrar_and_checks_input_first(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, publication, _ = cn_numbers
    filed = ledger.register(_invention(application), documents("app"), to="dev1")
    nonce = _nonce(ledger.use("dev2"))
    with pytest.raises(Exception, match="NotTokenOwner"):
        ledger.use("dev2").rights.add_numbers(filed.token_id, [publication])
    wrong = application[:-1] + ("0" if application[-1] != "0" else "1")
    with pytest.raises(InvalidInputError, match=r"field 'numbers'.*check digit"):
        ledger.use("dev1").rights.add_numbers(filed.token_id, [wrong])
    with pytest.raises(InvalidInputError, match="field 'numbers'"):
        ledger.use("dev1").rights.add_numbers(filed.token_id, ["EP 3456789 B1"])
    assert _nonce(ledger.use("dev2")) == nonce
    with pytest.raises(NotFoundError):
        ledger.rights.add_numbers(12345, [publication])


def test_a_registrar_registration_takes_a_claims_provisional_number(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]]
) -> None:
    application, publication, _ = cn_numbers
    claim = ledger.use("dev3").rights.claim(_invention(application, numbers=(publication,)), documents("claim"))
    assert claim.self_declared
    digits = f"20211{next(_serials):07d}"
    verified = ledger.register(
        _invention(f"{digits}.{cn_check(digits)}", numbers=(publication,)), documents("verified"), to="dev4"
    )
    assert ledger.rights.token_of_number(publication) == verified.token_id
    assert ledger.get(claim.token_id).numbers == [parse_number(application).canonical]
    taken = [event for event in ledger.history(claim.token_id).events if event.kind == "number_reclaimed"]
    assert [(event.numbers, event.other_token) for event in taken] == [
        ([parse_number(publication).canonical], hex(verified.token_id))
    ]


def test_an_unpublished_application_is_registered_under_a_commitment_and_opened_at_publication(
    ledger: Ledger, cn_numbers: tuple[str, str, str], documents: Callable[[str], list[Path]], salts_home: Path
) -> None:
    application, publication, _ = cn_numbers
    metadata = _invention(application, kind="patent_application")
    secret = ledger.register(metadata, documents("secret"), unpublished=True)
    assert secret.unpublished_salt is not None
    assert secret.token_id != right_id(application)
    assert secret.numbers[0].startswith("CN unpublished application 0x")
    assert ledger.rights.token_of_number(application) is None
    assert any((salts_home / "salts").iterdir())
    other = parse_number(publication).canonical
    with pytest.raises(InvalidInputError, match=r"field 'number'.*not the commitment"):
        ledger.rights.open_number(secret.token_id, other)
    ledger.rights.open_number(secret.token_id, application)
    assert ledger.rights.token_of_number(application) == secret.token_id
    assert parse_number(application).canonical in ledger.get(secret.token_id).numbers
    with pytest.raises(DuplicateRightError) as caught:
        ledger.register(_invention(application), documents("copy"))
    assert caught.value.existing_token_id == secret.token_id


@pytest.mark.parametrize("number", ["PCT/CN2021/123456", "WO 2021/123456 A1"])
def test_a_number_the_family_shares_is_never_a_rights_own_number(number: str) -> None:
    with pytest.raises(ValueError, match="shared by every national phase of the family"):
        _invention(number, kind="patent_application")
