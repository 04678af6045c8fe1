"""The :class:`Ledger`: one ipledger deployment on one chain (registry, compliance, share vault, settlement desk),
used by one signing account.

The registry's operations (register, assign, freeze, history, verify) live here; shares, compliance, the market
and payment tokens come from the mixins in ``_shares``, ``_compliance``, ``_market`` and ``_payments``.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal

from eth_account.messages import encode_typed_data
from eth_utils.address import to_checksum_address
from web3 import Web3
from web3.types import RPCEndpoint

from ._accounts import Signer, resolve_signer
from ._artifacts import load_artifact
from ._attestations import AttestationsMixin
from ._base import REGISTRY_CONTRACT, is_zero_address
from ._bulk import BulkMixin
from ._compliance import ComplianceMixin
from ._deployment import (
    local_deployment_file,
    read_local_deployment,
    read_local_registry,
    save_local_deployment,
    save_local_registry,
)
from ._disputes import DisputesMixin
from ._events import EVENT_SIGNATURES, DecodedLog, arg_bytes
from ._exceptions import (
    ContractRevertError,
    InvalidInputError,
    NotFoundError,
    RegistryError,
    TransactionError,
)
from ._hashing import hash_file
from ._history import (
    build_history,
    fetch_module_logs,
    fetch_token_logs,
    fetch_vault_logs,
    merge_history,
    packed_numbers,
    right_numbers,
)
from ._history_chain import HistoryWord, chain_head
from ._ids import parse_token_id
from ._index import EventIndex
from ._licensing import LicensingMixin, field_labels_of
from ._logs import fetch_logs
from ._market import MarketMixin
from ._models import (
    Check,
    Deployment,
    History,
    HistoryEvent,
    IndexVerification,
    IPMetadata,
    PublicRecord,
    RegistrationResult,
    RightKind,
    RightRecord,
    RightStatus,
    TransactionResult,
    VerificationReport,
    expiry_timestamp,
    parse_metadata,
    public_record_fields,
)
from ._node import LOCAL_CHAIN_ID, ipledger_home, start_local_node
from ._numbers import OfficialNumber, number_text, parse_number_for, unpublished_number
from ._payments import PaymentsMixin
from ._proof_bundle import RecordingRpc, write_bundle
from ._proofs import ProvenRight, TrustlessVerifier, chain_id_check, code_check
from ._record_packing import unpack_record
from ._requests import Document, RegistrationRequest, hash_documents, prepare_registration
from ._retry import RetryingHTTPProvider, RetryPolicy
from ._rights_checks import dispute_check, license_check, rights_notices
from ._rights_models import Attestation, Dispute, License
from ._royalties import RoyaltiesMixin
from ._shares import SharesMixin
from ._verify import (
    custody_check,
    notices_for,
    proven_content_check,
    proven_rights_check,
    shares_check,
    verdict_of,
)

__all__ = [
    "ClaimTicket",
    "Ledger",
    "RegistrationRequest",
    "Voucher",
    "local_deployment_file",
    "parse_token_id",
    "read_local_deployment",
    "read_local_registry",
    "save_local_deployment",
    "save_local_registry",
]

_ROLES = {
    "admin": b"\x00" * 32,
    "registrar": Web3.keccak(text="REGISTRAR_ROLE"),
    "guardian": Web3.keccak(text="GUARDIAN_ROLE"),
    "compliance_officer": Web3.keccak(text="COMPLIANCE_OFFICER_ROLE"),
    "attestor": Web3.keccak(text="ATTESTOR_ROLE"),
    "arbitrator": Web3.keccak(text="ARBITRATOR_ROLE"),
}
#: Roles held elsewhere than in the IP registry: role -> the attribute naming the contract.
_ROLE_CONTRACTS = {"compliance_officer": "compliance", "attestor": "attestations", "arbitrator": "disputes"}
#: The registry roles the dispute manager needs (its remedies and its transfer lock) and the attestation registry's.
_DISPUTE_MANAGER_ROLES = (Web3.keccak(text="REGISTRAR_ROLE"), Web3.keccak(text="DISPUTE_ROLE"))
_VERIFIER_ROLE = Web3.keccak(text="VERIFIER_ROLE")
#: The dispute bond on a local chain: 100 tUSD (6 decimals).
_LOCAL_DISPUTE_BOND = 100 * 10**6
_STATUS = [RightStatus.ACTIVE, RightStatus.FROZEN, RightStatus.EXPIRED]
VOUCHER_TYPES = {
    "Voucher": [
        {"name": "to", "type": "address"},
        {"name": "registration", "type": "Registration"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Registration": [
        {"name": "contentHash", "type": "bytes32"},
        {"name": "kind", "type": "uint8"},
        {"name": "expiry", "type": "uint40"},
        {"name": "numbers", "type": "uint256[]"},
        {"name": "metadata", "type": "bytes"},
    ],
}


def _hex32(value: bytes) -> str:
    return "0x" + value.hex()


def _evidence_hash(value: bytes | str | Path, what: str) -> bytes:
    """A 32-byte evidence hash from raw bytes, 0x hex, or a file to hash."""
    if isinstance(value, bytes):
        if len(value) != 32:
            raise InvalidInputError(f"{what} hash must be 32 bytes")
        return value
    text = str(value)
    if isinstance(value, str) and text.startswith("0x") and len(text) == 66:
        try:
            return bytes.fromhex(text[2:])
        except ValueError:
            raise InvalidInputError(f"{what} hash {text!r} is not hex") from None
    return hash_file(value)


def _salt_bytes(value: bytes | str) -> bytes:
    """A 32-byte salt given as bytes or as 0x and 64 hex digits."""
    if isinstance(value, bytes) and len(value) == 32:
        return value
    text = value.strip() if isinstance(value, str) else ""
    try:
        if text.startswith("0x") and len(text) == 66:
            return bytes.fromhex(text[2:])
    except ValueError:
        pass
    raise InvalidInputError(f"field 'salt': {value!r} is not a salt; expected 0x and 64 hex digits")


@dataclass(frozen=True)
class Voucher:
    """A registrar-signed permission to register a right for ``to``; anyone may submit it."""

    to: str
    request: RegistrationRequest
    nonce: int
    deadline: int
    signature: bytes

    def as_tuple(self) -> tuple[str, tuple[bytes, int, int, list[int], bytes], int, int]:
        return (self.to, self.request.as_tuple(), self.nonce, self.deadline)


@dataclass(frozen=True)
class ClaimTicket:
    """The secret half of a commit-reveal claim: keep it until the reveal.

    ``commit_tx`` is the transaction that registered the commitment and ``committed_by`` its sender: another
    account's when a copier re-sent our commit first (the commitment binds the claimant, so it is ours all the
    same and the reveal goes on).
    """

    request: RegistrationRequest
    salt: bytes
    commitment: bytes
    commit_block: int
    commit_tx: str | None = None
    committed_by: str | None = None


class Ledger(
    SharesMixin,
    ComplianceMixin,
    MarketMixin,
    PaymentsMixin,
    LicensingMixin,
    AttestationsMixin,
    DisputesMixin,
    RoyaltiesMixin,
    BulkMixin,
):
    """ipledger's client: registers, moves, reads and verifies rights; fractionalizes them into shares, checks
    who may hold them, and trades them through signed orders.

    Create it with :meth:`local` (the embedded anvil chain) or :meth:`connect` (any EVM chain by RPC URL).
    """

    # ------------------------------------------------------------------ construction

    @classmethod
    def connect(
        cls,
        rpc_url: str,
        *,
        registry: str | None = None,
        vault: str | None = None,
        desk: str | None = None,
        stablecoin: str | None = None,
        account: str | Signer | None = None,
        password_prompt: Callable[[str], str] | None = None,
        timeout: float = 30.0,
        retry: RetryPolicy | None = None,
        stuck_after: float = 30.0,
        chain_id: int | None = None,
        chain_id_source: str | None = None,
    ) -> Ledger:
        """Connects to any EVM chain.

        ``registry`` is the registry's address (omit it to :meth:`deploy`); ``vault`` the share vault (the
        compliance registry is found through it) and ``desk`` the settlement desk, needed by the share and market
        features; ``stablecoin`` the default payment token of orders. ``retry`` is the policy for requests that
        fail in transit (see ``_retry``; default: 5 attempts, 0.1 s doubling up to 2 s); a transaction still
        pending after ``stuck_after`` seconds is replaced with higher fees.

        ``chain_id`` is the chain the registry is on (``Deployment.chain_id`` of its deployment): a node reporting
        another one is refused with :class:`~ipledger.ChainMismatchError` before anything else is asked, and again
        before any later signature or transaction. ``chain_id_source`` names where the value came from in that
        error (default: this argument). Without ``chain_id``, the chain the node reports at connect is pinned.
        """
        if not rpc_url.startswith(("http://", "https://")):
            raise InvalidInputError(f"RPC URL {rpc_url!r} must start with http:// or https://")
        # web3's validation middleware asks for the chain id before every eth_call and transaction: two of every
        # three requests of a contract read. Only it is cached; the ledger's own checks of the chain (at connect,
        # before each signature and transaction) bypass the cache and compare with the expected chain id.
        provider = RetryingHTTPProvider(
            rpc_url,
            policy=retry,
            request_kwargs={"timeout": timeout},
            cache_allowed_requests=True,
            cacheable_requests={RPCEndpoint("eth_chainId")},
        )
        w3 = Web3(provider)
        ledger = cls(
            w3, rpc_url=rpc_url, signer=None, registry=registry, chain_id=chain_id, chain_id_source=chain_id_source
        )
        ledger._sender.stuck_after = stuck_after
        if isinstance(account, Signer):
            ledger._signer = account
        elif account is not None or ledger.chain_id == LOCAL_CHAIN_ID or os.environ.get("IPLEDGER_PRIVATE_KEY"):
            ledger._signer = resolve_signer(account, chain_id=ledger.chain_id, password_prompt=password_prompt)
        ledger.attach(vault=vault, desk=desk, stablecoin=stablecoin)
        return ledger

    @classmethod
    def local(
        cls,
        *,
        home: Path | None = None,
        account: str | Signer | None = None,
        chain_id: int | None = None,
        chain_id_source: str | None = None,
    ) -> Ledger:
        """The embedded local chain: starts (or attaches to) the anvil node in ``$IPLEDGER_HOME`` and deploys
        the contracts from ``dev0`` the first time (and the share contracts beside an older registry).

        The chain expected is ``chain_id`` if given, else the local deployment record's (``local/deployment.json``),
        else the local chain's (31337): a node reporting another one is refused
        (:class:`~ipledger.ChainMismatchError`)."""
        base = home or ipledger_home()
        info, _ = start_local_node(base)
        recorded = read_local_deployment(base)
        if chain_id is not None:
            expected, source = chain_id, chain_id_source or f"chain_id={chain_id} given to Ledger.local"
        elif recorded is not None:
            expected, source = recorded.chain_id, f"local deployment record {local_deployment_file(base)}"
        else:
            expected, source = LOCAL_CHAIN_ID, "the local network's chain"
        ledger = cls.connect(info.rpc_url, account=account, chain_id=expected, chain_id_source=source)
        deployer = resolve_signer("dev0", chain_id=ledger.chain_id)
        if recorded is not None and ledger._code_matches(recorded.registry):
            ledger._attach(recorded.registry)
            if not ledger._attach_recorded(recorded):
                ledger._deploy_missing(deployer, deployer.address)
                save_local_deployment(ledger.deployment, base)
        else:
            ledger.deploy(deployer=deployer)
            save_local_deployment(ledger.deployment, base)
        return ledger

    def _attach_recorded(self, recorded: Deployment) -> bool:
        """Attaches the recorded share contracts that still run the shipped code; whether all of them were."""
        attached = True
        for address, attach in (
            (recorded.vault, self._attach_vault),
            (recorded.desk, self._attach_desk),
            (recorded.stablecoin, self._attach_stablecoin),
            (recorded.attestations, self._attach_attestations),
            (recorded.disputes, self._attach_disputes),
        ):
            try:
                if address is None:
                    raise RegistryError("not recorded")
                attach(address)
            except (RegistryError, InvalidInputError):
                attached = False
        self._modules_discovered = True
        if self._royalties is None:
            attached = False
        if self._stablecoin is not None and not self._code_matches(str(self._stablecoin.address), "TestStablecoin"):
            self._stablecoin = None
            attached = False
        return attached

    def use(self, account: str | Signer) -> Ledger:
        """The same ledger (same contracts), signing as ``account``."""
        clone = Ledger(
            self.w3,
            rpc_url=self.rpc_url,
            signer=None,
            registry=None,
            chain_id=self.chain_id,
            chain_id_source=self.chain_id_source,
        )
        clone._copy_contracts(self)
        clone._sender.stuck_after = self._sender.stuck_after
        clone._signer = account if isinstance(account, Signer) else resolve_signer(account, chain_id=self.chain_id)
        return clone

    def attach(
        self,
        *,
        vault: str | None = None,
        desk: str | None = None,
        stablecoin: str | None = None,
        licenses: str | None = None,
        attestations: str | None = None,
        disputes: str | None = None,
    ) -> None:
        """Attaches (or replaces) the share vault, settlement desk, default payment token or rights-in-use modules
        given. A trusted verify proves the right in the registry and in exactly the modules attached: attach the
        deployment's modules yourself rather than let the node name them."""
        for address, attach in (
            (licenses, self._attach_licenses),
            (attestations, self._attach_attestations),
            (disputes, self._attach_disputes),
        ):
            if address is not None:
                attach(address)
        if vault is not None:
            self._attach_vault(vault)
        if desk is not None:
            self._attach_desk(desk)
        if stablecoin is not None:
            self._attach_stablecoin(stablecoin)

    def deploy(self, *, admin: str | None = None, deployer: Signer | None = None) -> str:
        """Deploys a new suite (see :meth:`deploy_all`) and returns the registry's address."""
        return self.deploy_all(admin=admin, deployer=deployer).registry

    def deploy_all(self, *, admin: str | None = None, deployer: Signer | None = None) -> Deployment:
        """Deploys a new registry, compliance registry, share vault and settlement desk (and on the local chain a
        test stablecoin, tUSD) and attaches to them.

        ``admin`` (default: the deployer) receives the registry's admin, registrar and guardian roles and the
        compliance registry's admin and compliance officer roles.
        """
        signer = deployer or self.signer
        admin_address = self.address_of(admin) if admin else signer.address
        self._deployment_transactions = {}
        self._compliance = self._vault = self._desk = self._stablecoin = None
        self._licenses = self._attestations = self._disputes = self._royalties = None
        self._attach(self._deploy_contract(signer, REGISTRY_CONTRACT, admin_address))
        self._modules_discovered = True
        self._deploy_missing(signer, admin_address)
        return self.deployment

    def _deploy_missing(self, signer: Signer, admin: str) -> None:
        """Deploys whichever contracts are not attached beside the attached registry and, when the signer is the
        registry's admin, grants the modules their registry roles (otherwise the admin must: see docs/licensing.md).
        When it deploys the dispute manager or the royalty vault, it also routes forfeited bonds through the royalty
        vault if the signer may (see :meth:`_link_bonds_to_royalties`).
        """
        registry = self.registry_address
        had_both = self._disputes is not None and self._royalties is not None
        if self._stablecoin is None and self.chain_id == LOCAL_CHAIN_ID:
            self._attach_stablecoin(self._deploy_contract(signer, "TestStablecoin"))
        if self._vault is None:
            compliance = self._deploy_contract(signer, "ComplianceRegistry", admin)
            licenses = self._deploy_contract(signer, "LicenseRegistry", registry)
            royalties = self._deploy_contract(signer, "RoyaltyVault", registry, licenses)
            vault = self._deploy_contract(signer, "FractionVault", registry, compliance, royalties)
            royalty_vault = self.w3.eth.contract(
                address=to_checksum_address(royalties), abi=load_artifact("RoyaltyVault").abi
            )
            self._deployment_transactions["RoyaltyVault.setFractionVault"] = self._sender.send(
                signer, royalty_vault.functions.setFractionVault(vault), action="link the royalty vault"
            )[0]
            self._attach_vault(vault)
        if self._desk is None:
            self._attach_desk(self._deploy_contract(signer, "SettlementDesk"))
        grants: list[tuple[bytes, str]] = []
        if self._attestations is None:
            attestations = self._deploy_contract(signer, "AttestationRegistry", registry, admin)
            self._attach_attestations(attestations)
            grants.append((_VERIFIER_ROLE, attestations))
        if self._disputes is None:
            bond_token = self._stablecoin.address if self._stablecoin is not None else "0x" + "00" * 20
            bond = _LOCAL_DISPUTE_BOND if self._stablecoin is not None else 0
            disputes = self._deploy_contract(signer, "DisputeManager", registry, admin, bond_token, bond)
            self._attach_disputes(disputes)
            grants += [(role, disputes) for role in _DISPUTE_MANAGER_ROLES]
            if admin == signer.address:
                # The admin arbitrates until it appoints arbitrators (grant_role "arbitrator").
                self._deployment_transactions["DisputeManager.grantRole arbitrator"] = self._sender.send(
                    signer, self.disputes.functions.grantRole(_ROLES["arbitrator"], admin), action="appoint arbitrator"
                )[0]
        if self._read(self.registry.functions.hasRole(b"\x00" * 32, signer.address), "read role"):
            for role, account in grants:
                self._deployment_transactions[f"grantRole {role.hex()[:8]} {account}"] = self._sender.send(
                    signer, self.registry.functions.grantRole(role, account), action="grant a module its role"
                )[0]
        if not had_both:
            self._link_bonds_to_royalties(signer)

    def _link_bonds_to_royalties(self, signer: Signer) -> None:
        """Routes the dispute manager's forfeited bonds through the royalty vault, so that they reach the owner's
        royalty account or a fractionalized right's share holders (not the share vault, which could not move them):
        the royalty vault's deployer lists the manager as a creditor, then the manager's admin names the vault. The
        signer does what it may; until both are done, forfeited bonds go straight to the owner (an admin other than
        the signer calls ``setRoyaltyVault`` itself: see docs/licensing.md, "Bond flows")."""
        if self._disputes is None or self._royalties is None:
            return
        disputes, royalties = self._disputes, self._royalties
        manager = str(disputes.address)
        current = str(self._read(disputes.functions.royaltyVault(), "read the dispute manager's royalty vault"))
        if current == str(royalties.address):
            return
        listed = bool(self._read(royalties.functions.isCreditor(manager), "read the royalty vault's creditors"))
        deployer = str(self._read(royalties.functions.deployer(), "read the royalty vault's deployer"))
        if not listed and deployer.lower() == signer.address.lower():
            self._deployment_transactions["RoyaltyVault.setCreditor DisputeManager"] = self._sender.send(
                signer, royalties.functions.setCreditor(manager, True), action="list the dispute manager as creditor"
            )[0]
            listed = True
        if listed and self._read(disputes.functions.hasRole(b"\x00" * 32, signer.address), "read role"):
            self._deployment_transactions["DisputeManager.setRoyaltyVault"] = self._sender.send(
                signer, disputes.functions.setRoyaltyVault(royalties.address), action="route forfeited bonds"
            )[0]

    def _deploy_contract(self, signer: Signer, name: str, *arguments: Any) -> str:
        artifact = load_artifact(name)
        factory = self.w3.eth.contract(abi=artifact.abi, bytecode=artifact.bytecode)
        result, receipt = self._sender.send(signer, factory.constructor(*arguments), action=f"deploy {name}")
        self._deployment_transactions[name] = result
        return str(receipt["contractAddress"])

    # ------------------------------------------------------------------ preparing registrations

    def prepare(
        self,
        metadata: IPMetadata,
        documents: Sequence[str | Path | Document],
        *,
        unpublished: bool = False,
    ) -> RegistrationRequest:
        """Hashes ``documents`` (paths, or :class:`~ipledger.Document` with a role) and derives the right id and the
        public record; no chain access.

        The salts of confidential fields, and with ``unpublished`` (the primary number is an application not yet
        published, registered as a salted commitment, docs/numbers.md) the number's salt, are written to the salt
        book (:class:`~ipledger._salts.SaltBook`) before anything is sent; :meth:`open_fields` and
        :meth:`open_number` read them from there."""
        salt = secrets.token_bytes(32) if unpublished else None
        request = prepare_registration(metadata, documents, unpublished_salt=salt)
        if salt is not None:
            primary = metadata.official_numbers(request.content_hash)[0]
            self._salt_book().save(request.right_id, primary.canonical, salt)
        return self._keep_field_salts(request)

    def _precheck(self, request: RegistrationRequest) -> None:
        """Refuses a claim on a registered right or bundle before committing, with the registry's own error.

        (The registrar paths need no such check: their dry run reverts with the same errors, and they may
        legitimately supersede a self-declared claim.)
        """
        registry = self.registry
        if self._read(registry.functions.exists(request.right_id), "check duplicate"):
            raise self._refuse("RightAlreadyRegistered(uint256)", ["uint256"], [request.right_id], "register")
        self._check_numbers_free(request.right_id, request.numbers, "register")
        existing = int(self._read(registry.functions.tokenOfContent(request.content_hash), "check duplicate"))
        if existing:
            raise self._refuse(
                "ContentAlreadyRegistered(bytes32,uint256)",
                ["bytes32", "uint256"],
                [request.content_hash, existing],
                "register",
            )

    def _check_numbers_free(self, token: int, numbers: Sequence[OfficialNumber], action: str) -> None:
        """Refuses, naming the number, when one of ``numbers`` (family links aside) is a number of another right."""
        for number in numbers:
            if number.family:
                continue
            holder = int(self._read(self.registry.functions.tokenOfNumber(number.packed), "check numbers"))
            if holder and holder != token:
                raise self._refuse(
                    "NumberAlreadyRegistered(uint256,uint256)", ["uint256", "uint256"], [number.packed, holder], action
                )

    # ------------------------------------------------------------------ registration paths

    def register(
        self,
        metadata: IPMetadata,
        documents: Sequence[str | Path | Document],
        *,
        to: str | None = None,
        unpublished: bool = False,
    ) -> RegistrationResult:
        """Registrar path: the signer (a registrar) registers the right and mints it to ``to`` (``unpublished``: see
        :meth:`prepare`)."""
        request = self.prepare(metadata, documents, unpublished=unpublished)
        return self.register_request(request, to=to)

    def register_request(self, request: RegistrationRequest, *, to: str | None = None) -> RegistrationResult:
        """:meth:`register` of a request already prepared (:meth:`prepare`): shown to its user before it is sent."""
        owner = self.address_of(to) if to else self.signer.address
        call = self.registry.functions.register(owner, request.as_tuple())
        result, _ = self._sender.send(self.signer, call, action="register")
        return self._registration_result(request, owner, result, self_declared=False)

    def sign_voucher(
        self,
        request: RegistrationRequest,
        *,
        to: str,
        valid_for: dt.timedelta = dt.timedelta(days=7),
        nonce: int | None = None,
    ) -> Voucher:
        """Registrar path, step 1: the signer (a registrar) signs an EIP-712 voucher for ``to``."""
        recipient = self.address_of(to)
        voucher_nonce = (
            int(self._read(self.registry.functions.nonces(recipient), "read nonce")) if nonce is None else nonce
        )
        # The registry compares with block time, which need not be wall-clock time (test chains move it).
        deadline = self.chain_time() + int(valid_for.total_seconds())
        message = {
            "to": recipient,
            "registration": request.as_message(),
            "nonce": voucher_nonce,
            "deadline": deadline,
        }
        signable = encode_typed_data(
            domain_data={
                "name": "IPLedger Registry",
                "version": "1",
                "chainId": self._check_chain("sign voucher"),
                "verifyingContract": self.registry_address,
            },
            message_types=VOUCHER_TYPES,
            message_data=message,
        )
        signature = bytes(self.signer.account.sign_message(signable).signature)
        return Voucher(to=recipient, request=request, nonce=voucher_nonce, deadline=deadline, signature=signature)

    def register_with_voucher(self, voucher: Voucher) -> RegistrationResult:
        """Registrar path, step 2: anyone (usually the recipient) submits the voucher.

        If another account submitted this very voucher first (a copier, or the recipient while a helper also
        did), the right is registered all the same: the result names that transaction and its sender
        (``submitted_by``; ``own_tx_hash`` is ours, which reverted, or ``None`` if it was never sent).
        """
        registry = self.registry
        call = registry.functions.registerWithVoucher(voucher.as_tuple(), voucher.signature)
        try:
            result, _ = self._sender.send(self.signer, call, action="register with voucher")
        except TransactionError as error:
            done = self._voucher_used(voucher, own_tx_hash=error.tx_hash)
            if done is None:
                raise
            result = done
        return self._registration_result(voucher.request, voucher.to, result, self_declared=False)

    def _voucher_used(self, voucher: Voucher, *, own_tx_hash: str | None) -> TransactionResult | None:
        """The transaction that submitted ``voucher`` first, if one did: the right is ``voucher.to``'s under this
        bundle, and a ``RightRegistered`` of it came from exactly our call."""
        registry = self.registry
        right = voucher.request.right_id
        action = "register with voucher"
        if int(self._read(registry.functions.nonces(voucher.to), action)) <= voucher.nonce:
            return None
        if not self._read(registry.functions.exists(right), action):
            return None
        if str(self._read(registry.functions.ownerOf(right), action)) != voucher.to:
            return None
        topic = str(registry.events.RightRegistered.topic)
        logs = fetch_logs(
            self._rpc,
            address=self.registry_address,
            topics=[topic, "0x" + right.to_bytes(32, "big").hex()],
            from_block=self.deployment_block,
            to_block=self._head(),
        )
        calldata = registry.encode_abi("registerWithVoucher", args=[voucher.as_tuple(), voucher.signature])
        return self._done_by(logs, to=self.registry_address, calldata=calldata, own_tx_hash=own_tx_hash)

    def commit_claim(self, request: RegistrationRequest) -> ClaimTicket:
        """Open path, step 1: commits to a self-declared claim bound to the signer."""
        self._precheck(request)
        salt = secrets.token_bytes(32)
        commitment = bytes(
            self._read(self.registry.functions.commitmentFor(self.signer.address, request.as_tuple(), salt), "commit")
        )
        try:
            result, _ = self._sender.send(self.signer, self.registry.functions.commit(commitment), action="commit")
        except TransactionError:
            # The salt is fresh, so a pending commitment can only be ours, sent by a copier first: the commitment
            # binds us, so the claim goes on to its reveal.
            committed = self._committed(commitment, request, salt)
            if committed is None:
                raise
            return committed
        return ClaimTicket(
            request=request,
            salt=salt,
            commitment=commitment,
            commit_block=result.block,
            commit_tx=result.tx_hash,
            committed_by=self.signer.address,
        )

    def _committed(self, commitment: bytes, request: RegistrationRequest, salt: bytes) -> ClaimTicket | None:
        """The ticket of ``commitment`` if it is pending (``None`` otherwise), naming the transaction that
        committed it from its ``ClaimCommitted`` log."""
        block = int(self._read(self.registry.functions.commitmentBlock(commitment), "commit"))
        if block == 0:
            return None
        topics = [str(self.registry.events.ClaimCommitted.topic), _hex32(commitment)]
        logs = fetch_logs(self._rpc, address=self.registry_address, topics=topics, from_block=block, to_block=block)
        committer = to_checksum_address("0x" + logs[-1]["topics"][2][-40:]) if logs else None
        return ClaimTicket(
            request=request,
            salt=salt,
            commitment=commitment,
            commit_block=block,
            commit_tx=str(logs[-1]["transactionHash"]) if logs else None,
            committed_by=committer,
        )

    def reveal_claim(self, ticket: ClaimTicket) -> RegistrationResult:
        """Open path, step 2: reveals the claim and mints it to the signer.

        Sent after the commitment is mined, the reveal lands in a later block, as the registry requires.
        """
        call = self.registry.functions.reveal(ticket.request.as_tuple(), ticket.salt)
        result, _ = self._sender.send(self.signer, call, action="reveal")
        return self._registration_result(ticket.request, self.signer.address, result, self_declared=True)

    def claim(
        self,
        metadata: IPMetadata,
        documents: Sequence[str | Path | Document],
        *,
        unpublished: bool = False,
    ) -> RegistrationResult:
        """Open path in one call: commit, wait a block, reveal. The right is marked self-declared (``unpublished``:
        see :meth:`prepare`)."""
        ticket = self.commit_claim(self.prepare(metadata, documents, unpublished=unpublished))
        return self.reveal_claim(ticket)

    def _registration_result(
        self, request: RegistrationRequest, owner: str, result: TransactionResult, *, self_declared: bool
    ) -> RegistrationResult:
        return RegistrationResult(
            token_id=request.right_id,
            token_id_hex=hex(request.right_id),
            content_hash=_hex32(request.content_hash),
            owner=owner,
            tx_hash=result.tx_hash,
            block=result.block,
            gas_used=result.gas_used,
            metadata_hash=_hex32(request.metadata_hash),
            record_bytes=len(request.record),
            self_declared=self_declared,
            submitted_by=result.submitted_by,
            own_tx_hash=result.own_tx_hash,
            numbers=[number_text(number.packed) for number in request.numbers],
            unpublished_salt=None if request.unpublished_salt is None else _hex32(request.unpublished_salt),
        )

    # ------------------------------------------------------------------ official numbers

    def add_numbers(
        self,
        token_id: int | str,
        numbers: Sequence[str],
        *,
        family: Sequence[str] = (),
        kind: RightKind | str | None = None,
        expiry: dt.date | None = None,
    ) -> TransactionResult:
        """Adds official numbers to a right: its publication or grant numbers (of its office, reserved for it) and
        ``family`` links; ``kind`` and ``expiry`` update the record (by default they stay as they are: a granted
        application passes ``kind="patent"``). The owner of a right neither frozen nor disputed, or a registrar,
        may add numbers; only a registrar changes the kind or expiry of a registrar-verified right (a claimant may
        change its claim's). Numbers an owner adds stay provisional until a registrar adds them too.
        A number of another right is refused before sending, naming it."""
        token = self.resolve(token_id)
        self._require_exists(token)
        record = self._read(self.registry.functions.recordOf(token), "read")
        office = bytes(record[2]).decode("ascii")
        new_kind = RightKind(kind) if kind is not None else RightKind.from_chain(record[1])
        changes_record = new_kind.chain_value != record[1] or (
            expiry is not None and expiry_timestamp(expiry) != record[4]
        )
        if changes_record and not record[6] and not self.has_role("registrar", self.signer.address):
            raise InvalidInputError(
                "field 'kind'/'expiry': only a registrar changes the kind or expiry of a registrar-verified right; "
                "its owner adds numbers (provisional until a registrar adds them too)"
            )
        parsed = [parse_number_for(text, office, new_kind.value, field="numbers") for text in numbers]
        parsed += [parse_number_for(text, None, None, field="family", family=True) for text in family]
        if not parsed:
            raise InvalidInputError("field 'numbers': give at least one number to add")
        self._check_numbers_free(token, parsed, "add numbers")
        stored_expiry = int(record[4]) if expiry is None else expiry_timestamp(expiry)
        call = self.registry.functions.addNumbers(
            token, [number.packed for number in parsed], new_kind.chain_value, stored_expiry
        )
        return self._sender.send(self.signer, call, action="add numbers")[0]

    def open_number(self, token_id: int | str, number: str, *, salt: bytes | str | None = None) -> TransactionResult:
        """Opens the commitment of a right registered while its application was unpublished: ``number`` (now
        published) is shown with the ``salt`` (by default the one the salt book kept) and reserved for the right."""
        token = self.resolve(token_id)
        self._require_exists(token)
        office = bytes(self._read(self.registry.functions.recordOf(token), "read")[2]).decode("ascii")
        application = parse_number_for(number, office, None, field="number")
        secret = self._salt_book().salt(token) if salt is None else _salt_bytes(salt)
        if secret is None:
            raise InvalidInputError(
                f"field 'salt': no salt of token {hex(token)} in {self._salt_book().path}; give the salt it was "
                "registered with (0x and 64 hex digits)"
            )
        if unpublished_number(application, secret).key != token:
            raise InvalidInputError(
                f"field 'number': {application.canonical} with this salt is not the commitment token {hex(token)} "
                "was registered under (another number, or another salt)"
            )
        self._check_numbers_free(token, [application], "open number")
        call = self.registry.functions.openNumber(token, application.packed, secret)
        return self._sender.send(self.signer, call, action="open number")[0]

    # ------------------------------------------------------------------ public record

    def publish_metadata(
        self, token_id: int | str, metadata: IPMetadata, *, open_fields: Sequence[str] = ()
    ) -> TransactionResult:
        """Publishes ``metadata`` as the right's new public record (a grant date, a new expiry, an assignee's name),
        shown by ``history``; the signer is its owner or a registrar.

        Confidential fields stay sealed with the salts kept at registration (a newly confidential field gets a new
        salt, kept before anything is sent); those in ``open_fields`` are published in clear with their salts, so
        anyone can check them against the commitment published earlier (docs/metadata.md)."""
        token = self.resolve(token_id)
        current = self.get(token)
        # An application registered under a commitment keeps its numbers out of its record until it is opened.
        unpublished = bool(current.metadata and current.metadata.unpublished) and metadata.number not in current.numbers
        if not unpublished and metadata.number is not None and metadata.kind is not RightKind.TRADE_SECRET:
            holder = self.token_of_number(metadata.number, office=metadata.jurisdiction)
            if holder != token:
                raise InvalidInputError(
                    f"field 'number': {metadata.number} is not a number of token {hex(token)}; publish a right's "
                    "record under its own numbers"
                )
        public = current.metadata
        # What is sealed on chain and not opened stays sealed, and the documents stay listed, unless the file says
        # otherwise: a record is published whole, and a file that leaves them out must not drop them.
        still_sealed = set(public.sealed) - set(public.opened) if public else set()
        metadata = _as_published(metadata, public, sealed=still_sealed)
        closed = [name for name in open_fields if name not in still_sealed]
        if closed:
            raise InvalidInputError(
                f"field 'open': {', '.join(closed)} is not sealed in the record on chain; only sealed fields are opened"
            )
        book = self._salt_book()
        unknown = sorted(still_sealed - set(book.field_salts(token)))
        if unknown:
            raise InvalidInputError(
                f"field 'confidential': no salt of {', '.join(unknown)} (sealed on chain) in {book.path}; publish from "
                "the machine that registered the right, or with its salt book"
            )
        book.save_fields(token, {name: secrets.token_bytes(32) for name in metadata.confidential})
        salts = book.field_salts(token)
        record = metadata.public_record(salts, {name: salts[name] for name in open_fields}, unpublished=unpublished)
        result = self._send(self.registry.functions.publishMetadata(token, record), "publish metadata")
        book.mark_opened(token, list(open_fields))
        return result

    # ------------------------------------------------------------------ custody changes

    def assign(self, token_id: int | str, to: str, deed: bytes | str | Path) -> TransactionResult:
        """Assigns the right to ``to``, recording the hash of the deed (a file, or a 32-byte hash)."""
        token = self.resolve(token_id)
        recipient = self.address_of(to)
        deed_hash = _evidence_hash(deed, "deed")
        call = self.registry.functions.assign(token, recipient, deed_hash)
        return self._sender.send(self.signer, call, action="assign")[0]

    def transfer(self, token_id: int | str, to: str) -> TransactionResult:
        """A plain ERC-721 ``transferFrom`` from the current owner, as wallets do it (no deed recorded)."""
        token = self.resolve(token_id)
        self._require_exists(token)
        owner = str(self._read(self.registry.functions.ownerOf(token), "read owner"))
        call = self.registry.functions.transferFrom(owner, self.address_of(to), token)
        return self._sender.send(self.signer, call, action="transfer")[0]

    def freeze(self, token_id: int | str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: freezes the right under a court order or decision (a file, or its 32-byte hash)."""
        call = self.registry.functions.freeze(self.resolve(token_id), _evidence_hash(order, "order"))
        return self._sender.send(self.signer, call, action="freeze")[0]

    def unfreeze(self, token_id: int | str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: lifts the freeze."""
        call = self.registry.functions.unfreeze(self.resolve(token_id), _evidence_hash(order, "order"))
        return self._sender.send(self.signer, call, action="unfreeze")[0]

    def force_transfer(self, token_id: int | str, to: str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: moves the right without its owner, under a court order or decision."""
        call = self.registry.functions.forceTransfer(
            self.resolve(token_id), self.address_of(to), _evidence_hash(order, "order")
        )
        return self._sender.send(self.signer, call, action="force transfer")[0]

    def revoke(self, token_id: int | str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: burns the right under a court order or decision (frozen or disputed rights too). Vouchers
        outstanding for it and claims committed up to this block can no longer register it (RevokedRight); a
        registrar's own ``register`` can."""
        call = self.registry.functions.revoke(self.resolve(token_id), _evidence_hash(order, "order"))
        return self._sender.send(self.signer, call, action="revoke")[0]

    def grant_role(self, role: str, account: str) -> TransactionResult:
        """Admin: grants ``role`` (admin, registrar, guardian of the registry; compliance_officer of the compliance
        registry; attestor of the attestation registry; arbitrator of the dispute manager) to ``account``."""
        if role not in _ROLES:
            raise InvalidInputError(f"unknown role {role!r}; roles are {', '.join(_ROLES)}")
        contract = getattr(self, _ROLE_CONTRACTS.get(role, "registry"))
        call = contract.functions.grantRole(_ROLES[role], self.address_of(account))
        return self._send(call, f"grant {role}")

    def has_role(self, role: str, account: str) -> bool:
        if role not in _ROLES:
            raise InvalidInputError(f"unknown role {role!r}; roles are {', '.join(_ROLES)}")
        contract = getattr(self, _ROLE_CONTRACTS.get(role, "registry"))
        return bool(self._read(contract.functions.hasRole(_ROLES[role], self.address_of(account)), "read role"))

    # ------------------------------------------------------------------ reading

    def _logs(self, token_id: int, to_block: int | None = None, *, custody: bool = False) -> tuple[list[Any], int]:
        """The right's registry logs up to ``to_block``; with ``custody`` also the share vault's about it (the
        vault is discovered among the right's holders when none is attached) and the licence, attestation, dispute
        and royalty modules'."""
        head = self._head() if to_block is None else to_block
        start = self.deployment_block
        logs = fetch_token_logs(
            self._rpc, registry=self.registry_address, token_id=token_id, from_block=start, to_block=head
        )
        if custody and self._discover_vault(logs):
            logs += fetch_vault_logs(
                self._rpc, vault=str(self.vault.address), token_id=token_id, from_block=start, to_block=head
            )
        if custody:
            modules = [address for address in self._module_addresses().values() if address is not None]
            logs += fetch_module_logs(self._rpc, modules=modules, token_id=token_id, from_block=start, to_block=head)
        logs.sort(key=lambda log: (log.block, log.log_index))
        return logs, head

    def _discover_vault(self, logs: Sequence[DecodedLog]) -> bool:
        """Whether a share vault is attached, attaching the one that held the right if none was given."""
        if self._vault is not None:
            return True
        holders = {log.args["to"] for log in logs if log.name == "Transfer" and not is_zero_address(log.args["to"])}
        for holder in sorted(holders):
            if self._code_matches(holder, "FractionVault"):
                try:
                    self._attach_vault(holder)
                except RegistryError:
                    continue
                return True
        return False

    def get(self, token_id: int | str) -> RightRecord:
        """The right's record: on-chain fields, its numbers and its latest public record (title, parties, dates).

        ``token_id`` is a token id or any of the right's official numbers (``"ZL 2020 1 0123456.2"``). A revoked
        right is returned with status ``revoked`` and who revoked it when."""
        token = self.resolve(token_id)
        logs, _ = self._logs(token)
        return self._record(token, logs)

    def _record(
        self, token: int, logs: list[Any], block: int | None = None, *, proven: ProvenRight | None = None
    ) -> RightRecord:
        """The right's record from its logs and, as of ``block``, the registry's ``recordOf``; with ``proven`` (a
        trusted verify) from the proven ownership word instead, judged at the checkpoint's time."""
        registered_index = next((i for i in range(len(logs) - 1, -1, -1) if logs[i].name == "RightRegistered"), None)
        if registered_index is None:
            if not logs:
                raise self._refuse("UnknownToken(uint256)", ["uint256"], [token], "read")
            raise NotFoundError(f"token {hex(token)} exists but its registration event was not found")
        registered = logs[registered_index]
        life = logs[registered_index:]
        revocation = next((log for log in life if log.name == "RightRevoked"), None)
        records = [
            (
                log.block,
                arg_bytes(log.args["metadata"]),
                log.args["by"]
                if log.name == "MetadataPublished"
                else (None if is_zero_address(log.args["registrar"]) else log.args["registrar"]),
            )
            for log in life
            if log.name in ("RightRegistered", "MetadataPublished")
        ]
        numbers, family = right_numbers([log for log in logs if block is None or log.block <= block])
        common: dict[str, Any] = {
            "token_id": token,
            "token_id_hex": hex(token),
            "content_hash": registered.args["contentHash"],
            "registrar": None if is_zero_address(registered.args["registrar"]) else registered.args["registrar"],
            "registration_tx": registered.tx_hash,
            "registration_block": registered.block,
            "numbers": numbers,
            "family": family,
            **public_record_fields(records),
        }
        if revocation is not None:
            packed = unpack_record(int(registered.args["record"]))
            for log in life:
                if log.name == "NumbersAdded":
                    packed = unpack_record(int(log.args["record"]))
            return RightRecord(
                owner=revocation.args["holder"],
                kind=RightKind.from_chain(packed.kind),
                jurisdiction=packed.jurisdiction,
                status=RightStatus.REVOKED,
                self_declared=packed.self_declared and not any(log.name == "ClaimConfirmed" for log in life),
                registered_at=dt.datetime.fromtimestamp(packed.registered_at, dt.UTC),
                expiry=dt.datetime.fromtimestamp(packed.expiry, dt.UTC) if packed.expiry else None,
                revoked_block=revocation.block,
                revoked_at=dt.datetime.fromtimestamp(
                    proven.timestamps[revocation.block]
                    if proven is not None and revocation.block in proven.timestamps
                    else self._block_time(revocation.block),
                    dt.UTC,
                ),
                revoked_by=revocation.args["registrar"],
                revocation_order=revocation.args["orderHash"],
                **common,
            )
        if proven is not None:
            word = proven.word or 0
            packed = unpack_record(word >> 160)
            status = (
                RightStatus.FROZEN
                if packed.frozen
                else RightStatus.EXPIRED
                if packed.expiry and proven.timestamp >= packed.expiry
                else RightStatus.ACTIVE
            )
            return RightRecord(
                owner=to_checksum_address((word & (2**160 - 1)).to_bytes(20, "big")),
                kind=RightKind.from_chain(packed.kind),
                jurisdiction=packed.jurisdiction,
                status=status,
                self_declared=packed.self_declared,
                registered_at=dt.datetime.fromtimestamp(packed.registered_at, dt.UTC),
                expiry=dt.datetime.fromtimestamp(packed.expiry, dt.UTC) if packed.expiry else None,
                dispute_locked=packed.dispute_locked,
                **common,
            )
        raw = self._read(self.registry.functions.recordOf(token), "read", block=block)
        owner, kind, jurisdiction, registered_at, expiry, status, self_declared, dispute_locked = raw
        return RightRecord(
            owner=owner,
            kind=RightKind.from_chain(kind),
            jurisdiction=bytes(jurisdiction).decode("ascii"),
            status=_STATUS[status],
            self_declared=self_declared,
            registered_at=dt.datetime.fromtimestamp(registered_at, dt.UTC),
            expiry=dt.datetime.fromtimestamp(expiry, dt.UTC) if expiry else None,
            dispute_locked=dispute_locked,
            **common,
        )

    def history(self, token_id: int | str, *, index: EventIndex | None = None) -> History:
        """Everything that happened to the right, in chain order, from a few ``eth_getLogs`` calls.

        With ``index`` (an :class:`~ipledger.EventIndex` of this registry) the history comes from the index when it
        has synced exactly up to the chain head and follows a share vault (the one this ledger is attached to, if
        any), and from the node otherwise.
        """
        return self._history_from(self.resolve(token_id), index)[0]

    def _history_from(self, token: int, index: EventIndex | None) -> tuple[History, Literal["index", "node"]]:
        """The right's history (see :meth:`history`) and where it came from."""
        if index is not None:
            if index.registry.lower() != self.registry_address.lower() or index.chain_id != self.chain_id:
                raise InvalidInputError(f"the index {index.path} is not the index of this registry")
            if self._index_refusal(index) is None:
                return index.history(token), "index"
        logs, _ = self._logs(token, custody=True)
        if not logs:
            self._require_exists(token)
        return History(token_id=token, token_id_hex=hex(token), events=build_history(self._rpc, logs)), "node"

    def _index_refusal(self, index: EventIndex) -> str | None:
        """Why ``index`` cannot stand in for the node now (``None``: it can): it is behind the chain head, or ahead
        of it (another chain, or a reorganization), or it lacks share vault events the node would give (it follows
        no vault, or another one than the attached vault)."""
        head, cursor = self._head(), index.cursor
        if cursor < head:
            return f"the index is {head - cursor} block(s) behind the chain head"
        if cursor > head:
            return f"the index is {cursor - head} block(s) ahead of the chain head: another chain, or a reorganization"
        stored = index.cursor_hash
        if stored is not None:
            block = self._rpc.call("eth_getBlockByNumber", [hex(cursor), False])
            if block is None or str(block["hash"]).lower() != stored.lower():
                return "the index's latest block is not the node's: another chain, or a reorganization (sync it)"
        vault = None if self._vault is None else str(self._vault.address)
        if index.vault is None:
            return "the index follows no share vault, so it lacks fractionalizations and redemptions"
        if vault is not None and index.vault.lower() != vault.lower():
            return f"the index follows the share vault {index.vault}, not {vault}"
        return None

    def _require_exists(self, token: int, block: int | None = None) -> None:
        if not self._read(self.registry.functions.exists(token), "read", block=block):
            raise self._refuse("UnknownToken(uint256)", ["uint256"], [token], "read")

    def verify(
        self,
        token_id: int | str,
        *,
        documents: Sequence[str | Path | Document] | None = None,
        metadata: IPMetadata | None = None,
        block: int | None = None,
        trust_block_hash: str | Sequence[str] | None = None,
        bundle: str | Path | None = None,
        index: EventIndex | None = None,
    ) -> VerificationReport:
        """Checks the registry code, the chain of custody, the documents and the status; see the report.

        With ``trust_block_hash`` (a checkpoint you trust, e.g. from another node or a block explorer, or a list
        of them) the right is verified as of the latest checkpoint and nothing the node says is taken on trust: the
        right's ownership word (owner and every flag) and the history words of the registry and of each module
        attached are proven with ``eth_getProof`` against the checkpoint's state root, the right's events are found
        from them and must hash to them, and the licences, attestations, disputes and cap table the node reports are
        checked against what was proven (checks ``checkpoint``, ``state_proof``, ``history``, ``owner_proof``,
        ``chain_id``, ``rights_in_use``, ``cap_table_proof``; see docs/trustless.md). A fact that cannot be proven
        makes the verdict ``inconclusive``, with no record. ``bundle`` writes the answers the proofs rest on to a
        file (:func:`~ipledger.verify_bundle` re-checks it offline). ``index`` (an :class:`~ipledger.EventIndex` of
        this registry synced at least to the checkpoint) names a fractionalized right's share holders without
        scanning the share token's logs: it is not trusted, each balance is proven and they must add up to the
        proven supply. A checkpoint the node does not know, or a node
        without ``eth_getProof``, raises :class:`~ipledger.NodeError`; checkpoints whose proven histories disagree
        raise :class:`~ipledger.CheckpointError`.

        A right in the share vault is in custody, not lost: the ``shares`` check names its share token and the
        report's ``shares`` section holds the current cap table. ``block`` verifies the right as it stood at that
        block (default: the latest): later events are left out and the record is read at that block (past blocks
        need a node that keeps history); the registry code check always looks at the code deployed now.
        """
        token = self.resolve(token_id)
        latest = self._head()
        head = latest if block is None else block
        verifier = proven = None
        if trust_block_hash is not None:
            if block is not None:
                raise InvalidInputError("give either a block or trusted block hashes, not both")
            source = RecordingRpc(self._rpc) if bundle is not None else None
            verifier = TrustlessVerifier(source or self._rpc, trust_block_hash)
            head = verifier.block
            proven = self._prove(verifier, token)
            modules = self._proven_modules(proven)
            checks = []
            if proven.logs is not None:
                checks = self._proven_code_checks(proven, head, source)
                checks.append(verifier.modules_check(proven, self.registry_address, modules))
            if source is not None and bundle is not None:
                # Written whatever the proofs say: a bundle of a node's lies lets anyone see them fail offline.
                write_bundle(
                    Path(bundle),
                    source,
                    registry=self.registry_address,
                    token_id=token,
                    modules=modules,
                    chain_id=self.chain_id,
                    block=head,
                )
            if proven.logs is None:
                return self._unproven_report(token, proven)
        elif bundle is not None:
            raise InvalidInputError("a proof bundle needs trusted block hashes (--trust-block-hash)")
        # A checkpoint is in the chain: the node returned it by hash (its eth_blockNumber is not proven).
        if verifier is None and not 0 <= head <= latest:
            raise InvalidInputError(f"block {head} is not in the chain (0 to {latest})")
        if proven is not None and proven.logs is not None:
            # Only what the history commitments prove: no scan of the chain, nothing the node adds.
            logs = _as_fetched(token, proven.logs)
            number_check = _number_check(token_id, token, logs)
            if number_check is not None:
                checks.append(number_check)
            if not any(log.name == "RightRegistered" for log in logs):
                raise self._refuse("UnknownToken(uint256)", ["uint256"], [token], "read")
        else:
            logs, _ = self._logs(token, head, custody=True)
            checks = [self._code_check()]
            if not any(log.name == "RightRegistered" for log in logs):
                self._require_exists(token, head)
        record = self._record(token, logs, head, proven=proven)
        revoked = record.status is RightStatus.REVOKED
        vault = None if self._vault is None else str(self._vault.address)
        events = (
            build_history(self._rpc, logs)
            if proven is None
            else merge_history(_grouped_by_proof(logs, vault), proven.timestamps)
        )
        checks.append(_registration_check(logs, record))
        checks.append(custody_check(events, record.owner, vault=vault))
        cap_table = None
        if vault is not None:
            if proven is not None:
                shares = _live_share_token(logs)  # the vault's proven history, not the node's word
            else:
                share_token = str(self._read(self.vault.functions.shareTokenOf(token), "verify", block=head))
                shares = None if is_zero_address(share_token) else share_token
            if shares is not None and record.owner == vault:
                cap_table = (
                    index.cap_table(token, at_block=head)
                    if proven is not None and index is not None and self._index_covers(index, head)
                    else self.cap_table(token, block=head)
                )
            shares_verdict = shares_check(record.owner, vault, shares, cap_table)
            if shares_verdict is not None:
                checks.append(shares_verdict)
        if not revoked:
            checks.append(
                self._content_key_check(token, record, head) if proven is None else proven_content_check(token, logs)
            )
        if documents is not None:
            checks.append(self._documents_check(record, documents))
        if metadata is not None:
            checks.append(self._metadata_check(record, metadata))
        checks.append(_status_check(record))
        checks.append(_record_check(record))
        confirmed = next((event for event in reversed(events) if event.kind == "claim_confirmed"), None)
        checks.append(
            Check(
                name="verification_level",
                ok=True,
                detail="self-declared (commit-reveal claim)"
                if record.self_declared
                else f"registrar-verified by {record.registrar}"
                if confirmed is None
                else f"claimed, then registrar-verified by {confirmed.by}'s title attestation in block "
                f"{confirmed.block}",
            )
        )
        if verifier is not None and proven is not None:
            checks.extend(proven.checks)
            checks.append(verifier.owner_check(proven, self._claimed_owner(token, head)))
        licenses, attestations, disputes = self._rights_in_use(token, head, proven=proven)
        if proven is not None:
            at = dt.datetime.fromtimestamp(proven.timestamp, dt.UTC)
        else:
            at = dt.datetime.fromtimestamp(self.chain_time() if block is None else self._block_time(head), dt.UTC)
        if self._licenses is not None:
            checks.append(license_check(licenses, at))
        if self._disputes is not None:
            checks.append(dispute_check(disputes))
        if proven is not None:
            checks.append(proven_rights_check(licenses, attestations, disputes, logs))
        if verifier is not None and proven is not None and cap_table is not None:
            holders = {holding.account: int(holding.balance) for holding in cap_table.holders}
            checks.append(verifier.cap_table_check(proven, cap_table.share_token, holders))
        verdict = verdict_of(checks)
        return VerificationReport(
            token_id=token,
            token_id_hex=hex(token),
            verdict=verdict,
            checks=checks,
            notices=notices_for(record, events)
            + self._provisional_numbers(events)
            + rights_notices(licenses, attestations, disputes),
            licenses=licenses,
            attestations=attestations,
            disputes=disputes,
            record=record,
            events=events,
            registry=self.registry_address,
            chain_id=self.chain_id,
            checked_at_block=head,
            shares=cap_table,
        )

    def verify_index(
        self, index: EventIndex, trust_block_hash: str | Sequence[str], *, token_id: int | str | None = None
    ) -> IndexVerification:
        """Checks the local event index against the history commitments proven at the (latest) trusted block: for
        every right it holds (or ``token_id``), its events in the registry and in each module recompute each
        contract's proven history word. A difference names the first event where the index and the proven history
        part (the node's events, authenticated by the same commitment).

        Raises :class:`~ipledger.InvalidInputError` for an index of another registry or one synced to a block before
        the checkpoint, and :class:`~ipledger.ProofError` when the node's proofs do not verify.
        """
        if index.registry.lower() != self.registry_address.lower() or index.chain_id != self.chain_id:
            raise InvalidInputError(f"the index {index.path} is not the index of this registry")
        verifier = TrustlessVerifier(self._rpc, trust_block_hash)
        block = verifier.block
        if index.cursor < block:
            raise InvalidInputError(
                f"the index is synced up to block {index.cursor}, before the trusted block {block}: sync it first"
            )
        grouped = index.linked_logs(block)
        contracts = index.history_contracts
        tokens = sorted({token for _, token in grouped}) if token_id is None else [self.resolve(token_id)]
        differences: list[str] = []
        events = 0
        for token in tokens:
            words = verifier.history_words(contracts, token)
            for address in contracts:
                entries = grouped.get((address.lower(), token), [])
                events += len(entries)
                if _index_word(entries) != words[address.lower()]:
                    proven = verifier.proven_history(address, token, words[address.lower()])
                    differences.append(_first_difference(token, address, entries, proven))
        return IndexVerification(checked_at_block=block, rights=len(tokens), events=events, differences=differences)

    def _index_covers(self, index: EventIndex, block: int) -> bool:
        """Whether ``index`` is this registry's, follows the attached share vault and is synced to ``block``."""
        vault = None if self._vault is None else str(self._vault.address).lower()
        return (
            index.registry.lower() == self.registry_address.lower()
            and index.chain_id == self.chain_id
            and index.cursor >= block
            and (index.vault or "").lower() == (vault or "")
        )

    def _proven_modules(self, proven: ProvenRight) -> dict[str, str]:
        """The attached modules whose histories ``proven`` holds, by role (``licenses``, ``attestations``,
        ``disputes``, ``vault``)."""
        attached = (
            ("licenses", self._licenses),
            ("attestations", self._attestations),
            ("disputes", self._disputes),
            ("vault", self._vault),
        )
        return {
            role: str(contract.address)
            for role, contract in attached
            if contract is not None and str(contract.address).lower() in proven.code_hashes
        }

    def _prove(self, verifier: TrustlessVerifier, token: int) -> ProvenRight:
        """The right proven at the verifier's checkpoint, in the registry and in every module attached that keeps a
        history commitment (licences, attestations, disputes, and the share vault, attached or found among the proven
        holders). An attestation registry or dispute manager not attached is looked for among the registry's role
        grants (a scan of the chain): the node names it, and ``modules_check`` proves it holds the registry's role."""
        self._discover_modules()
        modules = [
            str(contract.address)
            for contract in (self._licenses, self._attestations, self._disputes)
            if contract is not None
        ]
        vault = None if self._vault is None else str(self._vault.address)
        proven = verifier.prove(
            registry=self.registry_address, token_id=token, modules=[*modules, *filter(None, [vault])]
        )
        if vault is None and proven.logs is not None and self._discover_vault(proven.logs):
            proven = verifier.prove(
                registry=self.registry_address, token_id=token, modules=[*modules, str(self.vault.address)]
            )
        return proven

    def _claimed_owner(self, token: int, block: int) -> str | None:
        """The owner the node reports at ``block`` (``None`` when it says the token does not exist)."""
        try:
            return str(self._read(self.registry.functions.ownerOf(token), "verify", block=block))
        except ContractRevertError:
            return None

    def _proven_code_checks(self, proven: ProvenRight, block: int, source: RecordingRpc | None) -> list[Check]:
        """The registry code and the chain id, from the code the node returns, checked against the proven code
        hash."""
        rpc = source or self._rpc
        code = bytes.fromhex(str(rpc.call("eth_getCode", [self.registry_address, hex(block)]))[2:])
        artifact = self._artifact
        checks = [code_check(proven, code, matches_artifact=artifact.runtime_matches(code))]
        if checks[0].name == "registry_code":
            spans = [
                (span["start"], span["length"]) for spans in artifact.immutable_references.values() for span in spans
            ]
            checks.append(
                chain_id_check(code, claimed=self.chain_id, registry=self.registry_address, immutable_spans=spans)
            )
        return checks

    def _unproven_report(self, token: int, proven: ProvenRight) -> VerificationReport:
        """The report when the node's answers could not be proven: the failed proof, never the node's claims as the
        record."""
        return VerificationReport(
            token_id=token,
            token_id_hex=hex(token),
            verdict="inconclusive",
            checks=proven.checks,
            notices=["nothing the node said about this right could be proven against the checkpoint"],
            record=None,
            events=[],
            registry=self.registry_address,
            chain_id=self.chain_id,
            checked_at_block=proven.block,
        )

    def _provisional_numbers(self, events: Sequence[HistoryEvent]) -> list[str]:
        """Numbers an owner (not a registrar) added: provisional, a registrar's registration of the right they name
        takes them, and a lookup by them can land here meanwhile."""
        notices = []
        for event in events:
            if (
                event.kind == "numbers_added"
                and event.by
                and event.numbers
                and not self.has_role("registrar", event.by)
            ):
                notices.append(
                    f"{', '.join(event.numbers)} added in block {event.block} by {event.by}, not a registrar: "
                    "provisional until a registrar registers or confirms them"
                )
        return notices

    def _rights_in_use(
        self, token: int, block: int, *, proven: ProvenRight | None = None
    ) -> tuple[list[License], list[Attestation], list[Dispute]]:
        """The right's licences, attestations and disputes as of ``block``, from whichever modules are attached (and
        discovered from the registry's role grants, unless ``proven``: a trusted verify uses only the modules attached,
        and the licence labels of the proven history, so that nothing is scanned and nothing the node names is used)."""
        if proven is None:
            self._discover_modules()
        at = self._block_time(block) if proven is None else proven.timestamp
        licenses: list[License] = []
        if self._licenses is not None:
            licenses = (
                self.licenses_of(token, at=at, block=block)
                if proven is None
                else self._licenses_with_labels(token, at, block, field_labels_of(proven.logs or []))
            )
        attestations = [] if self._attestations is None else self.attestations_of(token, at=at, block=block)
        disputes = [] if self._disputes is None else self.disputes_of(token, block=block)
        return licenses, attestations, disputes

    def _block_time(self, block: int) -> int:
        return int(self._rpc.call("eth_getBlockByNumber", [hex(block), False])["timestamp"], 16)

    def _code_check(self) -> Check:
        matches = self._code_matches(self.registry_address)
        version = self._artifact.compiler.get("version", "?")
        return Check(
            name="registry_code",
            ok=matches,
            detail=f"runtime code matches the shipped {REGISTRY_CONTRACT} artifact (solc {version})"
            if matches
            else "runtime code differs from the shipped artifact: not the registry this SDK ships",
        )

    def _content_key_check(self, token: int, record: RightRecord, block: int | None = None) -> Check:
        content = bytes.fromhex(record.content_hash[2:])
        stored = int(self._read(self.registry.functions.tokenOfContent(content), "verify", block=block))
        return Check(
            name="content_key",
            ok=stored == token,
            detail="registry storage maps the registered content hash to this token"
            if stored == token
            else f"registry storage maps the content hash to {hex(stored)}",
        )

    def _documents_check(self, record: RightRecord, documents: Sequence[str | Path | Document]) -> Check:
        if not documents:
            return Check(name="documents", ok=False, detail="no documents given")
        computed = _hex32(hash_documents(documents))
        return Check(
            name="documents",
            ok=computed == record.content_hash,
            detail=f"{len(documents)} document(s) hash to the registered content hash {computed}"
            if computed == record.content_hash
            else f"documents hash to {computed}, registered {record.content_hash}",
        )

    def _metadata_check(self, record: RightRecord, metadata: IPMetadata) -> Check:
        """The metadata file's public record (sealed with the salts this machine kept, openings taken from the
        chain) is the one on chain. The file need not repeat what the chain says: the fields sealed on chain are
        sealed, and without a document list the record's own (documents are known by content) is used."""
        public = record.metadata
        expected = _as_published(metadata, public, sealed=set(public.sealed) if public else set())
        opened = {name: bytes.fromhex(salt) for name, salt in (public.opened if public else {}).items()}
        salts = {**self._salt_book().field_salts(record.token_id), **opened}
        missing = [name for name in expected.confidential if name not in salts]
        if missing:
            return Check(
                name="metadata",
                ok=False,
                detail=f"cannot seal {', '.join(missing)}: no salt of token {record.token_id_hex} in "
                f"{self._salt_book().path}",
            )
        unpublished = bool(public and public.unpublished)
        computed = _hex32(expected.metadata_hash(salts, opened, unpublished=unpublished))
        return Check(
            name="metadata",
            ok=computed == record.metadata_hash,
            detail="the metadata's public record is the one published on chain"
            if computed == record.metadata_hash
            else f"the metadata's public record hashes to {computed}, the one on chain to {record.metadata_hash}",
        )


def _number_check(given: int | str, token: int, logs: Sequence[DecodedLog]) -> Check | None:
    """When the right was named by an official number, the node found its token (``tokenOfNumber``, unproven):
    the number must be the proven right's primary number (its token id is that number's key, on chain) or one of
    the numbers its proven history reserved. ``None`` when a token id was given."""
    if not isinstance(given, str) or given.strip().lower().startswith("0x") or given.strip().isdigit():
        return None
    number = parse_number_for(given.strip(), None, None, field="token")
    ok = number.key == token or number.packed in packed_numbers(logs)
    return Check(
        name="number_proof",
        ok=ok,
        detail=f"{number.canonical} is a number of this right in its proven history"
        if ok
        else f"the node named token {hex(token)} for {number.canonical}, which its proven history does not hold",
    )


def _grouped_by_proof(logs: Sequence[DecodedLog], vault: str | None) -> list[DecodedLog]:
    """The proven logs with the transactions they share told by the proven order, not by the node's transaction
    hashes (which nothing proves): a registry event joins the ``Transfer`` it follows in the same block (an
    assignment, forced transfer, registration, supersession or revocation is emitted right after its transfer), and a
    share vault event the registry ``Transfer`` into or out of the vault in its block."""
    out: list[DecodedLog] = []
    current: DecodedLog | None = None
    for log in logs:
        if log.address == (vault or "") or log.name in ("Fractionalized", "Redeemed", "CustodyLost"):
            out.append(log)
            continue
        if log.name == "Transfer":
            current = log
        elif current is not None and current.block == log.block and current.address == log.address:
            log = replace(log, tx_hash=current.tx_hash)
        out.append(log)
    transfers = [log for log in out if log.name == "Transfer"]
    joined: list[DecodedLog] = []
    for log in out:
        if log.name in ("Fractionalized", "Redeemed"):
            into = log.name == "Fractionalized"
            match = [
                transfer
                for transfer in transfers
                if transfer.block == log.block
                and (transfer.args["to"] if into else transfer.args["from"]) == log.address
            ]
            if match:
                nearest = min(match, key=lambda transfer: abs(transfer.log_index - log.log_index))
                log = replace(log, tx_hash=nearest.tx_hash)
        joined.append(log)
    return joined


def _as_fetched(token: int, logs: Sequence[DecodedLog]) -> list[DecodedLog]:
    """The proven logs a right's record and history read: a number taken from another right is in both rights'
    histories (both commit to it), but it is the history of the right that lost it."""
    return [log for log in logs if log.name != "NumberReclaimed" or int(log.args["tokenId"]) == token]


def _live_share_token(logs: Sequence[Any]) -> str | None:
    """The share token of the right's latest fractionalization, unless a redemption or a lost custody ended it."""
    vault_events = [log for log in logs if log.name in ("Fractionalized", "Redeemed", "CustodyLost")]
    if not vault_events or vault_events[-1].name != "Fractionalized":
        return None
    return str(vault_events[-1].args["shareToken"])


def _index_word(entries: Sequence[tuple[int, int, dict[str, Any]]]) -> HistoryWord:
    """The history word the index's entries of one right in one contract hash to."""
    blocks: list[tuple[int, int, list[dict[str, Any]]]] = []
    for number, stamp, log in entries:
        if not blocks or blocks[-1][0] != number:
            blocks.append((number, stamp, []))
        blocks[-1][2].append(log)
    try:
        states = chain_head(blocks)
    except (ValueError, TypeError, KeyError):  # a tampered file's garbage: it hashes to nothing proven
        return HistoryWord(-1, -1)
    return states[-1] if states else HistoryWord(0, 0)


def _first_difference(
    token: int,
    address: str,
    indexed: Sequence[tuple[int, int, dict[str, Any]]],
    proven: Sequence[tuple[int, int, dict[str, Any]]],
) -> str:
    """Where the index's events of a right in one contract part from the proven ones, in one line."""

    def describe(entry: tuple[int, int, dict[str, Any]]) -> str:
        number, _, log = entry
        name = log.get("name") or _event_name(log)
        return f"{name} in block {number} (log {int(str(log['logIndex']), 16)}, tx {log['transactionHash']})"

    def key(entry: tuple[int, int, dict[str, Any]]) -> tuple[Any, ...]:
        number, stamp, log = entry
        return number, stamp, [str(topic).lower() for topic in log["topics"]], str(log["data"]).lower()

    where = f"right {hex(token)} in {address}"
    for position, (mine, theirs) in enumerate(zip(indexed, proven, strict=False), start=1):
        if key(mine) != key(theirs):
            return (
                f"{where}: event {position} differs: the index has {describe(mine)}, the proven history "
                f"{describe(theirs)}"
            )
    if len(indexed) > len(proven):
        extra = describe(indexed[len(proven)])
        return f"{where}: the index has an event the proven history lacks: {extra}"
    if len(indexed) < len(proven):
        return (
            f"{where}: the index lacks event {len(indexed) + 1} of the proven history: {describe(proven[len(indexed)])}"
        )
    return f"{where}: the index's events hash to another commitment (a block time differs)"


def _event_name(log: dict[str, Any]) -> str:
    topics = log.get("topics") or []
    return EVENT_SIGNATURES.get(str(topics[0]).lower(), "an unknown event") if topics else "an anonymous log"


def _as_published(metadata: IPMetadata, public: PublicRecord | None, *, sealed: set[str]) -> IPMetadata:
    """``metadata`` completed from the right's record on chain: the fields in ``sealed`` are confidential too, and a
    file without a document list takes the record's (the bundle is fixed by the content hash)."""
    update: dict[str, Any] = {}
    confidential = set(metadata.confidential) | sealed
    if confidential != set(metadata.confidential):
        update["confidential"] = sorted(confidential)
    if not metadata.documents and public is not None and public.documents:
        update["documents"] = [document.model_dump(mode="json") for document in public.documents]
    if not update:
        return metadata
    return parse_metadata({**metadata.model_dump(mode="json"), **update})


def _record_check(record: RightRecord) -> Check:
    """The right's public records are honest with each other: every opened field matches the commitment it had."""
    if record.record_problems:
        return Check(name="public_record", ok=False, detail="; ".join(record.record_problems))
    if record.metadata is None:
        return Check(name="public_record", ok=True, detail=record.metadata_problem or "no public record published")
    sealed = f"; {len(record.metadata.sealed)} field(s) sealed" if record.metadata.sealed else ""
    return Check(
        name="public_record",
        ok=True,
        detail=f"published record {record.metadata_hash}{sealed}; every opening matches its commitment",
    )


def _status_check(record: RightRecord) -> Check:
    """Active or expired rights pass; a frozen or revoked right does not."""
    if record.status is RightStatus.REVOKED:
        return Check(
            name="status",
            ok=False,
            detail=f"revoked in block {record.revoked_block} ({record.revoked_at:%Y-%m-%d}) by registrar "
            f"{record.revoked_by}, order {record.revocation_order}; it held {record.owner}",
        )
    return Check(
        name="status",
        ok=record.status is not RightStatus.FROZEN,
        detail=record.status.value + (f", expiry {record.expiry:%Y-%m-%d}" if record.expiry else ""),
    )


def _registration_check(logs: Sequence[Any], record: RightRecord) -> Check:
    """One registration, or re-registrations only where a self-declared claim was superseded; a right revoked and
    registered again is judged from its latest registration on (its earlier life is history)."""
    revocations = [i for i, log in enumerate(logs) if log.name == "RightRevoked"]
    if revocations and any(log.name == "RightRegistered" for log in logs[revocations[-1] :]):
        logs = logs[revocations[-1] + 1 :]
    registrations = [log for log in logs if log.name == "RightRegistered"]
    supersessions = [log for log in logs if log.name == "ClaimSuperseded"]
    ok = len(registrations) == 1 + len(supersessions) and all(
        any(other.tx_hash == log.tx_hash for other in registrations) for log in supersessions
    )
    detail = f"registered in block {record.registration_block}, tx {record.registration_tx}"
    if supersessions:
        detail += f" (after {len(supersessions)} superseded self-declared claim(s))"
    if not ok:
        detail = f"{len(registrations)} registration events for {len(supersessions)} supersessions"
    return Check(name="registration", ok=ok, detail=detail)
