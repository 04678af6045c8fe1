// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {LibBit} from "solady/src/utils/LibBit.sol";
import {IIPRegistry} from "../interfaces/IIPRegistry.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {Identifiers} from "../libraries/Identifiers.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title LicenseRegistry
/// @notice Licences of the rights in the IP registry: granted by a right's owner, binding on every later owner,
/// revoked by the current owner or a registrar, and readable on chain (per right, and "is X licensed here, in this
/// field, at that time").
/// @dev
/// - A licence belongs to the right (its token id), not to the owner who granted it: after an assignment the new
///   owner is bound by it and steps into the licensor's place (he, not the grantor, may revoke it).
/// - A sole or exclusive licence excludes every other licence of the same right whose territory, field and period
///   overlap it; `grant` scans the right's licences that are neither revoked nor ended and reverts
///   {LicenseConflict} on the first overlap. See docs/licensing.md for the rule and a table.
/// - At most MAX_LICENSES_PER_RIGHT live licences (neither revoked nor ended) per right ({TooManyLicenses}). The
///   scan walks a list of the right's live licences, reading one packed slot per licence, and the field and shared
///   territory words only of a licence that could conflict by exclusivity and period (docs/licensing.md); it drops
///   the dead ones it meets, keeping the order, so a grant never pays for a licence revoked or ended before the
///   previous grant. A former holder cannot make the right ungrantable by granting and revoking licences. The full
///   history stays in `licensesOf`.
/// - Territories are a 676-bit map (26 x 26 letter pairs) in three words, bit `(first - 'A') * 26 +
///   (second - 'A')`; an empty list is worldwide. The event keeps the list as given; duplicates are refused.
/// - Licences are keyed by token id, which is the right's id: if the registry supersedes a self-declared claim,
///   or burns a right that is registered again later, the licences granted before stay on record and bind the new
///   holder until he (or a registrar) revokes them.
/// - Only view calls leave this contract (the registry's `recordOf`, `exists`, `hasRole`); no callbacks.
contract LicenseRegistry is RightHistory, ILicenseRegistry {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice The registry's role whose holders may revoke any licence.
    bytes32 public constant REGISTRAR_ROLE = Identifiers.REGISTRAR_ROLE;

    /// @notice Most live (neither revoked nor ended) licences a right may have at once; bounds `grant`'s scan.
    uint256 public constant MAX_LICENSES_PER_RIGHT = 64;

    /// @notice Highest royalty a licence may carry, in basis points.
    uint16 public constant MAX_ROYALTY_BPS = 10_000;

    /// @dev `Scope.flags` bit layout (bit 0 is the least significant):
    /// - [0..1] exclusivity (`Exclusivity`, 0..2)
    /// - [2]    revoked (the time is `Details.revokedAt`)
    /// - [3]    field set (`Details.field` is not zero; clear: every field)
    /// - [4]    sublicensable
    /// - [5..7] territory words in use: bit `5 + w` set when word `w` of `Details.territories` is not zero;
    ///          none set: worldwide
    uint8 private constant _EXCLUSIVITY_MASK = 0x03;
    uint8 private constant _REVOKED = 1 << 2;
    uint8 private constant _FIELD_SET = 1 << 3;
    uint8 private constant _SUBLICENSABLE = 1 << 4;
    uint8 private constant _WORDS_SHIFT = 5;

    /// @dev The end used for an open-ended period (`end == 0`) in comparisons.
    uint256 private constant _NO_END = type(uint256).max;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev One slot per licence holding all that the conflict scan and `isLicensed` read for every licence:
    /// licensee in bits 0..159, start in 160..199, end in 200..239 (0: open-ended), flags in 240..247.
    struct Scope {
        address licensee;
        uint40 start;
        uint40 end;
        uint8 flags;
    }

    /// @dev The rest of a licence, read only for licences that matter. Zero fields (field, payment token, unused
    /// territory words) are never written.
    struct Details {
        address grantor;
        uint40 revokedAt;
        address paymentToken;
        uint16 royaltyBps;
        bytes32 termsHash;
        bytes32 field;
        uint256 tokenId;
        uint256[3] territories;
    }

    /// @notice The IP registry whose rights this contract licenses.
    address public immutable registry;

    mapping(uint256 licenseId => Scope) private _scopes;

    mapping(uint256 licenseId => Details) private _details;

    /// @dev Licence ids per right, oldest first; four ids per slot.
    mapping(uint256 tokenId => uint64[] licenseIds) private _licenseIds;

    /// @dev The right's licences that were live at the last grant, oldest first (pruned lazily by `grant`).
    mapping(uint256 tokenId => uint64[] licenseIds) private _liveIds;

    uint64 private _lastLicenseId;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param registry_ The IP registry (its `recordOf` names owners, its REGISTRAR_ROLE holders may revoke).
    constructor(address registry_) {
        registry = registry_;
    }

    /*//////////////////////////////////////////////////////////////
                           GRANT AND REVOKE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILicenseRegistry
    /// @dev Licence ids run from 1. `start` may lie in the past or the future.
    /// Requirements:
    /// - the registry is not paused ({RegistryPaused});
    /// - the caller owns `tokenId` (else {NotRightOwner}; an unknown right: the registry's {UnknownToken});
    /// - the right is neither frozen nor dispute-locked ({RightLocked}) nor expired ({RightExpired});
    /// - `licensee` is not zero ({InvalidLicensee}); `termsHash` is not zero ({MissingHash});
    /// - `exclusivity` is an `Exclusivity` ({InvalidExclusivity}), and not sole or exclusive while the right is
    ///   pledged for a loan ({PledgedRightExclusive});
    /// - every territory is two upper-case ASCII letters ({InvalidTerritory}), none twice ({DuplicateTerritory});
    /// - `end` is 0, or after both `start` and the current time ({InvalidPeriod});
    /// - `royaltyBps` is at most 10,000 and comes with a payment token ({InvalidRoyalty});
    /// - no licence of the right that is neither revoked nor ended overlaps the new one in territory, field and
    ///   period while either of the two is sole or exclusive ({LicenseConflict} naming the oldest such licence);
    /// - fewer than MAX_LICENSES_PER_RIGHT licences of the right are neither revoked nor ended ({TooManyLicenses}).
    /// Emits {LicenseGranted}.
    function grant(uint256 tokenId, Terms calldata terms) external returns (uint256 licenseId) {
        return _grant(tokenId, terms);
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev The requirements of `grant`, and `keccak256(bytes(fieldOfUse)) == terms.field` with `terms.field` not
    /// zero ({FieldMismatch}). Emits {LicenseGranted} and {LicenseFieldOfUse}.
    function grant(uint256 tokenId, Terms calldata terms, string calldata fieldOfUse)
        external
        returns (uint256 licenseId)
    {
        bytes32 labelHash = keccak256(bytes(fieldOfUse));
        if (terms.field == bytes32(0) || labelHash != terms.field) revert FieldMismatch(terms.field, labelHash);
        licenseId = _grant(tokenId, terms);
        emit LicenseFieldOfUse(licenseId, tokenId, fieldOfUse);
        _linkEvent(
            tokenId,
            keccak256(abi.encode(LicenseFieldOfUse.selector, licenseId, tokenId, keccak256(abi.encode(fieldOfUse))))
        );
    }

    /// @dev Checks and records a grant; emits {LicenseGranted}.
    function _grant(uint256 tokenId, Terms calldata terms) private returns (uint256 licenseId) {
        bool pledged = _checkGrantor(tokenId);
        (uint8 flags, uint256[3] memory words) = _checkTerms(terms);
        if (pledged && flags & _EXCLUSIVITY_MASK != 0) revert PledgedRightExclusive(tokenId);
        Scope memory scope = Scope({licensee: terms.licensee, start: terms.start, end: terms.end, flags: flags});
        _checkConflicts(tokenId, scope, terms.field, words);

        // Cannot overflow: one id per transaction, 2^64 transactions are out of reach.
        unchecked {
            licenseId = ++_lastLicenseId;
        }
        _scopes[licenseId] = scope;
        _store(_details[licenseId], tokenId, terms, words);
        _licenseIds[tokenId].push(uint64(licenseId));
        _liveIds[tokenId].push(uint64(licenseId));
        _emitGranted(licenseId, tokenId, terms);
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev A revoked licence covers nothing from this block's time on (`isActive` stays true for earlier times).
    /// An ended licence may be revoked too (the revocation is recorded).
    /// Requirements:
    /// - `reasonHash` is not zero ({MissingHash}); the licence exists ({UnknownLicense}) and is not revoked
    ///   ({LicenseAlreadyRevoked});
    /// - the caller is the right's current owner, while the right is neither frozen nor dispute-locked
    ///   ({RightLocked}) and the registry is not paused ({RegistryPaused}), or holds the registry's REGISTRAR_ROLE; anybody else: {NotLicensor} (the original
    ///   grantor too, once he has assigned the right).
    /// Emits {LicenseRevoked}.
    function revoke(uint256 licenseId, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert MissingHash();
        Scope storage scope = _scopes[licenseId];
        if (scope.licensee == address(0)) revert UnknownLicense(licenseId);
        uint8 flags = scope.flags;
        if (flags & _REVOKED != 0) revert LicenseAlreadyRevoked(licenseId);
        Details storage details = _details[licenseId];
        uint256 tokenId = details.tokenId;
        _checkLicensor(tokenId, licenseId);
        scope.flags = flags | _REVOKED;
        details.revokedAt = uint40(block.timestamp);
        emit LicenseRevoked(licenseId, tokenId, msg.sender, reasonHash);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(LicenseRevoked.selector, licenseId, tokenId, msg.sender, keccak256(abi.encode(reasonHash)))
            )
        );
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc ILicenseRegistry
    /// @dev Reverts {UnknownLicense} for an id never issued.
    function licenseOf(uint256 licenseId) external view returns (License memory license) {
        Scope memory scope = _requireLicense(licenseId);
        Details storage details = _details[licenseId];
        uint8 flags = scope.flags;
        license.tokenId = details.tokenId;
        license.licensee = scope.licensee;
        license.grantor = details.grantor;
        license.termsHash = details.termsHash;
        license.field = details.field;
        license.paymentToken = details.paymentToken;
        license.exclusivity = Exclusivity(flags & _EXCLUSIVITY_MASK);
        license.worldwide = flags >> _WORDS_SHIFT == 0;
        license.sublicensable = flags & _SUBLICENSABLE != 0;
        license.royaltyBps = details.royaltyBps;
        license.start = scope.start;
        license.end = scope.end;
        license.revokedAt = details.revokedAt;
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev Reverts {UnknownLicense} for an id never issued.
    function territoriesOf(uint256 licenseId) external view returns (bytes2[] memory territories) {
        _requireLicense(licenseId);
        uint256[3] memory words = _details[licenseId].territories;
        territories = new bytes2[](LibBit.popCount(words[0]) + LibBit.popCount(words[1]) + LibBit.popCount(words[2]));
        uint256 count = 0;
        for (uint256 w; w < 3; ++w) {
            uint256 word = words[w];
            while (word != 0) {
                // Cannot overflow: index < 3 * 256, count < 676; `word & (word - 1)` clears the lowest set bit.
                unchecked {
                    uint256 index = (w << 8) + LibBit.ffs(word);
                    territories[count++] = Identifiers.codeAt(index);
                    word &= word - 1;
                }
            }
        }
    }

    /// @inheritdoc ILicenseRegistry
    function licensesOf(uint256 tokenId) external view returns (uint256[] memory licenseIds) {
        uint64[] storage ids = _licenseIds[tokenId];
        uint256 length = ids.length;
        licenseIds = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            licenseIds[i] = ids[i];
        }
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev In force at `time`: `start <= time`, `time < end` (unless open-ended) and `time < revokedAt` (unless
    /// not revoked). So history stays answerable: a licence revoked later was in force before. Reverts
    /// {UnknownLicense} for an id never issued.
    function isActive(uint256 licenseId, uint256 time) external view returns (bool) {
        return _inForce(licenseId, _requireLicense(licenseId), time);
    }

    /// @inheritdoc ILicenseRegistry
    /// @dev `territory` is two upper-case ASCII letters ({InvalidTerritory} otherwise) or zero for "worldwide".
    /// Scans the right's licences oldest first; (false, 0) when none covers.
    function isLicensed(uint256 tokenId, address licensee, bytes2 territory, bytes32 field, uint256 time)
        external
        view
        returns (bool licensed, uint256 licenseId)
    {
        bool worldwide = territory == bytes2(0);
        uint256 index = worldwide ? 0 : _territoryIndex(territory);
        uint64[] memory ids = _licenseIds[tokenId];
        for (uint256 i; i < ids.length; ++i) {
            uint256 id = ids[i];
            Scope memory scope = _scopes[id];
            if (scope.licensee != licensee || !_inForce(id, scope, time)) continue;
            if (!_coversField(id, scope.flags, field) || !_coversTerritory(id, scope.flags, worldwide, index)) {
                continue;
            }
            return (true, id);
        }
        return (false, 0);
    }

    /*//////////////////////////////////////////////////////////////
                               PRIVATE
    //////////////////////////////////////////////////////////////*/

    /// @dev The caller must own `tokenId`, which must be neither frozen, dispute-locked nor expired, and the
    /// registry must not be paused (a guardian's pause also stops an owner key it may not trust). Returns whether
    /// the right is pledged for a loan (only non-exclusive licences of it may be granted).
    function _checkGrantor(uint256 tokenId) private view returns (bool pledged) {
        if (Pausable(registry).paused()) revert RegistryPaused();
        IIPRegistry.Record memory record = IIPRegistry(registry).recordOf(tokenId);
        if (record.owner != msg.sender) revert NotRightOwner(msg.sender, tokenId);
        if (record.status == IIPRegistry.Status.Frozen || record.disputeLocked) revert RightLocked(tokenId);
        if (record.status == IIPRegistry.Status.Expired) revert RightExpired(tokenId, record.expiry);
        return record.pledged;
    }

    /// @dev The right's current owner (while the right is neither frozen nor dispute-locked and the registry is not
    /// paused) or a registrar (also while paused). A burnt right has no owner: only a registrar may revoke its
    /// licences.
    function _checkLicensor(uint256 tokenId, uint256 licenseId) private view {
        bool isOwner = false;
        bool locked = false;
        if (IIPRegistry(registry).exists(tokenId)) {
            IIPRegistry.Record memory record = IIPRegistry(registry).recordOf(tokenId);
            isOwner = record.owner == msg.sender;
            locked = record.status == IIPRegistry.Status.Frozen || record.disputeLocked;
        }
        bool paused = isOwner && !locked && Pausable(registry).paused();
        if (isOwner && !locked && !paused) return;
        if (IAccessControl(registry).hasRole(REGISTRAR_ROLE, msg.sender)) return;
        if (paused) revert RegistryPaused();
        if (isOwner) revert RightLocked(tokenId);
        revert NotLicensor(msg.sender, licenseId);
    }

    /// @dev Validates `terms`; returns the licence's flags and its territory words.
    function _checkTerms(Terms calldata terms) private view returns (uint8 flags, uint256[3] memory words) {
        if (terms.licensee == address(0)) revert InvalidLicensee();
        if (terms.termsHash == bytes32(0)) revert MissingHash();
        uint8 exclusivity = terms.exclusivity;
        if (exclusivity > uint8(type(Exclusivity).max)) revert InvalidExclusivity(exclusivity);
        uint40 start = terms.start;
        uint40 end = terms.end;
        if (end != 0 && (end <= start || end <= block.timestamp)) revert InvalidPeriod(start, end);
        uint16 royaltyBps = terms.royaltyBps;
        address paymentToken = terms.paymentToken;
        if (royaltyBps > MAX_ROYALTY_BPS || (royaltyBps != 0 && paymentToken == address(0))) {
            revert InvalidRoyalty(royaltyBps, paymentToken);
        }
        words = _territoryWords(terms.territories);
        flags = exclusivity;
        if (terms.field != bytes32(0)) flags |= _FIELD_SET;
        if (terms.sublicensable) flags |= _SUBLICENSABLE;
        for (uint256 w; w < 3; ++w) {
            if (words[w] != 0) flags |= uint8(1 << (_WORDS_SHIFT + w));
        }
    }

    /// @dev Reverts {LicenseConflict} with the oldest licence of `tokenId` that is neither revoked nor ended and
    /// overlaps `scope` (with `field` and territory `words`) in period, field and territory, when either of the
    /// two is sole or exclusive, and {TooManyLicenses} when the right already has MAX_LICENSES_PER_RIGHT live
    /// licences. Walks the live list, compacting it in order: a revoked or ended licence is dead for good and is
    /// dropped. Reads one slot per live licence, plus the field and shared territory words of those that overlap
    /// in exclusivity and period.
    function _checkConflicts(uint256 tokenId, Scope memory scope, bytes32 field, uint256[3] memory words) private {
        uint64[] storage live = _liveIds[tokenId];
        uint256 length = live.length;
        uint256 kept = 0;
        bool exclusive = scope.flags & _EXCLUSIVITY_MASK != 0;
        uint256 end = scope.end == 0 ? _NO_END : scope.end;
        for (uint256 i; i < length; ++i) {
            uint64 id = live[i];
            Scope memory other = _scopes[id];
            uint256 otherEnd = other.end == 0 ? _NO_END : other.end;
            if (other.flags & _REVOKED != 0 || otherEnd <= block.timestamp) continue;
            // Cannot overflow: kept <= i < length.
            unchecked {
                if (kept != i) live[kept] = id;
                ++kept;
            }
            if (!exclusive && other.flags & _EXCLUSIVITY_MASK == 0) continue;
            if (scope.start >= otherEnd || other.start >= end) continue;
            if (!_fieldsOverlap(id, scope.flags, other.flags, field)) continue;
            if (!_territoriesOverlap(id, scope.flags, other.flags, words)) continue;
            revert LicenseConflict(id);
        }
        for (uint256 i = kept; i < length; ++i) {
            live.pop();
        }
        if (kept >= MAX_LICENSES_PER_RIGHT) revert TooManyLicenses(tokenId, MAX_LICENSES_PER_RIGHT);
    }

    /// @dev Either is for every field, or both are for the same field.
    function _fieldsOverlap(uint256 otherId, uint8 flags, uint8 otherFlags, bytes32 field)
        private
        view
        returns (bool)
    {
        if ((flags & otherFlags & _FIELD_SET) == 0) return true;
        // slither-disable-next-line incorrect-equality
        return _details[otherId].field == field;
    }

    /// @dev Either is worldwide, or a territory word in use by both shares a bit.
    function _territoriesOverlap(uint256 otherId, uint8 flags, uint8 otherFlags, uint256[3] memory words)
        private
        view
        returns (bool)
    {
        uint256 used = flags >> _WORDS_SHIFT;
        uint256 otherUsed = otherFlags >> _WORDS_SHIFT;
        if (used == 0 || otherUsed == 0) return true;
        uint256 shared = used & otherUsed;
        for (uint256 w; w < 3; ++w) {
            if ((shared >> w) & 1 != 0 && _details[otherId].territories[w] & words[w] != 0) return true;
        }
        return false;
    }

    /// @dev Whether licence `licenseId` (whose first slot is `scope`) is in force at `time`.
    function _inForce(uint256 licenseId, Scope memory scope, uint256 time) private view returns (bool) {
        if (time < scope.start || (scope.end != 0 && time >= scope.end)) return false;
        return scope.flags & _REVOKED == 0 || time < _details[licenseId].revokedAt;
    }

    /// @dev An all-fields licence covers any field; a field licence covers its own field only (not "all fields").
    function _coversField(uint256 licenseId, uint8 flags, bytes32 field) private view returns (bool) {
        if (flags & _FIELD_SET == 0) return true;
        // slither-disable-next-line incorrect-equality
        return field != bytes32(0) && _details[licenseId].field == field;
    }

    /// @dev A worldwide licence covers any territory; a territorial one covers its own territories only (not
    /// "worldwide"). `index` is the asked territory's bit.
    function _coversTerritory(uint256 licenseId, uint8 flags, bool worldwide, uint256 index)
        private
        view
        returns (bool)
    {
        uint256 used = flags >> _WORDS_SHIFT;
        if (used == 0) return true;
        if (worldwide || (used >> (index >> 8)) & 1 == 0) return false;
        return (_details[licenseId].territories[index >> 8] >> (index & 0xff)) & 1 != 0;
    }

    /// @dev The territory map of `territories`; reverts {InvalidTerritory} or {DuplicateTerritory}.
    function _territoryWords(bytes2[] calldata territories) private pure returns (uint256[3] memory words) {
        for (uint256 i; i < territories.length; ++i) {
            bytes2 territory = territories[i];
            uint256 index = _territoryIndex(territory);
            uint256 bit = 1 << (index & 0xff);
            uint256 w = index >> 8;
            if (words[w] & bit != 0) revert DuplicateTerritory(territory);
            words[w] |= bit;
        }
    }

    /// @dev The bit of `territory` (its `Identifiers.codeIndex`), reverting {InvalidTerritory} unless it is two
    /// upper-case ASCII letters.
    function _territoryIndex(bytes2 territory) private pure returns (uint256 index) {
        index = Identifiers.codeIndex(territory);
        if (index >= Identifiers.CODE_COUNT) revert InvalidTerritory(territory);
    }

    /// @dev Writes the non-zero parts of a new licence's details.
    function _store(Details storage details, uint256 tokenId, Terms calldata terms, uint256[3] memory words) private {
        details.grantor = msg.sender;
        details.termsHash = terms.termsHash;
        details.tokenId = tokenId;
        if (terms.paymentToken != address(0)) {
            details.paymentToken = terms.paymentToken;
            details.royaltyBps = terms.royaltyBps;
        }
        if (terms.field != bytes32(0)) details.field = terms.field;
        for (uint256 w; w < 3; ++w) {
            if (words[w] != 0) details.territories[w] = words[w];
        }
    }

    /// @dev Emits {LicenseGranted} straight from calldata, in a frame of its own (thirteen arguments).
    function _emitGranted(uint256 licenseId, uint256 tokenId, Terms calldata terms) private {
        emit LicenseGranted(
            licenseId,
            tokenId,
            terms.licensee,
            msg.sender,
            terms.termsHash,
            terms.exclusivity,
            terms.territories,
            terms.field,
            terms.start,
            terms.end,
            terms.sublicensable,
            terms.royaltyBps,
            terms.paymentToken
        );
        _linkEvent(
            tokenId,
            keccak256(abi.encode(LicenseGranted.selector, licenseId, tokenId, terms.licensee, _grantedDataHash(terms)))
        );
    }

    /// @dev keccak256 of {LicenseGranted}'s data as emitted, for the right's history.
    function _grantedDataHash(Terms calldata terms) private view returns (bytes32) {
        return keccak256(
            abi.encode(
                msg.sender,
                terms.termsHash,
                terms.exclusivity,
                terms.territories,
                terms.field,
                terms.start,
                terms.end,
                terms.sublicensable,
                terms.royaltyBps,
                terms.paymentToken
            )
        );
    }

    /// @dev The first slot of licence `licenseId`; reverts {UnknownLicense} if it was never issued.
    function _requireLicense(uint256 licenseId) private view returns (Scope memory scope) {
        scope = _scopes[licenseId];
        if (scope.licensee == address(0)) revert UnknownLicense(licenseId);
    }
}
