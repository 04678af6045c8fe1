"""How nodes word their refusals of a raw transaction (geth, anvil, Nethermind, Besu), matched in lower case."""

from __future__ import annotations

__all__ = ["ALREADY_KNOWN", "NONCE_TOO_LOW", "UNDERPRICED"]

#: This very transaction (same hash) is in the node's pool already.
ALREADY_KNOWN = ("already known", "known transaction", "already imported")
#: The nonce is mined already (by this transaction or another).
NONCE_TOO_LOW = ("nonce too low", "nonce is too low")
#: Another transaction with this nonce is pending, with fees this one does not beat by enough.
UNDERPRICED = ("replacement transaction underpriced", "replacement fee too low")
