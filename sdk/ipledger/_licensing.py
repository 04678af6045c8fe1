"""Licences of rights: grant, revoke, list and check them (the licence registry).

A licence binds every later owner of the right (it survives an assignment); a sole or exclusive licence refuses
any other licence whose territory, field of use and period overlap it (:class:`LicenseConflictError`, raised
from the contract's ``LicenseConflict``). Terms are validated by :class:`~ipledger.LicenseTerms` before any
transaction.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import ValidationError

from ipledger.chain._chain import is_zero_address
from ipledger.chain._events import TOPIC_OF, DecodedLog, decode_log, token_topic
from ipledger.chain._logs import fetch_logs
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._models import TransactionResult
from ipledger.models._rights_models import (
    Exclusivity,
    License,
    LicenseCheck,
    LicenseTerms,
    field_hash,
    field_label,
    parse_territory,
)

from ._client import SubClient
from ._exceptions import InvalidInputError

__all__ = ["LicenseGrant", "Licenses"]


class LicenseGrant(TransactionResult):
    """A granted licence: its id and the transaction."""

    license_id: int


def _time(value: int) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, dt.UTC) if value else None


class Licenses(SubClient):
    """The licence registry: the owner grants and revokes; anyone reads and checks."""

    name = "licenses"

    def grant(self, token_id: int | str, terms: LicenseTerms | dict[str, Any]) -> LicenseGrant:
        """The signer (the right's owner) grants a licence on ``terms``; returns the new licence id."""
        token = self._chain.resolve(token_id)
        try:
            checked = terms if isinstance(terms, LicenseTerms) else LicenseTerms.model_validate(terms)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'terms'}: {e['msg']}" for e in exc.errors())
            raise InvalidInputError(f"invalid licence terms: {problems}") from None
        payment = "0x" + "00" * 20 if checked.payment_token is None else self._chain.address_of(checked.payment_token)
        terms_tuple = (
            self._chain.address_of(checked.licensee),
            evidence_hash(checked.terms, what="terms"),
            checked.exclusivity.chain_value,
            [code.encode("ascii") for code in checked.territories],
            checked.field_hash,
            checked.start_time,
            checked.end_time,
            checked.sublicensable,
            checked.royalty_bps,
            payment,
        )
        # A named field of use is published in clear beside its hash (LicenseFieldOfUse), so anyone reads it.
        label = field_label(checked.field_of_use)
        grant = self._chain.licenses.functions.grant
        call = grant(token, terms_tuple) if label is None else grant(token, terms_tuple, label)
        result, granted = self._chain.send_for_event(call, "grant licence", self._chain.licenses, "LicenseGranted")
        return LicenseGrant(**result.model_dump(), license_id=int(granted["licenseId"]))

    def revoke(self, license_id: int, *, reason: Evidence) -> TransactionResult:
        """The right's current owner (or a registrar) revokes licence ``license_id`` for ``reason``."""
        call = self._chain.licenses.functions.revoke(int(license_id), evidence_hash(reason))
        return self._chain.send(call, "revoke licence")

    def get(self, license_id: int, *, at: int | None = None, block: int | None = None) -> License:
        """Licence ``license_id`` (:class:`~ipledger.UnknownRecordError` if none), as of ``block`` (default: the
        latest); ``active`` judged at chain time or ``at`` (unix seconds)."""
        now = self._chain.chain_time() if at is None else at
        labels = self._field_labels(license_id=int(license_id), block=block)
        return self._license_at(int(license_id), now, block, labels.get(int(license_id)))

    def _license_at(self, license_id: int, now: int, block: int | None, label: str | None) -> License:
        """Licence ``license_id`` as of ``block``, judged active at ``now``, its field labelled ``label``."""
        contracts = self._chain.licenses.functions
        raw = self._chain.read(contracts.licenseOf(license_id), "read licence", block=block)
        codes = self._chain.read(contracts.territoriesOf(license_id), "read licence", block=block)
        territories = [bytes(code).decode("ascii") for code in codes]
        active = bool(self._chain.read(contracts.isActive(license_id, now), "read licence", block=block))
        return self._license_model(license_id, raw, territories, active, label)

    def _field_labels(
        self, *, license_id: int | None = None, token: int | None = None, block: int | None = None
    ) -> dict[int, str]:
        """Field-of-use labels published in clear (``LicenseFieldOfUse``), by licence id: of one licence or of every
        licence of one right, in one ``eth_getLogs``."""
        topics: list[Any] = [TOPIC_OF["LicenseFieldOfUse"]]
        topics += [token_topic(license_id)] if license_id is not None else [None, token_topic(int(token or 0))]
        raw = fetch_logs(
            self._chain.rpc,
            address=str(self._chain.licenses.address),
            topics=topics,
            from_block=self._chain.deployment_block,
            to_block=self._chain.head() if block is None else block,
        )
        return field_labels_of(log for log in map(decode_log, raw) if log is not None)

    @staticmethod
    def _license_model(
        license_id: int, raw: Any, territories: list[str], active: bool, field_of_use: str | None = None
    ) -> License:
        (token, licensee, grantor, terms, field, payment, exclusivity, worldwide, sublicensable, bps, start, end,
         revoked) = raw  # fmt: skip
        return License(
            license_id=license_id,
            token_id=int(token),
            token_id_hex=hex(int(token)),
            licensee=str(licensee),
            grantor=str(grantor),
            terms_hash="0x" + bytes(terms).hex(),
            exclusivity=Exclusivity.from_chain(int(exclusivity)),
            territories=territories,
            worldwide=bool(worldwide),
            field_hash="0x" + bytes(field).hex(),
            field_of_use=field_of_use,
            start=dt.datetime.fromtimestamp(int(start), dt.UTC),
            end=_time(int(end)),
            sublicensable=bool(sublicensable),
            royalty_bps=int(bps),
            payment_token=None if is_zero_address(str(payment)) else str(payment),
            revoked_at=_time(int(revoked)),
            active=active,
        )

    def of(self, token_id: int | str, *, at: int | None = None, block: int | None = None) -> list[License]:
        """Every licence ever granted on the right, oldest first (revoked and ended ones included), as of
        ``block``."""
        token = self._chain.resolve(token_id)
        return self.of_proven(token, at, block, self._field_labels(token=token, block=block))

    def of_proven(self, token: int, at: int | None, block: int | None, labels: Mapping[int, str]) -> list[License]:
        """The right's licences (see :meth:`licenses_of`) with field labels already found (one query of the
        chain, or the proven history of a trusted verify)."""
        ids = self._chain.read(self._chain.licenses.functions.licensesOf(token), "list licences", block=block)
        now = self._chain.chain_time() if at is None else at
        return [self._license_at(int(license_id), now, block, labels.get(int(license_id))) for license_id in ids]

    def is_licensed(
        self,
        token_id: int | str,
        licensee: str,
        territory: str,
        *,
        field_of_use: str | None = None,
        at: dt.datetime | int | None = None,
    ) -> LicenseCheck:
        """Whether ``licensee`` may use the right in ``territory`` and ``field_of_use`` (``None``: every field,
        which only an all-fields licence covers) at ``at`` (default: chain time)."""
        token = self._chain.resolve(token_id)
        try:
            code = parse_territory(territory)
        except ValueError as exc:
            raise InvalidInputError(str(exc)) from None
        when = (
            self._chain.chain_time() if at is None else int(at.timestamp()) if isinstance(at, dt.datetime) else int(at)
        )
        field = field_hash(field_of_use)
        account = self._chain.address_of(licensee)
        licensed, license_id = self._chain.read(
            self._chain.licenses.functions.isLicensed(token, account, code.encode("ascii"), field, when),
            "check licence",
        )
        return LicenseCheck(
            token_id=token,
            licensee=account,
            territory=code,
            field_hash="0x" + field.hex(),
            at=dt.datetime.fromtimestamp(when, dt.UTC),
            licensed=bool(licensed),
            license_id=int(license_id) if licensed else None,
        )


def field_labels_of(logs: Iterable[DecodedLog]) -> dict[int, str]:
    """Field-of-use labels published in clear, by licence id, from ``LicenseFieldOfUse`` logs. Only a label in the
    form the SDK hashes is taken: anything else (upper case, control or invisible characters, a line break) could say
    more than the licence covers, and the hash is shown instead."""
    labels: dict[int, str] = {}
    for log in logs:
        if log.name == "LicenseFieldOfUse" and field_label(str(log.args["fieldOfUse"])) == log.args["fieldOfUse"]:
            labels[int(log.args["licenseId"])] = str(log.args["fieldOfUse"])
    return labels
