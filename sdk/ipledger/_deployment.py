"""The local network's record of its deployment: ``$IPLEDGER_HOME/local/deployment.json``.

It holds every contract's address (registry, compliance, vault, desk, stablecoin, and the licence, attestation,
dispute and royalty modules) and the chain id. Files
written before the share contracts existed hold only ``registry``; :meth:`Ledger.local` then deploys the rest.
"""

from __future__ import annotations

import json
from pathlib import Path

from ._models import Deployment
from ._node import LOCAL_CHAIN_ID, ipledger_home

__all__ = [
    "local_deployment_file",
    "read_local_deployment",
    "read_local_registry",
    "save_local_deployment",
    "save_local_registry",
]

_ROLES = ("compliance", "vault", "desk", "stablecoin", "licenses", "attestations", "disputes", "royalties")


def local_deployment_file(home: Path | None = None) -> Path:
    """Where the local network records its default deployment."""
    return (home or ipledger_home()) / "local" / "deployment.json"


def read_local_deployment(home: Path | None = None) -> Deployment | None:
    """The local network's recorded deployment, if any (contracts missing from an older file are ``None``)."""
    try:
        data = json.loads(local_deployment_file(home).read_text("utf-8"))
        return Deployment(
            chain_id=int(data.get("chain_id", LOCAL_CHAIN_ID)),
            registry=str(data["registry"]),
            **{role: str(data[role]) for role in _ROLES if data.get(role)},
        )
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None


def read_local_registry(home: Path | None = None) -> str | None:
    """The local network's default registry address, if one was recorded."""
    deployment = read_local_deployment(home)
    return None if deployment is None else deployment.registry


def save_local_deployment(deployment: Deployment, home: Path | None = None) -> None:
    """Makes ``deployment`` the one :meth:`Ledger.local` (and ``--network local``) uses from now on."""
    path = local_deployment_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {**deployment.addresses(), "chain_id": deployment.chain_id}
    path.write_text(json.dumps(record, indent=2) + "\n", "utf-8")


def save_local_registry(address: str, chain_id: int, home: Path | None = None) -> None:
    """Records only a registry (the share contracts are deployed beside it on the next :meth:`Ledger.local`)."""
    save_local_deployment(Deployment(chain_id=chain_id, registry=address), home)
