// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ILicenseRegistry
/// @notice Types, errors, events and functions of the licence registry: licences of registered rights, granted by
/// the right's owner, binding on every later owner (a licence survives an assignment, as in patent law).
interface ILicenseRegistry {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice How far a licence excludes others. `Sole`: no other licensee in its scope (the owner may still use
    /// the right); `Exclusive`: nobody else, the owner included. Both conflict with any other licence whose
    /// territory, field and period overlap theirs.
    enum Exclusivity {
        NonExclusive,
        Sole,
        Exclusive
    }

    /// @notice What the owner grants.
    /// @param licensee Who may use the right.
    /// @param termsHash SHA-256 (or keccak) of the signed licence agreement; never zero.
    /// @param exclusivity An `Exclusivity` value as a plain uint8 (an unknown value reverts with a named error).
    /// @param territories ISO 3166-1 alpha-2 or regional codes (two upper-case ASCII letters); empty means
    /// worldwide.
    /// @param field keccak-256 of the field-of-use label (see docs/licensing.md); zero means every field.
    /// @param start Unix time the licence begins.
    /// @param end Unix time it ends (exclusive), or 0 for no end (it lasts as long as the right).
    /// @param sublicensable Whether the licensee may grant sublicences.
    /// @param royaltyBps Royalty rate in basis points of the licensee's net sales, at most 10,000.
    /// @param paymentToken ERC-20 in which royalties are paid; zero when the licence carries no royalty.
    struct Terms {
        address licensee;
        bytes32 termsHash;
        uint8 exclusivity;
        bytes2[] territories;
        bytes32 field;
        uint40 start;
        uint40 end;
        bool sublicensable;
        uint16 royaltyBps;
        address paymentToken;
    }

    /// @notice A licence as stored (territories: `territoriesOf`).
    struct License {
        uint256 tokenId;
        address licensee;
        address grantor;
        bytes32 termsHash;
        bytes32 field;
        address paymentToken;
        Exclusivity exclusivity;
        bool worldwide;
        bool sublicensable;
        uint16 royaltyBps;
        uint40 start;
        uint40 end;
        uint40 revokedAt;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `caller` does not own the right `tokenId` (only its owner grants licences).
    error NotRightOwner(address caller, uint256 tokenId);

    /// @notice The grant overlaps, in territory, field and period, the sole or exclusive licence `licenseId`
    /// (or is itself sole or exclusive and overlaps the licence `licenseId`).
    error LicenseConflict(uint256 licenseId);

    /// @notice The right `tokenId` already has `limit` licences that are neither revoked nor ended.
    error TooManyLicenses(uint256 tokenId, uint256 limit);

    /// @notice No licence `licenseId` exists.
    error UnknownLicense(uint256 licenseId);

    /// @notice The licence `licenseId` was already revoked.
    error LicenseAlreadyRevoked(uint256 licenseId);

    /// @notice `caller` may not revoke the licence `licenseId` (the right's owner or a registrar may).
    error NotLicensor(address caller, uint256 licenseId);

    /// @notice The licensee is the zero address.
    error InvalidLicensee();

    /// @notice The exclusivity value is not an `Exclusivity`.
    error InvalidExclusivity(uint8 exclusivity);

    /// @notice A territory is not two upper-case ASCII letters.
    error InvalidTerritory(bytes2 territory);

    /// @notice The period is empty: `end` is not after `start`.
    error InvalidPeriod(uint40 start, uint40 end);

    /// @notice A royalty above 10,000 basis points, or a royalty without a payment token.
    error InvalidRoyalty(uint16 royaltyBps, address paymentToken);

    /// @notice A terms or reason hash must not be zero.
    error MissingHash();

    /// @notice The right `tokenId` is frozen or locked by an open dispute: its owner may neither grant nor revoke
    /// licences of it (a registrar may still revoke).
    error RightLocked(uint256 tokenId);

    /// @notice The right `tokenId` is pledged for a loan: while it is, its owner may grant only non-exclusive
    /// licences (a sole or exclusive licence would take value from the pledgee's security; docs/financing.md).
    error PledgedRightExclusive(uint256 tokenId);

    /// @notice The right `tokenId` expired at `expiry`: no licence of it may be granted.
    error RightExpired(uint256 tokenId, uint40 expiry);

    /// @notice The territory `territory` appears more than once in one grant.
    error DuplicateTerritory(bytes2 territory);

    /// @notice The IP registry is paused: no licence may be granted, and an owner may not revoke one (a registrar
    /// still may).
    error RegistryPaused();

    /// @notice The field-of-use label given does not hash to the terms' `field` (keccak-256 of its bytes).
    error FieldMismatch(bytes32 field, bytes32 labelHash);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice `grantor`, the owner of `tokenId`, granted licence `licenseId` to `licensee` on these terms.
    event LicenseGranted(
        uint256 indexed licenseId,
        uint256 indexed tokenId,
        address indexed licensee,
        address grantor,
        bytes32 termsHash,
        uint8 exclusivity,
        bytes2[] territories,
        bytes32 field,
        uint40 start,
        uint40 end,
        bool sublicensable,
        uint16 royaltyBps,
        address paymentToken
    );

    /// @notice The field of use of licence `licenseId` of `tokenId` in clear: `fieldOfUse` hashes (keccak-256) to the
    /// licence's `field`, so anyone reads what the licensee may do without a dictionary of labels.
    event LicenseFieldOfUse(uint256 indexed licenseId, uint256 indexed tokenId, string fieldOfUse);

    /// @notice `by` revoked licence `licenseId` of `tokenId` for the reason whose hash is `reasonHash`.
    event LicenseRevoked(uint256 indexed licenseId, uint256 indexed tokenId, address indexed by, bytes32 reasonHash);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Grants a licence of `tokenId` on `terms`; the caller must own the right.
    function grant(uint256 tokenId, Terms calldata terms) external returns (uint256 licenseId);

    /// @notice `grant`, publishing the field of use in clear: `fieldOfUse` must hash (keccak-256 of its UTF-8 bytes)
    /// to `terms.field`, which must not be zero (every field has no label).
    function grant(uint256 tokenId, Terms calldata terms, string calldata fieldOfUse)
        external
        returns (uint256 licenseId);

    /// @notice Revokes licence `licenseId` (the right's current owner or a registrar), recording `reasonHash`.
    function revoke(uint256 licenseId, bytes32 reasonHash) external;

    /// @notice The licence `licenseId`.
    function licenseOf(uint256 licenseId) external view returns (License memory);

    /// @notice The territories of licence `licenseId` in ascending code order (empty: worldwide).
    function territoriesOf(uint256 licenseId) external view returns (bytes2[] memory);

    /// @notice Every licence ever granted on `tokenId`, oldest first (revoked and expired ones included).
    function licensesOf(uint256 tokenId) external view returns (uint256[] memory);

    /// @notice Whether licence `licenseId` is in force at `time` (started, not ended, not revoked).
    function isActive(uint256 licenseId, uint256 time) external view returns (bool);

    /// @notice Whether `licensee` holds a licence of `tokenId` in force at `time` that covers `territory` and
    /// `field`, and the first such licence. A licence covers a field if it is for all fields (zero) or for that
    /// field; asking for field zero (all fields) is covered only by an all-fields licence. Likewise, asking for
    /// territory zero (worldwide) is covered only by a worldwide licence.
    function isLicensed(uint256 tokenId, address licensee, bytes2 territory, bytes32 field, uint256 time)
        external
        view
        returns (bool licensed, uint256 licenseId);
}
