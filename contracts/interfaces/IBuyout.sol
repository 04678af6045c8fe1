// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IBuyout
/// @notice The buyout exit of a fractionalized right: a bidder deposits a price for every share; holders tender
/// within a window; if the tendered shares reach the right's threshold, the bidder receives the right and every
/// share, tendered or not, is worth its part of the deposit; otherwise deposit and shares go back.
/// @dev Implemented by the FractionVault, which already holds the right and is the only burner of its shares.
/// Prices are per whole share (10**decimals share base units). The deposit is `supply * pricePerShare /
/// 10**decimals` rounded down, and every payment for `amount` shares is `amount * deposit / supply` rounded down:
/// the payments of a buyout never add up to more than its deposit, and at most one payment-token base unit of
/// rounding dust per payment stays in the vault. See docs/buyout.md.
interface IBuyout {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice Where a buyout stands. `None`: no such buyout.
    enum BuyoutState {
        None,
        Open,
        Succeeded,
        Failed,
        Cancelled
    }

    /// @notice Why a settled buyout failed.
    enum FailureReason {
        None,
        BelowThreshold,
        CustodyLost,
        RightFrozen,
        RightDisputed,
        BidderIneligible
    }

    /// @notice A buyout as `buyoutOf` returns it.
    /// @param tokenId The right bought out.
    /// @param bidder Who deposited the price and receives the right on success.
    /// @param shareToken The share token of the right when the buyout started.
    /// @param paymentToken The ERC-20 the price is paid in.
    /// @param pricePerShare Payment-token base units per whole share (10**decimals share base units).
    /// @param deposit Payment-token base units deposited: `supply * pricePerShare / 10**decimals`, rounded down.
    /// @param supply The share supply (base units) when the buyout started.
    /// @param tendered Shares tendered and not withdrawn.
    /// @param threshold Basis points of `supply` that must be tendered for success.
    /// @param endsAt Unix time the tender window closes; settlement is possible from then on.
    /// @param state Where the buyout stands.
    /// @param reason Why it failed (`None` unless `Failed`).
    /// @param depositRefunded Whether the bidder took the deposit back (after a failure or a cancellation).
    struct BuyoutInfo {
        uint256 tokenId;
        address bidder;
        address shareToken;
        address paymentToken;
        uint256 pricePerShare;
        uint256 deposit;
        uint256 supply;
        uint256 tendered;
        uint16 threshold;
        uint40 endsAt;
        BuyoutState state;
        FailureReason reason;
        bool depositRefunded;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice A buyout threshold must be 0 (the default, `DEFAULT_BUYOUT_THRESHOLD`) or 5001 to 10000 basis points.
    error InvalidBuyoutThreshold(uint16 threshold);

    /// @notice `tokenId` already has the open buyout `buyoutId`; one buyout at a time per right.
    error BuyoutInProgress(uint256 tokenId, uint256 buyoutId);

    /// @notice No buyout `buyoutId` exists.
    error UnknownBuyout(uint256 buyoutId);

    /// @notice Buyout `buyoutId` is in `state`, which does not allow the call.
    error BuyoutNotInState(uint256 buyoutId, BuyoutState state);

    /// @notice The tender window of `buyoutId` closed at `endsAt`.
    error TenderWindowClosed(uint256 buyoutId, uint40 endsAt);

    /// @notice The tender window of `buyoutId` is open until `endsAt`: too early to settle.
    error TenderWindowOpen(uint256 buyoutId, uint40 endsAt);

    /// @notice A tender window must last `minimum` to `maximum` seconds, not `duration`.
    error InvalidBuyoutWindow(uint256 duration, uint256 minimum, uint256 maximum);

    /// @notice A price per whole share must be below 2**128 and give a deposit (`supply * pricePerShare /
    /// 10**decimals`, rounded down) of 1 to 2**128 - 1 payment-token base units.
    error InvalidBuyoutPrice(uint256 pricePerShare, uint256 supply);

    /// @notice `paymentToken` cannot pay a buyout (the zero address or the right's own share token).
    error InvalidPaymentToken(address paymentToken);

    /// @notice The deposit arrived short: `received` of `expected` (a fee-on-transfer or lying payment token).
    error DepositShortfall(address paymentToken, uint256 expected, uint256 received);

    /// @notice `bidder` may not hold the right's restricted shares, so may not buy the right out.
    error BidderNotEligible(address bidder);

    /// @notice The right `tokenId` is frozen or dispute-locked: it cannot be bought out now.
    error RightNotTransferable(uint256 tokenId);

    /// @notice `caller` is not the bidder `bidder` of the buyout.
    error NotBidder(address caller, address bidder);

    /// @notice The bidder may cancel only while no share is tendered; `tendered` are.
    error TenderedShares(uint256 buyoutId, uint256 tendered);

    /// @notice An amount of shares must be positive.
    error ZeroAmount();

    /// @notice `account` has nothing to take from buyout `buyoutId`.
    error NothingToClaim(uint256 buyoutId, address account);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    // Every event names the right first (its first indexed argument), as the vault's other events do: a reader
    // fetches a right's vault events by that topic. Each is linked into the right's history (RightHistory).

    /// @notice The shares `shareToken` of `tokenId` were issued with a buyout threshold of `threshold` basis points.
    event BuyoutThresholdSet(uint256 indexed tokenId, address indexed shareToken, uint16 threshold);

    /// @notice `bidder` opened buyout `buyoutId` of `tokenId` at `pricePerShare` per whole share, depositing
    /// `deposit` (supply * `pricePerShare` / 10**decimals, rounded down) of `paymentToken`; holders of `shareToken`
    /// may tender until `endsAt`; success needs `threshold` basis points.
    event BuyoutStarted(
        uint256 indexed tokenId,
        uint256 indexed buyoutId,
        address indexed bidder,
        address shareToken,
        address paymentToken,
        uint256 pricePerShare,
        uint256 deposit,
        uint16 threshold,
        uint40 endsAt
    );

    /// @notice `holder` tendered `amount` shares (now in escrow) to buyout `buyoutId`; `tendered` in all.
    event SharesTendered(
        uint256 indexed tokenId, uint256 indexed buyoutId, address indexed holder, uint256 amount, uint256 tendered
    );

    /// @notice `holder` took back `amount` tendered shares while the window was open; `tendered` remain in all.
    event TenderWithdrawn(
        uint256 indexed tokenId, uint256 indexed buyoutId, address indexed holder, uint256 amount, uint256 tendered
    );

    /// @notice Buyout `buyoutId` succeeded: `tendered` of `supply` shares were tendered (and burnt); `bidder`
    /// received `tokenId`.
    event BuyoutSucceeded(
        uint256 indexed tokenId, uint256 indexed buyoutId, address indexed bidder, uint256 tendered, uint256 supply
    );

    /// @notice Buyout `buyoutId` failed for `reason` with `tendered` of `supply` shares tendered: the bidder and
    /// the tenderers may claim their deposit and shares back.
    event BuyoutFailed(
        uint256 indexed tokenId,
        uint256 indexed buyoutId,
        address indexed bidder,
        FailureReason reason,
        uint256 tendered,
        uint256 supply
    );

    /// @notice `bidder` cancelled buyout `buyoutId` before any share was tendered and took back `deposit`.
    event BuyoutCancelled(uint256 indexed tokenId, uint256 indexed buyoutId, address indexed bidder, uint256 deposit);

    /// @notice `account` took from the settled buyout `buyoutId` `shares` tendered shares back (failure) and
    /// `payment` in the payment token (its tendered shares' price after success, or the bidder's deposit after a
    /// failure).
    event BuyoutClaimed(
        uint256 indexed tokenId, uint256 indexed buyoutId, address indexed account, uint256 shares, uint256 payment
    );

    /// @notice After buyout `buyoutId` succeeded, `holder` burnt `amount` untendered shares for `payment`.
    event SharesCashedOut(
        uint256 indexed tokenId, uint256 indexed buyoutId, address indexed holder, uint256 amount, uint256 payment
    );

    /*//////////////////////////////////////////////////////////////
                                FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Opens a buyout of `tokenId` at `pricePerShare` payment-token base units per whole share: pulls the
    /// deposit, supply * `pricePerShare` / 10**decimals rounded down, of `paymentToken` from the caller (who
    /// approved the vault for it) and opens a tender window of `duration` seconds.
    /// @return buyoutId The new buyout's id (ids start at 1).
    function startBuyout(uint256 tokenId, address paymentToken, uint256 pricePerShare, uint256 duration)
        external
        returns (uint256 buyoutId);

    /// @notice Tenders `amount` of the caller's shares (the vault must be approved for them) to buyout `buyoutId`;
    /// they wait in escrow in the vault until the buyout is settled or the caller withdraws them.
    function tender(uint256 buyoutId, uint256 amount) external;

    /// @notice Takes back every share the caller tendered to buyout `buyoutId`, while its window is open.
    /// @return amount The shares returned.
    function withdrawTender(uint256 buyoutId) external returns (uint256 amount);

    /// @notice Settles buyout `buyoutId` once its window closed. Anyone may call it.
    /// @return succeeded Whether the bidder received the right.
    function settleBuyout(uint256 buyoutId) external returns (bool succeeded);

    /// @notice Cancels buyout `buyoutId` and returns the deposit to the bidder (the caller), while it is open and
    /// no share is tendered.
    function cancelBuyout(uint256 buyoutId) external;

    /// @notice Takes what the settled buyout `buyoutId` owes the caller: after success, the price of the shares
    /// it tendered (`tendered * deposit / supply`, rounded down); after a failure, its tendered shares and, for the
    /// bidder, the deposit.
    /// @return shares Tendered shares returned.
    /// @return payment Payment-token units paid.
    function claimBuyout(uint256 buyoutId) external returns (uint256 shares, uint256 payment);

    /// @notice After buyout `buyoutId` succeeded, burns `amount` of the caller's untendered shares and pays their
    /// price (`amount * deposit / supply`, rounded down).
    /// @return payment Payment-token units paid.
    function redeemForCash(uint256 buyoutId, uint256 amount) external returns (uint256 payment);

    /// @notice Buyout `buyoutId`.
    function buyoutOf(uint256 buyoutId) external view returns (BuyoutInfo memory);

    /// @notice The latest buyout of `tokenId` (0: none yet): the open one, if any.
    function latestBuyoutOf(uint256 tokenId) external view returns (uint256 buyoutId);

    /// @notice Shares `holder` tendered to buyout `buyoutId` and has not withdrawn or claimed.
    function tenderedBy(uint256 buyoutId, address holder) external view returns (uint256);

    /// @notice The buyout threshold (basis points) of the shares `tokenId` is fractionalized into now (0: not
    /// fractionalized).
    function buyoutThresholdOf(uint256 tokenId) external view returns (uint16);
}
