"""``ledger.audit``: what an auditor asks of a right. Its history (from the node or the event index), its
verification (trusted, against the node; or trustless, proven against a checkpoint), and the index's own check."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ipledger._client import SubClient
from ipledger._exceptions import ContractRevertError, InvalidInputError, NotFoundError
from ipledger._licensing import field_labels_of
from ipledger._rights import as_published, right_record
from ipledger.audit._history import build_history, merge_history, packed_numbers
from ipledger.audit._history_chain import HistoryWord, chain_head
from ipledger.audit._index import DEFAULT_MAX_INDEX_LAG, EventIndex
from ipledger.audit._index_db import database_errors
from ipledger.audit._proof_bundle import RecordingRpc, write_bundle
from ipledger.audit._proofs import ProvenRight, TrustlessVerifier, chain_id_check, code_check
from ipledger.audit._report import AuditReport, build_report
from ipledger.audit._rights_checks import dispute_check, license_check, rights_notices
from ipledger.audit._verify import (
    custody_check,
    notices_for,
    pledge_check,
    pledge_notices,
    proven_content_check,
    proven_rights_check,
    shares_check,
    verdict_of,
)
from ipledger.chain._chain import REGISTRY_CONTRACT, is_zero_address
from ipledger.chain._events import CUSTODY_EVENTS, EVENT_SIGNATURES, DecodedLog
from ipledger.models._models import (
    Check,
    History,
    HistoryEvent,
    IndexVerification,
    IPMetadata,
    RightRecord,
    RightStatus,
    VerificationReport,
)
from ipledger.models._numbers import parse_number_for
from ipledger.models._requests import Document, hash_documents
from ipledger.models._rights_models import Attestation, Dispute, License

if TYPE_CHECKING:
    from ipledger._results import SourcedHistory

__all__ = ["Audit"]


def _hex32(value: bytes) -> str:
    return "0x" + value.hex()


class Audit(SubClient):
    """``ledger.audit``: :meth:`history`, :meth:`verify` (trusted, or proven against a checkpoint with
    ``trust_block_hash``) and :meth:`verify_index`."""

    name = "audit"

    def index(self, *, home: Path | None = None) -> EventIndex:
        """This registry's event index in ``$IPLEDGER_HOME/index`` (or ``home``/index): open it, then keep it up to
        date with ``index.sync(ledger.chain)``; :meth:`history` and :meth:`verify` take it as ``index=``."""
        return EventIndex.for_ledger(self._chain, home=home)

    def report(
        self,
        *,
        token: int | str | None = None,
        owner: str | None = None,
        all_rights: bool = False,
        at: dt.date | dt.datetime | None = None,
    ) -> AuditReport:
        """The audit report of one right (``token``, a token id or any official number), an ``owner``'s portfolio
        or every right (``all_rights``), as at ``at`` (default: the latest block); exactly one scope. Render it with
        :func:`~ipledger.render_report`, sign it with :func:`~ipledger.sign_report` (docs/reports.md)."""
        right = None if token is None else self._chain.resolve(token)
        return build_report(self._ledger, token=right, owner=owner, all_rights_=all_rights, at=at)

    def history(
        self, token_id: int | str, *, index: EventIndex | None = None, max_index_lag: int = DEFAULT_MAX_INDEX_LAG
    ) -> History:
        """Everything that happened to the right, in chain order, from a few ``eth_getLogs`` calls.

        With ``index`` (an :class:`~ipledger.EventIndex` of this registry) the history comes from the index when it
        is at most ``max_index_lag`` blocks behind the chain head (default
        :data:`~ipledger.DEFAULT_MAX_INDEX_LAG`; 0: synced exactly to the head), its latest block is still the node's
        and it follows a share vault (the one this ledger is attached to, if any); it syncs the gap first (a file
        it cannot write answers from where it is: :meth:`sourced_history` says how far behind). Otherwise the
        history comes from the node.
        """
        answer = self.sourced_history(token_id, index=index, max_index_lag=max_index_lag)
        return History(token_id=answer.token_id, token_id_hex=answer.token_id_hex, events=answer.events)

    def history_with_source(
        self, token: int, index: EventIndex | None, *, max_index_lag: int = DEFAULT_MAX_INDEX_LAG
    ) -> tuple[History, Literal["index", "node"]]:
        """The right's history (see :meth:`history`) and where it came from."""
        answer = self.sourced_history(token, index=index, max_index_lag=max_index_lag)
        history = History(token_id=answer.token_id, token_id_hex=answer.token_id_hex, events=answer.events)
        return history, answer.source

    def sourced_history(
        self, token_id: int | str, *, index: EventIndex | None = None, max_index_lag: int = DEFAULT_MAX_INDEX_LAG
    ) -> SourcedHistory:
        """The right's history (see :meth:`history`), where it came from, and from the index how far behind the
        chain head it answered."""
        from ipledger._results import SourcedHistory  # the CLI's result models import this module

        if max_index_lag < 0:
            raise InvalidInputError(f"max_index_lag must be 0 or more blocks, not {max_index_lag}")
        token = self._chain.resolve(token_id)
        if index is not None:
            if index.registry.lower() != self._chain.registry_address.lower() or index.chain_id != self._chain.chain_id:
                raise InvalidInputError(f"the index {index.location} is not the index of this registry")
            head = self._chain.head()
            if self._refusal(index, head, max_index_lag) is None:
                if index.cursor < head and not index.read_only and self._follows_the_modules(index):
                    # A read-only file, or one a long sync holds, answers from its cursor.
                    with contextlib.suppress(*database_errors()):
                        index.sync(self._chain, to_block=head)
                cursor = index.cursor
                try:
                    history = index.history(token)
                except NotFoundError:
                    if cursor >= head:
                        raise
                    history = None  # registered in the gap the index could not sync: the node knows it
                if history is not None:
                    return SourcedHistory(
                        **dict(history), source="index", index_block=cursor, index_behind=max(head - cursor, 0)
                    )
        logs, _ = self._chain.logs(token, custody=True)
        if not logs:
            self._chain.require_exists(token)
        events = build_history(self._chain.rpc, logs)
        return SourcedHistory(token_id=token, token_id_hex=hex(token), events=events, source="node")

    def index_refusal(self, index: EventIndex, *, max_index_lag: int = DEFAULT_MAX_INDEX_LAG) -> str | None:
        """Why ``index`` cannot stand in for the node now (``None``: it can): it is more than ``max_index_lag``
        blocks behind the chain head, or ahead of it (another chain, or a reorganization), or its latest block is not
        the node's, or it lacks share vault events the node would give (it follows no vault, or another one than the
        attached vault)."""
        return self._refusal(index, self._chain.head(), max_index_lag)

    def _follows_the_modules(self, index: EventIndex) -> bool:
        """Whether ``index`` follows every rights-in-use module and the loan desk attached: only then does syncing it
        add the gap alone (a module it lacks would make the sync index the whole chain again)."""
        followed = {address.lower() for address in index.modules}
        attached = {address.lower() for address in self._chain.module_addresses().values() if address is not None}
        desk = self._chain.attached_address("loans")
        return attached | ({desk.lower()} if desk else set()) <= followed

    def _refusal(self, index: EventIndex, head: int, max_index_lag: int) -> str | None:
        cursor = index.cursor
        if cursor < head - max_index_lag:
            allowed = "" if max_index_lag == 0 else f", more than the {max_index_lag} allowed"
            return f"the index is {head - cursor} block(s) behind the chain head{allowed} (sync it)"
        if cursor > head:
            return f"the index is {cursor - head} block(s) ahead of the chain head: another chain, or a reorganization"
        stored = index.cursor_hash
        if stored is not None:
            block = self._chain.rpc.call("eth_getBlockByNumber", [hex(cursor), False])
            if block is None or str(block["hash"]).lower() != stored.lower():
                return "the index's latest block is not the node's: another chain, or a reorganization (sync it)"
        vault = self._chain.attached_address("vault")
        if index.vault is None:
            return "the index follows no share vault, so it lacks fractionalizations and redemptions"
        if vault is not None and index.vault.lower() != vault.lower():
            return f"the index follows the share vault {index.vault}, not {vault}"
        return None

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
        token = self._chain.resolve(token_id)
        latest = self._chain.head()
        head = latest if block is None else block
        verifier = proven = None
        if trust_block_hash is not None:
            if block is not None:
                raise InvalidInputError("give either a block or trusted block hashes, not both")
            source = RecordingRpc(self._chain.rpc) if bundle is not None else None
            verifier = TrustlessVerifier(source or self._chain.rpc, trust_block_hash)
            head = verifier.block
            proven = self._prove(verifier, token)
            modules = self._proven_modules(proven)
            checks = []
            if proven.logs is not None:
                checks = self._proven_code_checks(proven, head, source)
                checks.append(verifier.modules_check(proven, self._chain.registry_address, modules))
            if source is not None and bundle is not None:
                # Written whatever the proofs say: a bundle of a node's lies lets anyone see them fail offline.
                write_bundle(
                    Path(bundle),
                    source,
                    registry=self._chain.registry_address,
                    token_id=token,
                    modules=modules,
                    chain_id=self._chain.chain_id,
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
                raise self._chain.refuse("UnknownToken(uint256)", ["uint256"], [token], "read")
        else:
            logs, _ = self._chain.logs(token, head, custody=True)
            checks = [self._code_check()]
            if not any(log.name == "RightRegistered" for log in logs):
                self._chain.require_exists(token, head)
        record = right_record(self._chain, token, logs, head, proven=proven)
        revoked = record.status is RightStatus.REVOKED
        vault = self._chain.attached_address("vault")
        events = (
            build_history(self._chain.rpc, logs)
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
                share_token = str(
                    self._chain.read(self._chain.vault.functions.shareTokenOf(token), "verify", block=head)
                )
                shares = None if is_zero_address(share_token) else share_token
            if shares is not None and record.owner == vault:
                cap_table = (
                    index.cap_table(token, at_block=head)
                    if proven is not None and index is not None and self._index_covers(index, head)
                    else self._ledger.shares.cap_table(token, block=head)
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
        pledged = pledge_check(record, desk=self._chain.attached_address("loans"))
        if pledged is not None:
            checks.append(pledged)
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
            at = dt.datetime.fromtimestamp(
                self._chain.chain_time() if block is None else self._chain.block_time(head), dt.UTC
            )
        if self._chain.optional("licenses") is not None:
            checks.append(license_check(licenses, at))
        if self._chain.optional("disputes") is not None:
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
            + pledge_notices(record)
            + self._provisional_numbers(events)
            + rights_notices(licenses, attestations, disputes),
            licenses=licenses,
            attestations=attestations,
            disputes=disputes,
            record=record,
            events=events,
            registry=self._chain.registry_address,
            chain_id=self._chain.chain_id,
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
        if index.registry.lower() != self._chain.registry_address.lower() or index.chain_id != self._chain.chain_id:
            raise InvalidInputError(f"the index {index.location} is not the index of this registry")
        verifier = TrustlessVerifier(self._chain.rpc, trust_block_hash)
        block = verifier.block
        if index.cursor < block:
            raise InvalidInputError(
                f"the index is synced up to block {index.cursor}, before the trusted block {block}: sync it first"
            )
        grouped = index.linked_logs(block)
        contracts = index.history_contracts
        tokens = sorted({token for _, token in grouped}) if token_id is None else [self._chain.resolve(token_id)]
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
        vault = (self._chain.attached_address("vault") or "").lower() or None
        return (
            index.registry.lower() == self._chain.registry_address.lower()
            and index.chain_id == self._chain.chain_id
            and index.cursor >= block
            and (index.vault or "").lower() == (vault or "")
        )

    def _proven_modules(self, proven: ProvenRight) -> dict[str, str]:
        """The attached modules whose histories ``proven`` holds, by role (``licenses``, ``attestations``,
        ``disputes``, ``vault``, ``loans``)."""
        attached = (
            ("licenses", self._chain.optional("licenses")),
            ("attestations", self._chain.optional("attestations")),
            ("disputes", self._chain.optional("disputes")),
            ("vault", self._chain.optional("vault")),
            ("loans", self._chain.optional("loans")),
        )
        return {
            role: str(contract.address)
            for role, contract in attached
            if contract is not None and str(contract.address).lower() in proven.code_hashes
        }

    def _history_modules(self) -> list[str]:
        """The attached modules that keep a history commitment: licences, attestations, disputes, the loan desk and
        the share vault."""
        return [
            str(contract.address)
            for contract in (
                self._chain.optional("licenses"),
                self._chain.optional("attestations"),
                self._chain.optional("disputes"),
                self._chain.optional("loans"),
                self._chain.optional("vault"),
            )
            if contract is not None
        ]

    def _prove(self, verifier: TrustlessVerifier, token: int) -> ProvenRight:
        """The right proven at the verifier's checkpoint, in the registry and in every module attached that keeps a
        history commitment (licences, attestations, disputes, the loan desk, and the share vault, attached or found
        among the proven holders). An attestation registry, dispute manager or loan desk not attached is looked for
        among the registry's role grants (a scan of the chain), and a loan desk among the proven pledge locks: the
        node names it, and ``modules_check`` proves it holds the registry's role."""
        self._chain.discover_modules()
        proven = verifier.prove(registry=self._chain.registry_address, token_id=token, modules=self._history_modules())
        if proven.logs is None:
            return proven
        found_vault = self._chain.optional("vault") is None and self._chain.discover_vault(proven.logs)
        found_desk = self._chain.optional("loans") is None and self._chain.discover_desk(proven.logs)
        if found_vault or found_desk:
            proven = verifier.prove(
                registry=self._chain.registry_address, token_id=token, modules=self._history_modules()
            )
        return proven

    def _claimed_owner(self, token: int, block: int) -> str | None:
        """The owner the node reports at ``block`` (``None`` when it says the token does not exist)."""
        try:
            return str(self._chain.read(self._chain.registry.functions.ownerOf(token), "verify", block=block))
        except ContractRevertError:
            return None

    def _proven_code_checks(self, proven: ProvenRight, block: int, source: RecordingRpc | None) -> list[Check]:
        """The registry code and the chain id, from the code the node returns, checked against the proven code
        hash."""
        rpc = source or self._chain.rpc
        code = bytes.fromhex(str(rpc.call("eth_getCode", [self._chain.registry_address, hex(block)]))[2:])
        artifact = self._chain.artifact
        checks = [code_check(proven, code, matches_artifact=artifact.runtime_matches(code))]
        if checks[0].name == "registry_code":
            spans = [
                (span["start"], span["length"]) for spans in artifact.immutable_references.values() for span in spans
            ]
            checks.append(
                chain_id_check(
                    code, claimed=self._chain.chain_id, registry=self._chain.registry_address, immutable_spans=spans
                )
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
            registry=self._chain.registry_address,
            chain_id=self._chain.chain_id,
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
                and not self._chain.has_role("registrar", event.by)
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
            self._chain.discover_modules()
        at = self._chain.block_time(block) if proven is None else proven.timestamp
        licenses: list[License] = []
        if self._chain.optional("licenses") is not None:
            licenses = (
                self._ledger.licenses.of(token, at=at, block=block)
                if proven is None
                else self._ledger.licenses.of_proven(token, at, block, field_labels_of(proven.logs or []))
            )
        attestations = (
            []
            if self._chain.optional("attestations") is None
            else self._ledger.attestations.of(token, at=at, block=block)
        )
        disputes = [] if self._chain.optional("disputes") is None else self._ledger.disputes.of(token, block=block)
        return licenses, attestations, disputes

    def _code_check(self) -> Check:
        matches = self._chain.code_matches(self._chain.registry_address)
        version = self._chain.artifact.compiler.get("version", "?")
        return Check(
            name="registry_code",
            ok=matches,
            detail=f"runtime code matches the shipped {REGISTRY_CONTRACT} artifact (solc {version})"
            if matches
            else "runtime code differs from the shipped artifact: not the registry this SDK ships",
        )

    def _content_key_check(self, token: int, record: RightRecord, block: int | None = None) -> Check:
        content = bytes.fromhex(record.content_hash[2:])
        stored = int(self._chain.read(self._chain.registry.functions.tokenOfContent(content), "verify", block=block))
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
        expected = as_published(metadata, public, sealed=set(public.sealed) if public else set())
        opened = {name: bytes.fromhex(salt) for name, salt in (public.opened if public else {}).items()}
        salts = {**self._chain.salt_book().field_salts(record.token_id), **opened}
        missing = [name for name in expected.confidential if name not in salts]
        if missing:
            return Check(
                name="metadata",
                ok=False,
                detail=f"cannot seal {', '.join(missing)}: no salt of token {record.token_id_hex} in "
                f"{self._chain.salt_book().path}",
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
    """The share token of the right's latest fractionalization, unless a redemption, a lost custody or a successful
    buyout ended it."""
    vault_events = [log for log in logs if log.name in CUSTODY_EVENTS]
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
