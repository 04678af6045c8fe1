// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IFractionVault} from "../interfaces/IFractionVault.sol";
import {IShareToken} from "../interfaces/IShareToken.sol";
import {ShareToken} from "./ShareToken.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title FractionVault
/// @notice Holds fractionalized IP tokens: locks a right and issues a fixed supply of ERC-20 shares for it, each
/// share token an EIP-1167 clone of one ShareToken implementation; returns the right to whoever holds all shares.
/// @dev
/// - A right held by the vault is in custody, not lost: `shareTokenOf(tokenId)` names its shares.
/// - The registry's rules still bind the locked right: a registrar may freeze or force-transfer it.
/// - No callbacks: the right moves with `transferFrom` (in) and `transferFrom` (out), after all state changes.
/// - Royalties of a right in the vault go to its share holders: the royalty vault named here is the only address
///   every share token accepts distributions from (zero: this deployment pays no royalties to shares).
contract FractionVault is RightHistory, IFractionVault {
    /// @notice The registry whose tokens this vault holds.
    address public immutable registry;

    /// @notice The compliance registry every share token consults in restricted mode.
    address public immutable compliance;

    /// @notice The royalty vault that distributes royalties to the share tokens (zero: none).
    address public immutable royaltyVault;

    /// @notice The ShareToken implementation every share token clones.
    address public immutable shareImplementation;

    mapping(uint256 tokenId => address shareToken) private _shareTokens;

    /// @param registry_ The IP registry.
    /// @param compliance_ The compliance registry.
    /// @param royaltyVault_ The royalty vault (zero: no royalties); every share token's implementation stores it.
    constructor(address registry_, address compliance_, address royaltyVault_) {
        registry = registry_;
        compliance = compliance_;
        royaltyVault = royaltyVault_;
        shareImplementation = address(new ShareToken(royaltyVault_));
    }

    /// @inheritdoc IFractionVault
    /// @dev Requirements: the caller owns `tokenId` and approved this vault for it; `supply` is positive and below
    /// 2**128 (the bound of exact royalty accounting).
    /// Emits {Fractionalized} (and the registry's {Transfer}, the share token's {Transfer}).
    function fractionalize(
        uint256 tokenId,
        string calldata name,
        string calldata symbol,
        uint8 decimals,
        uint256 supply,
        bool restricted
    ) external returns (address shareToken) {
        if (supply == 0) revert ZeroSupply();
        if (IERC721(registry).ownerOf(tokenId) != msg.sender) revert NotTokenOwner(msg.sender, tokenId);
        _recordLostCustody(tokenId);
        shareToken = Clones.clone(shareImplementation);
        _shareTokens[tokenId] = shareToken;
        IShareToken(shareToken).initialize(name, symbol, decimals, tokenId, restricted, msg.sender, supply);
        emit Fractionalized(tokenId, shareToken, msg.sender, supply, decimals, restricted, name, symbol);
        _linkFractionalized(tokenId, shareToken, keccak256(abi.encode(supply, decimals, restricted, name, symbol)));
        IERC721(registry).transferFrom(msg.sender, address(this), tokenId);
    }

    /// @inheritdoc IFractionVault
    /// @dev Requirements: the caller holds the whole supply, none of it frozen. Emits {Redeemed}.
    function redeem(uint256 tokenId) external {
        address shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) revert NotFractionalized(tokenId);
        uint256 supply = ShareToken(shareToken).totalSupply();
        uint256 balance = ShareToken(shareToken).balanceOf(msg.sender);
        if (balance != supply) revert IncompleteOwnership(msg.sender, balance, supply);
        delete _shareTokens[tokenId];
        IShareToken(shareToken).burnFrom(msg.sender, supply);
        emit Redeemed(tokenId, shareToken, msg.sender, supply);
        _linkEvent(
            tokenId, keccak256(abi.encode(Redeemed.selector, tokenId, shareToken, msg.sender, keccak256(abi.encode(supply))))
        );
        IERC721(registry).transferFrom(address(this), msg.sender, tokenId);
    }

    /// @inheritdoc IFractionVault
    /// @dev A revoked (burnt) right counts as lost custody, with no holder. Emits {CustodyLost} (holder zero for a
    /// burnt right).
    function syncCustody(uint256 tokenId) external {
        address shareToken = _shareTokens[tokenId];
        if (shareToken == address(0)) revert NotFractionalized(tokenId);
        // `ownerOf` reverts only for a token that does not exist: here, a right the registry revoked (no holder).
        address holder = address(0);
        try IERC721(registry).ownerOf(tokenId) returns (address owner) {
            holder = owner;
        } catch {}
        if (holder == address(this)) revert CustodyHeld(tokenId);
        delete _shareTokens[tokenId];
        emit CustodyLost(tokenId, shareToken, holder);
        _linkEvent(tokenId, keccak256(abi.encode(CustodyLost.selector, tokenId, shareToken, holder, _EMPTY_DATA_HASH)));
    }

    /// @dev Links {Fractionalized} (its data hashing to `dataHash`) into the right's history.
    function _linkFractionalized(uint256 tokenId, address shareToken, bytes32 dataHash) private {
        _linkEvent(tokenId, keccak256(abi.encode(Fractionalized.selector, tokenId, shareToken, msg.sender, dataHash)));
    }

    /// @dev A right that comes back after a forced transfer took it from the vault still names its old shares.
    function _recordLostCustody(uint256 tokenId) private {
        address stale = _shareTokens[tokenId];
        if (stale != address(0)) {
            emit CustodyLost(tokenId, stale, msg.sender);
            _linkEvent(
                tokenId, keccak256(abi.encode(CustodyLost.selector, tokenId, stale, msg.sender, _EMPTY_DATA_HASH))
            );
        }
    }

    /// @inheritdoc IFractionVault
    function shareTokenOf(uint256 tokenId) external view returns (address) {
        return _shareTokens[tokenId];
    }
}
