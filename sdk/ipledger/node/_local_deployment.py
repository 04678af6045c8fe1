"""The local network's deployment file, ``$IPLEDGER_HOME/local/deployment.json``, read as plain addresses.

Reading it needs neither web3 nor pydantic, so ``ipledger node status`` shows the local contracts at startup;
:mod:`._deployment` turns the record into a :class:`~ipledger.Deployment` and writes the file.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from ipledger.node._node import LOCAL_CHAIN_ID, ipledger_home

__all__ = ["LOCAL_ROLES", "LocalDeploymentRecord", "local_deployment_file", "read_local_record"]

#: The contracts the file names, in the order it stores them; a file written before the share contracts existed
#: holds only ``registry``.
LOCAL_ROLES = (
    "registry",
    "compliance",
    "vault",
    "desk",
    "stablecoin",
    "licenses",
    "attestations",
    "disputes",
    "royalties",
    "loans",
)


@dataclass(frozen=True)
class LocalDeploymentRecord:
    """What the file says: the chain id and every contract's address by role (``None`` when the file lacks it)."""

    chain_id: int
    addresses: dict[str, str | None]
    #: The local chain's test currencies besides tUSD, by symbol.
    currencies: dict[str, str] = field(default_factory=dict)


def local_deployment_file(home: Path | None = None) -> Path:
    """Where the local network records its default deployment."""
    return (home or ipledger_home()) / "local" / "deployment.json"


def read_local_record(home: Path | None = None) -> LocalDeploymentRecord | None:
    """The local deployment file's record, or ``None`` when it is missing, unreadable or names no registry."""
    try:
        data = json.loads(local_deployment_file(home).read_text("utf-8"))
        addresses: dict[str, str | None] = {"registry": str(data["registry"])}
        addresses.update({role: str(data[role]) if data.get(role) else None for role in LOCAL_ROLES[1:]})
        currencies = {str(symbol): str(address) for symbol, address in dict(data.get("currencies") or {}).items()}
        return LocalDeploymentRecord(
            chain_id=int(data.get("chain_id", LOCAL_CHAIN_ID)), addresses=addresses, currencies=currencies
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
