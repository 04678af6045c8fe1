// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TestReentrantReceiver
/// @notice Test ERC-721 receiver: once armed, its next `onERC721Received` first calls a target contract with a
/// payload (a re-entry attempt from inside the hook), records the outcome in {CallbackResult}, then accepts the
/// token. Exists to prove what a receiver hook can and cannot do; never deploy it where rights are real.
/// @dev The outcome is logged rather than bubbled, so a refused re-entry does not undo the transfer under test.
contract TestReentrantReceiver {
    address private _target;
    bytes private _payload;

    /// @notice The armed call to `target` returned `success` with `returnData` (revert data when it failed).
    event CallbackResult(address indexed target, bool success, bytes returnData);

    /// @notice Makes the next `onERC721Received` call `target` with `payload` first (one shot).
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    /// @notice Calls `target` with `payload` now, as this contract (to act as the token's owner).
    function execute(address target, bytes calldata payload) external returns (bytes memory) {
        (bool success, bytes memory returnData) = target.call(payload);
        if (!success) {
            assembly ("memory-safe") {
                revert(add(returnData, 0x20), mload(returnData))
            }
        }
        return returnData;
    }

    /// @notice ERC-721 receiver hook: fires the armed call (disarming first), then accepts the token.
    function onERC721Received(address, address, uint256, bytes calldata) external returns (bytes4) {
        address target = _target;
        if (target != address(0)) {
            _target = address(0);
            (bool success, bytes memory returnData) = target.call(_payload);
            emit CallbackResult(target, success, returnData);
        }
        return this.onERC721Received.selector;
    }
}
