"""The REST API under ``/api``: read-only, every answer an SDK model (``response_model``, so the OpenAPI document
carries its schema), the same JSON the CLI prints with ``--json``. Blocks and dates are ``block=`` or ``date=``
(``at_block=`` or ``at=`` on the list of rights); a right is named by its token id (decimal or 0x) or any official
number."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import Response

from ipledger import CapTable, LoanBook, Portfolio, RightList, RightRecord, SourcedHistory, VerificationReport
from ipledger.web import _service as service
from ipledger.web._explorer import Explorer, explorer_of
from ipledger.web._inputs import (
    BadParameterError,
    address_param,
    block_param,
    checkpoint_param,
    date_param,
    jurisdiction_param,
    kind_param,
    limit_param,
    offset_param,
    status_param,
)
from ipledger.web._json import JsonDocumentRoute
from ipledger.web._models import ExplorerStatus, SearchResults, ShareTokenView

__all__ = ["api", "explorer_of"]

api = APIRouter(prefix="/api", tags=["explorer"], route_class=JsonDocumentRoute)

BlockQuery = Annotated[str | None, Query(description="As of this block (decimal or 0x); default: the last indexed.")]
DateQuery = Annotated[
    str | None, Query(description="As of this date (YYYY-MM-DD: its end, UTC) or ISO 8601 datetime; not with block.")
]
TokenPath = Annotated[
    str, PathParam(description="A token id (decimal or 0x hex) or an official number in any written form.")
]
AddressPath = Annotated[str, PathParam(description="An address: 0x and 40 hex digits (EIP-55 checksum if mixed-case).")]
CheckpointQuery = Annotated[
    str | None, Query(description="A block hash you trust (0x and 64 hex digits), e.g. from `ipledger checkpoint`.")
]


#: At most this many rights in one answer of ``/api/rights``.
RIGHTS_MAX = 1000


def _at(
    explorer: Explorer, block: str | None, date: str | None, *, names: tuple[str, str] = ("block", "date")
) -> int | None:
    return explorer.block_of(block_param(block, names[0]), date_param(date, names[1]), field=names[0])


def _checkpoint(value: str | None) -> str:
    checkpoint = checkpoint_param(value)
    if checkpoint is None:
        raise BadParameterError(
            "checkpoint", value or "", "a block hash: 0x and 64 hex digits (e.g. from `ipledger checkpoint`)"
        )
    return checkpoint


@api.get("/status", response_model=ExplorerStatus, summary="The index and its background sync")
def get_status(request: Request) -> ExplorerStatus:
    return service.status(explorer_of(request))


@api.get("/search", response_model=SearchResults, summary="Search by number, title, holder, share token or token id")
def get_search(
    request: Request,
    q: Annotated[
        str, Query(description="An official number, a title (Chinese or English), an address or a token id")
    ] = "",
    limit: Annotated[str | None, Query(description="At most this many hits (1 to 100; default 20).")] = None,
) -> SearchResults:
    return service.search_rights(explorer_of(request), q, limit_param(limit, default=20, maximum=100))


@api.get("/rights", response_model=RightList, summary="Rights, filtered by kind, jurisdiction and status")
def get_rights(
    request: Request,
    response: Response,
    kind: Annotated[str | None, Query(description="patent, utility_model, design, trademark...")] = None,
    jurisdiction: Annotated[str | None, Query(description="A two-letter office code (CN, US, EP...).")] = None,
    status: Annotated[str | None, Query(description="active, frozen, expired or revoked.")] = None,
    at_block: BlockQuery = None,
    at: DateQuery = None,
    limit: Annotated[
        str | None, Query(description=f"At most this many rights (1 to {RIGHTS_MAX}; default 100).")
    ] = None,
    offset: Annotated[str | None, Query(description="Skip this many rights first (default 0).")] = None,
) -> RightList:
    """One page of the rights, in registration order: a ``Link`` header with ``rel="next"`` names the next page
    (absent on the last)."""
    explorer = explorer_of(request)
    page = service.rights(
        explorer,
        kind=kind_param(kind),
        jurisdiction=jurisdiction_param(jurisdiction),
        status_=status_param(status),
        at_block=_at(explorer, at_block, at, names=("at_block", "at")),
        limit=limit_param(limit, default=100, maximum=RIGHTS_MAX),
        offset=offset_param(offset),
    )
    if page.next_offset is not None:
        following = request.url.include_query_params(offset=page.next_offset)
        response.headers["Link"] = f'<{following.path}?{following.query}>; rel="next"'
    return page.rights


@api.get("/rights/{token}", response_model=RightRecord, summary="A right's record")
def get_right(request: Request, token: TokenPath, block: BlockQuery = None, date: DateQuery = None) -> RightRecord:
    explorer = explorer_of(request)
    return service.right(explorer, explorer.resolve(token), _at(explorer, block, date))


@api.get("/rights/{token}/history", response_model=SourcedHistory, summary="A right's history, from the index")
def get_history(request: Request, token: TokenPath) -> SourcedHistory:
    explorer = explorer_of(request)
    return service.history(explorer, explorer.resolve(token))


@api.get("/rights/{token}/cap-table", response_model=CapTable, summary="Who held a right's shares at a block or date")
def get_cap_table(request: Request, token: TokenPath, block: BlockQuery = None, date: DateQuery = None) -> CapTable:
    explorer = explorer_of(request)
    return service.cap_table(explorer, explorer.resolve(token), _at(explorer, block, date))


@api.get(
    "/holders/{address}/portfolio",
    response_model=Portfolio,
    summary="The rights, shares and live pledges of an account at a block or date",
)
def get_portfolio(
    request: Request, address: AddressPath, block: BlockQuery = None, date: DateQuery = None
) -> Portfolio:
    explorer = explorer_of(request)
    return service.portfolio(explorer, address_param(address), _at(explorer, block, date))


@api.get("/lenders/{address}/book", response_model=LoanBook, summary="A lender's loans at a block or date")
def get_book(request: Request, address: AddressPath, block: BlockQuery = None, date: DateQuery = None) -> LoanBook:
    explorer = explorer_of(request)
    return service.lender_book(explorer, address_param(address), _at(explorer, block, date))


@api.get(
    "/shares/{address}",
    response_model=ShareTokenView,
    summary="A share token: holders, frozen amounts, eligibility, rules and pools",
)
def get_share_token(
    request: Request, address: AddressPath, block: BlockQuery = None, date: DateQuery = None
) -> ShareTokenView:
    explorer = explorer_of(request)
    return service.share_token(explorer, address_param(address), _at(explorer, block, date))


@api.get(
    "/rights/{token}/verify",
    response_model=VerificationReport,
    summary="The server's trusted verification against your checkpoint (you trust the server)",
)
def get_verify(request: Request, token: TokenPath, checkpoint: CheckpointQuery = None) -> VerificationReport:
    explorer = explorer_of(request)
    trusted = _checkpoint(checkpoint)
    return service.verify(explorer, explorer.resolve(token), trusted)


@api.get(
    "/rights/{token}/proof-bundle",
    response_class=Response,
    responses={200: {"content": {"application/json": {}}, "description": "The proof bundle (a JSON file)"}},
    summary="The proof bundle to re-check offline with `ipledger verify --bundle` (you trust only the checkpoint)",
)
def get_proof_bundle(request: Request, token: TokenPath, checkpoint: CheckpointQuery = None) -> Response:
    explorer = explorer_of(request)
    trusted = _checkpoint(checkpoint)
    name, content = service.proof_bundle(explorer, explorer.resolve(token), trusted)
    return Response(
        content, media_type="application/json", headers={"Content-Disposition": f'attachment; filename="{name}"'}
    )
