"""The :class:`Ledger`: one registry on one chain, used by one signing account."""

from __future__ import annotations

import datetime as dt
import json
import os
import secrets
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests
from eth_abi.abi import encode
from eth_account.messages import encode_typed_data
from eth_utils.address import to_checksum_address
from pydantic import ValidationError
from web3 import Web3
from web3.contract import Contract
from web3.contract.contract import ContractFunction
from web3.exceptions import ContractLogicError, Web3Exception, Web3RPCError

from ._accounts import Signer, is_valid_address, resolve_address, resolve_signer
from ._artifacts import load_artifact
from ._exceptions import (
    ContractRevertError,
    InvalidInputError,
    NodeError,
    NotFoundError,
    RegistryError,
)
from ._hashing import bundle_hash, hash_file
from ._history import build_history, fetch_token_logs
from ._models import (
    Check,
    DocumentRef,
    History,
    IPMetadata,
    RegistrationResult,
    RightKind,
    RightRecord,
    RightStatus,
    TransactionResult,
    VerificationReport,
    parse_metadata,
)
from ._node import LOCAL_CHAIN_ID, ipledger_home, start_local_node
from ._reverts import RevertDecoder
from ._rpc import Rpc
from ._transactions import TransactionSender, revert_data
from ._verify import custody_check, notices_for

__all__ = [
    "ClaimTicket",
    "Ledger",
    "RegistrationRequest",
    "Voucher",
    "local_deployment_file",
    "parse_token_id",
    "read_local_registry",
    "save_local_registry",
]

REGISTRY_CONTRACT = "IPRegistry"
METADATA_URI_PREFIX = "urn:ipledger:metadata:sha256:"
_ROLES = {
    "admin": b"\x00" * 32,
    "registrar": Web3.keccak(text="REGISTRAR_ROLE"),
    "guardian": Web3.keccak(text="GUARDIAN_ROLE"),
}
_STATUS = [RightStatus.ACTIVE, RightStatus.FROZEN, RightStatus.EXPIRED]
_VOUCHER_TYPES = {
    "Voucher": [
        {"name": "to", "type": "address"},
        {"name": "registration", "type": "Registration"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Registration": [
        {"name": "rightId", "type": "uint256"},
        {"name": "contentHash", "type": "bytes32"},
        {"name": "kind", "type": "uint8"},
        {"name": "jurisdiction", "type": "bytes2"},
        {"name": "expiry", "type": "uint40"},
        {"name": "metadataURI", "type": "string"},
    ],
}


def parse_token_id(value: int | str) -> int:
    """A token id from an int, a decimal string or a 0x-prefixed hex string."""
    if isinstance(value, int) and not isinstance(value, bool):
        token_id = value
    elif isinstance(value, str):
        text = value.strip()
        try:
            token_id = int(text, 16) if text.lower().startswith("0x") else int(text, 10)
        except ValueError:
            raise InvalidInputError(f"{value!r} is not a token id (decimal or 0x hex)") from None
    else:
        raise InvalidInputError(f"{value!r} is not a token id")
    if not 0 < token_id < 2**256:
        raise InvalidInputError(f"token id {value!r} is out of range (1 to 2**256-1)")
    return token_id


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


@dataclass(frozen=True)
class RegistrationRequest:
    """Everything the registry needs for one right, derived from metadata and documents."""

    metadata: IPMetadata
    content_hash: bytes
    documents: tuple[DocumentRef, ...]
    right_id: int
    metadata_uri: str

    def as_tuple(self) -> tuple[int, bytes, int, bytes, int, str]:
        """The contract's ``Registration`` struct."""
        return (
            self.right_id,
            self.content_hash,
            self.metadata.kind.chain_value,
            self.metadata.jurisdiction.encode("ascii"),
            self.metadata.expiry_timestamp(),
            self.metadata_uri,
        )


@dataclass(frozen=True)
class Voucher:
    """A registrar-signed permission to register a right for ``to``; anyone may submit it."""

    to: str
    request: RegistrationRequest
    nonce: int
    deadline: int
    signature: bytes

    def as_tuple(self) -> tuple[str, tuple[int, bytes, int, bytes, int, str], int, int]:
        return (self.to, self.request.as_tuple(), self.nonce, self.deadline)


@dataclass(frozen=True)
class ClaimTicket:
    """The secret half of a commit-reveal claim: keep it until the reveal."""

    request: RegistrationRequest
    salt: bytes
    commitment: bytes
    commit_block: int


class Ledger:
    """ipledger's client: registers, moves, reads and verifies rights in one registry.

    Create it with :meth:`local` (the embedded anvil chain) or :meth:`connect` (any EVM chain by RPC URL).
    """

    def __init__(self, w3: Web3, *, rpc_url: str, signer: Signer | None, registry: str | None) -> None:
        self.w3 = w3
        self.rpc_url = rpc_url
        self._signer = signer
        self._rpc = Rpc(w3, rpc_url)
        artifact = load_artifact(REGISTRY_CONTRACT)
        self._artifact = artifact
        self._decoder = RevertDecoder([artifact.abi])
        self._sender = TransactionSender(w3, self._decoder, endpoint=rpc_url)
        try:
            self.chain_id = int(w3.eth.chain_id)
        except Exception as exc:  # noqa: BLE001 - any failure here means the endpoint is unusable
            raise NodeError(f"cannot read the chain id: {type(exc).__name__}", endpoint=rpc_url) from None
        self._registry: Contract | None = None
        if registry is not None:
            self._attach(registry)

    # ------------------------------------------------------------------ construction

    @classmethod
    def connect(
        cls,
        rpc_url: str,
        *,
        registry: str | None = None,
        account: str | Signer | None = None,
        password_prompt: Callable[[str], str] | None = None,
        timeout: float = 30.0,
    ) -> Ledger:
        """Connects to any EVM chain; ``registry`` is the registry's address (omit it to :meth:`deploy`)."""
        if not rpc_url.startswith(("http://", "https://")):
            raise InvalidInputError(f"RPC URL {rpc_url!r} must start with http:// or https://")
        w3 = Web3(Web3.HTTPProvider(rpc_url, request_kwargs={"timeout": timeout}))
        ledger = cls(w3, rpc_url=rpc_url, signer=None, registry=None)
        if isinstance(account, Signer):
            ledger._signer = account
        elif account is not None or ledger.chain_id == LOCAL_CHAIN_ID or os.environ.get("IPLEDGER_PRIVATE_KEY"):
            ledger._signer = resolve_signer(account, chain_id=ledger.chain_id, password_prompt=password_prompt)
        if registry is not None:
            ledger._attach(registry)
        return ledger

    @classmethod
    def local(cls, *, home: Path | None = None, account: str | Signer | None = None) -> Ledger:
        """The embedded local chain: starts (or attaches to) the anvil node in ``$IPLEDGER_HOME`` and deploys
        the registry from ``dev0`` the first time."""
        base = home or ipledger_home()
        info, _ = start_local_node(base)
        ledger = cls.connect(info.rpc_url, account=account)
        address = read_local_registry(base)
        if address is not None and ledger._code_matches(address):
            ledger._attach(address)
        else:
            deployer = resolve_signer("dev0", chain_id=ledger.chain_id)
            address = ledger.deploy(deployer=deployer)
            save_local_registry(address, ledger.chain_id, base)
        return ledger

    def use(self, account: str | Signer) -> Ledger:
        """The same ledger, signing as ``account``."""
        clone = Ledger(self.w3, rpc_url=self.rpc_url, signer=None, registry=None)
        clone._registry = self._registry
        clone._signer = account if isinstance(account, Signer) else resolve_signer(account, chain_id=self.chain_id)
        return clone

    def deploy(self, *, admin: str | None = None, deployer: Signer | None = None) -> str:
        """Deploys a new registry whose roles go to ``admin`` (default: the deployer); attaches to it."""
        signer = deployer or self.signer
        admin_address = self.address_of(admin) if admin else signer.address
        factory = self.w3.eth.contract(abi=self._artifact.abi, bytecode=self._artifact.bytecode)
        _, receipt = self._sender.send(signer, factory.constructor(admin_address), action="deploy")
        address = str(receipt["contractAddress"])
        self._attach(address)
        return address

    def _attach(self, address: str) -> None:
        if not is_valid_address(address):
            raise InvalidInputError(f"registry address {address!r} is not a valid address")
        checksummed = to_checksum_address(address)
        code = self._get_code(checksummed)
        if not code:
            raise RegistryError(f"no contract at {checksummed} on chain {self.chain_id}")
        self._registry = self.w3.eth.contract(address=checksummed, abi=self._artifact.abi)
        try:
            is_registry = bool(self._registry.functions.supportsInterface(bytes.fromhex("80ac58cd")).call())
            self._registry.functions.DEPLOYMENT_BLOCK().call()
        except (requests.RequestException, OSError) as exc:
            raise NodeError(f"attach: cannot reach the node: {type(exc).__name__}", endpoint=self.rpc_url) from None
        except (Web3Exception, ValueError, TypeError):
            is_registry = False
        if not is_registry:
            self._registry = None
            raise RegistryError(f"the contract at {checksummed} is not an ipledger registry")

    def _get_code(self, address: str) -> bytes:
        return bytes.fromhex(str(self._rpc.call("eth_getCode", [address, "latest"]))[2:])

    def _code_matches(self, address: str) -> bool:
        return self._artifact.runtime_matches(self._get_code(to_checksum_address(address)))

    def _read(self, call: ContractFunction, what: str) -> Any:
        """A view call, with reverts decoded and transport failures mapped into the exception tree."""
        try:
            return call.call()
        except ContractLogicError as exc:
            raise self._decoder.decode(revert_data(exc), action=what) from None
        except (requests.RequestException, OSError) as exc:
            raise NodeError(f"{what}: cannot reach the node: {type(exc).__name__}", endpoint=self.rpc_url) from None
        except Web3RPCError as exc:
            raise NodeError(f"{what}: the node refused the call: {exc}", endpoint=self.rpc_url) from None
        except Web3Exception as exc:
            raise RegistryError(f"{what}: unusable answer from {call.address}: {type(exc).__name__}") from None

    # ------------------------------------------------------------------ accessors

    @property
    def registry(self) -> Contract:
        """The registry contract (web3.py object)."""
        if self._registry is None:
            raise RegistryError("no registry: pass registry=ADDRESS or call deploy()")
        return self._registry

    @property
    def registry_address(self) -> str:
        return str(self.registry.address)

    @property
    def signer(self) -> Signer:
        if self._signer is None:
            raise InvalidInputError("no signing account: pass account= (devN, env:NAME or a keystore file)")
        return self._signer

    @property
    def deployment_block(self) -> int:
        return int(self._read(self.registry.functions.DEPLOYMENT_BLOCK(), "read deployment block"))

    def address_of(self, account: str) -> str:
        """A checksummed address from an address or account name."""
        return resolve_address(account, chain_id=self.chain_id)

    # ------------------------------------------------------------------ preparing registrations

    def prepare(
        self, metadata: IPMetadata, documents: Sequence[str | Path], *, metadata_uri: str | None = None
    ) -> RegistrationRequest:
        """Hashes ``documents`` and derives the right id and metadata URI; no chain access."""
        if not documents:
            raise InvalidInputError("a registration needs at least one document (--doc FILE)")
        refs = tuple(_document_ref(Path(path)) for path in documents)
        content_hash = bundle_hash(bytes.fromhex(ref.sha256) for ref in refs)
        complete = metadata.model_copy(update={"documents": refs}) if not metadata.documents else metadata
        complete = parse_metadata(complete.model_dump())
        declared = {ref.sha256 for ref in complete.documents}
        if declared != {ref.sha256 for ref in refs}:
            raise InvalidInputError("the metadata's document list does not match the documents given")
        uri = metadata_uri or METADATA_URI_PREFIX + complete.metadata_hash().hex()
        if len(uri.encode("utf-8")) > 2048:
            raise InvalidInputError("metadata URI is longer than 2048 bytes")
        return RegistrationRequest(
            metadata=complete,
            content_hash=content_hash,
            documents=refs,
            right_id=complete.right_id(content_hash),
            metadata_uri=uri,
        )

    def _precheck(self, request: RegistrationRequest) -> None:
        """Refuses a claim on a registered right or bundle before committing, with the registry's own error.

        (The registrar paths need no such check: their dry run reverts with the same errors, and they may
        legitimately supersede a self-declared claim.)
        """
        registry = self.registry
        if self._read(registry.functions.exists(request.right_id), "check duplicate"):
            raise self._decoder.decode(
                _encode_error("RightAlreadyRegistered(uint256)", ["uint256"], [request.right_id]), action="register"
            )
        existing = int(self._read(registry.functions.tokenOfContent(request.content_hash), "check duplicate"))
        if existing:
            raise self._decoder.decode(
                _encode_error(
                    "ContentAlreadyRegistered(bytes32,uint256)",
                    ["bytes32", "uint256"],
                    [request.content_hash, existing],
                ),
                action="register",
            )

    # ------------------------------------------------------------------ registration paths

    def register(
        self,
        metadata: IPMetadata,
        documents: Sequence[str | Path],
        *,
        to: str | None = None,
        metadata_uri: str | None = None,
    ) -> RegistrationResult:
        """Registrar path: the signer (a registrar) registers the right and mints it to ``to``."""
        request = self.prepare(metadata, documents, metadata_uri=metadata_uri)
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
        deadline = int(time.time() + valid_for.total_seconds())
        message = {
            "to": recipient,
            "registration": {
                "rightId": request.right_id,
                "contentHash": request.content_hash,
                "kind": request.metadata.kind.chain_value,
                "jurisdiction": request.metadata.jurisdiction.encode("ascii"),
                "expiry": request.metadata.expiry_timestamp(),
                "metadataURI": request.metadata_uri,
            },
            "nonce": voucher_nonce,
            "deadline": deadline,
        }
        signable = encode_typed_data(
            domain_data={
                "name": "IPLedger Registry",
                "version": "1",
                "chainId": self.chain_id,
                "verifyingContract": self.registry_address,
            },
            message_types=_VOUCHER_TYPES,
            message_data=message,
        )
        signature = bytes(self.signer.account.sign_message(signable).signature)
        return Voucher(to=recipient, request=request, nonce=voucher_nonce, deadline=deadline, signature=signature)

    def register_with_voucher(self, voucher: Voucher) -> RegistrationResult:
        """Registrar path, step 2: anyone (usually the recipient) submits the voucher."""
        call = self.registry.functions.registerWithVoucher(voucher.as_tuple(), voucher.signature)
        result, _ = self._sender.send(self.signer, call, action="register with voucher")
        return self._registration_result(voucher.request, voucher.to, result, self_declared=False)

    def commit_claim(self, request: RegistrationRequest) -> ClaimTicket:
        """Open path, step 1: commits to a self-declared claim bound to the signer."""
        self._precheck(request)
        salt = secrets.token_bytes(32)
        commitment = bytes(
            self._read(self.registry.functions.commitmentFor(self.signer.address, request.as_tuple(), salt), "commit")
        )
        try:
            result, _ = self._sender.send(self.signer, self.registry.functions.commit(commitment), action="commit")
            commit_block = result.block
        except ContractRevertError as error:
            # Someone copied our commit transaction: the commitment binds us, so it is ours all the same.
            if error.error_name != "CommitmentPending":
                raise
            commit_block = int(self._read(self.registry.functions.commitmentBlock(commitment), "commit"))
        return ClaimTicket(request=request, salt=salt, commitment=commitment, commit_block=commit_block)

    def reveal_claim(self, ticket: ClaimTicket) -> RegistrationResult:
        """Open path, step 2: reveals the claim and mints it to the signer.

        Sent after the commitment is mined, the reveal lands in a later block, as the registry requires.
        """
        call = self.registry.functions.reveal(ticket.request.as_tuple(), ticket.salt)
        result, _ = self._sender.send(self.signer, call, action="reveal")
        return self._registration_result(ticket.request, self.signer.address, result, self_declared=True)

    def claim(
        self, metadata: IPMetadata, documents: Sequence[str | Path], *, metadata_uri: str | None = None
    ) -> RegistrationResult:
        """Open path in one call: commit, wait a block, reveal. The right is marked self-declared."""
        ticket = self.commit_claim(self.prepare(metadata, documents, metadata_uri=metadata_uri))
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
            metadata_uri=request.metadata_uri,
            self_declared=self_declared,
        )

    # ------------------------------------------------------------------ custody changes

    def assign(self, token_id: int | str, to: str, deed: bytes | str | Path) -> TransactionResult:
        """Assigns the right to ``to``, recording the hash of the deed (a file, or a 32-byte hash)."""
        token = parse_token_id(token_id)
        recipient = self.address_of(to)
        deed_hash = _evidence_hash(deed, "deed")
        call = self.registry.functions.assign(token, recipient, deed_hash)
        return self._sender.send(self.signer, call, action="assign")[0]

    def transfer(self, token_id: int | str, to: str) -> TransactionResult:
        """A plain ERC-721 ``transferFrom`` from the current owner, as wallets do it (no deed recorded)."""
        token = parse_token_id(token_id)
        self._require_exists(token)
        owner = str(self._read(self.registry.functions.ownerOf(token), "read owner"))
        call = self.registry.functions.transferFrom(owner, self.address_of(to), token)
        return self._sender.send(self.signer, call, action="transfer")[0]

    def freeze(self, token_id: int | str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: freezes the right under a court order or decision (a file, or its 32-byte hash)."""
        call = self.registry.functions.freeze(parse_token_id(token_id), _evidence_hash(order, "order"))
        return self._sender.send(self.signer, call, action="freeze")[0]

    def unfreeze(self, token_id: int | str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: lifts the freeze."""
        call = self.registry.functions.unfreeze(parse_token_id(token_id), _evidence_hash(order, "order"))
        return self._sender.send(self.signer, call, action="unfreeze")[0]

    def force_transfer(self, token_id: int | str, to: str, order: bytes | str | Path) -> TransactionResult:
        """Registrar: moves the right without its owner, under a court order or decision."""
        call = self.registry.functions.forceTransfer(
            parse_token_id(token_id), self.address_of(to), _evidence_hash(order, "order")
        )
        return self._sender.send(self.signer, call, action="force transfer")[0]

    def grant_role(self, role: str, account: str) -> TransactionResult:
        """Admin: grants ``role`` (admin, registrar, guardian) to ``account``."""
        if role not in _ROLES:
            raise InvalidInputError(f"unknown role {role!r}; roles are {', '.join(_ROLES)}")
        call = self.registry.functions.grantRole(_ROLES[role], self.address_of(account))
        return self._sender.send(self.signer, call, action=f"grant {role}")[0]

    def has_role(self, role: str, account: str) -> bool:
        if role not in _ROLES:
            raise InvalidInputError(f"unknown role {role!r}; roles are {', '.join(_ROLES)}")
        return bool(self._read(self.registry.functions.hasRole(_ROLES[role], self.address_of(account)), "read role"))

    # ------------------------------------------------------------------ reading

    def _logs(self, token_id: int, to_block: int | None = None) -> tuple[list[Any], int]:
        head = int(self._rpc.call("eth_blockNumber", []), 16) if to_block is None else to_block
        logs = fetch_token_logs(
            self._rpc,
            registry=self.registry_address,
            token_id=token_id,
            from_block=self.deployment_block,
            to_block=head,
        )
        return logs, head

    def get(self, token_id: int | str) -> RightRecord:
        """The right's record: on-chain fields plus its registration event's content hash and URI."""
        token = parse_token_id(token_id)
        logs, _ = self._logs(token)
        return self._record(token, logs)

    def _record(self, token: int, logs: list[Any]) -> RightRecord:
        raw = self._read(self.registry.functions.recordOf(token), "read")
        registered = next((log for log in reversed(logs) if log.name == "RightRegistered"), None)
        if registered is None:
            raise NotFoundError(f"token {hex(token)} exists but its registration event was not found")
        uri = registered.args["metadataURI"]
        for log in logs:
            if log.name == "MetadataURIUpdated" and (log.block, log.log_index) > (
                registered.block,
                registered.log_index,
            ):
                uri = log.args["metadataURI"]
        owner, kind, jurisdiction, registered_at, expiry, status, self_declared = raw
        registrar = registered.args["registrar"]
        return RightRecord(
            token_id=token,
            token_id_hex=hex(token),
            owner=owner,
            kind=RightKind.from_chain(kind),
            jurisdiction=bytes(jurisdiction).decode("ascii"),
            status=_STATUS[status],
            self_declared=self_declared,
            registered_at=dt.datetime.fromtimestamp(registered_at, dt.UTC),
            expiry=dt.datetime.fromtimestamp(expiry, dt.UTC) if expiry else None,
            content_hash=registered.args["contentHash"],
            metadata_uri=uri,
            registrar=None if int(registrar, 16) == 0 else registrar,
            registration_tx=registered.tx_hash,
            registration_block=registered.block,
        )

    def history(self, token_id: int | str) -> History:
        """Everything that happened to the right, in chain order, from a few ``eth_getLogs`` calls."""
        token = parse_token_id(token_id)
        logs, _ = self._logs(token)
        if not logs:
            self._require_exists(token)
        return History(token_id=token, token_id_hex=hex(token), events=build_history(self._rpc, logs))

    def _require_exists(self, token: int) -> None:
        if not self._read(self.registry.functions.exists(token), "read"):
            raise self._decoder.decode(_encode_error("UnknownToken(uint256)", ["uint256"], [token]), action="read")

    def verify(
        self,
        token_id: int | str,
        *,
        documents: Sequence[str | Path] | None = None,
        metadata: IPMetadata | None = None,
    ) -> VerificationReport:
        """Checks the registry code, the chain of custody, the documents and the status; see the report."""
        token = parse_token_id(token_id)
        head = int(self._rpc.call("eth_blockNumber", []), 16)
        checks: list[Check] = [self._code_check()]
        self._require_exists(token)
        logs, _ = self._logs(token, head)
        record = self._record(token, logs)
        events = build_history(self._rpc, logs)
        checks.append(_registration_check(logs, record))
        checks.append(custody_check(events, record.owner))
        checks.append(self._content_key_check(token, record))
        if documents is not None:
            checks.append(self._documents_check(record, documents))
        if metadata is not None:
            checks.append(self._metadata_check(record, metadata))
        checks.append(
            Check(
                name="status",
                ok=record.status is not RightStatus.FROZEN,
                detail=record.status.value + (f", expiry {record.expiry:%Y-%m-%d}" if record.expiry else ""),
            )
        )
        checks.append(
            Check(
                name="verification_level",
                ok=True,
                detail="self-declared (commit-reveal claim)"
                if record.self_declared
                else f"registrar-verified by {record.registrar}",
            )
        )
        verdict = "verified" if all(check.ok for check in checks) else "failed"
        return VerificationReport(
            token_id=token,
            token_id_hex=hex(token),
            verdict=verdict,
            checks=checks,
            notices=notices_for(record, events),
            record=record,
            events=events,
            registry=self.registry_address,
            chain_id=self.chain_id,
            checked_at_block=head,
        )

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

    def _content_key_check(self, token: int, record: RightRecord) -> Check:
        stored = int(
            self._read(self.registry.functions.tokenOfContent(bytes.fromhex(record.content_hash[2:])), "verify")
        )
        return Check(
            name="content_key",
            ok=stored == token,
            detail="registry storage maps the registered content hash to this token"
            if stored == token
            else f"registry storage maps the content hash to {hex(stored)}",
        )

    def _documents_check(self, record: RightRecord, documents: Sequence[str | Path]) -> Check:
        if not documents:
            return Check(name="documents", ok=False, detail="no documents given")
        computed = _hex32(bundle_hash(hash_file(path) for path in documents))
        return Check(
            name="documents",
            ok=computed == record.content_hash,
            detail=f"{len(documents)} document(s) hash to the registered content hash {computed}"
            if computed == record.content_hash
            else f"documents hash to {computed}, registered {record.content_hash}",
        )

    def _metadata_check(self, record: RightRecord, metadata: IPMetadata) -> Check:
        if not record.metadata_uri.startswith(METADATA_URI_PREFIX):
            return Check(name="metadata", ok=True, detail=f"not content-addressed ({record.metadata_uri}); not checked")
        computed = metadata.metadata_hash().hex()
        registered = record.metadata_uri.removeprefix(METADATA_URI_PREFIX)
        return Check(
            name="metadata",
            ok=computed == registered,
            detail="metadata hashes to the registered metadata URI"
            if computed == registered
            else f"metadata hashes to {computed}, registered {registered}",
        )


def _registration_check(logs: Sequence[Any], record: RightRecord) -> Check:
    """One registration, or re-registrations only where a self-declared claim was superseded."""
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


def _document_ref(path: Path) -> DocumentRef:
    digest = hash_file(path)
    try:
        return DocumentRef(name=path.name, sha256=digest.hex(), size=path.stat().st_size)
    except ValidationError:
        raise InvalidInputError(f"document {str(path)!r}: its name is longer than 255 characters") from None


def _encode_error(signature: str, types: list[str], values: list[Any]) -> str:
    """Revert data of a custom error, so that a refusal found by a read raises the same exception."""
    return "0x" + (Web3.keccak(text=signature)[:4] + encode(types, values)).hex()


def local_deployment_file(home: Path | None = None) -> Path:
    """Where the local network records its default registry."""
    return (home or ipledger_home()) / "local" / "deployment.json"


def read_local_registry(home: Path | None = None) -> str | None:
    """The local network's default registry address, if one was recorded."""
    try:
        return str(json.loads(local_deployment_file(home).read_text("utf-8"))["registry"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save_local_registry(address: str, chain_id: int, home: Path | None = None) -> None:
    """Makes ``address`` the registry that :meth:`Ledger.local` (and ``--network local``) uses from now on."""
    path = local_deployment_file(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"registry": address, "chain_id": chain_id}, indent=2) + "\n", "utf-8")


def hash_documents(paths: Iterable[str | Path]) -> bytes:
    """The content hash of a bundle of files (see docs/hashing.md)."""
    return bundle_hash(hash_file(path) for path in paths)
