// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "solady/src/tokens/ERC721.sol";

/// @title FlaggedApprovalERC721
/// @notice Solady's ERC721 in which every change of owner (mint, transfer, burn) passes through one function,
/// `_update`, and a bit of each token's extra data records whether an approved address is stored, so that a transfer
/// reads the approval slot only when there is one to clear.
/// @dev
/// - One path: `_update` moves the token, writes its ownership word (owner and extra data) in one SSTORE, updates the
///   balances, clears the approval and emits {Transfer}. Solady's ownership-changing functions (`transferFrom`,
///   `_transfer`, `_mint`, `_mintAndSetExtraDataUnchecked`, `_burn`) are routed through it, and Solady's
///   `_beforeTokenTransfer` / `_afterTokenTransfer` hooks are never called (sealed here). Inheritors implement
///   `_beforeUpdate` (with the token's extra data, loaded once) and `_afterUpdate` (once {Transfer} is emitted).
/// - The flag saves a cold SLOAD (2,100 gas) on nearly every transfer and burn, which pays for the registry's pause and
///   freeze checks and keeps a registry transfer at or below a plain OpenZeppelin `transferFrom` (before the history
///   word). `approve` costs about 3,000 gas more, since it also rewrites the ownership slot.
/// - Extra-data bit 3 is reserved for the flag (see docs/storage.md); inheritors must leave it alone.
/// - Storage is Solady's, slot for slot: ownership word (owner in the low 160 bits, extra data in the high 96), the
///   approval slot after it, the balance and operator slots.
abstract contract FlaggedApprovalERC721 is ERC721 {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The approval flag as a bit of the extra data (uint96) and of the whole ownership slot.
    uint96 internal constant _APPROVAL_FLAG = 1 << 3;
    uint256 private constant _APPROVAL_FLAG_IN_SLOT = 1 << 163;

    /// @dev The forms of a change of owner, `_update`'s `change`:
    /// - `_MINT`: `from` is zero and the caller has made sure that the token has no owner; its slot (which may hold
    ///   extra data) gets the owner beside the extra data given.
    /// - `_TRANSFER`: the token keeps its extra data, less the approval flag (the extra data given is ignored).
    /// - `_TAKEOVER`: a transfer that gives the token the extra data given.
    /// - `_BURN`: `to` is zero (which any other form refuses, {TransferToZeroAddress}, as Solady does); the ownerless
    ///   slot keeps the extra data given.
    /// (Constants rather than an enum: comparing an enum argument costs a range check on every call.)
    uint256 internal constant _MINT = 0;
    uint256 internal constant _TRANSFER = 1;
    uint256 internal constant _TAKEOVER = 2;
    uint256 internal constant _BURN = 3;

    /// @dev Same seed as Solady's ERC721, whose constant is private.
    uint256 private constant _SLOT_SEED = 0x7d8825530a5a2e7a << 192;
    uint256 private constant _TRANSFER_EVENT_SIGNATURE =
        0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef;

    /*//////////////////////////////////////////////////////////////
                     SOLADY'S PATHS, ROUTED TO _update
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ERC721
    function transferFrom(address from, address to, uint256 id) public payable virtual override {
        _update(msg.sender, from, to, id, 0, _TRANSFER);
    }

    /// @dev Solady's internal transfers (and so `safeTransferFrom` and `_safeTransfer`), through `_update`.
    function _transfer(address by, address from, address to, uint256 id) internal virtual override {
        _update(by, from, to, id, 0, _TRANSFER);
    }

    /// @dev Solady's mint, through `_update`: reverts {TokenAlreadyExists} for a token with an owner (before the
    /// hook, where Solady checks after it); the token keeps its extra data.
    function _mint(address to, uint256 id) internal virtual override {
        if (_ownerOf(id) != address(0)) revert TokenAlreadyExists();
        _update(address(0), address(0), to, id, _getExtraData(id) & ~_APPROVAL_FLAG, _MINT);
    }

    /// @dev Solady's unchecked mint, through `_update`: the caller has made sure that `id` has no owner.
    function _mintAndSetExtraDataUnchecked(address to, uint256 id, uint96 value) internal virtual override {
        _update(address(0), address(0), to, id, value, _MINT);
    }

    /// @dev Solady's burn, through `_update` ({TokenDoesNotExist} for a token without an owner); the token keeps its
    /// extra data, its approval flag cleared with the approval.
    function _burn(address by, uint256 id) internal virtual override {
        _update(by, ownerOf(id), address(0), id, _getExtraData(id) & ~_APPROVAL_FLAG, _BURN);
    }

    /// @dev Never called: every change of owner passes `_beforeUpdate`. Sealed, so that no inheritor relies on it.
    function _beforeTokenTransfer(address, address, uint256) internal override {}

    /// @dev Never called: every change of owner passes `_afterUpdate`. Sealed, so that no inheritor relies on it.
    function _afterTokenTransfer(address, address, uint256) internal override {}

    /// @dev Keeps the approval flag in step with the approval slot.
    function _approve(address by, address account, uint256 id) internal virtual override {
        super._approve(by, account, id);
        uint96 extraData = _getExtraData(id);
        _setExtraData(id, account == address(0) ? extraData & ~_APPROVAL_FLAG : extraData | _APPROVAL_FLAG);
    }

    /*//////////////////////////////////////////////////////////////
                                 HOOKS
    //////////////////////////////////////////////////////////////*/

    /// @dev Called by `_update` before anything changes, once the owner is checked; revert to refuse the change.
    /// `extraData` is the token's extra data as stored (zero on a mint, whose slot is not read). `by` is zero for
    /// changes that skip the authorisation check: mints, burns and forced transfers.
    function _beforeUpdate(address by, uint256 id, uint96 extraData) internal view virtual;

    /// @dev Called by `_update` once the change is stored and its {Transfer} emitted.
    function _afterUpdate(address from, address to, uint256 id) internal virtual;

    /*//////////////////////////////////////////////////////////////
                          THE ONE OWNERSHIP PATH
    //////////////////////////////////////////////////////////////*/

    /// @dev Every change of owner, in the form `change` (`_MINT`, `_TRANSFER`, `_TAKEOVER`, `_BURN`; the mint and the
    /// transfer are the hot paths).
    /// The checks are Solady's, in Solady's order. Except on a mint, `from` must own `id` ({TokenDoesNotExist},
    /// {TransferFromIncorrectOwner}) and `_beforeUpdate` then runs with the stored extra data; on a mint it runs first,
    /// with none. Then `by`, unless zero, must be the owner, approved for `id` or an approved operator
    /// ({NotOwnerNorApproved}), and the approval, if the flag says one is stored, is cleared. A zero `to` reverts
    /// {TransferToZeroAddress} but on a burn. The ownership word (owner and extra data) is written in one SSTORE;
    /// `extraData` must not carry the approval flag. Emits {Transfer}, then calls `_afterUpdate`.
    /// Each form is written out in full, so that the hot ones test nothing the others need (a test costs ~20 gas).
    function _update(address by, address from, address to, uint256 id, uint96 extraData, uint256 change)
        internal
    {
        if (change == _MINT) {
            _beforeUpdate(by, id, 0);
            /// @solidity memory-safe-assembly
            assembly {
                to := shr(96, shl(96, to))
                mstore(0x00, id)
                mstore(0x1c, _SLOT_SEED)
                // `shl` drops any bits above the 96 of the extra data.
                sstore(add(id, add(id, keccak256(0x00, 0x20))), or(shl(160, extraData), to))
                mstore(0x00, to)
                let balanceSlot := keccak256(0x0c, 0x1c)
                let balanceSlotPacked := add(sload(balanceSlot), 1)
                // Revert if `to` is the zero address, or if the account balance overflows.
                if iszero(mul(to, and(balanceSlotPacked, _MAX_ACCOUNT_BALANCE))) {
                    // `TransferToZeroAddress()`, `AccountBalanceOverflow()`.
                    mstore(shl(2, iszero(to)), 0xea553b3401336cea)
                    revert(0x1c, 0x04)
                }
                sstore(balanceSlot, balanceSlotPacked)
                log4(codesize(), 0x00, _TRANSFER_EVENT_SIGNATURE, 0, to, id)
            }
        } else if (change == _TRANSFER) {
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
            _beforeUpdate(by, id, uint96(ownershipPacked >> 160));
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
        } else {
            bool burn = change == _BURN;
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
            _beforeUpdate(by, id, uint96(ownershipPacked >> 160));
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
                // The new owner (none on a burn) beside the extra data given (`shl` drops any bits above its 96).
                sstore(ownershipSlot, or(shl(160, extraData), to))
                {
                    let fromBalanceSlot := keccak256(0x0c, 0x1c)
                    // Cannot underflow: `from` owns this token, so its balance is at least one.
                    sstore(fromBalanceSlot, sub(sload(fromBalanceSlot), 1))
                }
                switch to
                case 0 {
                    if iszero(burn) {
                        mstore(0x00, 0xea553b34) // `TransferToZeroAddress()`.
                        revert(0x1c, 0x04)
                    }
                }
                default {
                    mstore(0x00, to)
                    let toBalanceSlot := keccak256(0x0c, 0x1c)
                    let toBalanceSlotPacked := add(sload(toBalanceSlot), 1)
                    // Revert if the account balance overflows.
                    if iszero(and(toBalanceSlotPacked, _MAX_ACCOUNT_BALANCE)) {
                        mstore(0x00, 0x01336cea) // `AccountBalanceOverflow()`.
                        revert(0x1c, 0x04)
                    }
                    sstore(toBalanceSlot, toBalanceSlotPacked)
                }
                log4(codesize(), 0x00, _TRANSFER_EVENT_SIGNATURE, from, to, id)
            }
        }
        _afterUpdate(from, to, id);
    }
}
