// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "solady/src/tokens/ERC20.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";

/// @title ShareToken
/// @notice ERC-20 (with ERC-2612 permit) shares of one fractionalized right, deployed as an EIP-1167 clone by
/// the FractionVault that holds the right.
/// @dev
/// - Solady's ERC20, so exchanges and wallets handle the shares unchanged; the Permit2 infinite allowance is
///   off (a compliance token grants no allowance implicitly).
/// - In restricted mode every transfer between holders asks the compliance registry (`checkTransfer`), which
///   reverts with the reason; mint and burn (by the vault) and officer actions bypass it where stated.
/// - Per-holder freezes: full (type(uint256).max) or partial (an amount that must stay put).
/// - Compliance address, restricted flag, decimals and the number of frozen holders share one slot, read once per
///   transfer; while no holder is frozen, a transfer skips the per-holder freeze lookup.
contract ShareToken is ERC20, IShareToken {
    /// @dev Slot layout: [0..159] compliance, [160] restricted, [168..175] decimals, [176..207] frozen holders.
    uint256 private _config;
    uint256 private constant _RESTRICTED = 1 << 160;
    uint256 private constant _FROZEN_COUNT_SHIFT = 176;
    uint256 private constant _FROZEN_COUNT_ONE = 1 << 176;
    address private _vault;
    address private _registry;
    uint256 private _tokenId;
    string private _name;
    string private _symbol;
    mapping(address holder => uint256 amount) private _frozen;

    /// @dev Set during an officer's forced transfer or recovery, which may move frozen shares.
    bool private transient _forcing;

    /// @dev The implementation is never used directly: initializing it is blocked for good.
    constructor() {
        _vault = address(1);
    }

    /// @inheritdoc IShareToken
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint8 decimals_,
        uint256 tokenId_,
        bool restricted_,
        address holder,
        uint256 supply
    ) external {
        if (_vault != address(0)) revert AlreadyInitialized();
        _vault = msg.sender;
        _registry = IFractionVault(msg.sender).registry();
        address compliance_ = IFractionVault(msg.sender).compliance();
        _tokenId = tokenId_;
        _name = name_;
        _symbol = symbol_;
        _config = uint256(uint160(compliance_)) | (restricted_ ? _RESTRICTED : 0) | (uint256(decimals_) << 168);
        _mint(holder, supply);
    }

    /*//////////////////////////////////////////////////////////////
                                 ERC-20
    //////////////////////////////////////////////////////////////*/

    /// @notice The share token's name.
    function name() public view override returns (string memory) {
        return _name;
    }

    /// @notice The share token's symbol.
    function symbol() public view override returns (string memory) {
        return _symbol;
    }

    /// @notice The share token's decimals.
    function decimals() public view override returns (uint8) {
        return uint8(_config >> 168);
    }

    /*//////////////////////////////////////////////////////////////
                                 VAULT
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IShareToken
    /// @dev Frozen shares cannot be redeemed. Emits {Transfer} to the zero address.
    function burnFrom(address holder, uint256 amount) external {
        if (msg.sender != _vault) revert OnlyVault(msg.sender);
        _burn(holder, amount);
    }

    /*//////////////////////////////////////////////////////////////
                               COMPLIANCE
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IShareToken
    /// @dev Emits {SharesFrozen}.
    function freeze(address holder, uint256 amount, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        if (amount == 0) revert ZeroFreeze();
        _setFrozen(holder, amount);
        emit SharesFrozen(holder, amount, reasonHash, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev Emits {SharesUnfrozen}.
    function unfreeze(address holder, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        _setFrozen(holder, 0);
        emit SharesUnfrozen(holder, reasonHash, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev Moves frozen shares too; a partial freeze shrinks to what `from` still holds.
    /// Emits {Transfer} and {ForcedTransfer}.
    function forcedTransfer(address from, address to, uint256 amount, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        _forcedMove(from, to, amount);
        emit ForcedTransfer(from, to, amount, reasonHash, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev Emits {Transfer}, {WalletRecovered} and, when a freeze moves, {SharesUnfrozen} for the lost wallet and
    /// {SharesFrozen} with the replacement's new frozen amount.
    function recover(address lost, address replacement, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        uint256 amount = balanceOf(lost);
        uint256 frozen = _frozen[lost];
        _setFrozen(lost, 0);
        _forcedMove(lost, replacement, amount);
        if (frozen != 0) {
            uint256 existing = _frozen[replacement];
            // A full freeze stays full; partial freezes add up, saturating at a full freeze.
            uint256 total = type(uint256).max - existing < frozen ? type(uint256).max : existing + frozen;
            _setFrozen(replacement, total);
            emit SharesUnfrozen(lost, reasonHash, msg.sender);
            emit SharesFrozen(replacement, total, reasonHash, msg.sender);
        }
        emit WalletRecovered(lost, replacement, amount, reasonHash, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev Emits {RestrictedModeSet}.
    function setRestricted(bool restricted_) external {
        if (!ICompliance(compliance()).isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        _config = (_config & ~_RESTRICTED) | (restricted_ ? _RESTRICTED : 0);
        emit RestrictedModeSet(restricted_, msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                                 VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IShareToken
    function registry() external view returns (address) {
        return _registry;
    }

    /// @inheritdoc IShareToken
    function tokenId() external view returns (uint256) {
        return _tokenId;
    }

    /// @inheritdoc IShareToken
    function vault() external view returns (address) {
        return _vault;
    }

    /// @inheritdoc IShareToken
    function compliance() public view returns (address) {
        return address(uint160(_config));
    }

    /// @inheritdoc IShareToken
    function restricted() external view returns (bool) {
        return _config & _RESTRICTED != 0;
    }

    /// @inheritdoc IShareToken
    function frozenOf(address holder) external view returns (uint256) {
        return _frozen[holder];
    }

    /*//////////////////////////////////////////////////////////////
                                INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev Every movement passes here. Mint (vault) skips all checks; burn (vault) and transfers respect freezes;
    /// transfers in restricted mode need both parties eligible; forced moves skip the sender's checks.
    function _beforeTokenTransfer(address from, address to, uint256 amount) internal view override {
        if (from == address(0)) return;
        uint256 config = _config;
        if (!_forcing && config >> _FROZEN_COUNT_SHIFT != 0) _checkUnfrozen(from, amount);
        if (to == address(0)) {
            // Only the vault's redemption burns: shares sent to zero would make redemption impossible for all.
            if (msg.sender != _vault) revert InvalidRecipient(to);
            return;
        }
        if (config & _RESTRICTED == 0) return;
        ICompliance registry_ = ICompliance(address(uint160(config)));
        if (_forcing) registry_.checkHolder(to);
        else registry_.checkTransfer(from, to);
    }

    function _checkUnfrozen(address holder, uint256 amount) private view {
        uint256 frozen = _frozen[holder];
        if (frozen == 0) return;
        if (frozen == type(uint256).max) revert HolderFrozen(holder);
        uint256 balance = balanceOf(holder);
        uint256 available = balance > frozen ? balance - frozen : 0;
        if (amount > available) revert InsufficientUnfrozenBalance(holder, available, amount);
    }

    /// @dev A transfer by an officer: the sender's freeze and eligibility are not checked, the recipient's are.
    /// A partial freeze larger than what is left shrinks to it.
    function _forcedMove(address from, address to, uint256 amount) private {
        _forcing = true;
        _transfer(from, to, amount);
        _forcing = false;
        uint256 frozen = _frozen[from];
        if (frozen != 0 && frozen != type(uint256).max) {
            uint256 balance = balanceOf(from);
            if (frozen > balance) _setFrozen(from, balance);
        }
    }

    /// @dev Sets `holder`'s frozen amount and keeps the count of frozen holders in `_config`.
    function _setFrozen(address holder, uint256 amount) private {
        uint256 previous = _frozen[holder];
        _frozen[holder] = amount;
        // Cannot overflow or underflow: the count changes only as holders go from zero to non-zero and back, and
        // there are fewer than 2**32 holders.
        unchecked {
            if (previous == 0 && amount != 0) _config += _FROZEN_COUNT_ONE;
            else if (previous != 0 && amount == 0) _config -= _FROZEN_COUNT_ONE;
        }
    }

    function _checkOfficer(bytes32 reasonHash) private view {
        if (!ICompliance(compliance()).isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        if (reasonHash == bytes32(0)) revert MissingReasonHash();
    }

    /// @dev A compliance token grants no implicit allowance to Permit2.
    function _givePermit2InfiniteAllowance() internal pure override returns (bool) {
        return false;
    }
}
