// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {Identifiers} from "../libraries/Identifiers.sol";

/// @title ComplianceRegistry
/// @notice Who may hold restricted shares: verified investors (country, expiry, investor categories) and venue
/// wallets, recorded by global compliance officers; blocked countries; officers scoped to an issuer or a share
/// token. One registry serves every share token; each token adds its own rules (ShareToken.setTransferRules).
/// @dev
/// - An identity fits one slot. Blocked countries are a 676-bit map (26 x 26 letter pairs) in three slots plus a
///   one-slot summary (bit `index % 256` set when any country with that remainder is blocked), so a
///   `checkTransfer` between investors of unblocked countries costs two identity reads and one summary read.
/// - Venue wallets (an exchange's omnibus or hot wallet) have no country and no expiry: the venue screens the
///   investors behind them.
contract ComplianceRegistry is AccessControl, ICompliance {
    /// @notice Role of accounts that verify investors, register venues, block countries and, on share tokens,
    /// freeze, force-transfer and recover.
    bytes32 public constant COMPLIANCE_OFFICER_ROLE = Identifiers.COMPLIANCE_OFFICER_ROLE;

    /// @notice Investor category bit: a professional investor under Hong Kong's Securities and Futures Ordinance.
    uint16 public constant CATEGORY_PROFESSIONAL_HK = 1 << 0;

    /// @notice Investor category bit: an accredited investor (e.g. US Regulation D, Rule 501).
    uint16 public constant CATEGORY_ACCREDITED = 1 << 1;

    /// @notice Investor category bit: a qualified investor (e.g. the PRC's 合格投资者, the EU's qualified investor).
    uint16 public constant CATEGORY_QUALIFIED = 1 << 2;

    /// @notice Investor category bit: a retail investor.
    uint16 public constant CATEGORY_RETAIL = 1 << 3;

    mapping(address account => Identity) private _identities;

    /// @dev Bit `(first - 'A') * 26 + (second - 'A')` set when that country is blocked.
    uint256[3] private _blockedCountries;

    /// @dev Bit `index % 256` set when any country whose index has that remainder is blocked.
    uint256 private _blockedSummary;

    mapping(address issuer => mapping(address account => bool)) private _issuerOfficers;

    mapping(address token => mapping(address account => bool)) private _tokenOfficers;

    /// @param admin Receives the admin and compliance officer roles.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(COMPLIANCE_OFFICER_ROLE, admin);
    }

    /// @inheritdoc ICompliance
    /// @dev Re-verifying an investor overwrites its country and expiry and keeps its categories. Emits
    /// {InvestorVerified}.
    function verifyInvestor(address account, bytes2 country, uint40 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(COMPLIANCE_OFFICER_ROLE)
    {
        if (account == address(0)) revert ZeroAddress();
        _countryIndex(country);
        if (expiresAt <= block.timestamp) revert InvalidExpiry(expiresAt);
        Identity memory identity = _identities[account];
        if (identity.kind != IdentityKind.Investor) (identity.categories, identity.categoriesExpireAt) = (0, 0);
        identity.kind = IdentityKind.Investor;
        identity.country = country;
        identity.expiresAt = expiresAt;
        _identities[account] = identity;
        emit InvestorVerified(account, country, expiresAt, evidenceHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Zero categories clear them. Emits {InvestorCategoriesSet}.
    function setInvestorCategories(address account, uint16 categories, uint40 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(COMPLIANCE_OFFICER_ROLE)
    {
        Identity storage identity = _identities[account];
        if (identity.kind != IdentityKind.Investor) revert NotInvestor(account);
        if (categories != 0 && expiresAt <= block.timestamp) revert InvalidExpiry(expiresAt);
        identity.categories = categories;
        identity.categoriesExpireAt = categories == 0 ? 0 : expiresAt;
        emit InvestorCategoriesSet(account, categories, categories == 0 ? 0 : expiresAt, evidenceHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {IssuerOfficerSet}.
    function setIssuerOfficer(address issuer, address officer, bool enabled)
        external
        onlyRole(COMPLIANCE_OFFICER_ROLE)
    {
        if (issuer == address(0) || officer == address(0)) revert ZeroAddress();
        _issuerOfficers[issuer][officer] = enabled;
        emit IssuerOfficerSet(issuer, officer, enabled, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {TokenOfficerSet}.
    function setTokenOfficer(address token, address officer, bool enabled) external {
        if (token == address(0) || officer == address(0)) revert ZeroAddress();
        if (!hasRole(COMPLIANCE_OFFICER_ROLE, msg.sender) && !_issuerOfficers[_issuerOf(token)][msg.sender]) {
            revert NotScopeAdmin(msg.sender, token);
        }
        _tokenOfficers[token][officer] = enabled;
        emit TokenOfficerSet(token, officer, enabled, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {VenueRegistered}.
    function registerVenue(address wallet, bytes32 venueHash) external onlyRole(COMPLIANCE_OFFICER_ROLE) {
        if (wallet == address(0)) revert ZeroAddress();
        _identities[wallet] = Identity({
            kind: IdentityKind.Venue, country: bytes2(0), expiresAt: 0, categories: 0, categoriesExpireAt: 0
        });
        emit VenueRegistered(wallet, venueHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {IdentityRevoked}.
    function revokeIdentity(address account, bytes32 reasonHash) external onlyRole(COMPLIANCE_OFFICER_ROLE) {
        delete _identities[account];
        emit IdentityRevoked(account, reasonHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {CountryBlockSet}.
    function setCountryBlocked(bytes2 country, bool blocked) external onlyRole(COMPLIANCE_OFFICER_ROLE) {
        uint256 index = _countryIndex(country);
        uint256 bit = index & 0xff;
        if (blocked) _blockedCountries[index >> 8] |= 1 << bit;
        else _blockedCountries[index >> 8] &= ~uint256(1 << bit);
        uint256 sharing = (_blockedCountries[0] | _blockedCountries[1] | _blockedCountries[2]) & (1 << bit);
        _blockedSummary = sharing != 0 ? _blockedSummary | (1 << bit) : _blockedSummary & ~uint256(1 << bit);
        emit CountryBlockSet(country, blocked, msg.sender);
    }

    /// @inheritdoc ICompliance
    function identityOf(address account) external view returns (Identity memory) {
        return _identities[account];
    }

    /// @inheritdoc ICompliance
    function isCountryBlocked(bytes2 country) public view returns (bool) {
        uint256 index = _countryIndex(country);
        uint256 bit = 1 << (index & 0xff);
        if (_blockedSummary & bit == 0) return false;
        return _blockedCountries[index >> 8] & bit != 0;
    }

    /// @inheritdoc ICompliance
    function isEligible(address account) external view returns (bool) {
        Identity memory identity = _identities[account];
        if (identity.kind == IdentityKind.Venue) return true;
        return identity.kind == IdentityKind.Investor && identity.expiresAt > block.timestamp
            && !isCountryBlocked(identity.country);
    }

    /// @inheritdoc ICompliance
    /// @dev Reverts {NotEligible}, {VerificationExpired} or {CountryBlocked} naming the first failing party.
    function checkTransfer(address from, address to) external view {
        _check(from);
        _check(to);
    }

    /// @inheritdoc ICompliance
    function checkHolder(address account) external view {
        _check(account);
    }

    /// @inheritdoc ICompliance
    /// @dev Reverts as `checkTransfer`, or {CategoryNotAllowed} / {CategoriesExpired} for `to`.
    function checkTransferTo(address from, address to, uint16 categories) external view returns (bytes2 toCountry) {
        _check(from);
        return _checkIn(to, categories);
    }

    /// @inheritdoc ICompliance
    function checkHolderIn(address account, uint16 categories) external view returns (bytes2 country) {
        return _checkIn(account, categories);
    }

    /// @inheritdoc ICompliance
    function isEligibleIn(address account, uint16 categories) external view returns (bool eligible, bytes2 country) {
        Identity memory identity = _identities[account];
        if (identity.kind == IdentityKind.Venue) return (true, 0);
        if (identity.kind != IdentityKind.Investor) return (false, 0);
        eligible = identity.expiresAt > block.timestamp && !isCountryBlocked(identity.country)
            && (categories == 0 || (identity.categories & categories != 0 && identity.categoriesExpireAt > block.timestamp));
        return (eligible, identity.country);
    }

    /// @inheritdoc ICompliance
    function isOfficer(address account) external view returns (bool) {
        return hasRole(COMPLIANCE_OFFICER_ROLE, account);
    }

    /// @inheritdoc ICompliance
    function isIssuerOfficer(address issuer, address account) external view returns (bool) {
        return hasRole(COMPLIANCE_OFFICER_ROLE, account) || _issuerOfficers[issuer][account];
    }

    /// @inheritdoc ICompliance
    /// @dev The token's issuer is read from the token (`issuer()`); an address without one has no issuer scope.
    function isTokenOfficer(address token, address account) external view returns (bool) {
        return hasRole(COMPLIANCE_OFFICER_ROLE, account) || _tokenOfficers[token][account]
            || _issuerOfficers[_issuerOf(token)][account];
    }

    function _check(address account) private view {
        Identity memory identity = _identities[account];
        if (identity.kind == IdentityKind.Venue) return;
        if (identity.kind != IdentityKind.Investor) revert NotEligible(account);
        if (identity.expiresAt <= block.timestamp) revert VerificationExpired(account, identity.expiresAt);
        if (isCountryBlocked(identity.country)) revert CountryBlocked(account, identity.country);
    }

    /// @dev `_check(account)` and, when `categories` is not zero, that an investor holds one of them unexpired;
    /// returns the investor's country (zero for a venue wallet).
    function _checkIn(address account, uint16 categories) private view returns (bytes2) {
        Identity memory identity = _identities[account];
        if (identity.kind == IdentityKind.Venue) return 0;
        if (identity.kind != IdentityKind.Investor) revert NotEligible(account);
        if (identity.expiresAt <= block.timestamp) revert VerificationExpired(account, identity.expiresAt);
        if (isCountryBlocked(identity.country)) revert CountryBlocked(account, identity.country);
        if (categories != 0) {
            if (identity.categories & categories == 0) {
                revert CategoryNotAllowed(account, identity.categories, categories);
            }
            if (identity.categoriesExpireAt <= block.timestamp) {
                revert CategoriesExpired(account, identity.categoriesExpireAt);
            }
        }
        return identity.country;
    }

    /// @dev The issuer a share token names (its `issuer()`), or zero when `token` answers none.
    function _issuerOf(address token) private view returns (address issuer) {
        (bool ok, bytes memory answer) = token.staticcall(abi.encodeWithSignature("issuer()"));
        if (ok && answer.length == 32) issuer = abi.decode(answer, (address));
    }

    /// @dev The country's bit index (its `Identifiers.codeIndex`), reverting {InvalidCountry} unless it is two
    /// upper-case letters.
    function _countryIndex(bytes2 country) private pure returns (uint256 index) {
        index = Identifiers.codeIndex(country);
        if (index >= Identifiers.CODE_COUNT) revert InvalidCountry(country);
    }
}
