"""``ipledger network add|list|show|remove``: named networks, so ``--network NAME`` replaces ``--rpc-url … --chain-id
… --registry … --vault … --desk …`` (profiles in ``$IPLEDGER_HOME/networks.toml``; see ``ipledger.node._networks``)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from rich.text import Text

from ipledger import (
    InvalidInputError,
    Ledger,
    Network,
    NetworkList,
    networks_file,
    read_deployment_records,
    read_network,
    read_networks,
    remove_network,
    save_network,
)

from ._chain_options import LOCAL_NETWORK, CommandTyper, OutputCommand, current_options
from ._output import Output, output, prints
from ._render import details_lines, short

__all__ = ["network_app"]

network_app = CommandTyper(
    name="network",
    help="Named networks: a name for an RPC URL, the chain id its node must report and the contracts there, so "
    "`--network NAME` replaces --rpc-url, --chain-id, --registry, --vault and --desk. Kept in "
    "$IPLEDGER_HOME/networks.toml; `ipledger deploy --network NAME` records its own.",
    no_args_is_help=True,
)

NameArg = Annotated[
    str, typer.Argument(metavar="NAME", help="The network's name (letters, digits, - and _), e.g. sepolia.")
]
ReplaceOpt = Annotated[bool, typer.Option("--replace", help="Replace the network of that name if there is one.")]


def _not_local(name: str) -> str:
    if name == LOCAL_NETWORK:
        raise typer.BadParameter(
            "'local' is the anvil chain kept in $IPLEDGER_HOME, not a profile: see `ipledger node status`",
            param_hint="NAME",
        )
    return name


def _show(out: Output, network: Network, verb: str) -> None:
    out.line(f"{verb} network {network.name}: chain {network.chain_id} at {network.rpc_url}.")
    rows: list[tuple[str, str | Text]] = [
        (label, value)
        for label, value in (
            ("Registry", network.registry),
            ("Share vault", network.vault),
            ("Desk", network.desk),
            ("Payment token", network.stablecoin),
            ("Licences", network.licenses),
            ("Attestations", network.attestations),
            ("Disputes", network.disputes),
            ("Loans", network.loans),
        )
        if value
    ]
    if rows:
        out.line(details_lines(rows))


@network_app.command("add")
@prints(Network)
def add(name: NameArg, replace: ReplaceOpt = False) -> None:
    """Add the network NAME: its node (--rpc-url), the chain id that node must report (--chain-id) and the contracts
    of ipledger on it (--registry, --vault, --desk, --payment-token), each given before or after the command.

    Without --chain-id the chain is the one `ipledger deploy` recorded for --registry, else the one the node reports
    now (said on stderr: check it). Commands with `--network NAME` then refuse a node that reports another chain.
    A network without --registry is for `ipledger deploy --network NAME`, which records what it deploys there,
    the licence, attestation and dispute modules included (a profile added here leaves them to be found through the
    registry's role grants; name them in $IPLEDGER_HOME/networks.toml to pin them).
    """
    out = output()
    options = current_options()
    _not_local(name)
    if options.rpc_url is None:
        raise typer.BadParameter("--rpc-url URL is needed: the network's JSON-RPC endpoint", param_hint="'--rpc-url'")
    if name in read_networks() and not replace:
        raise InvalidInputError(f"network {name} is already in {networks_file()}: pass --replace to change it")
    chain_id = options.chain_id
    if chain_id is None:
        recorded = read_deployment_records(options.registry) if options.registry else []
        if len(recorded) == 1:
            chain_id = recorded[0].chain_id
            out.note(f"Chain {chain_id}: the chain `ipledger deploy` recorded for the registry {options.registry}.")
        else:
            with out.progress("Asking the node its chain id…"):
                chain_id = Ledger.connect(options.rpc_url).chain_id
            out.note(
                f"Chain {chain_id}: the chain the node at {options.rpc_url} reports now; pass --chain-id to say it."
            )
    network = Network(
        name=name,
        rpc_url=options.rpc_url,
        chain_id=chain_id,
        registry=options.registry,
        vault=options.vault,
        desk=options.desk,
        stablecoin=options.payment_token,
    )
    save_network(network)
    out.result(network, lambda: _show(out, network, "Added"))


@network_app.command("list", cls=OutputCommand)
@prints(NetworkList)
def list_networks() -> None:
    """List the named networks of $IPLEDGER_HOME/networks.toml (besides `local`, the anvil chain kept there)."""
    out = output()
    networks = NetworkList(file=str(networks_file()), networks=list(read_networks().values()))

    def human() -> None:
        if not networks.networks:
            out.line(f"No named networks in {networks.file}; add one with `ipledger network add NAME --rpc-url URL`.")
            return
        table = Table("Name", "Chain", "RPC URL", "Registry")
        for network in networks.networks:
            table.add_row(network.name, str(network.chain_id), network.rpc_url, short(network.registry))
        out.line(f"{len(networks.networks)} network(s) in {networks.file} (and local, the anvil chain):")
        out.print(table)

    out.result(networks, human)


@network_app.command("show", cls=OutputCommand)
@prints(Network)
def show(name: NameArg) -> None:
    """Show the network NAME: its RPC URL, chain id and contracts."""
    out = output()
    network = read_network(_not_local(name))
    out.result(network, lambda: _show(out, network, "The"))


@network_app.command("remove", cls=OutputCommand)
@prints(Network)
def remove(name: NameArg) -> None:
    """Remove the network NAME from $IPLEDGER_HOME/networks.toml (its deployment records stay)."""
    out = output()
    network = remove_network(_not_local(name))
    out.result(network, lambda: _show(out, network, "Removed"))
