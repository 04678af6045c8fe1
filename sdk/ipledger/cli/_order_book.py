"""The local order book: signed orders kept as JSON files in ``$IPLEDGER_HOME/orders/<orderhash>.json``.

Orders live off chain until filled; this folder keeps the ones made or received here, so ``market orders`` can list
them with their on-chain status and ``market fill`` / ``cancel`` can name them by hash.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import ValidationError

from ipledger import InvalidInputError, NotFoundError, SignedOrder, ipledger_home

__all__ = ["list_orders", "load_order", "orders_dir", "save_order"]

_HASH_PREFIX = re.compile(r"^0x[0-9a-fA-F]{6,64}$")


def orders_dir() -> Path:
    """``$IPLEDGER_HOME/orders``."""
    return ipledger_home() / "orders"


def save_order(signed: SignedOrder) -> Path:
    """Writes ``signed`` to the order book (the same JSON ``market order --json`` prints); returns its path."""
    folder = orders_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{signed.order_hash}.json"
    path.write_text(signed.model_dump_json(indent=2) + "\n", "utf-8")
    return path


def _read(path: Path) -> SignedOrder:
    try:
        return SignedOrder.model_validate_json(path.read_text("utf-8"))
    except OSError as exc:
        raise InvalidInputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not a signed order (not UTF-8 text)") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "order"
        raise InvalidInputError(f"{path}: not a signed order ({where}: {first['msg']})") from None


def load_order(reference: str) -> SignedOrder:
    """The order in the JSON file ``reference``, or the local order whose hash is (or starts with) ``reference``."""
    path = Path(reference)
    if path.is_file():
        return _read(path)
    if not _HASH_PREFIX.match(reference):
        raise InvalidInputError(f"{reference!r} is neither an order file nor an order hash")
    matches = sorted(orders_dir().glob(f"{reference.lower()}*.json")) if orders_dir().is_dir() else []
    if not matches:
        raise NotFoundError(f"no order {reference} in {orders_dir()}; pass the order's JSON file instead")
    if len(matches) > 1:
        raise InvalidInputError(f"{reference} matches {len(matches)} orders; give more of the hash")
    return _read(matches[0])


def list_orders(chain_id: int, desk: str) -> list[SignedOrder]:
    """The local orders of ``desk`` on ``chain_id``, oldest first (by nonce); unreadable files are skipped."""
    folder = orders_dir()
    if not folder.is_dir():
        return []
    orders = []
    for path in folder.glob("0x*.json"):
        try:
            signed = _read(path)
        except InvalidInputError:
            continue
        if signed.chain_id == chain_id and signed.desk == desk:
            orders.append(signed)
    return sorted(orders, key=lambda signed: (signed.order.nonce, signed.order_hash))
