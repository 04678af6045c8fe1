"""Helpers for the IPRegistry contract tests (imported by the test modules; fixtures live in conftest.py).

- ``reverts(name, *args)``: asserts a revert by custom error name AND arguments, comparing the raw revert data
  byte for byte with the ABI encoding of the expected error. Brownie 1.22 only exposes a decoded *string*
  (``"Name: arg, arg"``, addresses lower-cased, bytes as Python reprs); here the data comes from the JSON-RPC
  error of a call, or from ``debug_traceTransaction`` (callTracer) for a mined transaction.
- EIP-712 voucher signing with eth-account, and the Python twins of the contract's hashing and record packing.
- Raw EVM helpers: storage slots of Solady's ERC721, contracts deployed from hand-written bytecode, manual
  mining with automine off, calls with block overrides.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from brownie import web3
from brownie.exceptions import VirtualMachineError
from eth_abi import decode, encode
from eth_account import Account
from eth_account.messages import SignableMessage, encode_typed_data
from eth_utils import function_abi_to_4byte_selector, keccak, to_checksum_address
from hexbytes import HexBytes

# --------------------------------------------------------------------------------------------- constants

ZERO_ADDRESS = "0x0000000000000000000000000000000000000000"
ZERO_BYTES32 = b"\x00" * 32
DEFAULT_ADMIN_ROLE = ZERO_BYTES32
REGISTRAR_ROLE = keccak(text="REGISTRAR_ROLE")
GUARDIAN_ROLE = keccak(text="GUARDIAN_ROLE")
REVEAL_WINDOW = 7200

# Throwaway keys whose signatures the tests need (``accounts.add``); never funded outside this test chain.
VOUCHER_SIGNER_KEY = "0x" + "a1" * 32
ROGUE_SIGNER_KEY = "0x" + "b2" * 32

DOMAIN_NAME = "IPLedger Registry"
DOMAIN_VERSION = "1"

# Kinds (IIPRegistry.Kind) and statuses (IIPRegistry.Status).
PATENT, PATENT_APPLICATION, UTILITY_MODEL, DESIGN, TRADEMARK, COPYRIGHT, TRADE_SECRET, SHORT_TERM_PATENT = range(8)
ACTIVE, FROZEN, EXPIRED = range(3)

REGISTRATION_TYPE = "Registration(bytes32 contentHash,uint8 kind,uint40 expiry,uint256[] numbers,bytes metadata)"
REGISTRATION_TYPEHASH = keccak(text=REGISTRATION_TYPE)

EIP712_TYPES: dict[str, list[dict[str, str]]] = {
    "EIP712Domain": [
        {"name": "name", "type": "string"},
        {"name": "version", "type": "string"},
        {"name": "chainId", "type": "uint256"},
        {"name": "verifyingContract", "type": "address"},
    ],
    "Voucher": [
        {"name": "to", "type": "address"},
        {"name": "registration", "type": "Registration"},
        {"name": "nonce", "type": "uint256"},
        {"name": "deadline", "type": "uint256"},
    ],
    "Registration": [
        {"name": "contentHash", "type": "bytes32"},
        {"name": "kind", "type": "uint8"},
        {"name": "expiry", "type": "uint40"},
        {"name": "numbers", "type": "uint256[]"},
        {"name": "metadata", "type": "bytes"},
    ],
}

# Solady ERC721's storage seed and FlaggedApprovalERC721's approval flag (bit 3 of the extra data).
_ERC721_SLOT_SEED = 0x7D8825530A5A2E7A << 192
APPROVAL_FLAG_BIT = 160 + 3


# --------------------------------------------------------------------------------------------- domain data


def address_of(value: Any) -> str:
    """Checksummed address of a brownie Account / Contract / address string."""
    return str(to_checksum_address(str(getattr(value, "address", value))))


def b(value: Any) -> bytes:
    """Plain bytes of a brownie HexString / HexBytes / 0x-string (brownie's HexString refuses ``== bytes``)."""
    if isinstance(value, str):
        return bytes(HexBytes(value))
    return bytes(value)


# --------------------------------------------------------------------------------------------- official numbers

#: keccak256("ipledger.right.v2"): the domain of right ids and number keys (OfficialNumbers).
RIGHT_DOMAIN_V2 = keccak(b"ipledger.right.v2")
FAMILY = 1 << 248
_NUMBER_MASK = (1 << 248) - 1

#: The series the tests number rights in, per office: (series, first serial). Patent publication or grant numbers.
_TEST_SERIES = {
    b"US": (b"PN", 10_000_000),
    b"EP": (b"PN", 3_000_000),
    b"DE": (b"PN", 4_000_000),
    b"CN": (b"PN", 111_000_000),
}

#: The numbers of every right id these helpers made, so a test can write "the same right" as ``right_id=``.
_NUMBERS_OF_RIGHT: dict[int, tuple[int, ...]] = {}


def pack_number(office: bytes, series: bytes, serial: int, *, family: bool = False) -> int:
    """An official number packed as OfficialNumbers: flags, office, series, serial."""
    return (
        (FAMILY if family else 0) | int.from_bytes(office, "big") << 232 | int.from_bytes(series, "big") << 216 | serial
    )


def number_key(number: int) -> int:
    """OfficialNumbers.key: the token id of a right whose primary number is ``number``."""
    return int.from_bytes(keccak(RIGHT_DOMAIN_V2 + (number & _NUMBER_MASK).to_bytes(32, "big")), "big")


def sample_number(n: int, office: bytes = b"US") -> int:
    """The ``n``-th test number of ``office`` (a patent number; a know-how reference for other offices)."""
    series, first = _TEST_SERIES.get(office, (b"KH", 1))
    return pack_number(office, series, first + n)


@dataclass(frozen=True)
class Registration:
    """IIPRegistry.Registration; ``right_id`` is the key of the primary number, as the contract derives it."""

    numbers: tuple[int, ...]
    content_hash: bytes
    kind: int = PATENT
    expiry: int = 0
    metadata: bytes = b'{"title":"A right"}'

    def __post_init__(self) -> None:
        if self.numbers:
            _NUMBERS_OF_RIGHT.setdefault(self.right_id, self.numbers[:1])

    @property
    def right_id(self) -> int:
        return number_key(self.numbers[0])

    @property
    def jurisdiction(self) -> bytes:
        return (self.numbers[0] >> 232 & 0xFFFF).to_bytes(2, "big")

    def as_tuple(self) -> tuple[bytes, int, int, list[int], bytes]:
        return (self.content_hash, self.kind, self.expiry, list(self.numbers), self.metadata)

    def as_message(self) -> dict[str, Any]:
        return {
            "contentHash": self.content_hash,
            "kind": self.kind,
            "expiry": self.expiry,
            "numbers": list(self.numbers),
            "metadata": self.metadata,
        }

    def struct_hash(self) -> bytes:
        """EIP-712 hashStruct(Registration), as the contract's ``_hashRegistration``."""
        return keccak(
            encode(
                ["bytes32", "bytes32", "uint8", "uint40", "bytes32", "bytes32"],
                [
                    REGISTRATION_TYPEHASH,
                    self.content_hash,
                    self.kind,
                    self.expiry,
                    keccak(b"".join(number.to_bytes(32, "big") for number in self.numbers)),
                    keccak(self.metadata),
                ],
            )
        )


def make_registration(n: int, **overrides: Any) -> Registration:
    """A distinct, valid registration: a US patent number, contentHash = SHA-256 of a bundle.

    ``jurisdiction=`` numbers it in that office instead; ``right_id=`` registers the same right as an earlier
    registration these helpers made (its primary number).
    """
    office = overrides.pop("jurisdiction", b"US")
    right_id = overrides.pop("right_id", None)
    fields: dict[str, Any] = {
        "numbers": (sample_number(n, office),) if right_id is None else _NUMBERS_OF_RIGHT[right_id],
        "content_hash": hashlib.sha256(f"document bundle {n}".encode()).digest(),
        "metadata": f'{{"title":"Right {n}"}}'.encode(),
    }
    fields.update(overrides)
    return Registration(**fields)


@dataclass(frozen=True)
class Voucher:
    """IIPRegistry.Voucher."""

    to: str
    registration: Registration
    nonce: int = 0
    deadline: int = 2**40

    def as_tuple(self) -> tuple[Any, ...]:
        return (self.to, self.registration.as_tuple(), self.nonce, self.deadline)


def voucher_message(voucher: Voucher, *, chain_id: int, verifying_contract: str) -> SignableMessage:
    return encode_typed_data(
        full_message={
            "types": EIP712_TYPES,
            "primaryType": "Voucher",
            "domain": {
                "name": DOMAIN_NAME,
                "version": DOMAIN_VERSION,
                "chainId": chain_id,
                "verifyingContract": verifying_contract,
            },
            "message": {
                "to": voucher.to,
                "registration": voucher.registration.as_message(),
                "nonce": voucher.nonce,
                "deadline": voucher.deadline,
            },
        }
    )


def sign_voucher(private_key: str, voucher: Voucher, *, chain_id: int, verifying_contract: str) -> bytes:
    """65-byte r || s || v signature of the voucher's EIP-712 digest."""
    message = voucher_message(voucher, chain_id=chain_id, verifying_contract=verifying_contract)
    return bytes(Account.sign_message(message, private_key).signature)


def recover_voucher_signer(voucher: Voucher, signature: bytes, *, chain_id: int, verifying_contract: str) -> str:
    """The address ``ecrecover`` yields for ``signature`` over ``voucher`` in the given domain."""
    message = voucher_message(voucher, chain_id=chain_id, verifying_contract=verifying_contract)
    return str(Account.recover_message(message, signature=signature))


def domain_separator(*, chain_id: int, verifying_contract: str) -> bytes:
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [
                keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"),
                keccak(text=DOMAIN_NAME),
                keccak(text=DOMAIN_VERSION),
                chain_id,
                verifying_contract,
            ],
        )
    )


def commitment_for(claimant: Any, registration: Registration, salt: bytes) -> bytes:
    """keccak256(abi.encode(claimant, hashStruct(registration), salt)), as ``IPRegistry.commitmentFor``."""
    return keccak(encode(["address", "bytes32", "bytes32"], [address_of(claimant), registration.struct_hash(), salt]))


def pack_record(
    *,
    kind: int,
    jurisdiction: bytes,
    registered_at: int,
    expiry: int,
    self_declared: bool,
    frozen: bool = False,
    pledged: bool = False,
) -> int:
    """RecordPacking.pack (docs/storage.md): bit 0 frozen, 1 self-declared, 4..6 kind, 7 pledged,
    8..23 jurisdiction, 24..55 registration time, 56..95 expiry."""
    return (
        int(frozen)
        | int(self_declared) << 1
        | kind << 4
        | int(pledged) << 7
        | int.from_bytes(jurisdiction, "big") << 8
        | registered_at << 24
        | expiry << 56
    )


# --------------------------------------------------------------------------------------------- revert decoding


@dataclass(frozen=True)
class DecodedError:
    name: str
    args: tuple[Any, ...]
    data: bytes

    def __str__(self) -> str:
        return f"{self.name}({', '.join(_show(a) for a in self.args)})  [data 0x{self.data.hex()}]"


def _show(value: Any) -> str:
    return f"0x{value.hex()}" if isinstance(value, bytes) else repr(value)


@cache
def _error_table() -> tuple[dict[bytes, tuple[str, list[str]]], dict[str, tuple[bytes, list[str]]]]:
    """Custom errors of the IPRegistry ABI (its own, OpenZeppelin's and Solady's) plus Error and Panic."""
    from brownie import project

    (loaded,) = project.get_loaded_projects()
    entries: list[dict[str, Any]] = [e for e in loaded["IPRegistry"].abi if e["type"] == "error"]
    entries.append({"type": "error", "name": "Error", "inputs": [{"type": "string"}]})
    entries.append({"type": "error", "name": "Panic", "inputs": [{"type": "uint256"}]})
    by_selector: dict[bytes, tuple[str, list[str]]] = {}
    by_name: dict[str, tuple[bytes, list[str]]] = {}
    for entry in entries:
        types = [i["type"] for i in entry["inputs"]]
        selector = function_abi_to_4byte_selector(entry)
        assert entry["name"] not in by_name, f"overloaded error {entry['name']}"
        assert selector not in by_selector, f"selector clash {entry['name']}"
        by_selector[selector] = (entry["name"], types)
        by_name[entry["name"]] = (selector, types)
    return by_selector, by_name


def decode_error(data: bytes) -> DecodedError:
    if not data:
        return DecodedError("<no revert data>", (), b"")
    entry = _error_table()[0].get(data[:4])
    if entry is None:
        return DecodedError(f"<unknown selector 0x{data[:4].hex()}>", (), data)
    name, types = entry
    return DecodedError(name, tuple(decode(types, data[4:])), data)


def _abi_value(value: Any, abi_type: str) -> Any:
    if abi_type == "address":
        return address_of(value)
    if abi_type.startswith("bytes"):
        return b(value)
    return value


def encode_error(name: str, *args: Any) -> bytes:
    selector, types = _error_table()[1][name]
    assert len(args) == len(types), f"{name} takes {len(types)} arguments ({', '.join(types)}), got {len(args)}"
    return selector + encode(types, [_abi_value(a, t) for a, t in zip(args, types, strict=True)])


def tx_revert_data(txid: Any) -> bytes:
    """The revert data of a mined transaction (anvil's callTracer keeps it; brownie only keeps a string)."""
    response = web3.provider.make_request("debug_traceTransaction", [str(txid), {"tracer": "callTracer"}])
    frame = response["result"]
    assert "error" in frame, f"transaction {txid} did not revert"
    return bytes(HexBytes(frame.get("output", "0x")))


def revert_data(exc: BaseException) -> bytes:
    """The revert data behind a brownie VirtualMachineError (a reverted transaction or call)."""
    txid = getattr(exc, "txid", "")
    if txid:
        return tx_revert_data(txid)
    payload: Any = exc.args[0] if exc.args else None
    if isinstance(payload, Exception) and payload.args:
        payload = payload.args[0]
    if isinstance(payload, dict) and isinstance(payload.get("data"), str):
        return bytes(HexBytes(payload["data"]))
    raise AssertionError(f"no revert data in {exc!r}")


@dataclass
class RevertCapture:
    """What a ``reverts*`` block caught, for further assertions."""

    data: bytes = b""
    error: DecodedError | None = None
    exception: BaseException | None = field(default=None, repr=False)


def check_revert_data(data: bytes, name: str, *args: Any) -> DecodedError:
    """Asserts that ``data`` is exactly the ABI encoding of ``name(args)``; returns the decoded error."""
    actual = decode_error(data)
    if data != encode_error(name, *args):
        types = _error_table()[1][name][1]
        wanted = ", ".join(_show(_abi_value(a, t)) for a, t in zip(args, types, strict=True))
        raise AssertionError(f"expected revert {name}({wanted}), got {actual}")
    return actual


@contextmanager
def _catch_revert(expectation: str) -> Iterator[RevertCapture]:
    capture = RevertCapture()
    try:
        yield capture
    except VirtualMachineError as exc:
        capture.exception = exc
        capture.data = revert_data(exc)
    except ValueError as exc:  # brownie raises a bare ValueError when a call's error carries no data at all
        if not str(exc).startswith("execution reverted"):
            raise
        capture.exception = exc
    else:
        raise AssertionError(f"expected {expectation}, but nothing reverted")
    capture.error = decode_error(capture.data)


@contextmanager
def reverts(name: str, *args: Any) -> Iterator[RevertCapture]:
    """Asserts that the block reverts with custom error ``name(*args)``: name and every argument."""
    with _catch_revert(f"revert {name}{args!r}") as capture:
        yield capture
    check_revert_data(capture.data, name, *args)


@contextmanager
def reverts_without_data() -> Iterator[RevertCapture]:
    """Asserts that the block reverts with empty revert data (e.g. the ABI decoder's own checks)."""
    with _catch_revert("an empty revert") as capture:
        yield capture
    assert capture.data == b"", f"expected an empty revert, got {capture.error}"


@contextmanager
def reverts_with_data(expected: bytes) -> Iterator[RevertCapture]:
    """Asserts that the block reverts with exactly ``expected`` as revert data (e.g. bubbled from a callee)."""
    with _catch_revert(f"revert data 0x{expected.hex()}") as capture:
        yield capture
    assert capture.data == expected, f"expected revert data 0x{expected.hex()}, got {capture.error}"


def assert_tx_reverted(txid: Any, name: str, *args: Any) -> DecodedError:
    """For transactions sent outside brownie (automine off): status 0 and exactly ``name(args)``."""
    receipt = web3.eth.get_transaction_receipt(txid)
    assert receipt["status"] == 0, f"transaction {HexBytes(txid).hex()} succeeded"
    return check_revert_data(tx_revert_data(HexBytes(txid).to_0x_hex()), name, *args)


# --------------------------------------------------------------------------------------------- events


#: Bookkeeping of the history commitments (``IRightHistory``), left out of the event lists the tests compare: it is
#: tested on its own in test_right_history.py.
HISTORY_EVENTS = frozenset({"HistoryLinked"})


def events_of(tx: Any) -> list[tuple[str, dict[str, Any]]]:
    """A brownie receipt's events in log order, as (name, arguments) with bytes normalised to ``bytes`` and arrays
    to lists of plain values; ``HistoryLinked`` left out."""
    return [
        (event.name, {k: _plain(v) for k, v in dict(event).items()})
        for event in tx.events
        if event.name not in HISTORY_EVENTS
    ]


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return bytes(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, int) and not isinstance(value, bool):
        return int(value)
    return value


def receipt_events(contract: Any, receipt: Any) -> list[tuple[str, dict[str, Any]]]:
    """``events_of`` for a raw web3 receipt (transactions sent outside brownie), decoded against ``contract``'s
    ABI with web3 alone: a brownie TransactionReceipt built for such a transaction stays "pending" in brownie's
    history and corrupts the sender's next nonce after the chain is reverted."""
    decoder = web3.eth.contract(address=contract.address, abi=contract.abi)
    by_topic = {
        keccak(text=f"{e['name']}({','.join(i['type'] for i in e['inputs'])})"): e["name"]
        for e in contract.abi
        if e["type"] == "event"
    }
    out = []
    for log in receipt["logs"]:
        if log["address"] != contract.address:
            continue
        name = by_topic[bytes(log["topics"][0])]
        if name in HISTORY_EVENTS:
            continue
        args = decoder.events[name]().process_log(log)["args"]
        out.append((name, {k: (bytes(v) if isinstance(v, bytes) else v) for k, v in args.items()}))
    return out


# --------------------------------------------------------------------------------------------- raw EVM


def ownership_slot(token_id: int) -> int:
    """Solady ERC721: ``mstore(0x00, id); mstore(0x1c, seed); id + id + keccak256(0x00, 0x20)``."""
    memory = token_id.to_bytes(32, "big")[:28] + _ERC721_SLOT_SEED.to_bytes(32, "big")[:4]
    return (2 * token_id + int.from_bytes(keccak(memory), "big")) % 2**256


def ownership_word(registry: Any, token_id: int) -> int:
    """The raw ownership slot: owner in bits 0..159, extra data (the packed record) in 160..255."""
    return int.from_bytes(web3.eth.get_storage_at(registry.address, ownership_slot(token_id)), "big")


def approval_word(registry: Any, token_id: int) -> int:
    """The raw approved-address slot (ownership slot + 1)."""
    return int.from_bytes(web3.eth.get_storage_at(registry.address, ownership_slot(token_id) + 1), "big")


def approval_flag(registry: Any, token_id: int) -> bool:
    return bool(ownership_word(registry, token_id) >> APPROVAL_FLAG_BIT & 1)


def deploy_runtime(deployer: Any, runtime: bytes) -> str:
    """Deploys ``runtime`` verbatim: init code ``CODECOPY(0, 10, len); RETURN(0, len)`` followed by it."""
    assert len(runtime) < 256
    init = bytes([0x60, len(runtime), 0x60, 0x0A, 0x5F, 0x39, 0x60, len(runtime), 0x5F, 0xF3]) + runtime
    tx = deployer.transfer(data="0x" + init.hex())
    assert bytes(web3.eth.get_code(tx.contract_address)) == runtime
    return str(tx.contract_address)


# Receiver contracts for safeTransferFrom, as bytecode (brownie compiles only contracts/ and interfaces/).
# Logs its whole calldata (LOG0), returns onERC721Received's selector.
RECEIVER_RUNTIME = bytes.fromhex("365f5f37365fa063150b7a0260e01b5f5260205ff3")
# Returns 0xdeadbeef instead of the selector.
WRONG_MAGIC_RUNTIME = bytes.fromhex("63deadbeef60e01b5f5260205ff3")
# Reverts with the 4 bytes 0xdeadbeef.
REVERTING_RUNTIME = bytes.fromhex("63deadbeef60e01b5f5260045ffd")
# Accepts the call and returns nothing (STOP).
SILENT_RUNTIME = bytes.fromhex("00")


def now() -> int:
    """The latest block's timestamp. Brownie's ``chain.time()`` is its own estimate of anvil's clock and drifts
    after snapshots are reverted (``evm_setNextBlockTimestamp``, ``chain.sleep``), so tests never use it."""
    return int(web3.eth.get_block("latest")["timestamp"])


def rpc(method: str, params: Sequence[Any]) -> Any:
    response = web3.provider.make_request(method, list(params))
    if "error" in response:
        raise RuntimeError(f"{method}: {response['error']}")
    return response["result"]


@contextmanager
def automine_off() -> Iterator[None]:
    """Transactions wait in anvil's pool until ``mine_block``; anvil orders a block by priority fee."""
    rpc("evm_setAutomine", [False])
    try:
        yield
    finally:
        rpc("anvil_dropAllTransactions", [])
        rpc("evm_setAutomine", [True])


def send_pending(sender: Any, to: Any, data: bytes | str, *, priority_gwei: int, gas: int = 1_000_000) -> HexBytes:
    """Sends a type-2 transaction from an anvil-unlocked account without waiting (use with automine off)."""
    fee = priority_gwei * 10**9
    return HexBytes(
        web3.eth.send_transaction(
            {
                "from": address_of(sender),
                "to": address_of(to),
                "data": HexBytes(data).to_0x_hex(),
                "gas": gas,
                "maxFeePerGas": fee,
                "maxPriorityFeePerGas": fee,
            }
        )
    )


def mine_block() -> None:
    rpc("evm_mine", [])


def mine_at(timestamp: int) -> None:
    """Mines one empty block with exactly ``timestamp`` (brownie's ``chain.mine(timestamp=...)`` is refused by
    anvil 1.7: "Invalid request")."""
    rpc("evm_setNextBlockTimestamp", [timestamp])
    mine_block()


def mine_blocks(count: int) -> None:
    """``anvil_mine`` in chunks of 100. Anvil 1.7's cost per block grows with the chain's height, so 7,200
    blocks take ~35 s however they are asked for; one ``anvil_mine(7200)`` call is slower still (~40 s and over
    the 30 s RPC timeout), and brownie's ``chain.mine(7201)`` (one ``evm_mine`` per block) took ~46 s."""
    while count > 0:
        step = min(count, 100)
        rpc("anvil_mine", [hex(step)])
        count -= step


def call_at_block(sender: Any, to: Any, data: bytes | str, *, number: int) -> tuple[bool, bytes]:
    """``eth_call`` on the latest state with ``block.number`` overridden: (succeeded, returndata or revert data)."""
    request = {"from": address_of(sender), "to": address_of(to), "data": HexBytes(data).to_0x_hex()}
    response = web3.provider.make_request("eth_call", [request, "latest", {}, {"number": hex(number)}])
    if "error" in response:
        return False, bytes(HexBytes(response["error"].get("data", "0x")))
    return True, bytes(HexBytes(response["result"]))
