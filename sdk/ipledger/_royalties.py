"""Royalties: licensees pay through the royalty vault; an owner withdraws what accrued while it owned the right;
share holders of a fractionalized right claim their pro-rata part from the share token (exact to the wei, also
after trading the shares)."""

from __future__ import annotations

from pathlib import Path

from ._amounts import require_units
from ._base import LedgerBase, is_zero_address
from ._hashing import evidence_hash
from ._models import TransactionResult
from ._rights_models import RoyaltyOwed

__all__ = ["RoyaltiesMixin", "RoyaltyPayment"]

Evidence = bytes | str | Path


class RoyaltyPayment(TransactionResult):
    """A royalty payment: who it was credited to (the owner, or the share token) and the approval, if sent."""

    license_id: int
    token: str
    amount: int
    beneficiary: str
    approval: TransactionResult | None = None


class RoyaltiesMixin(LedgerBase):
    """The royalty vault and the share tokens' royalty accounts."""

    def pay_royalty(self, license_id: int, amount: int, *, report: Evidence | None = None) -> RoyaltyPayment:
        """The signer pays ``amount`` (base units of the licence's payment token, approved first when needed) in
        royalties on licence ``license_id``, optionally with its sales ``report``."""
        require_units(amount, "royalty")
        raw = self._read(self.licenses.functions.licenseOf(int(license_id)), "read licence")
        token = str(raw[5])
        if is_zero_address(token):
            raise self._refuse("NoPaymentToken(uint256)", ["uint256"], [int(license_id)], "pay royalty")
        royalties = self.royalties
        approval = self._ensure_allowance(self._erc20(token), str(royalties.address), amount, action="pay royalty")
        report_hash = bytes(32) if report is None else evidence_hash(report, what="report")
        call = royalties.functions.pay(int(license_id), amount, report_hash)
        with self._paying(token, str(royalties.address), amount):
            result, paid = self._send_for_event(call, "pay royalty", royalties, "RoyaltyPaid")
        return RoyaltyPayment(
            **result.model_dump(),
            license_id=int(license_id),
            token=token,
            amount=amount,
            beneficiary=str(paid["beneficiary"]),
            approval=approval,
        )

    def withdraw_royalties(self, token: str) -> TransactionResult:
        """Sends the signer what the royalty vault holds for it in ``token`` (royalties earned as owner)."""
        return self._send(self.royalties.functions.withdraw(self.address_of(token)), "withdraw royalties")

    def claim_share_royalties(self, token_id: int | str, currency: str) -> TransactionResult:
        """Sends the signer its share-holder royalties in ``currency`` from the right's share token."""
        share = self._share_contract(self._share_token_address(self.resolve(token_id), "claim royalties"))
        return self._send(share.functions.claimRoyalty(self.address_of(currency)), "claim royalties")

    def royalties_owed(self, account: str, token: str, *, token_id: int | str | None = None) -> RoyaltyOwed:
        """What ``account`` may withdraw in ``token`` as an owner, or, with ``token_id``, claim as a holder of
        that right's shares."""
        holder, currency = self.address_of(account), self.address_of(token)
        if token_id is None:
            amount = int(self._read(self.royalties.functions.owed(holder, currency), "read royalties"))
            return RoyaltyOwed(account=holder, token=currency, amount=amount, source="owner")
        share_address = self._share_token_address(self.resolve(token_id), "read royalties")
        share = self._share_contract(share_address)
        amount = int(self._read(share.functions.royaltyOwed(holder, currency), "read royalties"))
        return RoyaltyOwed(account=holder, token=currency, amount=amount, source=share_address)

    def royalty_currencies(self, token_id: int | str) -> list[str]:
        """The currencies a fractionalized right's share token has distributed royalties in."""
        share = self._share_contract(self._share_token_address(self.resolve(token_id), "read royalties"))
        return [str(address) for address in self._read(share.functions.royaltyCurrencies(), "read royalties")]
