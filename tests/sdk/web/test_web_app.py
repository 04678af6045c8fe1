"""The app as a whole: bad input gets a 4xx with a one-line reason naming the field (JSON under /api, a page that
says what was expected elsewhere), a read never changes the index, and the API documentation page loads with
assets the app serves itself."""

from __future__ import annotations

import base64
import hashlib
import inspect
import json
import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from ipledger import AccountError, InvalidInputError, Ledger, NodeError
from ipledger.web import _service as service
from ipledger.web import create_app
from web_support import World, explorer_client, explorer_world, head_hash, index_checksum

ZERO_HASH = "0x" + "00" * 32


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(ledger: Ledger, world: World) -> Iterator[TestClient]:
    with explorer_client(world.index_path, ledger, sync=False) as client:
        yield client


#: (url, status, the words the reason must hold); ``{cn}`` is the Chinese right's token id, ``{dev1}`` an account.
BAD_API = [
    ("/api/rights/not-a-number", 400, "token: 'not-a-number'"),
    ("/api/rights/0xZZ", 400, "token:"),
    ("/api/rights/ZL 2020 1 0000001.9", 400, "token:"),
    ("/api/rights/77", 404, "0x4d"),
    ("/api/rights/{cn}/cap-table?block=twelve", 400, "block: 'twelve'"),
    ("/api/rights/{cn}/cap-table?block=-1", 400, "block: '-1'"),
    ("/api/rights/{cn}/cap-table?block=99999999", 400, "the last block indexed"),
    ("/api/rights/{cn}/cap-table?block=0x" + "f" * 4000, 400, "block: '0xffff"),
    ("/api/rights?limit=1001", 400, "limit: '1001'"),
    ("/api/rights?offset=-3", 400, "offset: '-3'"),
    ("/api/rights/{cn}/cap-table?date=2024-13-40", 400, "date: '2024-13-40'"),
    ("/api/rights/{cn}/cap-table?block=1&date=2024-01-01", 400, "either a block or a date"),
    ("/api/holders/0x1234/portfolio", 400, "address: '0x1234'"),
    ("/api/lenders/dev1/book", 400, "address: 'dev1'"),
    ("/api/shares/{dev1}", 404, "not a share token"),
    ("/api/rights?kind=spaceship", 400, "kind: 'spaceship'"),
    ("/api/rights?jurisdiction=CHN", 400, "jurisdiction: 'CHN'"),
    ("/api/rights?status=asleep", 400, "status: 'asleep'"),
    ("/api/rights?at=yesterday", 400, "at: 'yesterday'"),
    ("/api/search?q=", 400, "q:"),
    ("/api/search?q=ZL&limit=0", 400, "limit: '0'"),
    ("/api/search?q=" + "专利" * 200, 400, "200"),
    ("/api/rights/{cn}/verify", 400, "checkpoint:"),
    ("/api/rights/{cn}/verify?checkpoint=0x1234", 400, "checkpoint: '0x1234'"),
    ("/api/rights/{cn}/verify?checkpoint=" + ZERO_HASH, 404, "checkpoint:"),
    ("/api/rights/{cn}/proof-bundle?checkpoint=abc", 400, "checkpoint: 'abc'"),
    ("/api/no-such-route", 404, "Not Found"),
]


def _short(url: str) -> str:
    return url if len(url) <= 80 else url[:80] + "..."


def _url(template: str, world: World, ledger: Ledger) -> str:
    return template.replace("{cn}", hex(world.cn_token)).replace("{dev1}", ledger.address_of("dev1"))


@pytest.mark.parametrize(("url", "status", "words"), BAD_API, ids=[_short(case[0]) for case in BAD_API])
def test_bad_input_to_the_api(
    client: TestClient, world: World, ledger: Ledger, url: str, status: int, words: str
) -> None:
    response = client.get(_url(url, world, ledger))
    assert response.status_code == status, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail and words in detail, detail


BAD_PAGES = [
    ("/rights/not-a-number", 400, "token: 'not-a-number'"),
    ("/rights/77", 404, "is not a right in the index"),
    ("/rights/{cn}?block=twelve", 400, "block: 'twelve'"),
    ("/rights/{cn}?date=31/12/2024", 400, "date: '31/12/2024'"),
    ("/rights/{cn}?checkpoint=0xabc", 400, "checkpoint: '0xabc'"),
    ("/rights/{cn}?block=0x" + "f" * 4000, 400, "block: '0xffff"),
    ("/rights/{cn}?lang=fr", 400, "lang: 'fr'"),
    ("/holders/0xnothex", 400, "address: '0xnothex'"),
    ("/holders/{dev1}?block=1&date=2024-01-01", 400, "either a block or a date"),
    ("/shares/{dev1}", 404, "not a share token"),
    ("/no-such-page", 404, "Not Found"),
]


@pytest.mark.parametrize(("url", "status", "words"), BAD_PAGES, ids=[_short(case[0]) for case in BAD_PAGES])
def test_bad_input_to_the_pages(
    client: TestClient, world: World, ledger: Ledger, url: str, status: int, words: str
) -> None:
    response = client.get(_url(url, world, ledger), headers={"accept-language": "en"})
    assert response.status_code == status, response.text[-1000:]
    assert response.headers["content-type"].startswith("text/html")
    found = re.search(r'<p class="error-message" id="error-message">(.*?)</p>', response.text, re.S)
    assert found is not None and "\n" not in found.group(1)
    assert "Reason:" in found.group(1) and words.replace("'", "&#39;") in found.group(1), found.group(1)


def test_a_read_never_changes_the_index(client: TestClient, world: World, ledger: Ledger) -> None:
    before = index_checksum(world.index_path)
    dev1, dev2 = ledger.address_of("dev1"), ledger.address_of("dev2")
    checkpoint = head_hash(ledger)
    token = hex(world.cn_token)
    urls = [
        "/api/status",
        f"/api/search?q={world.cn_number}",
        "/api/rights",
        f"/api/rights/{token}",
        f"/api/rights/{token}/history",
        f"/api/rights/{token}/cap-table?block={world.split_block}",
        f"/api/holders/{dev2}/portfolio",
        f"/api/lenders/{dev1}/book",
        f"/api/shares/{world.share_token}",
        f"/api/rights/{hex(world.us_token)}/verify?checkpoint={checkpoint}",
        f"/api/rights/{hex(world.us_token)}/proof-bundle?checkpoint={checkpoint}",
        "/",
        "/?q=浏览器",
        f"/rights/{token}?date=2099-01-01",
        f"/holders/{dev2}",
        f"/shares/{world.share_token}",
        "/rights/not-a-number",
    ]
    for url in urls:
        assert client.get(url).status_code < 500, url
    assert index_checksum(world.index_path) == before


def test_the_api_docs_use_only_local_assets(client: TestClient) -> None:
    page = client.get("/api/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assets = re.findall(r'(?:src|href)=["\']([^"\']+)["\']', page.text)
    urls = re.findall(r"https?://[^\s\"'<>]+", page.text)
    assert assets and all(asset.startswith("/") for asset in assets), assets
    assert urls == [], urls
    assert "url: '/api/docs/openapi-3.0.json'" in page.text
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    spec = client.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1") and "/api/rights/{token}/verify" in spec["paths"]
    # The bundled Swagger UI (4.x) renders OpenAPI 3.0: the page reads the same document in 3.0's spelling.
    shown = client.get("/api/docs/openapi-3.0.json").json()
    assert shown["openapi"] == "3.0.3" and shown["paths"].keys() == spec["paths"].keys()
    assert shown["components"]["schemas"].keys() == spec["components"]["schemas"].keys()
    assert '"type": "null"' not in json.dumps(shown) and '"nullable": true' in json.dumps(shown)


def test_the_api_docs_serve_only_their_own_assets_under_a_policy(client: TestClient) -> None:
    page = client.get("/api/docs")
    policy = page.headers["content-security-policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'none'" and directives["connect-src"] == "'self'"
    assert "http" not in policy and "*" not in policy and "unsafe-eval" not in policy
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    hashes = {f"'sha256-{base64.b64encode(hashlib.sha256(code.encode()).digest()).decode()}'" for code in inline}
    assert inline and directives["script-src"].split() == ["'self'", *sorted(hashes)]
    # The package's demo page and initialiser read petstore.swagger.io and offer to explore any URL: not served.
    for name in ("index.html", "swagger-initializer.js", "oauth2-redirect.html", "index.j2", "swagger-ui.js", "x"):
        assert client.get(f"/api/docs-assets/{name}").status_code == 404, name
    assert client.get("/api/docs-assets/swagger-ui-bundle.js").headers["content-type"].startswith("text/javascript")


def test_language_links_never_leave_the_site(client: TestClient) -> None:
    for path in ("//evil.example/x", "/\\evil.example/x", "///evil.example/x"):
        page = client.get(f"http://testserver{path}", headers={"accept-language": "en"})
        assert page.status_code == 404
        links = re.findall(r'href="([^"]*lang=[^"]*)"', page.text)
        assert links and all(link.startswith("/") and link[1] not in "/\\" for link in links), links


def test_the_status_names_the_database_not_its_location(client: TestClient, world: World) -> None:
    index = client.get("/api/status").json()["index"]
    assert index["path"] == "sqlite" and str(world.index_path.parent) not in json.dumps(index)


def test_the_error_handlers_run_in_the_thread_pool(client: TestClient) -> None:
    """An error page reads the index (its sync banner): its handler is a plain function, off the event loop."""
    handlers = client.app.exception_handlers  # type: ignore[attr-defined]
    ours = {error: handler for error, handler in handlers.items() if handler.__module__.startswith("ipledger")}
    assert Exception in ours and not [error for error, handler in ours.items() if inspect.iscoroutinefunction(handler)]


@pytest.fixture
def failing(ledger: Ledger, world: World) -> Iterator[TestClient]:
    """A client whose unexpected failures answer as a public server's would (no exception raised into the test)."""
    with TestClient(create_app(world.index_path, ledger, sync=False), raise_server_exceptions=False) as client:
        yield client


SECRET_NODE = "https://node.example/v3/secret-api-key"


@pytest.mark.parametrize(
    ("failure", "status", "words"),
    [
        (NodeError("eth_call: cannot reach the node: ConnectTimeout", endpoint=SECRET_NODE), 502, "cannot reach"),
        (AccountError("no account named dev99"), 500, "no account named dev99"),
        (RuntimeError("a bug"), 500, "internal error"),
    ],
    ids=["node", "account", "bug"],
)
def test_unexpected_failures_answer_one_line_without_the_node_url(
    failing: TestClient, world: World, monkeypatch: pytest.MonkeyPatch, failure: Exception, status: int, words: str
) -> None:
    def fail(*_: object, **__: object) -> None:
        raise failure

    monkeypatch.setattr(service, "right", fail)
    answer = failing.get(f"/api/rights/{hex(world.cn_token)}")
    assert answer.status_code == status and answer.headers["content-type"].startswith("application/json")
    detail = answer.json()["detail"]
    assert words in detail and "\n" not in detail and "secret" not in detail and "a bug" not in detail, detail
    page = failing.get(f"/rights/{hex(world.cn_token)}", headers={"accept-language": "en"})
    assert page.status_code == status and page.headers["content-type"].startswith("text/html")
    assert words in page.text and "secret" not in page.text and "Traceback" not in page.text


def test_the_node_url_never_reaches_a_client(failing: TestClient, ledger: Ledger, world: World) -> None:
    endpoint = str(ledger.chain.rpc.endpoint)
    explorer = failing.app.state.explorer  # type: ignore[attr-defined]
    said = explorer.reason(AccountError(f"the node {endpoint} refused the account"))
    assert endpoint not in said and said == "the node the node refused the account"
    elsewhere = InvalidInputError(f"the index {world.index_path} is not the index of this registry")
    assert explorer.reason(elsewhere) == "the index [sqlite] is not the index of this registry"
