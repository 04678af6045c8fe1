// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ERC20} from "solady/src/tokens/ERC20.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
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
/// - Compliance address, restricted flag, decimals, the number of royalty currencies and the number of frozen
///   holders share one slot; while no holder is frozen, a transfer skips the per-holder freeze lookup, and while
///   no royalty was ever distributed, it skips the royalty accounting.
/// - Royalties (pull, exact to the wei, no loop over holders): the royalty vault transfers a payment here and
///   calls `distributeRoyalty`; every holder may claim floor(sum_i amount_i * balance_i / S), where balance_i is
///   its balance at payment i and S the supply, however the shares moved in between. Per currency the token keeps
///   the cumulative amount paid P; every balance change of x at cumulative P books P * x to a per-holder
///   correction, so that P * balance + correction is that exact sum. See docs/licensing.md, "Royalties".
/// - The supply is fixed between initialization and the redemption that burns all of it, and below 2**128; the
///   cumulative royalty per currency stays below 2**120; so every product and correction stays below 2**248.
contract ShareToken is ERC20, ReentrancyGuardTransient, IShareToken {
    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @notice How many currencies a share token accepts royalties in.
    uint256 public constant MAX_ROYALTY_CURRENCIES = 4;

    /// @dev Slot layout of `_config`: [0..159] compliance, [160] restricted, [161..163] number of royalty
    /// currencies (0 to 4; non-zero once any royalty was distributed), [168..175] decimals, [176..207] frozen
    /// holders.
    uint256 private constant _RESTRICTED = 1 << 160;
    uint256 private constant _CURRENCY_COUNT_SHIFT = 161;
    uint256 private constant _CURRENCY_COUNT_MASK = 7 << 161;
    uint256 private constant _CURRENCY_COUNT_ONE = 1 << 161;
    uint256 private constant _FROZEN_COUNT_SHIFT = 176;
    uint256 private constant _FROZEN_COUNT_ONE = 1 << 176;

    /// @dev Bounds that keep the royalty arithmetic below 2**248: supply below 2**128, cumulative below 2**120.
    uint256 private constant _SUPPLY_BOUND = 1 << 128;
    uint256 private constant _CUMULATIVE_BOUND = 1 << 120;

    /// @inheritdoc IShareToken
    /// @dev An immutable of the implementation: every clone delegates to its code and sees the same vault.
    address public immutable royaltyVault;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    uint256 private _config;
    address private _vault;
    address private _registry;
    uint256 private _tokenId;
    string private _name;
    string private _symbol;
    mapping(address holder => uint256 amount) private _frozen;

    /// @dev The currencies royalties were distributed in, in order of their first distribution; the first
    /// `_config` [161..163] entries are set.
    address[MAX_ROYALTY_CURRENCIES] private _royaltyCurrencies;

    /// @dev The supply S the royalties are shared by: the total supply at the first distribution, which stays
    /// the supply until the redemption burns it (and is kept for the claims that follow).
    uint256 private _royaltySupply;

    /// @dev Cumulative royalty P per currency, below 2**120; zero for a currency never distributed.
    mapping(address currency => uint256 cumulative) private _royaltyPaid;

    /// @dev sum_i amount_i * balance_i(holder) - P * balanceOf(holder), kept by every balance change.
    mapping(address currency => mapping(address holder => int256 correction)) private _royaltyCorrections;

    mapping(address currency => mapping(address holder => uint256 amount)) private _royaltyClaimed;

    /// @dev The account that fractionalized the right (received the initial supply). Appended last: the slots
    /// above keep their places.
    address private _issuer;

    /// @dev Set during an officer's forced transfer or recovery, which may move frozen shares.
    bool private transient _forcing;

    /// @dev The implementation is never used directly: initializing it is blocked for good.
    /// @param royaltyVault_ The only address allowed to distribute royalties (zero: no royalties).
    constructor(address royaltyVault_) {
        _vault = address(1);
        royaltyVault = royaltyVault_;
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
        if (supply >= _SUPPLY_BOUND) revert SupplyTooLarge(supply);
        _vault = msg.sender;
        _registry = IFractionVault(msg.sender).registry();
        address compliance_ = IFractionVault(msg.sender).compliance();
        _tokenId = tokenId_;
        _issuer = holder;
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
    /// @dev The lost wallet's unclaimed royalties move too (its whole entitlement beyond what it claimed), so the
    /// replacement may claim what both wallets earned.
    /// Emits {Transfer}, {WalletRecovered}, {RoyaltyRecovered} for each currency with an entitlement to move and,
    /// when a freeze moves, {SharesUnfrozen} for the lost wallet and {SharesFrozen} with the replacement's new
    /// frozen amount.
    function recover(address lost, address replacement, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        uint256 amount = balanceOf(lost);
        uint256 frozen = _frozen[lost];
        _setFrozen(lost, 0);
        _forcedMove(lost, replacement, amount);
        if (lost != replacement) _recoverRoyalties(lost, replacement);
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
                               ROYALTIES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IShareToken
    /// @dev The supply S is fixed at the first distribution. A zero amount changes nothing.
    /// Requirements: caller is the royalty vault; `currency` is not this share token (its dust, held here, would
    /// block redemption of the whole supply: {InvalidRoyaltyCurrency}); at most MAX_ROYALTY_CURRENCIES currencies; the cumulative amount
    /// in `currency` stays below 2**120. Emits {RoyaltyDistributed}.
    function distributeRoyalty(address currency, uint256 amount) external {
        if (msg.sender != royaltyVault) revert OnlyRoyaltyVault(msg.sender);
        if (currency == address(this)) revert InvalidRoyaltyCurrency(currency);
        if (amount == 0) return;
        uint256 paid = _royaltyPaid[currency];
        if (amount >= _CUMULATIVE_BOUND - paid) revert RoyaltyTotalTooLarge(currency, paid, amount);
        if (paid == 0) _addRoyaltyCurrency(currency);
        // Cannot overflow: checked just above against 2**120.
        unchecked {
            paid += amount;
        }
        _royaltyPaid[currency] = paid;
        emit RoyaltyDistributed(currency, amount, paid);
    }

    /// @inheritdoc IShareToken
    /// @dev Open to former holders: what accrued while they held shares stays theirs. Freezes and restricted mode
    /// govern the shares, not the royalties they earned.
    /// Requirements: something is owed. Emits {RoyaltyClaimed} (and the currency's {Transfer}).
    function claimRoyalty(address currency) external nonReentrant returns (uint256 amount) {
        amount = royaltyOwed(msg.sender, currency);
        if (amount == 0) revert NoRoyaltyOwed(msg.sender, currency);
        _royaltyClaimed[currency][msg.sender] += amount;
        emit RoyaltyClaimed(msg.sender, currency, amount);
        SafeTransferLib.safeTransfer(currency, msg.sender, amount);
    }

    /// @inheritdoc IShareToken
    function royaltyOwed(address holder, address currency) public view returns (uint256) {
        return _royaltyAccrued(holder, currency) - _royaltyClaimed[currency][holder];
    }

    /// @inheritdoc IShareToken
    function royaltyClaimed(address holder, address currency) external view returns (uint256) {
        return _royaltyClaimed[currency][holder];
    }

    /// @inheritdoc IShareToken
    function royaltyCurrencies() external view returns (address[] memory currencies) {
        uint256 count = (_config & _CURRENCY_COUNT_MASK) >> _CURRENCY_COUNT_SHIFT;
        currencies = new address[](count);
        for (uint256 i; i < count; ++i) {
            currencies[i] = _royaltyCurrencies[i];
        }
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
    function issuer() external view returns (address) {
        return _issuer;
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

    /// @dev Every movement passes here. Once royalties were distributed, it books them (see
    /// `_bookRoyaltyCorrections`); a token that never received any pays one bit test of the slot it reads anyway.
    /// Mint (vault) skips all checks; burn (vault) and transfers respect freezes; transfers in restricted mode need
    /// both parties eligible; forced moves skip the sender's checks.
    function _beforeTokenTransfer(address from, address to, uint256 amount) internal override {
        uint256 config = _config;
        // An amount of 2**128 or more exceeds every balance (the supply is below 2**128): Solady's ERC20 reverts
        // the move right after this hook, so skipping the booking then keeps the bounds of its arithmetic.
        if (config & _CURRENCY_COUNT_MASK != 0 && amount < _SUPPLY_BOUND) {
            _bookRoyaltyCorrections(config, from, to, amount);
        }
        if (from == address(0)) return;
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

    /// @dev Royalty bookkeeping of a balance change (mint, transfer, forced move, burn): x = `amount` leaving
    /// `from` and reaching `to` at cumulative P books correction[from] += P * x and correction[to] -= P * x, so
    /// P * balance + correction, the exact accrued sum times S, does not move. If the move then reverts, so does
    /// the booking.
    function _bookRoyaltyCorrections(uint256 config, address from, address to, uint256 amount) private {
        uint256 count = (config & _CURRENCY_COUNT_MASK) >> _CURRENCY_COUNT_SHIFT;
        for (uint256 i; i < count; ++i) {
            address currency = _royaltyCurrencies[i];
            // Cannot overflow: P < 2**120 and amount < 2**128, so P * amount < 2**248; once the move is done each
            // correction is an accrued sum minus P * balance, both in [0, 2**248), so it stays within int256.
            unchecked {
                int256 delta = int256(_royaltyPaid[currency] * amount);
                if (from != address(0)) _royaltyCorrections[currency][from] += delta;
                if (to != address(0)) _royaltyCorrections[currency][to] -= delta;
            }
        }
    }

    /// @dev Registers the first distribution in `currency`; the very first one fixes the supply S.
    function _addRoyaltyCurrency(address currency) private {
        uint256 config = _config;
        uint256 count = (config & _CURRENCY_COUNT_MASK) >> _CURRENCY_COUNT_SHIFT;
        if (count == MAX_ROYALTY_CURRENCIES) revert TooManyRoyaltyCurrencies(currency);
        if (count == 0) _royaltySupply = totalSupply();
        _royaltyCurrencies[count] = currency;
        // Cannot overflow into the next field: count < 4 here, and the field holds up to 7.
        unchecked {
            _config = config + _CURRENCY_COUNT_ONE;
        }
    }

    /// @dev floor((P * balance + correction) / S) = floor(sum_i amount_i * balance_i / S): one division, at the end.
    function _royaltyAccrued(address holder, address currency) private view returns (uint256) {
        uint256 paid = _royaltyPaid[currency];
        if (paid == 0) return 0;
        // Cannot overflow: P * balance < 2**248 and the sum with the correction is the accrued sum times S, in
        // [0, 2**248) (see _bookRoyaltyCorrections).
        unchecked {
            return uint256(int256(paid * balanceOf(holder)) + _royaltyCorrections[currency][holder]) / _royaltySupply;
        }
    }

    /// @dev After a recovery `lost` holds no shares, so its correction is its whole accrued sum times S. Everything
    /// beyond what it claimed (claimed * S) moves to `replacement`, fractions of a unit included.
    function _recoverRoyalties(address lost, address replacement) private {
        uint256 count = (_config & _CURRENCY_COUNT_MASK) >> _CURRENCY_COUNT_SHIFT;
        if (count == 0) return;
        uint256 supply = _royaltySupply;
        for (uint256 i; i < count; ++i) {
            address currency = _royaltyCurrencies[i];
            int256 total = _royaltyCorrections[currency][lost];
            uint256 claimed = _royaltyClaimed[currency][lost];
            // Cannot overflow: claimed <= P < 2**120 and S < 2**128; total >= claimed * S, both below 2**248.
            unchecked {
                int256 kept = int256(claimed * supply);
                if (total == kept) continue;
                _royaltyCorrections[currency][lost] = kept;
                _royaltyCorrections[currency][replacement] += total - kept;
                emit RoyaltyRecovered(lost, replacement, currency, uint256(total) / supply - claimed);
            }
        }
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
