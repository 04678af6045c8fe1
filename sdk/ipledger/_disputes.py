"""Disputes: anyone raises one about a right with evidence and a bond; an arbitrator upholds it (the right is
flagged, and may be frozen, force-transferred or revoked) or dismisses it (the bond goes to the owner or back,
as the dispute manager is configured)."""

from __future__ import annotations

import datetime as dt

from ipledger.chain._chain import is_zero_address
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._models import TransactionResult
from ipledger.models._rights_models import Dispute, DisputeOutcome, Remedy

from ._client import SubClient
from ._exceptions import InvalidInputError

__all__ = ["DisputeRaised", "Disputes"]


class DisputeRaised(TransactionResult):
    """A raised dispute: its id, the bond posted and the transaction (and the bond approval, if one was sent)."""

    dispute_id: int
    bond: int
    approval: TransactionResult | None = None


def _time(value: int) -> dt.datetime | None:
    return dt.datetime.fromtimestamp(value, dt.UTC) if value else None


class Disputes(SubClient):
    """The dispute manager."""

    name = "disputes"

    def settings(self) -> tuple[str | None, int, bool, bool]:
        """(bond token, bond amount, forfeit on dismissal, lock transfers while open), for disputes raised now."""
        token, amount, forfeit, lock = self._chain.read(
            self._chain.disputes.functions.settings(), "read dispute settings"
        )
        return (None if is_zero_address(str(token)) else str(token), int(amount), bool(forfeit), bool(lock))

    def open(self, token_id: int | str, *, evidence: Evidence) -> DisputeRaised:
        """The signer raises a dispute about the right on ``evidence``, posting the configured bond (approved
        first when needed)."""
        token = self._chain.resolve(token_id)
        bond_token, bond, _, _ = self.settings()
        approval = None
        if bond and bond_token is not None:
            approval = self._chain.ensure_allowance(
                self._chain.erc20(bond_token), str(self._chain.disputes.address), bond, action="raise dispute"
            )
        call = self._chain.disputes.functions.raiseDispute(token, evidence_hash(evidence, what="evidence"))
        with self._chain.paying(bond_token, str(self._chain.disputes.address), bond):
            result, raised = self._chain.send_for_event(call, "raise dispute", self._chain.disputes, "DisputeRaised")
        return DisputeRaised(
            **result.model_dump(), dispute_id=int(raised["disputeId"]), bond=int(raised["bond"]), approval=approval
        )

    def resolve(
        self,
        dispute_id: int,
        *,
        upheld: bool,
        ruling: Evidence,
        remedy: Remedy | str = Remedy.NONE,
        recipient: str | None = None,
    ) -> TransactionResult:
        """An arbitrator resolves the dispute: upheld (with ``remedy``: ``freeze``, ``force_transfer`` to
        ``recipient``, ``revoke``) or dismissed, on the ruling ``ruling``."""
        chosen = Remedy(remedy)
        if not upheld and chosen is not Remedy.NONE:
            raise InvalidInputError("a dismissed dispute takes no remedy")
        if (chosen is Remedy.FORCE_TRANSFER) != (recipient is not None):
            raise InvalidInputError("a force transfer needs a recipient, and only a force transfer takes one")
        target = "0x" + "00" * 20 if recipient is None else self._chain.address_of(recipient)
        call = self._chain.disputes.functions.resolve(
            int(dispute_id), upheld, chosen.chain_value, target, evidence_hash(ruling, what="ruling")
        )
        return self._chain.send(call, "resolve dispute")

    def set_settings(
        self, *, bond_token: str | None, bond_amount: int, forfeit_on_dismissal: bool, lock_transfers: bool
    ) -> TransactionResult:
        """The dispute manager's admin sets the bond and the rules (for disputes raised afterwards)."""
        if bond_amount < 0:
            raise InvalidInputError("the bond cannot be negative")
        token = "0x" + "00" * 20 if bond_token is None else self._chain.address_of(bond_token)
        call = self._chain.disputes.functions.setSettings(token, bond_amount, forfeit_on_dismissal, lock_transfers)
        return self._chain.send(call, "set dispute settings")

    def get(self, dispute_id: int, *, block: int | None = None) -> Dispute:
        """Dispute ``dispute_id`` (:class:`~ipledger.UnknownRecordError` if none), as of ``block``."""
        raw = self._chain.read(self._chain.disputes.functions.disputeOf(int(dispute_id)), "read dispute", block=block)
        (token, claimant, evidence, bond_token, bond, raised, resolved, outcome, remedy, locked, forfeit,
         arbitrator, ruling) = raw  # fmt: skip
        return Dispute(
            dispute_id=int(dispute_id),
            token_id=int(token),
            token_id_hex=hex(int(token)),
            claimant=str(claimant),
            evidence_hash="0x" + bytes(evidence).hex(),
            bond_token=None if is_zero_address(str(bond_token)) else str(bond_token),
            bond=int(bond),
            raised_at=dt.datetime.fromtimestamp(int(raised), dt.UTC),
            resolved_at=_time(int(resolved)),
            outcome=list(DisputeOutcome)[int(outcome)],
            remedy=list(Remedy)[int(remedy)],
            locked_transfers=bool(locked),
            forfeit_on_dismissal=bool(forfeit),
            arbitrator=None if is_zero_address(str(arbitrator)) else str(arbitrator),
            ruling_hash=None if not any(bytes(ruling)) else "0x" + bytes(ruling).hex(),
        )

    def of(self, token_id: int | str, *, block: int | None = None) -> list[Dispute]:
        """Every dispute ever raised about the right, oldest first, as of ``block``."""
        ids = self._chain.read(
            self._chain.disputes.functions.disputesOf(self._chain.resolve(token_id)), "list disputes", block=block
        )
        return [self.get(int(dispute_id), block=block) for dispute_id in ids]
