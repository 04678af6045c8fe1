"""Compliance: who may hold restricted shares, and what a compliance officer may do to shares.

Reasons and evidence are recorded as 32-byte hashes (see :func:`~ipledger.evidence_hash`): pass a
:class:`~pathlib.Path` to hash a file, text to hash its UTF-8, or a 0x-prefixed SHA-256 to record it as is.
"""

from __future__ import annotations

import datetime as dt
import re

import pycountry

from ipledger.chain._chain import MAX_UINT256
from ipledger.models._amounts import require_units
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._models import Identity, IdentityKind, TransactionResult

from ._client import SubClient
from ._exceptions import InvalidInputError

__all__ = ["Compliance", "parse_country"]

_MAX_UINT40 = 2**40 - 1
_KINDS = list(IdentityKind)


def parse_country(code: str) -> str:
    """An ISO 3166-1 alpha-2 country code, upper-cased (``"de"`` → ``"DE"``)."""
    text = code.strip().upper()
    if not re.fullmatch(r"[A-Z]{2}", text) or pycountry.countries.get(alpha_2=text) is None:
        raise InvalidInputError(f"{code!r} is not an ISO 3166-1 alpha-2 country code (US, DE, JP...)")
    return text


class Compliance(SubClient):
    """Investor and venue eligibility (the compliance registry) and officer actions on share tokens."""

    name = "compliance"

    # ------------------------------------------------------------------ identities

    def verify_investor(
        self,
        account: str,
        country: str,
        *,
        evidence: Evidence,
        expires_at: dt.datetime | int | None = None,
        valid_for: dt.timedelta | None = None,
    ) -> TransactionResult:
        """Compliance officer: records ``account`` as an investor in ``country`` verified until ``expires_at`` (a
        datetime or unix time), or for ``valid_for`` from now (chain time; default one year), on ``evidence``
        (the KYC file, a reference as text, or its SHA-256)."""
        if expires_at is not None and valid_for is not None:
            raise InvalidInputError("give expires_at or valid_for, not both")
        now = self._chain.chain_time()
        if expires_at is None:
            period = valid_for if valid_for is not None else dt.timedelta(days=365)
            expiry = now + int(period.total_seconds())
        else:
            expiry = int(expires_at.timestamp()) if isinstance(expires_at, dt.datetime) else int(expires_at)
        if not now < expiry <= _MAX_UINT40:
            raise InvalidInputError(
                f"the verification must expire in the future (chain time is "
                f"{dt.datetime.fromtimestamp(now, dt.UTC):%Y-%m-%d %H:%M:%S} UTC)"
            )
        call = self._chain.compliance.functions.verifyInvestor(
            self._chain.address_of(account), _country_bytes(country), expiry, evidence_hash(evidence, what="evidence")
        )
        return self._chain.send(call, "verify investor")

    def register_venue(self, wallet: str, venue_name: str) -> TransactionResult:
        """Compliance officer: records ``wallet`` as a venue wallet (an exchange's omnibus or hot wallet) of the
        venue ``venue_name`` (its SHA-256 is recorded). Venue wallets have no country and no expiry."""
        call = self._chain.compliance.functions.registerVenue(
            self._chain.address_of(wallet), evidence_hash(venue_name, what="venue")
        )
        return self._chain.send(call, "register venue")

    def revoke_identity(self, account: str, *, reason: Evidence) -> TransactionResult:
        """Compliance officer: removes ``account``'s identity; it can no longer send or receive restricted shares."""
        call = self._chain.compliance.functions.revokeIdentity(self._chain.address_of(account), evidence_hash(reason))
        return self._chain.send(call, "revoke identity")

    def block_country(self, country: str, blocked: bool = True) -> TransactionResult:
        """Compliance officer: blocks (or with ``blocked=False`` unblocks) the investors of ``country``."""
        call = self._chain.compliance.functions.setCountryBlocked(_country_bytes(country), blocked)
        return self._chain.send(call, "unblock country" if not blocked else "block country")

    def is_country_blocked(self, country: str) -> bool:
        return bool(
            self._chain.read(self._chain.compliance.functions.isCountryBlocked(_country_bytes(country)), "read country")
        )

    def identity(self, account: str) -> Identity:
        """``account``'s compliance identity and whether it may hold restricted shares now (by chain time)."""
        address = self._chain.address_of(account)
        compliance = self._chain.compliance
        kind_value, country_raw, expires_at = self._chain.read(
            compliance.functions.identityOf(address), "read identity"
        )
        kind = _KINDS[int(kind_value)]
        country = bytes(country_raw).decode("ascii") if kind is IdentityKind.INVESTOR else None
        blocked = country is not None and self.is_country_blocked(country)
        expiry = dt.datetime.fromtimestamp(int(expires_at), dt.UTC) if kind is IdentityKind.INVESTOR else None
        eligible = bool(self._chain.read(compliance.functions.isEligible(address), "read eligibility"))
        reason: str | None = None
        if not eligible:
            if kind is IdentityKind.NONE:
                reason = "not a verified investor nor a venue wallet"
            elif expiry is not None and int(expires_at) <= self._chain.chain_time():
                reason = f"verification expired on {expiry:%Y-%m-%d %H:%M:%S} UTC"
            elif blocked:
                reason = f"country {country} is blocked"
            else:
                reason = "not eligible"
        return Identity(
            account=address,
            kind=kind,
            country=country,
            expires_at=expiry,
            country_blocked=blocked,
            eligible=eligible,
            reason=reason,
        )

    def is_officer(self, account: str) -> bool:
        return bool(
            self._chain.read(
                self._chain.compliance.functions.isOfficer(self._chain.address_of(account)), "read officer role"
            )
        )

    # ------------------------------------------------------------------ officer actions on shares

    def frozen(self, token_id: int | str, holder: str) -> int:
        """How many of ``holder``'s shares are frozen (2**256-1: all of them, now and later)."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "read frozen shares")
        )
        return int(self._chain.read(share.functions.frozenOf(self._chain.address_of(holder)), "read frozen shares"))

    def freeze(
        self, token_id: int | str, holder: str, amount: int | None = None, *, reason: Evidence
    ) -> TransactionResult:
        """Compliance officer: freezes ``amount`` of ``holder``'s shares (``None``: all of them, now and later)."""
        frozen = MAX_UINT256 if amount is None else require_units(amount, "frozen amount")
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "freeze shares")
        )
        return self._chain.send(
            share.functions.freeze(self._chain.address_of(holder), frozen, evidence_hash(reason)), "freeze shares"
        )

    def unfreeze(self, token_id: int | str, holder: str, *, reason: Evidence) -> TransactionResult:
        """Compliance officer: lifts the freeze on ``holder``'s shares."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "unfreeze shares")
        )
        return self._chain.send(
            share.functions.unfreeze(self._chain.address_of(holder), evidence_hash(reason)), "unfreeze shares"
        )

    def force_transfer(
        self, token_id: int | str, from_: str, to: str, amount: int, *, reason: Evidence
    ) -> TransactionResult:
        """Compliance officer: moves ``amount`` shares from ``from_`` to ``to`` without the holder (frozen shares
        too), under an order; in restricted mode ``to`` must be eligible."""
        require_units(amount)
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "force transfer shares")
        )
        call = share.functions.forcedTransfer(
            self._chain.address_of(from_), self._chain.address_of(to), amount, evidence_hash(reason)
        )
        return self._chain.send(call, "force transfer shares")

    def recover(self, token_id: int | str, lost: str, replacement: str, *, reason: Evidence) -> TransactionResult:
        """Compliance officer: moves every share of a lost wallet, and its freeze, to the owner's new wallet."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "recover wallet")
        )
        call = share.functions.recover(
            self._chain.address_of(lost), self._chain.address_of(replacement), evidence_hash(reason)
        )
        return self._chain.send(call, "recover wallet")

    def set_restricted(self, token_id: int | str, restricted: bool) -> TransactionResult:
        """Compliance officer: switches the share token's restricted mode (eligible holders only) on or off."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "set restricted mode")
        )
        return self._chain.send(share.functions.setRestricted(restricted), "set restricted mode")


def _country_bytes(country: str) -> bytes:
    return parse_country(country).encode("ascii")
