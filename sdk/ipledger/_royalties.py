"""Royalties: licensees pay through the royalty vault; an owner withdraws what accrued while it owned the right;
share holders of a fractionalized right claim their pro-rata part from the share token (exact to the wei, also
after trading the shares)."""

from __future__ import annotations

from ipledger.chain._chain import is_zero_address
from ipledger.models._amounts import require_units
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._models import ZERO_ADDRESS, TransactionResult
from ipledger.models._rights_models import RoyaltyOwed

from ._client import SubClient

__all__ = ["Royalties", "RoyaltyPayment"]


class RoyaltyPayment(TransactionResult):
    """A royalty payment: who it was credited to (the owner, or the share token) and the approval, if sent."""

    license_id: int
    token: str
    amount: int
    beneficiary: str
    approval: TransactionResult | None = None


class Royalties(SubClient):
    """The royalty vault and the share tokens' royalty accounts."""

    name = "royalties"

    def pay(self, license_id: int, amount: int, *, report: Evidence | None = None) -> RoyaltyPayment:
        """The signer pays ``amount`` (base units of the licence's payment token, approved first when needed) in
        royalties on licence ``license_id``, optionally with its sales ``report``."""
        require_units(amount, "royalty")
        raw = self._chain.read(self._chain.licenses.functions.licenseOf(int(license_id)), "read licence")
        token = str(raw[5])
        if is_zero_address(token):
            raise self._chain.refuse("NoPaymentToken(uint256)", ["uint256"], [int(license_id)], "pay royalty")
        royalties = self._chain.royalties
        approval = self._chain.ensure_allowance(
            self._chain.erc20(token), str(royalties.address), amount, action="pay royalty"
        )
        report_hash = bytes(32) if report is None else evidence_hash(report, what="report")
        call = royalties.functions.pay(int(license_id), amount, report_hash)
        with self._chain.paying(token, str(royalties.address), amount):
            result, paid = self._chain.send_for_event(call, "pay royalty", royalties, "RoyaltyPaid")
        return RoyaltyPayment(
            **result.model_dump(),
            license_id=int(license_id),
            token=token,
            amount=amount,
            beneficiary=str(paid["beneficiary"]),
            approval=approval,
        )

    def withdraw(self, token: str) -> TransactionResult:
        """Sends the signer what the royalty vault holds for it in ``token`` (royalties earned as owner)."""
        return self._chain.send(
            self._chain.royalties.functions.withdraw(self._chain.address_of(token)), "withdraw royalties"
        )

    def claim(self, token_id: int | str, currency: str) -> TransactionResult:
        """Sends the signer its share-holder royalties in ``currency`` from the right's share token."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "claim royalties")
        )
        return self._chain.send(share.functions.claimRoyalty(self._chain.address_of(currency)), "claim royalties")

    def set_beneficiary(self, token_id: int | str, holder: str, beneficiary: str | None) -> TransactionResult:
        """The holder itself or an officer of the token: names who receives ``holder``'s share-holder royalties
        (``None``: nobody; the holder claims them itself). A contract that cannot claim (a pool) gets one, so
        anyone may then pay its royalties out with :meth:`claim_for`."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "set royalty beneficiary")
        )
        target = ZERO_ADDRESS if beneficiary is None else self._chain.address_of(beneficiary)
        call = share.functions.setRoyaltyBeneficiary(self._chain.address_of(holder), target)
        return self._chain.send(call, "set royalty beneficiary")

    def beneficiary(self, token_id: int | str, holder: str) -> str | None:
        """Who receives ``holder``'s share-holder royalties (``None``: nobody named)."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "read royalty beneficiary")
        )
        named = str(
            self._chain.read(
                share.functions.royaltyBeneficiary(self._chain.address_of(holder)), "read royalty beneficiary"
            )
        )
        return None if is_zero_address(named) else named

    def claim_for(self, token_id: int | str, holder: str, currency: str) -> TransactionResult:
        """Anyone: sends ``holder``'s share-holder royalties in ``currency`` to the beneficiary it named
        (:class:`UnauthorizedError` ``NoRoyaltyBeneficiary`` when none)."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "claim royalties")
        )
        call = share.functions.claimRoyaltyFor(self._chain.address_of(holder), self._chain.address_of(currency))
        return self._chain.send(call, "claim royalties for holder")

    def owed(self, account: str, token: str, *, token_id: int | str | None = None) -> RoyaltyOwed:
        """What ``account`` may withdraw in ``token`` as an owner, or, with ``token_id``, claim as a holder of
        that right's shares."""
        holder, currency = self._chain.address_of(account), self._chain.address_of(token)
        if token_id is None:
            amount = int(self._chain.read(self._chain.royalties.functions.owed(holder, currency), "read royalties"))
            return RoyaltyOwed(account=holder, token=currency, amount=amount, source="owner")
        share_address = self._chain.share_token_address(self._chain.resolve(token_id), "read royalties")
        share = self._chain.share_contract(share_address)
        amount = int(self._chain.read(share.functions.royaltyOwed(holder, currency), "read royalties"))
        return RoyaltyOwed(account=holder, token=currency, amount=amount, source=share_address)

    def currencies(self, token_id: int | str) -> list[str]:
        """The currencies a fractionalized right's share token has distributed royalties in."""
        share = self._chain.share_contract(
            self._chain.share_token_address(self._chain.resolve(token_id), "read royalties")
        )
        return [str(address) for address in self._chain.read(share.functions.royaltyCurrencies(), "read royalties")]
