// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {IDisputeManager} from "../interfaces/IDisputeManager.sol";
import {IIPRegistry} from "../interfaces/IIPRegistry.sol";
import {IRoyaltyVault} from "../interfaces/IRoyaltyVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {Identifiers} from "../libraries/Identifiers.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title DisputeManager
/// @notice Disputes about registered rights: anyone raises one on hashed evidence and posts a bond; an arbitrator
/// upholds it (the right is flagged, the bond returns, and the ruling may freeze, force-transfer or revoke the
/// right) or dismisses it (the bond goes to whoever owns the right economically, or back to the claimant).
/// @dev
/// - Needs the registry's REGISTRAR_ROLE (for the three remedies: `freeze`, `forceTransfer`, `revoke`, each under
///   the ruling hash as order hash) and DISPUTE_ROLE (for the transfer lock). It calls nothing else there.
/// - The settings (bond token and amount, forfeiture on dismissal, transfer lock) are copied into each dispute
///   when it is raised: a later change never alters the terms of an open dispute.
/// - Lock: a dispute raised while `lockTransfers` is on is a locking dispute. The registry's lock is set when a
///   locking dispute opens on an unlocked right and lifted when the last open locking dispute raised against the
///   right's current registration is resolved. A registration that is replaced takes its lock with it (the
///   registry clears the bit when it supersedes a claim; a revocation burns it), so a dispute about a replaced
///   registration neither holds nor lifts the lock of the new one, and is refunded (see below): nobody locks a
///   right for free. The registry's own record is read each time, so no dispute is ever left unresolvable.
/// - Anyone able to post the bond can lock a right while `lockTransfers` is on: the bond and its forfeiture are
///   the deterrent, the arbitrator the remedy.
/// - A forfeited bond goes through the royalty vault when the admin set one (`setRoyaltyVault`; the vault's deployer
///   must have made this manager a creditor): `creditRight` credits the owner's royalty account, or the share
///   token of a fractionalized right, whose holders claim it pro rata. Without a royalty vault it is pushed to the
///   owner, which for a fractionalized right is the fraction vault: the bond would be stuck there.
/// - When the royalty vault cannot credit a fractionalized right (no share token, or the share token's currency cap
///   or total bound: {IRoyaltyVault-NoShareToken}, {IShareToken-TooManyRoyaltyCurrencies},
///   {IShareToken-RoyaltyTotalTooLarge}), the bond returns to the claimant, as when the right is gone, so that the
///   dispute still resolves. Any other refusal of the royalty vault reverts the resolution.
/// - Other bonds are pushed to their recipient on resolution. A token that refuses the recipient (a blocklist)
///   makes the resolution revert; choose the bond token accordingly. Fee-on-transfer tokens are refused when the
///   bond is posted ({BondNotReceived}). Raising and resolving are non-reentrant.
/// - {DisputeResolved} is emitted last, after the remedy and the bond, because it names where the bond went.
/// - A dispute is bound to the registration it was raised against (the registry's `registeredAt` then). If the
///   right was superseded, or revoked and registered again, before the ruling, the ruling applies no remedy, does
///   not flag the new registration, and the bond goes back to the claimant whatever the outcome (a forfeit would
///   pay a holder the dispute was never about): {DisputeRegistrationChanged}. A registration replaced within the
///   very second it was made (registration, raise and replacement in one block) is not told apart
///   (docs/licensing.md).
contract DisputeManager is AccessControl, ReentrancyGuardTransient, RightHistory, IDisputeManager {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role of the accounts that resolve disputes.
    bytes32 public constant ARBITRATOR_ROLE = Identifiers.ARBITRATOR_ROLE;

    /// @notice The IP registry whose rights are disputed.
    address public immutable registry;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev The current settings. Slot 0: bondToken (bits 0-159), forfeitOnDismissal (160-167), lockTransfers
    /// (168-175). Slot 1: bondAmount.
    struct Settings {
        address bondToken;
        bool forfeitOnDismissal;
        bool lockTransfers;
        uint256 bondAmount;
    }

    /// @dev Slot 0: tokenId. Slot 1, written on raise and updated on resolution: claimant (bits 0-159), raisedAt
    /// (160-191, unix seconds: good until 2106), registeredAt of the disputed registration (192-223),
    /// lockedTransfers, forfeitOnDismissal, outcome, remedy (one byte each). Slot 2: evidenceHash.
    /// Slot 3: bondToken (bits 0-159), bond (160-255; zero slot without a bond). Slot 4, written on resolution:
    /// arbitrator (bits 0-159), resolvedAt (160-223). Slot 5: rulingHash.
    struct StoredDispute {
        uint256 tokenId;
        address claimant;
        uint32 raisedAt;
        uint32 registeredAt;
        bool lockedTransfers;
        bool forfeitOnDismissal;
        Outcome outcome;
        Remedy remedy;
        bytes32 evidenceHash;
        address bondToken;
        uint96 bond;
        address arbitrator;
        uint64 resolvedAt;
        bytes32 rulingHash;
    }

    /// @dev Per-right counters in one slot: open disputes (bits 0-63), open locking disputes raised against the
    /// registration `lockRegistration` (64-127), upheld disputes (128-191), and that registration's `registeredAt`
    /// (192-223; zero while no locking dispute is open). A locking dispute raised against a later registration
    /// restarts the count: the older ones were about a registration that was replaced (which lifted or burnt its
    /// lock) and no longer hold the lock.
    struct RightDisputes {
        uint64 open;
        uint64 openLocking;
        uint64 upheld;
        uint32 lockRegistration;
    }

    Settings private _settings;

    mapping(uint256 disputeId => StoredDispute) private _disputes;

    mapping(uint256 tokenId => uint256[] disputeIds) private _disputesOf;

    mapping(uint256 tokenId => RightDisputes) private _rights;

    /// @dev The last dispute id handed out; ids start at 1.
    uint256 private _lastDisputeId;

    /// @dev The royalty vault that credits forfeited bonds; zero: they are pushed to the owner.
    address private _royaltyVault;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param registry_ The IP registry.
    /// @param admin Receives DEFAULT_ADMIN_ROLE (grants the arbitrator role, changes the settings).
    /// @param bondToken The ERC-20 of the bond (zero only with a zero bond).
    /// @param bondAmount The bond per dispute (at most 2^96 - 1 base units). Dismissal forfeits the bond to the
    /// right's owner and transfers are not locked: change either with `setSettings`. No royalty vault is set.
    constructor(address registry_, address admin, address bondToken, uint256 bondAmount) {
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _setSettings(bondToken, bondAmount, true, false);
    }

    /*//////////////////////////////////////////////////////////////
                               DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDisputeManager
    /// @dev Requirements: `evidenceHash` not zero; the right exists; the caller approved this contract for the
    /// bond, and the bond token delivers it in full. Emits {DisputeRaised} (and the registry's {DisputeLockSet}
    /// and {MetadataUpdate} when it locks the right, the bond token's {Transfer}).
    function raiseDispute(uint256 tokenId, bytes32 evidenceHash) external nonReentrant returns (uint256 disputeId) {
        if (evidenceHash == bytes32(0)) revert MissingHash();
        IIPRegistry rights = IIPRegistry(registry);
        if (!rights.exists(tokenId)) revert UnknownRight(tokenId);
        IIPRegistry.Record memory record = rights.recordOf(tokenId);
        Settings memory current = _settings;
        uint256 bond = current.bondAmount;
        address bondToken = bond == 0 ? address(0) : current.bondToken;
        bool locking = current.lockTransfers;
        // Cannot overflow: one id per transaction.
        unchecked {
            disputeId = ++_lastDisputeId;
        }
        StoredDispute storage stored = _disputes[disputeId];
        stored.tokenId = tokenId;
        stored.claimant = msg.sender;
        stored.raisedAt = uint32(block.timestamp);
        stored.registeredAt = record.registeredAt;
        stored.lockedTransfers = locking;
        stored.forfeitOnDismissal = current.forfeitOnDismissal;
        stored.evidenceHash = evidenceHash;
        if (bond != 0) {
            stored.bondToken = bondToken;
            // Cannot truncate: `_setSettings` keeps the bond amount within 96 bits.
            stored.bond = uint96(bond);
        }
        _disputesOf[tokenId].push(disputeId);
        RightDisputes storage counters = _rights[tokenId];
        // Cannot overflow: one dispute per transaction.
        unchecked {
            ++counters.open;
            if (locking) {
                if (counters.lockRegistration == record.registeredAt) {
                    ++counters.openLocking;
                } else {
                    counters.lockRegistration = record.registeredAt;
                    counters.openLocking = 1;
                }
            }
        }
        emit DisputeRaised(
            disputeId, tokenId, msg.sender, evidenceHash, bondToken, bond, locking, current.forfeitOnDismissal
        );
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(
                    DisputeRaised.selector,
                    disputeId,
                    tokenId,
                    msg.sender,
                    keccak256(abi.encode(evidenceHash, bondToken, bond, locking, current.forfeitOnDismissal))
                )
            )
        );
        if (locking && !record.disputeLocked) {
            rights.setLock(tokenId, true, address(0), bytes32(disputeId));
        }
        if (bond != 0) _pullBond(bondToken, bond);
    }

    /// @inheritdoc IDisputeManager
    /// @dev Requirements: the caller has ARBITRATOR_ROLE; the dispute exists and is open; `rulingHash` not zero;
    /// `remedy` is a `Remedy`, `None` for a dismissal, with a recipient exactly for `ForceTransfer`; a remedy other
    /// than `None` needs the right to exist still ({UnknownRight}), and the registry's own rules apply to it
    /// (not paused; `Freeze` of a frozen right reverts with its {FreezeStateUnchanged}). A dispute about a right
    /// revoked meanwhile resolves without a remedy: its bond goes back to the claimant on dismissal. A dispute
    /// about a registration that was replaced meanwhile (superseded, or revoked and registered again) resolves
    /// with the remedy dropped, the outcome recorded but not counted in `upheldDisputes`, and the bond back to
    /// the claimant: {DisputeRegistrationChanged} first. A forfeited bond
    /// through the royalty vault needs this manager to be its creditor ({IRoyaltyVault-NotCreditor} otherwise).
    /// Emits the registry's remedy and lock events, the bond's events (the bond token's {Transfer}; through the
    /// royalty vault also its {IRoyaltyVault-RightCredited} and a share token's {IShareToken-RoyaltyDistributed}),
    /// then {DisputeResolved}.
    function resolve(uint256 disputeId, bool upheld, uint8 remedy, address recipient, bytes32 rulingHash)
        external
        nonReentrant
        onlyRole(ARBITRATOR_ROLE)
    {
        if (rulingHash == bytes32(0)) revert MissingHash();
        StoredDispute storage stored = _disputes[disputeId];
        if (stored.claimant == address(0)) revert UnknownDispute(disputeId);
        if (stored.outcome != Outcome.Open) revert DisputeClosed(disputeId);
        _checkRemedy(upheld, remedy, recipient);
        uint256 tokenId = stored.tokenId;
        bool rightExists = IIPRegistry(registry).exists(tokenId);
        if (remedy != uint8(Remedy.None) && !rightExists) revert UnknownRight(tokenId);
        bool forfeit;
        bool releaseLock;
        (forfeit, releaseLock, remedy) = _close(stored, disputeId, upheld, remedy, rulingHash, rightExists);

        // Interactions: the trusted registry first, the bond last.
        _applyRuling(tokenId, disputeId, remedy, recipient, rulingHash, releaseLock && rightExists);
        address bondRecipient = _settleBond(stored, disputeId, forfeit);
        Outcome outcome = upheld ? Outcome.Upheld : Outcome.Dismissed;
        emit DisputeResolved(disputeId, tokenId, msg.sender, uint8(outcome), remedy, rulingHash, bondRecipient);
        _linkResolved(disputeId, tokenId, keccak256(abi.encode(uint8(outcome), remedy, rulingHash, bondRecipient)));
    }

    /// @dev Links {DisputeResolved} (its data hashing to `dataHash`) into the right's history.
    function _linkResolved(uint256 disputeId, uint256 tokenId, bytes32 dataHash) private {
        _linkEvent(tokenId, keccak256(abi.encode(DisputeResolved.selector, disputeId, tokenId, msg.sender, dataHash)));
    }

    /// @inheritdoc IDisputeManager
    /// @dev Requirements: the caller has DEFAULT_ADMIN_ROLE; a non-zero `bondAmount` needs a `bondToken` and fits
    /// 96 bits (79 billion tokens of 18 decimals); `lockTransfers` needs a non-zero bond. Emits {DisputeSettingsUpdated}.
    function setSettings(address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers)
        external
        onlyRole(DEFAULT_ADMIN_ROLE)
    {
        _setSettings(bondToken, bondAmount, forfeitOnDismissal, lockTransfers);
    }

    /// @inheritdoc IDisputeManager
    /// @dev Requirements: the caller has DEFAULT_ADMIN_ROLE; `royaltyVault_` is zero, or a contract over this
    /// registry that already lists this manager as a creditor ({InvalidRoyaltyVault}). Emits {RoyaltyVaultSet}.
    function setRoyaltyVault(address royaltyVault_) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (
            royaltyVault_ != address(0)
                && (
                    royaltyVault_.code.length == 0 || IRoyaltyVault(royaltyVault_).registry() != registry
                        || !IRoyaltyVault(royaltyVault_).isCreditor(address(this))
                )
        ) revert InvalidRoyaltyVault(royaltyVault_);
        _royaltyVault = royaltyVault_;
        emit RoyaltyVaultSet(royaltyVault_);
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IDisputeManager
    function royaltyVault() external view returns (address) {
        return _royaltyVault;
    }

    /// @inheritdoc IDisputeManager
    function settings()
        external
        view
        returns (address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers)
    {
        Settings memory current = _settings;
        return (current.bondToken, current.bondAmount, current.forfeitOnDismissal, current.lockTransfers);
    }

    /// @inheritdoc IDisputeManager
    /// @dev Reverts with {UnknownDispute} for an id never handed out.
    function disputeOf(uint256 disputeId) external view returns (Dispute memory) {
        StoredDispute storage stored = _disputes[disputeId];
        if (stored.claimant == address(0)) revert UnknownDispute(disputeId);
        return Dispute({
            tokenId: stored.tokenId,
            claimant: stored.claimant,
            evidenceHash: stored.evidenceHash,
            bondToken: stored.bondToken,
            bond: stored.bond,
            raisedAt: stored.raisedAt,
            resolvedAt: stored.resolvedAt,
            outcome: stored.outcome,
            remedy: stored.remedy,
            lockedTransfers: stored.lockedTransfers,
            forfeitOnDismissal: stored.forfeitOnDismissal,
            arbitrator: stored.arbitrator,
            rulingHash: stored.rulingHash
        });
    }

    /// @inheritdoc IDisputeManager
    /// @dev Reverts with {UnknownDispute} for an id never handed out.
    function disputedRegistration(uint256 disputeId) external view returns (uint32) {
        StoredDispute storage stored = _disputes[disputeId];
        if (stored.claimant == address(0)) revert UnknownDispute(disputeId);
        return stored.registeredAt;
    }

    /// @inheritdoc IDisputeManager
    function disputesOf(uint256 tokenId) external view returns (uint256[] memory) {
        return _disputesOf[tokenId];
    }

    /// @inheritdoc IDisputeManager
    function openDisputes(uint256 tokenId) external view returns (uint256) {
        return _rights[tokenId].open;
    }

    /// @inheritdoc IDisputeManager
    function upheldDisputes(uint256 tokenId) external view returns (uint256) {
        return _rights[tokenId].upheld;
    }

    /*//////////////////////////////////////////////////////////////
                              INTERNAL
    //////////////////////////////////////////////////////////////*/

    function _setSettings(address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers)
        private
    {
        // A locking dispute must cost a bond: a free one would let anybody lock any right.
        if (
            (bondAmount != 0 && bondToken == address(0)) || bondAmount > type(uint96).max
                || (lockTransfers && bondAmount == 0)
        ) {
            revert InvalidSettings(bondToken, bondAmount);
        }
        _settings = Settings({
            bondToken: bondToken,
            forfeitOnDismissal: forfeitOnDismissal,
            lockTransfers: lockTransfers,
            bondAmount: bondAmount
        });
        emit DisputeSettingsUpdated(bondToken, bondAmount, forfeitOnDismissal, lockTransfers);
    }

    /// @dev The effects of a resolution: the outcome and the counters. Returns whether the bond is forfeited (a
    /// bond, dismissed, forfeiting, the disputed registration still there), whether this was the last open locking
    /// dispute raised against the right's locked registration, and the remedy to apply: none when the registration the dispute was raised against
    /// was replaced (then the dispute is not counted as upheld either).
    function _close(
        StoredDispute storage stored,
        uint256 disputeId,
        bool upheld,
        uint8 remedy,
        bytes32 rulingHash,
        bool rightExists
    ) private returns (bool forfeit, bool releaseLock, uint8 applied) {
        uint256 tokenId = stored.tokenId;
        bool sameRegistration = !rightExists || _registrationStands(stored, disputeId);
        applied = sameRegistration ? remedy : uint8(Remedy.None);
        forfeit = stored.bond != 0 && !upheld && stored.forfeitOnDismissal && rightExists && sameRegistration;
        stored.outcome = upheld ? Outcome.Upheld : Outcome.Dismissed;
        stored.remedy = Remedy(applied);
        stored.arbitrator = msg.sender;
        stored.resolvedAt = uint64(block.timestamp);
        stored.rulingHash = rulingHash;
        RightDisputes storage counters = _rights[tokenId];
        // Cannot underflow: this dispute was open, and counted among the open locking disputes if it was raised
        // against the registration they count (`lockRegistration` only moves forward, with block time, so a count
        // restarted after this dispute was raised never matches its registration again). Cannot overflow: one
        // dispute per transaction.
        unchecked {
            --counters.open;
            // Equality is the rule: a registration time names the registration the lock counts (no deadline here).
            // slither-disable-next-line incorrect-equality
            if (stored.lockedTransfers && stored.registeredAt == counters.lockRegistration) {
                releaseLock = --counters.openLocking == 0;
                // No count left to keep: the slot can clear (and earn its refund) once nothing else is open.
                if (releaseLock) counters.lockRegistration = 0;
            }
            if (upheld && sameRegistration) ++counters.upheld;
        }
    }

    /// @dev Whether the right still stands under the registration the dispute was raised against (the registry's
    /// `registeredAt`); emits {DisputeRegistrationChanged} when it does not. Only for a right that exists.
    function _registrationStands(StoredDispute storage stored, uint256 disputeId) private returns (bool) {
        uint256 tokenId = stored.tokenId;
        uint32 current = IIPRegistry(registry).recordOf(tokenId).registeredAt;
        uint32 raisedAgainst = stored.registeredAt;
        if (current == raisedAgainst) return true;
        emit DisputeRegistrationChanged(disputeId, tokenId, raisedAgainst, current);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(
                    DisputeRegistrationChanged.selector, disputeId, tokenId, keccak256(abi.encode(raisedAgainst, current))
                )
            )
        );
        return false;
    }

    /// @dev Pays the bond out, the resolution's last interaction, and returns where it went: nowhere (zero) without
    /// a bond; back to the claimant unless forfeited; forfeited, to the beneficiary the royalty vault credited (the
    /// owner's royalty account, or the share token), or without a royalty vault straight to the owner. A royalty
    /// vault that cannot credit the right (see `_creditRoyaltyVault`) sends it back to the claimant.
    function _settleBond(StoredDispute storage stored, uint256 disputeId, bool forfeit)
        private
        returns (address recipient)
    {
        uint256 bond = stored.bond;
        if (bond == 0) return address(0);
        address bondToken = stored.bondToken;
        if (forfeit) {
            address vault = _royaltyVault;
            if (vault == address(0)) {
                recipient = IERC721(registry).ownerOf(stored.tokenId);
            } else {
                bool credited;
                (credited, recipient) = _creditRoyaltyVault(vault, stored.tokenId, bondToken, bond, disputeId);
                if (credited) return recipient;
                recipient = stored.claimant;
            }
        } else {
            recipient = stored.claimant;
        }
        SafeTransferLib.safeTransfer(bondToken, recipient, bond);
    }

    /// @dev Approves `vault` for the bond and has it credit the right (reference: the dispute id); returns true and
    /// the beneficiary it credited. Returns false, with the approval withdrawn, when the vault refuses because the
    /// right's share token cannot take the bond ({IRoyaltyVault-NoShareToken}, {IShareToken-TooManyRoyaltyCurrencies},
    /// {IShareToken-RoyaltyTotalTooLarge}); bubbles up any other refusal unchanged.
    function _creditRoyaltyVault(address vault, uint256 tokenId, address bondToken, uint256 bond, uint256 disputeId)
        private
        returns (bool credited, address beneficiary)
    {
        SafeTransferLib.safeApprove(bondToken, vault, bond);
        try IRoyaltyVault(vault).creditRight(tokenId, bondToken, bond, bytes32(disputeId)) returns (address paid) {
            return (true, paid);
        } catch (bytes memory reason) {
            bytes4 selector = bytes4(reason);
            if (
                reason.length < 4
                    || (
                        selector != IRoyaltyVault.NoShareToken.selector
                            && selector != IShareToken.TooManyRoyaltyCurrencies.selector
                            && selector != IShareToken.RoyaltyTotalTooLarge.selector
                    )
            ) {
                // Re-raises the vault's revert data as it came.
                assembly ("memory-safe") {
                    revert(add(reason, 0x20), mload(reason))
                }
            }
            SafeTransferLib.safeApprove(bondToken, vault, 0);
            return (false, address(0));
        }
    }

    /// @dev Applies the remedy through the registry (the ruling hash is the order hash), then lifts the lock if
    /// `releaseLock` (the last locking dispute closed) and the right, still existing, is locked.
    function _applyRuling(
        uint256 tokenId,
        uint256 disputeId,
        uint8 remedy,
        address recipient,
        bytes32 rulingHash,
        bool releaseLock
    ) private {
        IIPRegistry rights = IIPRegistry(registry);
        if (remedy == uint8(Remedy.Freeze)) {
            rights.freeze(tokenId, rulingHash);
        } else if (remedy == uint8(Remedy.ForceTransfer)) {
            rights.forceTransfer(tokenId, recipient, rulingHash);
        } else if (remedy == uint8(Remedy.Revoke)) {
            rights.revoke(tokenId, rulingHash);
            return;
        }
        if (releaseLock && rights.recordOf(tokenId).disputeLocked) {
            rights.setLock(tokenId, false, address(0), bytes32(disputeId));
        }
    }

    /// @dev Pulls `bond` of `bondToken` from the caller and checks that this contract received all of it.
    function _pullBond(address bondToken, uint256 bond) private {
        uint256 before = SafeTransferLib.balanceOf(bondToken, address(this));
        SafeTransferLib.safeTransferFrom(bondToken, msg.sender, address(this), bond);
        uint256 balance = SafeTransferLib.balanceOf(bondToken, address(this));
        uint256 received = balance > before ? balance - before : 0;
        if (received != bond) revert BondNotReceived(bond, received);
    }

    /// @dev Reverts with {InvalidRemedy} unless the remedy fits the outcome and the recipient fits the remedy.
    function _checkRemedy(bool upheld, uint8 remedy, address recipient) private pure {
        if (
            remedy > uint8(type(Remedy).max) || (!upheld && remedy != uint8(Remedy.None))
                || ((remedy == uint8(Remedy.ForceTransfer)) != (recipient != address(0)))
        ) revert InvalidRemedy(remedy);
    }
}
