// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";

/// @notice Baseline: a plain OpenZeppelin 5 ERC-721 with an open mint, the usual choice.
contract OZBaselineERC721 is ERC721 {
    constructor() ERC721("Baseline", "BASE") {}

    /// @notice Mints `tokenId` to `to`.
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
