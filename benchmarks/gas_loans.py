"""Gas of the loan desk (issue 19) and of the registry's pledge lock, beside their floors and the plain moves inside.

Called by ``gas.py`` in the same run and on the same node as the registry figures. Every figure is whole-transaction
gas from the receipt. The currency is tUSD (OpenZeppelin ERC-20); lenders, borrowers and bidders already hold tUSD
and have approved the desk, as they do in steady state.

Each row carries two references measured in this run:

- ``baseline``: the plain token moves the operation contains, sent as separate transactions (an ERC-20
  ``transferFrom`` of tUSD to an existing holder, the registry's ``transferFrom`` of a right, a share token's
  ``transferFrom``), summed: what a desk that did nothing but move the money and the collateral would pay, 21,000
  per transaction included, so the difference is the desk's own cost less the intrinsic gas it saves.
- ``floor`` (``gas_floor``'s model): a loan's unavoidable storage is 3 fresh slots (the lender and maturity packed
  with the state, the principal, the collateral's reference), the terms hash marked spent (1 fresh; replay
  protection) and the pledge (1 update: the right's record bit rides in its ownership slot, or the shares' two
  balances), the right's history word (1 update), the principal's move (2 updates) and ecrecover for a signed
  offer; the logs are the ones the operation must emit (its own, the token's ``Transfer``, ``HistoryLinked``).
"""

from __future__ import annotations

from typing import Any

from _bench import EVIDENCE, Bench, Row, token_of
from eth_account.messages import encode_typed_data
from gas_floor import ECRECOVER, FloorSpec
from ipledger import dev_account
from ipledger._artifacts import load_artifact
from web3 import Web3

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
PLEDGE_ROLE = Web3.keccak(text="PLEDGE_ROLE")
REGISTRAR_ROLE = Web3.keccak(text="REGISTRAR_ROLE")
USD = 10**6
PRINCIPAL = 50_000 * USD
SUPPLY = 1_000_000 * 10**18
DAY = 86_400

TERMS_FIELDS = (
    ("lender", "address"),
    ("borrower", "address"),
    ("collateral", "address"),
    ("collateralId", "uint256"),
    ("collateralAmount", "uint256"),
    ("currency", "address"),
    ("principal", "uint256"),
    ("interest", "uint256"),
    ("aprPpm", "uint32"),
    ("duration", "uint32"),
    ("gracePeriod", "uint32"),
    ("auctionDuration", "uint32"),
    ("costs", "uint256"),
    ("agreementHash", "bytes32"),
    ("governingLaw", "bytes2"),
    ("foreclosure", "bool"),
    ("expiry", "uint256"),
    ("nonce", "uint256"),
)

TRANSFER = "Transfer(address,address,uint256)"
HISTORY_LINKED = "HistoryLinked(uint256,uint256)"
LOAN_OPENED = "LoanOpened(uint256,uint256,address,address,address,uint256,address,uint256,uint256,bytes32,bytes32)"
PLEDGE_SET = "PledgeSet(uint256,bool,address,bytes32)"
LOAN_REPAID = "LoanRepaid(uint256,uint256,address,uint256,uint256,uint256)"
PLEDGE_RELEASED = "PledgeReleased(uint256,uint256,address)"
AUCTION_STARTED = "AuctionStarted(uint256,uint256,uint256,uint256,uint256,uint256)"
COLLATERAL_SOLD = "CollateralSold(uint256,uint256,address,uint256,uint256,uint256,uint256)"

#: A signed offer accepted against a right: loan (3 fresh), terms spent (1 fresh), the pledge bit (1 update), the
#: history word (1 update), the principal (2 updates), ecrecover.
ACCEPT_RIGHT = FloorSpec(
    fresh=4, updates=4, compute=ECRECOVER, events=(LOAN_OPENED, PLEDGE_SET, TRANSFER, HISTORY_LINKED)
)
#: Against shares: the shares move into the desk instead of the bit (2 updates; the desk holds shares already).
ACCEPT_SHARES = FloorSpec(fresh=4, updates=5, compute=ECRECOVER, events=(LOAN_OPENED, TRANSFER, HISTORY_LINKED))
#: A partial repayment: the principal or interest (1 update), the history word (1), the payment (2).
REPAY_PARTIAL = FloorSpec(updates=4, events=(LOAN_REPAID, TRANSFER, HISTORY_LINKED))
#: Repaid in full: the loan's state and balance (1 update, 1 clear), the bit (1 update), the history, the payment.
REPAY_FULL = FloorSpec(updates=5, clears=1, events=(LOAN_REPAID, PLEDGE_RELEASED, PLEDGE_SET, TRANSFER, HISTORY_LINKED))
#: The auction's prices and start (1 fresh slot at best: start and floor packed beside the time), the state, history.
ENFORCE = FloorSpec(fresh=1, updates=2, events=(AUCTION_STARTED, HISTORY_LINKED))
#: A sale: the state (1), the right moves (ownership + 2 balances = 3 updates, the bit cleared in the same word),
#: the history (1), two payments (lender and borrower: 3 updates, the bidder's balance once).
BID_RIGHT = FloorSpec(updates=8, events=(COLLATERAL_SOLD, PLEDGE_SET, TRANSFER, HISTORY_LINKED))


def _deploy(bench: Bench, name: str, *args: Any) -> Any:
    artifact = load_artifact(name)
    return bench.deploy(artifact.abi, artifact.bytecode, *args)


class _Desk:
    """The desk under measurement, with the accounts' roles: 0 admin; 1 lender; 2 borrower; 3 bidder; 4 a second
    lender (refinancing); 6 holds PLEDGE_ROLE directly (the registry's hook alone)."""

    def __init__(self, bench: Bench) -> None:
        self.bench = bench
        accounts = bench.accounts
        self.registry = _deploy(bench, "IPRegistry", accounts[0])
        self.compliance = _deploy(bench, "ComplianceRegistry", accounts[0])
        self.vault = _deploy(bench, "FractionVault", self.registry.address, self.compliance.address, ZERO_ADDRESS)
        self.desk = _deploy(bench, "LoanDesk", self.registry.address, self.vault.address)
        self.usd = _deploy(bench, "TestStablecoin")
        fn = self.registry.functions
        bench.gas(fn.grantRole(PLEDGE_ROLE, self.desk.address))
        bench.gas(fn.grantRole(PLEDGE_ROLE, accounts[6]))
        for account in (1, 2, 3, 4):
            bench.gas(self.usd.functions.mint(accounts[account], 10**9 * USD))
            bench.gas(self.usd.functions.approve(self.desk.address, 2**255), account)
        self.nonce = 0

    def right(self, holder: int = 2) -> int:
        registration = self.bench.registration()
        self.bench.gas(self.registry.functions.register(self.bench.accounts[holder], registration))
        return token_of(registration)

    def terms(self, lender: int | None, **fields: Any) -> dict[str, Any]:
        """Terms of a lender's offer (``lender`` the signer's account) or, with ``lender`` None, a request."""
        self.nonce += 1
        return {
            "lender": ZERO_ADDRESS if lender is None else self.bench.accounts[lender],
            "borrower": ZERO_ADDRESS,
            "collateral": self.registry.address,
            "collateralId": 0,
            "collateralAmount": 0,
            "currency": self.usd.address,
            "principal": PRINCIPAL,
            "interest": 0,
            "aprPpm": 45_000,
            "duration": 180 * DAY,
            "gracePeriod": 15 * DAY,
            "auctionDuration": 7 * DAY,
            "costs": 1_000 * USD,
            "agreementHash": EVIDENCE,
            "governingLaw": b"HK",
            "foreclosure": False,
            "expiry": 2**40,
            "nonce": self.nonce,
        } | fields

    def sign(self, terms: dict[str, Any], signer: int) -> tuple[tuple[Any, ...], bytes]:
        signable = encode_typed_data(
            domain_data={
                "name": "IPLedger Loans",
                "version": "1",
                "chainId": self.bench.w3.eth.chain_id,
                "verifyingContract": self.desk.address,
            },
            message_types={"Terms": [{"name": name, "type": kind} for name, kind in TERMS_FIELDS]},
            message_data=terms,
        )
        signature = dev_account(signer).account.sign_message(signable).signature
        return tuple(terms[name] for name, _ in TERMS_FIELDS), bytes(signature)

    def accept(self, terms: dict[str, Any], lender: int = 1, borrower: int = 2) -> int:
        offer, signature = self.sign(terms, lender)
        self.bench.gas(self.desk.functions.accept(offer, signature), borrower)
        return int(self.desk.functions.loanCount().call())

    def sleep(self, seconds: int) -> None:
        w3 = self.bench.w3
        w3.provider.make_request("evm_increaseTime", [seconds])  # type: ignore[arg-type]
        w3.provider.make_request("evm_mine", [])  # type: ignore[arg-type]


def _plain_moves(bench: Bench, desk: _Desk) -> dict[str, int]:
    """The plain moves inside the desk's operations, each its own transaction: tUSD ``transferFrom`` to an existing
    holder, the registry's ``transferFrom`` of a right to an existing holder."""
    accounts = bench.accounts
    usd = desk.usd.functions
    bench.gas(usd.approve(accounts[5], 2**255), 1)
    erc20 = bench.gas(usd.transferFrom(accounts[1], accounts[2], PRINCIPAL), 5)
    right = desk.right(holder=2)
    desk.right(holder=3)
    erc721 = bench.gas(desk.registry.functions.transferFrom(accounts[2], accounts[3], right), 2)
    return {"erc20": erc20, "erc721": erc721}


def measure_loans(bench: Bench) -> list[Row]:
    """Accept (right, shares, request), repay (partial, full), enforce, bid, foreclose, refinance, recordLoss,
    registerPledge, cancel, cancelBelow, and the registry's pledge lock alone."""
    desk = _Desk(bench)
    accounts = bench.accounts
    loans = desk.desk.functions
    plain = _plain_moves(bench, desk)
    erc20, erc721 = plain["erc20"], plain["erc721"]
    rows: list[Row] = []

    def row(label: str, gas: int, spec: FloorSpec | None, moves: str, moved: int) -> None:
        floor = None if spec is None else bench.floor(spec, label)
        if not moved:
            rows.append(Row(label, gas, floor=floor))
            return
        rows.append(Row(label, gas, baseline=f"plain moves inside: {moves}", baseline_gas=moved, floor=floor))

    # Unmeasured: the desk's first loan makes the loan counter non-zero, as it is in steady state.
    desk.accept(desk.terms(1, collateralId=desk.right()))

    # ------------------------------------------------------------------ opening
    pledged = desk.right()
    offer, signature = desk.sign(desk.terms(1, collateralId=pledged), 1)
    gas = bench.gas(loans.accept(offer, signature), 2)
    loan = int(loans.loanCount().call())
    row("loan accept (signed offer, a right pledged)", gas, ACCEPT_RIGHT, "1 ERC-20", erc20)

    shared = desk.right()
    bench.gas(desk.registry.functions.approve(desk.vault.address, shared), 2)
    bench.gas(desk.vault.functions.fractionalize(shared, "Battery shares", "BATT", 18, SUPPLY, False), 2)
    share_token = bench.w3.eth.contract(
        address=desk.vault.functions.shareTokenOf(shared).call(), abi=load_artifact("ShareToken").abi
    )
    bench.gas(share_token.functions.approve(desk.desk.address, 2**255), 2)
    bench.gas(share_token.functions.approve(accounts[5], 2**255), 2)
    share_move = bench.gas(share_token.functions.transferFrom(accounts[2], accounts[3], 10**18), 5)
    # Unmeasured: the desk's first shares make its share balance non-zero.
    desk.accept(desk.terms(1, collateral=share_token.address, collateralAmount=10**18))
    shares_terms = desk.terms(1, collateral=share_token.address, collateralAmount=SUPPLY // 10)
    offer, signature = desk.sign(shares_terms, 1)
    gas = bench.gas(loans.accept(offer, signature), 2)
    row("loan accept (signed offer, shares pledged)", gas, ACCEPT_SHARES, "1 ERC-20 + 1 share", erc20 + share_move)

    requested = desk.terms(None, borrower=accounts[2], collateralId=desk.right())
    request = tuple(requested[name] for name, _ in TERMS_FIELDS)
    rows.append(Row("loan request (published)", bench.gas(loans.request(request), 2)))
    gas = bench.gas(loans.acceptRequest(request), 1)
    row("loan acceptRequest (a right pledged)", gas, ACCEPT_RIGHT.plus(compute=-ECRECOVER), "1 ERC-20", erc20)

    # ------------------------------------------------------------------ repayment
    desk.sleep(30 * DAY)
    gas = bench.gas(loans.repay(loan, 10_000 * USD), 2)
    row("loan repay (partial, APR interest accrued)", gas, REPAY_PARTIAL, "1 ERC-20", erc20)
    gas = bench.gas(loans.repay(loan, 2**255), 2)
    row("loan repay (in full, pledge released)", gas, REPAY_FULL, "1 ERC-20", erc20)
    desk.sleep(1)
    gas = bench.gas(loans.repay(int(loans.loanCount().call()), 5_000 * USD), 3)
    row("loan repay (partial, by a third party)", gas, REPAY_PARTIAL, "1 ERC-20", erc20)

    # ------------------------------------------------------------------ refinancing
    refinanced = desk.accept(desk.terms(1, collateralId=desk.right()))
    desk.sleep(DAY)
    offer, signature = desk.sign(
        desk.terms(4, collateralId=int(loans.loanOf(refinanced).call()[4]), principal=60_000 * USD), 4
    )
    gas = bench.gas(loans.refinance(refinanced, offer, signature), 2)
    row("loan refinance (new lender repays the old, the rest to the borrower)", gas, None, "2 ERC-20", 2 * erc20)

    # ------------------------------------------------------------------ enforcement
    sold = desk.accept(desk.terms(1, collateralId=desk.right()))
    foreclosed = desk.accept(desk.terms(1, collateralId=desk.right(), foreclosure=True, governingLaw=b"US"))
    shares_sold = desk.accept(desk.terms(1, collateral=share_token.address, collateralAmount=SUPPLY // 20))
    desk.sleep(196 * DAY)
    gas = bench.gas(loans.enforce(sold, 120_000 * USD, 40_000 * USD), 1)
    row("loan enforce (Dutch auction started)", gas, ENFORCE, "", 0)
    bench.gas(loans.enforce(foreclosed, 120_000 * USD, 40_000 * USD), 1)
    bench.gas(loans.enforce(shares_sold, 120_000 * USD, 40_000 * USD), 1)
    desk.sleep(3 * DAY)
    gas = bench.gas(loans.bid(sold, 2**255), 3)
    row(
        "loan bid (right sold: debt to the lender, surplus to the borrower)",
        gas,
        BID_RIGHT,
        "1 right + 2 ERC-20",
        erc721 + 2 * erc20,
    )
    gas = bench.gas(loans.bid(shares_sold, 2**255), 3)
    row("loan bid (shares sold)", gas, None, "1 share + 2 ERC-20", share_move + 2 * erc20)
    desk.sleep(5 * DAY)
    gas = bench.gas(loans.foreclose(foreclosed), 1)
    row("loan foreclose (auction ended without a bid; US law)", gas, None, "1 right", erc721)

    # ------------------------------------------------------------------ credits (before cancelBelow voids the offers)
    rows.append(_withdraw_row(desk))

    # ------------------------------------------------------------------ records and cancellations
    lost = desk.accept(desk.terms(1, collateralId=desk.right()))
    bench.gas(desk.registry.functions.forceTransfer(int(loans.loanOf(lost).call()[4]), accounts[7], EVIDENCE))
    rows.append(Row("loan recordLoss (after a registrar's forced transfer)", bench.gas(loans.recordLoss(lost), 5)))
    rows.append(
        Row(
            "loan registerPledge (CNIPA pledge registration number)",
            bench.gas(loans.registerPledge(sold, "Y2024980012345"), 1),
        )
    )
    cancelled, _ = desk.sign(desk.terms(1, collateralId=desk.right()), 1)
    rows.append(Row("loan cancel (an offer)", bench.gas(loans.cancel(cancelled), 1)))
    rows.append(Row("loan cancelBelow", bench.gas(loans.cancelBelow(1_000), 1)))

    # ------------------------------------------------------------------ the registry's pledge lock alone
    hooked = desk.right()
    fn = desk.registry.functions
    rows.append(Row("registry setLock (pledge)", bench.gas(fn.setLock(hooked, True, ZERO_ADDRESS, EVIDENCE), 6)))
    rows.append(
        Row("registry setLock (pledge released)", bench.gas(fn.setLock(hooked, False, ZERO_ADDRESS, EVIDENCE), 6))
    )
    bench.gas(fn.setLock(hooked, True, ZERO_ADDRESS, EVIDENCE), 6)
    rows.append(
        Row(
            "registry setLock (pledge released, right delivered)",
            bench.gas(fn.setLock(hooked, False, accounts[3], EVIDENCE), 6),
            baseline="plain moves inside: 1 right",
            baseline_gas=erc721,
        )
    )
    return rows


def _withdraw_row(desk: _Desk) -> Row:
    """``withdraw`` of restricted shares the token refused to return at repayment (the borrower's identity revoked
    while they were pledged), after the borrower is verified again: the shares move from the desk, one share
    ``transfer`` to an existing holder inside."""
    bench, accounts = desk.bench, desk.bench.accounts
    officer = desk.compliance.functions
    bench.gas(officer.verifyInvestor(accounts[2], b"HK", 2**40 - 1, EVIDENCE))
    bench.gas(officer.registerVenue(desk.desk.address, EVIDENCE))
    right = desk.right()
    bench.gas(desk.registry.functions.approve(desk.vault.address, right), 2)
    bench.gas(desk.vault.functions.fractionalize(right, "Restricted shares", "RSHR", 18, SUPPLY, True), 2)
    share = bench.w3.eth.contract(
        address=desk.vault.functions.shareTokenOf(right).call(), abi=load_artifact("ShareToken").abi
    )
    bench.gas(share.functions.approve(desk.desk.address, 2**255), 2)
    loan = desk.accept(desk.terms(1, collateral=share.address, collateralAmount=SUPPLY // 10))
    bench.gas(officer.revokeIdentity(accounts[2], EVIDENCE))
    bench.gas(desk.desk.functions.repay(loan, 2**255), 2)
    assert desk.desk.functions.credited(accounts[2], share.address).call() == SUPPLY // 10
    bench.gas(officer.verifyInvestor(accounts[2], b"HK", 2**40 - 1, EVIDENCE))
    gas = bench.gas(desk.desk.functions.withdraw(share.address), 2)
    bench.gas(share.functions.approve(accounts[5], 2**255), 2)
    plain = bench.gas(share.functions.transferFrom(accounts[2], accounts[2], 10**18), 5)
    return Row(
        "loan withdraw (shares credited when their token refused the borrower)",
        gas,
        baseline="plain moves inside: 1 share (restricted)",
        baseline_gas=plain,
    )
