// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRoyaltyVault
/// @notice Errors, events and functions of royalty payments: a licensee pays royalties on a licence in the
/// licence's payment token; they accrue to whoever owns the right at the moment of payment (pull: the owner
/// withdraws), or, when the right is fractionalized, to its share holders pro rata through the share token
/// (pull, exact per holder, correct for holders who trade afterwards). Creditors the deployer authorises (the
/// dispute manager, for forfeited bonds) credit a right's beneficiary the same way, without a licence.
interface IRoyaltyVault {
    /// @notice The licence `licenseId` names no payment token (it carries no royalty).
    error NoPaymentToken(uint256 licenseId);

    /// @notice A payment of zero.
    error ZeroAmount();

    /// @notice The payment token moved `received` instead of `expected` (fee-on-transfer or broken token).
    error PaymentNotReceived(uint256 expected, uint256 received);

    /// @notice `account` has nothing of `token` to withdraw.
    error NothingOwed(address account, address token);

    /// @notice The fraction vault is already set (it is set once).
    error FractionVaultAlreadySet();

    /// @notice `fractionVault` is zero, or serves another registry or another royalty vault.
    error InvalidFractionVault(address fractionVault);

    /// @notice The right `tokenId` no longer exists (revoked): there is nobody to pay.
    error UnknownRight(uint256 tokenId);

    /// @notice The fraction vault holds `tokenId` but names no share token for it (its custody was recorded as lost
    /// and the right came back without a new fractionalization): there is nobody to pay.
    error NoShareToken(uint256 tokenId);

    /// @notice `account` called `creditRight` without the deployer's authorisation.
    error NotCreditor(address account);

    /// @notice `account`, not the deployer, called `setCreditor`.
    error NotDeployer(address account);

    /// @notice Licence `licenseId` is not in force (revoked, ended or not yet started) or was granted by somebody
    /// other than the share token's issuer, and its payment token `token` is not yet among the royalty currencies
    /// of the share token that would receive the payment: such a licence may not open a new currency (the share
    /// token has only a few slots).
    error CurrencyNotOpen(uint256 licenseId, address token);

    /// @notice `payer` paid `amount` of `token` in royalties on licence `licenseId` of `tokenId`, with the sales
    /// report whose hash is `reportHash`; credited to `beneficiary` (the owner, or the share token).
    event RoyaltyPaid(
        uint256 indexed licenseId,
        uint256 indexed tokenId,
        address indexed payer,
        address token,
        uint256 amount,
        address beneficiary,
        bytes32 reportHash
    );

    /// @notice The creditor `payer` credited `amount` of `token` to the right `tokenId` under its own reference `ref`
    /// (the dispute manager: the dispute id); credited to `beneficiary` (the owner, or the share token).
    event RightCredited(
        uint256 indexed tokenId,
        address indexed payer,
        address token,
        uint256 amount,
        address beneficiary,
        bytes32 ref
    );

    /// @notice `account` withdrew `amount` of `token`.
    event RoyaltyWithdrawn(address indexed account, address indexed token, uint256 amount);

    /// @notice The deployer named `fractionVault`, whose share tokens receive the royalties of fractionalized
    /// rights.
    event FractionVaultSet(address indexed fractionVault);

    /// @notice The deployer allowed (`allowed`) or disallowed `creditor` to call `creditRight`.
    event CreditorSet(address indexed creditor, bool allowed);

    /// @notice Pays `amount` of the licence's payment token (approve first) in royalties on `licenseId`.
    function pay(uint256 licenseId, uint256 amount, bytes32 reportHash) external;

    /// @notice Credits `amount` of `token` (pulled from the caller: approve first) to whoever owns `tokenId`
    /// economically, exactly as a royalty payment is: its owner now, or its share holders pro rata when the fraction
    /// vault holds it. Only for creditors the deployer authorised. Returns the beneficiary (owner or share token).
    function creditRight(uint256 tokenId, address token, uint256 amount, bytes32 ref)
        external
        returns (address beneficiary);

    /// @notice Sends the caller everything owed to it in `token`; returns the amount.
    function withdraw(address token) external returns (uint256 amount);

    /// @notice What `account` may withdraw in `token`.
    function owed(address account, address token) external view returns (uint256);

    /// @notice Sets the fraction vault whose share tokens receive royalties of fractionalized rights; once, by the
    /// deployer.
    function setFractionVault(address fractionVault) external;

    /// @notice Allows or disallows `creditor` to call `creditRight`; by the deployer only.
    function setCreditor(address creditor, bool allowed) external;

    /// @notice Whether `account` may call `creditRight`.
    function isCreditor(address account) external view returns (bool);

    /// @notice The account that deployed this vault: the only one that sets the fraction vault and the creditors.
    function deployer() external view returns (address);

    /// @notice The IP registry whose rights earn the royalties.
    function registry() external view returns (address);

    /// @notice The licence registry that names each licence's right and payment token.
    function licenses() external view returns (address);

    /// @notice The fraction vault set by `setFractionVault` (zero until then).
    function fractionVault() external view returns (address);
}
