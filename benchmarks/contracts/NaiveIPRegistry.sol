// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "@openzeppelin/contracts/token/ERC721/ERC721.sol";
import {ERC721URIStorage} from "@openzeppelin/contracts/token/ERC721/extensions/ERC721URIStorage.sol";

/// @notice Baseline: the naive registry design (OZ URIStorage mint, a record struct in its own slots and
/// two uniqueness mappings). Measured beside IPRegistry to show what packing saves.
contract NaiveIPRegistry is ERC721URIStorage {
    struct Record {
        uint8 kind;
        bytes2 jurisdiction;
        uint64 registeredAt;
        uint64 expiry;
        bool frozen;
        bytes32 officialIdHash;
        bytes32 contentHash;
    }

    error Duplicate(uint256 tokenId);

    mapping(uint256 tokenId => Record) public records;
    mapping(bytes32 officialIdHash => uint256 tokenId) public tokenOfOfficialId;
    mapping(bytes32 contentHash => uint256 tokenId) public tokenOfContent;
    uint256 public nextId = 1;

    event Registered(uint256 indexed tokenId, bytes32 officialIdHash, bytes32 contentHash);

    constructor() ERC721("Naive", "NAIVE") {}

    /// @notice Registers a right the naive way.
    function register(
        address to,
        bytes32 officialIdHash,
        bytes32 contentHash,
        uint8 kind,
        bytes2 jurisdiction,
        uint64 expiry,
        string calldata uri
    ) external returns (uint256 tokenId) {
        if (tokenOfOfficialId[officialIdHash] != 0) revert Duplicate(tokenOfOfficialId[officialIdHash]);
        if (tokenOfContent[contentHash] != 0) revert Duplicate(tokenOfContent[contentHash]);
        tokenId = nextId++;
        tokenOfOfficialId[officialIdHash] = tokenId;
        tokenOfContent[contentHash] = tokenId;
        records[tokenId] = Record(kind, jurisdiction, uint64(block.timestamp), expiry, false, officialIdHash, contentHash);
        _mint(to, tokenId);
        _setTokenURI(tokenId, uri);
        emit Registered(tokenId, officialIdHash, contentHash);
    }
}
