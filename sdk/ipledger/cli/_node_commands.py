"""``ipledger node start|stop|status``: the persistent local anvil chain in ``$IPLEDGER_HOME``."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.text import Text

from ipledger.node._local_deployment import read_local_record
from ipledger.node._node import (
    LOCAL_CHAIN_ID,
    NodeInfo,
    ipledger_home,
    local_node_status,
    start_local_node,
    stop_local_node,
)

from .._exceptions import NodeNotRunningError
from ._details import details_lines
from ._options import JsonOpt
from ._output import Output

__all__ = ["node_app"]

node_app = typer.Typer(
    name="node",
    help="Start, stop and inspect the local chain (an anvil node whose state persists in $IPLEDGER_HOME).",
    no_args_is_help=True,
)

PortOpt = Annotated[
    int | None, typer.Option("--port", min=1, max=65535, help="Port to listen on (default: a free port).")
]


def _payload(info: NodeInfo | None) -> dict[str, Any]:
    folder = ipledger_home() / "local"
    return {
        "running": info is not None,
        "rpc_url": info.rpc_url if info else None,
        "pid": info.pid if info else None,
        "port": info.port if info else None,
        "chain_id": LOCAL_CHAIN_ID,
        "home": str(ipledger_home()),
        "state_file": info.state_file if info and info.state_file else str(folder / "state.json"),
        "log_file": info.log_file if info and info.log_file else str(folder / "anvil.log"),
        **_addresses(),
    }


def _addresses() -> dict[str, str | None]:
    """The local deployment's addresses (all ``None`` before the first deployment)."""
    record = read_local_record()
    if record is None:
        return {"registry": None, "compliance": None, "vault": None, "desk": None, "stablecoin": None}
    return record.addresses


def _show(out: Output, payload: dict[str, Any]) -> None:
    rows: list[tuple[str, str | Text]] = [
        ("Running", Text("yes", style="green") if payload["running"] else Text("no", style="yellow")),
        ("RPC URL", payload["rpc_url"] or "-"),
        ("PID", str(payload["pid"] or "-")),
        ("Chain id", str(payload["chain_id"])),
        ("Registry", payload["registry"] or "not deployed yet (deployed by dev0 on first use)"),
        *[
            (label, payload[key])
            for key, label in (("vault", "Share vault"), ("desk", "Desk"), ("stablecoin", "tUSD"))
            if payload[key]
        ],
        ("State file", payload["state_file"]),
        ("Log file", payload["log_file"]),
    ]
    out.line(details_lines(rows))


@node_app.command("start")
def start(port: PortOpt = None, json_: JsonOpt = False) -> None:
    """Start the local chain in the background, or say that it already runs.

    Its state (registry, rights, balances) is saved to $IPLEDGER_HOME/local/state.json every few seconds and
    on `ipledger node stop`, and restored at the next start.
    """
    out = Output(json_)
    running = local_node_status()
    if running is not None:
        info, started = running, False
    else:
        with out.progress("Starting anvil…"):
            info, started = start_local_node(port=port)
    payload = {"started": started, **_payload(info)}

    def human() -> None:
        if started:
            out.line(f"Started the local chain at {info.rpc_url} (pid {info.pid}).")
        else:
            out.line(f"The local chain is already running at {info.rpc_url} (pid {info.pid}).")
        _show(out, payload)

    out.result(payload, human)


@node_app.command("stop")
def stop(json_: JsonOpt = False) -> None:
    """Stop the local chain; its state stays on disk for the next `ipledger node start`.

    Stopping a chain that does not run is not an error: it says so and exits 0.
    """
    out = Output(json_)
    try:
        with out.progress("Stopping anvil (saving its state)…"):
            info: NodeInfo | None = stop_local_node()
    except NodeNotRunningError:
        info = None
    payload = {"stopped": info is not None, **_payload(None)}

    def human() -> None:
        if info is None:
            out.line("No local chain is running; nothing to stop.")
        else:
            out.line(f"Stopped the local chain (pid {info.pid}); its state is kept in {payload['state_file']}.")

    out.result(payload, human)


@node_app.command("status")
def status(json_: JsonOpt = False) -> None:
    """Say whether the local chain runs, where (RPC URL, pid, port) and where its state lives.

    Exits 0 either way; read `running` in the --json output.
    """
    out = Output(json_)
    payload = _payload(local_node_status())

    def human() -> None:
        if payload["running"]:
            out.line(f"The local chain is running at {payload['rpc_url']} (pid {payload['pid']}).")
        else:
            out.line("The local chain is not running; start it with `ipledger node start`.")
        _show(out, payload)

    out.result(payload, human)
