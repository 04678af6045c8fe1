// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC1155} from "@openzeppelin/contracts/token/ERC1155/ERC1155.sol";

/// @title TestMultiToken
/// @notice An ERC-1155 token with an open mint, for tests that no ipledger contract takes ERC-1155 tokens (none
/// implements the receiver hook, so a safe transfer to one reverts and nothing can re-enter through it).
contract TestMultiToken is ERC1155 {
    constructor() ERC1155("") {}

    /// @notice Mints `amount` of token `id` to `to` (a safe transfer: a contract recipient must accept it).
    function mint(address to, uint256 id, uint256 amount) external {
        _mint(to, id, amount, "");
    }
}
