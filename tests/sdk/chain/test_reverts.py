"""The revert decoder: every custom error of every shipped ABI and of the error catalogue (libraries and tokens
included, also errors raised from assembly) decodes to its name, its arguments and a deliberately chosen exception
class; unknown, empty, undecodable and ambiguous data say what they are. Real reverts: tests/sdk/test_rights_in_use.py
(bonds and royalties a payer cannot pay)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from eth_abi import encode
from eth_utils import keccak, to_checksum_address
from ipledger import (
    ContractRevertError,
    InsufficientBalanceError,
    InvalidRecipientError,
    PausedError,
    PaymentAttempt,
    PaymentRefusedError,
    PaymentTokenError,
    ReentrancyError,
    SignatureError,
    UnauthorizedError,
    UnknownTokenError,
)
from ipledger._artifacts import load_error_catalogue
from ipledger.chain._reverts import _GENERIC, _SPECIFIC, RevertDecoder, exception_class

ARTIFACTS_DIR = Path(__file__).resolve().parents[3] / "sdk" / "ipledger" / "artifacts"
CATALOGUE: list[dict[str, Any]] = json.loads((ARTIFACTS_DIR / "errors.json").read_text("utf-8"))["errors"]
ABI_ERRORS = [
    (path.stem, entry)
    for path in sorted(ARTIFACTS_DIR.glob("*.json"))
    if path.name != "errors.json"
    for entry in json.loads(path.read_text("utf-8"))["abi"]
    if entry["type"] == "error"
]
#: Signature -> its declaration in a shipped ABI. The decoder reads the shipped ABIs before the catalogue, so a
#: signature declared with other argument names elsewhere (ERC-7943's ``CannotTransfer``: ``amount`` in the fungible
#: form, ``tokenId`` in the non-fungible one the registry implements) decodes with the shipped contract's names.
SHIPPED_BY_SIGNATURE = {
    f"{entry['name']}({','.join(param['type'] for param in entry['inputs'])})": entry for _, entry in ABI_ERRORS
}
DECODER = RevertDecoder.for_shipped_contracts()
#: Signature -> every list of argument names the shipped ABIs give it: ERC-7943's ``ERC7943CannotTransfer(address,
#: address,uint256)`` is ``amount`` in the share token and ``tokenId`` in the registry, one selector for both, so the
#: decoder may name the third argument either way.
NAMES_BY_SIGNATURE: dict[str, list[list[str]]] = {}
for _, _entry in ABI_ERRORS:
    _names = [param["name"] or f"arg{index}" for index, param in enumerate(_entry["inputs"])]
    _signature = f"{_entry['name']}({','.join(param['type'] for param in _entry['inputs'])})"
    if _names not in NAMES_BY_SIGNATURE.setdefault(_signature, []):
        NAMES_BY_SIGNATURE[_signature].append(_names)


# ---------------------------------------------------------------------------- sample arguments


def _split_top_level(inner: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(inner):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char == "," and depth == 0:
            parts.append(inner[start:index])
            start = index + 1
    return [*parts, inner[start:]] if inner else []


def _sample(kind: str, seed: int) -> Any:
    """A value of ABI type ``kind`` that is neither zero nor the same for two seeds (so a swap would show)."""
    array = re.fullmatch(r"(.*)\[(\d*)\]", kind)
    if array:
        count = int(array.group(2)) if array.group(2) else 2
        return [_sample(array.group(1), seed + index) for index in range(count)]
    if kind.startswith("("):
        return tuple(_sample(part, seed + index) for index, part in enumerate(_split_top_level(kind[1:-1])))
    if kind.startswith("uint"):
        return (2 ** int(kind[4:] or 256) - 1) - seed
    if kind.startswith("int"):
        return -(2 ** (int(kind[3:] or 256) - 1)) + seed
    if kind == "address":
        return to_checksum_address(keccak(text=f"address {seed}")[:20])
    if kind == "bool":
        return seed % 2 == 1
    if kind == "string":
        return f"sample {seed} ✓"
    if kind == "bytes":
        return bytes(range(seed % 200, seed % 200 + 37))
    if kind.startswith("bytes"):
        return keccak(text=f"bytes {seed}")[: int(kind[5:])]
    raise AssertionError(f"no sample for ABI type {kind}")


def _canonical(param: dict[str, Any]) -> str:
    kind = str(param["type"])
    if kind.startswith("tuple"):
        return f"({','.join(_canonical(c) for c in param['components'])}){kind[len('tuple') :]}"
    return kind


def _round_trip(entry: dict[str, Any]) -> ContractRevertError:
    """Encodes ``entry`` with sample arguments, decodes it with the shipped decoder and checks name and
    arguments; returns the exception."""
    types = [_canonical(param) for param in entry["inputs"]]
    values = [_sample(kind, 7 * index + 1) for index, kind in enumerate(types)]
    signature = f"{entry['name']}({','.join(types)})"
    data = keccak(text=signature)[:4] + encode(types, values)
    error = DECODER.decode(data, action="test call")
    assert error.error_name == entry["name"], (signature, str(error))
    names = [param["name"] or f"arg{index}" for index, param in enumerate(entry["inputs"])]
    assert list(error.error_args) in NAMES_BY_SIGNATURE.get(signature, [names]), signature
    names = list(error.error_args)
    for name, kind, value in zip(names, types, values, strict=True):
        got = error.error_args[name]
        assert (got.lower() if kind == "address" else got) == (value.lower() if kind == "address" else _plain(value)), (
            signature,
            name,
        )
    assert error.data == "0x" + data.hex()
    assert error.error_name != "unknown" and "unknown error" not in str(error)
    assert str(error).startswith(f"test call reverted: {entry['name']}(")
    assert type(error) is exception_class(entry["name"])
    return error


def _plain(value: Any) -> Any:
    """``value`` as eth_abi decodes it (lists become tuples)."""
    if isinstance(value, list | tuple):
        return tuple(_plain(item) for item in value)
    return value


# ---------------------------------------------------------------------------- every error round-trips


@pytest.mark.parametrize(
    "entry", [entry for _, entry in ABI_ERRORS], ids=[f"{name}.{entry['name']}" for name, entry in ABI_ERRORS]
)
def test_every_error_of_every_shipped_abi_decodes_to_its_name_and_arguments(entry: dict[str, Any]) -> None:
    _round_trip(entry)


@pytest.mark.parametrize("entry", CATALOGUE, ids=[entry["signature"] for entry in CATALOGUE])
def test_every_catalogued_error_decodes_to_its_name_and_arguments(entry: dict[str, Any]) -> None:
    error = _round_trip(SHIPPED_BY_SIGNATURE.get(entry["signature"], entry))
    assert "0x" + keccak(text=entry["signature"])[:4].hex() == entry["selector"]
    assert error.data is not None and error.data.startswith(entry["selector"])


def test_every_error_name_is_classified_exactly_once() -> None:
    """A new error (in our contracts or a library upgrade) fails here until someone decides what it raises."""
    names = {entry["name"] for entry in CATALOGUE} | {entry["name"] for _, entry in ABI_ERRORS} | {"Error", "Panic"}
    assert not set(_SPECIFIC) & _GENERIC, "both specific and generic"
    assert names - set(_SPECIFIC) - _GENERIC == set(), "unclassified: add to _SPECIFIC or _GENERIC"
    assert (set(_SPECIFIC) | _GENERIC) - names == set(), "classified, but no source declares it any more"


LIBRARY_ERRORS = [
    # Solady SafeTransferLib (raised from assembly: in no ABI)
    ("TransferFromFailed()", PaymentRefusedError),
    ("TransferFailed()", PaymentRefusedError),
    ("ETHTransferFailed()", PaymentRefusedError),
    ("ApproveFailed()", PaymentRefusedError),
    ("TotalSupplyQueryFailed()", PaymentTokenError),
    # OpenZeppelin SafeERC20 and ERC-20 errors (the desk; tokens whose reverts are bubbled up)
    ("SafeERC20FailedOperation(address)", PaymentRefusedError),
    ("ERC20InsufficientAllowance(address,uint256,uint256)", PaymentRefusedError),
    ("ERC20InsufficientBalance(address,uint256,uint256)", InsufficientBalanceError),
    ("ERC20InvalidReceiver(address)", InvalidRecipientError),
    ("InsufficientBalance(uint256,uint256)", InsufficientBalanceError),
    # Solady ERC20 (share tokens) and ERC721 (the registry)
    ("InsufficientBalance()", InsufficientBalanceError),
    ("InsufficientAllowance()", PaymentRefusedError),
    ("InvalidPermit()", SignatureError),
    ("PermitExpired()", SignatureError),
    ("NotOwnerNorApproved()", UnauthorizedError),
    ("TransferFromIncorrectOwner()", UnauthorizedError),
    ("TokenDoesNotExist()", UnknownTokenError),
    ("TransferToZeroAddress()", InvalidRecipientError),
    ("TransferToNonERC721ReceiverImplementer()", InvalidRecipientError),
    # OpenZeppelin ERC-721/1155 errors, ECDSA, nonces, access control, pausing, re-entrancy
    ("ERC721NonexistentToken(uint256)", UnknownTokenError),
    ("ERC721InvalidReceiver(address)", InvalidRecipientError),
    ("ERC1155InvalidReceiver(address)", InvalidRecipientError),
    ("ECDSAInvalidSignature()", SignatureError),
    ("ECDSAInvalidSignatureLength(uint256)", SignatureError),
    ("ECDSAInvalidSignatureS(bytes32)", SignatureError),
    ("InvalidAccountNonce(address,uint256)", SignatureError),
    ("AccessControlUnauthorizedAccount(address,bytes32)", UnauthorizedError),
    ("EnforcedPause()", PausedError),
    ("ReentrancyGuardReentrantCall()", ReentrancyError),
]


@pytest.mark.parametrize(("signature", "expected"), LIBRARY_ERRORS, ids=[s for s, _ in LIBRARY_ERRORS])
def test_library_and_token_errors_raise_the_class_a_caller_catches(
    signature: str, expected: type[ContractRevertError]
) -> None:
    (entry,) = [entry for entry in CATALOGUE if entry["signature"] == signature]
    assert type(_round_trip(entry)) is expected


def test_a_payment_refusal_is_a_payment_token_error_that_says_what_to_check() -> None:
    error = DECODER.decode("0x7939f424", action="pay royalty")
    assert isinstance(error, PaymentRefusedError) and isinstance(error, PaymentTokenError)
    assert error.payment is None
    assert str(error) == (
        "pay royalty reverted: TransferFromFailed(): the token refused to move the payment from the payer; "
        "the payer lacks the balance or the allowance"
    )


def _attempt(**overrides: Any) -> PaymentAttempt:
    values: dict[str, Any] = {
        "token": "0x5FbDB2315678afecb367f032d93F642f64180aa3",
        "payer": "0x70997970C51812dc3A010C7d01b50e0d17dc79C8",
        "spender": "0x9fE46736679d2D9a65F0992F2272dE9f3c7fa6e0",
        "amount": 100_000_000,
        "symbol": "tUSD",
        "decimals": 6,
        "balance": 99_500_000,
        "allowance": 100_000_000,
    }
    return PaymentAttempt(**{**values, **overrides})


@pytest.mark.parametrize(
    ("overrides", "shortfall", "reason"),
    [
        ({}, "balance", "the payer lacks the balance"),
        ({"balance": 10**9, "allowance": 0}, "allowance", "the payer lacks the allowance"),
        ({"allowance": 5}, "balance and allowance", "the payer lacks the balance and allowance"),
        ({"balance": 10**9}, None, "neither is short, so the token refused for a reason of its own"),
        ({"balance": None}, None, "the payer lacks the balance or the allowance"),
    ],
)
def test_a_refusal_told_with_the_payment_names_what_is_short(
    overrides: dict[str, Any], shortfall: str | None, reason: str
) -> None:
    refused = DECODER.decode("0x7939f424", action="raise dispute")
    assert isinstance(refused, PaymentRefusedError)
    attempt = _attempt(**overrides)
    told = refused.with_payment(attempt)
    assert type(told) is PaymentRefusedError and told.payment == attempt and told.data == refused.data
    assert attempt.shortfall == shortfall
    assert told.reason.startswith(reason)
    message = str(told)
    assert message.startswith("raise dispute reverted: TransferFromFailed(): the payment token tUSD (0x5FbDB")
    assert "refused to move 100 tUSD from 0x70997970C51812dc3A010C7d01b50e0d17dc79C8" in message
    if attempt.balance is not None:
        assert "it holds 99.5 tUSD" in message or "it holds 1,000 tUSD" in message


def test_amounts_of_a_token_whose_decimals_are_unknown_are_in_base_units() -> None:
    assert _attempt(decimals=None).units(5) == "5 base units of tUSD"
    assert _attempt(decimals=None, symbol=None).units(5).endswith("of 0x5FbDB2315678afecb367f032d93F642f64180aa3")


# ---------------------------------------------------------------------------- the catalogue


def test_the_catalogue_covers_every_abi_error() -> None:
    catalogued = {entry["signature"] for entry in CATALOGUE}
    for contract, entry in ABI_ERRORS:
        signature = f"{entry['name']}({','.join(_canonical(p) for p in entry['inputs'])})"
        assert signature in catalogued, (contract, signature)


@pytest.mark.parametrize(
    ("contract", "signatures"),
    [
        ("SafeTransferLib", ["TransferFromFailed()", "TransferFailed()", "ETHTransferFailed()", "ApproveFailed()"]),
        (
            "SafeERC20",
            ["SafeERC20FailedOperation(address)", "SafeERC20FailedDecreaseAllowance(address,uint256,uint256)"],
        ),
        (
            "ECDSA",
            ["ECDSAInvalidSignature()", "ECDSAInvalidSignatureLength(uint256)", "ECDSAInvalidSignatureS(bytes32)"],
        ),
        ("ERC20", ["InsufficientBalance()", "InsufficientAllowance()", "InvalidPermit()", "PermitExpired()"]),
        ("IERC20Errors", ["ERC20InsufficientBalance(address,uint256,uint256)", "ERC20InvalidReceiver(address)"]),
        ("ERC721", ["NotOwnerNorApproved()", "TransferFromIncorrectOwner()", "TokenDoesNotExist()"]),
        ("ReentrancyGuardTransient", ["ReentrancyGuardReentrantCall()"]),
        ("Pausable", ["EnforcedPause()", "ExpectedPause()"]),
    ],
)
def test_the_catalogue_holds_the_errors_of_the_libraries(contract: str, signatures: list[str]) -> None:
    declared = {
        entry["signature"]
        for entry in CATALOGUE
        for where in entry["declaredIn"]
        if where["contract"] == contract and where["source"].startswith("node_modules/")
    }
    assert set(signatures) <= declared, set(signatures) - declared


def test_the_shipped_catalogue_is_what_the_sdk_loads() -> None:
    assert list(load_error_catalogue()) == CATALOGUE
    assert sorted(CATALOGUE, key=lambda entry: (entry["name"], entry["signature"])) == CATALOGUE
    assert len({entry["signature"] for entry in CATALOGUE}) == len(CATALOGUE)


def test_no_two_errors_ipledger_knows_share_a_selector() -> None:
    selectors = [entry["selector"] for entry in CATALOGUE]
    assert len(set(selectors)) == len(selectors)
    assert DECODER.clashes == {}
    shipped = {spec.signature for spec in DECODER.errors}
    assert shipped == {entry["signature"] for entry in CATALOGUE} | {"Error(string)", "Panic(uint256)"}


# ---------------------------------------------------------------------------- data no single error explains

# Two signatures with one selector (0x42966c68), a pair known from the 4byte directory.
_BURN = {"type": "error", "name": "burn", "inputs": [{"name": "amount", "type": "uint256"}]}
_COLLATE = {"type": "error", "name": "collate_propagate_storage", "inputs": [{"name": "key", "type": "bytes16"}]}


def test_a_shared_selector_is_told_apart_by_the_data_or_reported_ambiguous() -> None:
    assert keccak(text="burn(uint256)")[:4] == keccak(text="collate_propagate_storage(bytes16)")[:4]
    decoder = RevertDecoder([[_BURN], [_COLLATE]])
    assert decoder.clashes == {"0x42966c68": ["burn(uint256)", "collate_propagate_storage(bytes16)"]}

    small = decoder.decode(bytes.fromhex("42966c68") + encode(["uint256"], [5]))  # not a left-aligned bytes16
    assert (small.error_name, small.error_args) == ("burn", {"amount": 5})

    key = b"\x11" * 16
    both = decoder.decode(bytes.fromhex("42966c68") + encode(["bytes16"], [key]), action="call")
    assert both.error_name == "burn or collate_propagate_storage" and both.error_args == {}
    assert str(both) == (
        "call reverted: burn(uint256) or collate_propagate_storage(bytes16) (they share selector 0x42966c68 and "
        "the data fits each of them)"
    )
    neither = decoder.decode("0x42966c68", action="call")
    assert neither.error_name == "burn or collate_propagate_storage"
    assert "fits none of them" in str(neither)


def test_one_error_declared_twice_is_one_error() -> None:
    unknown_right = {"type": "error", "name": "UnknownRight", "inputs": [{"name": "tokenId", "type": "uint256"}]}
    renamed = {**unknown_right, "inputs": [{"name": "id", "type": "uint256"}]}
    decoder = RevertDecoder([[unknown_right], [renamed]])
    assert decoder.clashes == {}
    error = decoder.decode(keccak(text="UnknownRight(uint256)")[:4] + encode(["uint256"], [3]))
    assert error.error_args == {"tokenId": 3}  # the first declaration's argument names


def test_an_unknown_selector_is_named_not_unknown_parentheses() -> None:
    error = DECODER.decode("0x12345678" + "00" * 32, action="pay royalty")
    assert type(error) is ContractRevertError and error.error_name == "unknown"
    assert str(error) == "pay royalty reverted: unknown error 0x12345678 (not an error of any contract ipledger ships)"
    assert error.data == "0x12345678" + "00" * 32
    assert "too short" in str(DECODER.decode("0x1234"))


def test_a_revert_without_data_says_so() -> None:
    for data in (None, "0x", b""):
        error = DECODER.decode(data, action="assign")
        assert error.error_name == "reverted without reason" and error.data == "0x"
        assert str(error).startswith("assign reverted: no revert data")


def test_a_known_selector_with_arguments_that_do_not_decode_keeps_its_name() -> None:
    error = DECODER.decode(keccak(text="UnknownToken(uint256)")[:4] + b"\x01", action="show")
    assert type(error) is ContractRevertError and error.error_name == "UnknownToken" and error.error_args == {}
    assert str(error) == "show reverted: UnknownToken(uint256) with 1 bytes of arguments that do not decode as its own"


def test_solidity_panics_and_messages_decode() -> None:
    panic = DECODER.decode(keccak(text="Panic(uint256)")[:4] + encode(["uint256"], [0x11]))
    assert panic.error_args == {"code": 0x11, "reason": "arithmetic overflow or underflow"}
    message = DECODER.decode(keccak(text="Error(string)")[:4] + encode(["string"], ["nope"]))
    assert (message.error_name, message.error_args) == ("Error", {"message": "nope"})
