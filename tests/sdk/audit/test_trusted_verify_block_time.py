"""The trusted verify on a chain with block times (anvil --block-time 1): several events may share a block, the
checkpoint is a mined block the client waited for, and the proofs hold as on an instantly mining node."""

from __future__ import annotations

from pathlib import Path

import pytest
from ipledger import IPMetadata, Ledger, start_node, stop_node


@pytest.mark.anvil
@pytest.mark.slow
def test_trusted_verify_with_one_second_blocks(patent: tuple[IPMetadata, list[Path]], tmp_path: Path) -> None:
    node = start_node(block_time=1)
    try:
        ledger = Ledger.connect(node.rpc_url, account="dev0")
        ledger.deploy()
        token = ledger.register(*patent, to="dev1").token_id
        deed = tmp_path / "deed.txt"
        deed.write_text("deed of assignment", "utf-8")
        ledger.use("dev1").rights.assign(token, "dev2", deed)
        ledger.rights.freeze(token, b"\x01" * 32)
        ledger.rights.unfreeze(token, b"\x02" * 32)
        checkpoint = "0x" + bytes(ledger.chain.w3.eth.get_block("latest")["hash"]).hex()
        report = ledger.verify(token, trust_block_hash=checkpoint)
        checks = {check.name: check for check in report.checks}
        assert report.verdict == "verified", [check for check in report.checks if not check.ok]
        assert checks["history"].ok and checks["owner_proof"].ok
        assert report.record is not None and report.record.owner == ledger.address_of("dev2")
    finally:
        stop_node(node.pid)
