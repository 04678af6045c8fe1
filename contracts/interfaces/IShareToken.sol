// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IShareToken
/// @notice Errors, events and functions of the ERC-20 share token of one fractionalized right, and of the
/// royalties its holders receive pro rata (see docs/licensing.md, "Royalties").
interface IShareToken {
    /// @notice The token was already initialized (or is the implementation).
    error AlreadyInitialized();

    /// @notice Only the vault that created the token may call this.
    error OnlyVault(address caller);

    /// @notice `caller` lacks the compliance officer role.
    error NotComplianceOfficer(address caller);

    /// @notice All of `holder`'s shares are frozen.
    error HolderFrozen(address holder);

    /// @notice A reason hash must not be zero.
    error MissingReasonHash();

    /// @notice Shares cannot be sent to the zero address (only the vault burns them, at redemption).
    error InvalidRecipient(address to);

    /// @notice A freeze of zero shares; use `unfreeze`.
    error ZeroFreeze();

    /// @notice A share supply of `supply` is too large for exact royalty accounting (it must be below 2**128).
    error SupplyTooLarge(uint256 supply);

    /// @notice Only the royalty vault named at deployment may distribute royalties.
    error OnlyRoyaltyVault(address caller);

    /// @notice The token already receives royalties in the maximum number of currencies; `currency` would be one
    /// more.
    error TooManyRoyaltyCurrencies(address currency);

    /// @notice `currency` may not be a royalty currency: it is this share token itself.
    error InvalidRoyaltyCurrency(address currency);

    /// @notice `amount` more of `currency` on top of the `paid` distributed so far would reach 2**120, the bound that
    /// keeps the royalty accounting free of overflow.
    error RoyaltyTotalTooLarge(address currency, uint256 paid, uint256 amount);

    /// @notice `holder` has no royalty to claim in `currency`.
    error NoRoyaltyOwed(address holder, address currency);

    /// @notice `holder` named no royalty beneficiary, so nobody but itself may claim its royalties.
    error NoRoyaltyBeneficiary(address holder);

    /// @notice Only `holder` itself or an officer of this token may name its royalty beneficiary.
    error NotHolderOrOfficer(address caller, address holder);

    /// @notice An officer names the royalty beneficiary of a contract or a venue wallet only, never an investor's.
    error BeneficiaryOfInvestor(address holder);

    /// @notice `lost` is a contract (a pool, a venue's wallet): recovery would move every share it holds for others.
    /// Use a forced transfer of the exact amount instead (docs/venues.md).
    error RecoveryOfContract(address lost);

    /// @notice Transfers are locked up until `until` (Unix time).
    error LockedUp(uint40 until);

    /// @notice `to` would hold `balance`, above the token's maximum balance per holder `max`.
    error MaxBalanceExceeded(address to, uint256 balance, uint256 max);

    /// @notice The token already has its maximum number of holders, `max`; `to` would be one more.
    error MaxHoldersReached(address to, uint32 max);

    /// @notice `account`'s country `country` may not hold this token (its country rule).
    error CountryNotAllowed(address account, bytes2 country);

    /// @notice The country code is not two upper-case ASCII letters, or the country rule's mode is unknown.
    error InvalidCountryRule(bytes2 country, uint8 mode);

    /// @notice The holders given to start the holder count are not every holder, once each, in ascending order
    /// (their balances sum to `counted`, the supply is `supply`).
    error InvalidHolderList(uint256 counted, uint256 supply);

    /// @notice `officer` froze `amount` of `holder`'s shares (type(uint256).max: all of them, now and later).
    event SharesFrozen(address indexed holder, uint256 amount, bytes32 reasonHash, address indexed officer);

    /// @notice `officer` lifted the freeze on `holder`'s shares.
    event SharesUnfrozen(address indexed holder, bytes32 reasonHash, address indexed officer);

    /// @notice `officer` moved `amount` shares from `from` to `to` without the holder.
    event ForcedTransfer(
        address indexed from, address indexed to, uint256 amount, bytes32 reasonHash, address indexed officer
    );

    /// @notice `officer` moved every share (and its freeze) of the lost wallet `lost` to `replacement`.
    event WalletRecovered(
        address indexed lost, address indexed replacement, uint256 amount, bytes32 reasonHash, address indexed officer
    );

    /// @notice `officer` switched restricted mode on or off.
    event RestrictedModeSet(bool restricted, address indexed officer);

    /// @notice The royalty vault credited `amount` of `currency` to the holders pro rata; `cumulative` is
    /// everything distributed in `currency` so far.
    event RoyaltyDistributed(address indexed currency, uint256 amount, uint256 cumulative);

    /// @notice `officer` set the token's transfer rules (effective in restricted mode): allowed investor
    /// `categories` (0: any), transfers locked until `lockupUntil`, at most `maxHolders` holders (0: no cap;
    /// `holderCount` holders now) and `maxBalance` shares per investor (0: no cap).
    event TransferRulesSet(
        uint16 categories,
        uint40 lockupUntil,
        uint32 maxHolders,
        uint128 maxBalance,
        uint32 holderCount,
        address indexed officer
    );

    /// @notice `officer` set the token's country rule: `mode` 0 none, 1 only `countries` may receive, 2 `countries`
    /// may not receive.
    event CountryRuleSet(uint8 mode, bytes2[] countries, address indexed officer);

    /// @notice `by` (the holder or an officer) named `beneficiary` to receive `holder`'s royalties (zero: none).
    event RoyaltyBeneficiarySet(address indexed holder, address indexed beneficiary, address indexed by);

    /// @notice `holder` (current or former) claimed `amount` of `currency` in royalties.
    event RoyaltyClaimed(address indexed holder, address indexed currency, uint256 amount);

    /// @notice A wallet recovery moved `amount` of `currency` in unclaimed royalties of `lost` to `replacement`.
    event RoyaltyRecovered(address indexed lost, address indexed replacement, address indexed currency, uint256 amount);

    /// @notice Called once by the vault right after cloning; registry and compliance come from the vault.
    function initialize(
        string calldata name_,
        string calldata symbol_,
        uint8 decimals_,
        uint256 tokenId_,
        bool restricted_,
        address holder,
        uint256 supply
    ) external;

    /// @notice The vault burns `holder`'s shares at redemption. Requirements: caller is the vault.
    function burnFrom(address holder, uint256 amount) external;

    /// @notice Freezes `amount` of `holder`'s shares (type(uint256).max freezes all). Requirements: officer.
    function freeze(address holder, uint256 amount, bytes32 reasonHash) external;

    /// @notice Lifts the freeze on `holder`'s shares. Requirements: officer.
    function unfreeze(address holder, bytes32 reasonHash) external;

    /// @notice Moves `amount` shares from `from` to `to` under an order. Requirements: officer; `to` eligible in
    /// restricted mode.
    function forcedTransfer(address from, address to, uint256 amount, bytes32 reasonHash) external;

    /// @notice Moves all shares and the freeze of a lost wallet to its owner's new wallet. Requirements: officer;
    /// `replacement` eligible in restricted mode.
    function recover(address lost, address replacement, bytes32 reasonHash) external;

    /// @notice Switches restricted mode. Requirements: officer.
    function setRestricted(bool restricted_) external;

    /// @notice Sets the per-token transfer rules, applied in restricted mode to transfers between holders (a
    /// forced transfer obeys only the categories and country rule, on its recipient). `holders` starts the holder
    /// count when a holder cap is first set: every current holder once, in ascending order (their balances must sum
    /// to the supply); otherwise empty. Requirements: officer of this token.
    function setTransferRules(
        uint16 categories,
        uint40 lockupUntil,
        uint32 maxHolders,
        uint128 maxBalance,
        address[] calldata holders
    ) external;

    /// @notice Sets the per-token country rule on recipients: `mode` 0 none, 1 allow only `countries`, 2 block
    /// `countries`. Requirements: officer of this token.
    function setCountryRule(uint8 mode, bytes2[] calldata countries) external;

    /// @notice The per-token transfer rules and the current holder count (counted only while a holder cap is set).
    function transferRules()
        external
        view
        returns (uint16 categories, uint40 lockupUntil, uint32 maxHolders, uint128 maxBalance, uint32 holderCount);

    /// @notice The per-token country rule: its mode and its countries in ascending order.
    function countryRule() external view returns (uint8 mode, bytes2[] memory countries);

    /// @notice Names who receives `holder`'s royalties (zero: the holder itself). Requirements: the caller is
    /// `holder`, or an officer of this token and `holder` is a contract or a venue wallet.
    function setRoyaltyBeneficiary(address holder, address beneficiary) external;

    /// @notice Who receives `holder`'s royalties (zero: nobody named; the holder claims them itself).
    function royaltyBeneficiary(address holder) external view returns (address);

    /// @notice Sends every royalty owed to `holder` in `currency` to its named beneficiary; anyone may call it, so
    /// royalties owed to a contract that cannot claim (a pool) are never stranded. Returns the amount.
    function claimRoyaltyFor(address holder, address currency) external returns (uint256 amount);

    /// @notice Credits `amount` of `currency`, already transferred to this token, to the holders pro rata to their
    /// balances now. Requirements: caller is the royalty vault.
    function distributeRoyalty(address currency, uint256 amount) external;

    /// @notice Sends every royalty owed to the caller (a holder now or before) in `currency` to it, or to its named
    /// beneficiary; returns the amount.
    function claimRoyalty(address currency) external returns (uint256 amount);

    /// @notice The royalty in `currency` that `holder` may claim now.
    function royaltyOwed(address holder, address currency) external view returns (uint256);

    /// @notice The royalty in `currency` that `holder` has claimed so far.
    function royaltyClaimed(address holder, address currency) external view returns (uint256);

    /// @notice The currencies in which royalties were distributed, in order of their first distribution.
    function royaltyCurrencies() external view returns (address[] memory);

    /// @notice The royalty vault allowed to distribute royalties (zero: this deployment pays none).
    function royaltyVault() external view returns (address);

    /// @notice The registry of the right these shares stand for.
    function registry() external view returns (address);

    /// @notice The token id of the right these shares stand for.
    function tokenId() external view returns (uint256);

    /// @notice The account that fractionalized the right and received the initial supply.
    function issuer() external view returns (address);

    /// @notice The vault that holds the right and created this token.
    function vault() external view returns (address);

    /// @notice The compliance registry consulted in restricted mode.
    function compliance() external view returns (address);

    /// @notice Whether transfers are restricted to eligible holders.
    function restricted() external view returns (bool);

    /// @notice How many of `holder`'s shares are frozen.
    function frozenOf(address holder) external view returns (uint256);
}
