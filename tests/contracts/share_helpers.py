"""Helpers for the share, compliance and settlement tests (fixtures: share_fixtures.py beside this file).

Builds on ``registry_helpers`` (revert capture, events, time travel) rather than repeating it:

- ``reverts(name, *args)``: the same byte-for-byte check as ``registry_helpers.reverts``, against a table of every
  custom error of the project's deployable contracts (registry_helpers only knows IPRegistry's), plus the
  test-only tokens compiled here.
- Countries and their bit index in the compliance registry's blocked-country map.
- EIP-712 for ERC-2612 permits (Solady ERC20's domain: the token's name, version "1") and for settlement orders,
  each computed twice: by eth-account (what a wallet signs) and by hand from the type strings (what the contract
  hashes).
- Test-only ERC-20s (fee on transfer, lying, returning false, re-entering) and an ERC-1271 wallet, compiled from
  inline Solidity with the project's compiler (``scripts/compile.py``) because contracts/ ships only real code.
"""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import asdict, dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

from brownie import Contract, web3
from error_catalog import ErrorCatalog, abi_value
from eth_abi import encode
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak
from hexbytes import HexBytes
from registry_helpers import (
    ZERO_ADDRESS,
    address_of,
)

REPO_ROOT = Path(__file__).resolve().parents[2]

# Throwaway keys of the accounts that sign orders and permits (``accounts.add``); funded only on the test chain.
MAKER_KEY = "0x" + "c3" * 32
MAKER2_KEY = "0x" + "d4" * 32
VENUE2_KEY = "0x" + "e5" * 32

ONE = 10**18
SUPPLY = 1_000_000 * ONE  # shares minted by the fixtures' fractionalizations
VERIFIED_FOR = 10 * 365 * 86400  # how long the fixtures' investors stay verified

COMPLIANCE_OFFICER_ROLE = keccak(text="COMPLIANCE_OFFICER_ROLE")
MAX_UINT256 = 2**256 - 1
PERMIT2 = "0x000000000022D473030F116dDEE9F6B43aC78BA3"

EVIDENCE = keccak(text="KYC file 2025-0042")
VENUE_HASH = keccak(text="venue: Example Exchange AG")
REASON = keccak(text="court order 2025/99")

# AssetKind of ISettlementDesk.
ERC20_ASSET, ERC721_ASSET = 0, 1

# Identity kinds of ICompliance.
NONE, INVESTOR, VENUE = 0, 1, 2

# The contracts whose custom errors ``reverts`` knows (the test-only tokens are added when compiled).
_PROJECT_CONTRACTS = (
    "IPRegistry",
    "ComplianceRegistry",
    "ShareToken",
    "FractionVault",
    "SettlementDesk",
    "TestStablecoin",
    "RoyaltyVault",
    "LicenseRegistry",
    "DisputeManager",
)
_extra_error_abis: list[dict[str, Any]] = []


# --------------------------------------------------------------------------------------------- countries


def country_index(country: bytes) -> int:
    """The bit of ``country`` in ComplianceRegistry's blocked-country map: (first - 'A') * 26 + (second - 'A')."""
    return (country[0] - 65) * 26 + (country[1] - 65)


def country_of(index: int) -> bytes:
    return bytes([65 + index // 26, 65 + index % 26])


# --------------------------------------------------------------------------------------------- errors


_CATALOG = ErrorCatalog(_PROJECT_CONTRACTS, _extra_error_abis)
encode_error = _CATALOG.encode
describe_error = _CATALOG.describe
reverts = _CATALOG.reverts


# --------------------------------------------------------------------------------------------- EIP-712

EIP712_DOMAIN = [
    {"name": "name", "type": "string"},
    {"name": "version", "type": "string"},
    {"name": "chainId", "type": "uint256"},
    {"name": "verifyingContract", "type": "address"},
]
DOMAIN_TYPEHASH = keccak(text="EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)")

PERMIT_TYPE = "Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)"
ORDER_TYPE = (
    "Order(address maker,bool makerSells,uint8 assetKind,address asset,uint256 assetId,uint256 amount,"
    "address paymentToken,uint256 price,uint256 expiry,uint256 nonce,address taker)"
)
ORDER_FIELDS = [
    {"name": "maker", "type": "address"},
    {"name": "makerSells", "type": "bool"},
    {"name": "assetKind", "type": "uint8"},
    {"name": "asset", "type": "address"},
    {"name": "assetId", "type": "uint256"},
    {"name": "amount", "type": "uint256"},
    {"name": "paymentToken", "type": "address"},
    {"name": "price", "type": "uint256"},
    {"name": "expiry", "type": "uint256"},
    {"name": "nonce", "type": "uint256"},
    {"name": "taker", "type": "address"},
]
DESK_NAME = "IPLedger Settlement"


def domain_separator(name: str, *, chain_id: int, verifying_contract: Any, version: str = "1") -> bytes:
    return keccak(
        encode(
            ["bytes32", "bytes32", "bytes32", "uint256", "address"],
            [DOMAIN_TYPEHASH, keccak(text=name), keccak(text=version), chain_id, address_of(verifying_contract)],
        )
    )


def typed_digest(separator: bytes, struct_hash: bytes) -> bytes:
    return keccak(b"\x19\x01" + separator + struct_hash)


def chain_id() -> int:
    return int(web3.eth.chain_id)


@dataclass(frozen=True)
class Permit:
    owner: str
    spender: str
    value: int
    nonce: int
    deadline: int


def sign_permit(
    key: str, permit: Permit, *, token_name: str, token: Any, chain: int | None = None
) -> tuple[int, bytes, bytes]:
    """(v, r, s) of an ERC-2612 permit in Solady ERC20's domain (name = the token's name, version "1")."""
    message = encode_typed_data(
        full_message={
            "types": {
                "EIP712Domain": EIP712_DOMAIN,
                "Permit": [
                    {"name": "owner", "type": "address"},
                    {"name": "spender", "type": "address"},
                    {"name": "value", "type": "uint256"},
                    {"name": "nonce", "type": "uint256"},
                    {"name": "deadline", "type": "uint256"},
                ],
            },
            "primaryType": "Permit",
            "domain": {
                "name": token_name,
                "version": "1",
                "chainId": chain_id() if chain is None else chain,
                "verifyingContract": address_of(token),
            },
            "message": asdict(permit),
        }
    )
    signed = Account.sign_message(message, key)
    return signed.v, signed.r.to_bytes(32, "big"), signed.s.to_bytes(32, "big")


@dataclass(frozen=True)
class Order:
    """ISettlementDesk.Order (addresses as checksummed strings)."""

    maker: str
    makerSells: bool  # noqa: N815 (the Solidity field name, so asdict() is the EIP-712 message)
    assetKind: int  # noqa: N815
    asset: str
    assetId: int  # noqa: N815
    amount: int
    paymentToken: str  # noqa: N815
    price: int
    expiry: int
    nonce: int = 0
    taker: str = ZERO_ADDRESS

    def as_tuple(self) -> tuple[Any, ...]:
        return tuple(asdict(self).values())

    def but(self, **changes: Any) -> Order:
        return replace(self, **changes)

    def struct_hash(self) -> bytes:
        """hashStruct(Order) from the type string, independently of eth-account."""
        types = ["bytes32"] + [f["type"] for f in ORDER_FIELDS]
        return keccak(encode(types, [keccak(text=ORDER_TYPE), *self.as_tuple()]))


def order_digest(order: Order, *, desk: Any, chain: int | None = None) -> bytes:
    separator = domain_separator(DESK_NAME, chain_id=chain_id() if chain is None else chain, verifying_contract=desk)
    return typed_digest(separator, order.struct_hash())


def sign_order(key: str, order: Order, *, desk: Any, chain: int | None = None) -> bytes:
    """65-byte r || s || v signature of ``order`` in the desk's domain, by eth-account's EIP-712 encoder."""
    message = encode_typed_data(
        full_message={
            "types": {"EIP712Domain": EIP712_DOMAIN, "Order": ORDER_FIELDS},
            "primaryType": "Order",
            "domain": {
                "name": DESK_NAME,
                "version": "1",
                "chainId": chain_id() if chain is None else chain,
                "verifyingContract": address_of(desk),
            },
            "message": asdict(order),
        }
    )
    return bytes(Account.sign_message(message, key).signature)


# --------------------------------------------------------------------------------------------- raw calls


def call_as(sender: Any, contract: Any, function: str, *args: Any) -> tuple[bool, bytes]:
    """``eth_call`` of ``contract.function(*args)`` from any address (no key or impersonation needed):
    (succeeded, return data or revert data)."""
    data = getattr(contract, function).encode_input(*args)
    request = {"from": address_of(sender), "to": address_of(contract), "data": data}
    response = web3.provider.make_request("eth_call", [request, "latest"])
    if "error" in response:
        return False, bytes(HexBytes(response["error"].get("data", "0x")))
    return True, bytes(HexBytes(response["result"]))


# --------------------------------------------------------------------------------------------- test-only contracts

TEST_TOKENS_SOURCE = """
// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// Burns 1% of every transfer between holders: the payee receives less than the amount.
contract FeeOnTransferToken is ERC20 {
    constructor() ERC20("Fee USD", "fUSD") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
    function _update(address from, address to, uint256 value) internal override {
        if (from != address(0) && to != address(0)) {
            uint256 fee = value / 100;
            super._update(from, address(0), fee);
            value -= fee;
        }
        super._update(from, to, value);
    }
}

/// transferFrom reports success and moves nothing.
contract LyingToken is ERC20 {
    constructor() ERC20("Lying USD", "lUSD") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
    function transferFrom(address, address, uint256) public pure override returns (bool) { return true; }
}

/// transferFrom returns false and moves nothing.
contract FalseToken is ERC20 {
    constructor() ERC20("False USD", "xUSD") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
    function transferFrom(address, address, uint256) public pure override returns (bool) { return false; }
}

/// Once armed, its next transferFrom first calls `target` with `payload`, bubbling a revert.
contract ReentrantToken is ERC20 {
    address private _target;
    bytes private _payload;
    constructor() ERC20("Reentrant USD", "rUSD") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
    function arm(address target, bytes calldata payload) external { _target = target; _payload = payload; }
    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        address target = _target;
        if (target != address(0)) {
            _target = address(0);
            (bool ok, bytes memory ret) = target.call(_payload);
            if (!ok) assembly { revert(add(ret, 0x20), mload(ret)) }
        }
        return super.transferFrom(from, to, value);
    }
}

/// Once armed, its next transfer (not transferFrom) first calls `target` with `payload`, bubbling a revert.
contract ReentrantTransferToken is ERC20 {
    address private _target;
    bytes private _payload;
    constructor() ERC20("Reentrant Transfer USD", "rtUSD") {}
    function mint(address to, uint256 amount) external { _mint(to, amount); }
    function arm(address target, bytes calldata payload) external { _target = target; _payload = payload; }
    function transfer(address to, uint256 value) public override returns (bool) {
        address target = _target;
        if (target != address(0)) {
            _target = address(0);
            (bool ok, bytes memory ret) = target.call(_payload);
            if (!ok) assembly { revert(add(ret, 0x20), mload(ret)) }
        }
        return super.transfer(to, value);
    }
}

/// A contract maker: ERC-1271 accepts its owner's ECDSA signature; the owner approves tokens through it.
contract OwnedWallet {
    address public immutable owner;
    constructor(address owner_) { owner = owner_; }
    function approve(address token, address spender, uint256 amount) external {
        require(msg.sender == owner);
        IERC20(token).approve(spender, amount);
    }
    function isValidSignature(bytes32 hash, bytes calldata signature) external view returns (bytes4) {
        (address signer,,) = ECDSA.tryRecover(hash, signature);
        return signer == owner ? bytes4(0x1626ba7e) : bytes4(0xffffffff);
    }
}
"""


@cache
def compiled_test_contracts() -> dict[str, dict[str, Any]]:
    """ABI and creation bytecode of the contracts in ``TEST_TOKENS_SOURCE`` (compiled once per session, ~2 s)."""
    # scripts/compile.py loaded by path: putting scripts/ on sys.path would shadow modules for other tests.
    spec = importlib.util.spec_from_file_location("ipledger_compile_script", REPO_ROOT / "scripts" / "compile.py")
    assert spec is not None and spec.loader is not None
    compiler = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = compiler
    spec.loader.exec_module(compiler)
    source = {"tests/TestTokens.sol": TEST_TOKENS_SOURCE}
    output = compiler.run_compiler(compiler.build_input(source, compiler.SETTINGS), REPO_ROOT)
    compiler.raise_for_errors(output)
    contracts = output["contracts"]["tests/TestTokens.sol"]
    artifacts = {name: {"abi": c["abi"], "bytecode": c["evm"]["bytecode"]["object"]} for name, c in contracts.items()}
    known = {e["name"] for e in _extra_error_abis}
    for artifact in artifacts.values():
        for entry in artifact["abi"]:
            if entry["type"] == "error" and entry["name"] not in known:
                _extra_error_abis.append(entry)
                known.add(entry["name"])
    return artifacts


def deploy_test_contract(name: str, deployer: Any, *constructor_args: Any) -> Any:
    """Deploys one contract of ``TEST_TOKENS_SOURCE``; a brownie Contract object for it."""
    artifact = compiled_test_contracts()[name]
    constructor = next((e for e in artifact["abi"] if e["type"] == "constructor"), None)
    data = bytes.fromhex(artifact["bytecode"])
    if constructor is not None:
        types = [i["type"] for i in constructor["inputs"]]
        data += encode(types, [abi_value(a, t) for a, t in zip(constructor_args, types, strict=True)])
    tx = deployer.transfer(data="0x" + data.hex())
    return Contract.from_abi(name, tx.contract_address, artifact["abi"])
