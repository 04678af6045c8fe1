"""A registration prepared off chain: documents hashed, metadata validated, numbers packed, right id and public
record derived."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ipledger._exceptions import InvalidInputError
from ipledger.models._hashing import bundle_hash, hash_bytes, hash_file
from ipledger.models._models import DocumentRef, DocumentRole, IPMetadata, RightKind, parse_metadata
from ipledger.models._numbers import OfficialNumber, unpublished_number

__all__ = ["Document", "Registration", "RegistrationRequest", "hash_documents", "prepare_registration"]

#: The contract's ``Registration`` struct as a Python tuple: content hash, kind, expiry, packed numbers, record.
RegistrationTuple = tuple[bytes, int, int, list[int], bytes]


@dataclass(frozen=True)
class Document:
    """A document file of a bundle with its declared role (claims, description, ...); the role is part of the public
    record, the file name never is."""

    path: Path
    role: DocumentRole | None = None

    @classmethod
    def parse(cls, value: str | Path | Document) -> Document:
        """A document from a path, or from ``ROLE=PATH`` where ROLE is a :class:`DocumentRole`
        (``claims=权利要求书.pdf``)."""
        if isinstance(value, Document):
            return value
        if isinstance(value, str):
            role, sep, path = value.partition("=")
            if sep and role.strip().lower() in {member.value for member in DocumentRole}:
                return cls(Path(path), DocumentRole(role.strip().lower()))
        return cls(Path(value))


@dataclass(frozen=True)
class RegistrationRequest:
    """Everything the registry needs for one right, derived from metadata and documents."""

    metadata: IPMetadata
    content_hash: bytes
    documents: tuple[DocumentRef, ...]
    numbers: tuple[OfficialNumber, ...]
    #: The public record published with the registration (docs/metadata.md); its SHA-256 is the metadata hash.
    record: bytes
    #: Registered under an unpublished application's commitment: the salt that opens it (docs/numbers.md).
    unpublished_salt: bytes | None = None
    #: The salt of each confidential field (its commitment is in the record); kept to open the field later.
    field_salts: Mapping[str, bytes] = field(default_factory=dict)

    @property
    def right_id(self) -> int:
        """The token id the registry derives from the primary number."""
        return self.numbers[0].key

    def with_salts(self, salts: Mapping[str, bytes]) -> RegistrationRequest:
        """This request with its confidential fields sealed under ``salts`` instead (those kept from an earlier
        attempt, so a resumed registration publishes the same record)."""
        record = self.metadata.public_record(salts, unpublished=self.unpublished_salt is not None)
        return replace(self, record=record, field_salts=dict(salts))

    @property
    def metadata_hash(self) -> bytes:
        """SHA-256 of the public record."""
        return hash_bytes(self.record)

    @property
    def registration(self) -> Registration:
        """The struct the registry takes, without the metadata and salts it was derived from."""
        return Registration(
            content_hash=self.content_hash,
            kind=self.metadata.kind,
            expiry=self.metadata.expiry_timestamp(),
            numbers=self.numbers,
            record=self.record,
        )

    def as_tuple(self) -> RegistrationTuple:
        """The contract's ``Registration`` struct."""
        return self.registration.as_tuple()

    def as_message(self) -> dict[str, object]:
        """The struct as an EIP-712 message (vouchers)."""
        return self.registration.as_message()


@dataclass(frozen=True)
class Registration:
    """The registry's ``Registration`` struct itself: what a registrar signs in a voucher and a voucher file carries
    (:class:`~ipledger.SignedVoucher`). Unlike :class:`RegistrationRequest` it holds no metadata beyond the public
    record, and no salts: a confidential field stays sealed, an unpublished application's number stays a
    commitment."""

    content_hash: bytes
    kind: RightKind
    #: Unix time of the right's expiry (the end of its expiry day, UTC), 0 when none.
    expiry: int
    numbers: tuple[OfficialNumber, ...]
    #: The public record published with the registration (docs/metadata.md).
    record: bytes

    @property
    def unpublished_salt(self) -> None:
        """Never known from the struct alone: an unpublished application's salt stays in the registrar's salt book
        (a registrar hands it to the owner apart, to open the number at publication)."""
        return None

    @property
    def right_id(self) -> int:
        """The token id the registry derives from the primary number."""
        return self.numbers[0].key

    @property
    def metadata_hash(self) -> bytes:
        """SHA-256 of the public record."""
        return hash_bytes(self.record)

    def as_tuple(self) -> RegistrationTuple:
        """The contract's ``Registration`` struct."""
        return (
            self.content_hash,
            self.kind.chain_value,
            self.expiry,
            [number.packed for number in self.numbers],
            self.record,
        )

    def as_message(self) -> dict[str, object]:
        """The struct as an EIP-712 message (vouchers)."""
        content_hash, kind, expiry, numbers, record = self.as_tuple()
        return {"contentHash": content_hash, "kind": kind, "expiry": expiry, "numbers": numbers, "metadata": record}


def prepare_registration(
    metadata: IPMetadata,
    documents: Sequence[str | Path | Document],
    *,
    unpublished_salt: bytes | None = None,
    field_salts: Mapping[str, bytes] | None = None,
) -> RegistrationRequest:
    """Hashes ``documents`` and derives the right id and the public record; no chain access.

    Confidential fields are sealed with ``field_salts`` (fresh random salts by default). With ``unpublished_salt``
    the primary number (an application not yet published) is registered as its salted commitment,
    ``unpublished_number(number, salt)``, which reveals nothing of it until it is opened."""
    if not documents:
        raise InvalidInputError("a registration needs at least one document (--doc FILE)")
    refs = tuple(_document_ref(Document.parse(document)) for document in documents)
    content_hash = bundle_hash(bytes.fromhex(ref.sha256) for ref in refs)
    complete = metadata.model_copy(update={"documents": _distinct(refs)}) if not metadata.documents else metadata
    complete = parse_metadata(complete.model_dump())
    declared = {ref.sha256 for ref in complete.documents}
    if declared != {ref.sha256 for ref in refs}:
        raise InvalidInputError("the metadata's document list does not match the documents given")
    salts = dict(field_salts or {name: secrets.token_bytes(32) for name in complete.confidential})
    record = complete.public_record(salts, unpublished=unpublished_salt is not None)
    numbers = complete.official_numbers(content_hash)
    if unpublished_salt is not None:
        if any(not number.family for number in numbers[1:]):
            raise InvalidInputError(
                "field 'numbers': an unpublished application is registered alone; add its publication and grant "
                "numbers once it is opened"
            )
        numbers = (unpublished_number(numbers[0], unpublished_salt), *numbers[1:])
    return RegistrationRequest(
        metadata=complete,
        content_hash=content_hash,
        documents=refs,
        numbers=numbers,
        record=record,
        unpublished_salt=unpublished_salt,
        field_salts=salts,
    )


def _document_ref(document: Document) -> DocumentRef:
    digest = hash_file(document.path)
    return DocumentRef(sha256=digest.hex(), size=document.path.stat().st_size, role=document.role)


def _distinct(refs: tuple[DocumentRef, ...]) -> tuple[DocumentRef, ...]:
    """One entry per document content, as the bundle hash counts each once."""
    by_digest: dict[str, DocumentRef] = {}
    for ref in refs:
        by_digest.setdefault(ref.sha256, ref)
    return tuple(by_digest.values())


def hash_documents(paths: Iterable[str | Path | Document]) -> bytes:
    """The content hash of a bundle of files (see docs/hashing.md)."""
    return bundle_hash(hash_file(Document.parse(path).path) for path in paths)
