// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IRightHistory} from "./IRightHistory.sol";

/// @title IIPRegistry
/// @notice Types, errors and events of the ipledger IP registry: one ERC-721 token per intellectual-property right.
/// @dev The token id of a right is derived on chain from its primary official number (`OfficialNumbers.key`, see
/// docs/numbers.md): no client computes it, and a number not in canonical form is refused. ENS uses the same
/// pattern (token id = label hash); it makes the primary number's uniqueness free, because an ERC-721 token id can
/// exist only once. The right's other numbers of the same office are reserved for its token.
interface IIPRegistry is IRightHistory {
    /*//////////////////////////////////////////////////////////////
                                  TYPES
    //////////////////////////////////////////////////////////////*/

    /// @notice The kind of right a token stands for.
    enum Kind {
        Patent,
        PatentApplication,
        UtilityModel,
        Design,
        Trademark,
        Copyright,
        TradeSecret,
        ShortTermPatent
    }

    /// @notice The legal status of a right as the registry sees it.
    /// @dev `Expired` is never stored: `recordOf` reports it when the expiry time has passed.
    enum Status {
        Active,
        Frozen,
        Expired
    }

    /// @notice What a registrant submits to register a right.
    /// @param contentHash SHA-256 of the document bundle (hashed off chain, never uploaded).
    /// @param kind The kind of right, as a `Kind` value (0-7); a plain uint8 so that an unknown kind reverts with
    /// `InvalidRegistration` instead of the ABI decoder's empty revert.
    /// @param expiry Unix time the right lapses, or 0 when unknown or perpetual.
    /// @param numbers The right's official numbers, packed (`OfficialNumbers`). The first is its primary number:
    /// the token id is derived from it and its office is the right's jurisdiction. The others, of the same office
    /// (application, publication, grant), are reserved for the token; those flagged as family links (PCT, WO,
    /// priority applications) are only recorded.
    /// @param metadata The right's public record: its canonical metadata JSON (UTF-8; docs/metadata.md), published in
    /// {RightRegistered} for any client to read without this project's database, never stored. Its SHA-256 is the
    /// right's metadata hash.
    struct Registration {
        bytes32 contentHash;
        uint8 kind;
        uint40 expiry;
        uint256[] numbers;
        bytes metadata;
    }

    /// @notice A registrar's signed permission for `to` to register a right.
    /// @param to The account that receives the token, whoever submits the voucher.
    /// @param registration The right to register.
    /// @param nonce Must equal `nonces(to)`; consumed on use.
    /// @param deadline Unix time after which the voucher is void.
    struct Voucher {
        address to;
        Registration registration;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice The on-chain record of a right, as returned by `recordOf`.
    struct Record {
        address owner;
        Kind kind;
        bytes2 jurisdiction;
        uint32 registeredAt;
        uint40 expiry;
        Status status;
        bool selfDeclared;
        bool disputeLocked;
        bool pledged;
    }

    /*//////////////////////////////////////////////////////////////
                                 ERRORS
    //////////////////////////////////////////////////////////////*/

    /// @notice The right (its official identifier) is already registered as `tokenId`.
    error RightAlreadyRegistered(uint256 tokenId);

    /// @notice The document bundle `contentHash` is already registered as `tokenId`.
    error ContentAlreadyRegistered(bytes32 contentHash, uint256 tokenId);

    /// @notice A registration field is out of range (no number, zero hash or unknown kind).
    error InvalidRegistration();

    /// @notice `number` is not a canonical official number (`OfficialNumbers`): unknown office or series, serial
    /// out of the series' range, unknown flag; or it cannot stand where it is (a family link as the primary number,
    /// another office's number reserved for a right, the primary number repeated).
    error InvalidNumber(uint256 number);

    /// @notice `number` already names the right `tokenId`, as its primary number or one of its other numbers.
    error NumberAlreadyRegistered(uint256 number, uint256 tokenId);

    /// @notice The number `number` with `salt` does not open the unpublished-application commitment of `tokenId`.
    error CommitmentMismatch(uint256 tokenId, uint256 number);

    /// @notice No token `tokenId` exists.
    error UnknownToken(uint256 tokenId);

    /// @notice `caller` is not the owner of `tokenId` (the function is for the owner only).
    error NotTokenOwner(address caller, uint256 tokenId);

    /// @notice `account` was named as the holder of `tokenId` (ERC-7943's `setFrozenTokens`, `forcedTransfer`) and
    /// does not hold it.
    error NotHolder(address account, uint256 tokenId);

    /// @notice `tokenId` is frozen and cannot move except by a forced transfer.
    error TokenIsFrozen(uint256 tokenId);

    /// @notice `tokenId` is already in the requested freeze state.
    error FreezeStateUnchanged(uint256 tokenId, bool frozen);

    /// @notice The voucher's deadline `deadline` has passed.
    error VoucherExpired(uint256 deadline);

    /// @notice The voucher's signer `signer` does not hold the registrar role.
    error InvalidVoucherSigner(address signer);

    /// @notice The commitment was already made and its reveal window is still open.
    error CommitmentPending(bytes32 commitment, uint256 committedAt);

    /// @notice No commitment matches the reveal (wrong claimant, data or salt).
    error UnknownCommitment(bytes32 commitment);

    /// @notice The reveal came in the commitment's own block; reveal from block `earliest` on.
    error RevealTooEarly(uint256 earliest);

    /// @notice The reveal window closed at block `latest`.
    error RevealWindowClosed(uint256 latest);

    /// @notice A deed, order or reason hash must not be zero.
    error MissingEvidenceHash();

    /// @notice A royalty above 10,000 basis points.
    error InvalidRoyalty(uint96 bps);

    /// @notice `tokenId` is locked by an open dispute and cannot move except by a forced transfer.
    error RightDisputed(uint256 tokenId);

    /// @notice The caller's lock on `tokenId` (the pledge or the dispute lock) is already `locked`, or a delivery was
    /// asked with something other than a pledge's release.
    error LockUnchanged(uint256 tokenId, bool locked);

    /// @notice `tokenId` is pledged for a loan and cannot move except by the loan desk or a forced transfer.
    error RightPledged(uint256 tokenId);


    /// @notice A batch registration with no registrations in it.
    error EmptyBatch();

    /// @notice The self-declared claim `tokenId` would reserve more than `max` numbers besides its primary number.
    error TooManyNumbers(uint256 tokenId, uint256 max);

    /// @notice `tokenId` is not a self-declared claim, so there is nothing to confirm.
    error NotSelfDeclared(uint256 tokenId);

    /// @notice `tokenId` was revoked at block `revokedAtBlock`: a voucher, or a claim committed at or before that
    /// block, cannot bring it back (a registrar registers it again directly).
    error RevokedRight(uint256 tokenId, uint256 revokedAtBlock);

    /// @notice `value` wei came with `transferFrom`, `safeTransferFrom` or `approve` (payable in Solady's ERC-721):
    /// the registry holds no ether and has no way to pay it out.
    error EtherNotAccepted(uint256 value);

    /*//////////////////////////////////////////////////////////////
                                 EVENTS
    //////////////////////////////////////////////////////////////*/

    /// @notice A right was registered as token `tokenId` (= its rightId); the owner is the `to` of the
    /// {Transfer} event just before it, in the same transaction.
    /// @param registrar The registrar who registered or signed the voucher; zero for a self-declared claim.
    /// @param record The packed record (see RecordPacking and docs/storage.md): self-declared flag, kind,
    /// jurisdiction, registration time and expiry.
    /// @param numbers The right's official numbers as registered: the primary first, then the reserved numbers and
    /// family links (`OfficialNumbers`).
    event RightRegistered(
        uint256 indexed tokenId,
        bytes32 indexed contentHash,
        address indexed registrar,
        uint96 record,
        uint256[] numbers,
        bytes metadata
    );

    /// @notice `by` (the owner or a registrar) added `numbers` to `tokenId` (a grant number after the application,
    /// family links) and set its record to `record` (kind and expiry as of the new numbers). Numbers an owner adds
    /// to a registrar-verified right are provisional: a registrar's registration of another right may take them.
    event NumbersAdded(uint256 indexed tokenId, address indexed by, uint256[] numbers, uint96 record);

    /// @notice The provisional number `number` (reserved by a self-declared claim or added by an owner) was taken
    /// from `fromTokenId` by a registrar's registration of `toTokenId`.
    event NumberReclaimed(uint256 number, uint256 indexed fromTokenId, uint256 indexed toTokenId);

    /// @notice The self-declared claim `tokenId` was superseded: the numbers it had reserved besides its primary
    /// number are released (the superseding registration reserves its own).
    event NumbersReleased(uint256 indexed tokenId, uint256[] numbers);

    /// @notice `tokenId` was assigned from `from` to `to` under the deed whose hash is `deedHash`.
    event Assigned(uint256 indexed tokenId, address indexed from, address indexed to, bytes32 deedHash);

    /// @notice `registrar` froze `tokenId` under the order or decision whose hash is `orderHash`.
    event Frozen(uint256 indexed tokenId, address indexed registrar, bytes32 orderHash);

    /// @notice `registrar` unfroze `tokenId` under the order or decision whose hash is `orderHash`.
    event Unfrozen(uint256 indexed tokenId, address indexed registrar, bytes32 orderHash);

    /// @notice `registrar` moved `tokenId` from `from` to `to` without the owner, under order `orderHash`.
    event ForceTransferred(
        uint256 indexed tokenId, address indexed from, address indexed to, address registrar, bytes32 orderHash
    );

    /// @notice `by` (the owner or a registrar) published `metadata` as the public record of `tokenId` (a grant, a
    /// new expiry, an assignee's name, confidential fields opened); it replaces the earlier record.
    event MetadataPublished(uint256 indexed tokenId, address indexed by, bytes metadata);

    /// @notice `committer` sent a commitment for a self-declared claim. The commitment binds the claimant
    /// (who alone can reveal it), which need not be the committer.
    event ClaimCommitted(bytes32 indexed commitment, address indexed committer);

    /// @notice A self-declared claim on `tokenId` held by `from` gave way to a registrar-verified registration or
    /// to an earlier-committed claim, now held by `to`; `previousContentHash` is no longer registered.
    event ClaimSuperseded(uint256 indexed tokenId, address indexed from, address indexed to, bytes32 previousContentHash);

    /// @notice The bundle `contentHash`, registered under the self-declared claim `fromTokenId`, now belongs to
    /// `toTokenId` (a registrar's registration or an earlier-committed claim took it).
    event ContentReclaimed(bytes32 indexed contentHash, uint256 indexed fromTokenId, uint256 indexed toTokenId);

    /// @notice ERC-4906: the metadata of tokens `_fromTokenId` to `_toTokenId` changed.
    event BatchMetadataUpdate(uint256 _fromTokenId, uint256 _toTokenId);

    /// @notice `registrar` voided the voucher nonce `nonce` of `to`.
    event VoucherCancelled(address indexed to, uint256 nonce, address indexed registrar);

    /// @notice The royalty of `tokenId` (0: the default for all tokens) became `bps` basis points.
    event RoyaltySet(uint256 indexed tokenId, uint96 bps);

    /// @notice `verifier` (the attestation registry or a registrar) confirmed the self-declared claim `tokenId`
    /// on the evidence whose hash is `evidenceHash`: it is registrar-verified now and can no longer be superseded.
    event ClaimConfirmed(uint256 indexed tokenId, address indexed verifier, bytes32 evidenceHash);

    /// @notice The dispute module locked (`locked`) or unlocked `tokenId` for the dispute `disputeRef`; or `by`, a
    /// registrar or an earlier-committed claimant, superseded the locked self-declared claim, which lifts its lock
    /// (`disputeRef` zero: the disputes were about the superseded claim).
    event DisputeLockSet(uint256 indexed tokenId, bool locked, address indexed by, bytes32 disputeRef);

    /// @notice The loan desk `by` pledged `tokenId` (`pledged`) or released its pledge, under the loan `loanRef`; a
    /// release followed by a {Transfer} delivered the right to the buyer at an enforcement sale. A forced transfer
    /// or a supersession ends a pledge without this event (the loan desk sees the right leave).
    event PledgeSet(uint256 indexed tokenId, bool pledged, address indexed by, bytes32 loanRef);

    /// @notice `registrar` revoked `tokenId`, held by `holder`, under the order whose hash is `orderHash`: the
    /// token is burnt (the right may be registered again; its document bundle stays bound to the right).
    event RightRevoked(uint256 indexed tokenId, address indexed holder, address indexed registrar, bytes32 orderHash);

    /// @notice The base of `tokenURI` changed.
    event BaseURIUpdated(string baseURI);

    /// @notice ERC-4906: the metadata of `_tokenId` changed.
    event MetadataUpdate(uint256 _tokenId);

    /*//////////////////////////////////////////////////////////////
                               FUNCTIONS
    //////////////////////////////////////////////////////////////*/

    /// @notice Registers a right checked by the calling registrar and mints it to `to`.
    function register(address to, Registration calldata registration) external returns (uint256 tokenId);

    /// @notice Registers several rights checked by the calling registrar and mints them all to `to`, in one
    /// transaction: all or none. Each token id is its registration's `rightId`.
    function registerBatch(address to, Registration[] calldata registrations) external;

    /// @notice Registers a right with a registrar's EIP-712 voucher; the token goes to `voucher.to`.
    function registerWithVoucher(Voucher calldata voucher, bytes calldata signature)
        external
        returns (uint256 tokenId);

    /// @notice First step of a self-declared claim: records `commitment` at the current block.
    function commit(bytes32 commitment) external;

    /// @notice Second step of a self-declared claim: reveals the registration and mints it to the caller.
    function reveal(Registration calldata registration, bytes32 salt) external returns (uint256 tokenId);

    /// @notice Transfers `tokenId` to `to` and records the hash of the assignment deed.
    function assign(uint256 tokenId, address to, bytes32 deedHash) external;

    /// @notice Freezes `tokenId` under a court order or decision.
    function freeze(uint256 tokenId, bytes32 orderHash) external;

    /// @notice Lifts the freeze of `tokenId`.
    function unfreeze(uint256 tokenId, bytes32 orderHash) external;

    /// @notice Moves `tokenId` to `to` without the owner's consent, under a court order or decision.
    function forceTransfer(uint256 tokenId, address to, bytes32 orderHash) external;

    /// @notice Turns the self-declared claim `tokenId` into a registrar-verified right.
    function confirmClaim(uint256 tokenId, bytes32 evidenceHash) external;

    /// @notice Sets or lifts the calling module's lock on `tokenId`: the dispute module's dispute lock (`ref`: the
    /// dispute) or the loan desk's pledge (`ref`: the loan); a pledge lifted with `to` set delivers the right to `to`,
    /// the buyer at an enforcement sale.
    function setLock(uint256 tokenId, bool locked, address to, bytes32 ref) external;

    /// @notice Revokes `tokenId` (burns it) under a court order or an upheld dispute.
    function revoke(uint256 tokenId, bytes32 orderHash) external;

    /// @notice Publishes `metadata` as the public record of `tokenId`, replacing the earlier one.
    function publishMetadata(uint256 tokenId, bytes calldata metadata) external;

    /// @notice Voids the current voucher nonce of `to`, cancelling any voucher issued with it.
    function cancelVoucher(address to) external;

    /// @notice Adds official numbers to `tokenId` and sets its kind and expiry (a right keeps its token as it is
    /// published and granted).
    function addNumbers(uint256 tokenId, uint256[] calldata numbers, uint8 kind, uint40 expiry) external;

    /// @notice Opens the unpublished-application commitment `tokenId` was registered under: `number` is reserved.
    function openNumber(uint256 tokenId, uint256 number, bytes32 salt) external;

    /// @notice The right id (token id) a registration of `primaryNumber` gets; reverts {InvalidNumber} when the
    /// number is not canonical or is a family link.
    function rightIdOf(uint256 primaryNumber) external pure returns (uint256);

    /// @notice The token `number` is reserved for as another number of a right, or 0 (a primary number is the
    /// token id itself: `rightIdOf`).
    function tokenOfNumber(uint256 number) external view returns (uint256);

    /// @notice The packed number under which the unpublished application `number` is registered with `salt`
    /// (its office, series "UC"): it reveals nothing of `number` until it is opened.
    function unpublishedNumber(uint256 number, bytes32 salt) external pure returns (uint256);

    /// @notice The commitment block of the self-declared claim on `tokenId` (0 when not self-declared):
    /// a reveal of an earlier commitment supersedes the claim.
    function claimCommitBlock(uint256 tokenId) external view returns (uint256);

    /// @notice The record of `tokenId`.
    function recordOf(uint256 tokenId) external view returns (Record memory);

    /// @notice The token registered with document bundle `contentHash`, or 0.
    function tokenOfContent(bytes32 contentHash) external view returns (uint256);

    /// @notice Whether `tokenId` exists.
    function exists(uint256 tokenId) external view returns (bool);

    /// @notice The block in which `commitment` was made, or 0.
    function commitmentBlock(bytes32 commitment) external view returns (uint256);

    /// @notice The commitment a claimant must make for `registration` with `salt`.
    function commitmentFor(address claimant, Registration calldata registration, bytes32 salt)
        external
        view
        returns (bytes32);
}
