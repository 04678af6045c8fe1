// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ILoanDesk
/// @notice Types, errors and events of the ipledger loan desk: loans against a pledged right or an amount of its
/// shares, opened from a lender's signed offer or a borrower's published request, repaid (the pledge released) or
/// enforced by a Dutch auction (docs/financing.md).
interface ILoanDesk {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice The states of a loan.
    /// - `Active`: principal out, collateral pledged.
    /// - `Auction`: the lender enforces the pledge: the collateral is on sale (the borrower may still repay in full).
    /// - `Repaid`: paid in full; the pledge released.
    /// - `Sold`: the collateral went to the auction's buyer; the proceeds paid the debt, the surplus the borrower.
    /// - `Foreclosed`: an auction without a bid ended and the lender took the collateral (only where the terms'
    ///   governing law allows it).
    /// - `Refinanced`: a new loan repaid this one and took over its pledge.
    /// - `Lost`: a registrar's act (a forced transfer, a revocation, a supersession) took the collateral; the debt
    ///   stands, unsecured.
    enum State {
        None,
        Active,
        Auction,
        Repaid,
        Sold,
        Foreclosed,
        Refinanced,
        Lost
    }

    /// @notice The terms of a loan: a lender's offer (signed, EIP-712) or a borrower's request (published).
    /// @param lender Offer: the signer. Request: the only lender who may accept, or zero for any.
    /// @param borrower Offer: the only borrower who may accept, or zero for whoever holds the collateral.
    /// Request: the requester.
    /// @param collateral The registry (a right) or one of its share tokens (an amount of shares).
    /// @param collateralId The right's token id (a right); zero for shares.
    /// @param collateralAmount The amount of shares pledged; zero for a right.
    /// @param currency The ERC-20 the principal is lent and repaid in.
    /// @param principal The amount lent.
    /// @param interest Fixed interest, owed in full whenever the loan is repaid.
    /// @param aprPpm Simple annual interest on the outstanding principal, in parts per million per 365 days
    /// (35,000 = 3.5 %), accrued by the second and rounded up to the wei at each repayment.
    /// @param duration Seconds from acceptance to maturity.
    /// @param gracePeriod Seconds after maturity before the lender may enforce.
    /// @param auctionDuration Seconds an enforcement auction takes to fall from its start price to its floor.
    /// @param costs Enforcement costs agreed in advance, paid from the auction's proceeds after principal and interest.
    /// @param agreementHash SHA-256 of the loan agreement (and pledge contract), hashed off chain.
    /// @param governingLaw The law of the agreement, an ISO 3166 country code ("CN", "HK", "US").
    /// @param foreclosure Whether the lender may take the collateral when an auction ends without a bid; refused under
    /// PRC law (Civil Code art. 428 voids forfeiture clauses).
    /// @param expiry Unix time after which the terms cannot be accepted.
    /// @param nonce The signer's or requester's number for these terms; `cancelBelow` voids every lower one.
    struct Terms {
        address lender;
        address borrower;
        address collateral;
        uint256 collateralId;
        uint256 collateralAmount;
        address currency;
        uint256 principal;
        uint256 interest;
        uint32 aprPpm;
        uint32 duration;
        uint32 gracePeriod;
        uint32 auctionDuration;
        uint256 costs;
        bytes32 agreementHash;
        bytes2 governingLaw;
        bool foreclosure;
        uint256 expiry;
        uint256 nonce;
    }

    /// @notice A loan as stored.
    /// @param rightId The right pledged, or whose shares are pledged.
    /// @param principal The principal outstanding.
    /// @param interest Interest accrued and unpaid as of `accruedAt` (the fixed interest included).
    /// @param startPrice The auction's start price (while or after an auction).
    /// @param floorPrice The auction's floor price.
    /// @param auctionStart When the auction started (zero before one).
    struct Loan {
        State state;
        address lender;
        address borrower;
        address collateral;
        uint256 collateralId;
        uint256 collateralAmount;
        uint256 rightId;
        address currency;
        uint256 principal;
        uint256 interest;
        uint32 aprPpm;
        uint40 startedAt;
        uint40 accruedAt;
        uint40 maturity;
        uint32 gracePeriod;
        uint32 auctionDuration;
        bool foreclosure;
        bytes2 governingLaw;
        uint256 costs;
        bytes32 agreementHash;
        uint256 startPrice;
        uint256 floorPrice;
        uint40 auctionStart;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The terms are inconsistent: no principal, duration or auction time, no currency, an amount of 2**128
    /// or more (or 2**127 together), a law not written as two upper-case letters, a right with an amount, shares
    /// without one, or foreclosure under a law that voids it.
    error InvalidTerms();

    /// @notice The terms expired at `expiry`.
    error TermsExpired(bytes32 termsHash, uint256 expiry);

    /// @notice The terms were accepted, cancelled (directly or by `cancelBelow`) or, for a request, never published.
    error TermsNotAvailable(bytes32 termsHash);

    /// @notice The offer's signature is not its lender's.
    error InvalidSignature(bytes32 termsHash);

    /// @notice `caller` may not act on terms reserved for `party`.
    error NotParty(address caller, address party);

    /// @notice `collateral` is neither the registry nor one of its share tokens.
    error UnknownCollateral(address collateral);

    /// @notice `account` does not hold the right `tokenId`.
    error NotCollateralHolder(address account, uint256 tokenId);

    /// @notice The right `tokenId` is frozen: it cannot be pledged, and a freeze stops enforcement.
    error CollateralFrozen(uint256 tokenId);

    /// @notice The right `tokenId` is locked by an open dispute: it cannot be pledged or refinanced (a sale goes on).
    error CollateralDisputed(uint256 tokenId);

    /// @notice No loan `loanId`.
    error UnknownLoan(uint256 loanId);

    /// @notice Loan `loanId` is `state`, which does not allow this.
    error WrongState(uint256 loanId, State state);

    /// @notice Only the lender `lender` of loan `loanId` may do this.
    error NotLender(uint256 loanId, address lender);

    /// @notice Only a party to loan `loanId` (lender or borrower) may do this.
    error NotLoanParty(uint256 loanId, address caller);

    /// @notice Loan `loanId` may be enforced from `enforceableAt` (maturity plus grace), not before.
    error NotYetEnforceable(uint256 loanId, uint256 enforceableAt);

    /// @notice The auction's prices: the start must cover the debt (principal, interest, costs), be below 2**128
    /// and not below the floor.
    error InvalidAuction(uint256 startPrice, uint256 floorPrice);

    /// @notice The auction of loan `loanId` runs until `endsAt`.
    error AuctionRunning(uint256 loanId, uint256 endsAt);

    /// @notice The current price `price` is above the bidder's limit `maxPrice`.
    error PriceAboveLimit(uint256 price, uint256 maxPrice);

    /// @notice `buyer` may not receive the collateral (a restricted share token refuses it, or the zero address).
    error BuyerNotEligible(address buyer);

    /// @notice Loan `loanId`'s terms do not allow foreclosure.
    error ForeclosureNotAllowed(uint256 loanId);

    /// @notice The refinancing terms do not pledge the same collateral as loan `loanId`.
    error CollateralMismatch(uint256 loanId);

    /// @notice The collateral of loan `loanId` is still pledged here (nothing to record).
    error CollateralHeld(uint256 loanId);

    /// @notice A repayment must be positive.
    error ZeroRepayment();

    /// @notice `expected` of the token was due to arrive and `received` did (a fee-on-transfer or lying token).
    error PaymentShortfall(uint256 expected, uint256 received);

    /// @notice An empty pledge registration number.
    error EmptyRegistration();

    /// @notice The right `tokenId` is a self-declared claim, which an earlier-committed claim could supersede (and
    /// end the pledge): only a registrar-verified right can be pledged.
    error CollateralUnverified(uint256 tokenId);

    /// @notice Nothing of `token` is credited to `account`.
    error NothingToWithdraw(address account, address token);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Loan `loanId` opened: `lender` lent `principal` of `currency` to `borrower` against the right `rightId`
    /// (`collateral` the registry) or `collateralAmount` of its shares (`collateral` the share token), due at
    /// `maturity`, under the agreement `agreementHash`; `termsHash` names the offer or request accepted.
    event LoanOpened(
        uint256 indexed loanId,
        uint256 indexed rightId,
        address indexed lender,
        address borrower,
        address collateral,
        uint256 collateralAmount,
        address currency,
        uint256 principal,
        uint256 maturity,
        bytes32 agreementHash,
        bytes32 termsHash
    );

    /// @notice `borrower` published the request `termsHash` (`terms` in full) against the right `rightId`.
    event LoanRequested(bytes32 indexed termsHash, uint256 indexed rightId, address indexed borrower, Terms terms);

    /// @notice `by` cancelled the offer or request `termsHash`.
    event TermsCancelled(bytes32 indexed termsHash, address indexed by);

    /// @notice `account` voided its offers and requests with a nonce below `nonce`.
    event NoncesCancelled(address indexed account, uint256 nonce);

    /// @notice `payer` paid `interestPaid` interest and `principalPaid` principal on loan `loanId` of the right
    /// `rightId`; `remaining` (principal and interest) is still owed.
    event LoanRepaid(
        uint256 indexed loanId,
        uint256 indexed rightId,
        address indexed payer,
        uint256 interestPaid,
        uint256 principalPaid,
        uint256 remaining
    );

    /// @notice Loan `loanId` is paid in full: its collateral went back to the borrower, free of the pledge.
    event PledgeReleased(uint256 indexed loanId, uint256 indexed rightId, address indexed borrower);

    /// @notice The lender enforces loan `loanId`: a Dutch auction from `startPrice` falling to `floorPrice` at
    /// `endsAt`; `debt` (principal, interest and costs) was owed when it started.
    event AuctionStarted(
        uint256 indexed loanId,
        uint256 indexed rightId,
        uint256 startPrice,
        uint256 floorPrice,
        uint256 endsAt,
        uint256 debt
    );

    /// @notice `buyer` bought the collateral of loan `loanId` for `price`: `toLender` paid the debt (principal,
    /// interest, costs), `toBorrower` the surplus; `shortfall` of the debt stays unpaid (unsecured).
    event CollateralSold(
        uint256 indexed loanId,
        uint256 indexed rightId,
        address indexed buyer,
        uint256 price,
        uint256 toLender,
        uint256 toBorrower,
        uint256 shortfall
    );

    /// @notice The auction of loan `loanId` ended without a bid and the lender took the collateral (the terms allow
    /// foreclosure under their governing law).
    event Foreclosed(uint256 indexed loanId, uint256 indexed rightId, address indexed lender);

    /// @notice Loan `newLoanId` (from `newLender`) repaid loan `loanId` and took over its pledge.
    event LoanRefinanced(uint256 indexed loanId, uint256 indexed rightId, uint256 indexed newLoanId, address newLender);

    /// @notice The collateral of loan `loanId` left the pledge by a registrar's act (a forced transfer, a revocation,
    /// a supersession): `holder` has it now (zero: revoked). The debt stands, unsecured.
    event CollateralLost(uint256 indexed loanId, uint256 indexed rightId, address holder);

    /// @notice A payment to `account` it refused (or shares a restricted token refused it) came into the desk: `amount`
    /// of `token` is credited to it, to `withdraw`.
    event Credited(address indexed account, address indexed token, uint256 amount);

    /// @notice `account` withdrew the `amount` of `token` credited to it.
    event Withdrawn(address indexed account, address indexed token, uint256 amount);

    /// @notice `by` recorded the office's registration of the pledge of loan `loanId`: `registration` (a CNIPA pledge
    /// registration number, a USPTO reel/frame).
    event PledgeRegistered(uint256 indexed loanId, uint256 indexed rightId, address indexed by, string registration);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Accepts a lender's signed offer: pledges the collateral and pays the principal, in one transaction.
    function accept(Terms calldata offer, bytes calldata signature) external returns (uint256 loanId);

    /// @notice Publishes a borrower's request for a lender to accept.
    function request(Terms calldata terms) external returns (bytes32 termsHash);

    /// @notice Accepts a published request as its lender: pledges the collateral and pays the principal.
    function acceptRequest(Terms calldata terms) external returns (uint256 loanId);

    /// @notice Cancels an offer (its lender) or a request (its borrower).
    function cancel(Terms calldata terms) external;

    /// @notice Voids every offer and request of the caller with a nonce below `nonce`.
    function cancelBelow(uint256 nonce) external;

    /// @notice Repays up to `amount` of loan `loanId` (interest first); anyone may pay. Paid in full, it releases the
    /// pledge.
    function repay(uint256 loanId, uint256 amount) external returns (uint256 paid);

    /// @notice The lender enforces loan `loanId` after maturity and grace: starts (or, after one ended without a
    /// bid, restarts) a Dutch auction of its collateral.
    function enforce(uint256 loanId, uint256 startPrice, uint256 floorPrice) external;

    /// @notice Buys the collateral of loan `loanId` at the auction's current price, if not above `maxPrice`.
    function bid(uint256 loanId, uint256 maxPrice) external returns (uint256 price);

    /// @notice The lender takes the collateral of loan `loanId` after an auction without a bid, where allowed.
    function foreclose(uint256 loanId) external;

    /// @notice The borrower refinances loan `loanId` with a new lender's signed offer on the same collateral.
    function refinance(uint256 loanId, Terms calldata offer, bytes calldata signature)
        external
        returns (uint256 newLoanId);

    /// @notice Records that a registrar's act took the collateral of loan `loanId`; anyone may call.
    function recordLoss(uint256 loanId) external;

    /// @notice Records the office's registration number of the pledge of loan `loanId` (lender or borrower).
    function registerPledge(uint256 loanId, string calldata registration) external;

    /// @notice Withdraws what is credited to the caller in `token` (payments it refused, shares a token refused it).
    function withdraw(address token) external returns (uint256 amount);

    /// @notice The amount of `token` credited to `account`.
    function credited(address account, address token) external view returns (uint256);

    /// @notice Loan `loanId` as stored.
    function loanOf(uint256 loanId) external view returns (Loan memory);

    /// @notice What loan `loanId` owes now: principal, interest accrued to this block, and the agreed costs once an
    /// auction has started.
    function owed(uint256 loanId) external view returns (uint256 principal, uint256 interest, uint256 costs);

    /// @notice The auction price of loan `loanId`'s collateral now.
    function currentPrice(uint256 loanId) external view returns (uint256);

    /// @notice The EIP-712 hash of `terms` in this desk's domain.
    function hashTerms(Terms calldata terms) external view returns (bytes32);
}
