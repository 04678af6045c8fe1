// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IDisputeManager
/// @notice Types, errors, events and functions of disputes about registered rights: anyone raises one with an
/// evidence hash and a bond; an arbitrator (or a registrar given the arbitrator role) upholds or dismisses it.
/// @dev Upheld: the right is flagged, the bond returns to the claimant, and the ruling may freeze, force-transfer
/// or revoke the right (the manager holds the registry's registrar role for exactly these remedies). Dismissed: the
/// bond goes back to the claimant or, when forfeited, to whoever owns the right economically: through the royalty
/// vault, if one is set, to the owner's royalty account or pro rata to the share holders of a fractionalized right;
/// without one, straight to the owner. While a dispute is open the right is marked disputed; if `lockTransfers` is
/// on, the registry also blocks its transfers until the last open dispute about it is resolved.
interface IDisputeManager {
    /// @notice How a dispute ended.
    enum Outcome {
        Open,
        Upheld,
        Dismissed
    }

    /// @notice What an upheld ruling does to the right besides flagging it.
    enum Remedy {
        None,
        Freeze,
        ForceTransfer,
        Revoke
    }

    /// @notice A dispute as stored.
    struct Dispute {
        uint256 tokenId;
        address claimant;
        bytes32 evidenceHash;
        address bondToken;
        uint256 bond;
        uint64 raisedAt;
        uint64 resolvedAt;
        Outcome outcome;
        Remedy remedy;
        bool lockedTransfers;
        bool forfeitOnDismissal;
        address arbitrator;
        bytes32 rulingHash;
    }

    /// @notice The right `tokenId` does not exist in the registry.
    error UnknownRight(uint256 tokenId);

    /// @notice No dispute `disputeId` exists.
    error UnknownDispute(uint256 disputeId);

    /// @notice The dispute `disputeId` is already resolved.
    error DisputeClosed(uint256 disputeId);

    /// @notice An evidence or ruling hash must not be zero.
    error MissingHash();

    /// @notice The remedy value is not a `Remedy`, a force transfer has no recipient, a recipient is named for
    /// another remedy, or a dismissal carries a remedy.
    error InvalidRemedy(uint8 remedy);

    /// @notice The bond token moved `received` instead of `expected` (fee-on-transfer or broken token).
    error BondNotReceived(uint256 expected, uint256 received);

    /// @notice A non-zero bond needs a bond token, the bond amount must fit 96 bits, and locking transfers needs a
    /// non-zero bond.
    error InvalidSettings(address bondToken, uint256 bondAmount);

    /// @notice `royaltyVault` is not a contract of this registry that lists this manager as a creditor.
    error InvalidRoyaltyVault(address royaltyVault);

    /// @notice `claimant` raised dispute `disputeId` about `tokenId` on the evidence `evidenceHash`, posting `bond`
    /// of `bondToken` (zero address when the bond is zero); `lockedTransfers` tells whether the right's transfers
    /// are blocked while it is open, `forfeitOnDismissal` whether a dismissal pays the bond to the right's owner.
    event DisputeRaised(
        uint256 indexed disputeId,
        uint256 indexed tokenId,
        address indexed claimant,
        bytes32 evidenceHash,
        address bondToken,
        uint256 bond,
        bool lockedTransfers,
        bool forfeitOnDismissal
    );

    /// @notice `arbitrator` resolved dispute `disputeId`; the bond went to `bondRecipient` (zero when none; for a
    /// bond forfeited through the royalty vault, the beneficiary it credited: the owner, or the share token).
    event DisputeResolved(
        uint256 indexed disputeId,
        uint256 indexed tokenId,
        address indexed arbitrator,
        uint8 outcome,
        uint8 remedy,
        bytes32 rulingHash,
        address bondRecipient
    );

    /// @notice Dispute `disputeId` was raised against the registration of `tokenId` made at `raisedAgainst` (unix
    /// seconds), but the right now stands under the registration made at `current` (it was superseded, or revoked
    /// and registered again): the resolution applies no remedy, does not flag the right, and refunds the bond.
    event DisputeRegistrationChanged(
        uint256 indexed disputeId, uint256 indexed tokenId, uint32 raisedAgainst, uint32 current
    );

    /// @notice The admin changed the dispute settings.
    event DisputeSettingsUpdated(address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers);

    /// @notice The admin set the royalty vault that receives forfeited bonds (zero: they go straight to the owner).
    event RoyaltyVaultSet(address indexed royaltyVault);

    /// @notice Raises a dispute about `tokenId`, pulling the configured bond from the caller (approve first).
    function raiseDispute(uint256 tokenId, bytes32 evidenceHash) external returns (uint256 disputeId);

    /// @notice Resolves dispute `disputeId`: `upheld` or dismissed; for an upheld one, `remedy` (a `Remedy`
    /// value) with `recipient` for a force transfer. Requires the arbitrator role.
    function resolve(uint256 disputeId, bool upheld, uint8 remedy, address recipient, bytes32 rulingHash) external;

    /// @notice Sets the bond (token and amount), what happens to it on dismissal, and whether open disputes block
    /// transfers (applies to disputes raised afterwards). Requires the admin role.
    function setSettings(address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers) external;

    /// @notice Sets the royalty vault through which forfeited bonds reach the right's owner or share holders (zero:
    /// straight to the owner). Applies to every later resolution. Requires the admin role.
    function setRoyaltyVault(address royaltyVault) external;

    /// @notice The royalty vault set by `setRoyaltyVault` (zero until then).
    function royaltyVault() external view returns (address);

    /// @notice The current settings, which apply to disputes raised from now on.
    function settings()
        external
        view
        returns (address bondToken, uint256 bondAmount, bool forfeitOnDismissal, bool lockTransfers);

    /// @notice The dispute `disputeId`.
    function disputeOf(uint256 disputeId) external view returns (Dispute memory);

    /// @notice The registry's `registeredAt` of the registration dispute `disputeId` was raised against.
    function disputedRegistration(uint256 disputeId) external view returns (uint32);

    /// @notice Every dispute ever raised about `tokenId`, oldest first.
    function disputesOf(uint256 tokenId) external view returns (uint256[] memory);

    /// @notice How many disputes about `tokenId` are open.
    function openDisputes(uint256 tokenId) external view returns (uint256);

    /// @notice How many disputes about `tokenId` were upheld (a non-zero count flags the right).
    function upheldDisputes(uint256 tokenId) external view returns (uint256);
}
