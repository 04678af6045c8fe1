"""The app factory: :func:`create_app` puts the REST API (``/api``), the pages, the static files, the API
documentation and the background sync together, and answers every failure in one line: a JSON ``detail`` under
``/api``, a page saying what was expected elsewhere. A failure's text never names the node's URL (``_text``), and an
unexpected one answers a generic line, its traceback going to the server's log.

The documentation page (``/api/docs``) is Swagger UI served from the ``swagger-ui-bundle`` package (no CDN): only its
script, stylesheet and icon, each by its own route (not the package's folder, whose demo page reads another site),
under a Content-Security-Policy that lets the page run only those and its own initialiser. The schema stays at
``/openapi.json`` in OpenAPI 3.1; the page reads a 3.0 rendition of it (``_openapi30``), which that Swagger UI (4.x)
renders."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from swagger_ui_bundle import swagger_ui_path  # type: ignore[import-untyped]

from ipledger import EventIndex, InvalidInputError, IPLedgerError, NodeError, NotFoundError
from ipledger.audit._report_i18n import DEFAULT_LANG, Lang
from ipledger.web._api import api
from ipledger.web._explorer import (
    BusyError,
    Explorer,
    ExplorerOptions,
    IndexNotReadyError,
    NoNetworkError,
    explorer_of,
)
from ipledger.web._inputs import BadParameterError
from ipledger.web._openapi30 import as_openapi_30
from ipledger.web._pages import error_page, pages
from ipledger.web._text import log, one_line

if TYPE_CHECKING:
    from ipledger import Ledger

__all__ = ["create_app"]

_STATIC = Path(__file__).parent / "static"
_SWAGGER = "/api/docs-assets"
#: The OpenAPI document as 3.0, which the bundled Swagger UI (4.x) renders; ``/openapi.json`` stays 3.1.
_DOCS_OPENAPI = "/api/docs/openapi-3.0.json"
#: The only files of the Swagger UI package the app serves (the documentation page uses nothing else).
_SWAGGER_FILES = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}


def create_app(
    index_url: str | Path,
    ledger: Ledger | None = None,
    *,
    sync: bool = True,
    sync_interval: float = 2.0,
    lang: Lang = DEFAULT_LANG,
) -> FastAPI:
    """The explorer of the index at ``index_url`` (a path, ``sqlite:///path`` or ``postgresql://...``).

    ``ledger``: the network the index follows, for the trusted verification and the proof bundles, for resolving
    official numbers and, with ``sync``, for keeping the index up to date in a background thread every
    ``sync_interval`` seconds. Without it the explorer shows the index as it is. ``lang``: the pages' language
    when neither the URL, a cookie nor the browser names one the explorer speaks. The app never writes to the
    chain and its requests never write to the index.
    """
    explorer = Explorer(index_url, ledger, ExplorerOptions(sync=sync, sync_interval=sync_interval, lang=lang))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        explorer.start()
        try:
            yield
        finally:
            explorer.stop()

    app = FastAPI(
        title="ipledger explorer",
        summary="A read-only REST API over the ipledger event index: rights, histories, cap tables, portfolios, "
        "lenders' books, share tokens, trusted verification and proof bundles.",
        version="1",
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.explorer = explorer
    app.include_router(api)
    app.include_router(pages)
    app.mount("/static", StaticFiles(directory=_STATIC), name="static")

    @app.get(_DOCS_OPENAPI, include_in_schema=False)
    def docs_openapi() -> JSONResponse:
        return JSONResponse(as_openapi_30(app.openapi()))

    @app.get(_SWAGGER + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> Response:
        if name not in _SWAGGER_FILES:
            raise HTTPException(404, "Not Found")
        return FileResponse(
            Path(swagger_ui_path) / name, media_type=_SWAGGER_FILES[name], headers={"X-Content-Type-Options": "nosniff"}
        )

    docs_page = _docs_page()

    @app.get("/api/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return docs_page

    _add_error_handlers(app)
    return app


def _docs_page() -> HTMLResponse:
    """The Swagger UI page, with a Content-Security-Policy allowing only the app's own files and the page's inline
    initialiser (by its SHA-256)."""
    page = get_swagger_ui_html(
        openapi_url=_DOCS_OPENAPI,
        title="ipledger explorer API",
        swagger_js_url=f"{_SWAGGER}/swagger-ui-bundle.js",
        swagger_css_url=f"{_SWAGGER}/swagger-ui.css",
        swagger_favicon_url=f"{_SWAGGER}/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None},
    )
    html = bytes(page.body).decode()
    inline = re.findall(r"<script>(.*?)</script>", html, re.S)
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'" for code in inline
    )
    policy = (
        f"default-src 'none'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "connect-src 'self'; font-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )
    headers = {"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin"}
    return HTMLResponse(html, headers=headers)


def _answer(request: Request, status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """A failure as JSON ``{"detail": ...}`` under ``/api``, as a page elsewhere."""
    if request.url.path.startswith("/api"):
        return JSONResponse({"detail": one_line(message)}, status_code=status, headers=headers)
    response = error_page(request, status, one_line(message))
    response.headers.update(headers or {})
    return response


def _add_error_handlers(app: FastAPI) -> None:
    """Plain functions: Starlette runs them in its thread pool, so an error page (whose banner may read the index)
    never blocks the event loop."""

    def rejected(request: Request, exc: Exception) -> Response:
        status = exc.status if isinstance(exc, BadParameterError) else 400
        return _answer(request, status, explorer_of(request).reason(exc))

    def not_found(request: Request, exc: Exception) -> Response:
        return _answer(request, 404, explorer_of(request).reason(exc))

    def unavailable(request: Request, exc: Exception) -> Response:
        return _answer(request, 503, explorer_of(request).reason(exc))

    def busy(request: Request, exc: Exception) -> Response:
        return _answer(request, 503, str(exc), {"Retry-After": str(BusyError.retry_after)})

    def node_failed(request: Request, exc: Exception) -> Response:
        return _answer(request, 502, f"the node could not answer: {explorer_of(request).reason(exc)}")

    def database_failed(request: Request, exc: Exception) -> Response:
        log.warning("index read failed: %s: %s", type(exc).__name__, one_line(str(exc)))
        explorer_of(request).reset_readers()
        return _answer(request, 503, f"the index cannot be read now ({type(exc).__name__}): try again in a moment")

    def failed(request: Request, exc: Exception) -> Response:
        log.warning("%s %s failed: %s: %s", request.method, request.url.path, type(exc).__name__, one_line(str(exc)))
        return _answer(request, 500, f"the request failed: {explorer_of(request).reason(exc)}")

    def crashed(request: Request, exc: Exception) -> Response:
        log.error("%s %s crashed", request.method, request.url.path, exc_info=exc)
        return _answer(request, 500, "internal error: the server could not answer this request (see its log)")

    def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        parts = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error.get("loc", ())[1:]) or "request"
            parts.append(f"{where}: {error.get('msg', 'invalid')}")
        return _answer(request, 422, "; ".join(parts))

    def http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        return _answer(request, exc.status_code, str(exc.detail))

    app.add_exception_handler(HTTPException, http_error)
    app.add_exception_handler(BadParameterError, rejected)
    app.add_exception_handler(InvalidInputError, rejected)
    app.add_exception_handler(NotFoundError, not_found)
    app.add_exception_handler(IndexNotReadyError, unavailable)
    app.add_exception_handler(NoNetworkError, unavailable)
    app.add_exception_handler(BusyError, busy)
    app.add_exception_handler(NodeError, node_failed)
    app.add_exception_handler(IPLedgerError, failed)
    app.add_exception_handler(RequestValidationError, invalid)
    for error in EventIndex.database_errors():
        app.add_exception_handler(error, database_failed)
    app.add_exception_handler(Exception, crashed)
