"""Registration vouchers: a registrar's EIP-712 permission to register one right for one recipient, which anyone may
submit (the token always goes to the recipient), and the file that carries it, ``ipledger.voucher.v1``.

The file holds the registry's ``Voucher`` struct field for field (the registration as signed: content hash, kind,
expiry, packed numbers, the public record's bytes), the chain id and registry that the signature binds, the
signature and its signer, and, for the recipient to read, the token id, title, numbers and deadline those fields
mean. Reading a file checks everything it can without a node: every field's form, that the readable fields say
what the signed ones do, and that the signature recovers to the signer named (an edited recipient, number or
deadline recovers to another address). Whether the signer is a registrar there, and whether the nonce is still
open, only the chain tells (:meth:`~ipledger.Rights.check_voucher`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Literal

from eth_account import Account
from eth_keys.exceptions import BadSignature
from eth_utils.exceptions import ValidationError as KeyValidationError
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ipledger._exceptions import DocumentError, InvalidInputError
from ipledger.chain._eip712 import REGISTRY_DOMAIN, typed_message
from ipledger.models._model_base import Address, Uint256, _Out
from ipledger.models._models import RightKind
from ipledger.models._numbers import number_text, unpack_number
from ipledger.models._public_record import record_or_none
from ipledger.models._requests import Registration, RegistrationRequest

__all__ = [
    "VOUCHER_FORMAT",
    "VOUCHER_TYPES",
    "SignedVoucher",
    "Voucher",
    "VoucherCheck",
    "VoucherRegistration",
    "VoucherState",
]

#: The version tag of a voucher file.
VOUCHER_FORMAT: Final = "ipledger.voucher.v1"
#: The registry's EIP-712 ``Voucher`` type (``IPRegistry._VOUCHER_TYPEHASH``).
VOUCHER_TYPES = {
    "Voucher": [
        {"name": "to", "type": "address"},
        {"name": "registration", "type": "Registration"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Registration": [
        {"name": "contentHash", "type": "bytes32"},
        {"name": "kind", "type": "uint8"},
        {"name": "expiry", "type": "uint40"},
        {"name": "numbers", "type": "uint256[]"},
        {"name": "metadata", "type": "bytes"},
    ],
}
_HEX = re.compile(r"0x(?:[0-9a-fA-F]{2})*")
_SIGNATURE_BYTES = 65


@dataclass(frozen=True)
class Voucher:
    """A registrar-signed permission to register a right for ``to``; anyone may submit it.

    ``request`` is the :class:`~ipledger.RegistrationRequest` a registrar prepared and signed, or, for a voucher read
    from a file (:meth:`SignedVoucher.to_voucher`), the :class:`~ipledger.Registration` struct it carries."""

    to: str
    request: RegistrationRequest | Registration
    nonce: int
    deadline: int
    signature: bytes

    @property
    def registration(self) -> Registration:
        """The struct signed, whichever ``request`` holds."""
        return self.request if isinstance(self.request, Registration) else self.request.registration

    def as_tuple(self) -> tuple[str, tuple[bytes, int, int, list[int], bytes], int, int]:
        return (self.to, self.request.as_tuple(), self.nonce, self.deadline)

    def as_message(self) -> dict[str, Any]:
        """The voucher as the EIP-712 message its signature signs."""
        registration = self.request.as_message()
        return {"to": self.to, "registration": registration, "nonce": self.nonce, "deadline": self.deadline}


def recover_voucher_signer(voucher: Voucher, *, chain_id: int, registry: str) -> str:
    """The address whose key signed ``voucher`` for ``registry`` on ``chain_id`` (whoever it is: the registry
    checks that it holds the registrar role). Raises :class:`ValueError` for a signature that is no ECDSA signature."""
    signable = typed_message(
        REGISTRY_DOMAIN, chain_id=chain_id, contract=registry, types=VOUCHER_TYPES, message=voucher.as_message()
    )
    try:
        return str(Account.recover_message(signable, signature=voucher.signature))
    except (BadSignature, KeyValidationError) as exc:
        raise ValueError(str(exc)) from None


def _hex_bytes(value: Any, *, size: int | None = None) -> str:
    """``value`` checked as 0x and an even number of hex digits (``size`` bytes), in lower case."""
    if not isinstance(value, str) or _HEX.fullmatch(value) is None:
        shown = repr(value) if len(repr(value)) <= 20 else repr(value)[:17] + "..."
        wanted = f"0x and {2 * size} hex digits" if size else "0x and an even number of hex digits"
        raise ValueError(f"{shown} is not hex; expected {wanted}")
    found = (len(value) - 2) // 2
    if size is not None and found != size:
        raise ValueError(f"{found} bytes; expected {size} (0x and {2 * size} hex digits)")
    return value.lower()


class VoucherRegistration(BaseModel):
    """The ``registration`` of a voucher file: the registry's ``Registration`` struct, field for field, as signed.
    ``numbers`` are the packed uint256 numbers (0x hex), primary first; ``record`` the public record's bytes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    content_hash: str
    kind: RightKind
    #: Unix time of the right's expiry (the end of its expiry day, UTC), 0 when none.
    expiry: int = Field(ge=0, lt=2**40)
    numbers: tuple[str, ...] = Field(min_length=1)
    record: str

    @field_validator("content_hash", mode="before")
    @classmethod
    def _content_hash(cls, value: Any) -> str:
        return _hex_bytes(value, size=32)

    @field_validator("record", mode="before")
    @classmethod
    def _record(cls, value: Any) -> str:
        return _hex_bytes(value)

    @field_validator("numbers", mode="before")
    @classmethod
    def _numbers(cls, value: Any) -> Any:
        if not isinstance(value, list | tuple):
            return value
        packed = []
        for index, item in enumerate(value):
            if not isinstance(item, str) or re.fullmatch(r"0x[0-9a-fA-F]{1,64}", item) is None:
                raise ValueError(f"[{index}] {item!r} is not a packed number; expected 0x and up to 64 hex digits")
            try:
                unpack_number(int(item, 16))
            except InvalidInputError as exc:
                raise ValueError(f"[{index}] {exc}") from None
            packed.append(hex(int(item, 16)))
        return tuple(packed)

    @classmethod
    def of(cls, registration: Registration) -> VoucherRegistration:
        content_hash, _, expiry, numbers, record = registration.as_tuple()
        return cls(
            content_hash="0x" + content_hash.hex(),
            kind=registration.kind,
            expiry=expiry,
            numbers=tuple(hex(number) for number in numbers),
            record="0x" + record.hex(),
        )

    def struct(self) -> Registration:
        """The struct, with its numbers unpacked."""
        return Registration(
            content_hash=bytes.fromhex(self.content_hash[2:]),
            kind=self.kind,
            expiry=self.expiry,
            numbers=tuple(unpack_number(int(number, 16)) for number in self.numbers),
            record=bytes.fromhex(self.record[2:]),
        )


def _readable(registration: Registration, deadline: int) -> dict[str, Any]:
    """What a voucher file shows its reader beside the signed fields: all derived from them."""
    record = record_or_none(registration.record)
    title = record.get("title") if record is not None else None
    return {
        "token_id": hex(registration.right_id),
        "title": title if isinstance(title, str) else None,
        "numbers": tuple(number_text(number.packed) for number in registration.numbers),
        "valid_until": dt.datetime.fromtimestamp(deadline, dt.UTC),
    }


class SignedVoucher(BaseModel):
    """A voucher file (``ipledger.voucher.v1``): a signed :class:`Voucher` with the chain id and registry its
    signature binds, and what it means in words for the recipient to check.

    Write one with :meth:`from_voucher` and :meth:`save` (or ``model_dump_json``), read one with :meth:`load` or
    :meth:`parse`: reading refuses, in one line naming the field, a file that is malformed (bad hex, wrong lengths,
    an unknown number), whose readable fields (``token_id``, ``title``, ``numbers``, ``valid_until``) disagree with
    the signed ones, or whose signature does not recover to ``signer`` (it was altered after signing).
    :meth:`~ipledger.Rights.register_with_voucher` takes it as is and refuses it on another chain or registry
    before anything is sent. In JSON, ``nonce`` is a decimal string (a uint256)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: Literal["ipledger.voucher.v1"] = VOUCHER_FORMAT
    chain_id: int = Field(ge=1)
    registry: Address
    to: Address
    registration: VoucherRegistration
    nonce: Uint256
    deadline: int = Field(ge=0, lt=2**256)
    signature: str
    #: The account that signed (the registry accepts it only if it holds the registrar role).
    signer: Address
    #: The right's token id, derived from its primary number (0x hex).
    token_id: str
    #: The title the public record publishes; ``None`` when the title is confidential (sealed).
    title: str | None
    #: The numbers, canonical, as ``ipledger show`` writes them.
    numbers: tuple[str, ...]
    #: ``deadline`` as a UTC time.
    valid_until: dt.datetime

    @field_validator("format", mode="before")
    @classmethod
    def _format(cls, value: Any) -> Any:
        if value != VOUCHER_FORMAT:
            raise ValueError(f"{value!r} is not a voucher file format this SDK reads; expected {VOUCHER_FORMAT!r}")
        return value

    @field_validator("signature", mode="before")
    @classmethod
    def _signature(cls, value: Any) -> str:
        return _hex_bytes(value, size=_SIGNATURE_BYTES)

    @model_validator(mode="after")
    def _consistent(self) -> SignedVoucher:
        registration = self.registration.struct()
        for name, derived in _readable(registration, self.deadline).items():
            if getattr(self, name) != derived:
                raise ValueError(
                    f"field {name!r}: {_shown(getattr(self, name))} is not what the signed fields say "
                    f"({_shown(derived)}); the file was edited after it was signed"
                )
        try:
            signer = recover_voucher_signer(self.to_voucher(), chain_id=self.chain_id, registry=self.registry)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"field 'signature': not a valid signature ({exc})") from None
        if signer != self.signer:
            raise ValueError(
                f"field 'signer': the signature recovers to {signer}, not to the signer {self.signer} the file names; "
                "the voucher was altered after it was signed"
            )
        return self

    @classmethod
    def from_voucher(cls, voucher: Voucher, *, chain_id: int, registry: str) -> SignedVoucher:
        """The file of ``voucher``, signed for ``registry`` on ``chain_id``; the signer is recovered from the
        signature."""
        signer = recover_voucher_signer(voucher, chain_id=chain_id, registry=registry)
        registration = voucher.registration
        return cls(
            chain_id=chain_id,
            registry=registry,
            to=voucher.to,
            registration=VoucherRegistration.of(registration),
            nonce=voucher.nonce,
            deadline=voucher.deadline,
            signature="0x" + voucher.signature.hex(),
            signer=signer,
            **_readable(registration, voucher.deadline),
        )

    def to_voucher(self) -> Voucher:
        """The voucher to submit; its ``request`` is the :class:`~ipledger.Registration` struct signed."""
        return Voucher(
            to=self.to,
            request=self.registration.struct(),
            nonce=self.nonce,
            deadline=self.deadline,
            signature=bytes.fromhex(self.signature[2:]),
        )

    @property
    def token(self) -> int:
        """The token id as an int."""
        return int(self.token_id, 16)

    @classmethod
    def parse(cls, text: str | bytes, *, source: str = "voucher") -> SignedVoucher:
        """The voucher file in ``text``; :class:`~ipledger.InvalidInputError` in one line naming ``source`` and the
        field when it is not one."""
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            where = f" (line {exc.lineno}, column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else ""
            raise InvalidInputError(f"{source}: not a voucher file: not valid JSON{where}") from None
        if not isinstance(data, dict):
            raise InvalidInputError(f"{source}: not a voucher file (expected a JSON object)")
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise InvalidInputError(f"{source}: {_problem(exc)}") from None

    @classmethod
    def load(cls, path: str | Path) -> SignedVoucher:
        """The voucher file at ``path`` (see :meth:`parse`)."""
        file = Path(path)
        try:
            text = file.read_bytes()
        except FileNotFoundError:
            raise DocumentError(str(file), "no such file") from None
        except OSError as exc:
            raise DocumentError(str(file), f"cannot read: {exc}") from None
        return cls.parse(text, source=str(file))

    def save(self, path: str | Path) -> Path:
        """Writes the file (UTF-8 JSON, indented, titles in their own script) to ``path``; returns it."""
        file = Path(path)
        file.write_text(self.to_json() + "\n", "utf-8")
        return file

    def to_json(self) -> str:
        """The file's text."""
        return json.dumps(self.model_dump(mode="json"), indent=2, ensure_ascii=False)


def _shown(value: Any) -> str:
    if value is None:
        return "none"
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return repr(list(value))
    return repr(value)


def _problem(exc: ValidationError) -> str:
    """The first problem of ``exc`` as ``field 'a.b[0]': why``."""
    error = exc.errors()[0]
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else f".{part}"
    message = str(error["msg"]).removeprefix("Value error, ")
    if error["type"] == "missing":
        message = "missing"
    elif error["type"] == "extra_forbidden":
        message = f"not a field of {VOUCHER_FORMAT}"
    # A list item's own validator names its index first ("[1] ..."): attach it to the field.
    if message.startswith("[") and "]" in message:
        index, _, message = message.partition("] ")
        where += index + "]"
    where = where.lstrip(".")
    prefix = "not a voucher file: " if error["type"] in ("missing", "extra_forbidden") else ""
    return f"{prefix}field {where!r}: {message}" if where else f"{prefix}{message}"


VoucherState = Literal["valid", "used", "cancelled", "spent", "not_registrar", "expired", "waiting"]


class VoucherCheck(_Out):
    """What the chain says of a voucher (:meth:`~ipledger.Rights.check_voucher`); in JSON, nonces are decimal strings.
    ``state`` is the first that holds of:

    - ``used``: it registered the right (``used_tx``, sent by ``submitted_by``);
    - ``cancelled``: a registrar cancelled its nonce (``cancelled_tx``, by ``cancelled_by``);
    - ``spent``: its nonce was used by another voucher for the same recipient;
    - ``not_registrar``: its signer does not hold the registrar role here (or it was altered: the signer recovered
      from an altered voucher is a stranger);
    - ``expired``: chain time passed its deadline;
    - ``waiting``: an earlier voucher of the recipient (a lower nonce) must be used or cancelled first;
    - ``valid``: submitting it now registers the right for ``recipient`` (unless the right is registered already,
      ``registered``, and its registration cannot be superseded).
    """

    state: VoucherState
    recipient: str
    signer: str
    signer_is_registrar: bool
    token_id: int
    nonce: Uint256
    #: The recipient's voucher nonce now: the nonce a voucher must carry to be submitted.
    current_nonce: Uint256
    deadline: dt.datetime
    chain_time: dt.datetime
    expired: bool
    #: Whether the right exists now, and its owner.
    registered: bool
    owner: str | None = None
    used_tx: str | None = None
    submitted_by: str | None = None
    cancelled_tx: str | None = None
    cancelled_by: str | None = None
