"""The one prelude of the chain commands: a :class:`~ipledger.Ledger` from the chain options (which network, which
contracts, which signer), whichever side of the command they were given on."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import typer

from ipledger import (
    LOCAL_CHAIN_ID,
    Deployment,
    InvalidInputError,
    Ledger,
    Network,
    NodeInfo,
    RegistryError,
    Signer,
    deployment_record_file,
    is_valid_address,
    local_deployment_file,
    local_node_status,
    networks_file,
    read_deployment_records,
    read_local_deployment,
    read_network,
    resolve_signer,
    start_local_node,
)

from ._chain_options import CHAIN_ID_ENV, LOCAL_NETWORK, ChainOptions, current_options
from ._inputs import Evidence, reason_evidence
from ._output import Output, output
from ._render import Names

__all__ = [
    "Session",
    "expected_chain",
    "network_profile",
    "open_ledger",
    "open_on_evidence",
    "password_prompt",
]


def password_prompt(label: str) -> str:
    """Asks for a keystore password on stderr without echoing it."""
    return str(typer.prompt(label, hide_input=True, err=True))


@dataclass(frozen=True)
class Session:
    """A connected ledger, the names that make its addresses readable, and the options it was opened with."""

    ledger: Ledger
    names: Names
    options: ChainOptions

    def signer(self) -> Signer:
        """The signing account; a clear error when none was given on a remote chain."""
        try:
            return self.ledger.signer
        except InvalidInputError:
            raise InvalidInputError(
                "this command sends a transaction: pass --from ACCOUNT (env:NAME or a keystore file) "
                "or set IPLEDGER_PRIVATE_KEY"
            ) from None


def ensure_local_node(out: Output) -> NodeInfo:
    """The persistent local node, started now (with a note on stderr) if it was not running."""
    running = local_node_status()
    if running is not None:
        return running
    with out.progress("Starting the local node…"):
        info, _ = start_local_node()
    out.note(f"Started the local node at {info.rpc_url} (pid {info.pid}); stop it with `ipledger node stop`.")
    return info


def network_profile(options: ChainOptions) -> Network | None:
    """The profile ``--network`` names (``None`` for the local network)."""
    return None if options.network_name == LOCAL_NETWORK else read_network(options.network_name)


def expected_chain(
    options: ChainOptions, profile: Network | None, registry: str | None, *, needs_registry: bool = True
) -> tuple[int | None, str | None]:
    """The chain id the node must report, and where it comes from (named in a mismatch error):

    1. ``--chain-id`` (or ``IPLEDGER_CHAIN_ID``): the caller's word wins;
    2. a named network: its profile's chain id (``networks.toml``);
    3. on the local network, its deployment record's chain (``local/deployment.json``), else 31337;
    4. with ``--rpc-url``, the chain ``ipledger deploy`` recorded for the registry (``deployments/``, and the
       local network's record when its registry has that address); a registry recorded on several chains (the same
       address on each) needs ``--chain-id``;
    5. else none: the chain the node reports at connect is pinned for the rest of the command.
    """
    if options.chain_id is not None:
        return options.chain_id, _chain_id_option_source(options.chain_id)
    if profile is not None:
        return profile.chain_id, f"network {profile.name} in {networks_file()}"
    if options.is_local:
        recorded = read_local_deployment()
        if recorded is not None:
            return recorded.chain_id, f"local deployment record {local_deployment_file()}"
        return LOCAL_CHAIN_ID, "the local network's chain"
    if not needs_registry or registry is None or not is_valid_address(registry):
        return None, None
    records = read_deployment_records(registry)
    local = read_local_deployment()
    if local is not None and local.registry.lower() == registry.lower():
        # The local network's registry has the same address as one deployed elsewhere by the same key and nonce.
        records = sorted({record.chain_id: record for record in [*records, local]}.values(), key=_chain_of)
    if len(records) > 1:
        chains = ", ".join(str(record.chain_id) for record in records)
        raise InvalidInputError(
            f"the registry {records[0].registry} is recorded on chains {chains} (in "
            f"{deployment_record_file(records[0].chain_id, records[0].registry).parent}): pass --chain-id to say "
            "which one the node must be on"
        )
    if records:
        record = records[0]
        return record.chain_id, f"deployment record {deployment_record_file(record.chain_id, record.registry)}"
    return None, None


def _chain_of(record: Deployment) -> int:
    return record.chain_id


def _chain_id_option_source(chain_id: int) -> str:
    """How --chain-id was given: through its environment variable (when that holds the value) or the option."""
    if os.environ.get(CHAIN_ID_ENV, "").strip() == str(chain_id):
        return CHAIN_ID_ENV
    return "--chain-id"


def open_ledger(out: Output, *, sends: bool = False, needs_registry: bool = True) -> Session:
    """Connects as the chain options say; with ``sends`` the session must have a signer (checked before any work).

    A named network connects with its profile, each field overridden by the option given; ``--rpc-url`` alone
    connects to that node (``--registry`` required unless ``needs_registry`` is false); otherwise the local network:
    its node is started if needed and its contracts deployed by dev0 on first use. Either way the node must report
    the chain :func:`expected_chain` names, or nothing is read, signed or sent.
    """
    options = current_options()
    if options.is_local:
        ledger = _open_local(options, out, needs_registry=needs_registry)
    else:
        ledger = _open_remote(options, out, needs_registry=needs_registry)
    if needs_registry:
        ledger.attach(vault=options.vault, desk=options.desk, stablecoin=options.payment_token)
    extra: list[tuple[str, str]] = []
    with contextlib.suppress(InvalidInputError):
        extra.append((ledger.signer.address, ledger.signer.label))
    deployment = None
    with contextlib.suppress(RegistryError):
        deployment = ledger.deployment
    if deployment is not None:
        for role, address in deployment.addresses().items():
            if address is not None:
                extra.append((address, "tUSD" if role == "stablecoin" and ledger.chain_id == LOCAL_CHAIN_ID else role))
    ledger.set_confirmations(options.confirmations, on_reorg=out.note)  # each reorganization met: a line on stderr
    session = Session(ledger=ledger, names=Names(ledger.chain_id, extra), options=options)
    if sends:
        session.signer()
    return session


def open_on_evidence(evidence_file: str | None, reason: str | None) -> tuple[Output, Evidence, Session]:
    """The prelude of an act on ``--evidence FILE`` or ``--reason TEXT``: the output, the evidence (read before
    anything is asked of the chain) and a session that sends."""
    out = output()
    proof = reason_evidence(evidence_file, reason)
    return out, proof, open_ledger(out, sends=True)


def _open_remote(options: ChainOptions, out: Output, *, needs_registry: bool) -> Ledger:
    profile = network_profile(options)
    if profile is not None and not needs_registry:  # a deployment: the profile's contracts are not attached
        profile = Network(name=profile.name, rpc_url=profile.rpc_url, chain_id=profile.chain_id)
    registry = options.registry or (profile.registry if profile is not None else None)
    if needs_registry and registry is None:
        if profile is not None:
            raise InvalidInputError(
                f"network {profile.name} names no registry: deploy one with `ipledger deploy --network "
                f"{profile.name}`, or pass --registry ADDRESS"
            )
        raise typer.BadParameter("--registry ADDRESS is needed with --rpc-url", param_hint="'--registry'")
    chain_id, source = expected_chain(options, profile, registry, needs_registry=needs_registry)
    with out.progress("Connecting…"):
        return Ledger.connect(
            options.rpc_url,
            network=profile,
            registry=registry if needs_registry else None,
            account=options.account,
            password_prompt=password_prompt,
            chain_id=chain_id,
            chain_id_source=source,
        )


def _open_local(options: ChainOptions, out: Output, *, needs_registry: bool) -> Ledger:
    info = ensure_local_node(out)
    signer = resolve_signer(options.account, chain_id=LOCAL_CHAIN_ID, password_prompt=password_prompt)
    chain_id, source = expected_chain(options, None, options.registry, needs_registry=needs_registry)
    if options.registry is not None or not needs_registry:
        ledger = Ledger.connect(
            info.rpc_url,
            registry=options.registry if needs_registry else None,
            account=signer,
            chain_id=chain_id,
            chain_id_source=source,
        )
        recorded = read_local_deployment()
        if needs_registry and recorded is not None and recorded.registry.lower() == str(options.registry).lower():
            ledger.attach(vault=recorded.vault, desk=recorded.desk, stablecoin=recorded.stablecoin)
        return ledger
    first_use = not local_deployment_file().exists()
    with out.progress("Deploying the local contracts…" if first_use else "Connecting…"):
        ledger = Ledger.local(account=signer, chain_id=chain_id, chain_id_source=source)
    if first_use:
        out.note(f"Deployed the local registry at {ledger.contracts.registry_address} (dev0 is its registrar).")
    return ledger
