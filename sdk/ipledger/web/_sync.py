"""The background sync: a thread that keeps the index up to date from the network, on a writer connection of its
own. Pages read through their own connections (SQLite in WAL mode, or PostgreSQL), so a sync never blocks a request;
its state (running, last success, last error) is what ``/api/status`` and the pages show."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

from ipledger.web._models import SyncState
from ipledger.web._text import log, one_line, public_reason

if TYPE_CHECKING:
    from ipledger import EventIndex
    from ipledger.chain._chain import ChainReader

__all__ = ["IndexSync"]


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class IndexSync:
    """Syncs the index every ``interval`` seconds (at once on :meth:`start`, and on :meth:`trigger`) until
    :meth:`stop`. ``open_writer`` opens the writer connection in the sync thread."""

    def __init__(self, chain: ChainReader, open_writer: Callable[[], EventIndex], *, interval: float) -> None:
        self._chain = chain
        self._hidden = {str(chain.rpc.endpoint): "the node"}
        self._open_writer = open_writer
        self._lock = threading.Lock()
        self._state = SyncState(enabled=True, interval=interval)
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._done = threading.Condition()
        self._thread: threading.Thread | None = None

    @property
    def state(self) -> SyncState:
        with self._lock:
            return self._state

    def _update(self, **changes: object) -> None:
        with self._lock:
            self._state = self._state.model_copy(update=changes)

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="ipledger-index-sync", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def trigger(self) -> None:
        """Syncs now rather than at the next interval."""
        self._wake.set()

    def wait_for(self, syncs: int, timeout: float) -> bool:
        """Waits until ``syncs`` syncs have completed (or failed); whether they did within ``timeout`` seconds."""
        with self._done:
            return self._done.wait_for(lambda: self.state.syncs >= syncs, timeout)

    def _run(self) -> None:
        writer = None
        try:
            while not self._stop.is_set():
                self._update(running=True, last_attempt=_now())
                try:
                    if writer is None:
                        writer = self._open_writer()
                    result = writer.sync(self._chain)
                    self._update(last_success=_now(), last_error=None, head=self._chain.head(), cursor=result.to_block)
                except Exception as exc:  # noqa: BLE001 - any failure is shown and the next interval retries
                    # Shown to every visitor: without the node's URL (the log has the whole message).
                    log.warning("index sync failed: %s: %s", type(exc).__name__, one_line(str(exc)))
                    self._update(last_error=f"{type(exc).__name__}: {public_reason(exc, hidden=self._hidden)}"[:300])
                    if writer is not None:
                        writer.close()
                        writer = None
                with self._done:
                    self._update(running=False, syncs=self.state.syncs + 1)
                    self._done.notify_all()
                self._wake.wait(self.state.interval)
                self._wake.clear()
        finally:
            if writer is not None:
                writer.close()
