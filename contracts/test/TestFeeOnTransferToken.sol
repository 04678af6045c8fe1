// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestFeeOnTransferToken
/// @notice Test token: burns 1% of every transfer between holders, so the payee receives less than the amount sent.
/// Exists to prove that contracts refuse such tokens; anyone may mint. Never deploy it where money is real.
contract TestFeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee USD", "fUSD") {}

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @dev Transfers between holders burn 1% of the value first; mints and burns are exact.
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}
