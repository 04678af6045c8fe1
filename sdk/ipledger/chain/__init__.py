"""The chain: JSON-RPC with retries, accounts and the one EIP-712 signer, the one sender (single and pipelined),
revert decoding, logs and events, the role table, and :class:`~ipledger.Chain` (``ledger.chain``), which every
sub-client reads and sends through."""
