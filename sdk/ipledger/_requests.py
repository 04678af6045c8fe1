"""A registration prepared off chain: documents hashed, metadata validated, numbers packed, right id and metadata URI
derived."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from ._exceptions import InvalidInputError
from ._hashing import bundle_hash, hash_file
from ._models import DocumentRef, IPMetadata, parse_metadata
from ._numbers import OfficialNumber, unpublished_number

__all__ = ["METADATA_URI_PREFIX", "RegistrationRequest", "hash_documents", "prepare_registration"]

METADATA_URI_PREFIX = "urn:ipledger:metadata:sha256:"


@dataclass(frozen=True)
class RegistrationRequest:
    """Everything the registry needs for one right, derived from metadata and documents."""

    metadata: IPMetadata
    content_hash: bytes
    documents: tuple[DocumentRef, ...]
    numbers: tuple[OfficialNumber, ...]
    metadata_uri: str
    #: Registered under an unpublished application's commitment: the salt that opens it (docs/numbers.md).
    unpublished_salt: bytes | None = None

    @property
    def right_id(self) -> int:
        """The token id the registry derives from the primary number."""
        return self.numbers[0].key

    def as_tuple(self) -> tuple[bytes, int, int, list[int], str]:
        """The contract's ``Registration`` struct."""
        return (
            self.content_hash,
            self.metadata.kind.chain_value,
            self.metadata.expiry_timestamp(),
            [number.packed for number in self.numbers],
            self.metadata_uri,
        )

    def as_message(self) -> dict[str, object]:
        """The struct as an EIP-712 message (vouchers)."""
        content_hash, kind, expiry, numbers, uri = self.as_tuple()
        return {"contentHash": content_hash, "kind": kind, "expiry": expiry, "numbers": numbers, "metadataURI": uri}


def prepare_registration(
    metadata: IPMetadata,
    documents: Sequence[str | Path],
    *,
    metadata_uri: str | None = None,
    unpublished_salt: bytes | None = None,
) -> RegistrationRequest:
    """Hashes ``documents`` and derives the right id and metadata URI; no chain access.

    With ``unpublished_salt`` the primary number (an application not yet published) is registered as its salted
    commitment, ``unpublished_number(number, salt)``, which reveals nothing of it until it is opened."""
    if not documents:
        raise InvalidInputError("a registration needs at least one document (--doc FILE)")
    refs = tuple(_document_ref(Path(path)) for path in documents)
    content_hash = bundle_hash(bytes.fromhex(ref.sha256) for ref in refs)
    complete = metadata.model_copy(update={"documents": refs}) if not metadata.documents else metadata
    complete = parse_metadata(complete.model_dump())
    declared = {ref.sha256 for ref in complete.documents}
    if declared != {ref.sha256 for ref in refs}:
        raise InvalidInputError("the metadata's document list does not match the documents given")
    uri = metadata_uri or METADATA_URI_PREFIX + complete.metadata_hash().hex()
    if len(uri.encode("utf-8")) > 2048:
        raise InvalidInputError("metadata URI is longer than 2048 bytes")
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
        metadata_uri=uri,
        unpublished_salt=unpublished_salt,
    )


def _document_ref(path: Path) -> DocumentRef:
    digest = hash_file(path)
    try:
        return DocumentRef(name=path.name, sha256=digest.hex(), size=path.stat().st_size)
    except ValidationError:
        raise InvalidInputError(f"document {str(path)!r}: its name is longer than 255 characters") from None


def hash_documents(paths: Iterable[str | Path]) -> bytes:
    """The content hash of a bundle of files (see docs/hashing.md)."""
    return bundle_hash(hash_file(path) for path in paths)
