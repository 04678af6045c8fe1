// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ISettlementDesk
/// @notice Atomic delivery-versus-payment of shares (ERC-20) or a whole right (ERC-721) against an ERC-20
/// payment token, by EIP-712 signed orders with partial fills, cancellation and replay protection.
interface ISettlementDesk {
    /// @notice What an order delivers.
    enum AssetKind {
        ERC20,
        ERC721
    }

    /// @notice A signed order.
    /// @param maker Who signed it.
    /// @param makerSells True: the maker delivers the asset and receives payment; false: the maker buys.
    /// @param assetKind ERC20 (shares) or ERC721 (a whole right).
    /// @param asset The share token or the registry.
    /// @param assetId The token id for ERC721, 0 for ERC20.
    /// @param amount Units of the asset on offer (1 for ERC721).
    /// @param paymentToken The ERC-20 paid.
    /// @param price Payment for the whole `amount`; a partial fill pays pro rata, rounded in the maker's favour.
    /// @param expiry Unix time after which the order cannot be filled.
    /// @param nonce The maker's order number; `cancelBelow` voids all orders under a nonce.
    /// @param taker The only account that may fill, or zero for anyone.
    struct Order {
        address maker;
        bool makerSells;
        AssetKind assetKind;
        address asset;
        uint256 assetId;
        uint256 amount;
        address paymentToken;
        uint256 price;
        uint256 expiry;
        uint256 nonce;
        address taker;
    }

    /// @notice The order expired at `expiry`.
    error OrderExpired(bytes32 orderHash, uint256 expiry);

    /// @notice The order was cancelled (directly or by `cancelBelow`).
    error OrderCancelled(bytes32 orderHash);

    /// @notice The signature is not the maker's.
    error InvalidSignature(bytes32 orderHash);

    /// @notice The order is reserved for `taker`.
    error NotOrderTaker(bytes32 orderHash, address taker);

    /// @notice Only `remaining` units are left to fill, not `requested`.
    error FillExceedsRemaining(bytes32 orderHash, uint256 remaining, uint256 requested);

    /// @notice A fill must be positive (an ERC721 order's one unit is then the only possible fill).
    error InvalidFillAmount(uint256 amount);

    /// @notice The order's fields are inconsistent (zero amount or maker, ERC721 amount not 1).
    error InvalidOrder();

    /// @notice Only the maker may cancel.
    error NotOrderMaker(address caller, address maker);

    /// @notice The payee received `received` of the `expected` payment (a fee-on-transfer or broken token).
    error PaymentShortfall(uint256 expected, uint256 received);

    /// @notice `taker` filled `amount` units of `maker`'s order `orderHash` for `payment` of the payment token.
    /// The order's asset and sides are in the order itself; the tokens' own Transfer events show the moves.
    event OrderFilled(
        bytes32 indexed orderHash, address indexed maker, address indexed taker, uint256 amount, uint256 payment
    );

    /// @notice The maker cancelled the order `orderHash`.
    event OrderCancelledByMaker(bytes32 indexed orderHash, address indexed maker);

    /// @notice `maker` voided every order with a nonce below `nonce`.
    event NoncesCancelled(address indexed maker, uint256 nonce);

    /// @notice Fills `amount` units of `order` as the taker.
    function fill(Order calldata order, bytes calldata signature, uint256 amount) external returns (uint256 payment);

    /// @notice Cancels `order`. Requirements: caller is its maker.
    function cancel(Order calldata order) external;

    /// @notice Voids every order of the caller with a nonce below `nonce`.
    function cancelBelow(uint256 nonce) external;

    /// @notice The EIP-712 hash of `order` (what the maker signs).
    function hashOrder(Order calldata order) external view returns (bytes32);

    /// @notice Units of the order `orderHash` filled so far.
    function filled(bytes32 orderHash) external view returns (uint256);

    /// @notice Whether the order `orderHash` was cancelled directly.
    function cancelled(bytes32 orderHash) external view returns (bool);

    /// @notice The lowest nonce still valid for `maker`.
    function minNonce(address maker) external view returns (uint256);
}
