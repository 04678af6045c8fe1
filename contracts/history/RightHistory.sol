// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRightHistory} from "../interfaces/IRightHistory.sol";

/// @title RightHistory
/// @notice Keeps the per-right history commitment of {IRightHistory}: one storage word per right, rewritten by every
/// event of the right, from which a verifier proves the right's whole history against a trusted block.
/// @dev Inheritors call `_linkEvent` after each event about a right, with the digest of the log as emitted
/// (`keccak256(abi.encode(topic0, topics..., keccak256(data)))`); `_TRANSFER_DIGEST` style helpers build it. The word
/// lives at a fixed seed, not in the inheritance layout, so a verifier computes its slot from the token id alone.
abstract contract RightHistory is IRightHistory {
    /// @notice Seed of the history slots: a right's word is at `keccak256(abi.encode(tokenId, HISTORY_SEED))`.
    /// Equal to `uint256(keccak256("ipledger.RightHistory")) - 1` (written out: assembly takes only literals).
    uint256 public constant HISTORY_SEED = 0x60b88a0b3f2c303ebe4cbcc0f923ed26d6921f73c9fa5b57eb0fe5fbd0cccf3f;

    /// @dev keccak256 of empty log data (events whose arguments are all indexed, such as ERC-721 `Transfer`).
    bytes32 internal constant _EMPTY_DATA_HASH = 0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470;

    /// @dev The low 64 bits of a history word: the block of the right's latest event.
    uint256 private constant _BLOCK_MASK = 0xffffffffffffffff;

    /// @inheritdoc IRightHistory
    function historyOf(uint256 tokenId) external view returns (uint64 lastBlock, bytes24 head) {
        uint256 word;
        assembly ("memory-safe") {
            mstore(0x00, tokenId)
            mstore(0x20, HISTORY_SEED)
            word := sload(keccak256(0x00, 0x40))
        }
        // Cannot truncate: the block is the low 64 bits, the head the high 192.
        lastBlock = uint64(word);
        head = bytes24(bytes32(word));
    }

    /// @dev Extends the history of `tokenId` with the log whose digest is `logDigest`, emitted in this transaction;
    /// emits {HistoryLinked} when the right's history enters a new block.
    function _linkEvent(uint256 tokenId, bytes32 logDigest) internal {
        uint256 slot;
        uint256 word;
        assembly ("memory-safe") {
            mstore(0x00, tokenId)
            mstore(0x20, HISTORY_SEED)
            slot := keccak256(0x00, 0x40)
            word := sload(slot)
        }
        uint256 lastBlock = word & _BLOCK_MASK;
        // A right's first event needs no link: a block without one ends the verifier's walk back.
        if (lastBlock != block.number && lastBlock != 0) emit HistoryLinked(tokenId, lastBlock);
        assembly ("memory-safe") {
            let free := mload(0x40)
            mstore(free, shr(64, word))
            mstore(add(free, 0x20), number())
            mstore(add(free, 0x40), timestamp())
            mstore(add(free, 0x60), logDigest)
            // The new head in the high 192 bits, this block in the low 64.
            sstore(slot, or(and(keccak256(free, 0x80), not(_BLOCK_MASK)), number()))
        }
    }
}
