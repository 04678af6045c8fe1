"""What an auditor asks: histories, the trusted and trustless verification and their proofs, the event index and
the audit reports (``ledger.audit``)."""
