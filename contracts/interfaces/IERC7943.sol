// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";

/// @title IERC7943Fungible
/// @notice ERC-7943 (uRWA) for an ERC-20: who may send and receive, what is frozen, whether a transfer may happen,
/// and the two enforcement acts (freeze an amount, force a transfer). ERC-165 id 0x3edbb4c4.
/// @dev Written from the standard's text (https://eips.ethereum.org/EIPS/eip-7943). The views never revert and never
/// write; `canTransfer` answers the token's permissioned rules, not balance or allowance.
interface IERC7943Fungible is IERC165 {
    /// @notice `amount` was taken from `from` and given to `to` by an enforcement act.
    event ForcedTransfer(address indexed from, address indexed to, uint256 amount);

    /// @notice `account` now has `amount` tokens frozen (the amount after the change).
    event Frozen(address indexed account, uint256 amount);

    /// @notice `account` may not send tokens.
    error ERC7943CannotSend(address account);

    /// @notice `account` may not receive tokens.
    error ERC7943CannotReceive(address account);

    /// @notice The token's rules forbid moving `amount` from `from` to `to`.
    error ERC7943CannotTransfer(address from, address to, uint256 amount);

    /// @notice `account` tried to move `amount`, within its balance but above its `unfrozen` tokens.
    error ERC7943InsufficientUnfrozenBalance(address account, uint256 amount, uint256 unfrozen);

    /// @notice Moves `amount` from `from` to `to` by an enforcement act; true on success, reverts otherwise.
    function forcedTransfer(address from, address to, uint256 amount) external returns (bool result);

    /// @notice Sets the frozen amount of `account` to `amount` (may exceed its balance); true on success.
    function setFrozenTokens(address account, uint256 amount) external returns (bool result);

    /// @notice Whether `account` may send tokens under the token's rules.
    function canSend(address account) external view returns (bool allowed);

    /// @notice Whether `account` may receive tokens under the token's rules.
    function canReceive(address account) external view returns (bool allowed);

    /// @notice How many of `account`'s tokens are frozen (may exceed its balance).
    function getFrozenTokens(address account) external view returns (uint256 amount);

    /// @notice Whether the token's rules (freezes included) allow moving `amount` from `from` to `to` now.
    function canTransfer(address from, address to, uint256 amount) external view returns (bool allowed);
}

/// @title IERC7943NonFungible
/// @notice ERC-7943 (uRWA) for an ERC-721. ERC-165 id 0xbf1ef5fe.
/// @dev Written from the standard's text (https://eips.ethereum.org/EIPS/eip-7943).
interface IERC7943NonFungible is IERC165 {
    /// @notice `tokenId` was taken from `from` and given to `to` by an enforcement act.
    event ForcedTransfer(address indexed from, address indexed to, uint256 indexed tokenId);

    /// @notice `tokenId` held by `account` was frozen (`frozenStatus` true) or unfrozen.
    event Frozen(address indexed account, uint256 indexed tokenId, bool indexed frozenStatus);

    /// @notice `account` may not send tokens.
    error ERC7943CannotSend(address account);

    /// @notice `account` may not receive tokens.
    error ERC7943CannotReceive(address account);

    /// @notice The token's rules forbid moving `tokenId` from `from` to `to`.
    error ERC7943CannotTransfer(address from, address to, uint256 tokenId);

    /// @notice `account` tried to move `tokenId`, which is frozen.
    error ERC7943InsufficientUnfrozenBalance(address account, uint256 tokenId);

    /// @notice Moves `tokenId` from `from` to `to` by an enforcement act; true on success, reverts otherwise.
    function forcedTransfer(address from, address to, uint256 tokenId) external returns (bool result);

    /// @notice Freezes or unfreezes `tokenId` held by `account`; true on success.
    function setFrozenTokens(address account, uint256 tokenId, bool frozenStatus) external returns (bool result);

    /// @notice Whether `account` may send tokens under the token's rules.
    function canSend(address account) external view returns (bool allowed);

    /// @notice Whether `account` may receive tokens under the token's rules.
    function canReceive(address account) external view returns (bool allowed);

    /// @notice Whether `tokenId` is frozen for `account` (may be true when `account` does not hold it).
    function getFrozenTokens(address account, uint256 tokenId) external view returns (bool frozenStatus);

    /// @notice Whether the token's rules (freezes included) allow moving `tokenId` from `from` to `to` now.
    function canTransfer(address from, address to, uint256 tokenId) external view returns (bool allowed);
}
