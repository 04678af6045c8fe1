"""The server's trusted verification through a lying node: the node withholds the assignment in ``eth_getLogs``;
the verification the server runs against the user's checkpoint says so (inconclusive, the history check failed)
and the page shows it, while an honest node verifies."""

from __future__ import annotations

import pytest
from chain_support import reader_through
from ipledger import Ledger, NodeInfo
from ipledger.chain._events import TOPIC_OF
from rpc_proxy import lying_proxy
from web_support import World, explorer_client, explorer_world, head_hash


@pytest.fixture(scope="module")
def world(ledger: Ledger, investors: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> World:
    return explorer_world(ledger, tmp_path_factory.mktemp("web"))


def test_the_server_s_verification_fails_through_a_lying_node(
    anvil_node: NodeInfo, ledger: Ledger, world: World
) -> None:
    checkpoint = head_hash(ledger)
    url = f"/api/rights/{hex(world.us_token)}/verify?checkpoint={checkpoint}"
    with explorer_client(world.index_path, reader_through(anvil_node.rpc_url, ledger), sync=False) as honest:
        assert honest.get(url).json()["verdict"] == "verified"
    with lying_proxy(anvil_node.rpc_url, lie="drop", topic=TOPIC_OF["Assigned"]) as (proxy_url, proxy):
        lied_to = explorer_client(world.index_path, reader_through(proxy_url, ledger), sync=False)
        with lied_to as client:
            report = client.get(url).json()
            page = client.get(f"/rights/{hex(world.us_token)}?checkpoint={checkpoint}&lang=zh-Hans")
    assert proxy.lies_told > 0
    assert report["verdict"] == "inconclusive" and report["record"] is None
    assert [check["name"] for check in report["checks"] if not check["ok"]] == ["history"]
    assert page.status_code == 200 and 'data-verdict="inconclusive"' in page.text and "无法确证" in page.text
    assert "由服务器验证（您信任服务器）" in page.text and "自行核验（您只信任检查点）" in page.text
