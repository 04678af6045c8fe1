"""Share balances at any block, replayed from the share token's ERC-20 ``Transfer`` logs."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ipledger._exceptions import RegistryError
from ipledger.audit._pledges import pledged_shares
from ipledger.chain._events import CUSTODY_EVENTS, ERC20_TRANSFER_TOPIC, DecodedLog, address_topic
from ipledger.chain._logs import fetch_logs
from ipledger.chain._rpc import Rpc
from ipledger.models._models import ZERO_ADDRESS, CapTable, Holding
from ipledger.models._pledges import Pledge

__all__ = ["cap_table_of", "replay_balances", "share_balances", "shares_at"]


def shares_at(vault_logs: Iterable[DecodedLog], block: int) -> DecodedLog | None:
    """The ``Fractionalized`` log of the shares that stand for the right at ``block``, or ``None`` if the right
    was not in the vault then (never fractionalized, or redeemed, lost or bought out since). Only the events that
    start or end shares (``CUSTODY_EVENTS``) count: a buyout started, tendered to or failed changes nothing."""
    current: DecodedLog | None = None
    for log in sorted(vault_logs, key=lambda entry: (entry.block, entry.log_index)):
        if log.block > block:
            break
        if log.name in CUSTODY_EVENTS:
            current = log if log.name == "Fractionalized" else None
    return current


def replay_balances(logs: Iterable[dict[str, Any]]) -> dict[str, int]:
    """Balances after replaying raw ERC-20 ``Transfer`` logs in order (mint from and burn to the zero address).

    Raises :class:`RegistryError` if a balance goes negative: the logs are incomplete or not an ERC-20's.
    """
    balances: dict[str, int] = defaultdict(int)
    for log in logs:
        topics = log.get("topics") or []
        if len(topics) != 3 or topics[0].lower() != ERC20_TRANSFER_TOPIC:
            continue
        source, target = address_topic(topics[1]), address_topic(topics[2])
        value = int(log["data"], 16)
        if source != ZERO_ADDRESS:
            balances[source] -= value
            if balances[source] < 0:
                raise RegistryError(
                    f"share Transfer logs are inconsistent: {source} sends more than it holds in block "
                    f"{int(log['blockNumber'], 16)}"
                )
        if target != ZERO_ADDRESS:
            balances[target] += value
    return {account: balance for account, balance in balances.items() if balance}


def share_balances(rpc: Rpc, *, share_token: str, from_block: int, to_block: int) -> dict[str, int]:
    """Every non-zero balance of ``share_token`` at ``to_block``, from its logs since ``from_block`` (its creation)."""
    logs = fetch_logs(rpc, address=share_token, topics=[ERC20_TRANSFER_TOPIC], from_block=from_block, to_block=to_block)
    return replay_balances(logs)


def cap_table_of(
    token_id: int,
    created: DecodedLog,
    *,
    balances: Mapping[str, int],
    frozen: Callable[[str], int],
    restricted: bool,
    total_supply: int,
    block: int,
    pledges: Sequence[Pledge] = (),
    loan_desk: str | None = None,
) -> CapTable:
    """The cap table of the share token ``created`` (its vault's ``Fractionalized`` log) issued for ``token_id``:
    its holders by balance (largest first), each with the amount ``frozen`` for it, as of ``block``; the shares the
    ``loan_desk`` holds under the right's live ``pledges`` (its loans as of ``block``) are attributed to their
    pledgors (a pledgor with nothing else is listed with a zero balance)."""
    share_token = str(created.args["shareToken"])
    live = [pledge for pledge in pledges if pledge.live and (pledge.share_token or "").lower() == share_token.lower()]
    pledged = pledged_shares(live, share_token)
    accounts = dict(balances) | {account: 0 for account in pledged if account not in balances}
    holders = [
        Holding(
            account=account, balance=balance, frozen=frozen(account) if balance else 0, pledged=pledged.get(account, 0)
        )
        for account, balance in sorted(
            accounts.items(), key=lambda item: (-item[1], -pledged.get(item[0], 0), item[0].lower())
        )
    ]
    return CapTable(
        token_id=token_id,
        token_id_hex=hex(token_id),
        share_token=str(created.args["shareToken"]),
        name=str(created.args["name"]),
        symbol=str(created.args["symbol"]),
        decimals=int(created.args["decimals"]),
        restricted=restricted,
        total_supply=total_supply,
        block=block,
        holders=holders,
        loan_desk=loan_desk if live else None,
        pledges=live,
    )
