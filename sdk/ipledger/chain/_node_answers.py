"""How nodes word their refusals (geth, anvil, Nethermind, Besu), matched in lower case."""

from __future__ import annotations

__all__ = [
    "ALREADY_KNOWN",
    "CONTRACTS_EVM",
    "GAS_LIMIT_TOO_HIGH",
    "MISSING_OPCODE",
    "NEWER_OPCODES",
    "NONCE_TOO_LOW",
    "UNDERPRICED",
]

#: This very transaction (same hash) is in the node's pool already.
ALREADY_KNOWN = ("already known", "known transaction", "already imported")
#: The nonce is mined already (by this transaction or another).
NONCE_TOO_LOW = ("nonce too low", "nonce is too low")
#: Another transaction with this nonce is pending, with fees this one does not beat by enough.
UNDERPRICED = ("replacement transaction underpriced", "replacement fee too low")
#: The transaction asks more gas than the node lets one transaction use: the block's gas limit, or Osaka's cap of
#: 2**24 (EIP-7825). geth: "exceeds block gas limit", "transaction gas limit too high (cap: ..., tx: ...)"; anvil
#: 1.7: "intrinsic gas too high -- tx.gas_limit > env.cfg.tx_gas_limit_cap" (or "> env.block.gas_limit"); other revm
#: nodes: "caller gas limit exceeds the block gas limit", "... greater than the cap"; an estimate the limit cuts
#: short: "gas required exceeds allowance (N)" (geth), "...: N" (anvil).
GAS_LIMIT_TOO_HIGH = (
    "exceeds block gas limit",
    "exceeds the block gas limit",
    "gas limit too high",
    "greater than the cap",
    "gas limit cap",
    "gas_limit_cap",
    "tx.gas_limit >",
    "exceeds allowance",
)

#: The code ran into an instruction the node's EVM does not have: geth and Erigon say "invalid opcode: PUSH0", anvil
#: "NotActivated" (not in its hardfork) or "OpcodeNotFound", Besu "INVALID_OPERATION", Nethermind "BadInstruction".
MISSING_OPCODE = ("invalid opcode", "notactivated", "opcodenotfound", "invalid_operation", "badinstruction")
#: The hardfork the shipped contracts are compiled for (``evmVersion`` in scripts/compile.py and the artifacts).
CONTRACTS_EVM = "Cancun"
#: Instructions those contracts may use that older EVMs lack, by the hardfork that brought them.
NEWER_OPCODES = {
    "PUSH0": "Shanghai",
    "MCOPY": "Cancun",
    "TLOAD": "Cancun",
    "TSTORE": "Cancun",
    "BLOBHASH": "Cancun",
    "BLOBBASEFEE": "Cancun",
}
