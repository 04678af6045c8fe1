// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ISettlementDesk} from "../interfaces/ISettlementDesk.sol";

/// @title SettlementDesk
/// @notice Settles signed orders atomically: the asset (shares or a whole right) and the payment move in one
/// transaction, or neither does.
/// @dev
/// - Orders are EIP-712 typed data in this contract's domain (chain id and address bound); a maker's order is
///   replay-safe because its filled amount is tracked by hash, and voidable by `cancel` or `cancelBelow`.
/// - Makers may be contracts (ERC-1271 signatures through SignatureChecker).
/// - The share token's compliance rules apply to the delivery: the desk moves shares with `transferFrom`
///   between the real seller and buyer, so a restricted token checks both.
/// - Checks-effects-interactions plus a transient reentrancy guard; the payment is checked by the payee's
///   balance difference, so a fee-on-transfer or lying payment token reverts the whole settlement.
contract SettlementDesk is EIP712, ReentrancyGuardTransient, ISettlementDesk {
    using SafeERC20 for IERC20;

    bytes32 private constant _ORDER_TYPEHASH = keccak256(
        "Order(address maker,bool makerSells,uint8 assetKind,address asset,uint256 assetId,uint256 amount,"
        "address paymentToken,uint256 price,uint256 expiry,uint256 nonce,address taker)"
    );

    /// @inheritdoc ISettlementDesk
    mapping(bytes32 orderHash => uint256 amount) public filled;

    /// @inheritdoc ISettlementDesk
    mapping(bytes32 orderHash => bool) public cancelled;

    /// @inheritdoc ISettlementDesk
    mapping(address maker => uint256 nonce) public minNonce;

    constructor() EIP712("IPLedger Settlement", "1") {}

    /// @inheritdoc ISettlementDesk
    /// @dev Requirements: valid maker signature; not expired, cancelled or overfilled; caller is the taker if one
    /// is named; both sides approved this desk. Emits {OrderFilled}.
    function fill(Order calldata order, bytes calldata signature, uint256 amount)
        external
        nonReentrant
        returns (uint256 payment)
    {
        bytes32 orderHash = hashOrder(order);
        _checkFillable(order, orderHash, signature, amount);
        filled[orderHash] += amount;
        payment = Math.mulDiv(
            order.price, amount, order.amount, order.makerSells ? Math.Rounding.Ceil : Math.Rounding.Floor
        );
        emit OrderFilled(orderHash, order.maker, msg.sender, amount, payment);
        _settle(order, amount, payment);
    }

    /// @inheritdoc ISettlementDesk
    /// @dev Emits {OrderCancelledByMaker}.
    function cancel(Order calldata order) external {
        if (msg.sender != order.maker) revert NotOrderMaker(msg.sender, order.maker);
        bytes32 orderHash = hashOrder(order);
        cancelled[orderHash] = true;
        emit OrderCancelledByMaker(orderHash, msg.sender);
    }

    /// @inheritdoc ISettlementDesk
    /// @dev Only raises the bar: a lower `nonce` than the current one changes nothing. Emits {NoncesCancelled}.
    function cancelBelow(uint256 nonce) external {
        if (nonce > minNonce[msg.sender]) minNonce[msg.sender] = nonce;
        emit NoncesCancelled(msg.sender, minNonce[msg.sender]);
    }

    /// @inheritdoc ISettlementDesk
    function hashOrder(Order calldata order) public view returns (bytes32) {
        return _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _ORDER_TYPEHASH,
                    order.maker,
                    order.makerSells,
                    order.assetKind,
                    order.asset,
                    order.assetId,
                    order.amount,
                    order.paymentToken,
                    order.price,
                    order.expiry,
                    order.nonce,
                    order.taker
                )
            )
        );
    }

    /// @notice The EIP-712 domain separator of this desk.
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function _checkFillable(Order calldata order, bytes32 orderHash, bytes calldata signature, uint256 amount)
        private
        view
    {
        if (order.maker == address(0) || order.amount == 0) revert InvalidOrder();
        if (order.assetKind == AssetKind.ERC721 && order.amount != 1) revert InvalidOrder();
        if (amount == 0) revert InvalidFillAmount(amount);
        if (block.timestamp > order.expiry) revert OrderExpired(orderHash, order.expiry);
        if (cancelled[orderHash] || order.nonce < minNonce[order.maker]) revert OrderCancelled(orderHash);
        if (order.taker != address(0) && order.taker != msg.sender) revert NotOrderTaker(orderHash, order.taker);
        uint256 remaining = order.amount - filled[orderHash];
        if (amount > remaining) revert FillExceedsRemaining(orderHash, remaining, amount);
        if (!SignatureChecker.isValidSignatureNow(order.maker, orderHash, signature)) {
            revert InvalidSignature(orderHash);
        }
    }

    /// @dev Delivers `amount` of the asset from the seller to the buyer, then the payment the other way.
    function _settle(Order calldata order, uint256 amount, uint256 payment) private {
        (address seller, address buyer) = order.makerSells ? (order.maker, msg.sender) : (msg.sender, order.maker);
        // `seller` and `buyer` are the caller and the maker whose signature `_checkFillable` verified: never an
        // arbitrary address (see docs/security.md, Slither arbitrary-send-erc20).
        if (order.assetKind == AssetKind.ERC721) {
            // slither-disable-next-line arbitrary-send-erc20
            IERC721(order.asset).transferFrom(seller, buyer, order.assetId);
        } else {
            // slither-disable-next-line arbitrary-send-erc20
            IERC20(order.asset).safeTransferFrom(seller, buyer, amount);
        }
        _pay(IERC20(order.paymentToken), buyer, seller, payment);
    }

    /// @dev Moves `amount` of `token` from `payer` to `payee` and checks that the payee received all of it.
    function _pay(IERC20 token, address payer, address payee, uint256 amount) private {
        uint256 before = token.balanceOf(payee);
        // slither-disable-next-line arbitrary-send-erc20
        token.safeTransferFrom(payer, payee, amount);
        uint256 received = token.balanceOf(payee) - before;
        if (received != amount) revert PaymentShortfall(amount, received);
    }
}
