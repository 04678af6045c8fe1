"""A right's pledges, replayed from the loan desk's events in its history (one rule for the record, the verify, the
index and the reports)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ipledger.chain._events import LOAN_EVENTS, DecodedLog
from ipledger.models._pledges import Pledge, PledgeState

__all__ = ["pledged_shares", "pledges_from_logs"]

_ZERO = "0x0000000000000000000000000000000000000000"
#: The event that ends a loan -> the state it leaves.
_ENDINGS: dict[str, PledgeState] = {
    "PledgeReleased": "repaid",
    "CollateralSold": "sold",
    "Foreclosed": "foreclosed",
    "LoanRefinanced": "refinanced",
    "CollateralLost": "lost",
}


def pledges_from_logs(logs: Iterable[DecodedLog], time_of: Mapping[int, int] | Callable[[int], int]) -> list[Pledge]:
    """The loans on the right that ``logs`` (its history, in chain order) record, in the order they opened.
    ``time_of`` gives a block's unix time (a mapping of the blocks with events, or a function)."""
    timestamp = time_of if callable(time_of) else time_of.__getitem__
    loans: dict[int, dict[str, Any]] = {}
    for log in logs:
        if log.name not in LOAN_EVENTS:
            continue
        loan_id = int(log.args["loanId"])
        args = log.args
        if log.name == "LoanOpened":
            amount = int(args["collateralAmount"])
            loans[loan_id] = {
                "loan_id": loan_id,
                "token_id": int(args["tokenId"]),
                "token_id_hex": hex(int(args["tokenId"])),
                "state": "active",
                "lender": args["lender"],
                "borrower": args["borrower"],
                "share_token": None if amount == 0 else args["collateral"],
                "amount": None if amount == 0 else amount,
                "currency": args["currency"],
                "principal": int(args["principal"]),
                "agreement_hash": str(args["agreementHash"]),
                "due": _when(int(args["maturity"])),
                "opened_block": log.block,
                "opened_at": _when(timestamp(log.block)),
            }
            continue
        loan = loans.get(loan_id)
        if loan is None:  # a history cut before the loan opened (a block range): nothing to attach it to
            continue
        if log.name == "PledgeRegistered":
            loan["registration"] = str(args["registration"])
        elif log.name == "AuctionStarted":
            loan["state"] = "auction"
            loan["auction_ends"] = _when(int(args["endsAt"]))
            loan["price"] = int(args["startPrice"])
        elif log.name in _ENDINGS:
            loan["state"] = _ENDINGS[log.name]
            loan["closed_block"] = log.block
            loan["closed_at"] = _when(timestamp(log.block))
            if log.name == "CollateralSold":
                loan.update(buyer=args["buyer"], price=int(args["price"]), shortfall=int(args["shortfall"]))
            elif log.name == "Foreclosed":
                loan.update(buyer=args["lender"], price=None)
            elif log.name == "LoanRefinanced":
                loan["refinanced_by"] = int(args["newLoanId"])
            elif log.name == "CollateralLost":
                loan["lost_to"] = None if str(args["holder"]) == _ZERO else args["holder"]
    return [Pledge.model_validate(loan) for loan in loans.values()]


def pledged_shares(pledges: Sequence[Pledge], share_token: str) -> dict[str, int]:
    """The shares of ``share_token`` the desk holds under live pledges, by pledgor (the borrower)."""
    held: dict[str, int] = {}
    for pledge in pledges:
        if pledge.live and pledge.amount and (pledge.share_token or "").lower() == share_token.lower():
            held[pledge.borrower] = held.get(pledge.borrower, 0) + int(pledge.amount)
    return held


def _when(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)
