// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC721} from "solady/src/tokens/ERC721.sol";
import {FlaggedApprovalERC721} from "./token/FlaggedApprovalERC721.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {Pausable} from "@openzeppelin/contracts/utils/Pausable.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {LibString} from "solady/src/utils/LibString.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IIPRegistry} from "./interfaces/IIPRegistry.sol";
import {IERC7943NonFungible} from "./interfaces/IERC7943.sol";
import {Identifiers} from "./libraries/Identifiers.sol";
import {OfficialNumbers} from "./libraries/OfficialNumbers.sol";
import {RecordPacking} from "./libraries/RecordPacking.sol";
import {RightHistory} from "./history/RightHistory.sol";

/// @title IPRegistry
/// @notice Registers intellectual-property rights (patents, applications, designs, trademarks, copyrights,
/// know-how) as ERC-721 tokens, one token per right, and keeps their chain of custody auditable.
/// @dev
/// - The token id is derived on chain from the right's primary official number (`OfficialNumbers.key`), which
///   must be in canonical form, so a right can be registered only once without a mapping of its own, whoever
///   writes its number; its other numbers of the same office are reserved in `_tokenOfNumber`, and the document
///   bundle's SHA-256 is unique through `_tokenOfContent`.
/// - The record (status, origin, kind, jurisdiction, times) rides in the 96 spare bits of the token's
///   ownership slot (Solady ERC721 "extra data"); the public record (metadata JSON) lives in events, not storage.
///   See docs/storage.md for the bit layout and the gas reasoning.
/// - Every event about a right (its mint, moves and burn, registration, numbers, freezes, records, claims, disputes,
///   revocation) extends the right's history commitment ({RightHistory}), so that a verifier holding a trusted
///   block hash proves the whole history from one storage proof (docs/trustless.md).
/// - Every change of owner (mint, transfer, assignment, forced transfer, supersede, revocation) passes through one
///   function, `_update` ({FlaggedApprovalERC721}): its `_beforeUpdate` hook enforces the pause, the freeze and the
///   dispute lock, its `_afterUpdate` hook links the {Transfer} into the right's history.
/// - Three registration paths: a registrar registers directly; a registrar signs an EIP-712 voucher that
///   anyone may submit (the token always goes to the voucher's recipient); anyone claims a self-declared right
///   by commit-reveal (the commitment binds the claimant).
/// - A self-declared claim is provisional: a registrar-verified registration of the same right supersedes it at
///   any time, and so does the reveal of an earlier commitment. So a copier who sees a pending registration and
///   races it with a claim of his own (commit, wait a block, reveal) loses the right as soon as the victim's
///   transaction lands, and squatting a public patent number gains nothing. The same holds for a document
///   bundle held under another right's self-declared claim: it is reclaimed.
/// - ERC-7943 (uRWA, {IERC7943NonFungible}): `setFrozenTokens` and `forcedTransfer` are a registrar's `freeze` /
///   `unfreeze` and `forceTransfer` without a document: they run the same code, so the project's own event is
///   emitted and linked into the history with the evidence hash `Identifiers.ERC7943_ACT` and the registrar as its
///   author. Every freeze, unfreeze and forced move (by either path) also emits the standard's {Frozen} and
///   {ForcedTransfer}. A freeze belongs to the right, not to its holder: `getFrozenTokens` answers for the right
///   whoever is named, the project's `forceTransfer` keeps it on the new owner (and says so with ERC-7943's
///   {Frozen}), while the standard's `forcedTransfer` lifts it first, as the standard requires. A frozen or
///   disputed right refuses an ordinary move with the project's errors ({TokenIsFrozen}, {RightDisputed}), which
///   the standard allows in place of its `ERC7943InsufficientUnfrozenBalance`.
contract IPRegistry is
    FlaggedApprovalERC721,
    AccessControl,
    Pausable,
    Nonces,
    EIP712,
    IERC2981,
    RightHistory,
    IIPRegistry,
    IERC7943NonFungible
{
    using RecordPacking for uint96;

    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role of accounts that register rights, sign vouchers, freeze and force-transfer.
    bytes32 public constant REGISTRAR_ROLE = Identifiers.REGISTRAR_ROLE;

    /// @notice Role of accounts that may pause and unpause the registry.
    bytes32 public constant GUARDIAN_ROLE = Identifiers.GUARDIAN_ROLE;

    /// @notice Role of the attestation registry (or a registrar) that confirms self-declared claims.
    bytes32 public constant VERIFIER_ROLE = Identifiers.VERIFIER_ROLE;

    /// @notice Role of the dispute module, which locks rights under an open dispute.
    bytes32 public constant DISPUTE_ROLE = Identifiers.DISPUTE_ROLE;

    /// @notice Role of the loan desk, which pledges rights for loans and delivers them at enforcement sales.
    bytes32 public constant PLEDGE_ROLE = Identifiers.PLEDGE_ROLE;

    /// @notice Blocks a claimant must wait after committing before revealing.
    uint256 public constant MIN_REVEAL_DELAY = 1;

    /// @notice Blocks after the commitment during which the reveal is accepted (about a day at 12 s).
    uint256 public constant REVEAL_WINDOW = 7200;

    /// @notice Highest value of `Registration.kind` (`Kind.TradeSecret`).
    uint8 public constant MAX_KIND = uint8(type(Kind).max);

    /// @notice Highest royalty a token may declare, in basis points.
    uint96 public constant MAX_ROYALTY_BPS = 10_000;

    bytes32 private constant _REGISTRATION_TYPEHASH = keccak256(
        "Registration(bytes32 contentHash,uint8 kind,uint40 expiry,uint256[] numbers,bytes metadata)"
    );

    bytes32 private constant _VOUCHER_TYPEHASH = keccak256(
        "Voucher(address to,Registration registration,uint256 nonce,uint256 deadline)"
        "Registration(bytes32 contentHash,uint8 kind,uint40 expiry,uint256[] numbers,bytes metadata)"
    );

    /// @notice Block in which the registry was deployed: where log scans start.
    uint256 public immutable DEPLOYMENT_BLOCK;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    mapping(bytes32 contentHash => uint256 tokenId) private _tokenOfContent;

    mapping(bytes32 commitment => uint256 blockNumber) private _commitments;

    /// @dev The token each reserved number (other than a primary number, which is the token id) belongs to, by
    /// `OfficialNumbers.key`. An entry whose token no longer exists (revoked) reserves nothing.
    mapping(uint256 numberKey => uint256 tokenId) private _tokenOfNumber;

    /// @dev Numbers an owner added to a registrar-verified right: provisional, as a self-declared claim's are.
    mapping(uint256 numberKey => bool) private _ownerDeclared;

    /// @dev The numbers a self-declared claim reserved besides its primary one, released when it is superseded.
    mapping(uint256 tokenId => uint256[]) private _claimNumbers;

    /// @dev What a self-declared claim needs to be superseded: its content hash (to unregister it), the block of
    /// its commitment (an earlier commitment wins) and, if the right was revoked before it and no registrar has
    /// registered it since, the revocation block (vouchers and commitments up to it stay void while self-declared
    /// claims succeed one another). Written only on the commit-reveal path; both blocks share one slot.
    struct SelfDeclaredClaim {
        bytes32 contentHash;
        uint64 commitBlock;
        uint64 revokedAt;
    }

    mapping(uint256 tokenId => SelfDeclaredClaim) private _claims;

    /// @dev Royalty in basis points plus one, so that zero means "use the default".
    mapping(uint256 tokenId => uint256 bpsPlusOne) private _royaltyBpsPlusOne;

    uint96 private _defaultRoyaltyBps;

    LibString.StringStorage private _baseTokenURI;

    /// @dev How `_reserveNumbers` reserves: a registrar's act takes provisional numbers of other rights; a claim's
    /// numbers are listed for release; an owner's numbers on a verified right are marked provisional.
    uint256 private constant _BY_REGISTRAR = 1;
    uint256 private constant _FOR_CLAIM = 2;
    uint256 private constant _BY_OWNER = 4;

    /// @notice Most numbers a self-declared claim may reserve besides its primary number (its release on supersede
    /// or revocation loops over them, and must always fit a block).
    uint256 public constant MAX_CLAIM_NUMBERS = 32;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param admin Receives the admin, registrar and guardian roles; hand them on with `grantRole`.
    constructor(address admin) EIP712("IPLedger Registry", "1") {
        DEPLOYMENT_BLOCK = block.number;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(REGISTRAR_ROLE, admin);
        _grantRole(GUARDIAN_ROLE, admin);
    }

    /*//////////////////////////////////////////////////////////////
                        ERC-721 PAYABLE ENTRY POINTS
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-721 `transferFrom`; both `safeTransferFrom` go through it.
    /// @dev Solady makes it payable (the standard allows it) and ether sent with it would stay in the registry for
    /// good: any is refused ({EtherNotAccepted}), as a nonpayable function would (Solady's cannot be overridden
    /// as nonpayable). Otherwise Solady's rules and {Transfer}.
    function transferFrom(address from, address to, uint256 id) public payable override {
        if (msg.value != 0) revert EtherNotAccepted(msg.value);
        _update(msg.sender, from, to, id, 0, _TRANSFER);
    }

    /// @notice ERC-721 `approve`.
    /// @dev Payable in Solady; ether is refused ({EtherNotAccepted}). Otherwise Solady's rules and {Approval}.
    function approve(address account, uint256 id) public payable override {
        if (msg.value != 0) revert EtherNotAccepted(msg.value);
        super.approve(account, id);
    }

    /*//////////////////////////////////////////////////////////////
                          ERC-721 METADATA
    //////////////////////////////////////////////////////////////*/

    /// @notice The collection name.
    function name() public pure override returns (string memory) {
        return "IPLedger Rights";
    }

    /// @notice The collection symbol.
    function symbol() public pure override returns (string memory) {
        return "IPR";
    }

    /// @notice The metadata gateway URI of `tokenId`: the base URI followed by the token id in hex.
    /// @dev The public record itself is in the `RightRegistered` / `MetadataPublished` events;
    /// a gateway at the base URI serves it. Empty while no base URI is set.
    function tokenURI(uint256 tokenId) public view override returns (string memory) {
        _requireExists(tokenId);
        string memory base = LibString.get(_baseTokenURI);
        if (bytes(base).length == 0) return "";
        return string.concat(base, LibString.toHexString(tokenId, 32));
    }

    /*//////////////////////////////////////////////////////////////
                             REGISTRATION
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller has REGISTRAR_ROLE; registry not paused; right and content not registered.
    /// Emits {Transfer} and {RightRegistered}.
    function register(address to, Registration calldata registration)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (uint256 tokenId)
    {
        return _register(to, registration, _rightId(registration), msg.sender, 0);
    }

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller has REGISTRAR_ROLE; registry not paused; at least one registration; no right or
    /// content registered already, in the registry or earlier in the batch (a later duplicate reverts the whole
    /// batch with the single path's error). The role is checked once; each right costs its two fresh slots, its
    /// logs and a warm balance update. Emits {Transfer} and {RightRegistered} per right.
    function registerBatch(address to, Registration[] calldata registrations) external onlyRole(REGISTRAR_ROLE) {
        uint256 count = registrations.length;
        if (count == 0) revert EmptyBatch();
        for (uint256 i; i < count;) {
            _register(to, registrations[i], _rightId(registrations[i]), msg.sender, 0);
            // Cannot overflow: i < count, the length of a calldata array.
            unchecked {
                ++i;
            }
        }
    }

    /// @inheritdoc IIPRegistry
    /// @dev The signature is over the EIP-712 `Voucher` in this contract's domain (chain id and address bound);
    /// the nonce is `voucher.to`'s and is consumed. Front-running is harmless: the token always goes to
    /// `voucher.to`. A revoked right is refused ({RevokedRight}): a voucher carries no issue time, so one signed
    /// before the revocation cannot be told apart. Emits {Transfer} and {RightRegistered}.
    function registerWithVoucher(Voucher calldata voucher, bytes calldata signature)
        external
        returns (uint256 tokenId)
    {
        if (block.timestamp > voucher.deadline) revert VoucherExpired(voucher.deadline);
        address signer = ECDSA.recover(_hashTypedDataV4(_hashVoucher(voucher)), signature);
        if (!hasRole(REGISTRAR_ROLE, signer)) revert InvalidVoucherSigner(signer);
        // A voucher carries no issue time, so none may bring back a revoked right.
        tokenId = _rightId(voucher.registration);
        uint256 revokedAt = _revokedAt(tokenId);
        if (revokedAt != 0) revert RevokedRight(tokenId, revokedAt);
        _useCheckedNonce(voucher.to, voucher.nonce);
        return _register(voucher.to, voucher.registration, tokenId, signer, 0);
    }

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: the same commitment is not pending. Emits {ClaimCommitted}.
    function commit(bytes32 commitment) external whenNotPaused {
        uint256 committedAt = _commitments[commitment];
        if (committedAt != 0 && block.number <= committedAt + REVEAL_WINDOW) {
            revert CommitmentPending(commitment, committedAt);
        }
        _commitments[commitment] = block.number;
        emit ClaimCommitted(commitment, msg.sender);
    }

    /// @inheritdoc IIPRegistry
    /// @dev The commitment is `commitmentFor(msg.sender, registration, salt)`: a copier of this transaction
    /// has no commitment of their own and reverts. Requirements: at least MIN_REVEAL_DELAY blocks and at most
    /// REVEAL_WINDOW blocks after the commit; the right not revoked at or after the commit block ({RevokedRight}).
    /// The token is marked self-declared. If the right is already held
    /// under a self-declared claim committed later than this one, this claim supersedes it.
    /// Emits {Transfer} and {RightRegistered} (and {ClaimSuperseded} when superseding).
    function reveal(Registration calldata registration, bytes32 salt) external returns (uint256 tokenId) {
        bytes32 commitment = commitmentFor(msg.sender, registration, salt);
        uint256 committedAt = _commitments[commitment];
        if (committedAt == 0) revert UnknownCommitment(commitment);
        if (block.number < committedAt + MIN_REVEAL_DELAY) revert RevealTooEarly(committedAt + MIN_REVEAL_DELAY);
        if (block.number > committedAt + REVEAL_WINDOW) revert RevealWindowClosed(committedAt + REVEAL_WINDOW);
        tokenId = _rightId(registration);
        uint256 revokedAt = _revokedAt(tokenId);
        if (revokedAt != 0 && committedAt <= revokedAt) revert RevokedRight(tokenId, revokedAt);
        delete _commitments[commitment];
        _register(msg.sender, registration, tokenId, address(0), committedAt);
        // The claim carries the revocation on, so that no voucher or earlier commitment can supersede it either.
        // Cannot truncate: a block number of this chain.
        if (revokedAt != 0) _claims[tokenId].revokedAt = uint64(revokedAt);
    }

    /// @notice Voids the current voucher nonce of `to`. Requirements: caller has REGISTRAR_ROLE.
    /// Emits {VoucherCancelled}.
    function cancelVoucher(address to) external onlyRole(REGISTRAR_ROLE) {
        emit VoucherCancelled(to, _useNonce(to), msg.sender);
    }

    /*//////////////////////////////////////////////////////////////
                           OFFICIAL NUMBERS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: registry not paused; caller is a registrar, or the owner of a right neither frozen nor
    /// dispute-locked; `kind` a `Kind`; at least one number; each number canonical, and unless it is a family link,
    /// of the right's office and free (a registrar takes a provisional one; see {register}). Only a registrar changes
    /// the kind or expiry of a registrar-verified right (the owner passes them unchanged). Numbers an owner adds are
    /// provisional until a registrar adds them too; on a self-declared claim they are also the claim's (at most
    /// {MAX_CLAIM_NUMBERS}). Emits {NumbersAdded} and {MetadataUpdate}.
    function addNumbers(uint256 tokenId, uint256[] calldata numbers, uint8 kind, uint40 expiry)
        external
        whenNotPaused
    {
        (uint96 record, bool registrarAct) = _numbersCaller(tokenId);
        if (numbers.length == 0 || kind > MAX_KIND) revert InvalidRegistration();
        // The record of a registrar-verified right is the registrar's: its owner adds numbers, not a kind or expiry.
        if (!registrarAct && !record.isSelfDeclared() && (kind != record.kind() || expiry != record.expiry())) {
            revert AccessControlUnauthorizedAccount(msg.sender, REGISTRAR_ROLE);
        }
        // An owner's numbers stay provisional until a registrar adds them, a claimant's too (even once the claim
        // is confirmed: the confirmation checked what the claim said at its reveal).
        uint256 how = (record.isSelfDeclared() ? _FOR_CLAIM : 0) | (registrarAct ? _BY_REGISTRAR : _BY_OWNER);
        _reserveNumbers(tokenId, record.jurisdiction(), numbers, 0, how, 0);
        record = record.withKindAndExpiry(kind, expiry);
        _setExtraData(tokenId, record);
        emit NumbersAdded(tokenId, msg.sender, numbers, record);
        _linkEvent(tokenId, _digest(NumbersAdded.selector, tokenId, msg.sender, keccak256(abi.encode(numbers, record))));
        emit MetadataUpdate(tokenId);
    }

    /// @inheritdoc IIPRegistry
    /// @dev For a right registered under `unpublishedNumber(number, salt)` as its primary number: once the office
    /// publishes the application, its owner or a registrar shows `number` and `salt`, and `number` is reserved for
    /// the right (its token id does not change). Requirements as {addNumbers}; the commitment must match
    /// ({CommitmentMismatch}). Emits {NumbersAdded} (the record unchanged) and {MetadataUpdate}.
    function openNumber(uint256 tokenId, uint256 number, bytes32 salt) external whenNotPaused {
        (uint96 record, bool registrarAct) = _numbersCaller(tokenId);
        if (OfficialNumbers.isFamily(number) || OfficialNumbers.key(unpublishedNumber(number, salt)) != tokenId) {
            revert CommitmentMismatch(tokenId, number);
        }
        uint256 how = record.isSelfDeclared() ? _FOR_CLAIM : 0;
        if (registrarAct) how |= _BY_REGISTRAR;
        _reserveNumber(tokenId, record.jurisdiction(), number, how, 0);
        uint256[] memory opened = new uint256[](1);
        opened[0] = number;
        emit NumbersAdded(tokenId, msg.sender, opened, record);
        _linkEvent(tokenId, _digest(NumbersAdded.selector, tokenId, msg.sender, keccak256(abi.encode(opened, record))));
        emit MetadataUpdate(tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                          CUSTODY CHANGES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller is the owner, approved for the token, or an approved operator; the token is
    /// not frozen; `deedHash` is not zero. Emits {Transfer} and {Assigned}.
    function assign(uint256 tokenId, address to, bytes32 deedHash) external {
        if (deedHash == bytes32(0)) revert MissingEvidenceHash();
        address from = _requireExists(tokenId);
        _update(msg.sender, from, to, tokenId, 0, _TRANSFER);
        emit Assigned(tokenId, from, to, deedHash);
        _linkEvent(
            tokenId,
            keccak256(abi.encode(Assigned.selector, tokenId, from, to, keccak256(abi.encode(deedHash))))
        );
    }

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller has REGISTRAR_ROLE; registry not paused; token exists and is not frozen;
    /// `orderHash` not zero. Emits {Frozen} (this registry's, with `orderHash`), ERC-7943's {Frozen} (the holder,
    /// true) and {MetadataUpdate}.
    function freeze(uint256 tokenId, bytes32 orderHash) external onlyRole(REGISTRAR_ROLE) {
        _freezeAct(tokenId, orderHash, true);
    }

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller has REGISTRAR_ROLE; registry not paused; token exists and is frozen; `orderHash`
    /// not zero. Emits {Unfrozen}, ERC-7943's {Frozen} (the holder, false) and {MetadataUpdate}.
    function unfreeze(uint256 tokenId, bytes32 orderHash) external onlyRole(REGISTRAR_ROLE) {
        _freezeAct(tokenId, orderHash, false);
    }

    /// @inheritdoc IIPRegistry
    /// @dev Moves frozen and disputed tokens too; the freeze stays on the right, now held by `to` (a court's order
    /// about the right: only `unfreeze` lifts it). Requirements: caller has REGISTRAR_ROLE; registry not paused;
    /// token exists; `orderHash` not zero. Emits {Transfer}, {ForceTransferred}, ERC-7943's {ForcedTransfer} and,
    /// for a frozen right, ERC-7943's {Frozen} (`to`, true).
    function forceTransfer(uint256 tokenId, address to, bytes32 orderHash) external onlyRole(REGISTRAR_ROLE) {
        if (orderHash == bytes32(0)) revert MissingEvidenceHash();
        _forceTransfer(tokenId, _requireExists(tokenId), to, orderHash);
    }

    /// @inheritdoc IIPRegistry
    /// @dev Burns a frozen or disputed token too. Requirements: caller has REGISTRAR_ROLE; registry not paused;
    /// `orderHash` not zero. A revoked self-declared claim releases the content hash it still holds, so the bundle
    /// can be registered again. Vouchers outstanding for the right and claims committed up to this block can no
    /// longer register it ({RevokedRight}); a registrar's `register` can. Emits {Transfer} to the zero address and
    /// {RightRevoked}.
    function revoke(uint256 tokenId, bytes32 orderHash) external onlyRole(REGISTRAR_ROLE) {
        if (orderHash == bytes32(0)) revert MissingEvidenceHash();
        address holder = _requireExists(tokenId);
        // A revoked self-declared claim releases its content hash, so the rightful owner can register it. (Only
        // self-declared claims keep one here; a verified right keeps its binding to its content hash as before.)
        bytes32 claimedContent = _claims[tokenId].contentHash;
        if (claimedContent != bytes32(0) && _tokenOfContent[claimedContent] == tokenId) {
            delete _tokenOfContent[claimedContent];
        }
        delete _claims[tokenId];
        // Only a claim lists numbers to release (its content hash is set from its reveal until it is superseded).
        if (claimedContent != bytes32(0)) _releaseClaimNumbers(tokenId);
        delete _royaltyBpsPlusOne[tokenId];
        // The burn replaces the record with the revocation marker, which voids the vouchers and commitments
        // outstanding for this right (`_revokedAt`).
        _update(address(0), holder, address(0), tokenId, RecordPacking.revocationMarker(block.number), _BURN);
        emit RightRevoked(tokenId, holder, msg.sender, orderHash);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(RightRevoked.selector, tokenId, holder, msg.sender, keccak256(abi.encode(orderHash)))
            )
        );
        emit MetadataUpdate(tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                        ERC-7943 (uRWA)
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IERC7943NonFungible
    /// @dev `unfreeze` or `freeze` with the evidence hash `Identifiers.ERC7943_ACT` (no document is given): the same
    /// checks, record bit, events (the registry's {Frozen} / {Unfrozen}, linked into the history, then ERC-7943's
    /// {Frozen}) and {MetadataUpdate}. Requirements: caller has REGISTRAR_ROLE; registry not paused; the token
    /// exists ({UnknownToken}); the freeze changes ({FreezeStateUnchanged}); `account` holds the token
    /// ({NotHolder}).
    function setFrozenTokens(address account, uint256 tokenId, bool frozenStatus)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (bool result)
    {
        if (_freezeAct(tokenId, Identifiers.ERC7943_ACT, frozenStatus) != account) revert NotHolder(account, tokenId);
        return true;
    }

    /// @inheritdoc IERC7943NonFungible
    /// @dev `forceTransfer` with the evidence hash `Identifiers.ERC7943_ACT`, from `from`, which must hold the token
    /// ({NotHolder}; {UnknownToken} if none does). A frozen right is unfrozen first, as the standard requires (an
    /// `unfreeze` with the same evidence hash: {Unfrozen}, ERC-7943's {Frozen} (`from`, false) and {MetadataUpdate},
    /// all before the {Transfer}), so `to` receives it unfrozen. Moves a disputed right too. `canReceive(to)` is
    /// enforced by the move itself (a pause, the zero address). Requirements: caller has REGISTRAR_ROLE; registry
    /// not paused. Emits {Transfer}, {ForceTransferred} and ERC-7943's {ForcedTransfer}.
    function forcedTransfer(address from, address to, uint256 tokenId)
        external
        onlyRole(REGISTRAR_ROLE)
        returns (bool result)
    {
        if (_getExtraData(tokenId).isFrozen()) _freezeAct(tokenId, Identifiers.ERC7943_ACT, false);
        _forceTransfer(tokenId, from, to, Identifiers.ERC7943_ACT);
        return true;
    }

    /// @inheritdoc IERC7943NonFungible
    /// @dev No rule of this registry is about accounts: false only while the registry is paused.
    function canSend(address) public view returns (bool allowed) {
        return !paused();
    }

    /// @inheritdoc IERC7943NonFungible
    /// @dev False while the registry is paused, and for the zero address (a move there is refused).
    function canReceive(address account) public view returns (bool allowed) {
        return account != address(0) && !paused();
    }

    /// @inheritdoc IERC7943NonFungible
    /// @dev The freeze belongs to the right: true for whatever `account` while the right is frozen (false for a
    /// revoked or unknown right).
    function getFrozenTokens(address, uint256 tokenId) external view returns (bool frozenStatus) {
        return _getExtraData(tokenId).isFrozen();
    }

    /// @inheritdoc IERC7943NonFungible
    /// @dev What `transferFrom`, `safeTransferFrom` and `assign` refuse beside ownership and approval: a pause
    /// (`canSend`, `canReceive`), the zero address, a right that does not exist (revoked or never registered), a
    /// freeze, a dispute lock. Whether `from` holds the right and the caller may move it is not answered here, nor
    /// whether a receiving contract accepts it (`safeTransferFrom`).
    function canTransfer(address from, address to, uint256 tokenId) external view returns (bool allowed) {
        return canSend(from) && canReceive(to) && _ownerOf(tokenId) != address(0)
            && !_getExtraData(tokenId).blocksMoves();
    }

    /*//////////////////////////////////////////////////////////////
                        CLAIMS AND DISPUTES
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller has VERIFIER_ROLE; registry not paused; the token exists and is self-declared;
    /// `evidenceHash` not zero. Emits {ClaimConfirmed} and {MetadataUpdate}.
    function confirmClaim(uint256 tokenId, bytes32 evidenceHash) external onlyRole(VERIFIER_ROLE) whenNotPaused {
        if (evidenceHash == bytes32(0)) revert MissingEvidenceHash();
        _requireExists(tokenId);
        uint96 record = _getExtraData(tokenId);
        if (!record.isSelfDeclared()) revert NotSelfDeclared(tokenId);
        _setExtraData(tokenId, record.withSelfDeclared(false));
        delete _claims[tokenId];
        // Its numbers stay reserved, no longer provisional.
        delete _claimNumbers[tokenId];
        emit ClaimConfirmed(tokenId, msg.sender, evidenceHash);
        _linkEvent(tokenId, _digest(ClaimConfirmed.selector, tokenId, msg.sender, keccak256(abi.encode(evidenceHash))));
        emit MetadataUpdate(tokenId);
    }

    /// @inheritdoc IIPRegistry
    /// @dev The caller's role chooses the lock: the dispute module (DISPUTE_ROLE) sets the dispute lock, the loan
    /// desk (PLEDGE_ROLE) the pledge; an account with both acts as the dispute module. Requirements: one of the
    /// roles; `ref` not zero; the token exists; the lock changes; `to` only with a pledge's release. Setting or
    /// lifting a lock works while paused and on a frozen right: the module decides (the loan desk neither pledges nor
    /// sells a frozen right, and releases a repaid one whatever the registrar holds). A delivery moves the right like
    /// a forced transfer (no `by`, so the desk checks the freeze), which the pause stops. Emits {PledgeSet} or
    /// {DisputeLockSet} (linked into the history), {Transfer} for a delivery, and {MetadataUpdate}.
    function setLock(uint256 tokenId, bool locked, address to, bytes32 ref) external {
        // The dispute module first: its lock predates the pledge and keeps its cost.
        bool pledge = !hasRole(DISPUTE_ROLE, msg.sender);
        if (pledge) _checkRole(PLEDGE_ROLE);
        if (ref == bytes32(0)) revert MissingEvidenceHash();
        address holder = _requireExists(tokenId);
        uint96 record = _getExtraData(tokenId);
        bool was = pledge ? record.isPledged() : record.isDisputeLocked();
        if (was == locked || (to != address(0) && (locked || !pledge))) revert LockUnchanged(tokenId, locked);
        _setExtraData(tokenId, pledge ? record.withPledged(locked) : record.withDisputeLocked(locked));
        // {PledgeSet} and {DisputeLockSet} have the same arguments: one log, its topic chosen.
        bytes32 topic0 = pledge ? PledgeSet.selector : DisputeLockSet.selector;
        assembly ("memory-safe") {
            // emit PledgeSet(tokenId, locked, msg.sender, ref) or DisputeLockSet(tokenId, locked, msg.sender, ref)
            mstore(0x00, locked)
            mstore(0x20, ref)
            log3(0x00, 0x40, topic0, tokenId, caller())
        }
        _linkEvent(tokenId, _digest(topic0, tokenId, msg.sender, keccak256(abi.encode(locked, ref))));
        if (to != address(0)) _update(address(0), holder, to, tokenId, 0, _TRANSFER);
        emit MetadataUpdate(tokenId);
    }

    /*//////////////////////////////////////////////////////////////
                             METADATA
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    /// @dev Requirements: caller is the owner (the right neither frozen nor dispute-locked) or a registrar; registry
    /// not paused. Emits {MetadataPublished} and {MetadataUpdate}.
    function publishMetadata(uint256 tokenId, bytes calldata metadata) external whenNotPaused {
        address owner = _requireExists(tokenId);
        // The owner of a right neither frozen nor disputed needs no role lookup (the common case, a cold SLOAD
        // saved); anyone else, and the owner of a frozen or disputed right, must be a registrar: what a court or a
        // dispute is about is not rewritten meanwhile. The ownership slot is warm: the record is free.
        uint96 record = _getExtraData(tokenId);
        if (msg.sender != owner || record.blocksMoves()) {
            if (!hasRole(REGISTRAR_ROLE, msg.sender)) {
                if (msg.sender != owner) revert NotTokenOwner(msg.sender, tokenId);
                if (record.isFrozen()) revert TokenIsFrozen(tokenId);
                if (record.isDisputeLocked()) revert RightDisputed(tokenId);
                revert RightPledged(tokenId);
            }
        }
        emit MetadataPublished(tokenId, msg.sender, metadata);
        _linkEvent(tokenId, _digest(MetadataPublished.selector, tokenId, msg.sender, keccak256(abi.encode(metadata))));
        emit MetadataUpdate(tokenId);
    }

    /// @notice Sets the prefix of `tokenURI`. Requirements: caller has DEFAULT_ADMIN_ROLE.
    /// Emits {BaseURIUpdated}.
    function setBaseURI(string calldata baseURI) external onlyRole(DEFAULT_ADMIN_ROLE) {
        LibString.setCalldata(_baseTokenURI, baseURI);
        emit BaseURIUpdated(baseURI);
        emit BatchMetadataUpdate(0, type(uint256).max);
    }

    /*//////////////////////////////////////////////////////////////
                              ROYALTIES
    //////////////////////////////////////////////////////////////*/

    /// @notice ERC-2981: the royalty on a sale of `tokenId` for `salePrice`, paid to the right's current owner.
    function royaltyInfo(uint256 tokenId, uint256 salePrice)
        external
        view
        returns (address receiver, uint256 royaltyAmount)
    {
        receiver = _requireExists(tokenId);
        uint256 stored = _royaltyBpsPlusOne[tokenId];
        uint256 bps = stored == 0 ? _defaultRoyaltyBps : stored - 1;
        royaltyAmount = salePrice * bps / 10_000;
    }

    /// @notice Sets the royalty of `tokenId` in basis points. Requirements: caller owns the token, which is not
    /// frozen; registry not paused. Emits {RoyaltySet}.
    function setTokenRoyalty(uint256 tokenId, uint96 bps) external whenNotPaused {
        if (msg.sender != _requireExists(tokenId)) revert NotTokenOwner(msg.sender, tokenId);
        if (_getExtraData(tokenId).isFrozen()) revert TokenIsFrozen(tokenId);
        if (bps > MAX_ROYALTY_BPS) revert InvalidRoyalty(bps);
        // Cannot overflow: bps <= 10_000.
        unchecked {
            _royaltyBpsPlusOne[tokenId] = uint256(bps) + 1;
        }
        emit RoyaltySet(tokenId, bps);
        _linkEvent(tokenId, keccak256(abi.encode(RoyaltySet.selector, tokenId, keccak256(abi.encode(bps)))));
    }

    /// @notice Sets the royalty of tokens without their own. Requirements: caller has DEFAULT_ADMIN_ROLE.
    /// Emits {RoyaltySet} with token id 0.
    function setDefaultRoyalty(uint96 bps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (bps > MAX_ROYALTY_BPS) revert InvalidRoyalty(bps);
        _defaultRoyaltyBps = bps;
        emit RoyaltySet(0, bps);
    }

    /*//////////////////////////////////////////////////////////////
                                PAUSE
    //////////////////////////////////////////////////////////////*/

    /// @notice Stops every registration and every movement of tokens. Requirements: caller has GUARDIAN_ROLE.
    /// Emits {Paused}.
    function pause() external onlyRole(GUARDIAN_ROLE) {
        _pause();
    }

    /// @notice Resumes the registry. Requirements: caller has GUARDIAN_ROLE. Emits {Unpaused}.
    function unpause() external onlyRole(GUARDIAN_ROLE) {
        _unpause();
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IIPRegistry
    function recordOf(uint256 tokenId) external view returns (Record memory record) {
        address owner = _requireExists(tokenId);
        uint96 packed = _getExtraData(tokenId);
        Status status = packed.isFrozen()
            ? Status.Frozen
            : (packed.expiry() != 0 && block.timestamp >= packed.expiry() ? Status.Expired : Status.Active);
        record = Record({
            owner: owner,
            kind: Kind(packed.kind()),
            jurisdiction: packed.jurisdiction(),
            registeredAt: packed.registeredAt(),
            expiry: packed.expiry(),
            status: status,
            selfDeclared: packed.isSelfDeclared(),
            disputeLocked: packed.isDisputeLocked(),
            pledged: packed.isPledged()
        });
    }

    /// @inheritdoc IIPRegistry
    function rightIdOf(uint256 primaryNumber) external pure returns (uint256) {
        return _primaryKey(primaryNumber);
    }

    /// @inheritdoc IIPRegistry
    function tokenOfNumber(uint256 number) external view returns (uint256) {
        uint256 tokenId = _tokenOfNumber[OfficialNumbers.key(number)];
        return tokenId != 0 && _ownerOf(tokenId) != address(0) ? tokenId : 0;
    }

    /// @inheritdoc IIPRegistry
    /// @dev Reverts {InvalidNumber} for a number that is not canonical or is a family link.
    function unpublishedNumber(uint256 number, bytes32 salt) public pure returns (uint256) {
        if (OfficialNumbers.isFamily(number) || !OfficialNumbers.isCanonical(number)) revert InvalidNumber(number);
        return OfficialNumbers.unpublished(number, salt);
    }

    /// @inheritdoc IIPRegistry
    function claimCommitBlock(uint256 tokenId) external view returns (uint256) {
        return _claims[tokenId].commitBlock;
    }

    /// @inheritdoc IIPRegistry
    function tokenOfContent(bytes32 contentHash) external view returns (uint256) {
        return _tokenOfContent[contentHash];
    }

    /// @inheritdoc IIPRegistry
    function exists(uint256 tokenId) external view returns (bool) {
        return _exists(tokenId);
    }

    /// @inheritdoc IIPRegistry
    function commitmentBlock(bytes32 commitment) external view returns (uint256) {
        return _commitments[commitment];
    }

    /// @inheritdoc IIPRegistry
    function commitmentFor(address claimant, Registration calldata registration, bytes32 salt)
        public
        pure
        returns (bytes32)
    {
        return keccak256(abi.encode(claimant, _hashRegistration(registration), salt));
    }

    /// @notice The EIP-712 domain separator of this registry (chain id and address bound).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /// @notice ERC-165: ERC-721, ERC-721 metadata, AccessControl, ERC-2981, ERC-4906 and ERC-7943 (non-fungible).
    function supportsInterface(bytes4 interfaceId)
        public
        view
        override(ERC721, AccessControl, IERC165)
        returns (bool)
    {
        return interfaceId == type(IERC2981).interfaceId || interfaceId == bytes4(0x49064906)
            || interfaceId == type(IERC7943NonFungible).interfaceId || ERC721.supportsInterface(interfaceId) || AccessControl.supportsInterface(interfaceId);
    }

    /*//////////////////////////////////////////////////////////////
                              INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The right id of a registration: the key of its primary number, which must be canonical, neither a family
    /// link nor a number of the international bureau ({InvalidNumber}); no number at all is {InvalidRegistration}.
    function _rightId(Registration calldata registration) private pure returns (uint256) {
        if (registration.numbers.length == 0) revert InvalidRegistration();
        return _primaryKey(registration.numbers[0]);
    }

    function _primaryKey(uint256 number) private pure returns (uint256) {
        if (
            OfficialNumbers.isFamily(number) || OfficialNumbers.isFamilyOnly(number)
                || !OfficialNumbers.isCanonical(number)
        ) revert InvalidNumber(number);
        return OfficialNumbers.key(number);
    }

    /// @dev The single registration path: checks, the number and content-hash keys, then the mint with the packed
    /// record, or the takeover of a superseded self-declared claim. `tokenId` is `_rightId(registration)`.
    /// `commitBlock` is the claim's commitment block on the commit-reveal path and 0 on the registrar paths
    /// (`registrar` is then non-zero). The pause is enforced inside the mint or transfer.
    function _register(
        address to,
        Registration calldata registration,
        uint256 tokenId,
        address registrar,
        uint256 commitBlock
    ) private returns (uint256) {
        bytes32 contentHash = registration.contentHash;
        uint96 record = _newRecord(registration, commitBlock);
        address holder = _ownerOf(tokenId);
        if (holder != address(0)) _checkSupersedable(tokenId, commitBlock);
        // The primary number may be another right's reserved number; a registrar takes it if it is provisional.
        _takeNumber(registration.numbers[0], tokenId, tokenId, commitBlock == 0, commitBlock);
        uint256 contentToken = _tokenOfContent[contentHash];
        // Over a superseded claim, the same bundle may come again (a copier registers the victim's documents).
        if (contentToken != 0 && contentToken != tokenId) {
            _reclaimContent(contentHash, contentToken, tokenId, commitBlock);
        }

        if (holder == address(0)) {
            _tokenOfContent[contentHash] = tokenId;
            // Existence was checked above; the mint writes owner and record in one SSTORE.
            _update(address(0), address(0), to, tokenId, record, _MINT);
        } else {
            record = _supersede(tokenId, holder, to, contentHash, record);
        }
        if (registration.numbers.length > 1) {
            _reserveNumbers(
                tokenId,
                record.jurisdiction(),
                registration.numbers,
                1,
                commitBlock != 0 ? _FOR_CLAIM : _BY_REGISTRAR,
                commitBlock
            );
        }
        if (commitBlock != 0) {
            // Cannot truncate: a block number of this chain. A claim carries no revocation unless `reveal` says so.
            _claims[tokenId] =
                SelfDeclaredClaim({contentHash: contentHash, commitBlock: uint64(commitBlock), revokedAt: 0});
        } else if (holder != address(0)) {
            delete _claims[tokenId];
        }
        _emitRegistered(tokenId, contentHash, registrar, record, registration);
        return tokenId;
    }

    /// @dev Emits {RightRegistered} and links it into the right's history. Its data is encoded once, for the log and
    /// for the digest: the ABI encoding of an event's non-indexed arguments is `abi.encode` of them, byte for byte.
    function _emitRegistered(
        uint256 tokenId,
        bytes32 contentHash,
        address registrar,
        uint96 record,
        Registration calldata registration
    ) private {
        bytes memory data = abi.encode(record, registration.numbers, registration.metadata);
        bytes32 topic0 = RightRegistered.selector;
        assembly ("memory-safe") {
            // emit RightRegistered(tokenId, contentHash, registrar, record, numbers, metadata)
            log4(add(data, 0x20), mload(data), topic0, tokenId, contentHash, shr(96, shl(96, registrar)))
        }
        _linkEvent(
            tokenId, keccak256(abi.encode(RightRegistered.selector, tokenId, contentHash, registrar, keccak256(data)))
        );
    }

    /// @dev Who may add or open numbers of `tokenId`, for `addNumbers` and `openNumber`: a registrar, or the owner of a
    /// right neither frozen nor dispute-locked ({UnknownToken}, {NotTokenOwner}, {TokenIsFrozen}, {RightDisputed}).
    /// Returns the right's record and whether the caller is a registrar.
    function _numbersCaller(uint256 tokenId) private view returns (uint96 record, bool registrarAct) {
        address owner = _requireExists(tokenId);
        record = _getExtraData(tokenId);
        registrarAct = hasRole(REGISTRAR_ROLE, msg.sender);
        if (!registrarAct) {
            if (msg.sender != owner) revert NotTokenOwner(msg.sender, tokenId);
            if (record.isFrozen()) revert TokenIsFrozen(tokenId);
            if (record.isDisputeLocked()) revert RightDisputed(tokenId);
        }
    }

    /// @dev The record of a new registration (self-declared on the commit-reveal path), its jurisdiction the office
    /// of its primary number. Reverts {InvalidRegistration} for a zero content hash or an unknown kind.
    function _newRecord(Registration calldata registration, uint256 commitBlock) private view returns (uint96) {
        uint8 kind = registration.kind;
        if (registration.contentHash == bytes32(0) || kind > MAX_KIND) revert InvalidRegistration();
        return RecordPacking.pack(
            kind,
            OfficialNumbers.office(registration.numbers[0]),
            uint32(block.timestamp),
            registration.expiry,
            commitBlock != 0
        );
    }

    /// @dev Reserves `numbers[from:]` for `tokenId`, whose jurisdiction is `jurisdiction`: each must be canonical;
    /// family links are only checked; the others must be of the right's office, differ from its primary number, and
    /// name no other right (a provisional one is taken by a registrar's act). `how` holds _BY_REGISTRAR,
    /// _FOR_CLAIM (listed to be released when the claim is superseded) and _BY_OWNER (marked provisional).
    function _reserveNumbers(
        uint256 tokenId,
        bytes2 jurisdiction,
        uint256[] calldata numbers,
        uint256 from,
        uint256 how,
        uint256 commitBlock
    ) private {
        uint256 count = numbers.length;
        for (uint256 i = from; i < count;) {
            _reserveNumber(tokenId, jurisdiction, numbers[i], how, commitBlock);
            // Cannot overflow: i < count, the length of a calldata array.
            unchecked {
                ++i;
            }
        }
    }

    /// @dev One number of `_reserveNumbers` (`commitBlock`: the claim's commitment block on a reveal, else 0).
    function _reserveNumber(uint256 tokenId, bytes2 jurisdiction, uint256 number, uint256 how, uint256 commitBlock)
        private
    {
        if (!OfficialNumbers.isCanonical(number)) revert InvalidNumber(number);
        if (OfficialNumbers.isFamily(number)) return;
        if (OfficialNumbers.office(number) != jurisdiction) revert InvalidNumber(number);
        uint256 numberKey = OfficialNumbers.key(number);
        if (numberKey == tokenId) revert InvalidNumber(number);
        // Another right's primary number is never taken (a registrar registers under it to supersede a claim).
        if (_ownerOf(numberKey) != address(0)) revert NumberAlreadyRegistered(number, numberKey);
        if (_takeNumber(number, numberKey, tokenId, how & _BY_REGISTRAR != 0, commitBlock)) {
            _tokenOfNumber[numberKey] = tokenId;
            if (how & _FOR_CLAIM != 0) {
                uint256[] storage listed = _claimNumbers[tokenId];
                if (listed.length == MAX_CLAIM_NUMBERS) revert TooManyNumbers(tokenId, MAX_CLAIM_NUMBERS);
                listed.push(number);
            }
            if (how & _BY_OWNER != 0) _ownerDeclared[numberKey] = true;
        }
    }

    /// @dev Checks that `number` (key `numberKey`) is free for `tokenId`: reserved for no live right (a burnt
    /// right's reservation is cleared), or for this one already (nothing to write; a registrar's act makes an
    /// owner's provisional number firm), or provisionally for another right and taken ({NumberReclaimed}) by a
    /// registrar's act, or by the reveal of a claim committed before the claim that holds it (`commitBlock`, 0 for
    /// other acts). Otherwise {NumberAlreadyRegistered}. Returns whether the reservation must be written.
    function _takeNumber(uint256 number, uint256 numberKey, uint256 tokenId, bool registrarAct, uint256 commitBlock)
        private
        returns (bool)
    {
        uint256 holderToken = _tokenOfNumber[numberKey];
        if (holderToken == tokenId) {
            if (registrarAct && _ownerDeclared[numberKey]) delete _ownerDeclared[numberKey];
            return false;
        }
        if (holderToken == 0) return true;
        if (_ownerOf(holderToken) == address(0)) {
            // A burnt right's numbers are free: the entry is cleared, so the number is the next right's alone even
            // if the burnt one is registered again. Its provisional mark must not follow the number either.
            delete _tokenOfNumber[numberKey];
            if (_ownerDeclared[numberKey]) delete _ownerDeclared[numberKey];
            return true;
        }
        bool ownerDeclared = _ownerDeclared[numberKey];
        uint96 held = _getExtraData(holderToken);
        bool taken = registrarAct
            ? ownerDeclared || held.isSelfDeclared()
            : commitBlock != 0 && held.isSelfDeclared() && !held.isFrozen()
                && _claims[holderToken].commitBlock > commitBlock;
        if (!taken) revert NumberAlreadyRegistered(number, holderToken);
        delete _tokenOfNumber[numberKey];
        if (ownerDeclared) delete _ownerDeclared[numberKey];
        emit NumberReclaimed(number, holderToken, tokenId);
        bytes32 reclaimed =
            keccak256(abi.encode(NumberReclaimed.selector, holderToken, tokenId, keccak256(abi.encode(number))));
        _linkEvent(holderToken, reclaimed);
        _linkEvent(tokenId, reclaimed);
        emit MetadataUpdate(holderToken);
        return true;
    }

    /// @dev Releases the numbers the self-declared claim `tokenId` reserved besides its primary number.
    function _releaseClaimNumbers(uint256 tokenId) private {
        uint256[] storage reserved = _claimNumbers[tokenId];
        uint256 count = reserved.length;
        if (count == 0) return;
        uint256[] memory released = reserved;
        uint256 kept;
        for (uint256 i; i < count; ++i) {
            uint256 numberKey = OfficialNumbers.key(released[i]);
            // A number a registrar or an earlier claim took meanwhile is no longer this claim's to release.
            if (_tokenOfNumber[numberKey] != tokenId) continue;
            delete _tokenOfNumber[numberKey];
            if (_ownerDeclared[numberKey]) delete _ownerDeclared[numberKey];
            released[kept++] = released[i];
        }
        assembly ("memory-safe") {
            mstore(released, kept) // shorten the list to the numbers released
        }
        delete _claimNumbers[tokenId];
        emit NumbersReleased(tokenId, released);
        _linkEvent(tokenId, keccak256(abi.encode(NumbersReleased.selector, tokenId, keccak256(abi.encode(released)))));
    }

    /// @dev Takes a held self-declared right over: unregisters its bundle, moves it to `to` (a registrar's freeze
    /// stays, a dispute lock is lifted with {DisputeLockSet} naming no dispute), drops its royalty setting, and
    /// writes the new record. Returns the record as stored.
    function _supersede(uint256 tokenId, address holder, address to, bytes32 contentHash, uint96 record)
        private
        returns (uint96)
    {
        uint96 held = _getExtraData(tokenId);
        bytes32 previousContentHash = _claims[tokenId].contentHash;
        if (previousContentHash != contentHash) delete _tokenOfContent[previousContentHash];
        _releaseClaimNumbers(tokenId);
        _tokenOfContent[contentHash] = tokenId;
        delete _royaltyBpsPlusOne[tokenId];
        // A freeze survives (a registrar's order about the right); a dispute lock does not: the disputes that set it
        // were raised against the claim superseded here, and the dispute manager refunds them whatever the ruling, so
        // a lock they kept on the new registration would cost its claimant nothing. The move clears any approval, so
        // the record needs no approval flag; no `by`: a frozen right is taken over too.
        if (held.isFrozen()) record = record.withFrozen(true);
        _update(address(0), holder, to, tokenId, record, _TAKEOVER);
        emit ClaimSuperseded(tokenId, holder, to, previousContentHash);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(ClaimSuperseded.selector, tokenId, holder, to, keccak256(abi.encode(previousContentHash)))
            )
        );
        if (held.isDisputeLocked()) {
            emit DisputeLockSet(tokenId, false, msg.sender, bytes32(0));
            _linkEvent(
                tokenId, _digest(DisputeLockSet.selector, tokenId, msg.sender, keccak256(abi.encode(false, bytes32(0))))
            );
        }
        emit MetadataUpdate(tokenId);
        return record;
    }

    /// @dev A bundle registered under a self-declared claim of another right may be registered again by a
    /// registrar, or by a claim committed earlier if the other claim is not frozen: the other claim loses the
    /// bundle (its documents no longer verify). A bundle under a registrar-verified right never moves.
    function _reclaimContent(bytes32 contentHash, uint256 fromToken, uint256 toToken, uint256 commitBlock) private {
        uint96 other = _getExtraData(fromToken);
        if (!other.isSelfDeclared()) revert ContentAlreadyRegistered(contentHash, fromToken);
        if (commitBlock != 0) {
            if (commitBlock >= _claims[fromToken].commitBlock) revert ContentAlreadyRegistered(contentHash, fromToken);
            // As for the right itself: a claim cannot take what a court froze, a registrar can.
            if (other.isFrozen()) revert TokenIsFrozen(fromToken);
        }
        delete _claims[fromToken].contentHash;
        emit ContentReclaimed(contentHash, fromToken, toToken);
        bytes32 reclaimed =
            keccak256(abi.encode(ContentReclaimed.selector, contentHash, fromToken, toToken, _EMPTY_DATA_HASH));
        _linkEvent(fromToken, reclaimed);
        _linkEvent(toToken, reclaimed);
        emit MetadataUpdate(fromToken);
    }

    /// @dev The block at which `tokenId` was last revoked, while no registrar has registered or confirmed it since:
    /// the burnt token's marker, or the revocation carried by the self-declared claims revealed since. 0 otherwise
    /// (never revoked, or held as a registrar-verified right).
    function _revokedAt(uint256 tokenId) private view returns (uint256) {
        if (_ownerOf(tokenId) == address(0)) return RecordPacking.revokedAtBlock(_getExtraData(tokenId));
        if (!_getExtraData(tokenId).isSelfDeclared()) return 0;
        return _claims[tokenId].revokedAt;
    }

    /// @dev A held right may be registered again only over a self-declared claim: by a registrar at any time, by
    /// another claim only if that claim was committed earlier and the held one is not frozen.
    function _checkSupersedable(uint256 tokenId, uint256 commitBlock) private view {
        uint96 held = _getExtraData(tokenId);
        if (!held.isSelfDeclared()) revert RightAlreadyRegistered(tokenId);
        if (commitBlock != 0) {
            if (commitBlock >= _claims[tokenId].commitBlock) revert RightAlreadyRegistered(tokenId);
            if (held.isFrozen()) revert TokenIsFrozen(tokenId);
        }
    }

    /// @dev A registrar's freeze (`frozen`) or unfreeze of `tokenId` under `orderHash`, by `freeze` / `unfreeze` or
    /// ERC-7943's `setFrozenTokens` / `forcedTransfer`: the pause, the evidence, existence and a change are checked,
    /// the record bit written, the registry's {Frozen} or {Unfrozen} emitted and linked into the history, then
    /// ERC-7943's {Frozen} naming the holder, and {MetadataUpdate}. Returns the holder.
    function _freezeAct(uint256 tokenId, bytes32 orderHash, bool frozen) private returns (address holder) {
        _requireNotPaused();
        if (orderHash == bytes32(0)) revert MissingEvidenceHash();
        holder = _requireExists(tokenId);
        uint96 packed = _getExtraData(tokenId);
        if (packed.isFrozen() == frozen) revert FreezeStateUnchanged(tokenId, frozen);
        _setExtraData(tokenId, packed.withFrozen(frozen));
        // {Frozen} and {Unfrozen} have the same arguments: one log, its topic chosen.
        bytes32 topic0 = frozen ? IIPRegistry.Frozen.selector : Unfrozen.selector;
        assembly ("memory-safe") {
            // emit Frozen(tokenId, msg.sender, orderHash) or Unfrozen(tokenId, msg.sender, orderHash)
            mstore(0x00, orderHash)
            log3(0x00, 0x20, topic0, tokenId, caller())
        }
        _linkEvent(tokenId, _digest(topic0, tokenId, msg.sender, keccak256(abi.encode(orderHash))));
        emit Frozen(holder, tokenId, frozen);
        emit MetadataUpdate(tokenId);
    }

    /// @dev A registrar's move of `tokenId` from its holder `from` to `to` under `orderHash` (`forceTransfer`, or
    /// ERC-7943's `forcedTransfer`): no `by`, so a frozen or disputed right moves too and keeps its record, less a
    /// pledge. Emits
    /// {Transfer}, {ForceTransferred} (linked into the history), ERC-7943's {ForcedTransfer} and, if the right is
    /// still frozen, ERC-7943's {Frozen} naming its new holder.
    function _forceTransfer(uint256 tokenId, address from, address to, bytes32 orderHash) private {
        // The move ends a pledge (the loan desk sees the right leave), clearing any approval as every move does.
        uint96 record = _getExtraData(tokenId);
        if (record.isPledged()) {
            _update(address(0), from, to, tokenId, record.withPledged(false) & ~_APPROVAL_FLAG, _TAKEOVER);
        } else {
            _update(address(0), from, to, tokenId, 0, _TRANSFER);
        }
        emit ForceTransferred(tokenId, from, to, msg.sender, orderHash);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(
                    ForceTransferred.selector, tokenId, from, to, keccak256(abi.encode(msg.sender, orderHash))
                )
            )
        );
        emit ForcedTransfer(from, to, tokenId);
        if (_getExtraData(tokenId).isFrozen()) emit Frozen(to, tokenId, true);
    }

    /// @dev Every change of owner passes here, with the record already loaded: the pause stops all; the freeze and the
    /// dispute lock stop the moves an owner, an approved account or an operator makes (`by` set), not a registrar's
    /// (registration, forced transfer, supersede, revocation: no `by`). One test of both bits on the common path.
    function _beforeUpdate(address by, uint256 tokenId, uint96 record) internal view override {
        uint256 stops = record & RecordPacking.MOVE_BLOCKERS;
        bool isPaused = paused();
        // `paused || blocked` without a second branch: the common path (neither) takes one.
        assembly ("memory-safe") {
            stops := or(stops, isPaused)
        }
        if (stops != 0) {
            _requireNotPaused();
            if (by != address(0)) {
                if (record.isFrozen()) revert TokenIsFrozen(tokenId);
                if (record.isDisputeLocked()) revert RightDisputed(tokenId);
                revert RightPledged(tokenId);
            }
        }
    }

    /// @dev Every change of owner links its {Transfer} into the right's history, right after it.
    function _afterUpdate(address from, address to, uint256 id) internal override {
        bytes32 digest;
        assembly ("memory-safe") {
            // keccak256(abi.encode(Transfer.selector, from, to, id, keccak256(""))) in the free memory, unallocated.
            let free := mload(0x40)
            mstore(free, 0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef)
            mstore(add(free, 0x20), from)
            mstore(add(free, 0x40), to)
            mstore(add(free, 0x60), id)
            mstore(add(free, 0x80), _EMPTY_DATA_HASH)
            digest := keccak256(free, 0xa0)
        }
        _linkEvent(id, digest);
    }

    /// @dev The history digest of an event indexed by (`tokenId`, `by`) whose data hashes to `dataHash`.
    function _digest(bytes32 selector, uint256 tokenId, address by, bytes32 dataHash) private pure returns (bytes32) {
        return keccak256(abi.encode(selector, tokenId, by, dataHash));
    }

    function _requireExists(uint256 tokenId) private view returns (address owner) {
        owner = _ownerOf(tokenId);
        if (owner == address(0)) revert UnknownToken(tokenId);
    }

    function _hashRegistration(Registration calldata registration) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _REGISTRATION_TYPEHASH,
                registration.contentHash,
                registration.kind,
                registration.expiry,
                keccak256(abi.encodePacked(registration.numbers)),
                keccak256(registration.metadata)
            )
        );
    }

    function _hashVoucher(Voucher calldata voucher) private pure returns (bytes32) {
        return keccak256(
            abi.encode(
                _VOUCHER_TYPEHASH, voucher.to, _hashRegistration(voucher.registration), voucher.nonce, voucher.deadline
            )
        );
    }
}
