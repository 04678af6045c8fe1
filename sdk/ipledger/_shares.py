"""Shares of a right: fractionalize it into an ERC-20, move, permit and redeem the shares, read the cap table."""

from __future__ import annotations

import datetime as dt
from typing import Any

from web3.contract import Contract
from web3.exceptions import Web3Exception

from ipledger.audit._cap_table import cap_table_of, share_balances, shares_at
from ipledger.audit._history import fetch_module_logs, fetch_vault_logs
from ipledger.audit._pledges import pledges_from_logs
from ipledger.chain._eip712 import Domain, sign_typed_data
from ipledger.chain._logs import fetch_logs
from ipledger.models._amounts import require_units
from ipledger.models._models import (
    BUYOUT_FAILURE_REASONS,
    Buyout,
    BuyoutAct,
    BuyoutState,
    CapTable,
    FractionalizeResult,
    Permit,
    RightStatus,
    ShareTokenInfo,
    TransactionResult,
)

from ._client import SubClient
from ._exceptions import InvalidInputError, NotFoundError, RegistryError, TransactionError

__all__ = ["Shares"]

_PERMIT_TYPES = {
    "Permit": [
        {"name": "owner", "type": "address"},
        {"name": "spender", "type": "address"},
        {"name": "value", "type": "uint256"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
}
_MAX_DECIMALS = 77
#: The share vault's buyout bounds (FractionVault.DEFAULT_BUYOUT_THRESHOLD, MIN_/MAX_BUYOUT_WINDOW).
DEFAULT_BUYOUT_THRESHOLD = 6667
MIN_BUYOUT_WINDOW = dt.timedelta(days=1)
MAX_BUYOUT_WINDOW = dt.timedelta(days=90)
_BUYOUT_STATES = (None, BuyoutState.OPEN, BuyoutState.SUCCEEDED, BuyoutState.FAILED, BuyoutState.CANCELLED)
#: The vault keeps a buyout's price per share and deposit in one slot: each below 2**128.
_BUYOUT_AMOUNT_BOUND = 2**128
_FROZEN_STATUS = list(RightStatus).index(RightStatus.FROZEN)


class Shares(SubClient):
    """Fractionalization through the share vault, and the ERC-20 shares it issues."""

    name = "shares"

    def token(self, token_id: int | str) -> str:
        """The address of the right's share token; :class:`NotFractionalizedError` (a :class:`NotFoundError`) when
        the right is not in the vault."""
        return self._chain.share_token_address(self._chain.resolve(token_id), "read share token")

    def info(self, token_id: int | str) -> ShareTokenInfo:
        """The right's share token: name, symbol, decimals, supply, restricted mode."""
        token = self._chain.resolve(token_id)
        address = self._chain.share_token_address(token, "read share token")
        share = self._chain.share_contract(address)
        return ShareTokenInfo(
            token_id=token,
            token_id_hex=hex(token),
            address=address,
            name=str(self._chain.read(share.functions.name(), "read share name")),
            symbol=str(self._chain.read(share.functions.symbol(), "read share symbol")),
            decimals=int(self._chain.read(share.functions.decimals(), "read share decimals")),
            total_supply=int(self._chain.read(share.functions.totalSupply(), "read share supply")),
            restricted=bool(self._chain.read(share.functions.restricted(), "read restricted mode")),
            vault=str(self._chain.vault.address),
            compliance=str(self._chain.read(share.functions.compliance(), "read compliance registry")),
        )

    def fractionalize(
        self,
        token_id: int | str,
        name: str,
        symbol: str,
        supply: int,
        decimals: int = 18,
        restricted: bool = True,
        buyout_threshold: int | None = None,
    ) -> FractionalizeResult:
        """Locks the right in the share vault and mints ``supply`` shares (base units) of a new ERC-20 to the owner.

        The signer must own the right; the vault is approved for it first when needed. In restricted mode (the
        default) only verified investors and venue wallets may receive or send the shares. ``buyout_threshold``:
        the basis points of the supply that must accept a buyout (5001 to 10000; ``None`` or 0: two thirds,
        6667; see :meth:`buyout_start`).
        """
        token = self._chain.resolve(token_id)
        name, symbol = name.strip(), symbol.strip()
        if not name or not symbol:
            raise InvalidInputError("a share token needs a name and a symbol")
        require_units(supply, "share supply")
        if not 0 <= decimals <= _MAX_DECIMALS:
            raise InvalidInputError(f"decimals must be 0 to {_MAX_DECIMALS}, not {decimals}")
        if buyout_threshold is not None and buyout_threshold != 0 and not 5001 <= buyout_threshold <= 10_000:
            raise InvalidInputError(
                f"a buyout threshold is 5001 to 10000 basis points (or 0: two thirds), not {buyout_threshold}"
            )
        vault = self._chain.vault
        self._require_right_owner(token, "fractionalize")
        approval = self._chain.ensure_right_approval(token, str(vault.address), action="fractionalize")
        arguments: tuple[object, ...] = (token, name, symbol, decimals, supply, restricted)
        if buyout_threshold:  # the overload that records the threshold
            arguments = (*arguments, buyout_threshold)
        call = vault.functions.fractionalize(*arguments)
        result = self._chain.send(call, "fractionalize")
        return FractionalizeResult(
            token_id=token,
            token_id_hex=hex(token),
            share_token=self._chain.share_token_address(token, "fractionalize"),
            name=name,
            symbol=symbol,
            decimals=decimals,
            supply=supply,
            restricted=restricted,
            owner=self._chain.signer.address,
            tx_hash=result.tx_hash,
            block=result.block,
            gas_used=result.gas_used,
            resent=result.resent,
            confirmations=result.confirmations,
            approval=approval,
        )

    def _require_right_owner(self, token: int, action: str) -> None:
        """Refuses, as the chain would, a right the signer does not own or a right a registrar froze."""
        registry = self._chain.registry
        if not self._chain.read(registry.functions.exists(token), action):
            raise self._chain.refuse("UnknownToken(uint256)", ["uint256"], [token], action)
        owner = str(self._chain.read(registry.functions.ownerOf(token), action))
        if owner != self._chain.signer.address:
            raise self._chain.refuse(
                "NotTokenOwner(address,uint256)", ["address", "uint256"], [self._chain.signer.address, token], action
            )
        if int(self._chain.read(registry.functions.recordOf(token), action)[5]) == _FROZEN_STATUS:
            raise self._chain.refuse("TokenIsFrozen(uint256)", ["uint256"], [token], action)

    def balance(self, token_id: int | str, account: str) -> int:
        """``account``'s shares of the right, in base units."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "read share balance")
        )
        return int(self._chain.read(share.functions.balanceOf(self._chain.address_of(account)), "read share balance"))

    def transfer(self, token_id: int | str, to: str, amount: int) -> TransactionResult:
        """Sends ``amount`` shares (base units) from the signer to ``to``; in restricted mode both must be eligible
        (:class:`ComplianceError`) and frozen shares stay put (:class:`FrozenSharesError`)."""
        require_units(amount)
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "transfer shares")
        )
        return self._chain.send(share.functions.transfer(self._chain.address_of(to), amount), "transfer shares")

    def sign_permit(self, token_id: int | str, spender: str, value: int, deadline: int | dt.datetime) -> Permit:
        """Signs an ERC-2612 permit (no transaction): ``spender`` may move ``value`` of the signer's shares once
        anyone submits it (:meth:`submit_permit`) before ``deadline``.

        The domain is the share token's own (Solady ERC20): its name, version "1", the chain id and its address.
        """
        token = self._chain.resolve(token_id)
        address = self._chain.share_token_address(token, "sign permit")
        share = self._chain.share_contract(address)
        owner = self._chain.signer.address
        spender_address = self._chain.address_of(spender)
        when = int(deadline.timestamp()) if isinstance(deadline, dt.datetime) else int(deadline)
        if value < 0 or when <= 0:
            raise InvalidInputError("a permit needs a non-negative value and a deadline (unix time)")
        nonce = int(self._chain.read(share.functions.nonces(owner), "read permit nonce"))
        domain = Domain(str(self._chain.read(share.functions.name(), "read share name")))
        message: dict[str, object] = {
            "owner": owner,
            "spender": spender_address,
            "value": value,
            "nonce": nonce,
            "deadline": when,
        }
        signed = sign_typed_data(self._chain, domain, address, _PERMIT_TYPES, message, action="sign permit")
        return Permit(
            token_id=token,
            share_token=address,
            owner=owner,
            spender=spender_address,
            value=value,
            nonce=nonce,
            deadline=when,
            v=int(signed.v),
            r="0x" + int(signed.r).to_bytes(32, "big").hex(),
            s="0x" + int(signed.s).to_bytes(32, "big").hex(),
            signature="0x" + bytes(signed.signature).hex(),
        )

    def submit_permit(self, permit: Permit) -> TransactionResult:
        """Submits a signed permit (any account may; usually the spender).

        If another account submitted this very permit first (a copier, or the owner's custodian), the allowance is
        set all the same: the result names that transaction and its sender (``submitted_by``; ``own_tx_hash`` is
        ours, which reverted, or ``None`` if it was never sent).
        """
        share = self._chain.share_contract(permit.share_token)
        arguments = [
            permit.owner,
            permit.spender,
            permit.value,
            permit.deadline,
            permit.v,
            bytes.fromhex(permit.r[2:]),
            bytes.fromhex(permit.s[2:]),
        ]
        try:
            return self._chain.send(share.functions.permit(*arguments), "permit")
        except TransactionError as error:
            done = self._permit_used(share, permit, share.encode_abi("permit", args=arguments), error.tx_hash)
            if done is None:
                raise
            return done

    def _permit_used(
        self, share: Contract, permit: Permit, calldata: str, own_tx_hash: str | None
    ) -> TransactionResult | None:
        """The transaction that submitted ``permit`` first, if one did: its nonce is used and an ``Approval`` of
        the owner to the spender came from exactly our call."""
        if int(self._chain.read(share.functions.nonces(permit.owner), "permit")) <= permit.nonce:
            return None
        topics = [
            str(share.events.Approval.topic),
            "0x" + bytes.fromhex(permit.owner[2:]).rjust(32, b"\0").hex(),
            "0x" + bytes.fromhex(permit.spender[2:]).rjust(32, b"\0").hex(),
        ]
        start, head = self._chain.deployment_block, self._chain.head()
        logs = fetch_logs(self._chain.rpc, address=permit.share_token, topics=topics, from_block=start, to_block=head)
        return self._chain.done_by(logs, to=permit.share_token, calldata=calldata, own_tx_hash=own_tx_hash)

    def redeem(self, token_id: int | str) -> TransactionResult:
        """Burns every share of the right, which the signer must hold (:class:`IncompleteOwnershipError`
        otherwise), and takes the right out of the vault."""
        token = self._chain.resolve(token_id)
        share = self._chain.share_contract(self._chain.share_token_address(token, "redeem"))
        holder = self._chain.signer.address
        balance = int(self._chain.read(share.functions.balanceOf(holder), "redeem"))
        supply = int(self._chain.read(share.functions.totalSupply(), "redeem"))
        if balance != supply:
            raise self._chain.refuse(
                "IncompleteOwnership(address,uint256,uint256)",
                ["address", "uint256", "uint256"],
                [holder, balance, supply],
                "redeem",
            )
        return self._chain.send(self._chain.vault.functions.redeem(token), "redeem")

    def cap_table(self, token_id: int | str, block: int | None = None) -> CapTable:
        """Who held the right's shares at ``block`` (default: the latest), from the share token's Transfer logs.

        The balances must add up to ``totalSupply()`` at that block, which is checked (:class:`RegistryError`
        otherwise). Frozen amounts are read at that block too (past blocks need a node that keeps history, as
        anvil and archive providers do). With a loan desk attached, the shares it holds under live pledges are
        attributed to their pledgors (each holder's ``pledged``; the table's ``pledges`` say to whom, due when).
        """
        token = self._chain.resolve(token_id)
        head = self._chain.head()
        at = head if block is None else block
        if not 0 <= at <= head:
            raise InvalidInputError(f"block {at} is not in the chain (0 to {head})")
        vault = self._chain.vault
        vault_logs = fetch_vault_logs(
            self._chain.rpc,
            vault=str(vault.address),
            token_id=token,
            from_block=self._chain.deployment_block,
            to_block=at,
        )
        created = shares_at(vault_logs, at)
        if created is None:
            raise NotFoundError(
                f"token {hex(token)} had no shares at block {at}: it was not in the share vault "
                "(never split, or redeemed, taken by a registrar or bought out by then)"
            )
        address = str(created.args["shareToken"])
        share = self._chain.share_contract(address)
        balances = share_balances(self._chain.rpc, share_token=address, from_block=created.block, to_block=at)
        total_supply = int(self._chain.read(share.functions.totalSupply(), "read share supply", block=at))
        if sum(balances.values()) != total_supply:
            raise RegistryError(
                f"the cap table of {address} does not add up at block {at}: holders hold {sum(balances.values())}, "
                f"totalSupply() is {total_supply}"
            )
        return cap_table_of(
            token,
            created,
            balances=balances,
            frozen=lambda account: int(
                self._chain.read(share.functions.frozenOf(account), "read frozen shares", block=at)
            ),
            restricted=bool(self._chain.read(share.functions.restricted(), "read restricted mode", block=at)),
            total_supply=total_supply,
            block=at,
            **self._pledges(token, created.block, at),
        )

    def _pledges(self, token: int, since: int, at: int) -> dict[str, Any]:
        """The loan desk attached and the right's loans as of ``at`` (since its shares were created), for the cap
        table to attribute the shares the desk holds to their pledgors; nothing when no desk is attached."""
        self._chain.discover_modules()  # a loan desk not attached is found among the registry's role grants
        desk = self._chain.attached_address("loans")
        if desk is None:
            return {}
        logs = fetch_module_logs(self._chain.rpc, modules=[desk], token_id=token, from_block=since, to_block=at)
        return {"loan_desk": desk, "pledges": pledges_from_logs(logs, self._chain.block_time)}

    # ------------------------------------------------------------------ buyouts (docs/buyout.md)

    def buyout(self, token_id: int | str, buyout_id: int | None = None, account: str | None = None) -> Buyout:
        """The right's latest buyout (or ``buyout_id``), with what ``account`` tendered to it when given;
        :class:`UnknownRecordError` (a :class:`NotFoundError`) when the right never had one."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "read buyout")
        vault = self._chain.vault
        fields = self._chain.read(vault.functions.buyoutOf(number), "read buyout")
        (
            _,
            bidder,
            share_token,
            payment_token,
            price,
            deposit,
            supply,
            tendered,
            threshold,
            ends_at,
            state,
            reason,
            refunded,
        ) = fields
        holder = None if account is None else self._chain.address_of(account)
        by_account = (
            None if holder is None else int(self._chain.read(vault.functions.tenderedBy(number, holder), "read buyout"))
        )
        return Buyout(
            buyout_id=number,
            token_id=int(fields[0]),
            token_id_hex=hex(int(fields[0])),
            bidder=str(bidder),
            share_token=str(share_token),
            payment_token=str(payment_token),
            price_per_share=int(price),
            supply=int(supply),
            deposit=int(deposit),
            tendered=int(tendered),
            threshold_bps=int(threshold),
            needed=-(-int(threshold) * int(supply) // 10_000),
            ends_at=dt.datetime.fromtimestamp(int(ends_at), dt.UTC),
            state=_BUYOUT_STATES[int(state)],
            window_closed=self._chain.chain_time() >= int(ends_at),
            failure_reason=BUYOUT_FAILURE_REASONS[int(reason)],
            deposit_refunded=bool(refunded),
            account=holder,
            tendered_by_account=by_account,
        )

    def buyout_start(
        self,
        token_id: int | str,
        price_per_share: int,
        *,
        payment_token: str | None = None,
        duration: int | dt.timedelta = dt.timedelta(days=7),
    ) -> BuyoutAct:
        """Bids for the whole right at ``price_per_share`` payment-token base units per **whole** share (10**decimals
        share base units: with 6-decimal tUSD, 500_000 is 0.5 tUSD a share) and opens a tender window of ``duration``
        (1 to 90 days; seconds or a timedelta).

        The deposit is ``supply * price_per_share // 10**decimals`` (rounded down), and after success every payment
        for an amount of shares is ``amount * deposit // supply`` (rounded down, :meth:`Buyout.payment_for`): the
        payments never exceed the deposit, and at most one base unit per payment stays in the vault as dust.
        :class:`InvalidInputError` before any transaction for a price whose deposit would be 0 (or 2**128 or more).

        ``payment_token``: an ERC-20 address or account name (default: the deployment's stablecoin); the vault is
        approved for the deposit first when needed. On a restricted share token the signer must be allowed to hold
        the shares (:class:`ComplianceError`). One buyout at a time per right (:class:`BuyoutError`).
        """
        token = self._chain.resolve(token_id)
        require_units(price_per_share, "price per share")
        seconds = int(duration.total_seconds()) if isinstance(duration, dt.timedelta) else int(duration)
        if not MIN_BUYOUT_WINDOW.total_seconds() <= seconds <= MAX_BUYOUT_WINDOW.total_seconds():
            raise InvalidInputError(f"a tender window lasts 1 to 90 days, not {seconds} seconds")
        address = self._chain.share_token_address(token, "start buyout")
        share = self._chain.share_contract(address)
        supply = int(self._chain.read(share.functions.totalSupply(), "start buyout"))
        decimals = int(self._chain.read(share.functions.decimals(), "start buyout"))
        deposit = _buyout_deposit(supply, decimals, price_per_share)
        currency = (
            str(self._chain.stablecoin.address) if payment_token is None else self._chain.address_of(payment_token)
        )
        vault = self._chain.vault
        approval = self._chain.ensure_allowance(
            self._chain.erc20(currency), str(vault.address), deposit, action="start buyout"
        )
        call = vault.functions.startBuyout(token, currency, price_per_share, seconds)
        with self._chain.paying(currency, str(vault.address), deposit):
            result, args = self._chain.send_for_event(call, "start buyout", vault, "BuyoutStarted")
        return self._act(
            "buyout_started", result, token, int(args["buyoutId"]), payment=int(args["deposit"]), approval=approval
        )

    def buyout_tender(self, token_id: int | str, amount: int, *, buyout_id: int | None = None) -> BuyoutAct:
        """Tenders ``amount`` of the signer's shares (base units) to the right's open buyout: they wait in the vault's
        escrow until settlement, or until :meth:`buyout_withdraw` while the window is open. Frozen shares cannot be
        tendered (:class:`FrozenSharesError`); the vault is approved for the shares first when needed."""
        require_units(amount, "shares")
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "tender shares")
        vault = self._chain.vault
        share = self._chain.share_contract(str(self._chain.read(vault.functions.buyoutOf(number), "tender shares")[2]))
        approval = self._chain.ensure_allowance(share, str(vault.address), amount, action="tender shares")
        result = self._chain.send(vault.functions.tender(number, amount), "tender shares")
        return self._act("shares_tendered", result, token, number, shares=amount, approval=approval)

    def buyout_withdraw(self, token_id: int | str, *, buyout_id: int | None = None) -> BuyoutAct:
        """Takes back every share the signer tendered to the right's buyout, while its window is open."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "withdraw tender")
        vault = self._chain.vault
        result, args = self._chain.send_for_event(
            vault.functions.withdrawTender(number), "withdraw tender", vault, "TenderWithdrawn"
        )
        return self._act("tender_withdrawn", result, token, number, shares=int(args["amount"]))

    def buyout_settle(self, token_id: int | str, *, buyout_id: int | None = None) -> BuyoutAct:
        """Settles the right's buyout once its window closed (anyone may): the right goes to the bidder when enough
        shares were tendered and nothing blocks the move, else the buyout fails (``failure_reason``) and deposit and
        shares become claimable back (:meth:`buyout_claim`)."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "settle buyout")
        vault = self._chain.vault
        result, receipt = self._chain.sender.send(
            self._chain.signer, vault.functions.settleBuyout(number), action="settle buyout"
        )
        failure: str | None = None
        for log in receipt["logs"]:
            if log["address"] != vault.address:
                continue
            try:
                failure = BUYOUT_FAILURE_REASONS[int(vault.events.BuyoutFailed().process_log(log)["args"]["reason"])]
            except (Web3Exception, ValueError, KeyError):  # another of the vault's events
                continue
        return self._act("buyout_settled", result, token, number, succeeded=failure is None, failure_reason=failure)

    def buyout_cancel(self, token_id: int | str, *, buyout_id: int | None = None) -> BuyoutAct:
        """The bidder withdraws its open buyout and takes the deposit back; refused once any share is tendered."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "cancel buyout")
        vault = self._chain.vault
        result, args = self._chain.send_for_event(
            vault.functions.cancelBuyout(number), "cancel buyout", vault, "BuyoutCancelled"
        )
        return self._act("buyout_cancelled", result, token, number, payment=int(args["deposit"]))

    def buyout_claim(self, token_id: int | str, *, buyout_id: int | None = None) -> BuyoutAct:
        """Takes what the settled buyout owes the signer: after success the price of the shares it tendered; after
        a failure its tendered shares and, for the bidder, the deposit."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "claim buyout")
        vault = self._chain.vault
        result, args = self._chain.send_for_event(
            vault.functions.claimBuyout(number), "claim buyout", vault, "BuyoutClaimed"
        )
        return self._act(
            "buyout_claimed", result, token, number, shares=int(args["shares"]), payment=int(args["payment"])
        )

    def buyout_redeem(
        self, token_id: int | str, amount: int | None = None, *, buyout_id: int | None = None
    ) -> BuyoutAct:
        """After a successful buyout, burns ``amount`` of the signer's untendered shares (default: all it holds) for
        their part of the deposit (:meth:`Buyout.payment_for`: rounded down, nothing for shares worth less than a
        base unit)."""
        token = self._chain.resolve(token_id)
        number = self._buyout_id(token, buyout_id, "redeem shares for cash")
        vault = self._chain.vault
        if amount is None:
            share = self._chain.share_contract(
                str(self._chain.read(vault.functions.buyoutOf(number), "redeem shares for cash")[2])
            )
            amount = int(
                self._chain.read(share.functions.balanceOf(self._chain.signer.address), "redeem shares for cash")
            )
        require_units(amount, "shares")
        result, args = self._chain.send_for_event(
            vault.functions.redeemForCash(number, amount), "redeem shares for cash", vault, "SharesCashedOut"
        )
        return self._act("shares_cashed_out", result, token, number, shares=amount, payment=int(args["payment"]))

    def _buyout_id(self, token: int, buyout_id: int | None, action: str) -> int:
        """``buyout_id``, or the right's latest buyout; the chain's ``UnknownBuyout`` when it has none."""
        if buyout_id is not None:
            return buyout_id
        latest = int(self._chain.read(self._chain.vault.functions.latestBuyoutOf(token), action))
        if latest == 0:
            raise self._chain.refuse("UnknownBuyout(uint256)", ["uint256"], [0], action)
        return latest

    def _act(
        self,
        action: str,
        result: TransactionResult,
        token: int,
        buyout_id: int,
        **fields: object,
    ) -> BuyoutAct:
        return BuyoutAct.model_validate(
            {
                **result.model_dump(),
                "action": action,
                "buyout_id": buyout_id,
                "token_id": token,
                "token_id_hex": hex(token),
                "account": self._chain.signer.address,
                **fields,
            }
        )


def _buyout_deposit(supply: int, decimals: int, price_per_share: int) -> int:
    """The share vault's deposit for a buyout of ``supply`` share base units at ``price_per_share`` per whole share:
    ``supply * price_per_share // 10**decimals``; :class:`InvalidInputError` where the vault would refuse it
    (``InvalidBuyoutPrice``: a deposit of 0, or a price or deposit of 2**128 or more)."""
    deposit: int = supply * price_per_share // 10**decimals
    if deposit == 0:
        raise InvalidInputError(
            f"a price of {price_per_share} payment base units per whole share makes a deposit of 0 for "
            f"{supply} share base units ({decimals} decimals): the price must be higher"
        )
    if price_per_share >= _BUYOUT_AMOUNT_BOUND or deposit >= _BUYOUT_AMOUNT_BOUND:
        raise InvalidInputError(
            f"a price of {price_per_share} payment base units per whole share is too large: price and deposit "
            "must each be below 2**128 base units"
        )
    return deposit
