"""``ipledger node start|stop|status``: the persistent local anvil chain in ``$IPLEDGER_HOME``."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.text import Text

from ipledger import (
    LOCAL_CHAIN_ID,
    NodeInfo,
    NodeNotRunningError,
    NodeStatus,
    ipledger_home,
    local_node_status,
    read_local_record,
    start_local_node,
    stop_local_node,
)

from ._chain_options import CommandTyper, OutputCommand
from ._details import details_lines
from ._output import Output, output, prints

__all__ = ["node_app"]

node_app = CommandTyper(
    name="node",
    help="Start, stop and inspect the local chain (an anvil node whose state persists in $IPLEDGER_HOME).",
    no_args_is_help=True,
)

PortOpt = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on (default: a free port).")
]


def _status(info: NodeInfo | None, **change: bool) -> NodeStatus:
    """The node ``info`` (None: not running) and the local deployment's contracts; ``change`` says what was done."""
    folder = ipledger_home() / "local"
    record = read_local_record()
    addresses = (
        record.addresses
        if record is not None
        else dict.fromkeys(("registry", "compliance", "vault", "desk", "stablecoin"))
    )
    return NodeStatus(
        **change,
        running=info is not None,
        rpc_url=info.rpc_url if info else None,
        pid=info.pid if info else None,
        port=info.port if info else None,
        chain_id=LOCAL_CHAIN_ID,
        home=str(ipledger_home()),
        state_file=info.state_file if info and info.state_file else str(folder / "state.json"),
        log_file=info.log_file if info and info.log_file else str(folder / "anvil.log"),
        **addresses,
    )


def _show(out: Output, status: NodeStatus) -> None:
    rows: list[tuple[str, str | Text]] = [
        ("Running", Text("yes", style="green") if status.running else Text("no", style="yellow")),
        ("RPC URL", status.rpc_url or "-"),
        ("PID", str(status.pid or "-")),
        ("Chain id", str(status.chain_id)),
        ("Registry", status.registry or "not deployed yet (deployed by dev0 on first use)"),
        *[
            (label, address)
            for address, label in ((status.vault, "Share vault"), (status.desk, "Desk"), (status.stablecoin, "tUSD"))
            if address
        ],
        ("State file", status.state_file),
        ("Log file", status.log_file),
    ]
    out.line(details_lines(rows))


@node_app.command("start", cls=OutputCommand)
@prints(NodeStatus)
def start(port: PortOpt = None) -> None:
    """Start the local chain in the background, or say that it already runs.

    Its state (registry, rights, balances) is saved to $IPLEDGER_HOME/local/state.json every few seconds and
    on `ipledger node stop`, and restored at the next start.
    """
    out = output()
    running = local_node_status()
    if running is not None:
        info, started = running, False
    else:
        with out.progress("Starting anvil…"):
            info, started = start_local_node(port=port)
    status = _status(info, started=started)

    def human() -> None:
        if started:
            out.line(f"Started the local chain at {info.rpc_url} (pid {info.pid}).")
        else:
            out.line(f"The local chain is already running at {info.rpc_url} (pid {info.pid}).")
        _show(out, status)

    out.result(status, human)


@node_app.command("stop", cls=OutputCommand)
@prints(NodeStatus)
def stop() -> None:
    """Stop the local chain; its state stays on disk for the next `ipledger node start`.

    Stopping a chain that does not run is not an error: it says so and exits 0.
    """
    out = output()
    try:
        with out.progress("Stopping anvil (saving its state)…"):
            info: NodeInfo | None = stop_local_node()
    except NodeNotRunningError:
        info = None
    status = _status(None, stopped=info is not None)

    def human() -> None:
        if info is None:
            out.line("No local chain is running; nothing to stop.")
        else:
            out.line(f"Stopped the local chain (pid {info.pid}); its state is kept in {status.state_file}.")

    out.result(status, human)


@node_app.command("status", cls=OutputCommand)
@prints(NodeStatus)
def status() -> None:
    """Say whether the local chain runs, where (RPC URL, pid, port) and where its state lives.

    Exits 0 either way; read `running` in the --json output.
    """
    out = output()
    current = _status(local_node_status())

    def human() -> None:
        if current.running:
            out.line(f"The local chain is running at {current.rpc_url} (pid {current.pid}).")
        else:
            out.line("The local chain is not running; start it with `ipledger node start`.")
        _show(out, current)

    out.result(current, human)
