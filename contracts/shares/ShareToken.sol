// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {ERC20} from "solady/src/tokens/ERC20.sol";
import {SafeTransferLib} from "solady/src/utils/SafeTransferLib.sol";
import {ICompliance} from "../interfaces/ICompliance.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {IERC7943Fungible} from "../interfaces/IERC7943.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {Identifiers} from "../libraries/Identifiers.sol";

/// @title ShareToken
/// @notice ERC-20 (with ERC-2612 permit) shares of one fractionalized right, deployed as an EIP-1167 clone by
/// the FractionVault that holds the right.
/// @dev
/// - Solady's ERC20, so exchanges and wallets handle the shares unchanged; the Permit2 infinite allowance is
///   off (a compliance token grants no allowance implicitly).
/// - In restricted mode every transfer between holders asks the compliance registry (`checkTransfer`), which
///   reverts with the reason; mint and burn (by the vault) and officer actions bypass it where stated.
/// - Per-token rules (restricted mode): allowed investor categories and a country rule on recipients, a lock-up,
///   a maximum balance per investor and a holder cap. While none is set a transfer pays one bit test for them.
/// - ERC-7943 (uRWA): `canSend`, `canReceive`, `canTransfer` answer what a transfer would do; `setFrozenTokens`
///   and `forcedTransfer` are the standard's enforcement acts, recorded with the evidence hash
///   `Identifiers.ERC7943_ACT` (no document given) in the project's own events, beside the standard's.
/// - Officers: any officer whose scope covers this token (`ICompliance.isTokenOfficer`): global, of the issuer,
///   or of this token.
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
contract ShareToken is ERC20, ReentrancyGuardTransient, IShareToken, IERC7943Fungible {
    /*//////////////////////////////////////////////////////////////
                        CONSTANTS AND IMMUTABLES
    //////////////////////////////////////////////////////////////*/

    /// @notice How many currencies a share token accepts royalties in.
    uint256 public constant MAX_ROYALTY_CURRENCIES = 4;

    /// @dev Slot layout of `_config`: [0..159] compliance, [160] restricted, [161..163] number of royalty
    /// currencies (0 to 4; non-zero once any royalty was distributed), [164] some per-token rule is set, [165] a
    /// holder cap is set (holders are counted), [168..175] decimals, [176..207] frozen holders.
    uint256 private constant _RESTRICTED = 1 << 160;
    uint256 private constant _RULES = 1 << 164;
    uint256 private constant _COUNTING = 1 << 165;
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

    /// @dev The per-token rules, one slot; see `setTransferRules` and `setCountryRule`.
    struct Rules {
        uint16 categories;
        uint40 lockupUntil;
        uint32 maxHolders;
        uint32 holderCount;
        uint8 countryMode;
        uint128 maxBalance;
    }

    Rules private _rules;

    /// @dev The country rule's countries: bit `Identifiers.codeIndex(country)` of a 676-bit map.
    uint256[3] private _ruleCountries;

    mapping(address holder => address beneficiary) private _royaltyBeneficiaries;

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
    /// @dev Emits {SharesFrozen} and ERC-7943's {Frozen}.
    function freeze(address holder, uint256 amount, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        if (amount == 0) revert ZeroFreeze();
        _freeze(holder, amount, reasonHash);
    }

    /// @inheritdoc IShareToken
    /// @dev Emits {SharesUnfrozen} and ERC-7943's {Frozen} (amount zero).
    function unfreeze(address holder, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        _freeze(holder, 0, reasonHash);
    }

    /// @inheritdoc IShareToken
    /// @dev Moves frozen shares too: a partial freeze larger than what `from` keeps shrinks to it first ({Frozen}
    /// before {Transfer}); a full freeze stays. Emits {Transfer} and both {ForcedTransfer} events.
    function forcedTransfer(address from, address to, uint256 amount, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        _forcedTransfer(from, to, amount, reasonHash);
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev The standard's act: the same as `forcedTransfer(from, to, amount, reasonHash)` with the evidence hash
    /// `Identifiers.ERC7943_ACT` (no document given). Requirements: officer of this token; `to` may receive.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool result) {
        _checkOfficer(Identifiers.ERC7943_ACT);
        _forcedTransfer(from, to, amount, Identifiers.ERC7943_ACT);
        return true;
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev The standard's act, recorded as `freeze` (or `unfreeze` for zero) with the evidence hash
    /// `Identifiers.ERC7943_ACT`. type(uint256).max freezes every share, now and later. Requirements: officer of
    /// this token. Emits {Frozen} and {SharesFrozen} or {SharesUnfrozen}.
    function setFrozenTokens(address account, uint256 amount) external returns (bool result) {
        _checkOfficer(Identifiers.ERC7943_ACT);
        _freeze(account, amount, Identifiers.ERC7943_ACT);
        return true;
    }

    /// @inheritdoc IShareToken
    /// @dev The lost wallet's unclaimed royalties move too (its whole entitlement beyond what it claimed), so the
    /// replacement may claim what both wallets earned.
    /// Emits {Transfer}, {WalletRecovered}, {RoyaltyRecovered} for each currency with an entitlement to move and,
    /// when a freeze moves, {SharesUnfrozen} for the lost wallet and {SharesFrozen} with the replacement's new
    /// frozen amount (and ERC-7943's {Frozen} for both, {ForcedTransfer}).
    /// Requirements: `lost` is not a contract ({RecoveryOfContract}: a pool's or a venue's shares belong to others).
    function recover(address lost, address replacement, bytes32 reasonHash) external {
        _checkOfficer(reasonHash);
        if (lost.code.length != 0) revert RecoveryOfContract(lost);
        uint256 amount = balanceOf(lost);
        uint256 frozen = _frozen[lost];
        if (frozen != 0) {
            _setFrozen(lost, 0);
            emit Frozen(lost, 0);
        }
        _forcedMove(lost, replacement, amount);
        if (lost != replacement) _recoverRoyalties(lost, replacement);
        if (frozen != 0) {
            uint256 existing = _frozen[replacement];
            // A full freeze stays full; partial freezes add up, saturating at a full freeze.
            uint256 total = type(uint256).max - existing < frozen ? type(uint256).max : existing + frozen;
            _setFrozen(replacement, total);
            emit SharesUnfrozen(lost, reasonHash, msg.sender);
            emit SharesFrozen(replacement, total, reasonHash, msg.sender);
            emit Frozen(replacement, total);
        }
        emit WalletRecovered(lost, replacement, amount, reasonHash, msg.sender);
        emit ForcedTransfer(lost, replacement, amount);
    }

    /// @inheritdoc IShareToken
    /// @dev Emits {RestrictedModeSet}.
    function setRestricted(bool restricted_) external {
        if (!_isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        _config = (_config & ~_RESTRICTED) | (restricted_ ? _RESTRICTED : 0);
        emit RestrictedModeSet(restricted_, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev A holder cap counts every account with a positive balance, venue wallets and pools included; set first,
    /// it needs `holders` (see the interface); lowered below the count, it admits no new holder until holders
    /// leave. Categories, the maximum balance and the country rule exempt venue wallets, which screen the investors
    /// behind them. Emits {TransferRulesSet}.
    function setTransferRules(
        uint16 categories,
        uint40 lockupUntil,
        uint32 maxHolders,
        uint128 maxBalance,
        address[] calldata holders
    ) external {
        if (!_isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        Rules memory rules = _rules;
        uint256 config = _config;
        if (maxHolders == 0) {
            if (holders.length != 0) revert InvalidHolderList(0, totalSupply());
            rules.holderCount = 0;
            config &= ~_COUNTING;
        } else if (config & _COUNTING == 0) {
            rules.holderCount = _countListedHolders(holders);
            config |= _COUNTING;
        } else if (holders.length != 0) {
            revert InvalidHolderList(0, totalSupply());
        }
        rules.categories = categories;
        rules.lockupUntil = lockupUntil;
        rules.maxHolders = maxHolders;
        rules.maxBalance = maxBalance;
        _storeRules(rules, config);
        emit TransferRulesSet(categories, lockupUntil, maxHolders, maxBalance, rules.holderCount, msg.sender);
    }

    /// @inheritdoc IShareToken
    /// @dev Replaces the previous country rule. Emits {CountryRuleSet}.
    function setCountryRule(uint8 mode, bytes2[] calldata countries) external {
        if (!_isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        if (mode > 2 || (mode == 0 && countries.length != 0)) revert InvalidCountryRule(bytes2(0), mode);
        uint256[3] memory map;
        for (uint256 i; i < countries.length; ++i) {
            uint256 index = Identifiers.codeIndex(countries[i]);
            if (index >= Identifiers.CODE_COUNT) revert InvalidCountryRule(countries[i], mode);
            map[index >> 8] |= 1 << (index & 0xff);
        }
        _ruleCountries = map;
        Rules memory rules = _rules;
        rules.countryMode = mode;
        _storeRules(rules, _config);
        emit CountryRuleSet(mode, countries, msg.sender);
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
        address beneficiary = _royaltyBeneficiaries[msg.sender];
        return _claimRoyalty(msg.sender, currency, beneficiary == address(0) ? msg.sender : beneficiary);
    }

    /// @inheritdoc IShareToken
    /// @dev Requirements: `holder` named a beneficiary ({NoRoyaltyBeneficiary}: paying a pool itself would hand the
    /// royalty to whoever skims it); something is owed. Emits {RoyaltyClaimed} (and the currency's {Transfer}).
    function claimRoyaltyFor(address holder, address currency) external nonReentrant returns (uint256 amount) {
        address beneficiary = _royaltyBeneficiaries[holder];
        if (beneficiary == address(0)) revert NoRoyaltyBeneficiary(holder);
        return _claimRoyalty(holder, currency, beneficiary);
    }

    /// @inheritdoc IShareToken
    /// @dev An officer may not redirect an investor's royalties ({BeneficiaryOfInvestor}): only those of a holder that
    /// cannot claim them itself (a contract, such as a pool) or of a venue wallet. Emits {RoyaltyBeneficiarySet}.
    function setRoyaltyBeneficiary(address holder, address beneficiary) external {
        if (msg.sender != holder) {
            if (!_isOfficer(msg.sender)) revert NotHolderOrOfficer(msg.sender, holder);
            if (holder.code.length == 0) {
                (bool eligible, bytes2 country) = ICompliance(compliance()).isEligibleIn(holder, 0);
                if (!eligible || country != 0) revert BeneficiaryOfInvestor(holder);
            }
        }
        _royaltyBeneficiaries[holder] = beneficiary;
        emit RoyaltyBeneficiarySet(holder, beneficiary, msg.sender);
    }

    /// @inheritdoc IShareToken
    function royaltyBeneficiary(address holder) external view returns (address) {
        return _royaltyBeneficiaries[holder];
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

    /// @inheritdoc IShareToken
    function transferRules()
        external
        view
        returns (uint16 categories, uint40 lockupUntil, uint32 maxHolders, uint128 maxBalance, uint32 holderCount)
    {
        Rules memory rules = _rules;
        return (rules.categories, rules.lockupUntil, rules.maxHolders, rules.maxBalance, rules.holderCount);
    }

    /// @inheritdoc IShareToken
    function countryRule() external view returns (uint8 mode, bytes2[] memory countries) {
        mode = _rules.countryMode;
        uint256[3] memory map = _ruleCountries;
        countries = new bytes2[](Identifiers.CODE_COUNT);
        uint256 count;
        for (uint256 index; index < Identifiers.CODE_COUNT; ++index) {
            if (map[index >> 8] & (1 << (index & 0xff)) != 0) {
                countries[count++] = bytes2(uint16(((index / 26 + 0x41) << 8) | (index % 26 + 0x41)));
            }
        }
        assembly ("memory-safe") {
            mstore(countries, count)
        }
    }

    /*//////////////////////////////////////////////////////////////
                                ERC-7943
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC165
    /// @dev ERC-165 and ERC-7943's fungible interface (0x3edbb4c4).
    function supportsInterface(bytes4 interfaceId) external pure returns (bool) {
        return interfaceId == type(IERC165).interfaceId || interfaceId == type(IERC7943Fungible).interfaceId;
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev type(uint256).max: every share, now and later (a full freeze).
    function getFrozenTokens(address account) external view returns (uint256 amount) {
        return _frozen[account];
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev Unrestricted: anyone. Restricted: a venue wallet, or an investor verified now whose country is not
    /// blocked (the sender side of `checkTransfer`; categories and the country rule bind recipients only).
    function canSend(address account) public view returns (bool allowed) {
        if (_config & _RESTRICTED == 0) return true;
        (allowed,) = ICompliance(compliance()).isEligibleIn(account, 0);
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev Never the zero address. Restricted: `canSend`'s test, then the token's categories and country rule.
    function canReceive(address account) public view returns (bool allowed) {
        (allowed,) = _canReceive(_config, account);
    }

    /// @inheritdoc IERC7943Fungible
    /// @dev Mirrors `_beforeTokenTransfer` for a transfer between holders: freezes (the amount may not exceed the
    /// unfrozen shares, unless it exceeds the whole balance, which is the base token's refusal), the recipient not
    /// zero, then in restricted mode eligibility, categories, country rule, lock-up, maximum balance and holder cap.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed) {
        if (from == address(0)) return false;
        uint256 config = _config;
        if (config >> _FROZEN_COUNT_SHIFT != 0 && !_unfrozenCovers(from, amount)) return false;
        if (config & _RESTRICTED == 0) return to != address(0);
        if (!canSend(from)) return false;
        (bool receives, bytes2 country) = _canReceive(config, to);
        if (!receives) return false;
        if (config & _RULES == 0) return true;
        Rules memory rules = _rules;
        if (block.timestamp < rules.lockupUntil) return false;
        if (from == to) return true;
        uint256 balance = balanceOf(to);
        if (country != 0 && rules.maxBalance != 0 && balance + amount > rules.maxBalance) return false;
        return !(rules.maxHolders != 0 && amount != 0 && balance == 0 && !_withinHolderCap(rules, from, amount));
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
        if (from != address(0)) _checkMove(config, from, to, amount);
        if (config & _COUNTING != 0) _countHolders(from, to, amount);
    }

    /// @dev The checks of a move from a holder: freezes (not for an officer's forced move), the recipient, and in
    /// restricted mode eligibility and the per-token rules.
    function _checkMove(uint256 config, address from, address to, uint256 amount) private view {
        bool forcing = _forcing;
        if (!forcing && config >> _FROZEN_COUNT_SHIFT != 0) _checkUnfrozen(from, amount);
        if (to == address(0)) {
            // Only the vault's redemption burns: shares sent to zero would make redemption impossible for all.
            if (msg.sender != _vault) revert InvalidRecipient(to);
            return;
        }
        if (config & _RESTRICTED == 0) return;
        ICompliance registry_ = ICompliance(address(uint160(config)));
        if (config & _RULES == 0) {
            if (forcing) registry_.checkHolder(to);
            else registry_.checkTransfer(from, to);
            return;
        }
        Rules memory rules = _rules;
        bytes2 country =
            forcing ? registry_.checkHolderIn(to, rules.categories) : registry_.checkTransferTo(from, to, rules.categories);
        // Venue wallets (no country) screen the investors behind them: the country rule and the cap on balances
        // bind investors only.
        if (country != 0 && rules.countryMode != 0 && !_countryAllowed(rules.countryMode, country)) {
            revert CountryNotAllowed(to, country);
        }
        if (forcing) return;
        if (block.timestamp < rules.lockupUntil) revert LockedUp(rules.lockupUntil);
        if (from == to) return;
        uint256 balance = balanceOf(to);
        if (country != 0 && rules.maxBalance != 0 && balance + amount > rules.maxBalance) {
            revert MaxBalanceExceeded(to, balance + amount, rules.maxBalance);
        }
        if (rules.maxHolders != 0 && amount != 0 && balance == 0 && !_withinHolderCap(rules, from, amount)) {
            revert MaxHoldersReached(to, rules.maxHolders);
        }
    }

    /// @dev Whether a new holder fits under the cap: `from` leaves when it sends its whole balance.
    function _withinHolderCap(Rules memory rules, address from, uint256 amount) private view returns (bool) {
        uint256 leaving = balanceOf(from) == amount ? 1 : 0;
        return uint256(rules.holderCount) + 1 - leaving <= rules.maxHolders;
    }

    /// @dev Keeps the holder count while a cap is set: an account joins when its balance leaves zero and leaves
    /// when it returns to zero (a move that then reverts reverts this too).
    function _countHolders(address from, address to, uint256 amount) private {
        if (amount == 0 || from == to) return;
        uint32 count = _rules.holderCount;
        uint32 before = count;
        // Cannot underflow or overflow: the count is the number of accounts with a positive balance.
        unchecked {
            if (from != address(0) && balanceOf(from) == amount) --count;
            if (to != address(0) && balanceOf(to) == 0) ++count;
        }
        if (count != before) _rules.holderCount = count;
    }

    /// @dev Checks `holders` (every holder once, ascending, positive balances summing to the supply) and returns
    /// their number.
    function _countListedHolders(address[] calldata holders) private view returns (uint32) {
        uint256 counted;
        address previous;
        for (uint256 i; i < holders.length; ++i) {
            address holder = holders[i];
            uint256 balance = balanceOf(holder);
            if (holder <= previous || balance == 0) revert InvalidHolderList(counted, totalSupply());
            counted += balance;
            previous = holder;
        }
        if (counted != totalSupply()) revert InvalidHolderList(counted, totalSupply());
        return uint32(holders.length);
    }

    /// @dev Stores the rules and sets or clears `_RULES` (and the given `_COUNTING`) in `_config`.
    function _storeRules(Rules memory rules, uint256 config) private {
        _rules = rules;
        bool any = rules.categories != 0 || rules.lockupUntil != 0 || rules.maxHolders != 0 || rules.maxBalance != 0
            || rules.countryMode != 0;
        _config = any ? config | _RULES : config & ~_RULES;
    }

    /// @dev Whether the country rule lets an investor of `country` receive: mode 1 lists the allowed, 2 the blocked.
    function _countryAllowed(uint8 mode, bytes2 country) private view returns (bool) {
        uint256 index = Identifiers.codeIndex(country);
        bool listed = _ruleCountries[index >> 8] & (1 << (index & 0xff)) != 0;
        return mode == 1 ? listed : !listed;
    }

    /// @dev `canReceive`, and the recipient's country (zero for a venue wallet or when unrestricted).
    function _canReceive(uint256 config, address account) private view returns (bool allowed, bytes2 country) {
        if (account == address(0)) return (false, 0);
        if (config & _RESTRICTED == 0) return (true, 0);
        uint16 categories = config & _RULES == 0 ? 0 : _rules.categories;
        (allowed, country) = ICompliance(address(uint160(config))).isEligibleIn(account, categories);
        if (allowed && country != 0 && config & _RULES != 0) {
            uint8 mode = _rules.countryMode;
            if (mode != 0) allowed = _countryAllowed(mode, country);
        }
    }

    /// @dev Whether `holder`'s unfrozen shares cover `amount` as the transfer path sees it: a full freeze covers
    /// nothing; an amount above the whole balance is left to the base token's refusal.
    function _unfrozenCovers(address holder, uint256 amount) private view returns (bool) {
        uint256 frozen = _frozen[holder];
        if (frozen == 0) return true;
        if (frozen == type(uint256).max) return false;
        uint256 balance = balanceOf(holder);
        return amount > balance || amount <= (balance > frozen ? balance - frozen : 0);
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

    /// @dev Reverts {HolderFrozen} for a full freeze, ERC-7943's {ERC7943InsufficientUnfrozenBalance} when
    /// `amount` is within the balance but above the unfrozen shares; an amount above the balance is left to the base
    /// token's {InsufficientBalance}.
    function _checkUnfrozen(address holder, uint256 amount) private view {
        uint256 frozen = _frozen[holder];
        if (frozen == 0) return;
        if (frozen == type(uint256).max) revert HolderFrozen(holder);
        uint256 balance = balanceOf(holder);
        uint256 available = balance > frozen ? balance - frozen : 0;
        if (amount > available && amount <= balance) {
            revert ERC7943InsufficientUnfrozenBalance(holder, amount, available);
        }
    }

    /// @dev Freezes `amount` of `holder`'s shares (zero: unfreezes), with both projects' events.
    function _freeze(address holder, uint256 amount, bytes32 reasonHash) private {
        _setFrozen(holder, amount);
        if (amount == 0) emit SharesUnfrozen(holder, reasonHash, msg.sender);
        else emit SharesFrozen(holder, amount, reasonHash, msg.sender);
        emit Frozen(holder, amount);
    }

    /// @dev An officer's forced transfer with its events.
    function _forcedTransfer(address from, address to, uint256 amount, bytes32 reasonHash) private {
        _forcedMove(from, to, amount);
        emit ForcedTransfer(from, to, amount, reasonHash, msg.sender);
        emit ForcedTransfer(from, to, amount);
    }

    /// @dev A transfer by an officer: the sender's freeze and eligibility are not checked, the recipient's are.
    /// A partial freeze larger than what `from` keeps shrinks to it before the move ({Frozen} first, as ERC-7943
    /// asks); a full freeze stays (it covers shares received later too).
    function _forcedMove(address from, address to, uint256 amount) private {
        uint256 frozen = _frozen[from];
        if (frozen != 0 && frozen != type(uint256).max) {
            uint256 balance = balanceOf(from);
            if (amount <= balance && frozen > balance - amount) {
                _setFrozen(from, balance - amount);
                emit Frozen(from, balance - amount);
            }
        }
        _forcing = true;
        _transfer(from, to, amount);
        _forcing = false;
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
        if (!_isOfficer(msg.sender)) revert NotComplianceOfficer(msg.sender);
        if (reasonHash == bytes32(0)) revert MissingReasonHash();
    }

    /// @dev Whether `account` is an officer whose scope covers this token (global, of its issuer, or of it).
    function _isOfficer(address account) private view returns (bool) {
        return ICompliance(compliance()).isTokenOfficer(address(this), account);
    }

    /// @dev Pays `holder`'s royalty owed in `currency` to `recipient`.
    function _claimRoyalty(address holder, address currency, address recipient) private returns (uint256 amount) {
        amount = royaltyOwed(holder, currency);
        if (amount == 0) revert NoRoyaltyOwed(holder, currency);
        _royaltyClaimed[currency][holder] += amount;
        emit RoyaltyClaimed(holder, currency, amount);
        SafeTransferLib.safeTransfer(currency, recipient, amount);
    }

    /// @dev A compliance token grants no implicit allowance to Permit2.
    function _givePermit2InfiniteAllowance() internal pure override returns (bool) {
        return false;
    }
}
