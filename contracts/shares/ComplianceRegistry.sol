// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {Identifiers} from "../libraries/Identifiers.sol";

/// @title ComplianceRegistry
/// @notice Who may hold restricted shares: verified investors (country, expiry) and venue wallets, recorded by
/// compliance officers; blocked countries. One registry serves every share token.
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

    mapping(address account => Identity) private _identities;

    /// @dev Bit `(first - 'A') * 26 + (second - 'A')` set when that country is blocked.
    uint256[3] private _blockedCountries;

    /// @dev Bit `index % 256` set when any country whose index has that remainder is blocked.
    uint256 private _blockedSummary;

    /// @param admin Receives the admin and compliance officer roles.
    constructor(address admin) {
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(COMPLIANCE_OFFICER_ROLE, admin);
    }

    /// @inheritdoc ICompliance
    /// @dev Re-verifying an investor overwrites the previous record. Emits {InvestorVerified}.
    function verifyInvestor(address account, bytes2 country, uint40 expiresAt, bytes32 evidenceHash)
        external
        onlyRole(COMPLIANCE_OFFICER_ROLE)
    {
        if (account == address(0)) revert ZeroAddress();
        _countryIndex(country);
        if (expiresAt <= block.timestamp) revert InvalidExpiry(expiresAt);
        _identities[account] = Identity({kind: IdentityKind.Investor, country: country, expiresAt: expiresAt});
        emit InvestorVerified(account, country, expiresAt, evidenceHash, msg.sender);
    }

    /// @inheritdoc ICompliance
    /// @dev Emits {VenueRegistered}.
    function registerVenue(address wallet, bytes32 venueHash) external onlyRole(COMPLIANCE_OFFICER_ROLE) {
        if (wallet == address(0)) revert ZeroAddress();
        _identities[wallet] = Identity({kind: IdentityKind.Venue, country: bytes2(0), expiresAt: 0});
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
    function isOfficer(address account) external view returns (bool) {
        return hasRole(COMPLIANCE_OFFICER_ROLE, account);
    }

    function _check(address account) private view {
        Identity memory identity = _identities[account];
        if (identity.kind == IdentityKind.Venue) return;
        if (identity.kind != IdentityKind.Investor) revert NotEligible(account);
        if (identity.expiresAt <= block.timestamp) revert VerificationExpired(account, identity.expiresAt);
        if (isCountryBlocked(identity.country)) revert CountryBlocked(account, identity.country);
    }

    /// @dev The country's bit index (its `Identifiers.codeIndex`), reverting {InvalidCountry} unless it is two
    /// upper-case letters.
    function _countryIndex(bytes2 country) private pure returns (uint256 index) {
        index = Identifiers.codeIndex(country);
        if (index >= Identifiers.CODE_COUNT) revert InvalidCountry(country);
    }
}
