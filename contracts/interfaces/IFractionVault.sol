// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IFractionVault
/// @notice Locks IP tokens and issues ERC-20 shares for them; releases a token to whoever holds all its shares.
interface IFractionVault {
    /// @notice The caller does not own `tokenId`.
    error NotTokenOwner(address caller, uint256 tokenId);

    /// @notice `tokenId` is not held by this vault.
    error NotFractionalized(uint256 tokenId);

    /// @notice The vault still holds `tokenId`; there is no lost custody to record.
    error CustodyHeld(uint256 tokenId);

    /// @notice A share supply must be positive.
    error ZeroSupply();

    /// @notice `holder` holds `balance` of `supply` shares; redemption needs all of them.
    error IncompleteOwnership(address holder, uint256 balance, uint256 supply);

    /// @notice `owner` locked `tokenId` and received `supply` shares of the new token `shareToken`.
    event Fractionalized(
        uint256 indexed tokenId,
        address indexed shareToken,
        address indexed owner,
        uint256 supply,
        uint8 decimals,
        bool restricted,
        string name,
        string symbol
    );

    /// @notice `holder` burned all `supply` shares of `shareToken` and took `tokenId` out of the vault.
    event Redeemed(uint256 indexed tokenId, address indexed shareToken, address indexed holder, uint256 supply);

    /// @notice The vault no longer holds `tokenId` (a registrar's forced transfer took it to `holder`, or revoked
    /// it: `holder` zero): the shares of `shareToken` no longer stand for the right.
    event CustodyLost(uint256 indexed tokenId, address indexed shareToken, address indexed holder);

    /// @notice Locks `tokenId` (the vault must be approved for it) and mints `supply` shares to the caller.
    function fractionalize(
        uint256 tokenId,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        uint256 supply,
        bool restricted
    ) external returns (address shareToken);

    /// @notice As the six-argument `fractionalize`, with the shares' buyout threshold in basis points (0: the
    /// default, two thirds; else 5001 to 10000): the part of the supply that must accept a buyout (see IBuyout).
    function fractionalize(
        uint256 tokenId,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        uint256 supply,
        bool restricted,
        uint16 buyoutThreshold
    ) external returns (address shareToken);

    /// @notice Burns all shares of `tokenId` held by the caller and returns the right to the caller.
    function redeem(uint256 tokenId) external;

    /// @notice Records that the vault lost `tokenId` to a forced transfer or a revocation, so `shareTokenOf` stops naming its old
    /// shares. Anyone may call it; it reverts unless the vault tracks the token and no longer holds it.
    function syncCustody(uint256 tokenId) external;

    /// @notice The share token of `tokenId` while it is in the vault, else the zero address.
    function shareTokenOf(uint256 tokenId) external view returns (address);

    /// @notice The registry whose tokens this vault holds.
    function registry() external view returns (address);

    /// @notice The compliance registry the vault's share tokens consult in restricted mode.
    function compliance() external view returns (address);

    /// @notice The royalty vault allowed to distribute royalties to the vault's share tokens (zero: none).
    function royaltyVault() external view returns (address);
}
