// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OfficialNumbers} from "../../contracts/libraries/OfficialNumbers.sol";

/// @notice Benchmark only: the gas of the registry's official-number library, measured inside the EVM with
/// `gasleft()` around each call (`benchmarks/gas_numbers.py` calls it with `eth_call` on anvil).
/// @dev Caveats:
/// - Each figure is the gas between two `gasleft()` readings less the same pair with nothing between them
///   (`overhead`), so it is the library call as compiled here (same compiler settings as the registry, inlined the
///   same way), not the whole transaction.
/// - The library's functions are internal: this contract compiles them into its own code, as IPRegistry does.
contract NumbersProbe {
    /// @notice Gas of two `gasleft()` readings with nothing between them.
    function overhead() public view returns (uint256 gasUsed) {
        uint256 before = gasleft();
        gasUsed = before - gasleft();
    }

    /// @notice `OfficialNumbers.key(number)` (the right id of a primary number) and its gas.
    function keyGas(uint256 number) external view returns (uint256 key, uint256 gasUsed) {
        uint256 bare = overhead();
        uint256 before = gasleft();
        key = OfficialNumbers.key(number);
        gasUsed = before - gasleft() - bare;
    }

    /// @notice `OfficialNumbers.isCanonical(number)` (the series table's binary search, or the office check of the
    /// know-how and unpublished series) and its gas.
    function canonicalGas(uint256 number) external view returns (bool canonical, uint256 gasUsed) {
        uint256 bare = overhead();
        uint256 before = gasleft();
        canonical = OfficialNumbers.isCanonical(number);
        gasUsed = before - gasleft() - bare;
    }

    /// @notice What `IPRegistry` runs on a primary number: the family and canonical checks, then the key; and
    /// its gas.
    function rightIdGas(uint256 number) external view returns (uint256 key, uint256 gasUsed) {
        uint256 bare = overhead();
        uint256 before = gasleft();
        if (!OfficialNumbers.isFamily(number) && OfficialNumbers.isCanonical(number)) key = OfficialNumbers.key(number);
        gasUsed = before - gasleft() - bare;
    }
}
