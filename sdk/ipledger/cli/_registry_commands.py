"""Commands that set up a registry: deploy and grant-role."""

from __future__ import annotations

from typing import Annotated, Any

import requests
import typer
from web3.exceptions import Web3Exception

from .._ledger import Ledger, save_local_registry
from .._models import TransactionResult
from ._context import Target, open_ledger
from ._options import AccountArg, FromOpt, JsonOpt, Network, NetworkOpt, RegistryOpt, Role, RpcUrlOpt
from ._output import Output
from ._render import details_lines, tx_line

__all__ = ["deploy", "deployment_transaction", "grant_role"]

AdminOpt = Annotated[
    str | None,
    typer.Option(
        "--admin",
        metavar="ACCOUNT",
        help="Who gets the admin, registrar and guardian roles (default: the deploying --from account).",
    ),
]
RoleArg = Annotated[Role, typer.Argument(metavar="ROLE", help="Role to grant.", case_sensitive=False)]


def deployment_transaction(ledger: Ledger, address: str) -> TransactionResult | None:
    """The transaction that created ``address``, looked up in the latest block (anvil mines one per block)."""
    try:
        block = ledger.w3.eth.get_block("latest", full_transactions=True)
        for transaction in block["transactions"]:
            if isinstance(transaction, bytes) or transaction.get("to") is not None:
                continue
            receipt = ledger.w3.eth.get_transaction_receipt(transaction["hash"])
            if str(receipt["contractAddress"]).lower() == address.lower():
                return TransactionResult(
                    tx_hash="0x" + bytes(receipt["transactionHash"]).hex(),
                    block=int(receipt["blockNumber"]),
                    gas_used=int(receipt["gasUsed"]),
                )
    except (Web3Exception, requests.RequestException, KeyError, TypeError, ValueError):
        return None
    return None


def deploy(
    admin: AdminOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Deploy a new registry; the deployer (or --admin) becomes its admin, registrar and guardian.

    On the local network the new registry also becomes the one later commands use by default
    (recorded in $IPLEDGER_HOME/local/deployment.json). On other chains pass its address as --registry.

    With --json prints {"registry", "chain_id", "rpc_url", "deployer", "admin", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    target = Target(network, rpc_url, None, account)
    session = open_ledger(target, out, needs_registry=False)
    ledger = session.ledger
    signer = session.signer()
    admin_address = ledger.address_of(admin) if admin else signer.address
    with out.progress("Deploying the registry…"):
        address = ledger.deploy(admin=admin_address)
    if target.is_local:
        save_local_registry(address, ledger.chain_id)
    transaction = deployment_transaction(ledger, address)
    payload: dict[str, Any] = {
        "registry": address,
        "chain_id": ledger.chain_id,
        "rpc_url": ledger.rpc_url,
        "deployer": signer.address,
        "admin": admin_address,
        "tx_hash": transaction.tx_hash if transaction else None,
        "block": transaction.block if transaction else None,
        "gas_used": transaction.gas_used if transaction else None,
    }

    def human() -> None:
        names = session.names
        out.line(
            f"Deployed a registry at {address} on chain {ledger.chain_id}; "
            f"{names.label(admin_address)} holds the admin, registrar and guardian roles."
        )
        out.line(
            details_lines(
                [
                    ("Registry", address),
                    ("Chain", f"{ledger.chain_id} at {ledger.rpc_url}"),
                    ("Deployer", names.label(signer.address, full=True)),
                    ("Admin", names.label(admin_address, full=True)),
                ]
            )
        )
        if transaction is not None:
            out.line(tx_line(transaction))
        if target.is_local:
            out.note("The local network now uses this registry by default.")
        else:
            out.note(f"Use it with: --rpc-url {ledger.rpc_url} --registry {address}")

    out.result(payload, human)


def grant_role(
    role: RoleArg,
    member: AccountArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    registry: RegistryOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Grant ROLE (admin, registrar or guardian) to ACCOUNT; --from must be an admin.

    Registrars register rights, freeze and unfreeze them and order forced transfers.

    With --json prints {"role", "account", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    session = open_ledger(Target(network, rpc_url, registry, account), out)
    ledger = session.ledger
    session.signer()
    address = ledger.address_of(member)
    with out.progress(f"Granting {role.value}…"):
        result = ledger.grant_role(role.value, address)
    payload = {"role": role.value, "account": address, **result.model_dump(mode="json")}

    def human() -> None:
        out.line(f"Granted the {role.value} role to {session.names.label(address)}.")
        out.line(tx_line(result))

    out.result(payload, human)
