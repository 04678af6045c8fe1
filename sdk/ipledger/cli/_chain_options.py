"""The chain options, declared once and accepted before or after any command.

``--network``, ``--rpc-url``, ``--chain-id``, ``--registry``, ``--vault``, ``--desk``, ``--payment-token``, ``--from``,
``--confirmations`` and ``--json`` are the parameters of :func:`chain_options`, and nowhere else. The root command
takes them (``ipledger --json --from dev1 history X``), and so does every command built by :class:`ChainCommand`
(``ipledger history X --json``), the default class of the apps made with :class:`CommandTyper`. When a command runs,
the two placements and the ``IPLEDGER_*`` variables are merged into one :class:`ChainOptions` (what follows the
command wins over what precedes it, both over a variable, a variable over the default), and :func:`current_options`
hands it to the one prelude that opens the ledger (``_context.open_ledger``). A command with an option of its own
spelled the same (``index transfers --from DATE``) keeps it; the chain option is then taken before the command only.

Commands that use no chain (``node``, ``network list``, ``demo``...) are :class:`OutputCommand`: only ``--json``
after them. This module imports nothing of the SDK, so ``--help`` stays quick.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from typing import Annotated, Any, ClassVar

import typer
from typer.core import TyperCommand
from typer.models import CommandFunctionType

__all__ = [
    "CHAIN_ID_ENV",
    "CHAIN_PANEL",
    "LOCAL_NETWORK",
    "ChainCommand",
    "ChainIdOpt",
    "ChainOptions",
    "CommandTyper",
    "ConfirmationsOpt",
    "DeskOpt",
    "FromOpt",
    "JsonOpt",
    "NetworkOpt",
    "OutputCommand",
    "PaymentTokenOpt",
    "RegistryOpt",
    "RpcUrlOpt",
    "VaultOpt",
    "chain_options",
    "current_options",
    "using_options",
]

CHAIN_PANEL = "Chain and account"
#: The environment variable --chain-id reads.
CHAIN_ID_ENV = "IPLEDGER_CHAIN_ID"
#: The network of the anvil chain kept in $IPLEDGER_HOME; any other is a profile in $IPLEDGER_HOME/networks.toml.
LOCAL_NETWORK = "local"

NetworkOpt = Annotated[
    str | None,
    typer.Option(
        "--network",
        envvar="IPLEDGER_NETWORK",
        metavar="NAME",
        help="Named network: 'local' (the default) is the anvil chain kept in $IPLEDGER_HOME (default ~/.ipledger), "
        "started on demand, its contracts deployed by dev0 on first use; any other name is a profile of "
        "$IPLEDGER_HOME/networks.toml (`ipledger network add`) giving the RPC URL, chain id and contracts. "
        "Options given beside it override its fields.",
        rich_help_panel=CHAIN_PANEL,
        show_default=False,
    ),
]
RpcUrlOpt = Annotated[
    str | None,
    typer.Option(
        "--rpc-url",
        envvar="IPLEDGER_RPC_URL",
        metavar="URL",
        help="JSON-RPC endpoint of any EVM chain; without --network it replaces the local chain (needs --registry).",
        rich_help_panel=CHAIN_PANEL,
    ),
]
ChainIdOpt = Annotated[
    int | None,
    typer.Option(
        "--chain-id",
        envvar=CHAIN_ID_ENV,
        metavar="ID",
        min=1,
        help="Chain id the node must report; a node reporting another is refused before anything is signed or sent. "
        "Default: the network's (its profile, or the local deployment record), else the chain recorded when "
        "`ipledger deploy` deployed --registry (in $IPLEDGER_HOME/deployments), else whatever the node reports "
        "at connect.",
        rich_help_panel=CHAIN_PANEL,
    ),
]
RegistryOpt = Annotated[
    str | None,
    typer.Option(
        "--registry",
        envvar="IPLEDGER_REGISTRY",
        metavar="ADDRESS",
        help="Address of the registry contract. Needed with --rpc-url; by default the network's.",
        rich_help_panel=CHAIN_PANEL,
    ),
]
VaultOpt = Annotated[
    str | None,
    typer.Option(
        "--vault",
        envvar="IPLEDGER_VAULT",
        metavar="ADDRESS",
        help="Address of the share vault (FractionVault); the compliance registry is found through it. Needed with "
        "--rpc-url for share commands; by default the network's.",
        rich_help_panel=CHAIN_PANEL,
    ),
]
DeskOpt = Annotated[
    str | None,
    typer.Option(
        "--desk",
        envvar="IPLEDGER_DESK",
        metavar="ADDRESS",
        help="Address of the settlement desk. Needed with --rpc-url for market commands; by default the network's.",
        rich_help_panel=CHAIN_PANEL,
    ),
]
PaymentTokenOpt = Annotated[
    str | None,
    typer.Option(
        "--payment-token",
        envvar="IPLEDGER_PAYMENT_TOKEN",
        metavar="ADDRESS",
        help="ERC-20 that prices are paid in. Default: the network's (on local, the test stablecoin tUSD).",
        rich_help_panel=CHAIN_PANEL,
    ),
]
FromOpt = Annotated[
    str | None,
    typer.Option(
        "--from",
        metavar="ACCOUNT",
        help="Signing account: dev0..dev9 (anvil's dev keys, local only), env:NAME (hex key in variable NAME) "
        "or a keystore file (password from $IPLEDGER_KEYSTORE_PASSWORD or a hidden prompt). "
        "Default: $IPLEDGER_PRIVATE_KEY if set, else dev0 on local (the registrar).",
        rich_help_panel=CHAIN_PANEL,
    ),
]
ConfirmationsOpt = Annotated[
    int,
    typer.Option(
        "--confirmations",
        envvar="IPLEDGER_CONFIRMATIONS",
        metavar="N",
        min=1,
        help="How deep the block of each transaction sent must be before the command goes on: 1 (the default) is "
        "inclusion; N waits until N - 1 blocks were built on it, checking at each new block that it is still in "
        "the canonical chain. A transaction a reorganization dropped is sent again as the same signed bytes (same "
        "nonce: it cannot take effect twice) while its nonce is unused; otherwise the command fails saying so. "
        "Commands that send nothing ignore it.",
        rich_help_panel=CHAIN_PANEL,
    ),
]
JsonOpt = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print only JSON on stdout (diagnostics stay on stderr); `ipledger schema COMMAND` prints its schema.",
        rich_help_panel=CHAIN_PANEL,
    ),
]


def chain_options(
    network: NetworkOpt = None,
    rpc_url: RpcUrlOpt = None,
    chain_id: ChainIdOpt = None,
    registry: RegistryOpt = None,
    vault: VaultOpt = None,
    desk: DeskOpt = None,
    payment_token: PaymentTokenOpt = None,
    account: FromOpt = None,
    confirmations: ConfirmationsOpt = 1,
    json_: JsonOpt = False,
) -> None:
    """The chain options: the root command's parameters, and every chain command's (see the module docstring)."""


@dataclass(frozen=True)
class ChainOptions:
    """The chain options of the running command, both placements and the environment merged."""

    network: str | None = None
    rpc_url: str | None = None
    chain_id: int | None = None
    registry: str | None = None
    vault: str | None = None
    desk: str | None = None
    payment_token: str | None = None
    #: ``--from``: the signing account's name (None: the default signer).
    account: str | None = None
    #: ``--confirmations``: the depth each transaction's block must reach (1: inclusion).
    confirmations: int = 1
    json_: bool = False

    @property
    def network_name(self) -> str:
        """The network named (``local`` by default)."""
        return self.network or LOCAL_NETWORK

    @property
    def is_local(self) -> bool:
        """Whether the command runs on the local anvil chain (no --rpc-url, no other network)."""
        return self.network_name == LOCAL_NETWORK and self.rpc_url is None

    def environment(self) -> dict[str, str]:
        """The ``IPLEDGER_*`` variables that reach the same chain and contracts, for a process this one starts
        (through its environment: an RPC URL may hold an API key, and a command line is readable by every user)."""
        values = {
            "IPLEDGER_NETWORK": self.network,
            "IPLEDGER_RPC_URL": self.rpc_url,
            CHAIN_ID_ENV: None if self.chain_id is None else str(self.chain_id),
            "IPLEDGER_REGISTRY": self.registry,
            "IPLEDGER_VAULT": self.vault,
            "IPLEDGER_DESK": self.desk,
            "IPLEDGER_PAYMENT_TOKEN": self.payment_token,
        }
        return {name: value for name, value in values.items() if value is not None}

    def command_options(self, *, shares: bool = False) -> str:
        """The options that reach the same chain and contracts, for hints such as ``Next: ipledger show ...``;
        ``shares`` adds --vault and --desk."""
        options = "" if self.network_name == LOCAL_NETWORK else f" --network {self.network_name}"
        options += "" if self.rpc_url is None else f" --rpc-url {self.rpc_url}"
        options += f" --chain-id {self.chain_id}" if self.chain_id is not None else ""
        options += f" --registry {self.registry}" if self.registry else ""
        if shares:
            options += (f" --vault {self.vault}" if self.vault else "") + (f" --desk {self.desk}" if self.desk else "")
        return options


_NAMES = tuple(field.name for field in fields(ChainOptions))
_current: contextvars.ContextVar[ChainOptions] = contextvars.ContextVar("ipledger_chain_options")


def current_options() -> ChainOptions:
    """The chain options of the command running now (defaults outside a command)."""
    return _current.get(ChainOptions())


@contextmanager
def using_options(options: ChainOptions) -> Iterator[None]:
    """Makes ``options`` the :func:`current_options` while the block runs."""
    token = _current.set(options)
    try:
        yield
    finally:
        _current.reset(token)


@functools.cache
def _shared_params() -> tuple[Any, ...]:
    """The click parameters of :func:`chain_options`, built by typer once and shared by every command."""
    probe = typer.Typer(add_completion=False)
    probe.command()(chain_options)
    return tuple(typer.main.get_command(probe).params)


def _path(ctx: Any) -> list[str]:
    """The names typed after the root command to reach ``ctx``'s command (``["shares", "balance"]``)."""
    names: list[str] = []
    while ctx.parent is not None:
        names.insert(0, ctx.info_name)
        ctx = ctx.parent
    return names


def _given(ctx: Any, name: str) -> bool:
    """Whether ``name`` was typed on the command line of ``ctx`` (not a variable's or the default value)."""
    source = ctx.get_parameter_source(name)
    return source is not None and source.name == "COMMANDLINE"


class ChainCommand(TyperCommand):
    """A command that takes the chain options after it too, and runs with them merged (:func:`current_options`)."""

    #: The chain options this kind of command takes after its name.
    shared: ClassVar[tuple[str, ...]] = _NAMES

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        own = {option for param in self.params for option in (*param.opts, *param.secondary_opts)}
        self.params += [
            param for param in _shared_params() if param.name in self.shared and not own.intersection(param.opts)
        ]

    def format_help(self, ctx: Any, formatter: Any) -> None:  # click's Context and HelpFormatter
        """The help, with a last paragraph generated from the command's result model: what --json prints."""
        if not getattr(self, "_json_told", False):
            from ._schema_commands import json_help  # the result models: only when help is asked for

            self._json_told = True
            told = json_help(self.callback, " ".join(_path(ctx)))
            if told is not None:
                self.help = f"{self.help or ''}\n\n{told}"
        super().format_help(ctx, formatter)

    def invoke(self, ctx: Any) -> Any:  # click's Context
        # The chain options leave the command's parameters (its function does not take them) for current_options().
        here = {name: ctx.params.pop(name) for name in _NAMES if name in ctx.params}
        # After the command wins over between a group and its command, which wins over before the first word.
        placements = [(ctx, here)]
        parent = ctx.parent
        while parent is not None:
            placements.append((parent, parent.params))
            parent = parent.parent
        merged: dict[str, Any] = {}
        for name in _NAMES:
            typed = [values[name] for owner, values in placements if name in values and _given(owner, name)]
            known = [values[name] for _, values in placements if name in values]  # a variable's, or the default
            if typed or known:
                merged[name] = (typed or known)[0]
        with using_options(ChainOptions(**merged)):
            return super().invoke(ctx)


class OutputCommand(ChainCommand):
    """A command that uses no chain: only ``--json`` after it (the chain options before it are accepted, unused)."""

    shared: ClassVar[tuple[str, ...]] = ("json_",)


class CommandTyper(typer.Typer):
    """A typer app whose commands are :class:`ChainCommand` unless ``cls`` says otherwise. A group of commands
    (``shares``, ``index``...) takes the chain options too, between its name and its command's
    (``ipledger shares --json balance``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.callback()(chain_options)

    def command(
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **settings: Any
    ) -> Callable[[CommandFunctionType], CommandFunctionType]:
        return super().command(name, cls=cls or ChainCommand, **settings)
