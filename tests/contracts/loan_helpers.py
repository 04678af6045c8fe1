"""Helpers for the LoanDesk tests (tests/contracts/finance/, and the access matrix's loan rows).

- ``Terms``: ILoanDesk.Terms as a dataclass (the Solidity field names, so ``asdict`` is the EIP-712 message);
  ``sign_terms`` signs it with eth-account's EIP-712 encoder in the desk's domain ("IPLedger Loans", version "1",
  chain id, the desk's address), ``terms_digest`` computes the same digest by hand from the type string.
- ``accrual``: the Python twin of the desk's interest (simple, ppm per 365 days, rounded up to the wei).
- ``reverts``: the byte-for-byte revert check against every custom error of the desk and the contracts it calls.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, replace
from typing import Any

from error_catalog import ErrorCatalog
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from registry_helpers import ZERO_ADDRESS, address_of
from share_helpers import EIP712_DOMAIN, chain_id, domain_separator, typed_digest

LOANS_DOMAIN_NAME = "IPLedger Loans"
PLEDGE_ROLE = keccak(text="PLEDGE_ROLE")
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")

# Throwaway keys of the lenders, who sign offers (``accounts.add``); funded only on the test chain.
LENDER_KEY = "0x" + "91" * 32
LENDER2_KEY = "0x" + "92" * 32

YEAR = 365 * 86_400
DAY = 86_400
RATE_DENOMINATOR = 1_000_000 * YEAR
USD = 10**6  # tUSD has six decimals
FUNDS = 10**9 * USD  # what every lender, bidder and borrower of the fixtures holds
PRINCIPAL = 10_000 * USD  # the fixtures' offers lend this

# ILoanDesk.State
NONE, ACTIVE, AUCTION, REPAID, SOLD, FORECLOSED, REFINANCED, LOST = range(8)

TERMS_TYPE = (
    "Terms(address lender,address borrower,address collateral,uint256 collateralId,uint256 collateralAmount,"
    "address currency,uint256 principal,uint256 interest,uint32 aprPpm,uint32 duration,uint32 gracePeriod,"
    "uint32 auctionDuration,uint256 costs,bytes32 agreementHash,bytes2 governingLaw,bool foreclosure,"
    "uint256 expiry,uint256 nonce)"
)
TERMS_FIELDS = [
    {"name": name, "type": kind}
    for kind, name in (part.split(" ") for part in TERMS_TYPE[len("Terms(") : -1].split(","))
]
AGREEMENT = hashlib.sha256(b"loan agreement and pledge contract 2026-001").digest()

_CATALOG = ErrorCatalog(
    (
        "LoanDesk",
        "IPRegistry",
        "ShareToken",
        "FractionVault",
        "ComplianceRegistry",
        "LicenseRegistry",
        "TestStablecoin",
        "TestFeeOnTransferToken",
        "TestReentrantToken",
    )
)
reverts = _CATALOG.reverts
encode_error = _CATALOG.encode
describe_error = _CATALOG.describe


@dataclass(frozen=True)
class Terms:
    """ILoanDesk.Terms (addresses as checksummed strings, ``governingLaw`` as two bytes)."""

    lender: str
    borrower: str
    collateral: str
    collateralId: int  # noqa: N815 (the Solidity field names: asdict() is the EIP-712 message)
    collateralAmount: int  # noqa: N815
    currency: str
    principal: int
    interest: int = 0
    aprPpm: int = 0  # noqa: N815
    duration: int = 30 * DAY
    gracePeriod: int = 7 * DAY  # noqa: N815
    auctionDuration: int = 3 * DAY  # noqa: N815
    costs: int = 0
    agreementHash: bytes = AGREEMENT  # noqa: N815
    governingLaw: bytes = b"CN"  # noqa: N815
    foreclosure: bool = False
    expiry: int = 2**40
    nonce: int = 0

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(asdict(self).values())

    def but(self, **changes: Any) -> Terms:
        for key in ("lender", "borrower", "collateral", "currency"):
            if key in changes:
                changes[key] = address_of(changes[key])
        return replace(self, **changes)

    def struct_hash(self) -> bytes:
        """hashStruct(Terms) from the type string, independently of eth-account."""
        types = ["bytes32"] + [f["type"] for f in TERMS_FIELDS]
        return keccak(encode(types, [keccak(text=TERMS_TYPE), *self.as_tuple()]))


def make_terms(
    *, lender: Any, collateral: Any, currency: Any, principal: int, borrower: Any = ZERO_ADDRESS, **rest: Any
) -> Terms:
    """Terms with addresses normalised; ``collateralId``/``collateralAmount`` and the rest as keywords."""
    rest.setdefault("collateralId", 0)
    rest.setdefault("collateralAmount", 0)
    return Terms(
        lender=address_of(lender),
        borrower=address_of(borrower),
        collateral=address_of(collateral),
        currency=address_of(currency),
        principal=principal,
        **rest,
    )


def terms_digest(terms: Terms, *, desk: Any, chain: int | None = None) -> bytes:
    """The EIP-712 digest the desk's ``hashTerms`` returns, computed by hand."""
    separator = domain_separator(
        LOANS_DOMAIN_NAME, chain_id=chain_id() if chain is None else chain, verifying_contract=desk
    )
    return typed_digest(separator, terms.struct_hash())


def sign_terms(
    key: str,
    terms: Terms,
    *,
    desk: Any,
    chain: int | None = None,
    name: str = LOANS_DOMAIN_NAME,
    version: str = "1",
) -> bytes:
    """65-byte r || s || v signature of ``terms`` in the desk's domain, by eth-account's EIP-712 encoder."""
    message = encode_typed_data(
        full_message={
            "types": {"EIP712Domain": EIP712_DOMAIN, "Terms": TERMS_FIELDS},
            "primaryType": "Terms",
            "domain": {
                "name": name,
                "version": version,
                "chainId": chain_id() if chain is None else chain,
                "verifyingContract": address_of(desk),
            },
            "message": asdict(terms),
        }
    )
    return bytes(Account.sign_message(message, key).signature)


def accrual(principal: int, apr_ppm: int, elapsed: int) -> int:
    """Simple interest on ``principal`` for ``elapsed`` seconds at ``apr_ppm``, rounded up to the wei."""
    return -(-principal * apr_ppm * elapsed // RATE_DENOMINATOR)


def loan_of(desk: Any, loan_id: int) -> dict[str, Any]:
    """``desk.loanOf(loan_id)`` as a dict of plain values."""
    value = desk.loanOf(loan_id)
    return {key: (bytes(item) if isinstance(item, bytes) else item) for key, item in value.dict().items()}


def owed(desk: Any, loan_id: int) -> tuple[int, int, int]:
    principal, interest, costs = desk.owed(loan_id)
    return int(principal), int(interest), int(costs)
