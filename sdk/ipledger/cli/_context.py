"""Building a :class:`~ipledger.Ledger` from the shared options: which chain, which registry, which signer."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass

import typer

from .._accounts import Signer, resolve_signer
from .._exceptions import InvalidInputError, RegistryError
from .._ledger import Ledger, local_deployment_file, read_local_deployment
from .._node import LOCAL_CHAIN_ID, NodeInfo, local_node_status, start_local_node
from ._options import Network
from ._output import Output
from ._render import Names

__all__ = ["Session", "Target", "open_ledger", "password_prompt"]


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

    @property
    def is_local(self) -> bool:
        return self.rpc_url is None

    def command_options(self, *, shares: bool = False) -> str:
        """The options that reach the same chain and contracts, for hints such as ``Next: ipledger show ...``;
        ``shares`` adds --vault and --desk."""
        options = "" if self.rpc_url is None else f" --rpc-url {self.rpc_url}"
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


def open_ledger(target: Target, out: Output, *, needs_registry: bool = True, sends: bool = False) -> Session:
    """Connects as the options say; with ``sends`` the session must have a signer (checked before any work).

    ``--rpc-url`` connects to that node (``--registry`` required unless ``needs_registry`` is false); otherwise
    the local network: its node is started if needed and its registry deployed by dev0 on first use.
    """
    if target.rpc_url is not None:
        if needs_registry and target.registry is None:
            raise typer.BadParameter("--registry ADDRESS is needed with --rpc-url", param_hint="'--registry'")
        with out.progress("Connecting…"):
            ledger = Ledger.connect(
                target.rpc_url,
                registry=target.registry if needs_registry else None,
                account=target.account,
                password_prompt=password_prompt,
            )
            if needs_registry:
                ledger.attach(vault=target.vault, desk=target.desk, stablecoin=target.payment_token)
    else:
        info = ensure_local_node(out)
        signer = resolve_signer(target.account, chain_id=LOCAL_CHAIN_ID, password_prompt=password_prompt)
        if target.registry is not None or not needs_registry:
            ledger = Ledger.connect(info.rpc_url, registry=target.registry if needs_registry else None, account=signer)
            recorded = read_local_deployment()
            if needs_registry and recorded is not None and recorded.registry.lower() == str(target.registry).lower():
                ledger.attach(vault=recorded.vault, desk=recorded.desk, stablecoin=recorded.stablecoin)
        else:
            first_use = not local_deployment_file().exists()
            with out.progress("Deploying the local contracts…" if first_use else "Connecting…"):
                ledger = Ledger.local(account=signer)
            if first_use:
                out.note(f"Deployed the local registry at {ledger.registry_address} (dev0 is its registrar).")
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
