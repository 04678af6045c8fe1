"""The explorer's own response models; every other answer is an SDK model, as the CLI's ``--json`` prints it."""

from __future__ import annotations

import datetime as dt

from pydantic import Field

from ipledger import CapTable, Identity, IndexStatus, Pool, SearchHit, ShareTokenInfo, TransferRules
from ipledger.models._model_base import _Out

__all__ = ["ExplorerStarted", "ExplorerStatus", "ExplorerStopped", "SearchResults", "ShareTokenView", "SyncState"]


class SyncState(_Out):
    """The background sync of the index: whether it runs, how far it got, and its last failure."""

    enabled: bool
    #: Seconds between two syncs.
    interval: float
    #: A sync is running now.
    running: bool = False
    #: Syncs completed since the server started.
    syncs: int = 0
    last_attempt: dt.datetime | None = None
    last_success: dt.datetime | None = None
    #: The last failure in one line (``None`` once a later sync succeeded).
    last_error: str | None = None
    #: The chain head the last sync saw, and the last block it indexed.
    head: int | None = None
    cursor: int | None = None


class ExplorerStatus(_Out):
    """``/api/status``: the index (``None`` before its first sync) and its background sync."""

    index: IndexStatus | None
    sync: SyncState
    #: Whether the server can run trusted verifications (it has a network to ask).
    verification: bool


class SearchResults(_Out):
    """What a search found, best matches first."""

    query: str
    hits: list[SearchHit]


class ShareTokenView(_Out):
    """A share token for a venue: its right, its holders (the index's cap table at ``block``), and what the chain
    says of it now when the server has a network: the token, its transfer rules, each holder's compliance
    identity (eligibility) and the pools holding its shares."""

    share_token: str
    token_id: int
    token_id_hex: str
    cap_table: CapTable
    info: ShareTokenInfo | None = None
    rules: TransferRules | None = None
    identities: list[Identity] = Field(default_factory=list)
    pools: list[Pool] = Field(default_factory=list)
    #: What the chain could not tell (one line each), when the server has a network.
    unavailable: list[str] = Field(default_factory=list)


class ExplorerStarted(_Out):
    """``ipledger serve``: where the explorer listens, what it serves and how it keeps the index up to date."""

    url: str
    #: The REST API's documentation page (Swagger UI) and its OpenAPI document.
    docs_url: str
    openapi_url: str
    #: The index served: an SQLite path or a PostgreSQL URL (without its password).
    index: str
    chain_id: int
    registry: str
    #: Whether a background thread syncs the index from the network, and every how many seconds.
    sync: bool
    sync_interval: float
    #: The pages' language when the browser names none the explorer speaks.
    lang: str
    #: With --detach: the background process and its log file.
    pid: int | None = None
    log: str | None = None


class ExplorerStopped(_Out):
    """``ipledger serve --stop``: the background explorer stopped."""

    url: str
    pid: int
    log: str
