"""Decoding of the registry's and share vault's logs (raw ``eth_getLogs`` dicts) without web3's slow event machinery."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from eth_abi.abi import decode
from eth_abi.exceptions import DecodingError
from eth_utils.address import to_checksum_address
from eth_utils.crypto import keccak

from ipledger._exceptions import NodeError

__all__ = [
    "BUYOUT_EVENTS",
    "CUSTODY_EVENTS",
    "ERC20_TRANSFER_TOPIC",
    "EVENT_SIGNATURES",
    "LOAN_EVENTS",
    "MODULE_EVENTS",
    "MODULE_TOKEN_FIRST_EVENTS",
    "TOKEN_FIRST_EVENTS",
    "TOPIC_OF",
    "VAULT_EVENTS",
    "DecodedLog",
    "address_topic",
    "arg_bytes",
    "decode_log",
    "token_topic",
]

#: Event name -> (signature, indexed parameter names and types, data parameter names and types). Logs are matched by
#: topic0, i.e. by signature: ERC-7943's ``Frozen(address,uint256,bool)`` and ``ForcedTransfer(address,address,
#: uint256)``, which the registry emits beside its own ``Frozen`` / ``Unfrozen`` / ``ForceTransferred`` (and which no
#: history links), are left out on purpose and decode to ``None``; should they ever be added, they need keys of their
#: own (``Frozen`` is the registry's event).
_EVENTS: dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str]]]] = {
    "Transfer": (
        "Transfer(address,address,uint256)",
        [("from", "address"), ("to", "address"), ("tokenId", "uint256")],
        [],
    ),
    "HistoryLinked": ("HistoryLinked(uint256,uint256)", [("tokenId", "uint256")], [("previousBlock", "uint256")]),
    "RightRegistered": (
        "RightRegistered(uint256,bytes32,address,uint96,uint256[],bytes)",
        [("tokenId", "uint256"), ("contentHash", "bytes32"), ("registrar", "address")],
        [("record", "uint96"), ("numbers", "uint256[]"), ("metadata", "bytes")],
    ),
    "NumbersAdded": (
        "NumbersAdded(uint256,address,uint256[],uint96)",
        [("tokenId", "uint256"), ("by", "address")],
        [("numbers", "uint256[]"), ("record", "uint96")],
    ),
    "NumberReclaimed": (
        "NumberReclaimed(uint256,uint256,uint256)",
        [("tokenId", "uint256"), ("toTokenId", "uint256")],
        [("number", "uint256")],
    ),
    "ContentReclaimed": (
        "ContentReclaimed(bytes32,uint256,uint256)",
        [("contentHash", "bytes32"), ("fromTokenId", "uint256"), ("toTokenId", "uint256")],
        [],
    ),
    "RoyaltySet": ("RoyaltySet(uint256,uint96)", [("tokenId", "uint256")], [("bps", "uint96")]),
    "NumbersReleased": (
        "NumbersReleased(uint256,uint256[])",
        [("tokenId", "uint256")],
        [("numbers", "uint256[]")],
    ),
    "Assigned": (
        "Assigned(uint256,address,address,bytes32)",
        [("tokenId", "uint256"), ("from", "address"), ("to", "address")],
        [("deedHash", "bytes32")],
    ),
    "Frozen": (
        "Frozen(uint256,address,bytes32)",
        [("tokenId", "uint256"), ("registrar", "address")],
        [("orderHash", "bytes32")],
    ),
    "Unfrozen": (
        "Unfrozen(uint256,address,bytes32)",
        [("tokenId", "uint256"), ("registrar", "address")],
        [("orderHash", "bytes32")],
    ),
    "ForceTransferred": (
        "ForceTransferred(uint256,address,address,address,bytes32)",
        [("tokenId", "uint256"), ("from", "address"), ("to", "address")],
        [("registrar", "address"), ("orderHash", "bytes32")],
    ),
    "ClaimSuperseded": (
        "ClaimSuperseded(uint256,address,address,bytes32)",
        [("tokenId", "uint256"), ("from", "address"), ("to", "address")],
        [("previousContentHash", "bytes32")],
    ),
    "MetadataPublished": (
        "MetadataPublished(uint256,address,bytes)",
        [("tokenId", "uint256"), ("by", "address")],
        [("metadata", "bytes")],
    ),
    "ClaimConfirmed": (
        "ClaimConfirmed(uint256,address,bytes32)",
        [("tokenId", "uint256"), ("verifier", "address")],
        [("evidenceHash", "bytes32")],
    ),
    "DisputeLockSet": (
        "DisputeLockSet(uint256,bool,address,bytes32)",
        [("tokenId", "uint256"), ("by", "address")],
        [("locked", "bool"), ("disputeRef", "bytes32")],
    ),
    "RightRevoked": (
        "RightRevoked(uint256,address,address,bytes32)",
        [("tokenId", "uint256"), ("holder", "address"), ("registrar", "address")],
        [("orderHash", "bytes32")],
    ),
    # LicenseRegistry, AttestationRegistry, DisputeManager, RoyaltyVault: the token id is the second topic (first
    # in RightCredited)
    "LicenseGranted": (
        "LicenseGranted(uint256,uint256,address,address,bytes32,uint8,bytes2[],bytes32,uint40,uint40,bool,uint16,address)",
        [("licenseId", "uint256"), ("tokenId", "uint256"), ("licensee", "address")],
        [
            ("grantor", "address"),
            ("termsHash", "bytes32"),
            ("exclusivity", "uint8"),
            ("territories", "bytes2[]"),
            ("field", "bytes32"),
            ("start", "uint40"),
            ("end", "uint40"),
            ("sublicensable", "bool"),
            ("royaltyBps", "uint16"),
            ("paymentToken", "address"),
        ],
    ),
    "LicenseFieldOfUse": (
        "LicenseFieldOfUse(uint256,uint256,string)",
        [("licenseId", "uint256"), ("tokenId", "uint256")],
        [("fieldOfUse", "string")],
    ),
    "LicenseRevoked": (
        "LicenseRevoked(uint256,uint256,address,bytes32)",
        [("licenseId", "uint256"), ("tokenId", "uint256"), ("by", "address")],
        [("reasonHash", "bytes32")],
    ),
    "Attested": (
        "Attested(uint256,uint256,address,bytes32,bytes32,uint64)",
        [("attestationId", "uint256"), ("tokenId", "uint256"), ("attestor", "address")],
        [("claimType", "bytes32"), ("evidenceHash", "bytes32"), ("expiry", "uint64")],
    ),
    "AttestationRevoked": (
        "AttestationRevoked(uint256,uint256,address,bytes32)",
        [("attestationId", "uint256"), ("tokenId", "uint256"), ("attestor", "address")],
        [("reasonHash", "bytes32")],
    ),
    "DisputeRaised": (
        "DisputeRaised(uint256,uint256,address,bytes32,address,uint256,bool,bool)",
        [("disputeId", "uint256"), ("tokenId", "uint256"), ("claimant", "address")],
        [
            ("evidenceHash", "bytes32"),
            ("bondToken", "address"),
            ("bond", "uint256"),
            ("lockedTransfers", "bool"),
            ("forfeitOnDismissal", "bool"),
        ],
    ),
    "DisputeResolved": (
        "DisputeResolved(uint256,uint256,address,uint8,uint8,bytes32,address)",
        [("disputeId", "uint256"), ("tokenId", "uint256"), ("arbitrator", "address")],
        [("outcome", "uint8"), ("remedy", "uint8"), ("rulingHash", "bytes32"), ("bondRecipient", "address")],
    ),
    "DisputeRegistrationChanged": (
        "DisputeRegistrationChanged(uint256,uint256,uint32,uint32)",
        [("disputeId", "uint256"), ("tokenId", "uint256")],
        [("raisedAgainst", "uint32"), ("current", "uint32")],
    ),
    "RoyaltyPaid": (
        "RoyaltyPaid(uint256,uint256,address,address,uint256,address,bytes32)",
        [("licenseId", "uint256"), ("tokenId", "uint256"), ("payer", "address")],
        [("token", "address"), ("amount", "uint256"), ("beneficiary", "address"), ("reportHash", "bytes32")],
    ),
    "RightCredited": (
        "RightCredited(uint256,address,address,uint256,address,bytes32)",
        [("tokenId", "uint256"), ("payer", "address")],
        [("token", "address"), ("amount", "uint256"), ("beneficiary", "address"), ("ref", "bytes32")],
    ),
    # FractionVault
    "Fractionalized": (
        "Fractionalized(uint256,address,address,uint256,uint8,bool,string,string)",
        [("tokenId", "uint256"), ("shareToken", "address"), ("owner", "address")],
        [
            ("supply", "uint256"),
            ("decimals", "uint8"),
            ("restricted", "bool"),
            ("name", "string"),
            ("symbol", "string"),
        ],
    ),
    "Redeemed": (
        "Redeemed(uint256,address,address,uint256)",
        [("tokenId", "uint256"), ("shareToken", "address"), ("holder", "address")],
        [("supply", "uint256")],
    ),
    "CustodyLost": (
        "CustodyLost(uint256,address,address)",
        [("tokenId", "uint256"), ("shareToken", "address"), ("holder", "address")],
        [],
    ),
    # IPRegistry: the loan desk's pledge lock (the same arguments as DisputeLockSet)
    "PledgeSet": (
        "PledgeSet(uint256,bool,address,bytes32)",
        [("tokenId", "uint256"), ("by", "address")],
        [("pledged", "bool"), ("loanRef", "bytes32")],
    ),
    # LoanDesk: the loan id first, the right second (the contract's ``rightId``: the right pledged, or the right
    # behind the pledged shares; the SDK names it ``tokenId`` like every module's right)
    "LoanOpened": (
        "LoanOpened(uint256,uint256,address,address,address,uint256,address,uint256,uint256,bytes32,bytes32)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("lender", "address")],
        [
            ("borrower", "address"),
            ("collateral", "address"),
            ("collateralAmount", "uint256"),
            ("currency", "address"),
            ("principal", "uint256"),
            ("maturity", "uint256"),
            ("agreementHash", "bytes32"),
            ("termsHash", "bytes32"),
        ],
    ),
    "LoanRepaid": (
        "LoanRepaid(uint256,uint256,address,uint256,uint256,uint256)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("payer", "address")],
        [("interestPaid", "uint256"), ("principalPaid", "uint256"), ("remaining", "uint256")],
    ),
    "PledgeReleased": (
        "PledgeReleased(uint256,uint256,address)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("borrower", "address")],
        [],
    ),
    "AuctionStarted": (
        "AuctionStarted(uint256,uint256,uint256,uint256,uint256,uint256)",
        [("loanId", "uint256"), ("tokenId", "uint256")],
        [("startPrice", "uint256"), ("floorPrice", "uint256"), ("endsAt", "uint256"), ("debt", "uint256")],
    ),
    "CollateralSold": (
        "CollateralSold(uint256,uint256,address,uint256,uint256,uint256,uint256)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("buyer", "address")],
        [("price", "uint256"), ("toLender", "uint256"), ("toBorrower", "uint256"), ("shortfall", "uint256")],
    ),
    "Foreclosed": (
        "Foreclosed(uint256,uint256,address)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("lender", "address")],
        [],
    ),
    "LoanRefinanced": (
        "LoanRefinanced(uint256,uint256,uint256,address)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("newLoanId", "uint256")],
        [("newLender", "address")],
    ),
    "CollateralLost": (
        "CollateralLost(uint256,uint256,address)",
        [("loanId", "uint256"), ("tokenId", "uint256")],
        [("holder", "address")],
    ),
    "PledgeRegistered": (
        "PledgeRegistered(uint256,uint256,address,string)",
        [("loanId", "uint256"), ("tokenId", "uint256"), ("by", "address")],
        [("registration", "string")],
    ),
    # FractionVault: buyouts (docs/buyout.md)
    "BuyoutThresholdSet": (
        "BuyoutThresholdSet(uint256,address,uint16)",
        [("tokenId", "uint256"), ("shareToken", "address")],
        [("threshold", "uint16")],
    ),
    "BuyoutStarted": (
        "BuyoutStarted(uint256,uint256,address,address,address,uint256,uint256,uint16,uint40)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("bidder", "address")],
        [
            ("shareToken", "address"),
            ("paymentToken", "address"),
            ("pricePerShare", "uint256"),
            ("deposit", "uint256"),
            ("threshold", "uint16"),
            ("endsAt", "uint40"),
        ],
    ),
    "SharesTendered": (
        "SharesTendered(uint256,uint256,address,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("holder", "address")],
        [("amount", "uint256"), ("tendered", "uint256")],
    ),
    "TenderWithdrawn": (
        "TenderWithdrawn(uint256,uint256,address,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("holder", "address")],
        [("amount", "uint256"), ("tendered", "uint256")],
    ),
    "BuyoutSucceeded": (
        "BuyoutSucceeded(uint256,uint256,address,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("bidder", "address")],
        [("tendered", "uint256"), ("supply", "uint256")],
    ),
    "BuyoutFailed": (
        "BuyoutFailed(uint256,uint256,address,uint8,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("bidder", "address")],
        [("reason", "uint8"), ("tendered", "uint256"), ("supply", "uint256")],
    ),
    "BuyoutCancelled": (
        "BuyoutCancelled(uint256,uint256,address,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("bidder", "address")],
        [("deposit", "uint256")],
    ),
    "BuyoutClaimed": (
        "BuyoutClaimed(uint256,uint256,address,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("account", "address")],
        [("shares", "uint256"), ("payment", "uint256")],
    ),
    "SharesCashedOut": (
        "SharesCashedOut(uint256,uint256,address,uint256,uint256)",
        [("tokenId", "uint256"), ("buyoutId", "uint256"), ("holder", "address")],
        [("amount", "uint256"), ("payment", "uint256")],
    ),
}

#: topic0 (hex, 0x-prefixed) -> event name.
EVENT_SIGNATURES: dict[str, str] = {"0x" + keccak(text=sig).hex(): name for name, (sig, _, _) in _EVENTS.items()}
TOPIC_OF: dict[str, str] = {name: topic for topic, name in EVENT_SIGNATURES.items()}
#: Events whose first indexed parameter is the token id.
TOKEN_FIRST_EVENTS = (
    "RightRegistered",
    "NumbersAdded",
    "NumberReclaimed",
    "NumbersReleased",
    "Assigned",
    "Frozen",
    "Unfrozen",
    "ForceTransferred",
    "ClaimSuperseded",
    "MetadataPublished",
    "ClaimConfirmed",
    "DisputeLockSet",
    "PledgeSet",
    "RightRevoked",
)
#: The loan desk's events about a right (the loan id first, the right second), all linked into its
#: history.
LOAN_EVENTS = (
    "LoanOpened",
    "LoanRepaid",
    "PledgeReleased",
    "AuctionStarted",
    "CollateralSold",
    "Foreclosed",
    "LoanRefinanced",
    "CollateralLost",
    "PledgeRegistered",
)
#: The rights-in-use modules' events about a right (the token id is their second indexed parameter, except in
#: ``MODULE_TOKEN_FIRST_EVENTS``).
MODULE_EVENTS = (
    "LicenseGranted",
    "LicenseFieldOfUse",
    "LicenseRevoked",
    "Attested",
    "AttestationRevoked",
    "DisputeRaised",
    "DisputeResolved",
    "DisputeRegistrationChanged",
    "RoyaltyPaid",
    "RightCredited",
    *LOAN_EVENTS,
)
#: The module events whose first indexed parameter is the token id (the royalty vault's credits: forfeited bonds).
MODULE_TOKEN_FIRST_EVENTS = ("RightCredited",)
#: The share vault's events about a right (token id first, too): custody, then the buyouts (docs/buyout.md).
BUYOUT_EVENTS = (
    "BuyoutThresholdSet",
    "BuyoutStarted",
    "SharesTendered",
    "TenderWithdrawn",
    "BuyoutSucceeded",
    "BuyoutFailed",
    "BuyoutCancelled",
    "BuyoutClaimed",
    "SharesCashedOut",
)
VAULT_EVENTS = ("Fractionalized", "Redeemed", "CustodyLost", *BUYOUT_EVENTS)
#: The vault events that start a right's shares (``Fractionalized``) or end them: the latest of them tells whether
#: the right has live shares, and which.
CUSTODY_EVENTS = ("Fractionalized", "Redeemed", "CustodyLost", "BuyoutSucceeded")
#: ERC-20 ``Transfer``: the same topic as ERC-721's, but two indexed arguments and the amount as data.
ERC20_TRANSFER_TOPIC = TOPIC_OF["Transfer"]


@dataclass(frozen=True)
class DecodedLog:
    """A registry (or share vault) log with its arguments decoded."""

    name: str
    args: dict[str, Any]
    block: int
    log_index: int
    tx_hash: str
    address: str = field(default="")


def token_topic(token_id: int) -> str:
    """The topic value of a token id."""
    return "0x" + token_id.to_bytes(32, "big").hex()


def address_topic(topic: str) -> str:
    """The checksummed address an indexed topic holds."""
    return _checksummed("0x" + topic[-40:].lower())


@lru_cache(maxsize=4096)
def _checksummed(value: str) -> str:
    """Checksums an address; a few holders recur across millions of logs, so the result is cached."""
    return str(to_checksum_address(value))


def arg_bytes(value: str | bytes) -> bytes:
    """The bytes of a decoded ``bytes`` argument: decoding gives them as 0x hex (JSON-ready, as the index stores
    them); raw bytes are taken as they are."""
    if isinstance(value, bytes | bytearray):
        return bytes(value)
    return bytes.fromhex(value[2:] if value.startswith("0x") else value)


def _value(kind: str, value: Any) -> Any:
    if kind == "address":
        return _checksummed(value)
    if kind == "bytes2[]":
        return [bytes(code).decode("ascii", "replace") for code in value]
    if kind == "uint256[]":
        return list(value)
    if kind.startswith("bytes") and isinstance(value, bytes):
        return "0x" + value.hex()
    return value


def _topic_value(kind: str, topic: str) -> Any:
    """An indexed argument's value: addresses, unsigned integers, bytes32 and bools are read straight from the hex
    (the common case, and the cost of a sync of millions of logs); anything else, or a topic whose padding or range
    is wrong, goes through eth_abi, which decodes or refuses it as before."""
    text = topic.lower()
    if len(text) == 66 and text.startswith("0x"):
        if kind == "address" and text[2:26] == "0" * 24:
            return _checksummed("0x" + text[26:])
        if kind == "bytes32":
            return text
        if kind.startswith("uint"):
            number = int(text, 16)
            if number < 1 << int(kind[4:] or 256):
                return number
        if kind == "bool" and text[2:65] == "0" * 63 and text[65] in "01":
            return text[65] == "1"
    (value,) = decode([kind], bytes.fromhex(topic[2:]))
    return _value(kind, value)


def decode_log(log: dict[str, Any]) -> DecodedLog | None:
    """Decodes a raw log of a known registry event, or returns ``None``."""
    topics = log.get("topics") or []
    if not topics:
        return None
    name = EVENT_SIGNATURES.get(topics[0].lower())
    if name is None:
        return None
    _, indexed, data = _EVENTS[name]
    if len(topics) != len(indexed) + 1:
        return None
    args: dict[str, Any] = {}
    try:
        for (arg, kind), topic in zip(indexed, topics[1:], strict=True):
            args[arg] = _topic_value(kind, topic)
        if data:
            values = decode([kind for _, kind in data], bytes.fromhex(log["data"][2:]))
            for (arg, kind), value in zip(data, values, strict=True):
                args[arg] = _value(kind, value)
    except (DecodingError, ValueError, TypeError) as exc:
        where = f"block {int(log.get('blockNumber') or '0x0', 16)}"
        raise NodeError(f"the node returned a malformed {name} log in {where}: {type(exc).__name__}") from None
    return DecodedLog(
        name=name,
        args=args,
        block=int(log["blockNumber"], 16),
        log_index=int(log["logIndex"], 16),
        tx_hash=log["transactionHash"],
        address=_checksummed(log["address"]),
    )
