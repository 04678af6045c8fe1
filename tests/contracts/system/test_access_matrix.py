"""Access-control matrix: every external state-changing function of every deployed contract, called by every role.

The whole system is deployed and wired as ``Ledger.deploy_all`` wires it (the attestation registry holds the
registry's VERIFIER_ROLE, the dispute manager its REGISTRAR_ROLE and DISPUTE_ROLE and is a creditor of the royalty
vault, the loan desk its PLEDGE_ROLE and is a venue wallet of the compliance registry), with one account per role.
``MATRIX`` holds one row per (contract, function signature): a builder of valid arguments for the state set up in
``system``, the roles that succeed, and the exact custom error every other role gets. Each cell is an ``eth_call``
from the role's address (so cells never disturb each other); a row whose success needs a different state
(``unpause`` needs a paused registry) runs its ``prepare`` transactions inside a snapshot first.

``test_matrix_covers_every_external_function`` reads the ABIs of the deployed contracts and fails as soon as a
nonpayable or payable function appears that has no row here: add the row (and decide who may call it).

Callers: the eight roles of the issue (admin, registrar, guardian, compliance officer, attestor, arbitrator, the
owner of the rights and shares, a stranger) and the four modules that hold roles or privileges of their own (the
attestation registry, the dispute manager, the fraction vault, the royalty vault), since an ``eth_call`` may come
from any address. The modules hold tUSD and approved every spender (impersonated once in the fixture), so a cell
of theirs that fails, fails for access control and not for want of funds.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from brownie import chain, web3
from error_catalog import ErrorCatalog
from eth_abi import encode
from eth_utils import keccak
from hexbytes import HexBytes
from loan_helpers import LENDER2_KEY, LENDER_KEY, PLEDGE_ROLE, Terms, make_terms, sign_terms
from registry_helpers import (
    DEFAULT_ADMIN_ROLE,
    GUARDIAN_ROLE,
    PATENT,
    REGISTRAR_ROLE,
    VOUCHER_SIGNER_KEY,
    ZERO_ADDRESS,
    Registration,
    Voucher,
    address_of,
    commitment_for,
    make_registration,
    now,
    pack_number,
    rpc,
    sample_number,
    sign_voucher,
)
from share_helpers import ERC20_ASSET, Order, Permit, sign_order, sign_permit

# --------------------------------------------------------------------------------------------- constants

OWNER_KEY = "0x" + "71" * 32  # the owner of the rights, shares and orders (signs orders and permits)
ATTESTOR_KEY = "0x" + "72" * 32  # signs attestations

VERIFIER_ROLE = keccak(text="VERIFIER_ROLE")
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")
COMPLIANCE_OFFICER_ROLE = keccak(text="COMPLIANCE_OFFICER_ROLE")
ATTESTOR_ROLE = keccak(text="ATTESTOR_ROLE")
ARBITRATOR_ROLE = keccak(text="ARBITRATOR_ROLE")
VALUATION = keccak(text="VALUATION")

EVIDENCE = keccak(text="evidence file")
ORDER_HASH = keccak(text="court order 2026/77")
DEED = keccak(text="deed of assignment")
REASON = keccak(text="compliance case 2026-3")
REPORT = keccak(text="sales report")
RULING = keccak(text="arbitral award")
SALT = b"\x42" * 32
# The addNumbers row adds a number nobody holds; the openNumber row opens the unpublished US application that the
# "unpublished" right is registered under (its primary number is the commitment unpublishedNumber(it, SALT)).
ADDED_NUMBER = sample_number(960_000)
UNPUBLISHED_APPLICATION = pack_number(b"US", b"AP", 17_123_456)

BOND = 500 * 10**6
LOAN = 10_000 * 10**6  # the principal of every loan in the fixture
AUCTION_PRICE = 12_000 * 10**6  # the fixed price of its auctions (start = floor), above every debt (it must cover it)
BUYOUT_WINDOW = 86_400
FUNDS = 10**30
SUPPLY = 1_000_000
ROYALTY_PAID = 1_000_000  # paid on each licence in the fixture

CONTRACTS = (
    "IPRegistry",
    "ComplianceRegistry",
    "ShareToken",
    "FractionVault",
    "SettlementDesk",
    "LicenseRegistry",
    "AttestationRegistry",
    "DisputeManager",
    "RoyaltyVault",
    "LoanDesk",
)
ROLES = ("admin", "registrar", "guardian", "officer", "attestor", "arbitrator", "owner", "stranger")
MODULES = ("verifier_module", "dispute_module", "fraction_vault", "royalty_module", "loan_desk")
CALLERS = ROLES + MODULES

_errors = ErrorCatalog((*CONTRACTS, "TestStablecoin", "TestMultiToken"))


# --------------------------------------------------------------------------------------------- the system


@dataclass
class System:
    """The deployed contracts (by the matrix's contract names), the callers, and the fixture's state."""

    contracts: dict[str, Any]
    callers: dict[str, str]  # role -> address
    state: dict[str, Any] = field(default_factory=dict)


def _impersonated(address: str, to: Any, data: str) -> None:
    """Sends a transaction from a contract's address (anvil impersonation), waiting for its receipt."""
    rpc("anvil_setBalance", [address, hex(10**20)])
    rpc("anvil_impersonateAccount", [address])
    try:
        txid = web3.eth.send_transaction({"from": address, "to": address_of(to), "data": data, "gas": 200_000})
        assert web3.eth.wait_for_transaction_receipt(txid)["status"] == 1
    finally:
        rpc("anvil_stopImpersonatingAccount", [address])


@pytest.fixture(scope="module")
def system(
    accounts: Any,
    IPRegistry: Any,  # noqa: N803
    ComplianceRegistry: Any,  # noqa: N803
    TestStablecoin: Any,  # noqa: N803
    LicenseRegistry: Any,  # noqa: N803
    RoyaltyVault: Any,  # noqa: N803
    FractionVault: Any,  # noqa: N803
    SettlementDesk: Any,  # noqa: N803
    AttestationRegistry: Any,  # noqa: N803
    DisputeManager: Any,  # noqa: N803
    ShareToken: Any,  # noqa: N803
    LoanDesk: Any,  # noqa: N803
    registry: Any,
    admin: Any,
    registrar: Any,
    guardian: Any,
    stranger: Any,
    voucher_signer: Any,
) -> System:
    officer, arbitrator = accounts[9], accounts[8]
    owner = accounts.add(OWNER_KEY)
    attestor = accounts.add(ATTESTOR_KEY)
    lender, lender2 = accounts.add(LENDER_KEY), accounts.add(LENDER2_KEY)
    for keyed in (owner, attestor, voucher_signer, lender, lender2):
        admin.transfer(keyed, 10 * 10**18)
    sender = {"from": admin}

    compliance = ComplianceRegistry.deploy(admin, sender)
    compliance.grantRole(COMPLIANCE_OFFICER_ROLE, officer, sender)
    usd = TestStablecoin.deploy(sender)
    licenses = LicenseRegistry.deploy(registry, sender)
    royalty_vault = RoyaltyVault.deploy(registry, licenses, sender)
    vault = FractionVault.deploy(registry, compliance, royalty_vault, sender)
    royalty_vault.setFractionVault(vault, sender)
    desk = SettlementDesk.deploy(sender)
    attestations = AttestationRegistry.deploy(registry, admin, sender)
    registry.grantRole(VERIFIER_ROLE, attestations, sender)
    attestations.grantRole(ATTESTOR_ROLE, attestor, sender)
    disputes = DisputeManager.deploy(registry, admin, usd, BOND, sender)
    registry.grantRole(REGISTRAR_ROLE, disputes, sender)
    registry.grantRole(DISPUTE_ROLE, disputes, sender)
    disputes.grantRole(ARBITRATOR_ROLE, arbitrator, sender)
    royalty_vault.setCreditor(disputes, True, sender)
    disputes.setRoyaltyVault(royalty_vault, sender)
    # A second royalty vault whose fraction vault is not set yet: the row of setFractionVault targets it.
    unset_royalty_vault = RoyaltyVault.deploy(registry, licenses, sender)
    unset_vault = FractionVault.deploy(registry, compliance, unset_royalty_vault, sender)
    loans = LoanDesk.deploy(registry, vault, sender)
    registry.grantRole(PLEDGE_ROLE, loans, sender)

    callers = {
        "admin": address_of(admin),
        "registrar": address_of(registrar),
        "guardian": address_of(guardian),
        "officer": address_of(officer),
        "attestor": address_of(attestor),
        "arbitrator": address_of(arbitrator),
        "owner": address_of(owner),
        "stranger": address_of(stranger),
        "verifier_module": address_of(attestations),
        "dispute_module": address_of(disputes),
        "fraction_vault": address_of(vault),
        "royalty_module": address_of(royalty_vault),
        "loan_desk": address_of(loans),
    }
    spenders = (desk, royalty_vault, disputes, loans, vault)
    for role, address in callers.items():
        usd.mint(address, FUNDS, sender)
        for spender in spenders:
            if role in MODULES:
                _impersonated(address, usd, usd.approve.encode_input(spender, FUNDS))
            else:
                usd.approve(spender, FUNDS, {"from": address})

    serial = iter(range(900_000, 901_000))  # rights of this module (../conftest.py counts from 1)

    def register(to: Any) -> int:
        registration = make_registration(next(serial))
        registry.register(to, registration.as_tuple(), {"from": registrar})
        return registration.right_id

    def grant(token_id: int) -> int:
        terms = (address_of(stranger), EVIDENCE, 0, [], b"\x00" * 32, now() - 86_400, 0, False, 500, address_of(usd))
        return int(licenses.grant(token_id, terms, {"from": owner}).return_value)

    main = register(owner)  # the right most rows act on
    frozen = register(owner)
    registry.freeze(frozen, ORDER_HASH, {"from": registrar})
    claim = make_registration(next(serial))
    registry.commit(commitment_for(owner, claim, SALT), {"from": owner})
    registry.reveal(claim.as_tuple(), SALT, {"from": owner})
    pending = make_registration(next(serial))  # committed by the owner, not revealed: the row of reveal
    registry.commit(commitment_for(owner, pending, SALT), {"from": owner})
    free = register(owner)  # the owner may fractionalize it: the vault is approved for it alone
    registry.approve(vault, free, {"from": owner})

    licence = grant(main)
    royalty_vault.pay(licence, ROYALTY_PAID, REPORT, {"from": stranger})  # the owner may withdraw
    fractional = register(owner)
    share_licence = grant(fractional)
    registry.approve(vault, fractional, {"from": owner})
    tx = vault.fractionalize(fractional, "Shares", "SHR", 0, SUPPLY, False, {"from": owner})
    shares = ShareToken.at(tx.return_value)
    royalty_vault.pay(share_licence, ROYALTY_PAID, REPORT, {"from": stranger})  # the holders may claim
    lost = register(owner)  # fractionalized, then moved out of the vault by a registrar: custody lost
    registry.approve(vault, lost, {"from": owner})
    vault.fractionalize(lost, "Lost", "LST", 0, SUPPLY, False, {"from": owner})
    registry.forceTransfer(lost, owner, ORDER_HASH, {"from": registrar})
    numbered = register(owner)  # undisputed and unfrozen: the owner may add numbers to it
    hidden = Registration(
        numbers=(int(registry.unpublishedNumber(UNPUBLISHED_APPLICATION, SALT)),),
        content_hash=keccak(text="unpublished application bundle"),
    )
    registry.register(owner, hidden.as_tuple(), {"from": registrar})

    attestation = int(
        attestations.attest(
            main, owner, registry.recordOf(main)["registeredAt"], VALUATION, EVIDENCE, 0, {"from": attestor}
        ).return_value
    )
    dispute = int(disputes.raiseDispute(main, EVIDENCE, {"from": stranger}).return_value)

    order = Order(
        maker=address_of(owner),
        makerSells=True,
        assetKind=ERC20_ASSET,
        asset=address_of(shares),
        assetId=0,
        amount=10,
        paymentToken=address_of(usd),
        price=1_000,
        expiry=now() + 10 * 365 * 86_400,
    )
    shares.approve(desk, SUPPLY, {"from": owner})
    loan_state = _loans(loans, registry, usd, register, owner, stranger, lender, lender2, registrar)
    loan_state["credited_shares"] = _credited_shares(
        loans, registry, vault, compliance, ShareToken, usd, register, owner, lender, officer
    )

    return System(
        contracts={
            "IPRegistry": registry,
            "ComplianceRegistry": compliance,
            "ShareToken": shares,
            "FractionVault": vault,
            "SettlementDesk": desk,
            "LicenseRegistry": licenses,
            "AttestationRegistry": attestations,
            "DisputeManager": disputes,
            "RoyaltyVault": royalty_vault,
            "LoanDesk": loans,
        },
        callers=callers,
        state={
            "usd": usd,
            "main": main,
            "frozen": frozen,
            "claim": claim.right_id,
            "pending": pending,
            "free": free,
            "fractional": fractional,
            "lost": lost,
            "numbered": numbered,
            "unpublished": hidden.right_id,
            "licence": licence,
            "attestation": attestation,
            "dispute": dispute,
            "order": order,
            "order_signature": sign_order(OWNER_KEY, order, desk=desk),
            "registered_at": int(registry.recordOf(main)["registeredAt"]),
            "unset_royalty_vault": unset_royalty_vault,
            "unset_vault": unset_vault,
            **loan_state,
        },
    )


def _loans(
    loans: Any,
    registry: Any,
    usd: Any,
    register: Callable[[Any], int],
    owner: Any,
    stranger: Any,
    lender: Any,
    lender2: Any,
    registrar: Any,
) -> dict[str, Any]:
    """The loan desk's state: offers and a request on a right of the owner, loans to the owner (from ``lender``),
    and loans the owner made to the stranger (overdue, at auction, after an auction, lost)."""
    for keyed in (lender, lender2):
        usd.mint(keyed, FUNDS, {"from": keyed})
        usd.approve(loans, FUNDS, {"from": keyed})

    def terms(lent_by: Any, right: int, **rest: Any) -> Terms:
        return make_terms(lender=lent_by, collateral=registry, collateralId=right, currency=usd, principal=LOAN, **rest)

    def lend(lent_by: Any, key: str, borrower: Any, **rest: Any) -> int:
        offer = terms(lent_by, register(borrower), **rest)
        return int(loans.accept(offer.as_tuple(), sign_terms(key, offer, desk=loans), {"from": borrower}).return_value)

    unpledged = register(owner)
    offer = terms(lender, unpledged, nonce=1)
    request = terms(ZERO_ADDRESS, unpledged, borrower=owner, nonce=2)
    loans.request(request.as_tuple(), {"from": owner})
    owed = lend(lender, LENDER_KEY, owner, nonce=3)
    overdue = lend(owner, OWNER_KEY, stranger, duration=1, gracePeriod=0, nonce=4)
    on_sale = lend(owner, OWNER_KEY, stranger, duration=1, gracePeriod=0, auctionDuration=30 * 86_400, nonce=5)
    unsold = lend(
        owner,
        OWNER_KEY,
        stranger,
        duration=1,
        gracePeriod=0,
        auctionDuration=1,
        governingLaw=b"US",
        foreclosure=True,
        nonce=6,
    )
    lost = lend(owner, OWNER_KEY, stranger, nonce=7)
    chain.sleep(2)
    chain.mine()
    for loan_id in (on_sale, unsold):
        loans.enforce(loan_id, AUCTION_PRICE, AUCTION_PRICE, {"from": owner})
    registry.forceTransfer(loans.loanOf(lost)["rightId"], stranger, ORDER_HASH, {"from": registrar})
    chain.sleep(2)
    chain.mine()
    refinancing = terms(lender2, loans.loanOf(owed)["rightId"], nonce=8)
    return {
        "loan_offer": offer,
        "loan_offer_signature": sign_terms(LENDER_KEY, offer, desk=loans),
        "loan_request": request,
        "loan_request_to_publish": request.but(nonce=9),
        "loan_owed": owed,
        "loan_overdue": overdue,
        "loan_on_sale": on_sale,
        "loan_unsold": unsold,
        "loan_lost": lost,
        "loan_refinancing": refinancing,
        "loan_refinancing_signature": sign_terms(LENDER2_KEY, refinancing, desk=loans),
        "loan_unpledged": unpledged,
        "lender": address_of(lender),
    }


def _credited_shares(
    loans: Any,
    registry: Any,
    vault: Any,
    compliance: Any,
    share_token: Any,
    usd: Any,
    register: Callable[[Any], int],
    owner: Any,
    lender: Any,
    officer: Any,
) -> Any:
    """Shares credited to the owner in the loan desk: it pledged all of a restricted token's shares, its identity
    was revoked when the loan was repaid, so the token refused to return them; verified again, it may withdraw them.
    The token."""
    right = register(owner)
    registry.approve(vault, right, {"from": owner})
    tx = vault.fractionalize(right, "Pledged", "PLG", 0, SUPPLY, True, {"from": owner})
    shares = share_token.at(tx.return_value)
    verified = (b"CN", now() + 10 * 365 * 86_400, EVIDENCE, {"from": officer})
    compliance.verifyInvestor(owner, *verified)
    compliance.registerVenue(loans, EVIDENCE, {"from": officer})
    shares.approve(loans, SUPPLY, {"from": owner})
    offer = make_terms(
        lender=lender, collateral=shares, collateralAmount=SUPPLY, currency=usd, principal=LOAN, nonce=10
    )
    loan_id = loans.accept(offer.as_tuple(), sign_terms(LENDER_KEY, offer, desk=loans), {"from": owner}).return_value
    compliance.revokeIdentity(owner, REASON, {"from": officer})
    loans.repay(loan_id, LOAN, {"from": owner})
    assert loans.credited(owner, shares) == SUPPLY
    compliance.verifyInvestor(owner, *verified)
    return shares


# --------------------------------------------------------------------------------------------- the matrix

Args = Callable[[System, str], tuple[Any, ...]]  # (system, caller address) -> arguments
Denial = Callable[[System, str], tuple[Any, ...]]  # (system, caller address) -> (error name, *arguments)


@dataclass(frozen=True)
class Row:
    """One function of one contract: its arguments, who succeeds, and what everybody else gets."""

    contract: str
    signature: str
    args: Args
    allowed: frozenset[str]
    denied: Denial = lambda s, c: ("<nobody is refused>",)
    exceptions: dict[str, Denial] = field(default_factory=dict)  # roles refused with another error
    target: Callable[[System], Any] | None = None  # another instance of the contract than the system's
    prepare: Callable[[System], None] | None = None  # transactions run (in a snapshot) before the cells

    @property
    def key(self) -> tuple[str, str]:
        return self.contract, self.signature


EVERYONE = frozenset(CALLERS)
NOBODY: frozenset[str] = frozenset()


def holders(*roles: str) -> frozenset[str]:
    return frozenset(roles)


def missing_role(role: bytes) -> Denial:
    return lambda s, caller: ("AccessControlUnauthorizedAccount", caller, role)


def error(name: str, *args: Any) -> Denial:
    return lambda s, caller: (name, *args)


def caller_error(name: str, *rest: Callable[[System], Any]) -> Denial:
    """``name(caller, *rest(system))``."""
    return lambda s, caller: (name, caller, *(value(s) for value in rest))


def error_of_loan(name: str, key: str) -> Denial:
    """``name(loan, lender)`` of the loan ``key``, lent by the owner."""
    return lambda s, caller: (name, s.state[key], s.callers["owner"])


def st(key: str) -> Callable[[System], Any]:
    return lambda s: s.state[key]


def fresh(s: System) -> tuple[Any, ...]:
    """A registration of a right nobody registered (each cell is a call, so every cell may use the same)."""
    return make_registration(950_000).as_tuple()


# Who holds which role, as the fixture grants them.
REGISTRY_ADMINS = holders("admin")
REGISTRARS = holders("admin", "registrar", "dispute_module")
GUARDIANS = holders("admin", "guardian")
VERIFIERS = holders("verifier_module")
DISPUTERS = holders("dispute_module")
PLEDGERS = holders("loan_desk")
OFFICERS = holders("admin", "officer")
OWNER = holders("owner")


def _verify_stranger(s: System) -> None:
    """Categories belong to verified investors: verify the stranger first."""
    s.contracts["ComplianceRegistry"].verifyInvestor(
        s.callers["stranger"], b"DE", now() + 86_400 * 365, EVIDENCE, {"from": s.callers["officer"]}
    )


def _role_rows(contract: str, admin_role_of_grants: bytes, granted: bytes) -> list[Row]:
    """grantRole / revokeRole (the admin only) and renounceRole of one's own role (anybody)."""
    return [
        Row(contract, "grantRole(bytes32,address)", lambda s, c: (granted, s.callers["stranger"]), REGISTRY_ADMINS,
            missing_role(admin_role_of_grants)),
        Row(contract, "revokeRole(bytes32,address)", lambda s, c: (granted, s.callers["stranger"]), REGISTRY_ADMINS,
            missing_role(admin_role_of_grants)),
        Row(contract, "renounceRole(bytes32,address)", lambda s, c: (granted, c), EVERYONE),
    ]  # fmt: skip


def _voucher(s: System, caller: str) -> tuple[Any, ...]:
    registry = s.contracts["IPRegistry"]
    voucher = Voucher(to=s.callers["stranger"], registration=make_registration(10**6 + 7))
    signature = sign_voucher(VOUCHER_SIGNER_KEY, voucher, chain_id=chain.id, verifying_contract=registry.address)
    return voucher.as_tuple(), signature


def _permit(s: System, caller: str) -> tuple[Any, ...]:
    shares = s.contracts["ShareToken"]
    deadline = 2**40
    permit = Permit(owner=s.callers["owner"], spender=s.callers["stranger"], value=5, nonce=0, deadline=deadline)
    v, r, sig_s = sign_permit(OWNER_KEY, permit, token_name="Shares", token=shares)
    return s.callers["owner"], s.callers["stranger"], 5, deadline, v, r, sig_s


def _attestation_by_sig(s: System, caller: str) -> tuple[Any, ...]:
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    attestations = s.contracts["AttestationRegistry"]
    message = {
        "tokenId": s.state["main"],
        "holder": s.callers["owner"],
        "registeredAt": s.state["registered_at"],
        "claimType": VALUATION,
        "evidenceHash": EVIDENCE,
        "expiry": 0,
        "attestor": s.callers["attestor"],
        "nonce": 0,
        "deadline": 2**40,
    }
    fields = [
        {"name": "tokenId", "type": "uint256"},
        {"name": "holder", "type": "address"},
        {"name": "registeredAt", "type": "uint32"},
        {"name": "claimType", "type": "bytes32"},
        {"name": "evidenceHash", "type": "bytes32"},
        {"name": "expiry", "type": "uint64"},
        {"name": "attestor", "type": "address"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ]
    typed = encode_typed_data(
        full_message={
            "types": {
                "EIP712Domain": [
                    {"name": "name", "type": "string"},
                    {"name": "version", "type": "string"},
                    {"name": "chainId", "type": "uint256"},
                    {"name": "verifyingContract", "type": "address"},
                ],
                "Attestation": fields,
            },
            "primaryType": "Attestation",
            "domain": {
                "name": "IPLedger Attestations",
                "version": "1",
                "chainId": chain.id,
                "verifyingContract": attestations.address,
            },
            "message": message,
        }
    )
    signature = bytes(Account.sign_message(typed, ATTESTOR_KEY).signature)
    return tuple(message.values()), signature


def _licence_terms(s: System, caller: str) -> tuple[Any, ...]:
    terms = (s.callers["arbitrator"], EVIDENCE, 0, [], b"\x01" * 32, now() - 86_400, 0, False, 0, ZERO_ADDRESS)
    return s.state["main"], terms


def _named_licence_terms(s: System, caller: str) -> tuple[Any, ...]:
    terms = (
        s.callers["arbitrator"],
        EVIDENCE,
        0,
        [],
        keccak(text="batteries"),
        now() - 86_400,
        0,
        False,
        0,
        ZERO_ADDRESS,
    )
    return s.state["main"], terms, "batteries"


def _start_buyout(s: System, tender: int = 0, settle: bool = False) -> None:
    """The stranger bids for the fractionalized right; the owner tenders ``tender`` shares; the window closes and
    the buyout is settled if asked."""
    vault, shares, owner = s.contracts["FractionVault"], s.contracts["ShareToken"], s.callers["owner"]
    vault.startBuyout(s.state["fractional"], s.state["usd"], 1, BUYOUT_WINDOW, {"from": s.callers["stranger"]})
    shares.approve(vault, SUPPLY, {"from": owner})
    if tender:
        vault.tender(_buyout(s), tender, {"from": owner})
    if settle:
        chain.sleep(BUYOUT_WINDOW + 1)
        chain.mine()
        vault.settleBuyout(_buyout(s), {"from": owner})


def _buyout(s: System) -> int:
    return int(s.contracts["FractionVault"].latestBuyoutOf(s.state["fractional"]))


def _closed_buyout(s: System) -> None:
    _start_buyout(s)
    chain.sleep(BUYOUT_WINDOW + 1)
    chain.mine()


def _pause(s: System) -> None:
    s.contracts["IPRegistry"].pause({"from": s.callers["guardian"]})


REGISTRATION = "(bytes32,uint8,uint40,uint256[],bytes)"
ORDER = "(address,bool,uint8,address,uint256,uint256,address,uint256,uint256,uint256,address)"
TERMS = (
    "(address,address,address,uint256,uint256,address,uint256,uint256,uint32,uint32,uint32,uint32,uint256,bytes32,"
    "bytes2,bool,uint256,uint256)"
)
NOT_OWNER_NOR_APPROVED = error("NotOwnerNorApproved")
MAIN, OWNER_ADDRESS = st("main"), (lambda s: s.callers["owner"])

# fmt: off
MATRIX: list[Row] = [
    # ------------------------------------------------------------------------------------------- IPRegistry
    Row("IPRegistry", "addNumbers(uint256,uint256[],uint8,uint40)",
        lambda s, c: (s.state["numbered"], [ADDED_NUMBER], PATENT, 0), OWNER | REGISTRARS,
        caller_error("NotTokenOwner", st("numbered"))),
    Row("IPRegistry", "approve(address,uint256)", lambda s, c: (s.callers["stranger"], s.state["main"]), OWNER,
        NOT_OWNER_NOR_APPROVED),
    Row("IPRegistry", "assign(uint256,address,bytes32)", lambda s, c: (s.state["main"], s.callers["stranger"], DEED),
        OWNER, NOT_OWNER_NOR_APPROVED),
    Row("IPRegistry", "cancelVoucher(address)", lambda s, c: (s.callers["stranger"],), REGISTRARS,
        missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", "commit(bytes32)", lambda s, c: (keccak(text="a new commitment"),), EVERYONE),
    Row("IPRegistry", "confirmClaim(uint256,bytes32)", lambda s, c: (s.state["claim"], EVIDENCE), VERIFIERS,
        missing_role(VERIFIER_ROLE)),
    Row("IPRegistry", "forceTransfer(uint256,address,bytes32)",
        lambda s, c: (s.state["main"], s.callers["stranger"], ORDER_HASH), REGISTRARS, missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", "forcedTransfer(address,address,uint256)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], s.state["main"]), REGISTRARS,
        missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", "freeze(uint256,bytes32)", lambda s, c: (s.state["main"], ORDER_HASH), REGISTRARS,
        missing_role(REGISTRAR_ROLE)),
    *_role_rows("IPRegistry", DEFAULT_ADMIN_ROLE, REGISTRAR_ROLE),
    Row("IPRegistry", "openNumber(uint256,uint256,bytes32)",
        lambda s, c: (s.state["unpublished"], UNPUBLISHED_APPLICATION, SALT), OWNER | REGISTRARS,
        caller_error("NotTokenOwner", st("unpublished"))),
    Row("IPRegistry", "pause()", lambda s, c: (), GUARDIANS, missing_role(GUARDIAN_ROLE)),
    Row("IPRegistry", "unpause()", lambda s, c: (), GUARDIANS, missing_role(GUARDIAN_ROLE), prepare=_pause),
    Row("IPRegistry", f"register(address,{REGISTRATION})", lambda s, c: (s.callers["stranger"], fresh(s)),
        REGISTRARS, missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", f"registerBatch(address,{REGISTRATION}[])", lambda s, c: (s.callers["stranger"], [fresh(s)]),
        REGISTRARS, missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", f"registerWithVoucher((address,{REGISTRATION},uint256,uint256),bytes)", _voucher, EVERYONE),
    Row("IPRegistry", f"reveal({REGISTRATION},bytes32)", lambda s, c: (s.state["pending"].as_tuple(), SALT), OWNER,
        lambda s, c: ("UnknownCommitment", commitment_for(c, s.state["pending"], SALT))),
    Row("IPRegistry", "revoke(uint256,bytes32)", lambda s, c: (s.state["main"], ORDER_HASH), REGISTRARS,
        missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", "safeTransferFrom(address,address,uint256)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], s.state["main"]), OWNER, NOT_OWNER_NOR_APPROVED),
    Row("IPRegistry", "safeTransferFrom(address,address,uint256,bytes)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], s.state["main"], b"data"), OWNER,
        NOT_OWNER_NOR_APPROVED),
    Row("IPRegistry", "setApprovalForAll(address,bool)", lambda s, c: (s.callers["stranger"], True), EVERYONE),
    Row("IPRegistry", "setBaseURI(string)", lambda s, c: ("https://gateway.example/",), REGISTRY_ADMINS,
        missing_role(DEFAULT_ADMIN_ROLE)),
    Row("IPRegistry", "setDefaultRoyalty(uint96)", lambda s, c: (250,), REGISTRY_ADMINS,
        missing_role(DEFAULT_ADMIN_ROLE)),
    # The caller's role picks the lock: the loan desk pledges, the dispute manager locks for a dispute. The dispute
    # role is checked first, so everybody else is refused for want of the pledge role.
    Row("IPRegistry", "setLock(uint256,bool,address,bytes32)",
        lambda s, c: (s.state["main"], True, ZERO_ADDRESS, EVIDENCE), DISPUTERS | PLEDGERS, missing_role(PLEDGE_ROLE)),
    Row("IPRegistry", "setFrozenTokens(address,uint256,bool)",
        lambda s, c: (s.callers["owner"], s.state["main"], True), REGISTRARS, missing_role(REGISTRAR_ROLE)),
    Row("IPRegistry", "publishMetadata(uint256,bytes)", lambda s, c: (s.state["main"], b'{"title":"new"}'),
        OWNER | REGISTRARS, caller_error("NotTokenOwner", MAIN)),
    Row("IPRegistry", "setTokenRoyalty(uint256,uint96)", lambda s, c: (s.state["main"], 300), OWNER,
        caller_error("NotTokenOwner", MAIN)),
    Row("IPRegistry", "transferFrom(address,address,uint256)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], s.state["main"]), OWNER, NOT_OWNER_NOR_APPROVED),
    Row("IPRegistry", "unfreeze(uint256,bytes32)", lambda s, c: (s.state["frozen"], ORDER_HASH), REGISTRARS,
        missing_role(REGISTRAR_ROLE)),
    # ------------------------------------------------------------------------------------------- ComplianceRegistry
    *_role_rows("ComplianceRegistry", DEFAULT_ADMIN_ROLE, COMPLIANCE_OFFICER_ROLE),
    Row("ComplianceRegistry", "registerVenue(address,bytes32)", lambda s, c: (s.callers["stranger"], EVIDENCE),
        OFFICERS, missing_role(COMPLIANCE_OFFICER_ROLE)),
    Row("ComplianceRegistry", "revokeIdentity(address,bytes32)", lambda s, c: (s.callers["stranger"], REASON),
        OFFICERS, missing_role(COMPLIANCE_OFFICER_ROLE)),
    Row("ComplianceRegistry", "setCountryBlocked(bytes2,bool)", lambda s, c: (b"KP", True), OFFICERS,
        missing_role(COMPLIANCE_OFFICER_ROLE)),
    Row("ComplianceRegistry", "verifyInvestor(address,bytes2,uint40,bytes32)",
        lambda s, c: (s.callers["stranger"], b"DE", now() + 86_400 * 365, EVIDENCE), OFFICERS,
        missing_role(COMPLIANCE_OFFICER_ROLE)),
    Row("ComplianceRegistry", "setInvestorCategories(address,uint16,uint40,bytes32)",
        lambda s, c: (s.callers["stranger"], 1, now() + 86_400 * 365, EVIDENCE), OFFICERS,
        missing_role(COMPLIANCE_OFFICER_ROLE), prepare=_verify_stranger),
    Row("ComplianceRegistry", "setIssuerOfficer(address,address,bool)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], True), OFFICERS,
        missing_role(COMPLIANCE_OFFICER_ROLE)),
    Row("ComplianceRegistry", "setTokenOfficer(address,address,bool)",
        lambda s, c: (s.contracts["ShareToken"].address, s.callers["stranger"], True), OFFICERS,
        caller_error("NotScopeAdmin", lambda s: s.contracts["ShareToken"].address)),
    # ------------------------------------------------------------------------------------------- ShareToken
    Row("ShareToken", "approve(address,uint256)", lambda s, c: (s.callers["stranger"], 5), EVERYONE),
    Row("ShareToken", "burnFrom(address,uint256)", lambda s, c: (s.callers["owner"], 1), holders("fraction_vault"),
        caller_error("OnlyVault")),
    Row("ShareToken", "claimRoyalty(address)", lambda s, c: (s.state["usd"],), OWNER,
        caller_error("NoRoyaltyOwed", lambda s: s.state["usd"])),
    Row("ShareToken", "distributeRoyalty(address,uint256)", lambda s, c: (s.state["usd"], 1_000),
        holders("royalty_module"), caller_error("OnlyRoyaltyVault")),
    Row("ShareToken", "forcedTransfer(address,address,uint256,bytes32)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], 1, REASON), OFFICERS,
        caller_error("NotComplianceOfficer")),
    Row("ShareToken", "freeze(address,uint256,bytes32)", lambda s, c: (s.callers["owner"], 1, REASON), OFFICERS,
        caller_error("NotComplianceOfficer")),
    Row("ShareToken", "initialize(string,string,uint8,uint256,bool,address,uint256)",
        lambda s, c: ("Again", "AGN", 0, s.state["main"], False, c, SUPPLY), NOBODY, error("AlreadyInitialized")),
    Row("ShareToken", "permit(address,address,uint256,uint256,uint8,bytes32,bytes32)", _permit, EVERYONE),
    Row("ShareToken", "recover(address,address,bytes32)", lambda s, c: (s.callers["owner"], s.callers["stranger"],
        REASON), OFFICERS, caller_error("NotComplianceOfficer")),
    Row("ShareToken", "setRestricted(bool)", lambda s, c: (True,), OFFICERS, caller_error("NotComplianceOfficer")),
    Row("ShareToken", "transfer(address,uint256)", lambda s, c: (s.callers["stranger"], 1), OWNER,
        error("InsufficientBalance")),
    Row("ShareToken", "transferFrom(address,address,uint256)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], 1), NOBODY, error("InsufficientAllowance")),
    Row("ShareToken", "unfreeze(address,bytes32)", lambda s, c: (s.callers["owner"], REASON), OFFICERS,
        caller_error("NotComplianceOfficer")),
    Row("ShareToken", "forcedTransfer(address,address,uint256)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"], 1), OFFICERS, caller_error("NotComplianceOfficer")),
    Row("ShareToken", "setFrozenTokens(address,uint256)", lambda s, c: (s.callers["owner"], 1), OFFICERS,
        caller_error("NotComplianceOfficer")),
    Row("ShareToken", "setTransferRules(uint16,uint40,uint32,uint128,address[])",
        lambda s, c: (1, 0, 0, 0, []), OFFICERS, caller_error("NotComplianceOfficer")),
    Row("ShareToken", "setCountryRule(uint8,bytes2[])", lambda s, c: (2, [b"KP"]), OFFICERS,
        caller_error("NotComplianceOfficer")),
    Row("ShareToken", "setRoyaltyBeneficiary(address,address)",
        lambda s, c: (s.callers["owner"], s.callers["stranger"]), OWNER,
        caller_error("NotHolderOrOfficer", lambda s: s.callers["owner"]),
        exceptions={role: lambda s, c: ("BeneficiaryOfInvestor", s.callers["owner"]) for role in OFFICERS}),
    Row("ShareToken", "claimRoyaltyFor(address,address)", lambda s, c: (s.callers["owner"], s.state["usd"]), NOBODY,
        lambda s, c: ("NoRoyaltyBeneficiary", s.callers["owner"])),
    # ------------------------------------------------------------------------------------------- FractionVault
    Row("FractionVault", "fractionalize(uint256,string,string,uint8,uint256,bool)",
        lambda s, c: (s.state["free"], "Free", "FRE", 0, SUPPLY, True), OWNER,
        caller_error("NotTokenOwner", st("free"))),
    Row("FractionVault", "fractionalize(uint256,string,string,uint8,uint256,bool,uint16)",
        lambda s, c: (s.state["free"], "Free", "FRE", 0, SUPPLY, True, 7_500), OWNER,
        caller_error("NotTokenOwner", st("free"))),
    Row("FractionVault", "redeem(uint256)", lambda s, c: (s.state["fractional"],), OWNER,
        lambda s, c: ("IncompleteOwnership", c, 0, SUPPLY)),
    # Buyouts: anyone may bid (with the deposit approved), except the vault itself, whose deposit to itself brings
    # nothing in; only holders tender; only a tenderer withdraws; anyone settles; only the bidder cancels; only those
    # owed something claim; only holders of untendered shares redeem them for cash.
    Row("FractionVault", "startBuyout(uint256,address,uint256,uint256)",
        lambda s, c: (s.state["fractional"], s.state["usd"], 1, BUYOUT_WINDOW), EVERYONE - {"fraction_vault"},
        lambda s, c: ("DepositShortfall", s.state["usd"], SUPPLY, 0)),
    Row("FractionVault", "tender(uint256,uint256)", lambda s, c: (_buyout(s), 1), OWNER,
        error("InsufficientAllowance"), prepare=_start_buyout),
    Row("FractionVault", "withdrawTender(uint256)", lambda s, c: (_buyout(s),), OWNER,
        lambda s, c: ("NothingToClaim", _buyout(s), c), prepare=lambda s: _start_buyout(s, tender=1)),
    Row("FractionVault", "settleBuyout(uint256)", lambda s, c: (_buyout(s),), EVERYONE, prepare=_closed_buyout),
    Row("FractionVault", "cancelBuyout(uint256)", lambda s, c: (_buyout(s),), holders("stranger"),
        caller_error("NotBidder", lambda s: s.callers["stranger"]), prepare=_start_buyout),
    # A failed buyout: the owner takes its tendered shares back, the stranger (the bidder) its deposit.
    Row("FractionVault", "claimBuyout(uint256)", lambda s, c: (_buyout(s),), holders("owner", "stranger"),
        lambda s, c: ("NothingToClaim", _buyout(s), c), prepare=lambda s: _start_buyout(s, tender=1, settle=True)),
    # A successful buyout: the owner keeps 300,000 untendered shares.
    Row("FractionVault", "redeemForCash(uint256,uint256)", lambda s, c: (_buyout(s), 1), OWNER,
        error("InsufficientBalance"), prepare=lambda s: _start_buyout(s, tender=700_000, settle=True)),
    Row("FractionVault", "syncCustody(uint256)", lambda s, c: (s.state["lost"],), EVERYONE),
    # ------------------------------------------------------------------------------------------- SettlementDesk
    Row("SettlementDesk", f"cancel({ORDER})", lambda s, c: (s.state["order"].as_tuple(),), OWNER,
        caller_error("NotOrderMaker", OWNER_ADDRESS)),
    Row("SettlementDesk", "cancelBelow(uint256)", lambda s, c: (5,), EVERYONE),
    # An open order (any taker): everybody fills it, except its maker, who would pay himself (nothing arrives).
    Row("SettlementDesk", f"fill({ORDER},bytes,uint256)",
        lambda s, c: (s.state["order"].as_tuple(), s.state["order_signature"], 1), EVERYONE - OWNER,
        exceptions={"owner": error("PaymentShortfall", 100, 0)}),
    # ------------------------------------------------------------------------------------------- LicenseRegistry
    Row("LicenseRegistry", "grant(uint256,(address,bytes32,uint8,bytes2[],bytes32,uint40,uint40,bool,uint16,address))",
        _licence_terms, OWNER, caller_error("NotRightOwner", MAIN)),
    Row("LicenseRegistry",
        "grant(uint256,(address,bytes32,uint8,bytes2[],bytes32,uint40,uint40,bool,uint16,address),string)",
        _named_licence_terms, OWNER, caller_error("NotRightOwner", MAIN)),
    Row("LicenseRegistry", "revoke(uint256,bytes32)", lambda s, c: (s.state["licence"], REASON), OWNER | REGISTRARS,
        caller_error("NotLicensor", st("licence"))),
    # ------------------------------------------------------------------------------------------- AttestationRegistry
    Row("AttestationRegistry", "attest(uint256,address,uint32,bytes32,bytes32,uint64)",
        lambda s, c: (s.state["main"], s.callers["owner"], s.state["registered_at"], VALUATION, EVIDENCE, 0),
        holders("attestor"), caller_error("NotAttestor")),
    Row("AttestationRegistry",
        "attestBySig((uint256,address,uint32,bytes32,bytes32,uint64,address,uint256,uint256),bytes)",
        _attestation_by_sig, EVERYONE),
    Row("AttestationRegistry", "cancelNonce()", lambda s, c: (), EVERYONE),
    *_role_rows("AttestationRegistry", DEFAULT_ADMIN_ROLE, ATTESTOR_ROLE),
    Row("AttestationRegistry", "revoke(uint256,bytes32)", lambda s, c: (s.state["attestation"], REASON),
        holders("attestor"),
        lambda s, c: ("NotAttestationAuthor", c, s.callers["attestor"], s.state["attestation"])),
    # ------------------------------------------------------------------------------------------- DisputeManager
    *_role_rows("DisputeManager", DEFAULT_ADMIN_ROLE, ARBITRATOR_ROLE),
    # Anybody raises a dispute, except the manager itself: its own bond would come from itself (nothing arrives).
    Row("DisputeManager", "raiseDispute(uint256,bytes32)", lambda s, c: (s.state["main"], EVIDENCE),
        EVERYONE - DISPUTERS, exceptions={"dispute_module": error("BondNotReceived", BOND, 0)}),
    Row("DisputeManager", "resolve(uint256,bool,uint8,address,bytes32)",
        lambda s, c: (s.state["dispute"], False, 0, ZERO_ADDRESS, RULING), holders("arbitrator"),
        missing_role(ARBITRATOR_ROLE)),
    Row("DisputeManager", "setRoyaltyVault(address)", lambda s, c: (s.contracts["RoyaltyVault"],), REGISTRY_ADMINS,
        missing_role(DEFAULT_ADMIN_ROLE)),
    Row("DisputeManager", "setSettings(address,uint256,bool,bool)",
        lambda s, c: (s.state["usd"], BOND, True, True), REGISTRY_ADMINS, missing_role(DEFAULT_ADMIN_ROLE)),
    # ------------------------------------------------------------------------------------------- RoyaltyVault
    Row("RoyaltyVault", "creditRight(uint256,address,uint256,bytes32)",
        lambda s, c: (s.state["main"], s.state["usd"], 1_000, RULING), DISPUTERS, caller_error("NotCreditor")),
    # Anybody pays a royalty, except the royalty vault itself: a payment to itself brings nothing in.
    Row("RoyaltyVault", "pay(uint256,uint256,bytes32)", lambda s, c: (s.state["licence"], 1_000, REPORT),
        EVERYONE - holders("royalty_module"), exceptions={"royalty_module": error("PaymentNotReceived", 1_000, 0)}),
    Row("RoyaltyVault", "setCreditor(address,bool)", lambda s, c: (s.callers["stranger"], True), REGISTRY_ADMINS,
        caller_error("NotDeployer")),
    # On a royalty vault whose fraction vault is not set yet; its deployer (the admin) sets it once.
    Row("RoyaltyVault", "setFractionVault(address)", lambda s, c: (s.state["unset_vault"],), REGISTRY_ADMINS,
        caller_error("NotDeployer"), target=lambda s: s.state["unset_royalty_vault"]),
    Row("RoyaltyVault", "withdraw(address)", lambda s, c: (s.state["usd"],), OWNER,
        caller_error("NothingOwed", lambda s: s.state["usd"])),
    # ------------------------------------------------------------------------------------------- LoanDesk
    # An open offer: whoever holds the right (the owner) accepts it, pledging it.
    Row("LoanDesk", f"accept({TERMS},bytes)",
        lambda s, c: (s.state["loan_offer"].as_tuple(), s.state["loan_offer_signature"]), OWNER,
        caller_error("NotCollateralHolder", st("loan_unpledged"))),
    Row("LoanDesk", f"request({TERMS})", lambda s, c: (s.state["loan_request_to_publish"].as_tuple(),), OWNER,
        caller_error("NotParty", OWNER_ADDRESS)),
    # A published request naming no lender: anybody lends, its borrower too (the principal it would pay itself
    # moves nothing).
    Row("LoanDesk", f"acceptRequest({TERMS})", lambda s, c: (s.state["loan_request"].as_tuple(),), EVERYONE),
    Row("LoanDesk", f"cancel({TERMS})", lambda s, c: (s.state["loan_request"].as_tuple(),), OWNER,
        caller_error("NotParty", OWNER_ADDRESS)),
    Row("LoanDesk", "cancelBelow(uint256)", lambda s, c: (5,), EVERYONE),
    Row("LoanDesk", "repay(uint256,uint256)", lambda s, c: (s.state["loan_owed"], 1_000), EVERYONE),
    Row("LoanDesk", f"refinance(uint256,{TERMS},bytes)",
        lambda s, c: (s.state["loan_owed"], s.state["loan_refinancing"].as_tuple(),
                      s.state["loan_refinancing_signature"]), OWNER, caller_error("NotParty", OWNER_ADDRESS)),
    Row("LoanDesk", "enforce(uint256,uint256,uint256)",
        lambda s, c: (s.state["loan_overdue"], AUCTION_PRICE, AUCTION_PRICE), OWNER,
        error_of_loan("NotLender", "loan_overdue")),
    # A fixed-price auction above the debt: anybody buys, the lender (the owner) too: the debt it would pay itself
    # moves nothing, the surplus goes to the borrower (the stranger, who buying pays itself the surplus).
    Row("LoanDesk", "bid(uint256,uint256)", lambda s, c: (s.state["loan_on_sale"], AUCTION_PRICE), EVERYONE),
    Row("LoanDesk", "foreclose(uint256)", lambda s, c: (s.state["loan_unsold"],), OWNER,
        error_of_loan("NotLender", "loan_unsold")),
    Row("LoanDesk", "recordLoss(uint256)", lambda s, c: (s.state["loan_lost"],), EVERYONE),
    Row("LoanDesk", "registerPledge(uint256,string)", lambda s, c: (s.state["loan_overdue"], "Y2026980000123"),
        holders("owner", "stranger"), lambda s, c: ("NotLoanParty", s.state["loan_overdue"], c)),
    # Only an account with a credit withdraws it: the owner, whose pledged shares the token refused to return.
    Row("LoanDesk", "withdraw(address)", lambda s, c: (s.state["credited_shares"],), OWNER,
        lambda s, c: ("NothingToWithdraw", c, s.state["credited_shares"])),
]
# fmt: on


# --------------------------------------------------------------------------------------------- running cells


def _canonical(entry: dict[str, Any]) -> str:
    kind = entry["type"]
    if kind.startswith("tuple"):
        return "(" + ",".join(_canonical(c) for c in entry["components"]) + ")" + kind[len("tuple") :]
    return str(kind)


def external_functions(abi: list[dict[str, Any]]) -> set[str]:
    """Signatures of the state-changing functions (nonpayable or payable) of an ABI."""
    return {
        f"{e['name']}({','.join(_canonical(i) for i in e['inputs'])})"
        for e in abi
        if e["type"] == "function" and e["stateMutability"] in ("nonpayable", "payable")
    }


def _plain(value: Any) -> Any:
    """Arguments as eth_abi encodes them: accounts and contracts as addresses, sequences element by element."""
    if hasattr(value, "address"):
        return address_of(value)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_plain(v) for v in value)
    if isinstance(value, str) and value.startswith("0x") and len(value) == 42:
        return address_of(value)
    return value


def _calldata(signature: str, args: tuple[Any, ...]) -> str:
    from eth_abi.grammar import parse

    inner = signature[signature.index("(") :]
    types = [t.to_type_str() for t in parse(inner).components] if inner != "()" else []
    return "0x" + (keccak(text=signature)[:4] + encode(types, [_plain(a) for a in args])).hex()


def call(sender: str, target: Any, data: str) -> tuple[bool, bytes]:
    request = {"from": sender, "to": address_of(target), "data": data}
    response = web3.provider.make_request("eth_call", [request, "latest"])
    if "error" in response:
        return False, bytes(HexBytes(response["error"].get("data") or "0x"))
    return True, bytes(HexBytes(response["result"]))


def run_row(system: System, row: Row) -> list[str]:
    """Every caller's cell of ``row``; the mismatches, one line each."""
    target = row.target(system) if row.target else system.contracts[row.contract]
    snapshot = row.prepare is not None
    if snapshot:
        chain.snapshot()
        assert row.prepare is not None
        row.prepare(system)
    try:
        failures = []
        for role in CALLERS:
            caller = system.callers[role]
            ok, returned = call(caller, target, _calldata(row.signature, row.args(system, caller)))
            if role in row.allowed:
                if not ok:
                    failures.append(f"{role}: expected success, got {_errors.describe(returned)}")
                continue
            name, *expected_args = (row.exceptions.get(role) or row.denied)(system, caller)
            expected = _errors.encode(name, *expected_args)
            if ok:
                failures.append(f"{role}: expected {_errors.describe(expected)}, but the call succeeded")
            elif returned != expected:
                failures.append(f"{role}: expected {_errors.describe(expected)}, got {_errors.describe(returned)}")
        return failures
    finally:
        if snapshot:
            chain.revert()


# --------------------------------------------------------------------------------------------- tests


def _deployed_abis() -> dict[str, list[dict[str, Any]]]:
    """The ABIs of the deployed contracts, from the loaded project's containers."""
    from brownie import project

    (loaded,) = project.get_loaded_projects()
    return {name: loaded[name]._build["abi"] for name in CONTRACTS}


def test_matrix_covers_every_external_function() -> None:
    """A new external state-changing function fails here until the matrix says who may call it."""
    in_abis = {(name, sig) for name, abi in _deployed_abis().items() for sig in external_functions(abi)}
    in_matrix = [row.key for row in MATRIX]
    assert len(in_matrix) == len(set(in_matrix)), "a function has two rows"
    assert sorted(in_abis - set(in_matrix)) == [], "functions the matrix does not cover"
    assert sorted(set(in_matrix) - in_abis) == [], "rows of functions the contracts no longer have"


@pytest.mark.parametrize("row", MATRIX, ids=[f"{row.contract}.{row.signature.split('(')[0]}" for row in MATRIX])
def test_access_matrix(system: System, row: Row) -> None:
    failures = run_row(system, row)
    assert not failures, f"{row.contract}.{row.signature}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("name", CONTRACTS)
def test_no_contract_takes_erc1155_tokens(system: System, name: str, TestMultiToken: Any) -> None:  # noqa: N803
    """No ipledger contract implements the ERC-1155 receiver hook: a safe mint or transfer to one reverts, so no
    ERC-1155 token can be stranded in one, nor re-enter one through the hook (docs/security.md)."""
    sender = {"from": system.callers["stranger"]}
    multi = TestMultiToken.deploy(sender)
    target = system.contracts[name]
    with _errors.reverts("ERC1155InvalidReceiver", address_of(target)):
        multi.mint(target, 1, 1, sender)
    multi.mint(system.callers["stranger"], 1, 1, sender)
    with _errors.reverts("ERC1155InvalidReceiver", address_of(target)):
        multi.safeTransferFrom(system.callers["stranger"], target, 1, 1, b"", sender)
    assert multi.balanceOf(address_of(target), 1) == 0
