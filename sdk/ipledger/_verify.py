"""The verification report: named checks an auditor can rerun, and what they must notice."""

from __future__ import annotations

from collections.abc import Sequence

from ._models import Check, HistoryEvent, RightRecord, RightStatus

__all__ = ["custody_check", "notices_for"]

_ZERO = "0x0000000000000000000000000000000000000000"


def custody_check(events: Sequence[HistoryEvent], current_owner: str) -> Check:
    """The chain of custody is unbroken from the registration to the current ``ownerOf``."""
    moves = [
        event
        for event in events
        if event.kind in ("registered", "transfer", "assignment", "forced_transfer", "claim_superseded")
    ]
    if not moves or moves[0].kind != "registered":
        return Check(name="custody", ok=False, detail="no registration (mint) event opens the chain of custody")
    holder = moves[0].to
    for event in moves[1:]:
        if event.kind == "registered":
            return Check(name="custody", ok=False, detail=f"second mint in block {event.block}")
        if event.from_ != holder:
            return Check(
                name="custody",
                ok=False,
                detail=f"block {event.block}: {event.kind} from {event.from_}, but the holder was {holder}",
            )
        holder = event.to
    if holder != current_owner:
        return Check(name="custody", ok=False, detail=f"events end with {holder}, but ownerOf says {current_owner}")
    return Check(
        name="custody",
        ok=True,
        detail=f"{len(moves)} custody events, unbroken from registration to the current owner {current_owner}",
    )


def notices_for(record: RightRecord, events: Sequence[HistoryEvent]) -> list[str]:
    """Facts an auditor must notice even when every check passes."""
    notices: list[str] = []
    if record.self_declared:
        notices.append("self-declared: claimed by commit-reveal, not checked by a registrar")
    if record.status is RightStatus.EXPIRED:
        notices.append(f"expired on {record.expiry:%Y-%m-%d}" if record.expiry else "expired")
    for event in events:
        if event.kind == "forced_transfer":
            notices.append(
                f"forced transfer in block {event.block} ({event.timestamp:%Y-%m-%d}) from {event.from_} to "
                f"{event.to} by registrar {event.by}, order {event.order_hash}"
            )
        elif event.kind == "claim_superseded":
            notices.append(
                f"self-declared claim of {event.from_} superseded in block {event.block} by "
                + (f"registrar {event.by}'s registration" if event.by else f"an earlier claim of {event.to}")
            )
        elif event.kind == "frozen":
            notices.append(
                f"frozen in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.by}, order {event.order_hash}"
            )
        elif event.kind == "unfrozen":
            notices.append(f"unfrozen in block {event.block} ({event.timestamp:%Y-%m-%d}) by {event.by}")
    return notices
