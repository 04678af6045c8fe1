"""Proof bundles: every node answer a trusted verify rested on, written to a file and re-checked offline.

A bundle records the JSON-RPC answers the verifier used (the checkpoint headers, the ``eth_getProof`` answers, the
single-block ``eth_getLogs`` and headers of the history walk, the registry code) with what was verified. Re-checking
it runs the same verifier over the recorded answers with no node: a trusted block hash given by the auditor, not the
bundle, is the anchor, so an altered bundle fails its proofs exactly as a lying node does.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from ipledger._artifacts import load_artifact
from ipledger._exceptions import InvalidInputError, NodeError
from ipledger.audit._proofs import ProofRpc, TrustlessVerifier, chain_id_check, code_check
from ipledger.models._model_base import _Out
from ipledger.models._models import Check

__all__ = ["BUNDLE_FORMAT", "BundleRpc", "BundleVerification", "RecordingRpc", "verify_bundle", "write_bundle"]

BUNDLE_FORMAT = "ipledger-proof-bundle/1"


def _key(method: str, params: Sequence[Any]) -> str:
    return json.dumps([method, list(params)], sort_keys=True)


class RecordingRpc:
    """Forwards to a node and keeps every answer, for a bundle."""

    def __init__(self, rpc: ProofRpc) -> None:
        self._rpc = rpc
        self.answers: dict[str, Any] = {}

    @property
    def endpoint(self) -> str | None:
        return self._rpc.endpoint

    def call(self, method: str, params: Sequence[Any]) -> Any:
        result = self._rpc.call(method, params)
        self.answers[_key(method, params)] = result
        return result

    def batch(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        results = self._rpc.batch(requests_)
        for (method, params), result in zip(requests_, results, strict=True):
            self.answers[_key(method, params)] = result
        return results


class BundleRpc:
    """Answers from a bundle only; a request it does not hold is a :class:`~ipledger.NodeError`."""

    def __init__(self, answers: dict[str, Any], path: Path) -> None:
        self._answers = answers
        self._path = path

    @property
    def endpoint(self) -> str | None:
        return str(self._path)

    def call(self, method: str, params: Sequence[Any]) -> Any:
        key = _key(method, params)
        if key not in self._answers:
            raise NodeError(f"the bundle holds no answer to {method} {list(params)}", endpoint=str(self._path))
        return self._answers[key]

    def batch(self, requests_: Sequence[tuple[str, Sequence[Any]]]) -> list[Any]:
        return [self.call(method, params) for method, params in requests_]


def write_bundle(
    path: Path,
    recording: RecordingRpc,
    *,
    registry: str,
    token_id: int,
    modules: Mapping[str, str],
    chain_id: int,
    block: int,
) -> None:
    """Writes the recorded answers and what they verify to ``path`` (JSON, UTF-8)."""
    payload = {
        "format": BUNDLE_FORMAT,
        "registry": registry,
        "token_id": hex(token_id),
        "modules": dict(modules),
        "chain_id": chain_id,
        "block": block,
        "answers": recording.answers,
    }
    path.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", "utf-8")


class BundleVerification(_Out):
    """A bundle re-checked offline against a trusted block hash: the proof checks and their verdict."""

    token_id: int
    token_id_hex: str
    registry: str
    chain_id: int
    checked_at_block: int
    verdict: Literal["verified", "inconclusive"]
    checks: list[Check]
    events: int
    #: The modules proven beside the registry, by role: the verdict covers these and nothing else.
    modules: dict[str, str]


def verify_bundle(path: Path, trust_block_hash: str | Sequence[str]) -> BundleVerification:
    """Re-checks the bundle at ``path`` against the trusted block hash(es), with no node: the same proofs as the
    trusted verify, the registry code against the shipped artifact and the chain id against its immutables.

    Raises :class:`~ipledger.InvalidInputError` for a file that is not a bundle.
    """
    try:
        payload = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidInputError(f"bundle {path}: not a readable JSON file ({type(exc).__name__})") from None
    if not isinstance(payload, dict) or payload.get("format") != BUNDLE_FORMAT:
        raise InvalidInputError(f"bundle {path}: not an ipledger proof bundle (format {BUNDLE_FORMAT})")
    rpc = BundleRpc(payload["answers"], path)
    token_id = int(payload["token_id"], 16)
    registry = str(payload["registry"])
    verifier = TrustlessVerifier(rpc, trust_block_hash)
    modules = payload["modules"]
    if not isinstance(modules, dict):
        raise InvalidInputError(f"bundle {path}: its modules are not named by role (an older bundle?)")
    proven = verifier.prove(registry=registry, token_id=token_id, modules=list(modules.values()))
    checks = list(proven.checks)
    if proven.logs is not None:
        artifact = load_artifact("IPRegistry")
        code = bytes.fromhex(str(rpc.call("eth_getCode", [registry, hex(proven.block)]))[2:])
        spans = [(span["start"], span["length"]) for group in artifact.immutable_references.values() for span in group]
        checks.append(code_check(proven, code, matches_artifact=artifact.runtime_matches(code)))
        checks.append(chain_id_check(code, claimed=int(payload["chain_id"]), registry=registry, immutable_spans=spans))
        checks.append(verifier.modules_check(proven, registry, modules))
    ok = all(check.ok for check in checks)
    return BundleVerification(
        token_id=token_id,
        token_id_hex=hex(token_id),
        registry=registry,
        chain_id=int(payload["chain_id"]),
        checked_at_block=proven.block,
        verdict="verified" if ok else "inconclusive",
        checks=checks,
        events=len(proven.logs or []),
        modules=modules,
    )
