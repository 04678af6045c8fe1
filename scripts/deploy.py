"""Deploy the IPRegistry.

Two ways to run it:

``brownie run scripts/deploy.py``
    Deploys from ``accounts[0]`` on Brownie's active network (``development``, anvil, by default) and prints
    the address. The constructor gives the deployer the admin, registrar and guardian roles; nothing else is
    granted.

``python scripts/deploy.py --rpc-url URL [--from devN|env:NAME|KEYSTORE] [--chain-id ID]``
    Deploys the artifact shipped with the ipledger SDK through web3 alone (Brownie is never imported) and
    prints only the address on stdout; errors go to stderr as one line, with exit status 1.
    ``--from`` defaults to ``$IPLEDGER_PRIVATE_KEY``, else ``dev0`` on a local chain (id 31337). A keystore's
    password comes from ``$IPLEDGER_KEYSTORE_PASSWORD`` or a hidden prompt. With ``--chain-id`` a node reporting
    another chain id is refused before anything is signed or sent.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from collections.abc import Sequence


def main() -> str:
    """Brownie entry point: deploys from ``accounts[0]`` and returns the registry's address."""
    # The project's contract containers are injected into `brownie` by `brownie run`; plain Python never gets here.
    from brownie import IPRegistry, accounts  # type: ignore[attr-defined]

    deployer = accounts[0]
    registry = IPRegistry.deploy(deployer, {"from": deployer})
    print(f"IPRegistry deployed at {registry.address}")
    return str(registry.address)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="deploy.py", description="Deploy the ipledger IPRegistry and print its address."
    )
    parser.add_argument("--rpc-url", required=True, help="JSON-RPC endpoint, http:// or https://")
    parser.add_argument(
        "--from",
        dest="account",
        metavar="ACCOUNT",
        help="devN (local chain only), env:NAME (hex key in $NAME) or a keystore file; "
        "default: $IPLEDGER_PRIVATE_KEY, else dev0 on a local chain",
    )
    parser.add_argument(
        "--chain-id",
        type=int,
        metavar="ID",
        help="chain id the node must report (refused before anything is signed or sent otherwise)",
    )
    return parser.parse_args(argv)


def _prompt(label: str) -> str:
    return getpass.getpass(f"{label}: ")  # never echoes; prompts on the terminal, not stdout


def cli(argv: Sequence[str] | None = None) -> int:
    """Plain-Python entry point; returns the exit status."""
    args = _parse_args(argv)
    from ipledger import IPLedgerError, Ledger

    try:
        ledger = Ledger.connect(
            args.rpc_url,
            account=args.account,
            password_prompt=_prompt,
            chain_id=args.chain_id,
            chain_id_source=None if args.chain_id is None else "--chain-id",
        )
        address = ledger.deploy()
    except IPLedgerError as exc:
        print(f"deploy.py: error: {exc}", file=sys.stderr)
        return 1
    print(address)
    return 0


if __name__ == "__main__":
    sys.exit(cli())
