"""Records of deployments: which contracts, on which chain.

- ``$IPLEDGER_HOME/local/deployment.json``: the local network's deployment. It holds every contract's address
  (registry, compliance, vault, desk, stablecoin, and the licence, attestation, dispute and royalty modules) and the
  chain id, which :meth:`Ledger.local` expects of the local node. Files written before the share contracts existed
  hold only ``registry``; :meth:`Ledger.local` then deploys the rest.
- ``$IPLEDGER_HOME/deployments/<chain_id>-<registry>.json``: one file per deployment on any other chain, written by
  ``ipledger deploy`` (or :func:`save_deployment_record`): the same fields, plus the registry's deployment
  transaction. Later commands against that registry expect its chain id without ``--chain-id``. The file holds no
  RPC URL (a provider's URL often embeds an API key). A registry address recorded on two chains (the same deployer
  and nonce on both) names no single chain: ``--chain-id`` must then say which.
- ``$IPLEDGER_HOME/deployments/pending/<chain_id>-<deployer>.json``: the journal of a deployment under way (each
  transaction's step, nonce, expected address and hash, written before the first is sent); a deployment cut off
  resumes from it when run again, and removes it once finished (see :mod:`ipledger._deploy`).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from eth_utils.address import to_checksum_address

from ipledger._exceptions import InvalidInputError
from ipledger.chain._accounts import is_valid_address
from ipledger.models._models import Deployment, TransactionResult
from ipledger.node._local_deployment import LOCAL_ROLES, local_deployment_file, read_local_record
from ipledger.node._node import ipledger_home

__all__ = [
    "deployment_journal_file",
    "deployment_record_file",
    "local_deployment_file",
    "read_deployment_records",
    "read_local_deployment",
    "read_local_registry",
    "save_deployment_record",
    "save_local_deployment",
    "save_local_registry",
    "write_atomically",
]

_ROLES = LOCAL_ROLES[1:]


def read_local_deployment(home: Path | None = None) -> Deployment | None:
    """The local network's recorded deployment, if any (contracts missing from an older file are ``None``)."""
    record = read_local_record(home)
    if record is None:
        return None
    return Deployment(chain_id=record.chain_id, **record.addresses, currencies=record.currencies)


def read_local_registry(home: Path | None = None) -> str | None:
    """The local network's default registry address, if one was recorded."""
    deployment = read_local_deployment(home)
    return None if deployment is None else deployment.registry


def save_local_deployment(deployment: Deployment, home: Path | None = None) -> None:
    """Makes ``deployment`` the one :meth:`Ledger.local` (and ``--network local``) uses from now on."""
    path = local_deployment_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    record: dict[str, object] = {**deployment.addresses(), "chain_id": deployment.chain_id}
    if deployment.currencies:
        record["currencies"] = dict(deployment.currencies)
    path.write_text(json.dumps(record, indent=2) + "\n", "utf-8")


def save_local_registry(address: str, chain_id: int, home: Path | None = None) -> None:
    """Records only a registry (the share contracts are deployed beside it on the next :meth:`Ledger.local`)."""
    save_local_deployment(Deployment(chain_id=chain_id, registry=address), home)


# ---------------------------------------------------------------------------- deployments on any chain


def deployment_record_file(chain_id: int, registry: str, home: Path | None = None) -> Path:
    """Where the deployment of ``registry`` on ``chain_id`` is recorded."""
    return (home or ipledger_home()) / "deployments" / f"{chain_id}-{_checksummed(registry)}.json"


def save_deployment_record(deployment: Deployment, home: Path | None = None) -> Path:
    """Records ``deployment`` (its addresses, chain id and the registry's deployment transaction, no RPC URL) so
    that later commands against its registry expect its chain; returns the file. Written atomically."""
    path = deployment_record_file(deployment.chain_id, deployment.registry, home)
    record: dict[str, Any] = {**deployment.addresses(), "chain_id": deployment.chain_id}
    transaction = deployment.transactions.get("IPRegistry")
    if transaction is not None:
        record["transaction"] = transaction.model_dump(mode="json")
    write_atomically(path, json.dumps(record, indent=2) + "\n")
    return path


def deployment_journal_file(chain_id: int, deployer: str, home: Path | None = None) -> Path:
    """Where the deployment ``deployer`` is sending on ``chain_id`` is journalled until it is finished."""
    return (home or ipledger_home()) / "deployments" / "pending" / f"{chain_id}-{to_checksum_address(deployer)}.json"


def write_atomically(path: Path, text: str) -> None:
    """Writes ``text`` to ``path`` through a temporary file in its folder (created if missing) renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        Path(temporary).replace(path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_deployment_records(registry: str, home: Path | None = None) -> list[Deployment]:
    """Every recorded deployment of ``registry`` (on each chain it was recorded on), by chain id. A file whose
    content does not match its name (another registry or chain id inside) or cannot be read is skipped."""
    folder = (home or ipledger_home()) / "deployments"
    address = _checksummed(registry)
    records: list[Deployment] = []
    for path in sorted(folder.glob(f"*-{address}.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
            transaction = data.get("transaction")
            deployment = Deployment(
                chain_id=int(data["chain_id"]),
                registry=_checksummed(str(data["registry"])),
                **{role: str(data[role]) for role in _ROLES if data.get(role)},
                transactions={} if transaction is None else {"IPRegistry": TransactionResult(**transaction)},
            )
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            continue
        if deployment.registry == address and path.name == f"{deployment.chain_id}-{address}.json":
            records.append(deployment)
    return sorted(records, key=lambda record: record.chain_id)


def _checksummed(address: str) -> str:
    if not is_valid_address(address):
        raise InvalidInputError(f"registry address {address!r} is not a valid address")
    return to_checksum_address(address)
