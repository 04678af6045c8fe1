"""Named networks: ``$IPLEDGER_HOME/networks.toml``, one table a network.

.. code-block:: toml

    [sepolia]
    rpc_url = "https://sepolia.example/v3/KEY"
    chain_id = 11155111
    registry = "0x…"
    vault = "0x…"
    desk = "0x…"

A profile gives the RPC URL, the chain id the node must report (the pinned chain of docs/security.md) and the
contracts, so ``--network sepolia`` (``Ledger.connect(network="sepolia")``) replaces ``--rpc-url … --chain-id …
--registry … --vault … --desk …``. ``ipledger network add`` and ``ipledger deploy --network NAME`` write it; it may
be edited by hand. The file may hold a provider's API key in its URLs: it is written readable by its owner only.
``local`` (the anvil chain in ``$IPLEDGER_HOME``) is no profile: its node and ``local/deployment.json`` say it all.
"""

from __future__ import annotations

import json
import os
import tempfile
import tomllib
from pathlib import Path

from pydantic import ValidationError

from ipledger._exceptions import InvalidInputError, NotFoundError
from ipledger.models._models import Network
from ipledger.node._node import ipledger_home

__all__ = ["networks_file", "read_network", "read_networks", "remove_network", "save_network"]

_FIELDS = (
    "rpc_url",
    "chain_id",
    "registry",
    "vault",
    "desk",
    "stablecoin",
    "licenses",
    "attestations",
    "disputes",
    "loans",
)


def networks_file(home: Path | None = None) -> Path:
    """``$IPLEDGER_HOME/networks.toml``."""
    return (home or ipledger_home()) / "networks.toml"


def read_networks(home: Path | None = None) -> dict[str, Network]:
    """Every network of the file, by name (none when there is no file); a malformed file is an
    :class:`~ipledger.InvalidInputError` naming it."""
    path = networks_file(home)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc}") from None
    try:
        tables = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"{path}: not valid TOML ({exc})") from None
    networks: dict[str, Network] = {}
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise InvalidInputError(f"{path}: {name!r} is not a table of network fields ([{name}] then rpc_url = …)")
        unknown = sorted(set(table) - set(_FIELDS))
        if unknown:
            raise InvalidInputError(f"{path}: network {name!r} has unknown fields {', '.join(unknown)}")
        try:
            networks[name] = Network(name=name, **table)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            message = str(first["msg"]).removeprefix("Value error, ")
            raise InvalidInputError(f"{path}: network {name!r}: {where}: {message}") from None
    return networks


def read_network(name: str, home: Path | None = None) -> Network:
    """The network ``name`` (:class:`~ipledger.NotFoundError` naming the known ones when there is none)."""
    if name == "local":
        raise InvalidInputError("'local' is the anvil chain kept in $IPLEDGER_HOME: use Ledger.local()")
    networks = read_networks(home)
    if name not in networks:
        known = ", ".join(sorted(networks)) or "none yet"
        raise NotFoundError(
            f"no network {name!r} in {networks_file(home)} (known: {known}); add it with `ipledger network add "
            f"{name} --rpc-url URL --chain-id ID --registry ADDRESS`"
        )
    return networks[name]


def save_network(network: Network, home: Path | None = None) -> Path:
    """Adds ``network`` to the file, or replaces the one of that name; returns the file. Written atomically,
    readable by its owner only."""
    networks = read_networks(home)
    networks[network.name] = network
    _write(networks, networks_file(home))
    return networks_file(home)


def remove_network(name: str, home: Path | None = None) -> Network:
    """Removes the network ``name`` from the file and returns it (:class:`~ipledger.NotFoundError` if unknown)."""
    removed = read_network(name, home)
    networks = read_networks(home)
    del networks[name]
    _write(networks, networks_file(home))
    return removed


def _write(networks: dict[str, Network], path: Path) -> None:
    lines = ["# ipledger's networks, one table a network (`ipledger network add|list|show|remove`).", ""]
    for name in sorted(networks):
        lines.append(f"[{name}]")
        data = networks[name].model_dump(include=set(_FIELDS), exclude_none=True)
        for key in _FIELDS:
            if key in data:
                value = data[key]
                # A JSON string is a TOML basic string (the same escapes); an int is an int.
                lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")
        lines.append("")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("\n".join(lines))
        Path(temporary).chmod(0o600)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
