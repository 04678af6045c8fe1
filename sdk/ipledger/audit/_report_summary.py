"""The summary table a portfolio report opens with: one row per right, naming it by its primary number and
title (not its token id), with its holder and status at the report date."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from ipledger.audit._report import AuditReport
from ipledger.models._model_base import _Out
from ipledger.models._models import RightStatus
from ipledger.models._pledges import Pledge

__all__ = ["PortfolioRow", "portfolio_rows"]


class PortfolioRow(_Out):
    """One right of a report, as its summary table lists it."""

    token_id_hex: str
    #: Its primary official number (None when it has none, e.g. a sealed application).
    number: str | None
    #: The title of its public record (None when sealed or not published).
    title: str | None
    #: The holder at the report date (the share vault for a fractionalized right).
    holder: str | None
    held_by_vault: bool
    #: None when the right's record could not be read.
    status: RightStatus | None
    dispute_locked: bool
    #: Pledged to a loan at the report date (the registry's lock), and the pledges worth a word: the live ones
    #: (the right's or its shares') and the enforced ones (sold, foreclosed) or lost.
    pledged: bool = False
    pledges: list[Pledge] = Field(default_factory=list)
    verdict: Literal["verified", "failed"]


def portfolio_rows(report: AuditReport) -> list[PortfolioRow]:
    """The summary rows of ``report``, in the report's order of rights."""
    rows = []
    for right in report.rights:
        record = right.record
        rows.append(
            PortfolioRow(
                token_id_hex=right.token_id_hex,
                number=None if record is None else record.primary_number,
                title=None if record is None else record.title,
                holder=right.owner,
                held_by_vault=report.vault is not None and right.owner == report.vault,
                status=None if record is None else record.status,
                dispute_locked=record is not None and record.dispute_locked,
                pledged=record is not None and record.pledged,
                pledges=[]
                if record is None
                else [
                    pledge for pledge in record.pledges if pledge.live or pledge.state in ("sold", "foreclosed", "lost")
                ],
                verdict=right.verdict,
            )
        )
    return rows
