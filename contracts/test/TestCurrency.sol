// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title TestCurrency
/// @notice A 6-decimal test currency for local chains, tests and the demo, besides tUSD: the Hong Kong dollar
/// (tHKD) and the offshore renminbi (tCNH) this market prices in. Anyone may mint. Never deploy it where money is
/// real.
contract TestCurrency is ERC20, ERC20Permit {
    /// @param name_ The token's name ("Test HKD").
    /// @param symbol_ Its symbol ("tHKD").
    constructor(string memory name_, string memory symbol_) ERC20(name_, symbol_) ERC20Permit(name_) {}

    /// @notice Six decimals, like the tUSD of local chains.
    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
