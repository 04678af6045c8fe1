// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "solady/src/tokens/ERC721.sol";

/// @notice Baseline: a plain Solady ERC-721 with an open mint, the gas-lean choice (and IPRegistry's base).
contract SoladyBaselineERC721 is ERC721 {
    /// @notice The collection name.
    function name() public pure override returns (string memory) {
        return "Baseline";
    }

    /// @notice The collection symbol.
    function symbol() public pure override returns (string memory) {
        return "BASE";
    }

    /// @notice No metadata: the baseline measures ownership changes only.
    function tokenURI(uint256) public pure override returns (string memory) {
        return "";
    }

    /// @notice Mints `tokenId` to `to`.
    function mint(address to, uint256 tokenId) external {
        _mint(to, tokenId);
    }
}
