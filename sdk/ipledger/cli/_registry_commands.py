"""Commands that set up the contracts: deploy and grant-role."""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    Deployed,
    Deployment,
    Ledger,
    Network,
    RoleGranted,
    local_deployment_file,
    networks_file,
    read_deployment_records,
    read_networks,
    save_deployment_record,
    save_local_deployment,
    save_network,
)

from ._chain_options import LOCAL_NETWORK, ChainOptions, current_options, using_options
from ._context import Session, open_ledger
from ._options import AccountArg, Role
from ._output import Output, output, prints
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
    "LoanDesk": "Loan desk",
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
    "loans": "Loan desk",
}


@prints(Deployed)
def deploy(admin: AdminOpt = None) -> None:
    """Deploy the contracts: the registry, the compliance registry, the share vault and the settlement desk (and a
    test stablecoin, tUSD, on a local chain). The deployer (or --admin) holds every role.

    The transactions are sent at once and confirmed together; a deploy cut off halfway finishes when run again
    (journalled in $IPLEDGER_HOME/deployments/pending/).

    On the local network they also become the ones later commands use by default (recorded in
    $IPLEDGER_HOME/local/deployment.json). On other chains the deployment and its chain id are recorded in
    $IPLEDGER_HOME/deployments/CHAIN-REGISTRY.json, and later commands against that registry refuse a node that
    reports another chain. With --network NAME the network's profile ($IPLEDGER_HOME/networks.toml) then names the
    new contracts, so `--network NAME` reaches them; a NAME not yet known is added with --rpc-url and the chain the
    node reports. Pass --chain-id to have the node's chain checked before deploying (otherwise what it reports is
    recorded).
    """
    out = output()
    options = current_options()
    known = {} if options.network_name == LOCAL_NETWORK else read_networks()
    new_network = options.network_name != LOCAL_NETWORK and options.network_name not in known
    if new_network and options.rpc_url is None:
        raise typer.BadParameter(
            f"network {options.network_name!r} is not in {networks_file()}: give its --rpc-url to deploy there and "
            "record it under that name, or add it first with `ipledger network add`",
            param_hint="'--network'",
        )
    with using_options(dataclasses.replace(options, network=None) if new_network else options):
        session = open_ledger(out, needs_registry=False)
    ledger = session.ledger
    signer = session.signer()
    admin_address = ledger.address_of(admin) if admin else signer.address
    with out.progress("Deploying the contracts…"):
        deployment = ledger.deploy_all(admin=admin_address)
    elsewhere: list[int] = []
    profile = None
    if options.is_local:
        save_local_deployment(deployment)
        record = local_deployment_file()
    else:
        elsewhere = [other.chain_id for other in read_deployment_records(deployment.registry)]
        record = save_deployment_record(deployment)
        if options.network_name != LOCAL_NETWORK:
            profile = _record_network(out, options, known.get(options.network_name), ledger, deployment)
    transaction = deployment.transactions.get("IPRegistry")
    deployed = Deployed(
        **dict(deployment),
        chain_id_source=ledger.chain.chain_id_source,
        record=str(record),
        rpc_url=ledger.chain.rpc_url,
        deployer=signer.address,
        admin=admin_address,
        network=profile.name if profile is not None else None,
        tx_hash=transaction.tx_hash if transaction else None,
        block=transaction.block if transaction else None,
        gas_used=transaction.gas_used if transaction else None,
    )
    out.result(deployed, lambda: _print_deployment(out, session, deployed, options, elsewhere))


def _record_network(
    out: Output, options: ChainOptions, before: Network | None, ledger: Ledger, deployment: Deployment
) -> Network:
    """The network profile ``--network`` names, made to name ``deployment`` (created if it was not known)."""
    stablecoin = deployment.stablecoin or options.payment_token or (before.stablecoin if before else None)
    profile = Network(
        name=options.network_name,
        rpc_url=options.rpc_url or (before.rpc_url if before else ledger.chain.rpc_url),
        chain_id=ledger.chain_id,
        registry=deployment.registry,
        vault=deployment.vault,
        desk=deployment.desk,
        stablecoin=stablecoin,
        licenses=deployment.licenses,
        attestations=deployment.attestations,
        disputes=deployment.disputes,
        loans=deployment.loans,
    )
    save_network(profile)
    if before is not None and before.registry is not None and before.registry != deployment.registry:
        out.note(f"Network {profile.name} now names the new contracts (its registry was {before.registry}).")
    return profile


def _print_deployment(
    out: Output, session: Session, deployed: Deployed, options: ChainOptions, elsewhere: list[int]
) -> None:
    names = session.names
    out.line(
        f"Deployed ipledger on chain {deployed.chain_id}; {names.label(deployed.admin)} holds the admin, registrar, "
        "guardian, compliance officer and arbitrator roles."
    )
    rows: list[tuple[str, str | Text]] = [
        (_ROLE_LABELS.get(role, role), address) for role, address in deployed.addresses().items() if address
    ]
    rows += [
        ("Chain", f"{deployed.chain_id} at {deployed.rpc_url} ({deployed.chain_id_source})"),
        ("Recorded in", deployed.record),
        ("Deployer", names.label(deployed.deployer, full=True)),
        ("Admin", names.label(deployed.admin, full=True)),
    ]
    out.line(details_lines(rows))
    for name, result in deployed.transactions.items():
        out.line(Text.assemble(f"  {_CONTRACT_LABELS.get(name, name)}: ", tx_line(result)))
    if options.is_local:
        out.note("The local network now uses these contracts by default.")
    elif deployed.network is not None:
        out.note(
            f"Use them with: --network {deployed.network} (in {networks_file()}); commands there expect chain "
            f"{deployed.chain_id}"
        )
    else:
        out.note(
            f"Use them with: --rpc-url {deployed.rpc_url} --registry {deployed.registry} --vault {deployed.vault} "
            f"--desk {deployed.desk}; commands against this registry expect chain {deployed.chain_id} from now on "
            "(deploy with --network NAME to name them all at once)"
        )
    others = sorted({chain for chain in elsewhere if chain != deployed.chain_id})
    if others:
        out.note(
            f"The registry address {deployed.registry} is also recorded on chain "
            f"{', '.join(map(str, others))}: later commands against it need --chain-id to say which chain."
        )


@prints(RoleGranted)
def grant_role(role: RoleArg, member: AccountArg) -> None:
    """Grant ROLE (admin, registrar, guardian, compliance-officer, attestor or arbitrator) to ACCOUNT; --from must
    be an admin.

    Registrars register rights, freeze and unfreeze them and order forced transfers. Compliance officers verify
    investors and venues, block countries, and freeze, force-transfer and recover shares (the role lives in the
    compliance registry, found through --vault). Attestors attest claims about rights (`ipledger attest`; the
    role lives in the attestation registry); arbitrators resolve disputes (`ipledger dispute resolve`; in the
    dispute manager).
    """
    out = output()
    session = open_ledger(out, sends=True)
    ledger = session.ledger
    address = ledger.address_of(member)
    with out.progress(f"Granting {role.value}…"):
        result = ledger.contracts.grant_role(role.sdk_name, address)
    granted = RoleGranted(role=role.value, account=address, **dict(result))
    out.act(granted, f"Granted the {role.value} role to {session.names.label(address)}.", result)
