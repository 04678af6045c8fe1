// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {ILicenseRegistry} from "../interfaces/ILicenseRegistry.sol";
import {IRoyaltyVault} from "../interfaces/IRoyaltyVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";

/// @title RoyaltyVault
/// @notice Takes royalty payments on licences in each licence's payment token and credits them to whoever owns
/// the right at the moment of payment: the owner withdraws them; the holders of a fractionalized right claim them
/// pro rata from its share token.
/// @dev
/// - Anyone may pay on any licence (normally its licensee), also an ended, revoked or not yet started one: late
///   payments settle past sales. Only a licence in force (started, not ended, not revoked) granted by the share
///   token's issuer (who fractionalized the right) may bring a new currency to a share token, though
///   (`CurrencyNotOpen`): a share token takes only a few currencies, and licences in junk tokens would otherwise
///   fill them for good: a former holder's (revoked or not: once the vault holds the right nobody but a registrar
///   can revoke them), or the issuer's own that ended before she fractionalized (a buyer screening live licences
///   never sees them). Other licences pay in the open currencies. The licence names the right and the token; the
///   amount and the sales report are the payer's.
/// - The beneficiary is fixed at payment: a later assignee of the right does not receive earlier royalties, and
///   holders who sell their shares keep what accrued while they held them.
/// - A payment is pulled with `transferFrom` and checked by the payee's balance difference, so a fee-on-transfer
///   or lying token reverts the payment (`PaymentNotReceived`).
/// - Creditors (accounts the deployer authorises with `setCreditor`: the dispute manager, for forfeited bonds) credit
///   a right without a licence through `creditRight`, by the same path as `pay`. Nobody else may: every new
///   currency takes one of a share token's four royalty slots and makes its transfers dearer.
/// - Pull payments, checks-effects-interactions and a transient reentrancy guard on every function that moves
///   tokens.
contract RoyaltyVault is IRoyaltyVault, ReentrancyGuardTransient {
    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRoyaltyVault
    address public immutable registry;

    /// @inheritdoc IRoyaltyVault
    address public immutable licenses;

    /// @inheritdoc IRoyaltyVault
    /// @dev The only account that may call `setFractionVault` (once) and `setCreditor`.
    address public immutable deployer;

    /// @inheritdoc IRoyaltyVault
    address public fractionVault;

    mapping(address account => mapping(address token => uint256 amount)) private _owed;

    mapping(address creditor => bool allowed) private _creditors;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param registry_ The IP registry.
    /// @param licenses_ The licence registry (ILicenseRegistry).
    constructor(address registry_, address licenses_) {
        registry = registry_;
        licenses = licenses_;
        deployer = msg.sender;
    }

    /*//////////////////////////////////////////////////////////////
                               PAYMENTS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRoyaltyVault
    /// @dev Requirements: `amount` is positive; the licence exists (else the licence registry's `UnknownLicense`)
    /// and names a payment token; the right still exists; the caller approved this vault for `amount`; the payee
    /// receives exactly `amount`. When the fraction vault holds the right, its share token receives the payment and
    /// distributes it (see IShareToken.distributeRoyalty); a licence not in force (revoked, ended, or not yet
    /// started), or one granted by anybody but the share token's issuer, may then pay only in a currency the share
    /// token already distributes ({CurrencyNotOpen}).
    /// Emits {RoyaltyPaid} (and the token's {Transfer}; {RoyaltyDistributed} from the share token).
    function pay(uint256 licenseId, uint256 amount, bytes32 reportHash) external nonReentrant {
        if (amount == 0) revert ZeroAmount();
        ILicenseRegistry.License memory license = ILicenseRegistry(licenses).licenseOf(licenseId);
        address token = license.paymentToken;
        if (token == address(0)) revert NoPaymentToken(licenseId);
        (address beneficiary, bool shares) = _credit(license.tokenId, token, amount);
        if (
            shares && (!_inForce(license) || license.grantor != IShareToken(beneficiary).issuer())
                && !_isRoyaltyCurrency(beneficiary, token)
        ) {
            revert CurrencyNotOpen(licenseId, token);
        }
        emit RoyaltyPaid(licenseId, license.tokenId, msg.sender, token, amount, beneficiary, reportHash);
        _collect(token, amount, beneficiary, shares);
    }

    /// @inheritdoc IRoyaltyVault
    /// @dev Requirements: the caller is a creditor ({NotCreditor}); `amount` is positive; the right exists
    /// ({UnknownRight}) and, when the fraction vault holds it, has a share token ({NoShareToken}); the caller
    /// approved this vault for `amount` of `token`; the payee receives exactly `amount` ({PaymentNotReceived}); the
    /// share token's own limits ({IShareToken-TooManyRoyaltyCurrencies}, {IShareToken-RoyaltyTotalTooLarge}).
    /// Emits {RightCredited} (and the token's {Transfer}; {RoyaltyDistributed} from the share token).
    function creditRight(uint256 tokenId, address token, uint256 amount, bytes32 ref)
        external
        nonReentrant
        returns (address beneficiary)
    {
        if (!_creditors[msg.sender]) revert NotCreditor(msg.sender);
        if (amount == 0) revert ZeroAmount();
        bool shares;
        (beneficiary, shares) = _credit(tokenId, token, amount);
        emit RightCredited(tokenId, msg.sender, token, amount, beneficiary, ref);
        _collect(token, amount, beneficiary, shares);
    }

    /// @inheritdoc IRoyaltyVault
    /// @dev Requirements: something is owed to the caller in `token`. Emits {RoyaltyWithdrawn} (and the token's
    /// {Transfer}).
    function withdraw(address token) external nonReentrant returns (uint256 amount) {
        amount = _owed[msg.sender][token];
        if (amount == 0) revert NothingOwed(msg.sender, token);
        delete _owed[msg.sender][token];
        emit RoyaltyWithdrawn(msg.sender, token, amount);
        SafeTransferLib.safeTransfer(token, msg.sender, amount);
    }

    /*//////////////////////////////////////////////////////////////
                             ADMINISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRoyaltyVault
    /// @dev Requirements: caller is the deployer; not set before; `fractionVault_` serves this registry and names
    /// this contract as its royalty vault. Emits {FractionVaultSet}.
    function setFractionVault(address fractionVault_) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        if (fractionVault != address(0)) revert FractionVaultAlreadySet();
        if (
            fractionVault_.code.length == 0 || IFractionVault(fractionVault_).registry() != registry
                || IFractionVault(fractionVault_).royaltyVault() != address(this)
        ) revert InvalidFractionVault(fractionVault_);
        fractionVault = fractionVault_;
        emit FractionVaultSet(fractionVault_);
    }

    /// @inheritdoc IRoyaltyVault
    /// @dev Requirements: caller is the deployer ({NotDeployer}). Emits {CreditorSet}, also when nothing changes.
    function setCreditor(address creditor, bool allowed) external {
        if (msg.sender != deployer) revert NotDeployer(msg.sender);
        _creditors[creditor] = allowed;
        emit CreditorSet(creditor, allowed);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IRoyaltyVault
    function isCreditor(address account) external view returns (bool) {
        return _creditors[account];
    }

    /// @inheritdoc IRoyaltyVault
    function owed(address account, address token) external view returns (uint256) {
        return _owed[account][token];
    }

    /*//////////////////////////////////////////////////////////////
                            PRIVATE HELPERS
    //////////////////////////////////////////////////////////////*/

    /// @dev The right's owner now; a revoked (burnt) right has none.
    function _ownerOf(uint256 tokenId) private view returns (address) {
        try IERC721(registry).ownerOf(tokenId) returns (address owner) {
            return owner;
        } catch {
            revert UnknownRight(tokenId);
        }
    }

    /// @dev Whether `license` is in force now: started, not ended, not revoked (the licence registry's `isActive`
    /// at `block.timestamp`, judged from the record already read).
    function _inForce(ILicenseRegistry.License memory license) private view returns (bool) {
        return license.revokedAt == 0 && license.start <= block.timestamp
            && (license.end == 0 || block.timestamp < license.end);
    }

    /// @dev Whether `shareToken` already distributes royalties in `token` (it holds at most a handful).
    function _isRoyaltyCurrency(address shareToken, address token) private view returns (bool) {
        address[] memory currencies = IShareToken(shareToken).royaltyCurrencies();
        for (uint256 i; i < currencies.length; ++i) {
            if (currencies[i] == token) return true;
        }
        return false;
    }

    /// @dev The effects of a payment of `amount` of `token` on `tokenId`, shared by `pay` and `creditRight`: the
    /// beneficiary is the right's owner now, credited here, or, when the fraction vault holds the right, its share
    /// token (`shares` true), which `_collect` pays and has distribute the amount.
    function _credit(uint256 tokenId, address token, uint256 amount)
        private
        returns (address beneficiary, bool shares)
    {
        address owner = _ownerOf(tokenId);
        // An owner is never the zero address, so this also means that the fraction vault is set.
        if (owner == fractionVault) {
            beneficiary = IFractionVault(owner).shareTokenOf(tokenId);
            if (beneficiary == address(0)) revert NoShareToken(tokenId);
            return (beneficiary, true);
        }
        _owed[owner][token] += amount;
        return (owner, false);
    }

    /// @dev The interactions of a payment: pulls `amount` of `token` from the caller into this vault (an owner's
    /// credit) or into the share token, which then distributes it to its holders.
    function _collect(address token, uint256 amount, address beneficiary, bool shares) private {
        if (shares) {
            _pull(token, beneficiary, amount);
            IShareToken(beneficiary).distributeRoyalty(token, amount);
        } else {
            _pull(token, address(this), amount);
        }
    }

    /// @dev Moves `amount` of `token` from the caller to `to` and checks that `to` received exactly that.
    function _pull(address token, address to, uint256 amount) private {
        uint256 before = SafeTransferLib.balanceOf(token, to);
        SafeTransferLib.safeTransferFrom(token, msg.sender, to, amount);
        uint256 balance = SafeTransferLib.balanceOf(token, to);
        uint256 received = balance > before ? balance - before : 0;
        if (received != amount) revert PaymentNotReceived(amount, received);
    }
}
