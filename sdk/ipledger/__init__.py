"""ipledger: register, trade and audit intellectual-property rights as tokens on any EVM chain.

The whole public API is re-exported here; modules with a leading underscore are private.
"""

from ._accounts import Signer, dev_account
from ._exceptions import (
    AccountError,
    ContractRevertError,
    DocumentError,
    DuplicateRightError,
    InvalidInputError,
    IPLedgerError,
    MetadataError,
    NodeError,
    NodeNotRunningError,
    NotFoundError,
    RegistryError,
    TokenFrozenError,
    TransactionError,
    UnauthorizedError,
    UnknownTokenError,
)
from ._hashing import bundle_hash, canonical_json, hash_file, normalize_number, official_identifier, right_id
from ._ledger import ClaimTicket, Ledger, RegistrationRequest, Voucher, hash_documents, parse_token_id
from ._models import (
    Check,
    DocumentRef,
    History,
    HistoryEvent,
    IPMetadata,
    RegistrationResult,
    RightKind,
    RightRecord,
    RightStatus,
    TransactionResult,
    VerificationReport,
    parse_metadata,
)
from ._node import NodeInfo, ipledger_home, local_node_status, start_local_node, start_node, stop_local_node, stop_node

__version__ = "0.1.0"

__all__ = [
    "AccountError",
    "Check",
    "ClaimTicket",
    "ContractRevertError",
    "DocumentError",
    "DocumentRef",
    "DuplicateRightError",
    "History",
    "HistoryEvent",
    "IPLedgerError",
    "IPMetadata",
    "InvalidInputError",
    "Ledger",
    "MetadataError",
    "NodeError",
    "NodeInfo",
    "NodeNotRunningError",
    "NotFoundError",
    "RegistrationRequest",
    "RegistrationResult",
    "RegistryError",
    "RightKind",
    "RightRecord",
    "RightStatus",
    "Signer",
    "TokenFrozenError",
    "TransactionError",
    "TransactionResult",
    "UnauthorizedError",
    "UnknownTokenError",
    "VerificationReport",
    "Voucher",
    "__version__",
    "bundle_hash",
    "canonical_json",
    "dev_account",
    "hash_documents",
    "hash_file",
    "ipledger_home",
    "local_node_status",
    "normalize_number",
    "official_identifier",
    "parse_metadata",
    "parse_token_id",
    "right_id",
    "start_local_node",
    "start_node",
    "stop_local_node",
    "stop_node",
]
