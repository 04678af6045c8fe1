// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestFalseToken
/// @notice Test token whose transfers may lie: in mode 1 `transfer` and `transferFrom` return false and move
/// nothing; in mode 2 they return true and move nothing. Mode 0 is an honest ERC-20. Exists to prove that contracts
/// refuse such tokens; anyone may mint and set the mode. Never deploy it where money is real.
contract TestFalseToken is ERC20 {
    uint8 private _mode;

    constructor() ERC20("False USD", "xUSD") {}

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Sets how transfers behave: 0 honest, 1 return false, 2 return true without moving.
    function setMode(uint8 mode) external {
        _mode = mode;
    }

    /// @notice As ERC-20's, unless the mode makes it lie.
    function transfer(address to, uint256 value) public override returns (bool) {
        if (_mode != 0) return _mode == 2;
        return super.transfer(to, value);
    }

    /// @notice As ERC-20's, unless the mode makes it lie.
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (_mode != 0) return _mode == 2;
        return super.transferFrom(from, to, value);
    }
}
