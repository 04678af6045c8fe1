// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ICompliance
/// @notice Investor and venue eligibility for restricted share tokens (ideas from ERC-3643, our own code), and
/// officers scoped to an issuer or a share token.
/// @dev
/// - A global compliance officer (the exchange) records verified investors (country, expiry of the check), their
///   investor categories (evidence, expiry) and venue wallets (an exchange's omnibus or hot wallet, a pool), and
///   blocks countries. Share tokens in restricted mode ask `checkTransfer` (or, with per-token rules on,
///   `checkTransferTo`) before every transfer; it reverts with the reason.
/// - Officers: a global officer holds COMPLIANCE_OFFICER_ROLE and may act on every share token. A global officer
///   appoints officers of an issuer (the account that fractionalized rights); an issuer's officer appoints officers
///   of one of that issuer's share tokens. A share token accepts an act (freeze, forced transfer, recovery, rules)
///   from any officer whose scope covers it (`isTokenOfficer`). Identities stay global: only global officers verify
///   investors, so an issuer cannot admit investors to other issuers' tokens.
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
    /// @param categories The investor's categories, a bit per category (see the CATEGORY_ constants of the
    /// registry: Hong Kong professional investor, accredited, qualified, retail); zero for a venue.
    /// @param categoriesExpireAt Unix time the categories lapse (0: none recorded).
    struct Identity {
        IdentityKind kind;
        bytes2 country;
        uint40 expiresAt;
        uint16 categories;
        uint40 categoriesExpireAt;
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

    /// @notice `account` is not a verified investor (categories belong to investors).
    error NotInvestor(address account);

    /// @notice `account`'s categories `categories` include none of the token's allowed `allowed`.
    error CategoryNotAllowed(address account, uint16 categories, uint16 allowed);

    /// @notice `account`'s investor categories lapsed at `expiresAt`.
    error CategoriesExpired(address account, uint40 expiresAt);

    /// @notice `caller` may not appoint officers of `scope` (an issuer or a share token).
    error NotScopeAdmin(address caller, address scope);

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

    /// @notice `officer` recorded `account`'s investor categories until `expiresAt`, on evidence `evidenceHash`.
    event InvestorCategoriesSet(
        address indexed account, uint16 categories, uint40 expiresAt, bytes32 evidenceHash, address indexed officer
    );

    /// @notice `by` appointed (`enabled`) or removed `officer` as an officer of `issuer`'s share tokens.
    event IssuerOfficerSet(address indexed issuer, address indexed officer, bool enabled, address by);

    /// @notice `by` appointed (`enabled`) or removed `officer` as an officer of the share token `token`.
    event TokenOfficerSet(address indexed token, address indexed officer, bool enabled, address by);

    /// @notice Records `account` as a verified investor. Requirements: COMPLIANCE_OFFICER_ROLE.
    function verifyInvestor(address account, bytes2 country, uint40 expiresAt, bytes32 evidenceHash) external;

    /// @notice Records `wallet` as a venue wallet. Requirements: COMPLIANCE_OFFICER_ROLE.
    function registerVenue(address wallet, bytes32 venueHash) external;

    /// @notice Removes `account`'s identity. Requirements: COMPLIANCE_OFFICER_ROLE.
    function revokeIdentity(address account, bytes32 reasonHash) external;

    /// @notice Blocks or unblocks `country`. Requirements: COMPLIANCE_OFFICER_ROLE.
    function setCountryBlocked(bytes2 country, bool blocked) external;

    /// @notice Records `account`'s investor categories (a bit each) until `expiresAt`. Requirements: global officer;
    /// `account` is a verified investor.
    function setInvestorCategories(address account, uint16 categories, uint40 expiresAt, bytes32 evidenceHash)
        external;

    /// @notice Appoints or removes an officer of `issuer`'s share tokens. Requirements: global officer.
    function setIssuerOfficer(address issuer, address officer, bool enabled) external;

    /// @notice Appoints or removes an officer of the share token `token`. Requirements: global officer, or an
    /// officer of the token's issuer.
    function setTokenOfficer(address token, address officer, bool enabled) external;

    /// @notice Whether `account` is an officer of `issuer` (appointed for it, or global).
    function isIssuerOfficer(address issuer, address account) external view returns (bool);

    /// @notice Whether `account` may act on the share token `token`: a global officer, an officer of the token's
    /// issuer, or an officer of the token.
    function isTokenOfficer(address token, address account) external view returns (bool);

    /// @notice `checkTransfer(from, to)`, then, when `categories` is not zero, that an investor `to` holds one of
    /// them unexpired; returns `to`'s country (zero for a venue wallet). Reverts with the reason.
    function checkTransferTo(address from, address to, uint16 categories) external view returns (bytes2 toCountry);

    /// @notice `checkHolder(account)` and the categories test of `checkTransferTo`; returns the country.
    function checkHolderIn(address account, uint16 categories) external view returns (bytes2 country);

    /// @notice Never reverts: whether `account` is eligible and, when `categories` is not zero, holds one of them
    /// unexpired (venues pass); and its country (zero for a venue or an unknown account).
    function isEligibleIn(address account, uint16 categories) external view returns (bool eligible, bytes2 country);

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
