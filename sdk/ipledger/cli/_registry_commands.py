"""Commands that set up the contracts: deploy and grant-role."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger.node._deployment import (
    local_deployment_file,
    read_deployment_records,
    save_deployment_record,
    save_local_deployment,
)

from ._context import Target, open_ledger
from ._options import (
    AccountArg,
    ChainIdOpt,
    FromOpt,
    JsonOpt,
    Network,
    NetworkOpt,
    RegistryOpt,
    Role,
    RpcUrlOpt,
    VaultOpt,
)
from ._output import Output
from ._render import details_lines, tx_line

__all__ = ["deploy", "grant_role"]

AdminOpt = Annotated[
    str | None,
    typer.Option(
        "--admin",
        metavar="ACCOUNT",
        help="Who gets the admin, registrar, guardian, compliance officer and arbitrator roles (default: the --from "
        "account).",
    ),
]
RoleArg = Annotated[Role, typer.Argument(metavar="ROLE", help="Role to grant.", case_sensitive=False)]


_CONTRACT_LABELS = {
    "IPRegistry": "Registry",
    "ComplianceRegistry": "Compliance",
    "FractionVault": "Share vault",
    "SettlementDesk": "Settlement desk",
    "TestStablecoin": "Test stablecoin",
    "LicenseRegistry": "Licence registry",
    "RoyaltyVault": "Royalty vault",
    "AttestationRegistry": "Attestations",
    "DisputeManager": "Dispute manager",
}
#: The deployment's addresses by role (``Deployment.addresses()``), as the human output names them.
_ROLE_LABELS = {
    "registry": "Registry",
    "compliance": "Compliance",
    "vault": "Share vault",
    "desk": "Settlement desk",
    "stablecoin": "Test stablecoin",
    "licenses": "Licence registry",
    "attestations": "Attestations",
    "disputes": "Dispute manager",
    "royalties": "Royalty vault",
}


def deploy(
    admin: AdminOpt = None,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Deploy the contracts: the registry, the compliance registry, the share vault and the settlement desk (and a
    test stablecoin, tUSD, on a local chain). The deployer (or --admin) holds every role.

    On the local network they also become the ones later commands use by default (recorded in
    $IPLEDGER_HOME/local/deployment.json). On other chains pass their addresses as --registry, --vault, --desk;
    the deployment and its chain id are recorded in $IPLEDGER_HOME/deployments/CHAIN-REGISTRY.json, and later
    commands against that registry refuse a node that reports another chain. Pass --chain-id to have the node's
    chain checked before deploying (otherwise what it reports is recorded).

    With --json prints {"registry", "compliance", "vault", "desk", "stablecoin", "licenses", "attestations",
    "disputes", "royalties", "chain_id", "chain_id_source", "record" (the file recording the deployment),
    "rpc_url", "deployer", "admin", "tx_hash", "block", "gas_used" (of the registry),
    "transactions": {contract: {"tx_hash", "block", "gas_used"}}}.
    """
    out = Output(json_)
    target = Target(network, rpc_url, None, account, chain_id=chain_id)
    session = open_ledger(target, out, needs_registry=False)
    ledger = session.ledger
    signer = session.signer()
    admin_address = ledger.address_of(admin) if admin else signer.address
    with out.progress("Deploying the contracts…"):
        deployment = ledger.deploy_all(admin=admin_address)
    if target.is_local:
        save_local_deployment(deployment)
        record = local_deployment_file()
        elsewhere = []
    else:
        elsewhere = [other.chain_id for other in read_deployment_records(deployment.registry)]
        record = save_deployment_record(deployment)
    transaction = deployment.transactions.get("IPRegistry")
    payload: dict[str, Any] = {
        **deployment.addresses(),
        "chain_id": ledger.chain_id,
        "chain_id_source": ledger.chain.chain_id_source,
        "record": str(record),
        "rpc_url": ledger.chain.rpc_url,
        "deployer": signer.address,
        "admin": admin_address,
        "tx_hash": transaction.tx_hash if transaction else None,
        "block": transaction.block if transaction else None,
        "gas_used": transaction.gas_used if transaction else None,
        "transactions": {name: tx.model_dump(mode="json") for name, tx in deployment.transactions.items()},
    }

    def human() -> None:
        names = session.names
        out.line(
            f"Deployed ipledger on chain {ledger.chain_id}; {names.label(admin_address)} holds the admin, registrar, "
            "guardian, compliance officer and arbitrator roles."
        )
        rows: list[tuple[str, str | Text]] = [
            (_ROLE_LABELS.get(role, role), address) for role, address in deployment.addresses().items() if address
        ]
        rows += [
            ("Chain", f"{ledger.chain_id} at {ledger.chain.rpc_url} ({ledger.chain.chain_id_source})"),
            ("Recorded in", str(record)),
            ("Deployer", names.label(signer.address, full=True)),
            ("Admin", names.label(admin_address, full=True)),
        ]
        out.line(details_lines(rows))
        for name, result in deployment.transactions.items():
            out.line(Text.assemble(f"  {_CONTRACT_LABELS.get(name, name)}: ", tx_line(result)))
        if target.is_local:
            out.note("The local network now uses these contracts by default.")
        else:
            out.note(
                f"Use them with: --rpc-url {ledger.chain.rpc_url} --registry {deployment.registry} "
                f"--vault {deployment.vault} --desk {deployment.desk}; commands against this registry expect chain "
                f"{ledger.chain_id} from now on"
            )
        others = sorted({chain for chain in elsewhere if chain != ledger.chain_id})
        if others:
            out.note(
                f"The registry address {deployment.registry} is also recorded on chain "
                f"{', '.join(map(str, others))}: later commands against it need --chain-id to say which chain."
            )

    out.result(payload, human)


def grant_role(
    role: RoleArg,
    member: AccountArg,
    network: NetworkOpt = Network.LOCAL,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    account: FromOpt = None,
    json_: JsonOpt = False,
) -> None:
    """Grant ROLE (admin, registrar, guardian, compliance-officer, attestor or arbitrator) to ACCOUNT; --from must
    be an admin.

    Registrars register rights, freeze and unfreeze them and order forced transfers. Compliance officers verify
    investors and venues, block countries, and freeze, force-transfer and recover shares (the role lives in the
    compliance registry, found through --vault). Attestors attest claims about rights (`ipledger attest`; the
    role lives in the attestation registry); arbitrators resolve disputes (`ipledger dispute resolve`; in the
    dispute manager).

    With --json prints {"role", "account", "tx_hash", "block", "gas_used"}.
    """
    out = Output(json_)
    session = open_ledger(Target(network, rpc_url, registry, account, chain_id=chain_id, vault=vault), out)
    ledger = session.ledger
    session.signer()
    address = ledger.address_of(member)
    with out.progress(f"Granting {role.value}…"):
        result = ledger.contracts.grant_role(role.sdk_name, address)
    payload = {"role": role.value, "account": address, **result.model_dump(mode="json")}

    def human() -> None:
        out.line(f"Granted the {role.value} role to {session.names.label(address)}.")
        out.line(tx_line(result))

    out.result(payload, human)
