// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IAttestationRegistry
/// @notice Types, errors, events and functions of third-party attestations about registered rights: a patent
/// attorney, an examiner or an audit firm (accounts with the attestor role) vouches for a claim about a right,
/// directly or by an EIP-712 signature that anyone may submit, and may revoke it.
interface IAttestationRegistry {
    /// @notice What an attestor signs (EIP-712 type `Attestation`), bound by the domain to the chain and this
    /// contract, by `holder` and `registeredAt` to the registration it is about, and by `nonce` to one use.
    /// @param tokenId The right.
    /// @param holder The right's owner when the attestor checked it (the registry's `recordOf(tokenId).owner`).
    /// @param registeredAt The right's registration time then (`recordOf(tokenId).registeredAt`). With `holder`, it
    /// must still match the record when the attestation is submitted, else {RegistrationChanged}.
    /// @param claimType keccak-256 of the claim's name, e.g. keccak256("TITLE_VERIFIED"), "VALUATION",
    /// "FREEDOM_TO_OPERATE" (see docs/licensing.md).
    /// @param evidenceHash SHA-256 of the evidence (opinion letter, valuation report); never zero.
    /// @param expiry Unix time after which the attestation no longer holds, or 0 for none.
    /// @param attestor Who attests (the signer).
    /// @param nonce Must equal `nonces(attestor)`; consumed on use.
    /// @param deadline Unix time after which the signature may no longer be submitted.
    struct SignedAttestation {
        uint256 tokenId;
        address holder;
        uint32 registeredAt;
        bytes32 claimType;
        bytes32 evidenceHash;
        uint64 expiry;
        address attestor;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice An attestation as stored.
    struct Attestation {
        uint256 tokenId;
        address attestor;
        bytes32 claimType;
        bytes32 evidenceHash;
        uint64 issuedAt;
        uint64 expiry;
        uint64 revokedAt;
    }

    /// @notice `account` lacks the attestor role.
    error NotAttestor(address account);

    /// @notice The right `tokenId` does not exist in the registry.
    error UnknownRight(uint256 tokenId);

    /// @notice No attestation `attestationId` exists.
    error UnknownAttestation(uint256 attestationId);

    /// @notice Only the attestor `attestor` may revoke the attestation `attestationId`.
    error NotAttestationAuthor(address caller, address attestor, uint256 attestationId);

    /// @notice The attestation `attestationId` was already revoked.
    error AttestationAlreadyRevoked(uint256 attestationId);

    /// @notice The signature's deadline `deadline` has passed.
    error SignatureExpired(uint256 deadline);

    /// @notice The signature was not made by `attestor` over these values (wrong chain, contract, data or nonce).
    error InvalidAttestationSignature(address attestor);

    /// @notice The right `tokenId` is no longer the registration the attestation was made about: its record now
    /// names `holder`, registered at `registeredAt` (a self-declared claim was superseded, the right was revoked and
    /// registered again, or it changed hands).
    error RegistrationChanged(uint256 tokenId, address holder, uint32 registeredAt);

    /// @notice The claim type, evidence or reason hash is zero, or the expiry is not in the future.
    error InvalidAttestation();

    /// @notice `attestor` attested `claimType` about `tokenId` on the evidence `evidenceHash`.
    event Attested(
        uint256 indexed attestationId,
        uint256 indexed tokenId,
        address indexed attestor,
        bytes32 claimType,
        bytes32 evidenceHash,
        uint64 expiry
    );

    /// @notice `attestor` revoked attestation `attestationId` for the reason whose hash is `reasonHash`.
    event AttestationRevoked(
        uint256 indexed attestationId, uint256 indexed tokenId, address indexed attestor, bytes32 reasonHash
    );

    /// @notice `attestor` voided its signature nonce `nonce`.
    event NonceCancelled(address indexed attestor, uint256 nonce);

    /// @notice The caller (an attestor) attests `claimType` about `tokenId` as registered to `holder` at
    /// `registeredAt` (the registry's `recordOf(tokenId)` the attestor checked); reverts with {RegistrationChanged}
    /// if the record no longer matches. A title attestation by an attestor who is also a registrar of the registry
    /// confirms a self-declared right (it becomes registrar-verified).
    function attest(
        uint256 tokenId,
        address holder,
        uint32 registeredAt,
        bytes32 claimType,
        bytes32 evidenceHash,
        uint64 expiry
    ) external returns (uint256 attestationId);

    /// @notice Records an attestation signed by `attestation.attestor`; anyone may submit it. A used or cancelled
    /// nonce reverts with Nonces' `InvalidAccountNonce(attestor, currentNonce)`; a registration that changed since
    /// the signature with {RegistrationChanged}.
    function attestBySig(SignedAttestation calldata attestation, bytes calldata signature)
        external
        returns (uint256 attestationId);

    /// @notice Revokes attestation `attestationId`; only its attestor may.
    function revoke(uint256 attestationId, bytes32 reasonHash) external;

    /// @notice Voids the caller's current signature nonce (cancels a signed attestation not yet submitted).
    function cancelNonce() external;

    /// @notice The attestation `attestationId`.
    function attestationOf(uint256 attestationId) external view returns (Attestation memory);

    /// @notice Every attestation ever made about `tokenId`, oldest first (revoked ones included).
    function attestationsOf(uint256 tokenId) external view returns (uint256[] memory);

    /// @notice Whether `attestor` has an attestation of `claimType` about `tokenId` that holds at `time` (issued at
    /// or before `time`, not revoked at or before it, `time` not after its expiry, made under the right's current
    /// registration), and the latest such one.
    function isAttested(uint256 tokenId, bytes32 claimType, address attestor, uint256 time)
        external
        view
        returns (bool attested, uint256 attestationId);
}
