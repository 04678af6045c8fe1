"""The explorer's shared state: the index (one read connection per worker thread), the network it was built from
(for trusted verification and for the background sync), the trusted verifications it ran (a few at a time, the
latest kept) and the app's options."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import Request

from ipledger import EventIndex, InvalidInputError, NotFoundError, parse_number, parse_token_id
from ipledger.audit._report_i18n import DEFAULT_LANG, Lang
from ipledger.web._inputs import BadParameterError
from ipledger.web._models import SyncState
from ipledger.web._sync import IndexSync
from ipledger.web._text import log, one_line, public_reason

if TYPE_CHECKING:
    from ipledger import Ledger

__all__ = ["BusyError", "Explorer", "ExplorerOptions", "IndexNotReadyError", "NoNetworkError", "explorer_of"]

T = TypeVar("T")

_TOKEN_ID = re.compile(r"0[xX][0-9a-fA-F]{1,64}|[0-9]{1,11}")


class IndexNotReadyError(RuntimeError):
    """The index was never synced yet: nothing to read (answered with 503)."""


class NoNetworkError(RuntimeError):
    """The server has no network to ask (started without one): no trusted verification (answered with 503)."""


class BusyError(RuntimeError):
    """Every slot for trusted verifications is taken: answered with 503 and ``Retry-After``."""

    #: Seconds the client is asked to wait.
    retry_after = 5


#: Trusted verifications run at once, and how many finished ones are kept (by right and checkpoint).
VERIFICATIONS_AT_ONCE = 2
VERIFICATIONS_KEPT = 64
#: How long a request waits for a free verification slot before it is refused as busy.
_SLOT_WAIT = 1.0


class Verifications:
    """Runs trusted verifications a few at a time (:data:`VERIFICATIONS_AT_ONCE`) and keeps the latest results by
    key, so a right's page and its proof-bundle link share one run. A key being run is waited for, not run twice."""

    def __init__(self, at_once: int = VERIFICATIONS_AT_ONCE, kept: int = VERIFICATIONS_KEPT) -> None:
        self._slots = threading.BoundedSemaphore(at_once)
        self._kept = kept
        self._results: OrderedDict[object, Any] = OrderedDict()
        self._running: dict[object, threading.Lock] = {}
        self._lock = threading.Lock()

    def _cached(self, key: object) -> tuple[bool, Any]:
        with self._lock:
            if key in self._results:
                self._results.move_to_end(key)
                return True, self._results[key]
            return False, None

    def run(self, key: object, work: Callable[[], T]) -> T:
        """``work()``'s result for ``key``: the kept one, or a new run in a free slot; :class:`BusyError` when none
        frees within a second."""
        found, value = self._cached(key)
        if found:
            return value  # type: ignore[no-any-return]
        with self._lock:
            running = self._running.setdefault(key, threading.Lock())
        try:
            with running:
                found, value = self._cached(key)
                if found:
                    return value  # type: ignore[no-any-return]
                if not self._slots.acquire(timeout=_SLOT_WAIT):
                    raise BusyError("the server is running other verifications: try again in a few seconds")
                try:
                    result = work()
                finally:
                    self._slots.release()
                with self._lock:
                    self._results[key] = result
                    self._results.move_to_end(key)
                    while len(self._results) > self._kept:
                        self._results.popitem(last=False)
                return result
        finally:  # a failed run (an unknown checkpoint) leaves nothing behind
            with self._lock:
                if self._running.get(key) is running:
                    del self._running[key]


@dataclass(frozen=True)
class ExplorerOptions:
    """``sync``: keep the index up to date in the background (needs a ledger), every ``sync_interval`` seconds;
    ``lang``: the pages' language when the browser names none the explorer speaks."""

    sync: bool = True
    sync_interval: float = 2.0
    lang: Lang = DEFAULT_LANG


class Explorer:
    """The index at ``index_url`` (a path, ``sqlite:///path`` or ``postgresql://...``) and, optionally, the
    ``ledger`` it indexes."""

    def __init__(self, index_url: str | Path, ledger: Ledger | None, options: ExplorerOptions) -> None:
        self.index_url = index_url
        self.ledger = ledger
        self.options = options
        self._local = threading.local()
        self._opened: list[EventIndex] = []
        self._lock = threading.Lock()
        #: Raised when a database error may have broken the read connections: each thread opens a fresh one.
        self._generation = 0
        self.verifications = Verifications()
        #: Where the index lives, as the index's messages may spell it (hidden from clients).
        self._places = {str(index_url)}
        self.sync: IndexSync | None = None
        if ledger is not None and options.sync:
            self.sync = IndexSync(ledger.chain, self._open_writer, interval=options.sync_interval)

    def _open_writer(self) -> EventIndex:
        """The sync's connection: the ledger's index at the URL (created, and bound to the ledger, if new)."""
        assert self.ledger is not None
        return EventIndex.for_ledger(self.ledger, url=self.index_url)

    def _open_reader(self) -> EventIndex:
        """A read-only connection (SQLite ``mode=ro``, PostgreSQL read-only transactions): a request cannot write."""
        try:
            if self.ledger is not None:
                return EventIndex.for_ledger(self.ledger, url=self.index_url, read_only=True)
            return EventIndex.open(self.index_url, read_only=True)
        except InvalidInputError as exc:  # its text names the file or the database server: kept for the log
            log.warning("the index cannot be opened: %s", one_line(str(exc)))
            raise IndexNotReadyError(
                "the index is not ready: it was never synced or cannot be opened now (sync it first, or try again)"
            ) from None

    @property
    def database(self) -> str:
        """The kind of database the index is on (``sqlite`` or ``postgresql``): what a client is told of it."""
        return "postgresql" if str(self.index_url).startswith(("postgresql:", "postgres:")) else "sqlite"

    def reason(self, exc: BaseException) -> str:
        """What a failure may tell a client: one line, naming neither the node's URL nor where the index lives
        (logged in full server-side)."""
        hidden = {place: f"[{self.database}]" for place in self._places}
        if self.ledger is not None:
            hidden[str(self.ledger.chain.rpc.endpoint)] = "the node"
        return public_reason(exc, hidden=hidden)

    # ------------------------------------------------------------------ lifecycle

    def start(self) -> None:
        if self.sync is not None:
            self.sync.start()

    def stop(self) -> None:
        if self.sync is not None:
            self.sync.stop()
        with self._lock:
            opened, self._opened = self._opened, []
        for index in opened:
            with contextlib.suppress(Exception):
                index.close()

    # ------------------------------------------------------------------ reading

    def index(self) -> EventIndex:
        """This thread's read connection to the index (opened on first use); :class:`IndexNotReadyError` before the
        index's first sync."""
        index: EventIndex | None = getattr(self._local, "index", None)
        if index is not None and getattr(self._local, "generation", 0) != self._generation:
            self._forget(index)
            index = None
        if index is None:
            index = self._open_reader()
            self._places.add(index.location)
            self._local.index, self._local.generation = index, self._generation
            with self._lock:
                self._opened.append(index)
        try:
            index.cursor  # noqa: B018 - raises before the first sync
        except InvalidInputError:
            raise IndexNotReadyError("the index has not been synced yet: try again in a moment") from None
        return index

    def reset_readers(self) -> None:
        """After a database error (a lost PostgreSQL connection, a replaced file): every thread reopens its read
        connection on its next request (each closes its own: SQLite connections belong to their thread)."""
        self._generation += 1

    def _forget(self, index: EventIndex) -> None:
        with self._lock:
            if index in self._opened:
                self._opened.remove(index)
        with contextlib.suppress(Exception):
            index.close()

    def sync_state(self) -> SyncState:
        if self.sync is None:
            return SyncState(enabled=False, interval=0)
        return self.sync.state

    def head(self) -> int | None:
        """The chain head the last sync saw (no request to the node)."""
        return self.sync_state().head

    def require_ledger(self) -> Ledger:
        if self.ledger is None:
            raise NoNetworkError("this server has no network to ask: trusted verification is off")
        return self.ledger

    # ------------------------------------------------------------------ rights

    def resolve(self, text: str, field: str = "token") -> int:
        """The token id a URL names: a token id (decimal or 0x hex) or an official number in any written form, found
        in the index (never by scanning the chain: a number registered since the last sync is found after it)."""
        value = text.strip()
        if not value:
            raise BadParameterError(field, text, "a token id (decimal or 0x hex) or an official number")
        if _TOKEN_ID.fullmatch(value) or (value.isdigit() and len(value) > 24):
            try:
                return parse_token_id(value)
            except InvalidInputError as exc:
                raise BadParameterError.because(field, one_line(str(exc))) from None
        for hit in self.index().search(value, limit=5):
            if hit.matched in ("number", "token_id"):
                return int(hit.token_id)
        try:
            number = parse_number(value)
        except InvalidInputError as exc:  # it says what it got and what it expects
            raise BadParameterError(
                field, value, f"a token id (decimal or 0x hex) or an official number ({one_line(str(exc))})"
            ) from None
        if not number.family:
            with contextlib.suppress(NotFoundError):
                self.index().history(number.key)
                return number.key  # a revoked right, known by its primary number
        raise NotFoundError(f"no right in the index has the number or token id {value!r}")

    def block_of(self, block: int | None, when: dt.date | dt.datetime | None, *, field: str = "block") -> int | None:
        """The block a query is about: ``block``, or the last indexed block at or before ``when``, or ``None``
        (the cursor); both given is refused."""
        if block is not None and when is not None:
            raise BadParameterError(field, str(block), "either a block or a date, not both")
        index = self.index()
        if when is not None:
            return index.block_at(when)
        if block is not None and block > index.cursor:
            raise BadParameterError(field, str(block), f"a block up to {index.cursor}, the last block indexed")
        return block


def explorer_of(request: Request) -> Explorer:
    """The app's explorer."""
    explorer: Explorer = request.app.state.explorer
    return explorer
