"""``ledger.rights``: registering rights (the registrar, voucher and commit-reveal paths), their official numbers
and public record, and what their owner or a registrar does to them (assign, freeze, force transfer, revoke)."""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eth_utils.address import to_checksum_address

from ipledger.audit._history import right_numbers
from ipledger.audit._pledges import pledges_from_logs
from ipledger.bulk._bulk import BulkRegistrar
from ipledger.chain._chain import is_zero_address
from ipledger.chain._eip712 import REGISTRY_DOMAIN, sign_typed_data
from ipledger.chain._events import address_topic, arg_bytes, token_topic
from ipledger.chain._logs import fetch_logs
from ipledger.models._hashing import Evidence, evidence_hash
from ipledger.models._model_base import Uint256
from ipledger.models._models import (
    IPMetadata,
    PublicRecord,
    RegistrationResult,
    RightKind,
    RightRecord,
    RightStatus,
    TransactionResult,
    expiry_timestamp,
    parse_metadata,
    public_record_fields,
)
from ipledger.models._numbers import OfficialNumber, number_text, parse_number_for, unpublished_number
from ipledger.models._record_packing import unpack_record
from ipledger.models._requests import Document, Registration, RegistrationRequest, prepare_registration
from ipledger.models._vouchers import VOUCHER_TYPES, SignedVoucher, Voucher, VoucherCheck, recover_voucher_signer

from ._client import SubClient
from ._exceptions import ChainMismatchError, InvalidInputError, NotFoundError, TransactionError

if TYPE_CHECKING:
    from ipledger._ledger import Ledger
    from ipledger.audit._proofs import ProvenRight
    from ipledger.chain._chain import Chain

__all__ = ["ClaimTicket", "Rights", "Voucher", "VoucherCancellation", "as_published", "right_record"]

_STATUS = [RightStatus.ACTIVE, RightStatus.FROZEN, RightStatus.EXPIRED]


def _hex32(value: bytes) -> str:
    return "0x" + value.hex()


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


class VoucherCancellation(TransactionResult):
    """A cancelled voucher nonce: every voucher signed for ``recipient`` with ``nonce`` is void (in JSON, ``nonce`` is
    a decimal string)."""

    recipient: str
    nonce: Uint256
    registrar: str


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


class Rights(SubClient):
    """``ledger.rights``: the registry's rights. Registering (:meth:`register`, :meth:`sign_voucher` /
    :meth:`register_with_voucher`, :meth:`claim`, :meth:`register_bulk`), numbers (:meth:`add_numbers`,
    :meth:`open_number`), the public record (:meth:`publish_metadata`), custody (:meth:`assign`, :meth:`transfer`)
    and a registrar's acts (:meth:`freeze`, :meth:`unfreeze`, :meth:`force_transfer`, :meth:`revoke`).

    Deeds, orders and reasons are :data:`~ipledger.Evidence`: a :class:`~pathlib.Path` is hashed as a file, a
    ``str`` as UTF-8 text (or taken as is when it is a 0x-prefixed 32-byte hash), 32 ``bytes`` are the hash."""

    name = "rights"

    def __init__(self, ledger: Ledger) -> None:
        super().__init__(ledger)
        #: Registers every right of a CSV or JSON Lines file (:meth:`BulkRegistrar.register_bulk
        #: <ipledger.bulk._bulk.BulkRegistrar.register_bulk>`, docs/bulk.md); the signer must be a registrar.
        self.register_bulk = BulkRegistrar(ledger).register_bulk

    def resolve(self, token_or_number: int | str) -> int:
        """The token id of a right given by its token id (an int, decimal or 0x hex) or by any of its official
        numbers (``"ZL 2020 1 0123456.2"``); see :meth:`~ipledger.Chain.resolve`."""
        return self._chain.resolve(token_or_number)

    def token_of_number(self, number: str, *, office: str | None = None) -> int | None:
        """The token whose number ``number`` is (any written form), or ``None``."""
        return self._chain.token_of_number(number, office=office)

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
            self._chain.salt_book().save(request.right_id, primary.canonical, salt)
        return self._chain.keep_field_salts(request)

    def _precheck(self, request: RegistrationRequest) -> None:
        """Refuses a claim on a registered right or bundle before committing, with the registry's own error.

        (The registrar paths need no such check: their dry run reverts with the same errors, and they may
        legitimately supersede a self-declared claim.)
        """
        registry = self._chain.registry
        if self._chain.read(registry.functions.exists(request.right_id), "check duplicate"):
            raise self._chain.refuse("RightAlreadyRegistered(uint256)", ["uint256"], [request.right_id], "register")
        self._check_numbers_free(request.right_id, request.numbers, "register")
        existing = int(self._chain.read(registry.functions.tokenOfContent(request.content_hash), "check duplicate"))
        if existing:
            raise self._chain.refuse(
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
            holder = int(self._chain.read(self._chain.registry.functions.tokenOfNumber(number.packed), "check numbers"))
            if holder and holder != token:
                raise self._chain.refuse(
                    "NumberAlreadyRegistered(uint256,uint256)", ["uint256", "uint256"], [number.packed, holder], action
                )

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
        owner = self._chain.address_of(to) if to else self._chain.signer.address
        call = self._chain.registry.functions.register(owner, request.as_tuple())
        result, _ = self._chain.sender.send(self._chain.signer, call, action="register")
        return self._registration_result(request, owner, result, self_declared=False)

    def sign_voucher(
        self,
        request: RegistrationRequest,
        *,
        to: str,
        valid_for: dt.timedelta = dt.timedelta(days=7),
        nonce: int | None = None,
    ) -> Voucher:
        """Registrar path, step 1: the signer (a registrar) signs an EIP-712 voucher for ``to``, valid for
        ``valid_for`` of chain time, with ``to``'s current voucher nonce unless ``nonce`` says another;
        :meth:`signed_voucher` makes it a file to hand over."""
        recipient = self._chain.address_of(to)
        voucher_nonce = (
            int(self._chain.read(self._chain.registry.functions.nonces(recipient), "read nonce"))
            if nonce is None
            else nonce
        )
        # The registry compares with block time, which need not be wall-clock time (test chains move it).
        deadline = self._chain.chain_time() + int(valid_for.total_seconds())
        message = {
            "to": recipient,
            "registration": request.as_message(),
            "nonce": voucher_nonce,
            "deadline": deadline,
        }
        signature = bytes(
            sign_typed_data(
                self._chain,
                REGISTRY_DOMAIN,
                self._chain.registry_address,
                VOUCHER_TYPES,
                message,
                action="sign voucher",
            ).signature
        )
        return Voucher(to=recipient, request=request, nonce=voucher_nonce, deadline=deadline, signature=signature)

    def register_with_voucher(self, voucher: Voucher | SignedVoucher) -> RegistrationResult:
        """Registrar path, step 2: anyone (usually the recipient) submits the voucher, or a voucher file read with
        :meth:`SignedVoucher.load <ipledger.SignedVoucher.load>` (refused before anything is sent when it was signed
        for another chain, :class:`~ipledger.ChainMismatchError`, or another registry).

        If another account submitted this very voucher first (a copier, or the recipient while a helper also
        did), the right is registered all the same: the result names that transaction and its sender
        (``submitted_by``; ``own_tx_hash`` is ours, which reverted, or ``None`` if it was never sent).
        """
        action = "register with voucher"
        if isinstance(voucher, SignedVoucher):
            voucher = self._voucher_here(voucher, action)
        registry = self._chain.registry
        call = registry.functions.registerWithVoucher(voucher.as_tuple(), voucher.signature)
        try:
            result, _ = self._chain.sender.send(self._chain.signer, call, action=action)
        except TransactionError as error:
            done = self._voucher_used(voucher, own_tx_hash=error.tx_hash)
            if done is None:
                raise
            result = done
        return self._registration_result(voucher.request, voucher.to, result, self_declared=False)

    def signed_voucher(self, voucher: Voucher) -> SignedVoucher:
        """``voucher`` as a voucher file for this chain and registry (:meth:`SignedVoucher.save
        <ipledger.SignedVoucher.save>` writes it), to hand to its recipient."""
        return SignedVoucher.from_voucher(voucher, chain_id=self._chain.chain_id, registry=self._chain.registry_address)

    def _voucher_here(self, signed: SignedVoucher, action: str) -> Voucher:
        """The voucher of ``signed`` once its chain and registry are this ledger's (the node asked anew)."""
        chain_id = self._chain.check_chain(action)
        if signed.chain_id != chain_id:
            raise ChainMismatchError(
                expected=signed.chain_id,
                reported=chain_id,
                endpoint=self._chain.rpc_url,
                source="the voucher's chain_id",
                registry=signed.registry,
                action=action,
            )
        if signed.registry.lower() != self._chain.registry_address.lower():
            raise InvalidInputError(
                f"field 'registry': the voucher is for the registry {signed.registry}, not "
                f"{self._chain.registry_address} (the one connected); submit it there"
            )
        return signed.to_voucher()

    def voucher_nonce(self, to: str) -> int:
        """The voucher nonce of ``to`` now: the nonce the next voucher submitted for ``to`` must carry."""
        return int(self._chain.read(self._chain.registry.functions.nonces(self._chain.address_of(to)), "read nonce"))

    def cancel_voucher(self, to: str) -> VoucherCancellation:
        """Registrar: voids the vouchers signed for ``to`` with its current voucher nonce (every outstanding one,
        unless one was signed with a later ``nonce``), e.g. one signed by mistake or sent to the wrong party: the
        nonce moves on, and vouchers signed after this carry the next one."""
        registry = self._chain.registry
        call = registry.functions.cancelVoucher(self._chain.address_of(to))
        result, cancelled = self._chain.send_for_event(call, "cancel voucher", registry, "VoucherCancelled")
        return VoucherCancellation(
            **result.model_dump(),
            recipient=str(cancelled["to"]),
            nonce=int(cancelled["nonce"]),
            registrar=str(cancelled["registrar"]),
        )

    def check_voucher(self, voucher: Voucher | SignedVoucher) -> VoucherCheck:
        """What the chain says of ``voucher`` now, without sending anything: its signer and whether it holds the
        registrar role, its deadline against chain time, and whether its nonce is still open or was used by it,
        cancelled or spent (see :class:`~ipledger.VoucherCheck`). A voucher file for another chain or registry is
        refused as :meth:`register_with_voucher` refuses it."""
        action = "check voucher"
        if isinstance(voucher, SignedVoucher):
            voucher = self._voucher_here(voucher, action)
        registry = self._chain.registry
        signer = recover_voucher_signer(voucher, chain_id=self._chain.chain_id, registry=self._chain.registry_address)
        is_registrar = self._chain.has_role("registrar", signer)
        current = int(self._chain.read(registry.functions.nonces(voucher.to), action))
        now = self._chain.chain_time()
        right = voucher.registration.right_id
        registered = bool(self._chain.read(registry.functions.exists(right), action))
        owner = str(self._chain.read(registry.functions.ownerOf(right), action)) if registered else None
        used = cancelled = None
        if current > voucher.nonce:
            used = self._voucher_submission(voucher) if registered else None
            cancelled = None if used is not None else self._voucher_cancellation(voucher)
        state = (
            "used"
            if used is not None
            else "cancelled"
            if cancelled is not None
            else "spent"
            if current > voucher.nonce
            else "not_registrar"
            if not is_registrar
            else "expired"
            if now > voucher.deadline
            else "waiting"
            if current < voucher.nonce
            else "valid"
        )
        return VoucherCheck(
            state=state,
            recipient=voucher.to,
            signer=signer,
            signer_is_registrar=is_registrar,
            token_id=right,
            nonce=voucher.nonce,
            current_nonce=current,
            deadline=dt.datetime.fromtimestamp(voucher.deadline, dt.UTC),
            chain_time=dt.datetime.fromtimestamp(now, dt.UTC),
            expired=now > voucher.deadline,
            registered=registered,
            owner=owner,
            used_tx=None if used is None else used[0],
            submitted_by=None if used is None else used[1],
            cancelled_tx=None if cancelled is None else cancelled[0],
            cancelled_by=None if cancelled is None else cancelled[1],
        )

    def _voucher_submission(self, voucher: Voucher) -> tuple[str, str] | None:
        """The successful transaction that submitted exactly ``voucher`` (by anyone) and its sender, if one did."""
        registry = self._chain.registry
        logs = fetch_logs(
            self._chain.rpc,
            address=self._chain.registry_address,
            topics=[str(registry.events.RightRegistered.topic), token_topic(voucher.registration.right_id)],
            from_block=self._chain.deployment_block,
            to_block=self._chain.head(),
        )
        calldata = registry.encode_abi("registerWithVoucher", args=[voucher.as_tuple(), voucher.signature]).lower()
        for log in reversed(logs):
            transaction = self._chain.rpc.call("eth_getTransactionByHash", [log["transactionHash"]])
            sent = str(transaction.get("input", transaction.get("data", ""))).lower()
            if sent == calldata and str(transaction.get("to") or "").lower() == self._chain.registry_address.lower():
                return str(log["transactionHash"]), to_checksum_address(transaction["from"])
        return None

    def _voucher_cancellation(self, voucher: Voucher) -> tuple[str, str] | None:
        """The ``VoucherCancelled`` of ``voucher``'s recipient and nonce (its transaction and registrar), if any."""
        registry = self._chain.registry
        logs = fetch_logs(
            self._chain.rpc,
            address=self._chain.registry_address,
            topics=[str(registry.events.VoucherCancelled.topic), "0x" + bytes(12).hex() + voucher.to[2:].lower()],
            from_block=self._chain.deployment_block,
            to_block=self._chain.head(),
        )
        for log in logs:
            if int(str(log["data"]), 16) == voucher.nonce:
                return str(log["transactionHash"]), address_topic(str(log["topics"][2]))
        return None

    def _voucher_used(self, voucher: Voucher, *, own_tx_hash: str | None) -> TransactionResult | None:
        """The transaction that submitted ``voucher`` first, if one did: the right is ``voucher.to``'s under this
        bundle, and a ``RightRegistered`` of it came from exactly our call."""
        registry = self._chain.registry
        right = voucher.registration.right_id
        action = "register with voucher"
        if int(self._chain.read(registry.functions.nonces(voucher.to), action)) <= voucher.nonce:
            return None
        if not self._chain.read(registry.functions.exists(right), action):
            return None
        if str(self._chain.read(registry.functions.ownerOf(right), action)) != voucher.to:
            return None
        topic = str(registry.events.RightRegistered.topic)
        logs = fetch_logs(
            self._chain.rpc,
            address=self._chain.registry_address,
            topics=[topic, token_topic(right)],
            from_block=self._chain.deployment_block,
            to_block=self._chain.head(),
        )
        calldata = registry.encode_abi("registerWithVoucher", args=[voucher.as_tuple(), voucher.signature])
        return self._chain.done_by(logs, to=self._chain.registry_address, calldata=calldata, own_tx_hash=own_tx_hash)

    def commit_claim(self, request: RegistrationRequest) -> ClaimTicket:
        """Open path, step 1: commits to a self-declared claim bound to the signer."""
        self._precheck(request)
        salt = secrets.token_bytes(32)
        commitment = bytes(
            self._chain.read(
                self._chain.registry.functions.commitmentFor(self._chain.signer.address, request.as_tuple(), salt),
                "commit",
            )
        )
        try:
            result, _ = self._chain.sender.send(
                self._chain.signer, self._chain.registry.functions.commit(commitment), action="commit"
            )
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
            committed_by=self._chain.signer.address,
        )

    def _committed(self, commitment: bytes, request: RegistrationRequest, salt: bytes) -> ClaimTicket | None:
        """The ticket of ``commitment`` if it is pending (``None`` otherwise), naming the transaction that
        committed it from its ``ClaimCommitted`` log."""
        block = int(self._chain.read(self._chain.registry.functions.commitmentBlock(commitment), "commit"))
        if block == 0:
            return None
        topics = [str(self._chain.registry.events.ClaimCommitted.topic), _hex32(commitment)]
        logs = fetch_logs(
            self._chain.rpc, address=self._chain.registry_address, topics=topics, from_block=block, to_block=block
        )
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
        call = self._chain.registry.functions.reveal(ticket.request.as_tuple(), ticket.salt)
        result, _ = self._chain.sender.send(self._chain.signer, call, action="reveal")
        return self._registration_result(ticket.request, self._chain.signer.address, result, self_declared=True)

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
        self,
        request: RegistrationRequest | Registration,
        owner: str,
        result: TransactionResult,
        *,
        self_declared: bool,
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
            resent=result.resent,
            confirmations=result.confirmations,
            numbers=[number_text(number.packed) for number in request.numbers],
            unpublished_salt=None if request.unpublished_salt is None else _hex32(request.unpublished_salt),
        )

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
        token = self._chain.resolve(token_id)
        self._chain.require_exists(token)
        record = self._chain.read(self._chain.registry.functions.recordOf(token), "read")
        office = bytes(record[2]).decode("ascii")
        new_kind = RightKind(kind) if kind is not None else RightKind.from_chain(record[1])
        changes_record = new_kind.chain_value != record[1] or (
            expiry is not None and expiry_timestamp(expiry) != record[4]
        )
        if changes_record and not record[6] and not self._chain.has_role("registrar", self._chain.signer.address):
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
        call = self._chain.registry.functions.addNumbers(
            token, [number.packed for number in parsed], new_kind.chain_value, stored_expiry
        )
        return self._chain.sender.send(self._chain.signer, call, action="add numbers")[0]

    def open_number(self, token_id: int | str, number: str, *, salt: bytes | str | None = None) -> TransactionResult:
        """Opens the commitment of a right registered while its application was unpublished: ``number`` (now
        published) is shown with the ``salt`` (by default the one the salt book kept) and reserved for the right."""
        token = self._chain.resolve(token_id)
        self._chain.require_exists(token)
        office = bytes(self._chain.read(self._chain.registry.functions.recordOf(token), "read")[2]).decode("ascii")
        application = parse_number_for(number, office, None, field="number")
        secret = self._chain.salt_book().salt(token) if salt is None else _salt_bytes(salt)
        if secret is None:
            raise InvalidInputError(
                f"field 'salt': no salt of token {hex(token)} in {self._chain.salt_book().path}; give the salt it was "
                "registered with (0x and 64 hex digits)"
            )
        if unpublished_number(application, secret).key != token:
            raise InvalidInputError(
                f"field 'number': {application.canonical} with this salt is not the commitment token {hex(token)} "
                "was registered under (another number, or another salt)"
            )
        self._check_numbers_free(token, [application], "open number")
        call = self._chain.registry.functions.openNumber(token, application.packed, secret)
        return self._chain.sender.send(self._chain.signer, call, action="open number")[0]

    def publish_metadata(
        self, token_id: int | str, metadata: IPMetadata, *, open_fields: Sequence[str] = ()
    ) -> TransactionResult:
        """Publishes ``metadata`` as the right's new public record (a grant date, a new expiry, an assignee's name),
        shown by ``history``; the signer is its owner or a registrar.

        Confidential fields stay sealed with the salts kept at registration (a newly confidential field gets a new
        salt, kept before anything is sent); those in ``open_fields`` are published in clear with their salts, so
        anyone can check them against the commitment published earlier (docs/metadata.md)."""
        token = self._chain.resolve(token_id)
        current = self.get(token)
        # An application registered under a commitment keeps its numbers out of its record until it is opened.
        unpublished = bool(current.metadata and current.metadata.unpublished) and metadata.number not in current.numbers
        if not unpublished and metadata.number is not None and metadata.kind is not RightKind.TRADE_SECRET:
            holder = self._chain.token_of_number(metadata.number, office=metadata.jurisdiction)
            if holder != token:
                raise InvalidInputError(
                    f"field 'number': {metadata.number} is not a number of token {hex(token)}; publish a right's "
                    "record under its own numbers"
                )
        public = current.metadata
        # What is sealed on chain and not opened stays sealed, and the documents stay listed, unless the file says
        # otherwise: a record is published whole, and a file that leaves them out must not drop them.
        still_sealed = set(public.sealed) - set(public.opened) if public else set()
        metadata = as_published(metadata, public, sealed=still_sealed)
        closed = [name for name in open_fields if name not in still_sealed]
        if closed:
            raise InvalidInputError(
                f"field 'open': {', '.join(closed)} is not sealed in the record on chain; only sealed fields are opened"
            )
        book = self._chain.salt_book()
        unknown = sorted(still_sealed - set(book.field_salts(token)))
        if unknown:
            raise InvalidInputError(
                f"field 'confidential': no salt of {', '.join(unknown)} (sealed on chain) in {book.path}; publish from "
                "the machine that registered the right, or with its salt book"
            )
        book.save_fields(token, {name: secrets.token_bytes(32) for name in metadata.confidential})
        salts = book.field_salts(token)
        record = metadata.public_record(salts, {name: salts[name] for name in open_fields}, unpublished=unpublished)
        result = self._chain.send(self._chain.registry.functions.publishMetadata(token, record), "publish metadata")
        book.mark_opened(token, list(open_fields))
        return result

    def assign(self, token_id: int | str, to: str, deed: Evidence) -> TransactionResult:
        """Assigns the right to ``to``, recording the hash of the deed (a file, or a 32-byte hash)."""
        token = self._chain.resolve(token_id)
        recipient = self._chain.address_of(to)
        deed_hash = evidence_hash(deed, what="deed")
        call = self._chain.registry.functions.assign(token, recipient, deed_hash)
        return self._chain.sender.send(self._chain.signer, call, action="assign")[0]

    def transfer(self, token_id: int | str, to: str) -> TransactionResult:
        """A plain ERC-721 ``transferFrom`` from the current owner, as wallets do it (no deed recorded)."""
        token = self._chain.resolve(token_id)
        self._chain.require_exists(token)
        owner = str(self._chain.read(self._chain.registry.functions.ownerOf(token), "read owner"))
        call = self._chain.registry.functions.transferFrom(owner, self._chain.address_of(to), token)
        return self._chain.sender.send(self._chain.signer, call, action="transfer")[0]

    def freeze(self, token_id: int | str, order: Evidence) -> TransactionResult:
        """Registrar: freezes the right under a court order or decision (a file, or its 32-byte hash)."""
        call = self._chain.registry.functions.freeze(self._chain.resolve(token_id), evidence_hash(order, what="order"))
        return self._chain.sender.send(self._chain.signer, call, action="freeze")[0]

    def unfreeze(self, token_id: int | str, order: Evidence) -> TransactionResult:
        """Registrar: lifts the freeze."""
        call = self._chain.registry.functions.unfreeze(
            self._chain.resolve(token_id), evidence_hash(order, what="order")
        )
        return self._chain.sender.send(self._chain.signer, call, action="unfreeze")[0]

    def force_transfer(self, token_id: int | str, to: str, order: Evidence) -> TransactionResult:
        """Registrar: moves the right without its owner, under a court order or decision."""
        call = self._chain.registry.functions.forceTransfer(
            self._chain.resolve(token_id), self._chain.address_of(to), evidence_hash(order, what="order")
        )
        return self._chain.sender.send(self._chain.signer, call, action="force transfer")[0]

    def can_transfer(self, token_id: int | str, sender: str, recipient: str) -> bool:
        """Whether the registry's rules let the right move from ``sender`` to ``recipient`` now (ERC-7943
        ``canTransfer``): false while the registry is paused, for a frozen or dispute-locked right, for a revoked or
        unknown one, and for the zero address as recipient. Whether ``sender`` holds the right, and who may move it
        for them, is not asked (the standard leaves ownership and approval out); nor whether a receiving contract
        accepts it."""
        token = self._chain.resolve(token_id)
        call = self._chain.registry.functions.canTransfer(
            self._chain.address_of(sender), self._chain.address_of(recipient), token
        )
        return bool(self._chain.read(call, "check transfer"))

    def revoke(self, token_id: int | str, order: Evidence) -> TransactionResult:
        """Registrar: burns the right under a court order or decision (frozen or disputed rights too). Vouchers
        outstanding for it and claims committed up to this block can no longer register it (RevokedRight); a
        registrar's own ``register`` can."""
        call = self._chain.registry.functions.revoke(self._chain.resolve(token_id), evidence_hash(order, what="order"))
        return self._chain.sender.send(self._chain.signer, call, action="revoke")[0]

    def get(self, token_id: int | str) -> RightRecord:
        """The right's record: on-chain fields, its numbers and its latest public record (title, parties, dates).

        ``token_id`` is a token id or any of the right's official numbers (``"ZL 2020 1 0123456.2"``). A revoked
        right is returned with status ``revoked`` and who revoked it when. With a loan desk attached, its ``pledges``
        say whom the right (or some of its shares) is pledged to, under which agreement, due when."""
        token = self._chain.resolve(token_id)
        logs, _ = self._chain.logs(token, loans=True)
        return right_record(self._chain, token, logs)


def right_record(
    chain: Chain, token: int, logs: list[Any], block: int | None = None, *, proven: ProvenRight | None = None
) -> RightRecord:
    """The right's record on ``chain`` from its logs and, as of ``block``, the registry's ``recordOf``; with
    ``proven`` (a trusted verify) from the proven ownership word instead, judged at the checkpoint's time."""
    registered_index = next((i for i in range(len(logs) - 1, -1, -1) if logs[i].name == "RightRegistered"), None)
    if registered_index is None:
        if not logs:
            raise chain.refuse("UnknownToken(uint256)", ["uint256"], [token], "read")
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
    # The loans of the right's current life (a right registered again after a revocation starts free).
    pledges = pledges_from_logs(
        [log for log in life if block is None or log.block <= block],
        chain.block_time if proven is None else proven.timestamps,
    )
    common: dict[str, Any] = {
        "token_id": token,
        "token_id_hex": hex(token),
        "content_hash": registered.args["contentHash"],
        "registrar": None if is_zero_address(registered.args["registrar"]) else registered.args["registrar"],
        "registration_tx": registered.tx_hash,
        "registration_block": registered.block,
        "numbers": numbers,
        "family": family,
        "pledges": pledges,
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
                else chain.block_time(revocation.block),
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
            pledged=packed.pledged,
            **common,
        )
    raw = chain.read(chain.registry.functions.recordOf(token), "read", block=block)
    owner, kind, jurisdiction, registered_at, expiry, status, self_declared, dispute_locked, pledged = raw
    return RightRecord(
        owner=owner,
        kind=RightKind.from_chain(kind),
        jurisdiction=bytes(jurisdiction).decode("ascii"),
        status=_STATUS[status],
        self_declared=self_declared,
        registered_at=dt.datetime.fromtimestamp(registered_at, dt.UTC),
        expiry=dt.datetime.fromtimestamp(expiry, dt.UTC) if expiry else None,
        dispute_locked=dispute_locked,
        pledged=pledged,
        **common,
    )


def as_published(metadata: IPMetadata, public: PublicRecord | None, *, sealed: set[str]) -> IPMetadata:
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
