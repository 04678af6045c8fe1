// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IAttestationRegistry} from "../interfaces/IAttestationRegistry.sol";
import {IIPRegistry} from "../interfaces/IIPRegistry.sol";
import {Identifiers} from "../libraries/Identifiers.sol";
import {RightHistory} from "../history/RightHistory.sol";

/// @title AttestationRegistry
/// @notice Third-party attestations about registered rights: an attestor (patent attorney, examiner, audit firm)
/// vouches for a claim about a right on hashed evidence, directly or by an EIP-712 signature anyone may submit.
/// @dev
/// - Attestations are never deleted: a revocation stamps `revokedAt`, so `isAttested` answers for past times too.
///   An attestation is about the registration of the right it was made under: once the right is revoked (and
///   perhaps registered again) or a self-declared claim is superseded, it no longer holds (`isAttested`), though
///   `attestationOf` still shows it.
/// - Every attestation names the registration it is about: the holder and registration time of the right's
///   current record (`recordOf`). It reverts with {RegistrationChanged} if the record changed in between (a
///   self-declared claim superseded by an earlier commitment, the right revoked and registered again), so an
///   attestor's check of one claimant's title never lands on another's, and a signed attestation cannot be
///   submitted after the registration it was signed about was replaced.
/// - Signatures are EIP-712 `Attestation` typed data in the domain ("IPLedger Attestations", "1", chain id, this
///   contract), with the attestor's sequential nonce (`nonces`); `cancelNonce` voids an unsubmitted one. Contract
///   attestors sign through ERC-1271.
/// - The attestor role is checked when the attestation is recorded, not later: revoking the role leaves past
///   attestations standing (the admin cannot revoke them, only their attestor can).
/// - A TITLE_VERIFIED attestation by an attestor who is also a registrar of the registry confirms a self-declared
///   right there (`confirmClaim`; this contract needs the registry's VERIFIER_ROLE). The confirmation is final:
///   revoking or outliving the attestation does not make the right self-declared again. While the registry is
///   paused such an attestation reverts (the registry refuses the confirmation).
contract AttestationRegistry is AccessControl, Nonces, EIP712, RightHistory, IAttestationRegistry {
    /*//////////////////////////////////////////////////////////////
                               CONSTANTS
    //////////////////////////////////////////////////////////////*/

    /// @notice Role of the accounts whose attestations are recorded.
    bytes32 public constant ATTESTOR_ROLE = Identifiers.ATTESTOR_ROLE;

    /// @notice Claim type: the owner of the token holds title to the right (confirms a self-declared right when
    /// attested by a registrar).
    bytes32 public constant TITLE_VERIFIED = keccak256("TITLE_VERIFIED");

    /// @notice Claim type: the right was valued; the evidence is the valuation report.
    bytes32 public constant VALUATION = keccak256("VALUATION");

    /// @notice Claim type: a freedom-to-operate opinion covers the right.
    bytes32 public constant FREEDOM_TO_OPERATE = keccak256("FREEDOM_TO_OPERATE");

    bytes32 private constant _ATTESTATION_TYPEHASH = keccak256(
        "Attestation(uint256 tokenId,address holder,uint32 registeredAt,bytes32 claimType,bytes32 evidenceHash,"
        "uint64 expiry,address attestor,uint256 nonce,uint256 deadline)"
    );

    /// @notice The IP registry whose rights are attested.
    address public immutable registry;

    /*//////////////////////////////////////////////////////////////
                                STORAGE
    //////////////////////////////////////////////////////////////*/

    /// @dev Slot 0: tokenId. Slot 1: attestor (bits 0-159), issuedAt (160-191, uint32 seconds, good until 2106),
    /// expiry (192-255). Slot 2: claimType. Slot 3: evidenceHash. Slot 4: revokedAt, written only by `revoke`.
    struct StoredAttestation {
        uint256 tokenId;
        address attestor;
        uint32 issuedAt;
        uint64 expiry;
        bytes32 claimType;
        bytes32 evidenceHash;
        uint64 revokedAt;
    }

    mapping(uint256 attestationId => StoredAttestation) private _attestations;

    mapping(uint256 tokenId => uint256[] attestationIds) private _attestationsOf;

    /// @dev The last attestation id handed out; ids start at 1.
    uint256 private _lastAttestationId;

    /*//////////////////////////////////////////////////////////////
                              CONSTRUCTOR
    //////////////////////////////////////////////////////////////*/

    /// @param registry_ The IP registry.
    /// @param admin Receives DEFAULT_ADMIN_ROLE (grants the attestor role).
    constructor(address registry_, address admin) EIP712("IPLedger Attestations", "1") {
        registry = registry_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /*//////////////////////////////////////////////////////////////
                              ATTESTING
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAttestationRegistry
    /// @dev Requirements: the caller has ATTESTOR_ROLE; the right exists and its record's owner and registration
    /// time are `holder` and `registeredAt` (else {RegistrationChanged}); `claimType` and `evidenceHash` not zero;
    /// `expiry` zero or in the future. Emits {Attested} (and the registry's {ClaimConfirmed} and {MetadataUpdate}
    /// when it confirms a self-declared right).
    function attest(
        uint256 tokenId,
        address holder,
        uint32 registeredAt,
        bytes32 claimType,
        bytes32 evidenceHash,
        uint64 expiry
    ) external returns (uint256 attestationId) {
        return _attest(msg.sender, tokenId, holder, registeredAt, claimType, evidenceHash, expiry);
    }

    /// @inheritdoc IAttestationRegistry
    /// @dev The signature is over the EIP-712 `Attestation` in this contract's domain (chain id and address
    /// bound); ERC-1271 for contract attestors. Requirements: `deadline` not passed; the signature is
    /// `attestation.attestor`'s; `nonce` equals `nonces(attestor)` (consumed; a replay reverts with
    /// {InvalidAccountNonce}); then as `attest`, so a signature made about a registration since superseded, or
    /// revoked and registered again, reverts with {RegistrationChanged} however long its deadline. Emits {Attested} (and {ClaimConfirmed} as `attest`).
    function attestBySig(SignedAttestation calldata attestation, bytes calldata signature)
        external
        returns (uint256 attestationId)
    {
        if (block.timestamp > attestation.deadline) revert SignatureExpired(attestation.deadline);
        address attestor = attestation.attestor;
        bytes32 digest = _hashTypedDataV4(
            keccak256(
                abi.encode(
                    _ATTESTATION_TYPEHASH,
                    attestation.tokenId,
                    attestation.holder,
                    attestation.registeredAt,
                    attestation.claimType,
                    attestation.evidenceHash,
                    attestation.expiry,
                    attestor,
                    attestation.nonce,
                    attestation.deadline
                )
            )
        );
        if (!SignatureChecker.isValidSignatureNow(attestor, digest, signature)) revert InvalidAttestationSignature(attestor);
        _useCheckedNonce(attestor, attestation.nonce);
        return _attest(
            attestor,
            attestation.tokenId,
            attestation.holder,
            attestation.registeredAt,
            attestation.claimType,
            attestation.evidenceHash,
            attestation.expiry
        );
    }

    /// @inheritdoc IAttestationRegistry
    /// @dev Only the attestation's attestor, even after losing the attestor role. Requirements: the attestation
    /// exists and is not revoked; `reasonHash` not zero. Emits {AttestationRevoked}.
    function revoke(uint256 attestationId, bytes32 reasonHash) external {
        if (reasonHash == bytes32(0)) revert InvalidAttestation();
        StoredAttestation storage stored = _attestations[attestationId];
        address attestor = stored.attestor;
        if (attestor == address(0)) revert UnknownAttestation(attestationId);
        if (msg.sender != attestor) revert NotAttestationAuthor(msg.sender, attestor, attestationId);
        if (stored.revokedAt != 0) revert AttestationAlreadyRevoked(attestationId);
        stored.revokedAt = uint64(block.timestamp);
        uint256 tokenId = stored.tokenId;
        emit AttestationRevoked(attestationId, tokenId, attestor, reasonHash);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(AttestationRevoked.selector, attestationId, tokenId, attestor, keccak256(abi.encode(reasonHash)))
            )
        );
    }

    /// @inheritdoc IAttestationRegistry
    /// @dev Anyone may void their own nonce (it matters only to attestors). Emits {NonceCancelled}.
    function cancelNonce() external {
        emit NonceCancelled(msg.sender, _useNonce(msg.sender));
    }

    /*//////////////////////////////////////////////////////////////
                                VIEWS
    //////////////////////////////////////////////////////////////*/

    /// @inheritdoc IAttestationRegistry
    /// @dev Reverts with {UnknownAttestation} for an id never handed out.
    function attestationOf(uint256 attestationId) external view returns (Attestation memory) {
        StoredAttestation storage stored = _attestations[attestationId];
        if (stored.attestor == address(0)) revert UnknownAttestation(attestationId);
        return Attestation({
            tokenId: stored.tokenId,
            attestor: stored.attestor,
            claimType: stored.claimType,
            evidenceHash: stored.evidenceHash,
            issuedAt: stored.issuedAt,
            expiry: stored.expiry,
            revokedAt: stored.revokedAt
        });
    }

    /// @inheritdoc IAttestationRegistry
    function attestationsOf(uint256 tokenId) external view returns (uint256[] memory) {
        return _attestationsOf[tokenId];
    }

    /// @inheritdoc IAttestationRegistry
    /// @dev An attestation holds at `time` if it was issued at or before `time`, was not revoked at or before
    /// `time`, `time` is not after its expiry, and it is about the right's current registration: the right exists
    /// and the attestation was issued at or after its registration time (an attestation about a registration
    /// since revoked, or about a self-declared claim since superseded, never holds for the one that replaced it;
    /// only one issued in the very second of the replacement would). Returns the latest such attestation. Scans
    /// the right's attestations newest first, down to its registration: meant for off-chain reads and for rights
    /// with a handful of attestations.
    function isAttested(uint256 tokenId, bytes32 claimType, address attestor, uint256 time)
        external
        view
        returns (bool attested, uint256 attestationId)
    {
        IIPRegistry rights = IIPRegistry(registry);
        if (!rights.exists(tokenId)) return (false, 0);
        uint256 registeredAt = rights.recordOf(tokenId).registeredAt;
        uint256[] storage ids = _attestationsOf[tokenId];
        for (uint256 i = ids.length; i != 0;) {
            // Cannot underflow: i > 0.
            unchecked {
                --i;
            }
            StoredAttestation storage stored = _attestations[ids[i]];
            uint256 issuedAt = stored.issuedAt;
            // Ids grow with time: every older attestation predates the current registration too.
            if (issuedAt < registeredAt) break;
            if (stored.attestor != attestor || stored.claimType != claimType || issuedAt > time) continue;
            uint256 revokedAt = stored.revokedAt;
            uint256 expiry = stored.expiry;
            if ((revokedAt == 0 || revokedAt > time) && (expiry == 0 || time <= expiry)) return (true, ids[i]);
        }
        return (false, 0);
    }

    /// @notice The EIP-712 domain separator of this registry (chain id and address bound).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    /*//////////////////////////////////////////////////////////////
                              INTERNAL
    //////////////////////////////////////////////////////////////*/

    /// @dev The single recording path of both entry points: checks, the record, then the registry confirmation.
    function _attest(
        address attestor,
        uint256 tokenId,
        address holder,
        uint32 registeredAt,
        bytes32 claimType,
        bytes32 evidenceHash,
        uint64 expiry
    ) private returns (uint256 attestationId) {
        if (!hasRole(ATTESTOR_ROLE, attestor)) revert NotAttestor(attestor);
        if (claimType == bytes32(0) || evidenceHash == bytes32(0) || (expiry != 0 && expiry <= block.timestamp)) {
            revert InvalidAttestation();
        }
        IIPRegistry rights = IIPRegistry(registry);
        if (!rights.exists(tokenId)) revert UnknownRight(tokenId);
        IIPRegistry.Record memory record = rights.recordOf(tokenId);
        if (record.owner != holder || record.registeredAt != registeredAt) {
            revert RegistrationChanged(tokenId, record.owner, record.registeredAt);
        }
        // Cannot overflow: one id per transaction.
        unchecked {
            attestationId = ++_lastAttestationId;
        }
        _attestations[attestationId] = StoredAttestation({
            tokenId: tokenId,
            attestor: attestor,
            issuedAt: uint32(block.timestamp),
            expiry: expiry,
            claimType: claimType,
            evidenceHash: evidenceHash,
            revokedAt: 0
        });
        _attestationsOf[tokenId].push(attestationId);
        emit Attested(attestationId, tokenId, attestor, claimType, evidenceHash, expiry);
        _linkEvent(
            tokenId,
            keccak256(
                abi.encode(
                    Attested.selector,
                    attestationId,
                    tokenId,
                    attestor,
                    keccak256(abi.encode(claimType, evidenceHash, expiry))
                )
            )
        );
        // The registry is trusted (immutable, our own code): calling it after the effects is checks-effects-
        // interactions all the same.
        // The self-declared flag is in memory already: test it before the registry's role lookup (a call).
        if (
            claimType == TITLE_VERIFIED && record.selfDeclared
                && IAccessControl(registry).hasRole(Identifiers.REGISTRAR_ROLE, attestor)
        ) {
            rights.confirmClaim(tokenId, keccak256(abi.encode(attestationId, evidenceHash)));
        }
    }
}
