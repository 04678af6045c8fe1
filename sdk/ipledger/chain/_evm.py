"""Whether the chain's EVM runs the shipped contracts, asked once per connection before anything is deployed or sent.

The artifacts are compiled for Cancun (``evmVersion`` in scripts/compile.py): solc emits PUSH0 (Shanghai) and MCOPY
(Cancun), and ShareToken's ``_forcing`` flag and OpenZeppelin's ``ReentrancyGuardTransient`` use transient storage
(TSTORE/TLOAD, Cancun). An older EVM fails them in ways that name nothing useful: before Shanghai the deployment's gas
estimate fails; on Shanghai the contracts deploy, then licence, share and market calls fail.

The probe is one ``eth_call`` of a creation code of 19 bytes that stores 42 in transient storage, loads it, copies it
in memory with MCOPY and returns it, pushing its zeros with PUSH0. A Cancun EVM returns 42. Only when it does not,
three probes of one feature each (in one batch) name what is missing. An answer that shows no missing instruction
(a node that refuses creation calls, say) is not held against the chain: the send goes ahead and any failure then
speaks for itself.
"""

from __future__ import annotations

from ipledger._exceptions import UnsupportedEvmError
from ipledger.chain._node_answers import CONTRACTS_EVM, MISSING_OPCODE
from ipledger.chain._rpc import Rpc, RpcResponseError

__all__ = ["EVM_PROBE", "missing_features", "require_contracts_evm"]

_FORTY_TWO = "0x" + "00" * 31 + "2a"
#: PUSH1 42 PUSH0 TSTORE; PUSH0 TLOAD PUSH0 MSTORE; PUSH1 32 PUSH0 PUSH1 32 MCOPY; PUSH1 32 PUSH1 32 RETURN.
EVM_PROBE = "0x602a5f5d5f5c5f5260205f60205e60206020f3"
#: One feature each (the last two without PUSH0), by name: the hardfork that brought it, its probe, the answer.
_FEATURE_PROBES = {
    # PUSH0 PUSH0 RETURN: returns nothing.
    "PUSH0": ("Shanghai", "0x5f5ff3", "0x"),
    # mstore(0, 42); mcopy(32, 0, 32); return(32, 32).
    "MCOPY": ("Cancun", "0x602a6000526020600060205e60206020f3", _FORTY_TWO),
    # tstore(0, 42); mstore(0, tload(0)); return(0, 32).
    "transient storage": ("Cancun", "0x602a60005d60005c60005260206000f3", _FORTY_TWO),
}
_HARDFORKS = ("Shanghai", "Cancun")


def _runs(answer: object, expected: str) -> bool | None:
    """Whether a probe's answer shows the feature: ``True`` (the expected result), ``False`` (a missing instruction),
    ``None`` (neither: the node refused the request for another reason)."""
    if isinstance(answer, RpcResponseError):
        return False if any(text in answer.rpc_message.lower() for text in MISSING_OPCODE) else None
    return isinstance(answer, str) and answer.lower() == expected


def _call(rpc: Rpc, code: str) -> object:
    """The answer to running creation code ``code`` on the latest state: its result, or the node's error answer."""
    try:
        return rpc.call("eth_call", [{"data": code}, "latest"])
    except RpcResponseError as error:
        return error


def missing_features(rpc: Rpc) -> tuple[str, ...]:
    """The features of the contracts' EVM the chain lacks (``"PUSH0"``, ``"MCOPY"``, ``"transient storage"``);
    empty when it has them all, or when its answers show no missing instruction. One ``eth_call`` when nothing is
    missing."""
    if _runs(_call(rpc, EVM_PROBE), _FORTY_TWO):
        return ()
    answers = rpc.batch_settled([("eth_call", [{"data": code}, "latest"]) for _, code, _ in _FEATURE_PROBES.values()])
    return tuple(
        name
        for (name, (_, _, expected)), answer in zip(_FEATURE_PROBES.items(), answers, strict=True)
        if _runs(answer, expected) is False
    )


def require_contracts_evm(rpc: Rpc, *, action: str | None = None) -> None:
    """Refuses (:class:`~ipledger.UnsupportedEvmError`, naming what is missing and the hardfork needed) a chain whose
    EVM lacks an instruction the shipped contracts use."""
    missing = missing_features(rpc)
    if not missing:
        return
    forks = {_FEATURE_PROBES[name][0] for name in missing}
    predates = next(fork for fork in _HARDFORKS if fork in forks)
    raise UnsupportedEvmError(
        missing=missing, predates=predates, needed=CONTRACTS_EVM, endpoint=rpc.endpoint, action=action
    )
