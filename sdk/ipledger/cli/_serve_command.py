"""``serve``: the web explorer and REST API over the event index (the ``web`` extra), on the configured network.

The app (``ipledger.web``) is imported only when the command runs: ``ipledger --help`` imports no web framework.
The listening socket is bound before the URL is printed, so a port in use fails in one line, and ``--port 0`` takes
a free port (the URL printed names it).
"""

from __future__ import annotations

import importlib.util
import socket
import sys
from typing import Annotated

import typer

from ipledger import EventIndex, ExplorerStarted, ExplorerStopped, ReportLang, create_explorer_app, index_path

from ._chain_options import current_options
from ._context import open_ledger
from ._errors import CliError
from ._index_commands import INDEX_URL_VARIABLE, IndexUrlOpt
from ._output import output, prints
from ._report_commands import ReportLanguage
from ._serve_background import start_detached, stop_detached

__all__ = ["serve"]

#: The modules of the ``web`` extra.
_WEB_EXTRA = ("fastapi", "uvicorn", "jinja2", "swagger_ui_bundle")

HostOpt = Annotated[str, typer.Option("--host", help="The address to listen on (0.0.0.0: every interface).")]
PortOpt = Annotated[int, typer.Option("--port", min=0, max=65535, help="The port to listen on (0: a free one).")]
PageLangOpt = Annotated[
    ReportLanguage | None,
    typer.Option(
        "--lang",
        help="The pages' language when the browser names none the explorer speaks (en, zh-Hans, zh-Hant); a reader "
        "switches with ?lang= or the switcher on every page.",
    ),
]
NoSyncOpt = Annotated[
    bool, typer.Option("--no-sync", help="Serve the index as it is: no background sync from the network.")
]
SyncIntervalOpt = Annotated[
    float,
    typer.Option("--sync-interval", metavar="SECONDS", min=0.1, help="Seconds between two background syncs."),
]
DetachOpt = Annotated[
    bool,
    typer.Option(
        "--detach",
        help="Run it in the background (one per $IPLEDGER_HOME, its log in $IPLEDGER_HOME/explorer): print its URL "
        "once it answers, then return.",
    ),
]
StopOpt = Annotated[bool, typer.Option("--stop", help="Stop the explorer running in the background, and nothing else.")]


def _missing_extra() -> str | None:
    return next((name for name in _WEB_EXTRA if importlib.util.find_spec(name) is None), None)


def _bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # Accepted connections inherit it: without it a response written in two parts waits ~40 ms for the client's
    # delayed ACK (Nagle), 20 times the request's own time (benchmarks/web.py found it).
    listener.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise CliError(f"cannot listen on {host}:{port}: {exc.strerror or exc} (pick another --port)") from None
    listener.listen(128)
    return listener


@prints(ExplorerStarted | ExplorerStopped)
def serve(
    host: HostOpt = "127.0.0.1",
    port: PortOpt = 8700,
    index_url: IndexUrlOpt = None,
    lang: PageLangOpt = None,
    no_sync: NoSyncOpt = False,
    sync_interval: SyncIntervalOpt = 2.0,
    detach: DetachOpt = False,
    stop: StopOpt = False,
) -> None:
    """Serve the web explorer and its REST API over the event index, read-only, syncing the index from the network
    in the background.

    Pages: search (official number, title in Chinese or English, holder, share token, token id), a right (its public
    record, status, custody timeline, licences, attestations, disputes, loans, cap table at any block or date, and
    the verification against a checkpoint you paste, with its proof bundle to re-check yourself), a holder's
    portfolio, a share token; in English, Simplified and Traditional Chinese. The REST API is documented at
    /api/docs. No key ever reaches the server. Needs the web extra: pip install "ipledger[web]". --detach runs it in
    the background (the URL printed alone on stdout: URL=$(ipledger serve --detach --port 0)); --stop stops that one.
    """
    out = output()
    if stop:
        explorer = stop_detached()
        stopped = ExplorerStopped(url=explorer.url, pid=explorer.pid, log=str(explorer.log))
        out.result(stopped, lambda: out.line(f"Stopped the explorer at {stopped.url} (pid {stopped.pid})."))
        return
    missing = _missing_extra()
    if missing is not None:
        raise CliError(f'ipledger serve needs the web extra ({missing} is not installed): pip install "ipledger[web]"')
    import uvicorn

    if index_url is not None:
        EventIndex.check_url(index_url, option="--index-url")  # a malformed URL is refused before the node is asked
    session = open_ledger(out)
    ledger = session.ledger
    index = index_url or str(index_path(ledger.chain_id, ledger.contracts.registry_address))
    # The ledger's index must be there to serve as it is; the sync creates (and binds) it otherwise.
    probe = EventIndex.for_ledger(ledger, url=index, read_only=no_sync)
    where = probe.location
    probe.close()
    page_lang: ReportLang = (lang or ReportLanguage.EN).value

    def described(url: str) -> ExplorerStarted:
        return ExplorerStarted(
            url=url,
            docs_url=f"{url}api/docs",
            openapi_url=f"{url}openapi.json",
            index=where,
            chain_id=ledger.chain_id,
            registry=ledger.contracts.registry_address,
            sync=not no_sync,
            sync_interval=sync_interval,
            lang=page_lang,
        )

    if detach:
        arguments = ["serve", "--lang", page_lang, "--sync-interval", str(sync_interval)]
        environment = current_options().environment()
        if index_url:
            environment[INDEX_URL_VARIABLE] = index_url
        explorer = start_detached([*arguments, *(["--no-sync"] if no_sync else [])], environment, host, port)
        detached = described(explorer.url).model_copy(update={"pid": explorer.pid, "log": str(explorer.log)})

        def background() -> None:
            out.line(detached.url)
            out.note(
                f"The explorer runs in the background (pid {detached.pid}, log {detached.log}); API documentation at "
                f"{detached.docs_url}. `ipledger serve --stop` stops it."
            )

        out.result(detached, background)
        return
    app = create_explorer_app(index, ledger, sync=not no_sync, sync_interval=sync_interval, lang=page_lang)
    listener = _bind(host, port)
    bound = listener.getsockname()[1]
    base = f"http://{f'[{host}]' if ':' in host else host}:{bound}"
    started = described(f"{base}/")

    def human() -> None:
        out.line(started.url)
        out.note(
            f"The ipledger explorer of registry {started.registry} on chain {started.chain_id}, over the index "
            f"{started.index} ({'synced every ' + str(sync_interval) + ' s' if started.sync else 'not synced'}); "
            f"API documentation at {started.docs_url}. Ctrl-C stops it."
        )

    out.result(started, human)
    sys.stdout.flush()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    server.run(sockets=[listener])
