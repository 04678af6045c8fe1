// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {LibString} from "solady/src/utils/LibString.sol";
import {IIPRegistry} from "../../contracts/interfaces/IIPRegistry.sol";

/// @notice Benchmark only: registers and moves rights in bulk, thousands per transaction, so that
/// `benchmarks/index_scale.py` builds a registry of 100,000 rights and 1,000,000 transfers in a few hundred
/// transactions. Every log the index reads is still the registry's own.
/// @dev Caveats:
/// - Registering needs REGISTRAR_ROLE on the registry; moving needs each holder's `setApprovalForAll(fixture, true)`.
/// - Only the deployer may call it (it holds a registrar role and operator approvals).
/// - Right `serial` of a batch with `salt` has one official number: a know-how number (series "KH", which any
///   office takes) of the office `JURISDICTIONS[serial % 8]`, its serial the low 216 bits of
///   `keccak256(abi.encodePacked(salt, serial))`; so its token id is that number's `OfficialNumbers.key` and the
///   benchmark computes ids off chain. Its content hash is `keccak256(abi.encodePacked(number))`, its kind
///   `serial % 7`, no expiry, and it goes to `holders[serial % holders.length]`.
/// - `registerManyWithTitles` also publishes a public record per right whose title is
///   `words[serial % n] + words[(serial / n) % n] + " " + serial` (`n = words.length`), framed by the canonical
///   JSON `prefix` and `suffix` the benchmark computes (`{"title":"` ... `","v":1}`), so titles vary in Chinese and
///   English across the registry for the explorer's search benchmark. Words must need no JSON escaping.
/// - Never deploy it outside a benchmark chain.
contract ScaleFixture {
    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice `caller` is not the deployer.
    error NotOperator(address caller);

    /// @notice `tokenIds` and `to` differ in length (`tokens` ids, `recipients` recipients).
    error LengthMismatch(uint256 tokens, uint256 recipients);

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Eight two-letter jurisdictions, packed: serial % 8 picks bytes [2i, 2i + 2).
    bytes16 public constant JURISDICTIONS = "USEPDEJPCNGBFRKR";

    /// @notice The series code of know-how numbers, "KH" (`OfficialNumbers`).
    uint256 public constant KNOW_HOW_SERIES = 0x4b48;


    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    IIPRegistry private immutable _registry;
    address private immutable _operator;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param registry The IPRegistry to fill; grant this contract REGISTRAR_ROLE there before `registerMany`.
    constructor(IIPRegistry registry) {
        _registry = registry;
        _operator = msg.sender;
    }

    /*//////////////////////////////////////////////////////////////
                            PUBLIC FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers the rights `first` to `first + count - 1` of `salt`, spread over `holders` by serial.
    /// @dev Requirements: caller is the deployer; the fixture has REGISTRAR_ROLE; `holders` is not empty.
    /// Emits, per right, the registry's {Transfer} and {RightRegistered}.
    function registerMany(bytes32 salt, uint256 first, uint256 count, address[] calldata holders) external {
        _registerMany(salt, first, count, holders, "", "", new string[](0));
    }

    /// @notice As {registerMany}, each right with a public record whose title is made of `words` and its serial
    /// (see the contract's notes), framed by `prefix` and `suffix`.
    /// @dev Requirements: as {registerMany}; `words` is not empty.
    /// Emits, per right, the registry's {Transfer} and {RightRegistered} (with the record).
    function registerManyWithTitles(
        bytes32 salt,
        uint256 first,
        uint256 count,
        address[] calldata holders,
        bytes calldata prefix,
        bytes calldata suffix,
        string[] calldata words
    ) external {
        _registerMany(salt, first, count, holders, prefix, suffix, words);
    }

    /// @notice Moves each `tokenIds[i]` from its current owner to `to[i]`, as the owners' approved operator.
    /// @dev Requirements: caller is the deployer; equal lengths; every owner approved this contract for all.
    /// Emits, per move, the registry's {Transfer}.
    function move(uint256[] calldata tokenIds, address[] calldata to) external {
        if (msg.sender != _operator) revert NotOperator(msg.sender);
        if (tokenIds.length != to.length) revert LengthMismatch(tokenIds.length, to.length);
        IERC721 registry = IERC721(address(_registry));
        for (uint256 i; i < tokenIds.length; ++i) {
            uint256 tokenId = tokenIds[i];
            registry.transferFrom(registry.ownerOf(tokenId), to[i], tokenId);
        }
    }

    /*//////////////////////////////////////////////////////////////
                           PRIVATE FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    function _registerMany(
        bytes32 salt,
        uint256 first,
        uint256 count,
        address[] calldata holders,
        bytes memory prefix,
        bytes memory suffix,
        string[] memory words
    ) private {
        if (msg.sender != _operator) revert NotOperator(msg.sender);
        IIPRegistry.Registration memory registration;
        registration.numbers = new uint256[](1);
        uint256 end = first + count;
        uint256 n = words.length;
        for (uint256 serial = first; serial < end; ++serial) {
            uint256 office = uint16(bytes2(JURISDICTIONS << (16 * (serial % 8))));
            uint256 number = (office << 232) | (KNOW_HOW_SERIES << 216)
                | (uint256(keccak256(abi.encodePacked(salt, serial))) & ((1 << 216) - 1));
            registration.numbers[0] = number;
            registration.contentHash = keccak256(abi.encodePacked(number));
            registration.kind = uint8(serial % 7);
            if (n != 0) {
                registration.metadata = abi.encodePacked(
                    prefix, words[serial % n], words[(serial / n) % n], " ", LibString.toString(serial), suffix
                );
            }
            _registry.register(holders[serial % holders.length], registration);
        }
    }
}
