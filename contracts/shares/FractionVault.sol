// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {FixedPointMathLib} from "solady/src/utils/FixedPointMathLib.sol";
import {IBuyout} from "../interfaces/IBuyout.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {IIPRegistry} from "../interfaces/IIPRegistry.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {ShareToken} from "./ShareToken.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title FractionVault
/// @notice Holds fractionalized IP tokens: locks a right and issues a fixed supply of ERC-20 shares for it, each
/// share token an EIP-1167 clone of one ShareToken implementation; returns the right to whoever holds all shares,
/// or to a bidder whose buyout enough holders accepted ({IBuyout}, docs/buyout.md).
/// @dev
/// - A right held by the vault is in custody, not lost: `shareTokenOf(tokenId)` names its shares.
/// - The registry's rules still bind the locked right: a registrar may freeze or force-transfer it.
/// - No callbacks: the right moves with `transferFrom` (in) and `transferFrom` (out), after all state changes.
/// - Royalties of a right in the vault go to its share holders: the royalty vault named here is the only address
///   every share token accepts distributions from (zero: this deployment pays no royalties to shares).
/// - Buyouts live here, not in a separate desk, so that nothing new is trusted: the vault already holds the right
///   and is the only account allowed to burn its shares. Tendered shares wait in the vault (a restricted share token
///   must accept the vault as a holder: register it as a venue wallet); deposits wait here too, per buyout. Every
///   payment out is pulled by its payee (`claimBuyout`, `redeemForCash`, `cancelBuyout`), and the buyout functions
///   share one transient reentrancy guard.
/// - A buyout's price is per whole share; the deposit and every payment out are rounded down, so the payments never
///   exceed the deposit and at most one payment-token base unit per payment stays in the vault as dust.
contract FractionVault is RightHistory, ReentrancyGuardTransient, IFractionVault, IBuyout {
    using SafeERC20 for IERC20;

    /// @notice The buyout threshold of shares issued without one: two thirds of the supply, in basis points.
    uint16 public constant DEFAULT_BUYOUT_THRESHOLD = 6667;

    /// @notice The shortest and the longest tender window of a buyout.
    uint256 public constant MIN_BUYOUT_WINDOW = 1 days;
    uint256 public constant MAX_BUYOUT_WINDOW = 90 days;

    uint16 private constant _MIN_THRESHOLD = 5001;
    uint16 private constant _MAX_THRESHOLD = 10_000;

    /// @notice The registry whose tokens this vault holds.
    address public immutable registry;

    /// @notice The compliance registry every share token consults in restricted mode.
    address public immutable compliance;

    /// @notice The royalty vault that distributes royalties to the share tokens (zero: none).
    address public immutable royaltyVault;

    /// @notice The ShareToken implementation every share token clones.
    address public immutable shareImplementation;

    mapping(uint256 tokenId => address shareToken) private _shareTokens;

    /// @dev A buyout; slot 0: bidder [0..159], endsAt [160..199], threshold [200..215], state, reason and the
    /// refund flag one byte each; slots 1 to 3: payment token, share token, right; slot 4: supply [0..127] and
    /// deposit [128..255], the two every payment reads; slot 5: tendered [0..127] and the price per whole share
    /// [128..255]. The supply and what is tendered are below 2**128 (the share supply bound), price and deposit too
    /// (`startBuyout` refuses more): a product of two of these amounts always fits in 256 bits.
    struct Buyout {
        address bidder;
        uint40 endsAt;
        uint16 threshold;
        BuyoutState state;
        FailureReason reason;
        bool depositRefunded;
        address paymentToken;
        address shareToken;
        uint256 tokenId;
        uint128 supply;
        uint128 deposit;
        uint128 tendered;
        uint128 pricePerShare;
    }

    /// @dev The buyout threshold of a share token issued with one (zero: `DEFAULT_BUYOUT_THRESHOLD`).
    mapping(address shareToken => uint16 threshold) private _thresholds;

    mapping(uint256 buyoutId => Buyout) private _buyouts;
    mapping(uint256 tokenId => uint256 buyoutId) private _latestBuyouts;
    mapping(uint256 buyoutId => mapping(address holder => uint256 amount)) private _tendered;
    uint256 private _buyoutCount;

    /// @param registry_ The IP registry.
    /// @param compliance_ The compliance registry.
    /// @param royaltyVault_ The royalty vault (zero: no royalties); every share token's implementation stores it.
    constructor(address registry_, address compliance_, address royaltyVault_) {
        registry = registry_;
        compliance = compliance_;
        royaltyVault = royaltyVault_;
        shareImplementation = address(new ShareToken(royaltyVault_));
    }

    /// @inheritdoc IFractionVault
    /// @dev Requirements: the caller owns `tokenId` and approved this vault for it; `supply` is positive and below
    /// 2**128 (the bound of exact royalty accounting). The shares' buyout threshold is `DEFAULT_BUYOUT_THRESHOLD`.
    /// Emits {Fractionalized} (and the registry's {Transfer}, the share token's {Transfer}).
    function fractionalize(
        uint256 tokenId,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        uint256 supply,
        bool restricted
    ) public returns (address shareToken) {
        if (supply == 0) revert ZeroSupply();
        if (IERC721(registry).ownerOf(tokenId) != msg.sender) revert NotTokenOwner(msg.sender, tokenId);
        _recordLostCustody(tokenId);
        shareToken = Clones.clone(shareImplementation);
        _shareTokens[tokenId] = shareToken;
        IShareToken(shareToken).initialize(name, symbol, decimals, tokenId, restricted, msg.sender, supply);
        emit Fractionalized(tokenId, shareToken, msg.sender, supply, decimals, restricted, name, symbol);
        _linkFractionalized(tokenId, shareToken, keccak256(abi.encode(supply, decimals, restricted, name, symbol)));
        IERC721(registry).transferFrom(msg.sender, address(this), tokenId);
    }

    /// @inheritdoc IFractionVault
    /// @dev As the six-argument `fractionalize`, with the shares' buyout threshold: 0 (the default,
    /// `DEFAULT_BUYOUT_THRESHOLD`) or 5001 to 10000 basis points ({InvalidBuyoutThreshold}).
    /// Emits {Fractionalized} and the transfers, then {BuyoutThresholdSet} when `buyoutThreshold` is not zero (the
    /// registry's move into the vault calls nothing back, so recording the threshold after it is safe).
    function fractionalize(
        uint256 tokenId,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        uint256 supply,
        bool restricted,
        uint16 buyoutThreshold
    ) external returns (address shareToken) {
        if (buyoutThreshold != 0 && (buyoutThreshold < _MIN_THRESHOLD || buyoutThreshold > _MAX_THRESHOLD)) {
            revert InvalidBuyoutThreshold(buyoutThreshold);
        }
        shareToken = fractionalize(tokenId, name, symbol, decimals, supply, restricted);
        if (buyoutThreshold != 0) {
            _thresholds[shareToken] = buyoutThreshold;
            emit BuyoutThresholdSet(tokenId, shareToken, buyoutThreshold);
            _linkEvent(
                tokenId,
                keccak256(
                    abi.encode(
                        BuyoutThresholdSet.selector, tokenId, shareToken, keccak256(abi.encode(buyoutThreshold))
                    )
                )
            );
        }
    }

    /// @inheritdoc IFractionVault
    /// @dev Requirements: the caller holds the whole supply, none of it frozen. Emits {Redeemed}.
    function redeem(uint256 tokenId) external {
        address shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) revert NotFractionalized(tokenId);
        uint256 supply = ShareToken(shareToken).totalSupply();
        uint256 balance = ShareToken(shareToken).balanceOf(msg.sender);
        if (balance != supply) revert IncompleteOwnership(msg.sender, balance, supply);
        delete _shareTokens[tokenId];
        IShareToken(shareToken).burnFrom(msg.sender, supply);
        emit Redeemed(tokenId, shareToken, msg.sender, supply);
        _linkEvent(
            tokenId, keccak256(abi.encode(Redeemed.selector, tokenId, shareToken, msg.sender, keccak256(abi.encode(supply))))
        );
        IERC721(registry).transferFrom(address(this), msg.sender, tokenId);
    }

    /// @inheritdoc IFractionVault
    /// @dev A revoked (burnt) right counts as lost custody, with no holder. Emits {CustodyLost} (holder zero for a
    /// burnt right).
    function syncCustody(uint256 tokenId) external {
        address shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) revert NotFractionalized(tokenId);
        // `ownerOf` reverts only for a token that does not exist: here, a right the registry revoked (no holder).
        address holder = address(0);
        try IERC721(registry).ownerOf(tokenId) returns (address owner) {
            holder = owner;
        } catch {}
        if (holder == address(this)) revert CustodyHeld(tokenId);
        delete _shareTokens[tokenId];
        emit CustodyLost(tokenId, shareToken, holder);
        _linkEvent(tokenId, keccak256(abi.encode(CustodyLost.selector, tokenId, shareToken, holder, _EMPTY_DATA_HASH)));
    }

    /*//////////////////////////////////////////////////////////////
                                 BUYOUT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IBuyout
    /// @dev Requirements: the vault holds `tokenId` ({NotFractionalized}), neither frozen nor dispute-locked
    /// ({RightNotTransferable}), with no open buyout ({BuyoutInProgress}); the caller may receive the shares (on a
    /// restricted token: an eligible investor or venue passing the token's rules, {BidderNotEligible});
    /// `duration` from MIN_BUYOUT_WINDOW to MAX_BUYOUT_WINDOW; `pricePerShare` (per whole share: 10**decimals base
    /// units of the share token) below 2**128 and the deposit, `supply * pricePerShare / 10**decimals` rounded down,
    /// 1 to 2**128 - 1 ({InvalidBuyoutPrice}); `paymentToken` neither zero nor the share token; the vault's balance
    /// of `paymentToken` grows by exactly the deposit ({DepositShortfall}: fee-on-transfer and lying tokens are
    /// refused). The threshold is the share token's, fixed at fractionalization.
    /// Emits {BuyoutStarted} (and the payment token's {Transfer}).
    function startBuyout(uint256 tokenId, address paymentToken, uint256 pricePerShare, uint256 duration)
        external
        nonReentrant
        returns (uint256 buyoutId)
    {
        (address shareToken, uint256 supply) = _checkBuyoutStart(tokenId, paymentToken, duration);
        uint256 deposit = _depositOf(shareToken, supply, pricePerShare);
        uint16 threshold = _thresholds[shareToken];
        buyoutId = ++_buyoutCount;
        Buyout storage buyout = _buyouts[buyoutId];
        buyout.bidder = msg.sender;
        // Cannot overflow: a timestamp plus at most 90 days stays far below 2**40 for millennia.
        buyout.endsAt = uint40(block.timestamp + duration);
        buyout.threshold = threshold == 0 ? DEFAULT_BUYOUT_THRESHOLD : threshold;
        buyout.state = BuyoutState.Open;
        buyout.paymentToken = paymentToken;
        buyout.shareToken = shareToken;
        buyout.tokenId = tokenId;
        // Cannot truncate: a share supply is below 2**128 (ShareToken.initialize), price and deposit too
        // (`_depositOf`).
        buyout.supply = uint128(supply);
        buyout.deposit = uint128(deposit);
        buyout.pricePerShare = uint128(pricePerShare);
        _latestBuyouts[tokenId] = buyoutId;
        _emitStarted(buyoutId, buyout, deposit);
        uint256 before = IERC20(paymentToken).balanceOf(address(this));
        IERC20(paymentToken).safeTransferFrom(msg.sender, address(this), deposit);
        uint256 balance = IERC20(paymentToken).balanceOf(address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != deposit) revert DepositShortfall(paymentToken, deposit, received);
    }

    /// @inheritdoc IBuyout
    /// @dev Requirements: the buyout is open and its window not closed ({TenderWindowClosed}); `amount` positive;
    /// the share token lets the shares move to the vault (unfrozen shares; on a restricted token both the holder and
    /// the vault eligible). Emits {SharesTendered} (and the share token's {Transfer}).
    function tender(uint256 buyoutId, uint256 amount) external nonReentrant {
        Buyout storage buyout = _buyouts[buyoutId];
        _requireWindowOpen(buyoutId, buyout);
        if (amount == 0) revert ZeroAmount();
        uint256 total = uint256(buyout.tendered) + amount;
        _tendered[buyoutId][msg.sender] += amount;
        // Truncation cannot survive: an amount of 2**128 or more exceeds every balance, and the transfer below
        // reverts the whole call.
        buyout.tendered = uint128(total);
        uint256 tokenId = buyout.tokenId;
        emit SharesTendered(tokenId, buyoutId, msg.sender, amount, total);
        _linkBuyout(SharesTendered.selector, buyoutId, tokenId, msg.sender, keccak256(abi.encode(amount, total)));
        ShareToken(buyout.shareToken).transferFrom(msg.sender, address(this), amount);
    }

    /// @inheritdoc IBuyout
    /// @dev Tenders are revocable until the window closes: a holder who tendered keeps the choice as long as others
    /// do. Requirements: the window is open; the caller tendered shares ({NothingToClaim}); on a restricted token the
    /// caller may still receive them. Emits {TenderWithdrawn} (and the share token's {Transfer}).
    function withdrawTender(uint256 buyoutId) external nonReentrant returns (uint256 amount) {
        Buyout storage buyout = _buyouts[buyoutId];
        _requireWindowOpen(buyoutId, buyout);
        amount = _tendered[buyoutId][msg.sender];
        if (amount == 0) revert NothingToClaim(buyoutId, msg.sender);
        delete _tendered[buyoutId][msg.sender];
        // Cannot underflow: the total is the sum of every holder's tender.
        uint256 total;
        unchecked {
            total = buyout.tendered - amount;
        }
        buyout.tendered = uint128(total);
        uint256 tokenId = buyout.tokenId;
        emit TenderWithdrawn(tokenId, buyoutId, msg.sender, amount, total);
        _linkBuyout(TenderWithdrawn.selector, buyoutId, tokenId, msg.sender, keccak256(abi.encode(amount, total)));
        ShareToken(buyout.shareToken).transfer(msg.sender, amount);
    }

    /// @inheritdoc IBuyout
    /// @dev Success needs `tendered * 10000 >= threshold * supply`, the right still in the vault for the same share
    /// token, neither frozen nor dispute-locked, and the bidder still allowed to receive the shares; otherwise the
    /// buyout fails with the first reason that applies (never a revert: a failed buyout must release deposit and
    /// shares). On success the tendered shares are burnt and the right moves to the bidder; the untendered shares
    /// stay redeemable for cash (`redeemForCash`). Reverts only when the registry refuses the move (paused).
    /// Requirements: the buyout is open and its window closed ({TenderWindowOpen}).
    /// Emits {BuyoutSucceeded} (and the share token's {Transfer} to zero, the registry's {Transfer}) or {BuyoutFailed}.
    function settleBuyout(uint256 buyoutId) external nonReentrant returns (bool succeeded) {
        Buyout storage buyout = _buyouts[buyoutId];
        _requireState(buyoutId, buyout.state, BuyoutState.Open);
        if (block.timestamp < buyout.endsAt) revert TenderWindowOpen(buyoutId, buyout.endsAt);
        uint256 tokenId = buyout.tokenId;
        address shareToken = buyout.shareToken;
        address bidder = buyout.bidder;
        uint256 supply = buyout.supply;
        uint256 tendered = buyout.tendered;
        FailureReason reason = FailureReason.None;
        if (tendered * 10_000 < uint256(buyout.threshold) * supply) {
            reason = FailureReason.BelowThreshold;
        } else if (_shareTokens[tokenId] != shareToken) {
            reason = FailureReason.CustodyLost;
        } else {
            reason = _standingOf(tokenId);
            if (reason == FailureReason.None && !ShareToken(shareToken).canReceive(bidder)) {
                reason = FailureReason.BidderIneligible;
            }
        }
        if (reason != FailureReason.None) {
            buyout.state = BuyoutState.Failed;
            buyout.reason = reason;
            emit BuyoutFailed(tokenId, buyoutId, bidder, reason, tendered, supply);
            _linkBuyout(
                BuyoutFailed.selector, buyoutId, tokenId, bidder, keccak256(abi.encode(reason, tendered, supply))
            );
            return false;
        }
        buyout.state = BuyoutState.Succeeded;
        delete _shareTokens[tokenId];
        emit BuyoutSucceeded(tokenId, buyoutId, bidder, tendered, supply);
        _linkBuyout(BuyoutSucceeded.selector, buyoutId, tokenId, bidder, keccak256(abi.encode(tendered, supply)));
        if (tendered != 0) IShareToken(shareToken).burnFrom(address(this), tendered);
        IERC721(registry).transferFrom(address(this), bidder, tokenId);
        return true;
    }

    /// @inheritdoc IBuyout
    /// @dev A bidder may cancel at any time before settlement while nothing is tendered (tenders withdrawn
    /// included): holders who tendered are owed a settlement. Requirements: the buyout is open; the caller is its
    /// bidder ({NotBidder}); no share is tendered ({TenderedShares}). Emits {BuyoutCancelled} (and the payment
    /// token's {Transfer}).
    function cancelBuyout(uint256 buyoutId) external nonReentrant {
        Buyout storage buyout = _buyouts[buyoutId];
        _requireState(buyoutId, buyout.state, BuyoutState.Open);
        address bidder = buyout.bidder;
        if (msg.sender != bidder) revert NotBidder(msg.sender, bidder);
        if (buyout.tendered != 0) revert TenderedShares(buyoutId, buyout.tendered);
        buyout.state = BuyoutState.Cancelled;
        buyout.depositRefunded = true;
        uint256 deposit = buyout.deposit;
        uint256 tokenId = buyout.tokenId;
        emit BuyoutCancelled(tokenId, buyoutId, bidder, deposit);
        _linkBuyout(BuyoutCancelled.selector, buyoutId, tokenId, bidder, keccak256(abi.encode(deposit)));
        IERC20(buyout.paymentToken).safeTransfer(bidder, deposit);
    }

    /// @inheritdoc IBuyout
    /// @dev After success a tenderer receives `tendered * deposit / supply`, rounded down (its shares were burnt at
    /// settlement; a tender too small to be worth a payment-token base unit is paid nothing). After a failure a
    /// tenderer receives its shares back (on a restricted token it must still be allowed to hold them) and the
    /// bidder its whole deposit, once. Requirements: the buyout succeeded or failed; something is owed
    /// ({NothingToClaim}). Emits {BuyoutClaimed} (and the tokens' {Transfer}s).
    function claimBuyout(uint256 buyoutId) external nonReentrant returns (uint256 shares, uint256 payment) {
        Buyout storage buyout = _buyouts[buyoutId];
        BuyoutState state = buyout.state;
        uint256 tendered = _tendered[buyoutId][msg.sender];
        if (state == BuyoutState.Succeeded) {
            payment = _paymentFor(buyout, tendered);
        } else {
            _requireState(buyoutId, state, BuyoutState.Failed);
            shares = tendered;
            if (msg.sender == buyout.bidder && !buyout.depositRefunded) {
                buyout.depositRefunded = true;
                payment = buyout.deposit;
            }
        }
        if (tendered == 0 && payment == 0) revert NothingToClaim(buyoutId, msg.sender);
        if (tendered != 0) delete _tendered[buyoutId][msg.sender];
        uint256 tokenId = buyout.tokenId;
        emit BuyoutClaimed(tokenId, buyoutId, msg.sender, shares, payment);
        _linkBuyout(BuyoutClaimed.selector, buyoutId, tokenId, msg.sender, keccak256(abi.encode(shares, payment)));
        if (shares != 0) ShareToken(buyout.shareToken).transfer(msg.sender, shares);
        if (payment != 0) IERC20(buyout.paymentToken).safeTransfer(msg.sender, payment);
    }

    /// @inheritdoc IBuyout
    /// @dev The shares are burnt first (the vault's own share token, which calls nothing back), then paid:
    /// `amount * deposit / supply`, rounded down (nothing is sent for shares worth less than a base unit). Frozen
    /// shares stay put until an officer unfreezes them. Requirements: the buyout succeeded; `amount` positive and
    /// held unfrozen by the caller. Emits {SharesCashedOut} (and the share token's {Transfer} to zero, the payment
    /// token's {Transfer}, when something is paid).
    function redeemForCash(uint256 buyoutId, uint256 amount) external nonReentrant returns (uint256 payment) {
        Buyout storage buyout = _buyouts[buyoutId];
        _requireState(buyoutId, buyout.state, BuyoutState.Succeeded);
        if (amount == 0) revert ZeroAmount();
        IShareToken(buyout.shareToken).burnFrom(msg.sender, amount);
        // `amount` is below 2**128: the burn above succeeded, so it is at most the share supply.
        payment = _paymentFor(buyout, amount);
        uint256 tokenId = buyout.tokenId;
        emit SharesCashedOut(tokenId, buyoutId, msg.sender, amount, payment);
        _linkBuyout(SharesCashedOut.selector, buyoutId, tokenId, msg.sender, keccak256(abi.encode(amount, payment)));
        if (payment != 0) IERC20(buyout.paymentToken).safeTransfer(msg.sender, payment);
    }

    /// @inheritdoc IBuyout
    function buyoutOf(uint256 buyoutId) external view returns (BuyoutInfo memory info) {
        Buyout storage buyout = _buyouts[buyoutId];
        info = BuyoutInfo({
            tokenId: buyout.tokenId,
            bidder: buyout.bidder,
            shareToken: buyout.shareToken,
            paymentToken: buyout.paymentToken,
            pricePerShare: buyout.pricePerShare,
            deposit: buyout.deposit,
            supply: buyout.supply,
            tendered: buyout.tendered,
            threshold: buyout.threshold,
            endsAt: buyout.endsAt,
            state: buyout.state,
            reason: buyout.reason,
            depositRefunded: buyout.depositRefunded
        });
    }

    /// @inheritdoc IBuyout
    function latestBuyoutOf(uint256 tokenId) external view returns (uint256) {
        return _latestBuyouts[tokenId];
    }

    /// @inheritdoc IBuyout
    function tenderedBy(uint256 buyoutId, address holder) external view returns (uint256) {
        return _tendered[buyoutId][holder];
    }

    /// @inheritdoc IBuyout
    function buyoutThresholdOf(uint256 tokenId) external view returns (uint16 threshold) {
        address shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) return 0;
        threshold = _thresholds[shareToken];
        if (threshold == 0) threshold = DEFAULT_BUYOUT_THRESHOLD;
    }

    /*//////////////////////////////////////////////////////////////
                                PRIVATE
    //////////////////////////////////////////////////////////////*/

    /// @dev The checks of `startBuyout` before the price; the right's share token and its supply.
    function _checkBuyoutStart(uint256 tokenId, address paymentToken, uint256 duration)
        private
        view
        returns (address shareToken, uint256 supply)
    {
        shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) revert NotFractionalized(tokenId);
        uint256 latest = _latestBuyouts[tokenId];
        if (latest != 0 && _buyouts[latest].state == BuyoutState.Open) revert BuyoutInProgress(tokenId, latest);
        if (duration < MIN_BUYOUT_WINDOW || duration > MAX_BUYOUT_WINDOW) {
            revert InvalidBuyoutWindow(duration, MIN_BUYOUT_WINDOW, MAX_BUYOUT_WINDOW);
        }
        if (paymentToken == address(0) || paymentToken == shareToken) revert InvalidPaymentToken(paymentToken);
        FailureReason standing = _standingOf(tokenId);
        if (standing == FailureReason.CustodyLost) revert NotFractionalized(tokenId);
        if (standing != FailureReason.None) revert RightNotTransferable(tokenId);
        if (!ShareToken(shareToken).canReceive(msg.sender)) revert BidderNotEligible(msg.sender);
        supply = ShareToken(shareToken).totalSupply();
    }

    /// @dev The deposit of a buyout of `supply` base units of `shareToken` at `pricePerShare` per whole share:
    /// `supply * pricePerShare / 10**decimals`, rounded down. {InvalidBuyoutPrice} unless the price is below 2**128
    /// and the deposit 1 to 2**128 - 1 (the bounds that keep price and deposit in one slot and every payment's
    /// product in 256 bits). The decimals are read from the share token, the vault's own clone.
    function _depositOf(address shareToken, uint256 supply, uint256 pricePerShare)
        private
        view
        returns (uint256 deposit)
    {
        uint8 decimals = ShareToken(shareToken).decimals();
        // 10**77 is the largest power of ten in 256 bits; more decimals make a whole share worth more than any
        // deposit could pay, and leave the deposit 0. Below 2**128 each, supply and price multiply without overflow.
        if (pricePerShare <= type(uint128).max && decimals <= 77) {
            deposit = FixedPointMathLib.mulDiv(supply, pricePerShare, 10 ** decimals);
        }
        if (deposit == 0 || deposit > type(uint128).max) revert InvalidBuyoutPrice(pricePerShare, supply);
    }

    /// @dev What `amount` share base units of a successful buyout are paid: `amount * deposit / supply`, rounded
    /// down, so that the payments for a partition of the supply add up to at most the deposit. `amount` is at most
    /// the supply, below 2**128, as the deposit is: the product cannot overflow.
    function _paymentFor(Buyout storage buyout, uint256 amount) private view returns (uint256) {
        return FixedPointMathLib.mulDiv(amount, buyout.deposit, buyout.supply);
    }

    /// @dev Emits {BuyoutStarted} for the new buyout and links it into the right's history.
    function _emitStarted(uint256 buyoutId, Buyout storage buyout, uint256 deposit) private {
        uint256 tokenId = buyout.tokenId;
        address shareToken = buyout.shareToken;
        address paymentToken = buyout.paymentToken;
        uint256 pricePerShare = buyout.pricePerShare;
        uint16 threshold = buyout.threshold;
        uint40 endsAt = buyout.endsAt;
        emit BuyoutStarted(
            tokenId, buyoutId, msg.sender, shareToken, paymentToken, pricePerShare, deposit, threshold, endsAt
        );
        _linkBuyout(
            BuyoutStarted.selector,
            buyoutId,
            tokenId,
            msg.sender,
            keccak256(abi.encode(shareToken, paymentToken, pricePerShare, deposit, threshold, endsAt))
        );
    }

    /// @dev Reverts unless the buyout is in `expected` ({UnknownBuyout} for one that does not exist).
    function _requireState(uint256 buyoutId, BuyoutState state, BuyoutState expected) private pure {
        if (state == expected) return;
        if (state == BuyoutState.None) revert UnknownBuyout(buyoutId);
        revert BuyoutNotInState(buyoutId, state);
    }

    /// @dev Reverts unless the buyout is open and its window has not closed.
    function _requireWindowOpen(uint256 buyoutId, Buyout storage buyout) private view {
        _requireState(buyoutId, buyout.state, BuyoutState.Open);
        if (block.timestamp >= buyout.endsAt) revert TenderWindowClosed(buyoutId, buyout.endsAt);
    }

    /// @dev Whether the registry would let the vault hand `tokenId` over: held by the vault, not frozen, not
    /// dispute-locked (`CustodyLost` also for a revoked right).
    function _standingOf(uint256 tokenId) private view returns (FailureReason) {
        try IIPRegistry(registry).recordOf(tokenId) returns (IIPRegistry.Record memory record) {
            if (record.owner != address(this)) return FailureReason.CustodyLost;
            if (record.status == IIPRegistry.Status.Frozen) return FailureReason.RightFrozen;
            if (record.disputeLocked) return FailureReason.RightDisputed;
            return FailureReason.None;
        } catch {
            return FailureReason.CustodyLost;
        }
    }

    /// @dev Links a buyout event (topics: its selector, `tokenId`, `buyoutId`, `account`; data hashing to
    /// `dataHash`) into the right's history.
    function _linkBuyout(bytes32 selector, uint256 buyoutId, uint256 tokenId, address account, bytes32 dataHash)
        private
    {
        _linkEvent(tokenId, keccak256(abi.encode(selector, tokenId, buyoutId, account, dataHash)));
    }

    /// @dev Links {Fractionalized} (its data hashing to `dataHash`) into the right's history.
    function _linkFractionalized(uint256 tokenId, address shareToken, bytes32 dataHash) private {
        _linkEvent(tokenId, keccak256(abi.encode(Fractionalized.selector, tokenId, shareToken, msg.sender, dataHash)));
    }

    /// @dev A right that comes back after a forced transfer took it from the vault still names its old shares.
    function _recordLostCustody(uint256 tokenId) private {
        address stale = _shareTokens[tokenId];
        if (stale != address(0)) {
            emit CustodyLost(tokenId, stale, msg.sender);
            _linkEvent(
                tokenId, keccak256(abi.encode(CustodyLost.selector, tokenId, stale, msg.sender, _EMPTY_DATA_HASH))
            );
        }
    }

    /// @inheritdoc IFractionVault
    function shareTokenOf(uint256 tokenId) external view returns (address) {
        return _shareTokens[tokenId];
    }
}
