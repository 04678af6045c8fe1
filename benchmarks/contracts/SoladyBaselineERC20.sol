// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "solady/src/tokens/ERC20.sol";

/// @notice Baseline: a plain Solady ERC-20 with an open mint (ShareToken's base).
contract SoladyBaselineERC20 is ERC20 {
    /// @notice The token name.
    function name() public pure override returns (string memory) {
        return "Baseline";
    }

    /// @notice The token symbol.
    function symbol() public pure override returns (string memory) {
        return "BASE";
    }

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
