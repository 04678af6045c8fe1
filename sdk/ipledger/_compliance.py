"""Compliance: who may hold restricted shares, and what a compliance officer may do to shares.

Reasons and evidence are recorded as 32-byte hashes (see :func:`~ipledger.evidence_hash`): pass a
:class:`~pathlib.Path` to hash a file, text to hash its UTF-8, or a 0x-prefixed SHA-256 to record it as is.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence

import pycountry
from web3.contract import Contract

from ipledger.chain._chain import MAX_UINT256
from ipledger.models._amounts import require_units
from ipledger.models._categories import category_bits, category_names
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._models import CountryRuleMode, Identity, IdentityKind, TransactionResult, TransferRules

from ._client import SubClient
from ._exceptions import ContractRevertError, InvalidInputError
from ._pools import Pool, is_v2_pair, pair_contract, read_pool

__all__ = ["Compliance", "ForceTransferResult", "parse_country"]

_MAX_UINT40 = 2**40 - 1
_MAX_UINT32 = 2**32 - 1
_MAX_UINT128 = 2**128 - 1
_KINDS = list(IdentityKind)
_MODES = list(CountryRuleMode)

#: Investor categories as the SDK takes them: a bit set, names separated by commas, or names and bits.
Categories = int | str | Iterable[str | int]


class ForceTransferResult(TransactionResult):
    """A forced transfer; when it moved shares out of a Uniswap V2-style pool, ``pool_sync`` is the second
    transaction, the pool's ``sync()``, which brought its reserves in line with what it now holds."""

    pool_sync: TransactionResult | None = None


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
        kind_value, country_raw, expires_at, categories, categories_expire = self._chain.read(
            compliance.functions.identityOf(address), "read identity"
        )
        kind = _KINDS[int(kind_value)]
        now = self._chain.chain_time()
        country = bytes(country_raw).decode("ascii") if kind is IdentityKind.INVESTOR else None
        blocked = country is not None and self.is_country_blocked(country)
        expiry = dt.datetime.fromtimestamp(int(expires_at), dt.UTC) if kind is IdentityKind.INVESTOR else None
        eligible = bool(self._chain.read(compliance.functions.isEligible(address), "read eligibility"))
        reason: str | None = None
        if not eligible:
            if kind is IdentityKind.NONE:
                reason = "not a verified investor nor a venue wallet"
            elif expiry is not None and int(expires_at) <= now:
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
            categories=category_names(int(categories)),
            categories_expire_at=(
                dt.datetime.fromtimestamp(int(categories_expire), dt.UTC) if int(categories_expire) else None
            ),
            categories_expired=bool(int(categories)) and int(categories_expire) <= now,
        )

    def set_categories(
        self, account: str, categories: Categories, *, expires: dt.datetime | int, evidence: Evidence
    ) -> TransactionResult:
        """Global compliance officer: records the investor ``account``'s categories (``"hk-professional"``,
        ``"accredited"``, ``"qualified"``, ``"retail"``, or bits) until ``expires`` (a datetime or unix time), on
        ``evidence`` (the professional-investor assessment, as a file, text or its SHA-256). No categories clear
        them. The account must be a verified investor (:class:`ComplianceError` ``NotInvestor``)."""
        bits = category_bits(categories)
        expiry = int(expires.timestamp()) if isinstance(expires, dt.datetime) else int(expires)
        if bits:
            now = self._chain.chain_time()
            if not now < expiry <= _MAX_UINT40:
                raise InvalidInputError(
                    f"the categories must expire in the future (chain time is "
                    f"{dt.datetime.fromtimestamp(now, dt.UTC):%Y-%m-%d %H:%M:%S} UTC)"
                )
        else:
            expiry = 0
        call = self._chain.compliance.functions.setInvestorCategories(
            self._chain.address_of(account), bits, expiry, evidence_hash(evidence, what="evidence")
        )
        return self._chain.send(call, "set investor categories")

    def is_officer(self, account: str) -> bool:
        """Whether ``account`` is a global compliance officer (acts on every share token)."""
        return bool(
            self._chain.read(
                self._chain.compliance.functions.isOfficer(self._chain.address_of(account)), "read officer role"
            )
        )

    # ------------------------------------------------------------------ officers of an issuer or a token

    def appoint_issuer_officer(self, issuer: str, officer: str) -> TransactionResult:
        """Global compliance officer: appoints ``officer`` for every share token ``issuer`` (the account that
        fractionalized the rights) issued; it may act on them and appoint officers of each."""
        return self._issuer_officer(issuer, officer, True)

    def remove_issuer_officer(self, issuer: str, officer: str) -> TransactionResult:
        """Global compliance officer: removes ``officer`` as an officer of ``issuer``'s share tokens."""
        return self._issuer_officer(issuer, officer, False)

    def _issuer_officer(self, issuer: str, officer: str, enabled: bool) -> TransactionResult:
        action = "appoint issuer officer" if enabled else "remove issuer officer"
        call = self._chain.compliance.functions.setIssuerOfficer(
            self._chain.address_of(issuer), self._chain.address_of(officer), enabled
        )
        return self._chain.send(call, action)

    def appoint_token_officer(self, token_id: int | str, officer: str) -> TransactionResult:
        """A global officer or an officer of the token's issuer: appoints ``officer`` for the right's share token
        only (freezes, forced transfers, recovery, rules of that token)."""
        return self._token_officer(token_id, officer, True)

    def remove_token_officer(self, token_id: int | str, officer: str) -> TransactionResult:
        """A global officer or an officer of the token's issuer: removes ``officer`` from the right's share token."""
        return self._token_officer(token_id, officer, False)

    def _token_officer(self, token_id: int | str, officer: str, enabled: bool) -> TransactionResult:
        action = "appoint token officer" if enabled else "remove token officer"
        share_token = self._chain.share_token_address(self._chain.resolve(token_id), action)
        call = self._chain.compliance.functions.setTokenOfficer(share_token, self._chain.address_of(officer), enabled)
        return self._chain.send(call, action)

    def is_issuer_officer(self, issuer: str, account: str) -> bool:
        """Whether ``account`` is an officer of ``issuer``'s share tokens (appointed for it, or global)."""
        call = self._chain.compliance.functions.isIssuerOfficer(
            self._chain.address_of(issuer), self._chain.address_of(account)
        )
        return bool(self._chain.read(call, "read issuer officer"))

    def is_token_officer(self, token_id: int | str, account: str) -> bool:
        """Whether ``account`` may act on the right's share token: a global officer, an officer of its issuer, or
        of the token itself."""
        share_token = self._share_address(token_id, "read token officer")
        call = self._chain.compliance.functions.isTokenOfficer(share_token, self._chain.address_of(account))
        return bool(self._chain.read(call, "read token officer"))

    # ------------------------------------------------------------------ the share token's own rules

    def rules(self, token_id: int | str) -> TransferRules:
        """The right's share token's transfer rules and country rule (see :class:`TransferRules`)."""
        token = self._chain.resolve(token_id)
        address = self._chain.share_token_address(token, "read transfer rules")
        share = self._chain.share_contract(address)
        categories, lockup, max_holders, max_balance, holder_count = self._chain.read(
            share.functions.transferRules(), "read transfer rules"
        )
        mode, countries = self._chain.read(share.functions.countryRule(), "read country rule")
        return TransferRules(
            token_id=token,
            share_token=address,
            restricted=bool(self._chain.read(share.functions.restricted(), "read restricted mode")),
            categories=category_names(int(categories)),
            categories_bits=int(categories),
            lockup_until=dt.datetime.fromtimestamp(int(lockup), dt.UTC) if int(lockup) else None,
            max_holders=int(max_holders) or None,
            max_balance=int(max_balance) or None,
            holder_count=int(holder_count) if int(max_holders) else None,
            country_mode=_MODES[int(mode)],
            countries=[bytes(code).decode("ascii") for code in countries],
        )

    def set_rules(
        self,
        token_id: int | str,
        *,
        categories: Categories | None = None,
        lockup_until: dt.datetime | int | None = None,
        max_holders: int | None = None,
        max_balance: int | None = None,
    ) -> TransactionResult:
        """An officer of the token: sets its transfer rules (restricted mode), keeping those not given.

        ``categories``: the investor categories admitted (empty: any eligible investor); ``lockup_until``: no
        transfer between holders before then (0: none); ``max_holders``: the holder cap (0: none); ``max_balance``:
        at most this many shares (base units) per investor (0: none). When a holder cap is first set, the SDK
        hands the token every current holder (from its Transfer logs, in ascending address order) to start its
        count.
        """
        token = self._chain.resolve(token_id)
        address = self._chain.share_token_address(token, "set transfer rules")
        share = self._chain.share_contract(address)
        old_categories, old_lockup, old_holders, old_balance, _ = self._chain.read(
            share.functions.transferRules(), "read transfer rules"
        )
        bits = int(old_categories) if categories is None else category_bits(categories)
        if lockup_until is None:
            lockup = int(old_lockup)
        else:
            lockup = int(lockup_until.timestamp()) if isinstance(lockup_until, dt.datetime) else int(lockup_until)
        cap = int(old_holders) if max_holders is None else int(max_holders)
        most = int(old_balance) if max_balance is None else int(max_balance)
        for value, bound, what in (
            (lockup, _MAX_UINT40, "lockup_until"),
            (cap, _MAX_UINT32, "max_holders"),
            (most, _MAX_UINT128, "max_balance"),
        ):
            if not 0 <= value <= bound:
                raise InvalidInputError(f"{what} must be 0 to {bound}, not {value}")
        holders: list[str] = []
        if cap and not int(old_holders):
            table = self._ledger.shares.cap_table(token)
            holders = sorted((holding.account for holding in table.holders), key=lambda account: int(account, 16))
        call = share.functions.setTransferRules(bits, lockup, cap, most, holders)
        return self._chain.send(call, "set transfer rules")

    def set_country_rule(
        self, token_id: int | str, *, allow: Sequence[str] | None = None, block: Sequence[str] | None = None
    ) -> TransactionResult:
        """An officer of the token: only investors of the ``allow`` countries may receive its shares, or none of
        the ``block`` countries; neither removes the rule. Venue wallets are exempt (they screen their investors)."""
        if allow is not None and block is not None:
            raise InvalidInputError("give allow or block countries, not both")
        countries = allow if allow is not None else block if block is not None else []
        if isinstance(countries, str):
            countries = [part for part in countries.split(",") if part.strip()]
        mode = 1 if allow is not None else 2 if block is not None else 0
        if mode and not countries:
            raise InvalidInputError("a country rule needs at least one country (ISO 3166-1 alpha-2: HK, SG...)")
        codes = sorted({parse_country(country) for country in countries})
        share = self._share(token_id, "set country rule")
        call = share.functions.setCountryRule(mode, [code.encode("ascii") for code in codes])
        return self._chain.send(call, "set country rule")

    # ------------------------------------------------------------------ ERC-7943: may a transfer happen?

    def can_transfer(self, token_id: int | str, sender: str, recipient: str, amount: int) -> bool:
        """ERC-7943 ``canTransfer``: whether the token's rules (freezes, eligibility, categories, country rule,
        lock-up, caps) allow ``sender`` to send ``amount`` shares to ``recipient`` now; balance and allowance aside."""
        require_units(amount)
        share = self._share(token_id, "read can transfer")
        call = share.functions.canTransfer(self._chain.address_of(sender), self._chain.address_of(recipient), amount)
        return bool(self._chain.read(call, "read can transfer"))

    def can_send(self, token_id: int | str, account: str) -> bool:
        """ERC-7943 ``canSend``: whether ``account`` may send the right's shares under the token's rules."""
        share = self._share(token_id, "read can send")
        return bool(self._chain.read(share.functions.canSend(self._chain.address_of(account)), "read can send"))

    def can_receive(self, token_id: int | str, account: str) -> bool:
        """ERC-7943 ``canReceive``: whether ``account`` may receive the right's shares (categories and country rule
        included)."""
        share = self._share(token_id, "read can receive")
        return bool(self._chain.read(share.functions.canReceive(self._chain.address_of(account)), "read can receive"))

    def why_not(self, token_id: int | str, sender: str, recipient: str, amount: int) -> ContractRevertError | None:
        """Why ``sender`` could not send ``amount`` shares to ``recipient`` now: the decoded refusal (a
        :class:`ComplianceError`, :class:`FrozenSharesError`, :class:`InsufficientBalanceError`... with its error
        name and arguments) of the transfer simulated from ``sender`` against the latest block, or ``None`` when it
        would go through. Nothing is sent; a venue asks before it sends."""
        require_units(amount)
        share = self._share(token_id, "check transfer")
        call = share.functions.transfer(self._chain.address_of(recipient), amount)
        try:
            self._chain.read(call, "transfer shares", sender=self._chain.address_of(sender))
        except ContractRevertError as refusal:
            return refusal
        return None

    # ------------------------------------------------------------------ pools

    def is_pool(self, address: str) -> bool:
        """Whether ``address`` is a Uniswap V2-style pair (its factory lists it for its two tokens)."""
        return is_v2_pair(self._chain, self._chain.address_of(address))

    def pools(self, token_id: int | str) -> list[Pool]:
        """The Uniswap V2-style pairs among the holders of the right's shares, each with its share balance, its
        reserves, and the holders of its LP tokens that the compliance registry would not admit as holders of the
        shares (with the token's investor categories): they hold a claim on restricted shares through the pool."""
        token = self._chain.resolve(token_id)
        table = self._ledger.shares.cap_table(token)
        categories = self.rules(token).categories_bits
        return [
            read_pool(self._chain, holding.account, share_token=table.share_token, categories=categories)
            for holding in table.holders
            if is_v2_pair(self._chain, holding.account)
        ]

    def _share(self, token_id: int | str, action: str) -> Contract:
        return self._chain.share_contract(self._share_address(token_id, action))

    def _share_address(self, token_id: int | str, action: str) -> str:
        return self._chain.share_token_address(self._chain.resolve(token_id), action)

    # ------------------------------------------------------------------ officer actions on shares

    def frozen(self, token_id: int | str, holder: str) -> int:
        """How many of ``holder``'s shares are frozen (2**256-1: all of them, now and later)."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "read frozen shares")
        )
        return int(self._chain.read(share.functions.frozenOf(self._chain.address_of(holder)), "read frozen shares"))

    def freeze(
        self,
        token_id: int | str,
        holder: str,
        amount: int | None = None,
        *,
        reason: Evidence,
        allow_pair: bool = False,
    ) -> TransactionResult:
        """An officer of the token: freezes ``amount`` of ``holder``'s shares (``None``: all of them, now and later).

        A Uniswap V2-style pool is refused (:class:`InvalidInputError`) unless ``allow_pair``: frozen, it still
        takes shares in but can no longer pay them out, so every trade into it is a loss for its counterparty.
        """
        frozen = MAX_UINT256 if amount is None else require_units(amount, "frozen amount")
        share = self._share(token_id, "freeze shares")
        address = self._chain.address_of(holder)
        if not allow_pair and is_v2_pair(self._chain, address):
            raise InvalidInputError(
                f"{address} is a Uniswap V2-style pool: freezing it makes the pool one-way (it keeps taking shares "
                "in and can no longer pay them out); force-transfer the exact amount out of it instead, or pass "
                "allow_pair=True (--allow-pair) to freeze it anyway"
            )
        return self._chain.send(share.functions.freeze(address, frozen, evidence_hash(reason)), "freeze shares")

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
    ) -> ForceTransferResult:
        """An officer of the token: moves ``amount`` shares from ``from_`` to ``to`` without the holder (frozen
        shares too), under an order; in restricted mode ``to`` must be eligible (and of the token's categories and
        country rule).

        Out of a Uniswap V2-style pool, a second transaction calls the pool's ``sync()`` right after, so its
        reserves match what it holds (``pool_sync`` in the result); otherwise the next trader would skim the
        difference.
        """
        require_units(amount)
        share = self._share(token_id, "force transfer shares")
        source = self._chain.address_of(from_)
        # The 4-argument overload (the project's, with the evidence hash), not ERC-7943's 3-argument one.
        call = share.get_function_by_signature("forcedTransfer(address,address,uint256,bytes32)")(
            source, self._chain.address_of(to), amount, evidence_hash(reason)
        )
        result = self._chain.send(call, "force transfer shares")
        sync = None
        if is_v2_pair(self._chain, source):
            sync = self._chain.send(pair_contract(self._chain, source).functions.sync(), "sync pool")
        return ForceTransferResult(**result.model_dump(), pool_sync=sync)

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
