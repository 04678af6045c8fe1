"""The server-rendered pages (Jinja2 templates in ``templates/``, no script): search, a right, a holder's portfolio,
a share token, and the error page. Each page is in the language :func:`page_lang` picks, links its language
switcher and its JSON twin under ``/api``, and shows the background sync's state."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.datastructures import URL

from ipledger import NotFoundError
from ipledger.audit._report_i18n import LANGS, MESSAGES, Lang, Translate, parse_lang
from ipledger.audit._report_sentences import short
from ipledger.web import _service as service
from ipledger.web._explorer import Explorer, explorer_of
from ipledger.web._i18n import LANG_NAMES, negotiate_lang, web_translator
from ipledger.web._inputs import (
    BadParameterError,
    address_param,
    block_param,
    checkpoint_param,
    date_param,
    limit_param,
)
from ipledger.web._views import (
    pledge_sentence,
    right_facts,
    share_units,
    shares_text,
    summary_text,
    timeline_markup,
)

__all__ = ["error_page", "page_lang", "pages"]

pages = APIRouter(include_in_schema=False)
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
_COOKIE = "lang"
_YEAR = 365 * 24 * 3600
#: The pages load nothing but the app's own stylesheet, run no script and post no form elsewhere.
_SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def _asked_lang(request: Request) -> Lang | None:
    """The language ``?lang=`` names, if it names one."""
    try:
        return parse_lang(request.query_params.get("lang") or "")
    except ValueError:
        return None


def page_lang(request: Request, *, strict: bool = True) -> Lang:
    """``?lang=`` (a bad one is refused when ``strict``), else the ``lang`` cookie, else ``Accept-Language``, else
    the server's default."""
    asked = request.query_params.get("lang")
    if asked:
        try:
            return parse_lang(asked)
        except ValueError:
            if strict:
                raise BadParameterError("lang", asked, "one of " + ", ".join(LANGS)) from None
    cookie = request.cookies.get(_COOKIE)
    if cookie:
        try:
            return parse_lang(cookie)
        except ValueError:
            pass
    return negotiate_lang(request.headers.get("accept-language")) or explorer_of(request).options.lang


def _sync_banner(explorer: Explorer, t: Translate) -> tuple[str, str]:
    """The sync's state in a sentence, and its CSS class."""
    state = explorer.sync_state()
    if not state.enabled:
        try:
            cursor: int | str = explorer.index().cursor
        except Exception:  # noqa: BLE001 - the banner informs; the page says what failed
            cursor = "-"
        return t("web.sync_off", cursor=cursor), "sync-off"
    if state.last_error:
        return t("web.sync_error", error=state.last_error), "sync-error"
    if state.cursor is None or state.head is None:
        return t("web.sync_waiting"), "sync-waiting"
    if state.cursor < state.head:
        return t(
            "web.sync_behind", cursor=state.cursor, head=state.head, behind=state.head - state.cursor
        ), "sync-behind"
    return t("web.sync_ok", cursor=state.cursor, head=state.head), "sync-ok"


def _render(
    request: Request,
    template: str,
    *,
    status: int = 200,
    lang: Lang | None = None,
    api_url: str | None = None,
    **context: Any,
) -> Response:
    lang = lang or page_lang(request)
    t = web_translator(lang)
    banner, banner_class = _sync_banner(explorer_of(request), t)
    links = [(code, LANG_NAMES[code], _here(request, lang=code), code == lang) for code in LANGS]
    response = templates.TemplateResponse(
        request,
        template,
        {
            "t": t,
            "lang": lang,
            "lang_links": links,
            "banner": banner,
            "banner_class": banner_class,
            "api_url": api_url,
            # Paths, not absolute URLs: the pages stay right behind a proxy that rewrites the host.
            "url_for": lambda name, **params: str(request.app.url_path_for(name, **params)),
            "short": lambda address: short(address, t),
            "shares_text": shares_text,
            "pledge_sentence": lambda pledge, units=None: pledge_sentence(pledge, t, units),
            **context,
        },
        status_code=status,
        headers=_SECURITY_HEADERS,
    )
    if _asked_lang(request) == lang:  # remembered only when asked for by name (not a refused ?lang=)
        response.set_cookie(_COOKIE, lang, max_age=_YEAR, samesite="lax")
    return response


def error_page(request: Request, status: int, message: str) -> Response:
    """The page of a failed request: the status, the one-line reason (it names the field and the form expected)."""
    return _render(
        request,
        "error.html",
        status=status,
        lang=page_lang(request, strict=False),
        message=message,
        error_status=status,
    )


def _here(request: Request, **params: str | int) -> str:
    """This page's path and query with ``params`` set: a path from the site's root, never a protocol-relative link
    (a request for ``//other.example/x`` must not link to that site)."""
    url = request.url.include_query_params(**params)
    path = "/" + url.path.lstrip("/\\")
    return path + (f"?{url.query}" if url.query else "")


def _path(request: Request, name: str, **params: str) -> URL:
    """The path (no scheme nor host) of the route ``name``, to add a query to."""
    return URL(str(request.app.url_path_for(name, **params)))


TextQuery = Annotated[str | None, Query()]
#: Rights per page of a holder's page, and at most how many rights a page names (one index.right each).
_RIGHTS_PER_PAGE = 25
_NAMED_PER_PAGE = 60


@pages.get("/", response_class=HTMLResponse)
def home(request: Request, q: TextQuery = None) -> Response:
    page_lang(request)  # a bad ?lang= is refused before any work
    explorer = explorer_of(request)
    results = service.search_rights(explorer, q, 50) if q is not None and q.strip() else None
    api_url = None if results is None else str(_path(request, "get_search").include_query_params(q=results.query))
    return _render(request, "home.html", q=q or "", results=results, api_url=api_url)


@pages.get("/rights/{token}", response_class=HTMLResponse)
def right_page(
    request: Request,
    token: str,
    block: TextQuery = None,
    date: TextQuery = None,
    checkpoint: TextQuery = None,
) -> Response:
    lang = page_lang(request)
    t = web_translator(lang)
    explorer = explorer_of(request)
    token_id = explorer.resolve(token)
    at = explorer.block_of(block_param(block), date_param(date))
    trusted = checkpoint_param(checkpoint)
    record = service.right(explorer, token_id)
    index = explorer.index()
    events = service.history(explorer, token_id).events
    facts = right_facts(events, t)
    try:
        table = service.cap_table(explorer, token_id, at)
    except NotFoundError:
        table = None
    report = None if trusted is None else service.verify(explorer, token_id, trusted)
    return _render(
        request,
        "right.html",
        lang=lang,
        api_url=str(_path(request, "get_right", token=record.token_id_hex)),
        record=record,
        facts=facts,
        timeline=timeline_markup(record, events, index.vault, t),
        summary=summary_text(record, events, index.vault, t, table),
        units=share_units(table),
        table=table,
        cap_block=at if at is not None else index.cursor,
        block=block or "",
        date=date or "",
        checkpoint=trusted or "",
        report=report,
        known_checks={key for key in MESSAGES[lang] if key.startswith("check.")},
        verification=explorer.ledger is not None,
        bundle_url=None
        if trusted is None
        else str(
            _path(request, "get_proof_bundle", token=record.token_id_hex).include_query_params(checkpoint=trusted)
        ),
        bundle_name=None if report is None else service.bundle_name(token_id, report.checked_at_block),
    )


@pages.get("/holders/{address}", response_class=HTMLResponse)
def holder_page(
    request: Request, address: str, block: TextQuery = None, date: TextQuery = None, page: TextQuery = None
) -> Response:
    lang = page_lang(request)
    explorer = explorer_of(request)
    account = address_param(address)
    at = explorer.block_of(block_param(block), date_param(date))
    number = limit_param(page, default=1, maximum=10**6, field="page")
    held = service.portfolio(explorer, account, at)
    book = service.lender_book(explorer, account, held.block)
    pages_count = max(1, -(-len(held.rights) // _RIGHTS_PER_PAGE))
    if number > pages_count:
        raise BadParameterError("page", str(page), f"a page from 1 to {pages_count}")
    shown = held.rights[(number - 1) * _RIGHTS_PER_PAGE : number * _RIGHTS_PER_PAGE]
    # Each right named by its own rows (index.right), for the rights on this page and the few positions and loans.
    tokens = {right.token_id for right in shown} | {position.token_id for position in held.shares}
    tokens |= {pledge.token_id for pledge in [*held.pledges, *book.loans]}
    records = {}
    for token in sorted(tokens)[:_NAMED_PER_PAGE]:
        try:
            records[token] = service.right(explorer, token, held.block)
        except NotFoundError:
            continue
    return _render(
        request,
        "holder.html",
        lang=lang,
        api_url=str(_path(request, "get_portfolio", address=account)),
        held=held,
        units=share_units(positions=held.shares),
        shown=shown,
        page=number,
        pages_count=pages_count,
        page_url=lambda target: _here(request, page=target),
        book=book,
        records=records,
        block=block or "",
        date=date or "",
    )


@pages.get("/shares/{address}", response_class=HTMLResponse)
def share_page(request: Request, address: str, block: TextQuery = None, date: TextQuery = None) -> Response:
    lang = page_lang(request)
    explorer = explorer_of(request)
    token = address_param(address)
    at = explorer.block_of(block_param(block), date_param(date))
    view = service.share_token(explorer, token, at)
    try:
        record = service.right(explorer, view.token_id)
    except NotFoundError:
        record = None
    identities = {identity.account: identity for identity in view.identities}
    return _render(
        request,
        "share.html",
        lang=lang,
        api_url=str(_path(request, "get_share_token", address=token)),
        view=view,
        record=record,
        identities=identities,
        identities_shown=service.IDENTITIES_SHOWN,
        block=block or "",
        date=date or "",
    )
