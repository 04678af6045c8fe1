// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title TestReentrantToken
/// @notice Test token: once armed, its next transfer between holders first calls a target contract with a payload
/// (a re-entry attempt), records the outcome in {CallbackResult}, then moves the tokens as usual. Exists to prove
/// that contracts refuse re-entry; anyone may mint and arm it. Never deploy it where money is real.
/// @dev The outcome is logged rather than bubbled because callers such as Solady's SafeTransferLib replace a
/// token's revert data with their own error.
contract TestReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;

    /// @notice The armed call to `target` returned `success` with `returnData` (revert data when it failed).
    event CallbackResult(address indexed target, bool success, bytes returnData);

    constructor() ERC20("Reentrant USD", "rUSD") {}

    /// @notice Mints `amount` to `to`; open to anyone (test token).
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Makes the next transfer between holders call `target` with `payload` first (one shot).
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    /// @dev Fires the armed call (disarming first) and logs its outcome, then moves the tokens.
    function _update(address from, address to, uint256 value) internal override {
        address target = _target;
        if (target != address(0) && from != address(0) && to != address(0)) {
            _target = address(0);
            (bool success, bytes memory returnData) = target.call(_payload);
            emit CallbackResult(target, success, returnData);
        }
        super._update(from, to, value);
    }
}
