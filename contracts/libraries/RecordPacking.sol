// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RecordPacking
/// @notice Packs a right's record into the 96 bits of extra data beside the owner in a Solady ERC721
/// ownership slot, so that registering costs no storage slot of its own and every transfer reads the
/// freeze flag from a slot it loads anyway.
/// @dev Bit layout of the uint96 (bit 0 is the least significant):
/// - [0]       frozen
/// - [1]       self-declared (claimed by commit-reveal, not checked by a registrar)
/// - [2]       dispute lock (an open dispute blocks transfers; set by the dispute module)
/// - [3]       approval stored (FlaggedApprovalERC721's flag; not part of the record)
/// - [4..6]    kind (IIPRegistry.Kind, 0..7)
/// - [7]       pledged (a loan's pledge blocks transfers; set by the loan desk)
/// - [8..23]   jurisdiction, two ASCII bytes, first letter in the high byte
/// - [24..55]  registration time, unix seconds (uint32: good until 2106)
/// - [56..95]  expiry, unix seconds (uint40), 0 when none
/// A revoked token's slot has no owner and keeps a revocation marker instead of a record: the revocation block in
/// bits [56..95] and every other bit clear, so no flag of a record reads as set (see `revocationMarker`).
library RecordPacking {
    uint96 private constant _FROZEN = 1;
    uint96 private constant _SELF_DECLARED = 1 << 1;
    uint96 private constant _DISPUTE_LOCKED = 1 << 2;
    uint96 private constant _PLEDGED = 1 << 7;
    /// @dev Any of these bits stops an ordinary transfer (the registry tests them in one: `record & MOVE_BLOCKERS`).
    uint96 internal constant MOVE_BLOCKERS = _FROZEN | _DISPUTE_LOCKED | _PLEDGED;
    uint256 private constant _KIND_SHIFT = 4;
    uint256 private constant _JURISDICTION_SHIFT = 8;
    uint256 private constant _REGISTERED_AT_SHIFT = 24;
    uint256 private constant _EXPIRY_SHIFT = 56;

    /// @dev Builds a record; a new record is never frozen.
    function pack(uint8 kind_, bytes2 jurisdiction_, uint32 registeredAt_, uint40 expiry_, bool selfDeclared_)
        internal
        pure
        returns (uint96)
    {
        uint256 packed = (uint256(kind_) << _KIND_SHIFT) | (uint256(uint16(jurisdiction_)) << _JURISDICTION_SHIFT)
            | (uint256(registeredAt_) << _REGISTERED_AT_SHIFT) | (uint256(expiry_) << _EXPIRY_SHIFT)
            | (selfDeclared_ ? uint256(_SELF_DECLARED) : 0);
        // Cannot truncate: the highest field, expiry (40 bits), ends at bit 95.
        return uint96(packed);
    }

    function isFrozen(uint96 record) internal pure returns (bool) {
        return record & _FROZEN != 0;
    }

    function withFrozen(uint96 record, bool frozen) internal pure returns (uint96) {
        return frozen ? record | _FROZEN : record & ~_FROZEN;
    }

    function isSelfDeclared(uint96 record) internal pure returns (bool) {
        return record & _SELF_DECLARED != 0;
    }

    function withSelfDeclared(uint96 record, bool selfDeclared) internal pure returns (uint96) {
        return selfDeclared ? record | _SELF_DECLARED : record & ~_SELF_DECLARED;
    }

    function isDisputeLocked(uint96 record) internal pure returns (bool) {
        return record & _DISPUTE_LOCKED != 0;
    }

    function withDisputeLocked(uint96 record, bool locked) internal pure returns (uint96) {
        return locked ? record | _DISPUTE_LOCKED : record & ~_DISPUTE_LOCKED;
    }

    function isPledged(uint96 record) internal pure returns (bool) {
        return record & _PLEDGED != 0;
    }

    function withPledged(uint96 record, bool pledged) internal pure returns (uint96) {
        return pledged ? record | _PLEDGED : record & ~_PLEDGED;
    }

    /// @notice Whether the record stops an ordinary transfer (frozen, dispute-locked or pledged), in one test.
    function blocksMoves(uint96 record) internal pure returns (bool) {
        return record & MOVE_BLOCKERS != 0;
    }

    /// @dev The record with its kind and expiry replaced (a number added later: the grant after the application).
    function withKindAndExpiry(uint96 record, uint8 kind_, uint40 expiry_) internal pure returns (uint96) {
        uint256 kept = uint256(record) & ~((uint256(0x07) << _KIND_SHIFT) | (uint256(type(uint40).max) << _EXPIRY_SHIFT));
        // Cannot truncate: expiry (40 bits) ends at bit 95.
        return uint96(kept | (uint256(kind_) << _KIND_SHIFT) | (uint256(expiry_) << _EXPIRY_SHIFT));
    }

    function kind(uint96 record) internal pure returns (uint8) {
        return uint8(record >> _KIND_SHIFT) & 0x07;
    }

    function jurisdiction(uint96 record) internal pure returns (bytes2) {
        return bytes2(uint16(record >> _JURISDICTION_SHIFT));
    }

    function registeredAt(uint96 record) internal pure returns (uint32) {
        return uint32(record >> _REGISTERED_AT_SHIFT);
    }

    function expiry(uint96 record) internal pure returns (uint40) {
        return uint40(record >> _EXPIRY_SHIFT);
    }

    /// @notice The extra data a revoked token keeps (its owner cleared): the revocation block in the expiry
    /// field, every flag clear. Never zero, since a block number is never zero on a live chain.
    function revocationMarker(uint256 blockNumber) internal pure returns (uint96) {
        // Cannot truncate: uint40 block numbers (10^12) outlast any chain; 40 bits end at bit 95.
        return uint96(uint40(blockNumber)) << _EXPIRY_SHIFT;
    }

    /// @notice The revocation block held by `revocationMarker` (meaningful only for a token without an owner).
    function revokedAtBlock(uint96 marker) internal pure returns (uint256) {
        return uint40(marker >> _EXPIRY_SHIFT);
    }
}
