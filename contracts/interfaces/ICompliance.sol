// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICompliance
/// @notice Investor and venue eligibility for restricted share tokens (ideas from ERC-3643, our own code).
/// @dev A compliance officer records verified investors (country, expiry of the check) and venue wallets (an
/// exchange's omnibus or hot wallet), and blocks countries. Share tokens in restricted mode ask
/// `checkTransfer` before every transfer; it reverts with the reason.
interface ICompliance {
    /// @notice What an address is to the compliance registry.
    enum IdentityKind {
        None,
        Investor,
        Venue
    }

    /// @notice An address's compliance identity, packed in one slot.
    /// @param kind Investor or venue wallet (None: unknown).
    /// @param country ISO 3166-1 alpha-2 country of an investor (zero for a venue).
    /// @param expiresAt Unix time the investor's verification lapses (0 for a venue: no expiry).
    struct Identity {
        IdentityKind kind;
        bytes2 country;
        uint40 expiresAt;
    }

    /// @notice `account` is not a verified investor nor a venue wallet.
    error NotEligible(address account);

    /// @notice `account`'s verification lapsed at `expiresAt`.
    error VerificationExpired(address account, uint40 expiresAt);

    /// @notice `account`'s country `country` is blocked.
    error CountryBlocked(address account, bytes2 country);

    /// @notice The expiry `expiresAt` is not in the future.
    error InvalidExpiry(uint40 expiresAt);

    /// @notice The country code is not two upper-case ASCII letters.
    error InvalidCountry(bytes2 country);

    /// @notice The zero address cannot be registered.
    error ZeroAddress();

    /// @notice `officer` verified `account` as an investor in `country` until `expiresAt`, on evidence `evidenceHash`.
    event InvestorVerified(
        address indexed account, bytes2 country, uint40 expiresAt, bytes32 evidenceHash, address indexed officer
    );

    /// @notice `officer` registered `wallet` as a venue wallet of the venue named by `venueHash`.
    event VenueRegistered(address indexed wallet, bytes32 venueHash, address indexed officer);

    /// @notice `officer` removed `account`'s identity for the reason `reasonHash`.
    event IdentityRevoked(address indexed account, bytes32 reasonHash, address indexed officer);

    /// @notice `officer` blocked or unblocked `country`.
    event CountryBlockSet(bytes2 indexed country, bool blocked, address indexed officer);

    /// @notice Records `account` as a verified investor. Requirements: COMPLIANCE_OFFICER_ROLE.
    function verifyInvestor(address account, bytes2 country, uint40 expiresAt, bytes32 evidenceHash) external;

    /// @notice Records `wallet` as a venue wallet. Requirements: COMPLIANCE_OFFICER_ROLE.
    function registerVenue(address wallet, bytes32 venueHash) external;

    /// @notice Removes `account`'s identity. Requirements: COMPLIANCE_OFFICER_ROLE.
    function revokeIdentity(address account, bytes32 reasonHash) external;

    /// @notice Blocks or unblocks `country`. Requirements: COMPLIANCE_OFFICER_ROLE.
    function setCountryBlocked(bytes2 country, bool blocked) external;

    /// @notice `account`'s identity.
    function identityOf(address account) external view returns (Identity memory);

    /// @notice Whether `country` is blocked.
    function isCountryBlocked(bytes2 country) external view returns (bool);

    /// @notice Whether `account` may hold restricted shares now (a venue, or an unexpired investor from an
    /// unblocked country).
    function isEligible(address account) external view returns (bool);

    /// @notice Reverts with the reason unless both `from` and `to` are eligible.
    function checkTransfer(address from, address to) external view;

    /// @notice Reverts with the reason unless `account` is eligible.
    function checkHolder(address account) external view;

    /// @notice Whether `account` holds the compliance officer role.
    function isOfficer(address account) external view returns (bool);
}
