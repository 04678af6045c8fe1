"""--confirmations N: a command that sends returns once its transaction's block is N deep, says on stderr when a
reorganization dropped it and it was sent again, and fails in one line when another transaction took its nonce. The
session chain is moved on (and reorganized, only over the blocks made during the test) by tests/sdk/reorg_support.py."""

from __future__ import annotations

import json

from cli_support import Chain, Patent, Run, assert_one_line_error
from ipledger import dev_account
from reorg_support import driven_chain
from web3 import Web3


def test_confirmations_below_one_are_refused_before_anything_is_sent(cli: Run, patent: Patent) -> None:
    result = cli("register", *patent.options, "--confirmations", "0")
    assert result.exit_code == 2 and "--confirmations" in result.stderr


def test_register_waits_for_the_confirmations_given_before_or_after_the_command(
    cli: Run, chain: Chain, patent: Patent
) -> None:
    with driven_chain(chain.node.rpc_url, dev_account(0).account) as driven:
        result = cli("register", *patent.options, "--json", "--confirmations", "3")
    assert driven.errors == []
    assert result.exit_code == 0, (result.stderr, result.exception)
    block = json.loads(result.stdout)["block"]
    assert driven.dropped_block is None and "reorganization" not in result.stderr
    # Returned only once two blocks were built on it: the driver made them (automine makes none by itself).
    assert Web3(Web3.HTTPProvider(chain.node.rpc_url)).eth.block_number >= block + 2


def test_a_transaction_a_reorganization_dropped_is_sent_again_and_said_so(
    cli: Run, chain: Chain, patent: Patent
) -> None:
    with driven_chain(chain.node.rpc_url, dev_account(0).account, reorg="drop") as driven:
        result = cli("--confirmations", "2", "register", *patent.options, "--json")
    assert driven.errors == [] and driven.dropped_block is not None
    assert result.exit_code == 0, (result.stderr, result.exception)
    printed = json.loads(result.stdout)
    assert f"dropped the transaction {printed['tx_hash']} from block {driven.dropped_block}" in result.stderr
    assert "sent the same signed transaction again" in result.stderr


def test_a_dropped_transaction_whose_nonce_another_took_is_a_one_line_error(
    cli: Run, chain: Chain, patent: Patent
) -> None:
    with driven_chain(chain.node.rpc_url, dev_account(0).account, reorg="take_nonce") as driven:
        result = cli("register", *patent.options, "--confirmations", "3", env={"IPLEDGER_CONFIRMATIONS": "1"})
    assert driven.errors == []
    assert_one_line_error(result, "which a reorganization of the chain replaced", "is now used by another transaction")
