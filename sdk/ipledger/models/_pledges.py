"""A pledge as a right's history records it: a loan of the loan desk secured on the right, or on some of its shares
(docs/financing.md)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ipledger.models._model_base import Uint256, _Out

__all__ = ["LIVE_PLEDGE_STATES", "Pledge", "PledgeState"]

#: Where a loan stands, in the words of the contract's ``State`` (lower case): ``active`` and ``auction`` keep the
#: collateral pledged; the others ended the pledge.
PledgeState = Literal["active", "auction", "repaid", "sold", "foreclosed", "refinanced", "lost"]
#: The states in which the collateral is still pledged.
LIVE_PLEDGE_STATES: frozenset[str] = frozenset({"active", "auction"})


class Pledge(_Out):
    """One loan secured on a right (``share_token`` ``None``) or on ``amount`` of its shares, read from the desk's
    events in the right's history (every one of them is linked into it, so a trusted verify proves them).

    ``borrower`` is the pledgor: the right stays theirs while it is pledged; pledged shares are held by the desk
    and attributed to them. ``due`` is the maturity; ``registration`` the office's registration number of the
    pledge when a party recorded one (a CNIPA pledge registration, a USPTO reel/frame).
    """

    loan_id: int
    #: The right pledged, or whose shares are pledged.
    token_id: int
    token_id_hex: str
    state: PledgeState
    lender: str
    borrower: str
    #: Pledged shares: their token and amount (base units); ``None`` when the right itself is pledged.
    share_token: str | None = None
    amount: Uint256 | None = None
    currency: str
    principal: Uint256
    #: SHA-256 of the loan agreement (and pledge contract), 0x hex.
    agreement_hash: str
    due: dt.datetime
    registration: str | None = None
    opened_block: int
    opened_at: dt.datetime
    #: The block of the event that ended the pledge (repaid, sold, foreclosed, refinanced, lost).
    closed_block: int | None = None
    closed_at: dt.datetime | None = None
    #: Enforcement: the auction's start price and end while it runs; the buyer (or the foreclosing lender) and the
    #: price after.
    auction_ends: dt.datetime | None = None
    buyer: str | None = None
    price: Uint256 | None = None
    #: Unpaid after a sale (unsecured); zero or ``None`` otherwise.
    shortfall: Uint256 | None = None
    #: The loan that refinanced this one (its pledge passed to it).
    refinanced_by: int | None = None
    #: Who holds the right after a registrar's act took it from the pledge (``lost``; zero: revoked).
    lost_to: str | None = None

    @property
    def live(self) -> bool:
        """Whether the collateral is still pledged (the loan is active or at auction)."""
        return self.state in LIVE_PLEDGE_STATES
