// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IRightHistory
/// @notice A provable commitment to every event a contract emitted about each right, so that a verifier holding one
/// trusted block hash can check a right's whole history from one storage proof, without scanning the chain.
/// @dev For each right the contract keeps one storage word at `keccak256(abi.encode(tokenId, HISTORY_SEED))`:
/// the top 192 bits hold the head of a hash chain over the right's events, the low 64 bits the block of the latest.
/// Each event of the right extends the chain:
/// `head' = keccak256(abi.encode(head, block.number, block.timestamp, logDigest)) >> 64`, where
/// `logDigest = keccak256(abi.encode(topic0, topic1, ..., keccak256(data)))` over the log exactly as emitted. The
/// first event of a right in a block also emits {HistoryLinked} naming the block of the one before it (except the
/// right's very first event), so a verifier walks back block by block from the proven word. See docs/trustless.md.
interface IRightHistory {
    /// @notice The history of `tokenId` in this contract reached a new block; `previousBlock` is the block of its
    /// previous event here. Not emitted for a right's first event, nor itself part of the hash chain.
    event HistoryLinked(uint256 indexed tokenId, uint256 previousBlock);

    /// @notice The commitment to the history of `tokenId` in this contract: the block of its latest event (0 when
    /// it has none) and the head of the hash chain over its events (see the interface's notes).
    function historyOf(uint256 tokenId) external view returns (uint64 lastBlock, bytes24 head);
}
