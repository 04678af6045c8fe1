// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {IIPRegistry} from "../interfaces/IIPRegistry.sol";
import {ILoanDesk} from "../interfaces/ILoanDesk.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title LoanDesk
/// @notice Loans against IP rights and their shares: a right is pledged where it stands (the registry's pledge lock:
/// it stays its owner's, royalties and non-exclusive licences go on, it cannot change hands); shares are held here.
/// The principal is paid in the same transaction as the pledge, and repayment releases it; after maturity and grace
/// the lender enforces the pledge by a Dutch auction whose proceeds pay the debt and return the surplus.
/// @dev
/// - Offers are EIP-712 typed data in this desk's domain (chain id and address bound), signed by the lender (or an
///   ERC-1271 contract); each is accepted at most once (its hash is spent), voidable by `cancel` or `cancelBelow`.
///   Requests are published on chain by the borrower. Acceptance is safe to be copied or front-run: the pledgor is
///   always the caller (an offer's) or the requester, who must hold the collateral.
/// - The desk holds the registry's PLEDGE_ROLE: `setLock` pledges a right, releases it and, at a sale, delivers it.
///   A forced transfer, revocation or supersession of a pledged right ends the pledge in the registry; `recordLoss`
///   records it here ({CollateralLost}) for the lender to act on.
/// - Every event about a right is linked into the right's history (`RightHistory`), so a trusted verification
///   proves the pledges as it proves transfers.
/// - Payments move from payer to payee directly and are checked by the payee's balance difference; a fee-on-transfer,
///   false-returning or lying token reverts. A transient reentrancy guard covers every function that moves tokens.
contract LoanDesk is EIP712, ReentrancyGuardTransient, RightHistory, ILoanDesk {
    using SafeERC20 for IERC20;

    bytes32 private constant _TERMS_TYPEHASH = keccak256(
        "Terms(address lender,address borrower,address collateral,uint256 collateralId,uint256 collateralAmount,"
        "address currency,uint256 principal,uint256 interest,uint32 aprPpm,uint32 duration,uint32 gracePeriod,"
        "uint32 auctionDuration,uint256 costs,bytes32 agreementHash,bytes2 governingLaw,bool foreclosure,"
        "uint256 expiry,uint256 nonce)"
    );

    /// @dev Interest rates are parts per million per 365-day year.
    uint256 private constant _RATE_DENOMINATOR = 1_000_000 * 365 days;

    /// @dev The state of a terms hash: spent (accepted or cancelled) or published as a request.
    uint8 private constant _SPENT = 1;
    uint8 private constant _REQUESTED = 2;

    /// @notice The IP registry whose rights are pledged here.
    address public immutable registry;

    /// @notice The fraction vault whose share tokens are accepted as collateral.
    address public immutable fractionVault;

    /// @notice The number of loans opened; loan ids run from 1.
    uint256 public loanCount;

    /// @notice Offers and requests of `account` with a nonce below this are void.
    mapping(address account => uint256 nonce) public minNonce;

    /// @inheritdoc ILoanDesk
    mapping(address account => mapping(address token => uint256 amount)) public credited;

    mapping(bytes32 termsHash => uint8 status) private _terms;

    /// @dev A loan as stored, in 9 slots (8 written at opening; the auction's prices at enforcement). Amounts are
    /// below 2**128 (`_checkTerms`, `enforce`; interest is cast checked).
    struct StoredLoan {
        // slot 0
        State state;
        address lender;
        uint40 maturity;
        uint32 gracePeriod;
        // slot 1
        address borrower;
        uint32 aprPpm;
        uint40 accruedAt;
        bool foreclosure;
        bytes2 governingLaw;
        // slot 2
        address collateral;
        uint32 auctionDuration;
        uint40 startedAt;
        // slot 3
        address currency;
        uint40 auctionStart;
        // slot 4
        uint256 rightId;
        // slot 5
        uint256 collateralAmount;
        // slot 6
        uint128 principal;
        uint128 interest;
        // slot 7
        uint128 costs;
        // slot 8
        uint128 startPrice;
        uint128 floorPrice;
        // slot 9
        bytes32 agreementHash;
    }

    mapping(uint256 loanId => StoredLoan) private _loans;

    /// @dev The loan whose pledge a right is under (zero: none recorded). A right forced away and back, then pledged
    /// again, belongs to its new loan: the old one sees it lost and cannot sell it.
    mapping(uint256 rightId => uint256 loanId) private _pledgeOf;

    /// @param registry_ The IP registry (it must grant this desk PLEDGE_ROLE).
    /// @param fractionVault_ The fraction vault of the registry's share tokens.
    constructor(address registry_, address fractionVault_) EIP712("IPLedger Loans", "1") {
        registry = registry_;
        fractionVault = fractionVault_;
    }

    /*//////////////////////////////////////////////////////////////
                               OPENING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the lender's signature; the terms unspent, unexpired, at or above the lender's nonce floor;
    /// the caller is the named borrower, if any, and holds the collateral (a right: owns it, verified (not a
    /// self-declared claim), not frozen, disputed or pledged; shares: approved this desk for the amount); the lender
    /// approved this desk for the principal. Emits {LoanOpened} (and the registry's {PledgeSet} or the shares'
    /// {Transfer}).
    function accept(Terms calldata offer, bytes calldata signature) external nonReentrant returns (uint256 loanId) {
        bytes32 termsHash = hashTerms(offer);
        _checkAvailable(offer, offer.lender, termsHash, 0);
        if (offer.borrower != address(0) && offer.borrower != msg.sender) revert NotParty(msg.sender, offer.borrower);
        if (!SignatureChecker.isValidSignatureNow(offer.lender, termsHash, signature)) {
            revert InvalidSignature(termsHash);
        }
        _terms[termsHash] = _SPENT;
        loanId = _open(offer, termsHash, offer.lender, msg.sender);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the caller is the terms' borrower and holds the collateral now (checked again at
    /// acceptance); the terms are consistent and unexpired. Emits {LoanRequested}.
    function request(Terms calldata terms) external returns (bytes32 termsHash) {
        if (terms.borrower != msg.sender) revert NotParty(msg.sender, terms.borrower);
        _checkTerms(terms);
        termsHash = hashTerms(terms);
        _checkAvailable(terms, msg.sender, termsHash, 0);
        uint256 rightId = _rightOf(terms);
        if (terms.collateral == registry) _checkPledgeable(terms.collateralId, msg.sender);
        _terms[termsHash] = _REQUESTED;
        emit LoanRequested(termsHash, rightId, msg.sender, terms);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the request is published, unspent and unexpired; the caller is its named lender, if any,
    /// and approved this desk for the principal; the borrower still holds the collateral. Emits {LoanOpened}.
    function acceptRequest(Terms calldata terms) external nonReentrant returns (uint256 loanId) {
        bytes32 termsHash = hashTerms(terms);
        _checkAvailable(terms, terms.borrower, termsHash, _REQUESTED);
        if (terms.lender != address(0) && terms.lender != msg.sender) revert NotParty(msg.sender, terms.lender);
        _terms[termsHash] = _SPENT;
        loanId = _open(terms, termsHash, msg.sender, terms.borrower);
    }

    /// @inheritdoc ILoanDesk
    /// @dev An offer's lender or a request's borrower only. Emits {TermsCancelled}.
    function cancel(Terms calldata terms) external {
        address party = terms.lender;
        bytes32 termsHash = hashTerms(terms);
        uint8 status = _terms[termsHash];
        if (status == _SPENT) revert TermsNotAvailable(termsHash);
        if (status == _REQUESTED) party = terms.borrower;
        if (msg.sender != party) revert NotParty(msg.sender, party);
        _terms[termsHash] = _SPENT;
        emit TermsCancelled(termsHash, msg.sender);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Only raises the floor. Emits {NoncesCancelled}.
    function cancelBelow(uint256 nonce) external {
        if (nonce > minNonce[msg.sender]) minNonce[msg.sender] = nonce;
        emit NoncesCancelled(msg.sender, minNonce[msg.sender]);
    }

    /*//////////////////////////////////////////////////////////////
                              REPAYMENT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILoanDesk
    /// @dev Anyone may pay, from their own balance, to the lender directly. Interest is accrued to this block first
    /// and paid before principal; `amount` above what is owed pays what is owed. During an auction only a repayment
    /// in full (redemption, costs included) is taken. A payment in full needs the pledge still to be this loan's: a
    /// right a registrar's act took is `recordLoss`'s, and its release could lift another loan's pledge. A lender
    /// who refuses the payment finds it credited here (`withdraw`). Emits {LoanRepaid}, and {PledgeReleased} when
    /// paid in full.
    function repay(uint256 loanId, uint256 amount) external nonReentrant returns (uint256 paid) {
        if (amount == 0) revert ZeroRepayment();
        StoredLoan storage loan = _loan(loanId);
        State state = loan.state;
        if (state != State.Active && state != State.Auction) revert WrongState(loanId, state);
        _accrue(loan);
        uint256 costs = state == State.Auction ? loan.costs : 0;
        uint256 debt = loan.principal + loan.interest + costs;
        paid = amount < debt ? amount : debt;
        if (state == State.Auction && paid != debt) revert WrongState(loanId, state);
        uint256 interestPaid = Math.min(paid - costs, loan.interest);
        _recordRepayment(loanId, loan, msg.sender, interestPaid, paid - costs - interestPaid, debt - paid);
        if (paid == debt) {
            _checkHeld(loanId, loan);
            loan.state = State.Repaid;
            _release(loanId, loan);
        }
        _payOrCredit(IERC20(loan.currency), msg.sender, loan.lender, paid);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the borrower calls; the loan is active or at auction; the offer is the new lender's,
    /// unspent and unexpired, names this borrower or none, and pledges the same collateral. The new lender pays the
    /// old lender what is owed (up to the new principal) and the borrower the rest; a new principal below the debt
    /// leaves the borrower to pay the difference. The pledge never lapses. Emits {LoanRepaid}, {LoanRefinanced} and
    /// {LoanOpened}.
    function refinance(uint256 loanId, Terms calldata offer, bytes calldata signature)
        external
        nonReentrant
        returns (uint256 newLoanId)
    {
        StoredLoan storage old = _loan(loanId);
        bytes32 termsHash = _checkRefinancing(loanId, old, offer, signature);
        _terms[termsHash] = _SPENT;
        _accrue(old);
        uint256 debt = old.principal + old.interest + (old.state == State.Auction ? old.costs : 0);
        uint256 rightId = old.rightId;
        _recordRepayment(loanId, old, offer.lender, old.interest, old.principal, 0);
        old.state = State.Refinanced;
        newLoanId = _store(offer, termsHash, offer.lender, msg.sender, rightId);
        if (offer.collateral == registry) _pledgeOf[rightId] = newLoanId;
        emit LoanRefinanced(loanId, rightId, newLoanId, offer.lender);
        _link(rightId, LoanRefinanced.selector, loanId, newLoanId, abi.encode(offer.lender));
        _payRefinancing(IERC20(offer.currency), offer.lender, old.lender, offer.principal, debt);
    }

    /*//////////////////////////////////////////////////////////////
                             ENFORCEMENT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the lender calls; the loan is active past maturity plus grace, or at an auction that ended
    /// without a bid; the collateral is still pledged here and not frozen (an open dispute does not stop a sale: the
    /// buyer takes the right with its dispute lock); `startPrice` not below the debt (principal, interest and costs:
    /// a sale must be able to pay it) nor `floorPrice`, and below 2**128.
    /// Interest keeps accruing until the sale. Emits {AuctionStarted}.
    function enforce(uint256 loanId, uint256 startPrice, uint256 floorPrice) external {
        StoredLoan storage loan = _loan(loanId);
        if (msg.sender != loan.lender) revert NotLender(loanId, loan.lender);
        State state = loan.state;
        if (state == State.Active) {
            uint256 enforceableAt = uint256(loan.maturity) + loan.gracePeriod;
            if (block.timestamp < enforceableAt) revert NotYetEnforceable(loanId, enforceableAt);
        } else if (state == State.Auction) {
            uint256 endsAt = uint256(loan.auctionStart) + loan.auctionDuration;
            if (block.timestamp < endsAt) revert AuctionRunning(loanId, endsAt);
        } else {
            revert WrongState(loanId, state);
        }
        (uint256 principal, uint256 interest) = _owedNow(loan);
        uint256 debt = principal + interest + loan.costs;
        if (startPrice < debt || startPrice < floorPrice || startPrice > type(uint128).max) {
            revert InvalidAuction(startPrice, floorPrice);
        }
        _checkSaleable(loanId, loan);
        loan.state = State.Auction;
        // Cannot truncate: floorPrice <= startPrice < 2**128.
        loan.startPrice = uint128(startPrice);
        loan.floorPrice = uint128(floorPrice);
        loan.auctionStart = uint40(block.timestamp);
        uint256 endsAt_ = block.timestamp + loan.auctionDuration;
        uint256 rightId = loan.rightId;
        emit AuctionStarted(loanId, rightId, startPrice, floorPrice, endsAt_, debt);
        _link(rightId, AuctionStarted.selector, loanId, 0, abi.encode(startPrice, floorPrice, endsAt_, debt));
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the loan is at auction; the price now is within `maxPrice`; the collateral is still pledged
    /// here and not frozen (a disputed right is sold with its dispute lock); the caller may receive it (a restricted
    /// share token's rules). The caller pays the lender the debt (principal, interest to this block, costs) or the
    /// whole price if less, and the borrower any surplus. Emits {CollateralSold} (and the registry's {PledgeSet} and
    /// {Transfer}).
    function bid(uint256 loanId, uint256 maxPrice) external nonReentrant returns (uint256 price) {
        StoredLoan storage loan = _loan(loanId);
        if (loan.state != State.Auction) revert WrongState(loanId, loan.state);
        price = _price(loan);
        if (price > maxPrice) revert PriceAboveLimit(price, maxPrice);
        _checkSaleable(loanId, loan);
        _accrue(loan);
        uint256 debt = loan.principal + loan.interest + loan.costs;
        uint256 toLender = price < debt ? price : debt;
        uint256 toBorrower = price - toLender;
        loan.state = State.Sold;
        uint256 rightId = loan.rightId;
        emit CollateralSold(loanId, rightId, msg.sender, price, toLender, toBorrower, debt - toLender);
        _link(
            rightId,
            CollateralSold.selector,
            loanId,
            uint256(uint160(msg.sender)),
            abi.encode(price, toLender, toBorrower, debt - toLender)
        );
        _deliver(loanId, loan, msg.sender);
        IERC20 currency = IERC20(loan.currency);
        _payOrCredit(currency, msg.sender, loan.lender, toLender);
        _payOrCredit(currency, msg.sender, loan.borrower, toBorrower);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the lender calls; the terms allow foreclosure; an auction ended without a bid; the
    /// collateral is still pledged here and not frozen. Emits {Foreclosed}.
    function foreclose(uint256 loanId) external nonReentrant {
        StoredLoan storage loan = _loan(loanId);
        if (msg.sender != loan.lender) revert NotLender(loanId, loan.lender);
        if (loan.state != State.Auction) revert WrongState(loanId, loan.state);
        if (!loan.foreclosure) revert ForeclosureNotAllowed(loanId);
        uint256 endsAt = uint256(loan.auctionStart) + loan.auctionDuration;
        if (block.timestamp < endsAt) revert AuctionRunning(loanId, endsAt);
        _checkSaleable(loanId, loan);
        loan.state = State.Foreclosed;
        uint256 rightId = loan.rightId;
        emit Foreclosed(loanId, rightId, msg.sender);
        _link(rightId, Foreclosed.selector, loanId, uint256(uint160(msg.sender)), "");
        _deliver(loanId, loan, msg.sender);
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the loan is active or at auction and its right is no longer pledged to it (forced away,
    /// revoked, superseded). Shares held here cannot leave but by this desk. Emits {CollateralLost}.
    function recordLoss(uint256 loanId) external {
        StoredLoan storage loan = _loan(loanId);
        State state = loan.state;
        if (state != State.Active && state != State.Auction) revert WrongState(loanId, state);
        (bool held, address holder) = _pledgedHere(loanId, loan);
        if (held) revert CollateralHeld(loanId);
        loan.state = State.Lost;
        uint256 rightId = loan.rightId;
        emit CollateralLost(loanId, rightId, holder);
        _link(rightId, CollateralLost.selector, loanId, 0, abi.encode(holder));
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: the lender or the borrower calls; a non-empty number. Any state: the registration may be
    /// recorded late. Emits {PledgeRegistered}.
    function registerPledge(uint256 loanId, string calldata registration) external {
        StoredLoan storage loan = _loan(loanId);
        if (msg.sender != loan.lender && msg.sender != loan.borrower) revert NotLoanParty(loanId, msg.sender);
        if (bytes(registration).length == 0) revert EmptyRegistration();
        uint256 rightId = loan.rightId;
        emit PledgeRegistered(loanId, rightId, msg.sender, registration);
        _link(rightId, PledgeRegistered.selector, loanId, uint256(uint160(msg.sender)), abi.encode(registration));
    }

    /// @inheritdoc ILoanDesk
    /// @dev Requirements: something credited. Emits {Withdrawn}.
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = credited[msg.sender][token];
        if (amount == 0) revert NothingToWithdraw(msg.sender, token);
        credited[msg.sender][token] = 0;
        emit Withdrawn(msg.sender, token, amount);
        IERC20(token).safeTransfer(msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILoanDesk
    function loanOf(uint256 loanId) external view returns (Loan memory loan) {
        StoredLoan storage stored = _loan(loanId);
        loan.state = stored.state;
        loan.lender = stored.lender;
        loan.borrower = stored.borrower;
        loan.collateral = stored.collateral;
        loan.collateralId = stored.collateral == registry ? stored.rightId : 0;
        loan.collateralAmount = stored.collateralAmount;
        loan.rightId = stored.rightId;
        loan.currency = stored.currency;
        loan.principal = stored.principal;
        loan.interest = stored.interest;
        loan.aprPpm = stored.aprPpm;
        loan.startedAt = stored.startedAt;
        loan.accruedAt = stored.accruedAt;
        loan.maturity = stored.maturity;
        loan.gracePeriod = stored.gracePeriod;
        loan.auctionDuration = stored.auctionDuration;
        loan.foreclosure = stored.foreclosure;
        loan.governingLaw = stored.governingLaw;
        loan.costs = stored.costs;
        loan.agreementHash = stored.agreementHash;
        loan.startPrice = stored.startPrice;
        loan.floorPrice = stored.floorPrice;
        loan.auctionStart = stored.auctionStart;
    }

    /// @inheritdoc ILoanDesk
    function owed(uint256 loanId) external view returns (uint256 principal, uint256 interest, uint256 costs) {
        StoredLoan storage loan = _loan(loanId);
        State state = loan.state;
        if (state != State.Active && state != State.Auction) return (loan.principal, loan.interest, 0);
        (principal, interest) = _owedNow(loan);
        costs = state == State.Auction ? loan.costs : 0;
    }

    /// @inheritdoc ILoanDesk
    function currentPrice(uint256 loanId) external view returns (uint256) {
        StoredLoan storage loan = _loan(loanId);
        if (loan.state != State.Auction) revert WrongState(loanId, loan.state);
        return _price(loan);
    }

    /// @inheritdoc ILoanDesk
    function hashTerms(Terms calldata terms) public view returns (bytes32) {
        bytes memory head = abi.encode(
            _TERMS_TYPEHASH,
            terms.lender,
            terms.borrower,
            terms.collateral,
            terms.collateralId,
            terms.collateralAmount,
            terms.currency,
            terms.principal,
            terms.interest,
            terms.aprPpm
        );
        bytes memory tail = abi.encode(
            terms.duration,
            terms.gracePeriod,
            terms.auctionDuration,
            terms.costs,
            terms.agreementHash,
            terms.governingLaw,
            terms.foreclosure,
            terms.expiry,
            terms.nonce
        );
        return _hashTypedDataV4(keccak256(bytes.concat(head, tail)));
    }

    /// @notice The EIP-712 domain separator of this desk.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /*//////////////////////////////////////////////////////////////
                               PRIVATE
    //////////////////////////////////////////////////////////////*/

    /// @dev Opens a loan on checked terms: stores it, pledges the collateral, pays the principal.
    function _open(Terms calldata terms, bytes32 termsHash, address lender, address borrower)
        private
        returns (uint256 loanId)
    {
        _checkTerms(terms);
        uint256 rightId = _rightOf(terms);
        bool isRight = terms.collateral == registry;
        if (isRight) _checkPledgeable(rightId, borrower);
        loanId = _store(terms, termsHash, lender, borrower, rightId);
        if (isRight) {
            _pledgeOf[rightId] = loanId;
            IIPRegistry(registry).setLock(rightId, true, address(0), bytes32(loanId));
        } else {
            _receive(IERC20(terms.collateral), borrower, terms.collateralAmount);
        }
        _pay(IERC20(terms.currency), lender, borrower, terms.principal);
    }

    /// @dev Writes a new loan and emits {LoanOpened}, linked into the right's history.
    function _store(Terms calldata terms, bytes32 termsHash, address lender, address borrower, uint256 rightId)
        private
        returns (uint256 loanId)
    {
        loanId = ++loanCount;
        StoredLoan storage loan = _loans[loanId];
        loan.state = State.Active;
        loan.lender = lender;
        loan.borrower = borrower;
        loan.collateral = terms.collateral;
        loan.collateralAmount = terms.collateralAmount;
        loan.rightId = rightId;
        loan.currency = terms.currency;
        // Cannot truncate: `_checkTerms` bounds the amounts below 2**128.
        loan.principal = uint128(terms.principal);
        loan.interest = uint128(terms.interest);
        loan.aprPpm = terms.aprPpm;
        loan.startedAt = uint40(block.timestamp);
        loan.accruedAt = uint40(block.timestamp);
        loan.maturity = uint40(block.timestamp + terms.duration);
        loan.gracePeriod = terms.gracePeriod;
        loan.auctionDuration = terms.auctionDuration;
        loan.foreclosure = terms.foreclosure;
        loan.governingLaw = terms.governingLaw;
        loan.costs = uint128(terms.costs);
        loan.agreementHash = terms.agreementHash;
        _emitOpened(
            loanId,
            rightId,
            lender,
            bytes.concat(
                abi.encode(borrower, terms.collateral, terms.collateralAmount, terms.currency),
                abi.encode(terms.principal, loan.maturity, terms.agreementHash, termsHash)
            )
        );
    }

    /// @dev Emits {LoanOpened} with its non-indexed arguments `data` already encoded, and links it.
    function _emitOpened(uint256 loanId, uint256 rightId, address lender, bytes memory data) private {
        bytes32 topic0 = LoanOpened.selector;
        assembly ("memory-safe") {
            // emit LoanOpened(loanId, rightId, lender, borrower, collateral, collateralAmount, currency, principal,
            //     maturity, agreementHash, termsHash)
            log4(add(data, 0x20), mload(data), topic0, loanId, rightId, lender)
        }
        _link(rightId, topic0, loanId, uint256(uint160(lender)), data);
    }

    /// @dev Terms any loan needs: money (each amount below 2**128, together below 2**127, so the debt and its
    /// interest fit), time, a collateral of one kind, a country code for the law, and no forfeiture under PRC law.
    function _checkTerms(Terms calldata terms) private view {
        bool isRight = terms.collateral == registry;
        bytes2 law = terms.governingLaw;
        if (
            terms.principal == 0 || (terms.principal | terms.interest | terms.costs) > type(uint128).max
                || terms.principal + terms.interest + terms.costs >= 2 ** 127 || !_isCountryCode(law)
                || terms.duration == 0 || terms.auctionDuration == 0 || terms.currency == address(0)
                || (isRight ? terms.collateralAmount != 0 : terms.collateralAmount == 0)
                || (terms.foreclosure && terms.governingLaw == "CN")
        ) revert InvalidTerms();
    }

    /// @dev Two upper-case ASCII letters, as ISO 3166 writes a country ("cn" would slip past the "CN" rule).
    function _isCountryCode(bytes2 code) private pure returns (bool) {
        return code[0] >= "A" && code[0] <= "Z" && code[1] >= "A" && code[1] <= "Z";
    }

    /// @dev Terms `party` may still act on: unexpired, at or above the nonce floor, in the `wanted` status.
    function _checkAvailable(Terms calldata terms, address party, bytes32 termsHash, uint8 wanted) private view {
        if (block.timestamp > terms.expiry) revert TermsExpired(termsHash, terms.expiry);
        if (_terms[termsHash] != wanted || terms.nonce < minNonce[party]) revert TermsNotAvailable(termsHash);
    }

    /// @dev The right of the terms' collateral: the right itself, or the right a genuine share token stands for.
    function _rightOf(Terms calldata terms) private view returns (uint256) {
        if (terms.collateral == registry) return terms.collateralId;
        if (terms.collateralId != 0) revert UnknownCollateral(terms.collateral);
        uint256 rightId;
        try IShareToken(terms.collateral).tokenId() returns (uint256 id) {
            rightId = id;
        } catch {
            revert UnknownCollateral(terms.collateral);
        }
        if (IFractionVault(fractionVault).shareTokenOf(rightId) != terms.collateral) {
            revert UnknownCollateral(terms.collateral);
        }
        return rightId;
    }

    /// @dev `borrower` holds the right, which is neither frozen, disputed, self-declared (an earlier-committed claim
    /// could supersede it and strip the pledge) nor pledged.
    function _checkPledgeable(uint256 tokenId, address borrower) private view {
        IIPRegistry.Record memory record = IIPRegistry(registry).recordOf(tokenId);
        if (record.owner != borrower) revert NotCollateralHolder(borrower, tokenId);
        if (record.status == IIPRegistry.Status.Frozen) revert CollateralFrozen(tokenId);
        if (record.disputeLocked) revert CollateralDisputed(tokenId);
        if (record.selfDeclared) revert CollateralUnverified(tokenId);
        if (record.pledged) revert IIPRegistry.RightPledged(tokenId);
    }

    /// @dev The collateral can be sold or taken: still pledged here, not frozen. An open dispute does not stop a sale
    /// (a borrower could otherwise dispute its own right forever): the buyer takes the right subject to the dispute,
    /// and an arbitrator who must stop the sale has the registrar freeze the right.
    function _checkSaleable(uint256 loanId, StoredLoan storage loan) private view {
        uint256 rightId = loan.rightId;
        if (loan.collateral == registry) {
            _checkHeld(loanId, loan);
            IIPRegistry.Record memory record = IIPRegistry(registry).recordOf(rightId);
            if (record.status == IIPRegistry.Status.Frozen) revert CollateralFrozen(rightId);
        } else if (IShareToken(loan.collateral).frozenOf(address(this)) != 0) {
            revert CollateralFrozen(rightId);
        }
    }

    /// @dev The collateral of loan `loanId` is still pledged here, else the loan is as good as lost (`recordLoss`).
    function _checkHeld(uint256 loanId, StoredLoan storage loan) private view {
        (bool held,) = _pledgedHere(loanId, loan);
        if (!held) revert WrongState(loanId, State.Lost);
    }

    /// @dev Whether the loan's right is still its borrower's and pledged to this loan (shares: always, they are held
    /// here), and who holds the right otherwise (zero: revoked).
    function _pledgedHere(uint256 loanId, StoredLoan storage loan) private view returns (bool held, address holder) {
        if (loan.collateral != registry) return (true, address(this));
        uint256 rightId = loan.rightId;
        // `recordOf` reverts only for a right that does not exist: here, one the registry revoked.
        try IIPRegistry(registry).recordOf(rightId) returns (IIPRegistry.Record memory record) {
            return (record.pledged && record.owner == loan.borrower && _pledgeOf[rightId] == loanId, record.owner);
        } catch {
            return (false, address(0));
        }
    }

    /// @dev The checks of `refinance`: the caller is the borrower of an active loan (or one at auction) whose
    /// collateral is still pledged to it, neither frozen nor disputed; the offer is the lender's, available, for this
    /// borrower or any, consistent, in the same currency and on the same collateral. Returns the offer's hash.
    function _checkRefinancing(uint256 loanId, StoredLoan storage old, Terms calldata offer, bytes calldata signature)
        private
        view
        returns (bytes32 termsHash)
    {
        State state = old.state;
        if (state != State.Active && state != State.Auction) revert WrongState(loanId, state);
        if (msg.sender != old.borrower) revert NotParty(msg.sender, old.borrower);
        if (
            offer.collateral != old.collateral || offer.collateralId != (old.collateral == registry ? old.rightId : 0)
                || offer.collateralAmount != old.collateralAmount || offer.currency != old.currency
        ) revert CollateralMismatch(loanId);
        termsHash = hashTerms(offer);
        _checkAvailable(offer, offer.lender, termsHash, 0);
        if (offer.borrower != address(0) && offer.borrower != msg.sender) revert NotParty(msg.sender, offer.borrower);
        if (!SignatureChecker.isValidSignatureNow(offer.lender, termsHash, signature)) {
            revert InvalidSignature(termsHash);
        }
        _checkTerms(offer);
        _checkHeld(loanId, old);
        if (old.collateral == registry) {
            IIPRegistry.Record memory record = IIPRegistry(registry).recordOf(old.rightId);
            if (record.status == IIPRegistry.Status.Frozen) revert CollateralFrozen(old.rightId);
            if (record.disputeLocked) revert CollateralDisputed(old.rightId);
        }
    }

    /// @dev The money of a refinancing: the new lender pays the old lender the `debt` (up to the new `principal`) and
    /// the borrower (the caller) the rest; a principal below the debt leaves the borrower to pay the difference.
    function _payRefinancing(IERC20 currency, address newLender, address oldLender, uint256 principal, uint256 debt)
        private
    {
        if (principal >= debt) {
            _payOrCredit(currency, newLender, oldLender, debt);
            _pay(currency, newLender, msg.sender, principal - debt);
        } else {
            _payOrCredit(currency, newLender, oldLender, principal);
            _payOrCredit(currency, msg.sender, oldLender, debt - principal);
        }
    }

    /// @dev Takes `interestPaid` and `principalPaid` off the loan; emits {LoanRepaid}, linked into the history.
    function _recordRepayment(
        uint256 loanId,
        StoredLoan storage loan,
        address payer,
        uint256 interestPaid,
        uint256 principalPaid,
        uint256 remaining
    ) private {
        // Cannot truncate: the amounts paid are at most what is owed, which is stored in 128 bits.
        loan.interest -= uint128(interestPaid);
        loan.principal -= uint128(principalPaid);
        uint256 rightId = loan.rightId;
        emit LoanRepaid(loanId, rightId, payer, interestPaid, principalPaid, remaining);
        _link(
            rightId,
            LoanRepaid.selector,
            loanId,
            uint256(uint160(payer)),
            abi.encode(interestPaid, principalPaid, remaining)
        );
    }

    /// @dev Releases the collateral of a repaid loan to its borrower. Emits {PledgeReleased}.
    function _release(uint256 loanId, StoredLoan storage loan) private {
        uint256 rightId = loan.rightId;
        address borrower = loan.borrower;
        emit PledgeReleased(loanId, rightId, borrower);
        _link(rightId, PledgeReleased.selector, loanId, uint256(uint160(borrower)), "");
        if (loan.collateral == registry) {
            delete _pledgeOf[rightId];
            IIPRegistry(registry).setLock(rightId, false, address(0), bytes32(loanId));
        } else {
            // A restricted token may refuse the borrower now (a lapsed identity, a holder cap): the shares wait here.
            IERC20 shares = IERC20(loan.collateral);
            uint256 amount = loan.collateralAmount;
            if (!shares.trySafeTransfer(borrower, amount)) _credit(borrower, shares, amount);
        }
    }

    /// @dev Delivers the collateral to `to` (a buyer, or the lender at foreclosure).
    function _deliver(uint256 loanId, StoredLoan storage loan, address to) private {
        if (loan.collateral == registry) {
            delete _pledgeOf[loan.rightId];
            IIPRegistry(registry).setLock(loan.rightId, false, to, bytes32(loanId));
        } else {
            uint256 amount = loan.collateralAmount;
            if (!IERC7943Fungible(loan.collateral).canTransfer(address(this), to, amount)) revert BuyerNotEligible(to);
            IERC20(loan.collateral).safeTransfer(to, amount);
        }
    }

    /// @dev Principal and interest owed now (interest accrued to this block, not written).
    function _owedNow(StoredLoan storage loan) private view returns (uint256 principal, uint256 interest) {
        principal = loan.principal;
        interest = loan.interest + _accrual(loan, principal);
    }

    /// @dev Writes the interest accrued since the last accrual.
    function _accrue(StoredLoan storage loan) private {
        uint256 accrual = _accrual(loan, loan.principal);
        if (accrual != 0) loan.interest = SafeCast.toUint128(loan.interest + accrual);
        loan.accruedAt = uint40(block.timestamp);
    }

    /// @dev Simple interest on `principal` since the last accrual, rounded up to the wei.
    function _accrual(StoredLoan storage loan, uint256 principal) private view returns (uint256) {
        uint256 rate = loan.aprPpm;
        if (rate == 0 || principal == 0) return 0;
        return Math.mulDiv(principal, rate * (block.timestamp - loan.accruedAt), _RATE_DENOMINATOR, Math.Rounding.Ceil);
    }

    /// @dev The Dutch auction's price now: from the start price down to the floor, linearly, then the floor.
    function _price(StoredLoan storage loan) private view returns (uint256) {
        uint256 elapsed = block.timestamp - loan.auctionStart;
        uint256 duration = loan.auctionDuration;
        uint256 floor = loan.floorPrice;
        if (elapsed >= duration) return floor;
        uint256 start = loan.startPrice;
        return start - Math.mulDiv(start - floor, elapsed, duration);
    }

    function _loan(uint256 loanId) private view returns (StoredLoan storage loan) {
        loan = _loans[loanId];
        if (loan.state == State.None) revert UnknownLoan(loanId);
    }

    /// @dev Takes `amount` shares from `from` into this desk, checked by the balance difference.
    function _receive(IERC20 token, address from, uint256 amount) private {
        uint256 before = token.balanceOf(address(this));
        // slither-disable-next-line arbitrary-send-erc20
        token.safeTransferFrom(from, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - before;
        if (received != amount) revert PaymentShortfall(amount, received);
    }

    /// @dev Moves `amount` of `token` from `payer` to `payee` and checks that the payee received all of it (nothing to
    /// move when they are one account or the amount is zero).
    function _pay(IERC20 token, address payer, address payee, uint256 amount) private {
        if (payer == payee || amount == 0) return;
        uint256 before = token.balanceOf(payee);
        // slither-disable-next-line arbitrary-send-erc20
        token.safeTransferFrom(payer, payee, amount);
        uint256 received = token.balanceOf(payee) - before;
        if (received != amount) revert PaymentShortfall(amount, received);
    }

    /// @dev Pays `payee` like `_pay`; a payee that refuses the payment (a hook that reverts, a blocklist) cannot block
    /// the loan: the amount comes into this desk instead, balance-checked, credited to the payee to `withdraw`.
    function _payOrCredit(IERC20 token, address payer, address payee, uint256 amount) private {
        if (payer == payee || amount == 0) return;
        uint256 before = token.balanceOf(payee);
        if (token.trySafeTransferFrom(payer, payee, amount)) {
            uint256 received = token.balanceOf(payee) - before;
            if (received != amount) revert PaymentShortfall(amount, received);
            return;
        }
        _pay(token, payer, address(this), amount);
        _credit(payee, token, amount);
    }

    /// @dev Credits `amount` of `token`, held here, to `account`. Emits {Credited}.
    function _credit(address account, IERC20 token, uint256 amount) private {
        credited[account][address(token)] += amount;
        emit Credited(account, address(token), amount);
    }

    /// @dev Links an event of this desk about `rightId` into its history: topics (selector, loan id, the right, and
    /// a third indexed argument `third`, when the event has one: `hasThird`) and data.
    function _link(uint256 rightId, bytes32 selector, uint256 loanId, uint256 third, bytes memory data) private {
        bytes32 dataHash = keccak256(data);
        bytes32 digest = _hasThirdTopic(selector)
            ? keccak256(abi.encode(selector, loanId, rightId, third, dataHash))
            : keccak256(abi.encode(selector, loanId, rightId, dataHash));
        _linkEvent(rightId, digest);
    }

    /// @dev Whether the event `selector` has a third indexed argument.
    function _hasThirdTopic(bytes32 selector) private pure returns (bool) {
        return selector != AuctionStarted.selector && selector != CollateralLost.selector;
    }
}
