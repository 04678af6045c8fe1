"""Building a :class:`~ipledger.Ledger` from the shared options: which chain, which registry, which signer."""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass

import typer

from ipledger.chain._accounts import Signer, is_valid_address, resolve_signer
from ipledger.models._models import Deployment
from ipledger.node._deployment import (
    deployment_record_file,
    local_deployment_file,
    read_deployment_records,
    read_local_deployment,
)
from ipledger.node._node import LOCAL_CHAIN_ID, NodeInfo, local_node_status, start_local_node

from .._exceptions import InvalidInputError, RegistryError
from .._ledger import Ledger
from ._options import CHAIN_ID_ENV, Network
from ._output import Output
from ._render import Names

__all__ = ["Session", "Target", "expected_chain", "open_ledger", "password_prompt"]


def password_prompt(label: str) -> str:
    """Asks for a keystore password on stderr without echoing it."""
    return str(typer.prompt(label, hide_input=True, err=True))


@dataclass(frozen=True)
class Target:
    """The chain, contracts and account the shared options name."""

    network: Network
    rpc_url: str | None
    registry: str | None
    account: str | None
    vault: str | None = None
    desk: str | None = None
    payment_token: str | None = None
    #: The chain id the node must report (--chain-id / IPLEDGER_CHAIN_ID); ``None``: see :func:`expected_chain`.
    chain_id: int | None = None

    @property
    def is_local(self) -> bool:
        return self.rpc_url is None

    def command_options(self, *, shares: bool = False) -> str:
        """The options that reach the same chain and contracts, for hints such as ``Next: ipledger show ...``;
        ``shares`` adds --vault and --desk."""
        options = "" if self.rpc_url is None else f" --rpc-url {self.rpc_url}"
        options += f" --chain-id {self.chain_id}" if self.chain_id is not None else ""
        options += f" --registry {self.registry}" if self.registry else ""
        if shares:
            options += (f" --vault {self.vault}" if self.vault else "") + (f" --desk {self.desk}" if self.desk else "")
        return options


@dataclass(frozen=True)
class Session:
    """A connected ledger and the names that make its addresses readable."""

    ledger: Ledger
    names: Names

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


def expected_chain(target: Target, *, needs_registry: bool = True) -> tuple[int | None, str | None]:
    """The chain id the node must report, and where it comes from (named in a mismatch error):

    1. ``--chain-id`` (or ``IPLEDGER_CHAIN_ID``): the caller's word wins;
    2. on the local network, its deployment record's chain (``local/deployment.json``), else 31337;
    3. with ``--rpc-url``, the chain ``ipledger deploy`` recorded for ``--registry`` (``deployments/``, and the
       local network's record when its registry has that address); a registry recorded on several chains (the same
       address on each) needs ``--chain-id``;
    4. else none: the chain the node reports at connect is pinned for the rest of the command.
    """
    if target.chain_id is not None:
        return target.chain_id, _chain_id_option_source(target.chain_id)
    if target.is_local:
        recorded = read_local_deployment()
        if recorded is not None:
            return recorded.chain_id, f"local deployment record {local_deployment_file()}"
        return LOCAL_CHAIN_ID, "the local network's chain"
    if not needs_registry or target.registry is None or not is_valid_address(target.registry):
        return None, None
    records = read_deployment_records(target.registry)
    local = read_local_deployment()
    if local is not None and local.registry.lower() == target.registry.lower():
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


def open_ledger(target: Target, out: Output, *, needs_registry: bool = True, sends: bool = False) -> Session:
    """Connects as the options say; with ``sends`` the session must have a signer (checked before any work).

    ``--rpc-url`` connects to that node (``--registry`` required unless ``needs_registry`` is false); otherwise
    the local network: its node is started if needed and its registry deployed by dev0 on first use. Either way
    the node must report the chain :func:`expected_chain` names, or nothing is read, signed or sent.
    """
    if target.rpc_url is not None:
        if needs_registry and target.registry is None:
            raise typer.BadParameter("--registry ADDRESS is needed with --rpc-url", param_hint="'--registry'")
        chain_id, source = expected_chain(target, needs_registry=needs_registry)
        with out.progress("Connecting…"):
            ledger = Ledger.connect(
                target.rpc_url,
                registry=target.registry if needs_registry else None,
                account=target.account,
                password_prompt=password_prompt,
                chain_id=chain_id,
                chain_id_source=source,
            )
            if needs_registry:
                ledger.attach(vault=target.vault, desk=target.desk, stablecoin=target.payment_token)
    else:
        info = ensure_local_node(out)
        signer = resolve_signer(target.account, chain_id=LOCAL_CHAIN_ID, password_prompt=password_prompt)
        chain_id, source = expected_chain(target, needs_registry=needs_registry)
        if target.registry is not None or not needs_registry:
            ledger = Ledger.connect(
                info.rpc_url,
                registry=target.registry if needs_registry else None,
                account=signer,
                chain_id=chain_id,
                chain_id_source=source,
            )
            recorded = read_local_deployment()
            if needs_registry and recorded is not None and recorded.registry.lower() == str(target.registry).lower():
                ledger.attach(vault=recorded.vault, desk=recorded.desk, stablecoin=recorded.stablecoin)
        else:
            first_use = not local_deployment_file().exists()
            with out.progress("Deploying the local contracts…" if first_use else "Connecting…"):
                ledger = Ledger.local(account=signer, chain_id=chain_id, chain_id_source=source)
            if first_use:
                out.note(f"Deployed the local registry at {ledger.contracts.registry_address} (dev0 is its registrar).")
        if needs_registry:
            ledger.attach(vault=target.vault, desk=target.desk, stablecoin=target.payment_token)
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
    session = Session(ledger=ledger, names=Names(ledger.chain_id, extra))
    if sends:
        session.signer()
    return session
