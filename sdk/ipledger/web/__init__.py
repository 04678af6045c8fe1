"""``ipledger serve``: a read-only web explorer and REST API over the event index (the ``web`` extra: FastAPI,
uvicorn, Jinja2 and the Swagger UI assets).

Modules, one job each: ``_app`` (:func:`create_app`, the factory: routers, static files, the API docs page, one-line
errors), ``_explorer`` (the shared state: per-thread read connections, the network, token resolution, blocks and
dates), ``_sync`` (the background sync thread), ``_service`` (each question answered with the SDK model the CLI
prints), ``_api`` (the REST routes under ``/api``), ``_pages`` (the HTML pages), ``_views`` (what the pages draw:
the report's custody timeline, event rows, licences, attestations, disputes), ``_i18n`` (the pages' words in
English, Simplified and Traditional Chinese, beside the report's), ``_inputs`` (URL and form parameters, read with
the SDK's parsers), ``_models`` (the explorer's own response models). Templates in ``templates/``, the stylesheet in
``static/``.

The response models (``_models``) are plain SDK models, exported by ``ipledger`` without the extra; the app itself
(:func:`create_app`) is imported on first use, so ``import ipledger.web`` needs no web framework.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ipledger.web._app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from ipledger.web._app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
