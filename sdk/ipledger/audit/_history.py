"""A right's history: its registry logs (and the share vault's) read with a few ``eth_getLogs`` queries and merged
per transaction."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from ipledger.chain._events import (
    LOAN_EVENTS,
    MODULE_EVENTS,
    MODULE_TOKEN_FIRST_EVENTS,
    TOKEN_FIRST_EVENTS,
    TOPIC_OF,
    VAULT_EVENTS,
    DecodedLog,
    arg_bytes,
    decode_log,
    token_topic,
)
from ipledger.chain._logs import fetch_block_timestamps, fetch_logs
from ipledger.chain._rpc import Rpc
from ipledger.models._hashing import hash_bytes
from ipledger.models._models import EventKind, HistoryEvent, record_from_chain
from ipledger.models._numbers import number_text
from ipledger.models._rights_models import STANDARD_CLAIMS, field_label

__all__ = [
    "build_history",
    "fetch_module_logs",
    "fetch_token_logs",
    "fetch_vault_logs",
    "merge_history",
    "right_numbers",
]

_ZERO = "0x0000000000000000000000000000000000000000"
_EXCLUSIVITY = ("non_exclusive", "sole", "exclusive")
_OUTCOMES = ("open", "upheld", "dismissed")
_REMEDIES = ("none", "freeze", "force_transfer", "revoke")


def fetch_token_logs(
    rpc: Rpc,
    *,
    registry: str,
    token_id: int,
    from_block: int,
    to_block: int,
    max_range: int | None = None,
    vault: str | None = None,
) -> list[DecodedLog]:
    """Every registry log about ``token_id`` in the block range (and the ``vault``'s, if given), decoded, in
    chain order."""
    topic = token_topic(token_id)
    registry_topics = [[TOPIC_OF[name] for name in TOKEN_FIRST_EVENTS], topic]
    transfer_topics = [TOPIC_OF["Transfer"], None, None, topic]
    raw = fetch_logs(
        rpc, address=registry, topics=registry_topics, from_block=from_block, to_block=to_block, max_range=max_range
    ) + fetch_logs(
        rpc, address=registry, topics=transfer_topics, from_block=from_block, to_block=to_block, max_range=max_range
    )
    decoded = [log for log in map(decode_log, raw) if log is not None]
    if vault is not None:
        decoded += fetch_vault_logs(
            rpc, vault=vault, token_id=token_id, from_block=from_block, to_block=to_block, max_range=max_range
        )
    decoded.sort(key=lambda log: (log.block, log.log_index))
    return decoded


def fetch_vault_logs(
    rpc: Rpc, *, vault: str, token_id: int, from_block: int, to_block: int, max_range: int | None = None
) -> list[DecodedLog]:
    """The share vault's ``Fractionalized`` and ``Redeemed`` logs of ``token_id``, decoded, in chain order."""
    topics = [[TOPIC_OF[name] for name in VAULT_EVENTS], token_topic(token_id)]
    raw = fetch_logs(rpc, address=vault, topics=topics, from_block=from_block, to_block=to_block, max_range=max_range)
    return [log for log in map(decode_log, raw) if log is not None]


def fetch_module_logs(
    rpc: Rpc, *, modules: list[str], token_id: int, from_block: int, to_block: int, max_range: int | None = None
) -> list[DecodedLog]:
    """The licence, attestation, dispute and royalty logs of ``token_id`` at the ``modules``' addresses, in chain
    order: one query for the events with the token id as second topic, one for those with it first."""
    if not modules:
        return []
    topic = token_topic(token_id)
    second = [TOPIC_OF[name] for name in MODULE_EVENTS if name not in MODULE_TOKEN_FIRST_EVENTS]
    first = [TOPIC_OF[name] for name in MODULE_TOKEN_FIRST_EVENTS]
    raw = []
    for topics in ([second, None, topic], [first, topic]):
        raw += fetch_logs(
            rpc, address=modules, topics=topics, from_block=from_block, to_block=to_block, max_range=max_range
        )
    decoded = [log for log in map(decode_log, raw) if log is not None]
    decoded.sort(key=lambda log: (log.block, log.log_index))
    return decoded


def _published(log: DecodedLog) -> dict[str, Any]:
    """The hash of the public record a log publishes and the title it gives."""
    data = arg_bytes(log.args["metadata"])
    record, _ = record_from_chain(data)
    return {"metadata_hash": "0x" + hash_bytes(data).hex(), "title": None if record is None else record.title}


def build_history(rpc: Rpc, logs: list[DecodedLog]) -> list[HistoryEvent]:
    """Merges each transfer with the registration, assignment, forced transfer, fractionalization or redemption
    that explains it; block timestamps come from the node."""
    return merge_history(logs, fetch_block_timestamps(rpc, [log.block for log in logs]))


def merge_history(logs: list[DecodedLog], timestamps: Mapping[int, int]) -> list[HistoryEvent]:
    """:func:`build_history` with the blocks' unix timestamps given (the event index stores them)."""
    by_tx: dict[str, list[DecodedLog]] = defaultdict(list)
    for log in logs:
        by_tx[log.tx_hash].append(log)
    #: share token -> (name, symbol, decimals), for redemptions (the Redeemed event names only the token)
    shares = {
        log.args["shareToken"]: (log.args["name"], log.args["symbol"], log.args["decimals"])
        for log in logs
        if log.name == "Fractionalized"
    }
    #: loan id -> its LoanOpened (the later events of a loan name neither its parties nor its currency)
    loans = {int(log.args["loanId"]): log for log in logs if log.name == "LoanOpened"}
    events: list[HistoryEvent] = []
    for log in logs:
        when = dt.datetime.fromtimestamp(timestamps[log.block], dt.UTC)
        base = {"block": log.block, "timestamp": when, "tx_hash": log.tx_hash, "log_index": log.log_index}
        if log.name == "Transfer":
            events.append(_transfer_event(log, by_tx[log.tx_hash], base, shares))
        elif log.name in ("Frozen", "Unfrozen"):
            kind: EventKind = "frozen" if log.name == "Frozen" else "unfrozen"
            events.append(HistoryEvent(kind=kind, by=log.args["registrar"], order_hash=log.args["orderHash"], **base))
        elif log.name == "MetadataPublished":
            events.append(HistoryEvent(kind="metadata_updated", by=log.args["by"], **_published(log), **base))
        elif log.name in ("NumbersAdded", "NumberReclaimed", "NumbersReleased"):
            events.append(_numbers_event(log, base))
        elif log.name in LOAN_EVENTS:
            events.append(_loan_event(log, base, loans, shares))
        else:
            event = _rights_event(log, base)
            if event is not None:
                events.append(event)
    labels: dict[tuple[str, int | None], str] = {
        (log.tx_hash, int(log.args["licenseId"])): str(log.args["fieldOfUse"])
        for log in logs
        if log.name == "LicenseFieldOfUse" and field_label(str(log.args["fieldOfUse"])) == log.args["fieldOfUse"]
    }
    if not labels:
        return events
    return [
        event.model_copy(update={"field_of_use": labels.get((event.tx_hash, event.license_id))})
        if event.kind == "license_granted"
        else event
        for event in events
    ]


def _numbers_event(log: DecodedLog, base: dict[str, object]) -> HistoryEvent:
    """A number added to the right (``by`` its owner or a registrar), taken from it by a registrar's registration of
    another right, or released with its superseded or revoked claim."""
    args = log.args
    if log.name == "NumbersAdded":
        return HistoryEvent(kind="numbers_added", by=args["by"], numbers=_numbers(args["numbers"]), **base)
    if log.name == "NumberReclaimed":
        return HistoryEvent(
            kind="number_reclaimed",
            numbers=[number_text(args["number"])],
            other_token=hex(int(args["toTokenId"])),
            **base,
        )
    return HistoryEvent(kind="numbers_released", numbers=_numbers(args["numbers"]), **base)


def packed_numbers(logs: Sequence[DecodedLog]) -> list[int]:
    """The packed numbers a right holds after its registry logs (chain order): its latest registration's, with the
    numbers added since and without those reclaimed or released."""
    numbers: list[int] = []
    for log in logs:
        if log.name == "RightRegistered":
            numbers = list(log.args["numbers"])
        elif log.name == "NumbersAdded":
            numbers += [number for number in log.args["numbers"] if number not in numbers]
        elif log.name == "NumberReclaimed":
            numbers = [number for number in numbers if number != log.args["number"]]
        elif log.name == "NumbersReleased":
            numbers = [number for number in numbers if number not in log.args["numbers"]]
    return numbers


def right_numbers(logs: list[DecodedLog]) -> tuple[list[str], list[str]]:
    """The numbers of a right from its registry logs (chain order): its office's numbers, the primary first, and
    its family links, as its latest registration and the number events after it leave them."""
    numbers = packed_numbers(logs)
    own = [number_text(number) for number in numbers if not number >> 248]
    family = [number_text(number).removesuffix(" (family)") for number in numbers if number >> 248]
    return own, family


def _numbers(packed: list[int]) -> list[str]:
    return [number_text(number) for number in packed]


def _rights_event(log: DecodedLog, base: dict[str, object]) -> HistoryEvent | None:
    """Confirmations, dispute locks, licences, attestations, disputes, royalty payments and credits (one log
    each)."""
    args = log.args
    if log.name == "ClaimConfirmed":
        return HistoryEvent(kind="claim_confirmed", by=args["verifier"], evidence_hash=args["evidenceHash"], **base)
    if log.name == "DisputeLockSet":
        kind: EventKind = "dispute_locked" if args["locked"] else "dispute_unlocked"
        # A zero reference: the lock was lifted by the supersede of the claim the disputes were about.
        dispute = int(args["disputeRef"], 16) or None
        return HistoryEvent(kind=kind, by=args["by"], dispute_id=dispute, **base)
    if log.name == "PledgeSet":
        # The registry's side of a pledge: the lock set by the loan desk (the loan's id as reference) or lifted.
        return HistoryEvent(
            kind="pledge_locked" if args["pledged"] else "pledge_unlocked",
            by=args["by"],
            loan_id=int(args["loanRef"], 16) or None,
            **base,
        )
    if log.name == "LicenseGranted":
        return HistoryEvent(
            kind="license_granted",
            from_=args["grantor"],
            to=args["licensee"],
            by=args["grantor"],
            license_id=args["licenseId"],
            evidence_hash=args["termsHash"],
            exclusivity=_EXCLUSIVITY[args["exclusivity"]] if args["exclusivity"] < 3 else str(args["exclusivity"]),
            territories=args["territories"],
            payment_token=None if args["paymentToken"] == _ZERO else args["paymentToken"],
            **base,
        )
    if log.name == "LicenseRevoked":
        return HistoryEvent(
            kind="license_revoked", by=args["by"], license_id=args["licenseId"], reason_hash=args["reasonHash"], **base
        )
    if log.name == "Attested":
        return HistoryEvent(
            kind="attested",
            by=args["attestor"],
            attestation_id=args["attestationId"],
            claim_type=STANDARD_CLAIMS.get(args["claimType"], args["claimType"]),
            evidence_hash=args["evidenceHash"],
            **base,
        )
    if log.name == "AttestationRevoked":
        return HistoryEvent(
            kind="attestation_revoked",
            by=args["attestor"],
            attestation_id=args["attestationId"],
            reason_hash=args["reasonHash"],
            **base,
        )
    if log.name == "DisputeRaised":
        return HistoryEvent(
            kind="dispute_raised",
            by=args["claimant"],
            dispute_id=args["disputeId"],
            evidence_hash=args["evidenceHash"],
            amount=args["bond"],
            payment_token=None if args["bondToken"] == _ZERO else args["bondToken"],
            **base,
        )
    if log.name == "DisputeResolved":
        return HistoryEvent(
            kind="dispute_resolved",
            by=args["arbitrator"],
            dispute_id=args["disputeId"],
            outcome=_OUTCOMES[args["outcome"]] if args["outcome"] < 3 else str(args["outcome"]),
            remedy=_REMEDIES[args["remedy"]] if args["remedy"] < 4 else str(args["remedy"]),
            order_hash=args["rulingHash"],
            to=None if args["bondRecipient"] == _ZERO else args["bondRecipient"],
            **base,
        )
    if log.name == "DisputeRegistrationChanged":
        # The right was superseded, or revoked and registered again, after the dispute was raised: the ruling that
        # follows applies no remedy to the new registration and refunds the bond.
        return HistoryEvent(kind="dispute_registration_changed", dispute_id=args["disputeId"], **base)
    if log.name == "RoyaltyPaid":
        return HistoryEvent(
            kind="royalty_paid",
            from_=args["payer"],
            to=args["beneficiary"],
            by=args["payer"],
            license_id=args["licenseId"],
            amount=args["amount"],
            payment_token=args["token"],
            evidence_hash=None if int(args["reportHash"], 16) == 0 else args["reportHash"],
            **base,
        )
    if log.name == "RightCredited":
        return HistoryEvent(
            kind="right_credited",
            from_=args["payer"],
            to=args["beneficiary"],
            by=args["payer"],
            amount=args["amount"],
            payment_token=args["token"],
            evidence_hash=None if int(args["ref"], 16) == 0 else args["ref"],
            **base,
        )
    return None


def _loan_event(
    log: DecodedLog,
    base: dict[str, object],
    loans: Mapping[int, DecodedLog],
    shares: Mapping[str, tuple[str, str, int]],
) -> HistoryEvent:
    """A loan desk event: the loan, its parties and currency (from the loan's opening, when the history holds it)
    and what the event says of it; pledged shares with their token's name, symbol and decimals (``shares``)."""
    args = log.args
    loan_id = int(args["loanId"])
    opened = loans.get(loan_id)
    common: dict[str, Any] = {"loan_id": loan_id, "payment_token": None if opened is None else opened.args["currency"]}
    lender = None if opened is None else opened.args["lender"]
    borrower = None if opened is None else opened.args["borrower"]
    if log.name == "LoanOpened":
        amount = int(args["collateralAmount"])
        name, symbol, decimals = shares.get(args["collateral"], (None, None, None)) if amount else (None, None, None)
        return HistoryEvent(
            kind="loan_opened",
            share_name=name,
            symbol=symbol,
            decimals=decimals,
            from_=args["lender"],
            to=args["borrower"],
            by=args["borrower"],
            amount=args["principal"],
            agreement_hash=args["agreementHash"],
            evidence_hash=args["termsHash"],
            due=dt.datetime.fromtimestamp(int(args["maturity"]), dt.UTC),
            collateral_amount=amount or None,
            share_token=args["collateral"] if amount else None,
            **common,
            **base,
        )
    if log.name == "LoanRepaid":
        interest, principal = int(args["interestPaid"]), int(args["principalPaid"])
        return HistoryEvent(
            kind="loan_repaid",
            from_=args["payer"],
            to=lender,
            by=args["payer"],
            amount=interest + principal,
            interest=interest,
            remaining=args["remaining"],
            **common,
            **base,
        )
    if log.name == "PledgeReleased":
        return HistoryEvent(kind="pledge_released", to=args["borrower"], **common, **base)
    if log.name == "AuctionStarted":
        return HistoryEvent(
            kind="auction_started",
            by=lender,
            amount=args["startPrice"],
            floor_price=args["floorPrice"],
            due=dt.datetime.fromtimestamp(int(args["endsAt"]), dt.UTC),
            remaining=args["debt"],
            **common,
            **base,
        )
    if log.name == "CollateralSold":
        return HistoryEvent(
            kind="collateral_sold",
            from_=borrower,
            to=args["buyer"],
            by=args["buyer"],
            amount=args["price"],
            surplus=args["toBorrower"],
            shortfall=args["shortfall"],
            **common,
            **base,
        )
    if log.name == "Foreclosed":
        return HistoryEvent(kind="foreclosed", from_=borrower, to=args["lender"], by=args["lender"], **common, **base)
    if log.name == "LoanRefinanced":
        return HistoryEvent(
            kind="loan_refinanced",
            from_=lender,
            to=args["newLender"],
            by=borrower,
            new_loan_id=int(args["newLoanId"]),
            **common,
            **base,
        )
    if log.name == "CollateralLost":
        holder = str(args["holder"])
        return HistoryEvent(kind="collateral_lost", to=None if holder == _ZERO else holder, **common, **base)
    return HistoryEvent(kind="pledge_registered", by=args["by"], registration=args["registration"], **common, **base)


def _companion(transfer: DecodedLog, siblings: list[DecodedLog], name: str) -> DecodedLog | None:
    for sibling in siblings:
        if sibling.name != name or sibling.log_index <= transfer.log_index:
            continue
        if name in ("RightRegistered", "RightRevoked") or (
            sibling.args["from"] == transfer.args["from"] and sibling.args["to"] == transfer.args["to"]
        ):
            return sibling
    return None


def _vault_event(
    transfer: DecodedLog, siblings: list[DecodedLog], base: dict[str, object], shares: dict[str, tuple[str, str, int]]
) -> HistoryEvent | None:
    """A move into the share vault that fractionalized the right, or out of it at redemption (the vault emits its
    event just before the registry's Transfer, in the same transaction)."""
    source, target = transfer.args["from"], transfer.args["to"]
    for sibling in siblings:
        if sibling.name == "Fractionalized" and sibling.address == target:
            return HistoryEvent(
                kind="fractionalized",
                from_=source,
                to=target,
                by=sibling.args["owner"],
                share_token=sibling.args["shareToken"],
                supply=sibling.args["supply"],
                share_name=sibling.args["name"],
                symbol=sibling.args["symbol"],
                decimals=sibling.args["decimals"],
                **base,
            )
        if sibling.name == "Redeemed" and sibling.address == source:
            name, symbol, decimals = shares.get(sibling.args["shareToken"], (None, None, None))
            return HistoryEvent(
                kind="redeemed",
                from_=source,
                to=target,
                by=sibling.args["holder"],
                share_token=sibling.args["shareToken"],
                supply=sibling.args["supply"],
                share_name=name,
                symbol=symbol,
                decimals=decimals,
                **base,
            )
    return None


def _transfer_event(
    transfer: DecodedLog, siblings: list[DecodedLog], base: dict[str, object], shares: dict[str, tuple[str, str, int]]
) -> HistoryEvent:
    source, target = transfer.args["from"], transfer.args["to"]
    if target == _ZERO:
        revoked = _companion(transfer, siblings, "RightRevoked")
        return HistoryEvent(
            kind="revoked",
            from_=source,
            by=revoked.args["registrar"] if revoked else None,
            order_hash=revoked.args["orderHash"] if revoked else None,
            **base,
        )
    if source == _ZERO:
        registered = _companion(transfer, siblings, "RightRegistered")
        registrar = registered.args["registrar"] if registered else None
        return HistoryEvent(
            kind="registered",
            to=target,
            by=None if registrar == _ZERO else registrar,
            content_hash=registered.args["contentHash"] if registered else None,
            numbers=_numbers(registered.args["numbers"]) if registered else None,
            **(_published(registered) if registered else {}),
            **base,
        )
    custody = _vault_event(transfer, siblings, base, shares)
    if custody is not None:
        return custody
    assigned = _companion(transfer, siblings, "Assigned")
    if assigned is not None:
        return HistoryEvent(
            kind="assignment", from_=source, to=target, by=source, deed_hash=assigned.args["deedHash"], **base
        )
    superseded = _companion(transfer, siblings, "ClaimSuperseded")
    if superseded is not None:
        registered = _companion(transfer, siblings, "RightRegistered")
        registrar = registered.args["registrar"] if registered else None
        return HistoryEvent(
            kind="claim_superseded",
            from_=source,
            to=target,
            by=None if registrar == _ZERO else registrar,
            content_hash=registered.args["contentHash"] if registered else None,
            numbers=_numbers(registered.args["numbers"]) if registered else None,
            **(_published(registered) if registered else {}),
            **base,
        )
    forced = _companion(transfer, siblings, "ForceTransferred")
    if forced is not None:
        return HistoryEvent(
            kind="forced_transfer",
            from_=source,
            to=target,
            by=forced.args["registrar"],
            order_hash=forced.args["orderHash"],
            **base,
        )
    return HistoryEvent(kind="transfer", from_=source, to=target, **base)
