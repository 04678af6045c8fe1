// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Identifiers
/// @notice The identifiers the ipledger contracts share, each defined once: the access-control role ids and the
/// two-letter codes (offices and jurisdictions of rights, investors' countries, licence territories).
/// @dev
/// - A role id is `keccak256` of the role's name. Each contract exposes the roles it checks as public constants of the
///   same value (`IPRegistry.REGISTRAR_ROLE()`, `DisputeManager.ARBITRATOR_ROLE()`, ...); a contract that checks
///   another contract's role (the licence and attestation registries ask the IP registry about its registrars)
///   reads the id from here, so the two cannot drift apart.
/// - A two-letter code is two upper-case ASCII letters in a `bytes2`, the first in the high byte ("US" = 0x5553),
///   as ISO 3166-1 alpha-2 country codes and WIPO ST.3 office codes are written. Its index,
///   `26 * (first - "A") + (second - "A")`, numbers the 676 codes from 0 ("AA") to 675 ("ZZ").
library Identifiers {
    /*//////////////////////////////////////////////////////////////
                                 ROLES
    //////////////////////////////////////////////////////////////*/

    /// @dev IPRegistry: registers rights, signs vouchers, freezes, force-transfers and revokes; the licence and
    /// attestation registries honour it too (a registrar revokes any licence; its title attestation confirms a claim).
    bytes32 internal constant REGISTRAR_ROLE = keccak256("REGISTRAR_ROLE");

    /// @dev IPRegistry: pauses and unpauses the registry.
    bytes32 internal constant GUARDIAN_ROLE = keccak256("GUARDIAN_ROLE");

    /// @dev IPRegistry: confirms self-declared claims (the attestation registry, or a registrar).
    bytes32 internal constant VERIFIER_ROLE = keccak256("VERIFIER_ROLE");

    /// @dev IPRegistry: locks rights under an open dispute (the dispute manager).
    bytes32 internal constant DISPUTE_ROLE = keccak256("DISPUTE_ROLE");

    /// @dev IPRegistry: pledges rights for loans and delivers them at enforcement sales (the loan desk).
    bytes32 internal constant PLEDGE_ROLE = keccak256("PLEDGE_ROLE");

    /// @dev DisputeManager: resolves disputes.
    bytes32 internal constant ARBITRATOR_ROLE = keccak256("ARBITRATOR_ROLE");

    /// @dev AttestationRegistry: attests about rights.
    bytes32 internal constant ATTESTOR_ROLE = keccak256("ATTESTOR_ROLE");

    /// @dev ComplianceRegistry: verifies investors, registers venues, blocks countries; acts on restricted shares.
    bytes32 internal constant COMPLIANCE_OFFICER_ROLE = keccak256("COMPLIANCE_OFFICER_ROLE");

    /*//////////////////////////////////////////////////////////////
                          EVIDENCE OF STANDARD ACTS
    //////////////////////////////////////////////////////////////*/

    /// @dev The evidence hash recorded for an enforcement act made through ERC-7943's `setFrozenTokens` or
    /// `forcedTransfer`, which carry no order or reason: the project's own event is emitted with this hash in place of
    /// a document's, beside the officer's address, so an auditor sees that no document was given (docs/venues.md).
    bytes32 internal constant ERC7943_ACT = keccak256("ipledger: ERC-7943 act, no document given");

    /*//////////////////////////////////////////////////////////////
                            TWO-LETTER CODES
    //////////////////////////////////////////////////////////////*/

    /// @dev How many two-letter codes there are ("AA" to "ZZ").
    uint256 internal constant CODE_COUNT = 26 * 26;

    /// @dev Whether `code` is two upper-case ASCII letters.
    function isCode(bytes2 code) internal pure returns (bool) {
        return codeIndex(code) < CODE_COUNT;
    }

    /// @dev The index of `code` (0 for "AA" to 675 for "ZZ"), or `type(uint256).max` unless it is two upper-case ASCII
    /// letters: callers test `index < CODE_COUNT`. Branch-free, so that the optimizer inlines it.
    function codeIndex(bytes2 code) internal pure returns (uint256 index) {
        assembly ("memory-safe") {
            // Wrapping subtraction: a byte below "A" wraps to a large number, so one comparison per letter suffices.
            let first := and(sub(byte(0, code), 0x41), 0xff)
            let second := and(sub(byte(1, code), 0x41), 0xff)
            // All ones when either is not a letter.
            index := or(add(mul(first, 26), second), sub(0, or(gt(first, 25), gt(second, 25))))
        }
    }

    /// @dev The code of index `index` (below `CODE_COUNT`): the inverse of `codeIndex`.
    function codeAt(uint256 index) internal pure returns (bytes2) {
        // Cannot truncate: for an index below 676 both letters are bytes from "A" to "Z".
        return bytes2(uint16(((index / 26 + 0x41) << 8) | (index % 26 + 0x41)));
    }
}
