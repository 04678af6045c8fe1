// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "solady/src/tokens/ERC721.sol";

/// @title FlaggedApprovalERC721
/// @notice Solady's ERC721 with one change: a bit of each token's extra data records whether an approved
/// address is stored, so that a transfer reads the approval slot only when there is one to clear.
/// @dev
/// - The saving (a cold SLOAD, 2,100 gas, on nearly every transfer) pays for the registry's pause and freeze
///   checks, which keeps a registry transfer at or below a plain OpenZeppelin `transferFrom`.
/// - `approve` costs about 3,000 gas more, since it also rewrites the ownership slot.
/// - Extra-data bit 3 is reserved for the flag (see docs/storage.md); inheritors must leave it alone.
/// - Every transfer, forced or not, passes `_beforeMove` with the token's extra data, loaded once, and
///   `_afterMove` once its {Transfer} is emitted.
abstract contract FlaggedApprovalERC721 is ERC721 {
    /// @dev The approval flag as a bit of the extra data (uint96) and of the whole ownership slot.
    uint96 internal constant _APPROVAL_FLAG = 1 << 3;
    uint256 private constant _APPROVAL_FLAG_IN_SLOT = 1 << 163;

    /// @dev Same seed as Solady's ERC721, whose constant is private.
    uint256 private constant _SLOT_SEED = 0x7d8825530a5a2e7a << 192;
    uint256 private constant _TRANSFER_EVENT_SIGNATURE =
        0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /// @inheritdoc ERC721
    function transferFrom(address from, address to, uint256 id) public payable virtual override {
        _move(msg.sender, from, to, id);
    }

    /// @dev Routes Solady's internal transfers (and so `safeTransferFrom`) through `_move`.
    function _transfer(address by, address from, address to, uint256 id) internal virtual override {
        _move(by, from, to, id);
    }

    /// @dev Keeps the approval flag in step with the approval slot.
    function _approve(address by, address account, uint256 id) internal virtual override {
        super._approve(by, account, id);
        uint96 extraData = _getExtraData(id);
        _setExtraData(id, account == address(0) ? extraData & ~_APPROVAL_FLAG : extraData | _APPROVAL_FLAG);
    }

    /// @dev Called before every transfer with the token's extra data; revert to refuse the move.
    function _beforeMove(address by, uint256 id, uint96 extraData) internal view virtual;

    /// @dev Called after every transfer, once its {Transfer} event is emitted.
    function _afterMove(address from, address to, uint256 id) internal virtual;

    /// @dev Solady's `_transfer`, reading the approval slot only when the flag says it is set.
    /// `by == address(0)` skips the authorisation check (forced transfers).
    function _move(address by, address from, address to, uint256 id) private {
        uint256 ownershipSlot;
        uint256 ownershipPacked;
        /// @solidity memory-safe-assembly
        assembly {
            let bitmaskAddress := shr(96, not(0))
            from := and(bitmaskAddress, from)
            to := and(bitmaskAddress, to)
            by := and(bitmaskAddress, by)
            mstore(0x00, id)
            mstore(0x1c, _SLOT_SEED)
            ownershipSlot := add(id, add(id, keccak256(0x00, 0x20)))
            ownershipPacked := sload(ownershipSlot)
            let owner := and(bitmaskAddress, ownershipPacked)
            // Revert if the token does not exist, or if `from` is not the owner.
            if iszero(mul(owner, eq(owner, from))) {
                // `TokenDoesNotExist()`, `TransferFromIncorrectOwner()`.
                mstore(shl(2, iszero(owner)), 0xceea21b6a1148100)
                revert(0x1c, 0x04)
            }
        }
        // Cannot truncate: the extra data is the top 96 bits of the slot.
        _beforeMove(by, id, uint96(ownershipPacked >> 160));
        /// @solidity memory-safe-assembly
        assembly {
            mstore(0x1c, or(_SLOT_SEED, by))
            mstore(0x00, from)
            let approvedAddress := 0
            if and(ownershipPacked, _APPROVAL_FLAG_IN_SLOT) { approvedAddress := sload(add(1, ownershipSlot)) }
            // Revert if `by` is set and is neither the owner, nor approved, nor an approved operator.
            if iszero(or(iszero(by), or(eq(by, from), eq(by, approvedAddress)))) {
                if iszero(sload(keccak256(0x0c, 0x30))) {
                    mstore(0x00, 0x4b6e7f18) // `NotOwnerNorApproved()`.
                    revert(0x1c, 0x04)
                }
            }
            if approvedAddress { sstore(add(1, ownershipSlot), 0) }
            // New owner; the approval flag is cleared with the approval.
            sstore(ownershipSlot, and(xor(ownershipPacked, xor(from, to)), not(_APPROVAL_FLAG_IN_SLOT)))
            {
                let fromBalanceSlot := keccak256(0x0c, 0x1c)
                // Cannot underflow: `from` owns this token, so its balance is at least one.
                sstore(fromBalanceSlot, sub(sload(fromBalanceSlot), 1))
            }
            {
                mstore(0x00, to)
                let toBalanceSlot := keccak256(0x0c, 0x1c)
                let toBalanceSlotPacked := add(sload(toBalanceSlot), 1)
                // Revert if `to` is the zero address, or if the account balance overflows.
                if iszero(mul(to, and(toBalanceSlotPacked, _MAX_ACCOUNT_BALANCE))) {
                    // `TransferToZeroAddress()`, `AccountBalanceOverflow()`.
                    mstore(shl(2, iszero(to)), 0xea553b3401336cea)
                    revert(0x1c, 0x04)
                }
                sstore(toBalanceSlot, toBalanceSlotPacked)
            }
            log4(codesize(), 0x00, _TRANSFER_EVENT_SIGNATURE, from, to, id)
        }
        _afterMove(from, to, id);
    }
}
