"""The local node: the anvil chain in ``$IPLEDGER_HOME`` and the deployment records kept beside it."""
