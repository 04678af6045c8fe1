"""The REST API on a real chain: every route answers the SDK model as the CLI prints it with ``--json`` (token ids
as 0x strings with ``token_id_dec``): the answer fits the route's response schema in the app's own OpenAPI document,
is the JSON rule applied to the model (a round trip), and equals what the CLI prints for the same thing."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, get_args
from urllib.parse import quote

import pytest
from cn_support import cn_invention
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from ipledger import (
    CapTable,
    Ledger,
    LoanBook,
    NodeInfo,
    Portfolio,
    RightList,
    RightRecord,
    SourcedHistory,
    VerificationReport,
    json_document_schema,
    to_json_document,
    verify_bundle,
)
from ipledger.cli import app as cli_app
from ipledger.web import _service as service
from ipledger.web._api import api
from ipledger.web._explorer import BusyError, Verifications
from ipledger.web._json import JsonDocumentSchema
from ipledger.web._models import ExplorerStatus, SearchResults, ShareTokenView
from json_schema_support import resolve_ref, schema_errors
from pydantic import BaseModel
from share_support import ONE
from typer.testing import CliRunner
from web_support import (
    World,
    explorer_client,
    explorer_world,
    from_json_document,
    head_hash,
    openapi_response_model,
    openapi_response_schema,
)


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


@pytest.fixture(scope="module")
def client(ledger: Ledger, world: World) -> Iterator[TestClient]:
    with explorer_client(world.index_path, ledger, sync=False) as client:
        yield client


def _answer(client: TestClient, route: str, url: str, model: type[BaseModel]) -> Any:
    """GET ``url`` (of the route ``route``): a 200 whose JSON fits the route's response schema in ``/openapi.json``
    (the model it names) and is ``model`` as ``--json`` prints it (round trip through the JSON rule)."""
    response = client.get(url)
    assert response.status_code == 200, response.text
    answer = response.json()
    spec = client.get("/openapi.json").json()
    errors = schema_errors(answer, openapi_response_schema(spec, route), spec)
    assert not errors, f"{url} does not fit its OpenAPI schema: {errors[:5]}"
    parsed = model.model_validate(from_json_document(answer))
    assert to_json_document(parsed) == answer
    assert openapi_response_model(client, route) == model.__name__
    return parsed


def test_status(client: TestClient, world: World) -> None:
    status = _answer(client, "/api/status", "/api/status", ExplorerStatus)
    assert status.index is not None and status.index.cursor >= world.sold_block
    assert status.verification and not status.sync.enabled


@pytest.mark.parametrize(
    ("query", "which", "matched"),
    [
        pytest.param(lambda w: w.cn_number, "cn", "number", id="cn-application-number"),
        pytest.param(lambda w: w.cn_number.replace(" ", ""), "cn", "number", id="cn-number-without-spaces"),
        pytest.param(lambda w: w.cn_publication, "cn", "number", id="cn-publication"),
        pytest.param(lambda w: "浏览器检索的固态", "cn", "title", id="chinese-title"),
        pytest.param(lambda w: w.us_title.split()[-1], "us", "title", id="english-title"),
        pytest.param(lambda w: w.share_token, "cn", "share_token", id="share-token"),
        pytest.param(lambda w: hex(w.us_token), "us", "token_id", id="token-id-hex"),
    ],
)
def test_search(client: TestClient, world: World, query: Any, which: str, matched: str) -> None:
    text = query(world)
    found = _answer(client, "/api/search", f"/api/search?q={quote(text)}", SearchResults)
    token = world.cn_token if which == "cn" else world.us_token
    assert (token, matched) in [(hit.token_id, hit.matched) for hit in found.hits], found


def test_search_by_holder(client: TestClient, world: World, ledger: Ledger) -> None:
    found = _answer(client, "/api/search", f"/api/search?q={world.us_holder}", SearchResults)
    assert [(hit.token_id, hit.matched) for hit in found.hits] == [(world.us_token, "holder")]


def test_rights_filtered(client: TestClient, world: World) -> None:
    listed = _answer(client, "/api/rights", "/api/rights?kind=patent&jurisdiction=cn&status=active", RightList)
    tokens = [record.token_id for record in listed.rights]
    assert world.cn_token in tokens and world.us_token not in tokens
    before = _answer(client, "/api/rights", f"/api/rights?at_block={world.split_block - 1}&jurisdiction=US", RightList)
    assert world.us_token not in [record.token_id for record in before.rights]


def test_rights_come_in_pages(client: TestClient, world: World) -> None:
    everything = _answer(client, "/api/rights", "/api/rights?limit=1000", RightList)
    assert len(everything.rights) >= 2 and "link" not in client.get("/api/rights?limit=1000").headers
    first = client.get("/api/rights?limit=1")
    assert first.status_code == 200 and list(first.json()) == ["rights"] and len(first.json()["rights"]) == 1
    assert first.headers["link"] == '</api/rights?limit=1&offset=1>; rel="next"'
    tokens = []
    url: str | None = "/api/rights?limit=1"
    while url is not None:
        page = client.get(url)
        tokens += [record["token_id"] for record in page.json()["rights"]]
        link = page.headers.get("link")
        url = None if link is None else link.split(">", 1)[0].removeprefix("<")
    assert tokens == [hex(record.token_id) for record in everything.rights]  # 0x strings, as the CLI prints them
    cn = client.get("/api/rights?jurisdiction=CN&status=active&limit=1000").json()["rights"]
    second = client.get("/api/rights?jurisdiction=CN&status=active&limit=1&offset=1").json()["rights"]
    assert second == cn[1:2]
    default = client.get("/api/rights")
    assert len(default.json()["rights"]) == min(len(everything.rights), 100)


def test_an_unregistered_number_is_looked_up_in_the_index_only(
    client: TestClient, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def scan(*_: object) -> bool:
        raise AssertionError("the chain's logs were scanned for a request")

    monkeypatch.setattr(type(ledger.chain), "was_registered", scan)
    application, _, _ = cn_invention(9_876_543)
    answer = client.get(f"/api/rights/{quote(application)}")
    assert answer.status_code == 404 and "no right in the index" in answer.json()["detail"], answer.text


def test_a_right_by_token_id_or_number(client: TestClient, world: World, ledger: Ledger) -> None:
    expected = ledger.get(world.cn_token)
    for name in (hex(world.cn_token), str(world.cn_token), quote(world.cn_number), quote(world.cn_publication)):
        record = _answer(client, "/api/rights/{token}", f"/api/rights/{name}", RightRecord)
        assert record == expected, name
    assert record.title == world.cn_title and record.owner == ledger.deployment.vault


def test_history(client: TestClient, world: World, ledger: Ledger) -> None:
    history = _answer(
        client, "/api/rights/{token}/history", f"/api/rights/{hex(world.cn_token)}/history", SourcedHistory
    )
    assert history.source == "index"
    assert [event.kind for event in history.events] == [event.kind for event in ledger.history(world.cn_token).events]
    assert {"registered", "license_granted", "attested", "fractionalized", "loan_opened"} <= {
        event.kind for event in history.events
    }


def test_cap_table_at_a_block_and_a_date(client: TestClient, world: World, ledger: Ledger) -> None:
    route = "/api/rights/{token}/cap-table"
    dev1, dev2 = ledger.address_of("dev1"), ledger.address_of("dev2")
    split = _answer(client, route, f"/api/rights/{world.cn_token}/cap-table?block={world.split_block}", CapTable)
    assert [(holding.account, holding.balance) for holding in split.holders] == [(dev1, 1_000 * ONE)]
    now = _answer(client, route, f"/api/rights/{world.cn_token}/cap-table", CapTable)
    assert now == ledger.shares.cap_table(world.cn_token, block=now.block)
    lines = {holding.account: (holding.balance, holding.pledged) for holding in now.holders}
    assert lines[dev1] == (650 * ONE, 100 * ONE) and lines[dev2] == (250 * ONE, 0)
    # The day after the indexed head's (the session's chain runs ahead of the wall clock after time-travelling tests).
    after = dt.datetime.fromtimestamp(ledger.chain.block_time(now.block), dt.UTC).date() + dt.timedelta(days=1)
    dated = _answer(client, route, f"/api/rights/{world.cn_token}/cap-table?date={after}", CapTable)
    assert dated.holders == now.holders


def test_portfolio_and_book(client: TestClient, world: World, ledger: Ledger) -> None:
    dev1, dev2, dev6 = (ledger.address_of(name) for name in ("dev1", "dev2", "dev6"))
    assigned = _answer(
        client, "/api/holders/{address}/portfolio", f"/api/holders/{world.us_holder}/portfolio", Portfolio
    )
    assert [right.token_id for right in assigned.rights] == [world.us_token]
    held = _answer(client, "/api/holders/{address}/portfolio", f"/api/holders/{dev2}/portfolio", Portfolio)
    assert (world.cn_token, 250 * ONE) in [(position.token_id, position.balance) for position in held.shares]
    then = _answer(
        client,
        "/api/holders/{address}/portfolio",
        f"/api/holders/{dev2}/portfolio?block={world.split_block}",
        Portfolio,
    )
    assert world.cn_token not in [position.token_id for position in then.shares]
    borrower = _answer(client, "/api/holders/{address}/portfolio", f"/api/holders/{dev1.lower()}/portfolio", Portfolio)
    assert {world.shares_loan, world.right_loan} <= {pledge.loan_id for pledge in borrower.pledges}
    book = _answer(client, "/api/lenders/{address}/book", f"/api/lenders/{dev6}/book", LoanBook)
    assert {world.shares_loan, world.right_loan} <= {loan.loan_id for loan in book.live}


def test_share_token(client: TestClient, world: World, ledger: Ledger) -> None:
    view = _answer(client, "/api/shares/{address}", f"/api/shares/{world.share_token}", ShareTokenView)
    assert view.token_id == world.cn_token and view.cap_table.symbol == world.share_symbol
    assert view.info is not None and view.info.symbol == world.share_symbol and view.rules is not None
    accounts = [holding.account for holding in view.cap_table.holders]
    assert [identity.account for identity in view.identities] == accounts
    assert {ledger.address_of("dev1"): True} == {
        identity.account: identity.eligible
        for identity in view.identities
        if identity.account == ledger.address_of("dev1")
    }


def test_trusted_verification_and_its_proof_bundle(
    client: TestClient, world: World, ledger: Ledger, tmp_path: Path
) -> None:
    checkpoint = head_hash(ledger)
    route = "/api/rights/{token}/verify"
    report = _answer(client, route, f"/api/rights/{world.us_token}/verify?checkpoint={checkpoint}", VerificationReport)
    assert report.verdict == "verified", report.checks
    assert {"checkpoint", "state_proof", "history", "owner_proof"} <= {check.name for check in report.checks}
    bundle = client.get(f"/api/rights/{world.us_token}/proof-bundle?checkpoint={checkpoint}")
    assert bundle.status_code == 200 and bundle.headers["content-type"].startswith("application/json")
    name = f"proof-bundle-{hex(world.us_token)}-{report.checked_at_block}.json"
    assert bundle.headers["content-disposition"] == f'attachment; filename="{name}"'
    path = tmp_path / name
    path.write_bytes(bundle.content)
    rechecked = verify_bundle(path, checkpoint)
    assert rechecked.verdict == "verified" and rechecked.token_id == world.us_token


def test_a_page_and_its_bundle_share_one_verification(
    ledger: Ledger, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs: list[object] = []
    verify = type(ledger.audit).verify

    def counted(self: object, *args: Any, **options: Any) -> Any:
        runs.append(options.get("index"))
        return verify(self, *args, **options)  # type: ignore[arg-type]

    monkeypatch.setattr(type(ledger.audit), "verify", counted)
    checkpoint = head_hash(ledger)
    with explorer_client(world.index_path, ledger, sync=False) as client:
        page = client.get(f"/rights/{hex(world.us_token)}?checkpoint={checkpoint}")
        bundle = client.get(f"/api/rights/{hex(world.us_token)}/proof-bundle?checkpoint={checkpoint}")
        report = client.get(f"/api/rights/{world.us_token}/verify?checkpoint={checkpoint}")
    assert page.status_code == bundle.status_code == report.status_code == 200
    assert len(runs) == 1 and runs[0] is not None  # one run, with the index, as verify's


def test_verifications_run_a_few_at_a_time() -> None:
    import threading

    runs = Verifications(at_once=1)
    started, release = threading.Event(), threading.Event()

    def slow() -> str:
        started.set()
        release.wait(10)
        return "slow"

    worker = threading.Thread(target=lambda: runs.run("a", slow))
    worker.start()
    assert started.wait(10)
    with pytest.raises(BusyError):
        runs.run("b", lambda: "b")
    release.set()
    worker.join(10)
    assert runs.run("a", lambda: "again") == "slow" and runs.run("b", lambda: "b") == "b"
    for key in range(10):
        with pytest.raises(ZeroDivisionError):
            runs.run(key, lambda: 1 // 0)
    assert not runs._running  # failed runs are neither kept nor leave a lock behind


def test_a_busy_server_asks_to_retry(
    client: TestClient, world: World, ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    def busy(*_: object) -> None:
        raise BusyError("the server is running other verifications: try again in a few seconds")

    monkeypatch.setattr(client.app.state.explorer.verifications, "run", busy)  # type: ignore[attr-defined]
    answer = client.get(f"/api/rights/{world.us_token}/verify?checkpoint={head_hash(ledger)}")
    assert answer.status_code == 503 and answer.headers["retry-after"] == str(BusyError.retry_after)
    assert "other verifications" in answer.json()["detail"]


def test_identities_are_asked_for_the_largest_holders_only(
    client: TestClient, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(service, "IDENTITIES_SHOWN", 1)
    view = client.get(f"/api/shares/{world.share_token}").json()
    largest = max(view["cap_table"]["holders"], key=lambda holding: int(holding["balance"]))
    assert len(view["cap_table"]["holders"]) > 1
    assert [identity["account"] for identity in view["identities"]] == [largest["account"]]
    page = client.get(f"/shares/{world.share_token}?lang=en")
    assert 'id="identities-capped"' in page.text and "the 1 largest holders" in page.text


def test_token_ids_are_0x_strings_with_their_decimal_beside(client: TestClient, world: World) -> None:
    record = client.get(f"/api/rights/{world.cn_token}").json()
    assert (record["token_id"], record["token_id_dec"]) == (hex(world.cn_token), str(world.cn_token))
    assert "token_id_hex" not in record
    listed = client.get("/api/rights?jurisdiction=CN").json()["rights"]
    assert (hex(world.cn_token), str(world.cn_token)) in [
        (right["token_id"], right["token_id_dec"]) for right in listed
    ]
    spec = json.dumps(client.get("/openapi.json").json()["components"])
    assert "token_id_hex" not in spec and '"token_id_dec"' in spec


def _inline(schema: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """``schema`` with every ``$ref`` replaced by what it points at in ``root``, without defaults (FastAPI's
    response schemas carry none: an answer holds every field anyway)."""
    assert depth < 50, "a recursive schema"
    if isinstance(schema, list):
        return [_inline(item, root, depth + 1) for item in schema]
    if not isinstance(schema, dict):
        return schema
    if "$ref" in schema:
        return _inline(resolve_ref(schema["$ref"], root), root, depth + 1)
    return {key: _inline(item, root, depth + 1) for key, item in schema.items() if key not in ("$defs", "default")}


def test_the_openapi_schemas_are_the_cli_s(client: TestClient) -> None:
    """Each route's response schema in ``/openapi.json`` is the one ``ipledger schema`` derives from its model."""
    spec = client.get("/openapi.json").json()
    routes = [route for route in api.routes if isinstance(route, APIRoute) and route.include_in_schema]
    models = {route.path: route.response_model for route in routes if route.response_model is not None}
    assert len(models) >= 10, models
    for path, annotated in models.items():
        model, marker = get_args(annotated)
        assert isinstance(marker, JsonDocumentSchema), path
        expected = json_document_schema(model)
        assert _inline(openapi_response_schema(spec, path), spec) == _inline(expected, expected), path


@pytest.fixture(scope="module")
def cli_json(anvil_node: NodeInfo, ledger: Ledger, tmp_path_factory: pytest.TempPathFactory) -> Callable[..., Any]:
    """Runs ``ipledger ARGS --json`` against the session chain and returns what it printed."""
    deployment = ledger.deployment
    env = {
        "IPLEDGER_HOME": str(tmp_path_factory.mktemp("cli-home")),
        "IPLEDGER_VAULT": deployment.vault or "",
        "IPLEDGER_DESK": deployment.desk or "",
    }
    chain = ["--rpc-url", anvil_node.rpc_url, "--registry", ledger.contracts.registry_address]

    def run(*argv: str) -> Any:
        result = CliRunner().invoke(cli_app, [*argv, *chain, "--json"], env=env)
        assert result.exit_code == 0, (argv, result.stderr, result.exception)
        return json.loads(result.stdout)

    return run


def test_the_api_answers_what_the_cli_prints(
    client: TestClient, world: World, ledger: Ledger, cli_json: Callable[..., Any]
) -> None:
    index = ("--index-url", str(world.index_path))
    block, split = str(client.get("/api/status").json()["index"]["cursor"]), str(world.split_block)
    cn = hex(world.cn_token)
    dev2, dev6 = ledger.address_of("dev2"), ledger.address_of("dev6")
    pairs = {
        f"/api/rights/{cn}/history": ("index", "history", cn, *index),
        f"/api/holders/{dev2}/portfolio?block={block}": ("index", "portfolio", dev2, "--block", block, *index),
        f"/api/lenders/{dev6}/book?block={block}": ("index", "book", dev6, "--block", block, *index),
        "/api/rights?jurisdiction=CN&kind=patent": ("index", "rights", "--jurisdiction=CN", "--kind=patent", *index),
        f"/api/rights/{cn}/cap-table?block={block}": ("shares", "cap-table", cn, "--block", block),
        f"/api/rights/{cn}/cap-table?block={split}": ("shares", "cap-table", cn, "--block", split),
        f"/api/rights/{cn}": ("show", cn),
    }
    # The one field told otherwise: how far the index is behind the chain head. The CLI asks the node; the server
    # says what its last sync saw (no request to the node per answer), nothing here where it does not sync.
    behind = {f"/api/rights/{cn}/history": "index_behind"}
    for url, argv in pairs.items():
        response = client.get(url)
        assert response.status_code == 200, (url, response.text)
        answer, printed = response.json(), cli_json(*argv)
        if url in behind:
            assert answer.pop(behind[url]) is None and isinstance(printed.pop(behind[url]), int), url
        assert answer == printed, url
