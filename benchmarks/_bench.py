"""Shared pieces of the gas benchmarks: a fresh-anvil bench that deploys contracts and reads receipts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gas_floor import SPECS, FloorSpec, check_floor, floor_gas
from ipledger import IPMetadata, parse_number
from ipledger.models._numbers import right_key
from ipledger.models._public_record import public_record
from web3 import Web3
from web3.contract import Contract

#: A deed, order or evidence hash.
EVIDENCE = b"\x0c" * 32
#: The benchmark's rights are US utility patents numbered from here (canonical, found by the table search), as in
#: tests/contracts/registry_helpers.py.
FIRST_US_PATENT = 10_000_000

#: ``IIPRegistry.Registration``: (contentHash, kind, expiry, numbers, metadata).
Registration = tuple[bytes, int, int, list[int], bytes]


#: The public record sizes of the gas rows with a record (bytes of canonical JSON): the budget's and twice it.
RECORD_SIZES = (300, 600)
#: Filler of the sample record's abstract (ASCII, so that any length in bytes can be reached).
_ABSTRACT = (
    "A solid-state battery electrode comprising a sulfide electrolyte layer and a lithium alloy anode, and a method"
    " of preparing it by dry pressing and low-temperature sintering, which lowers the interface resistance. "
)


def sample_record(size: int) -> bytes:
    """A public record of exactly ``size`` bytes, made by the SDK (``public_record``): a Chinese patent application
    (title 一种固态电池电极及其制备方法, inventors 李伟 and 张敏, an assignee and a filing date), its abstract
    filled to the size."""

    def record(abstract: str) -> bytes:
        metadata = IPMetadata(
            title="一种固态电池电极及其制备方法",
            kind="patent",
            jurisdiction="CN",
            number="CN 202310123456.6",
            inventors=("李伟", "张敏"),
            assignee="宁德示例新能源科技有限公司",
            filing_date="2023-02-01",
            abstract=abstract,
        )
        return public_record(metadata, {})

    length = size - (len(record("x")) - 1)
    if length < 1:
        raise ValueError(f"a sample record has at least {size - length + 1} bytes")
    text = (_ABSTRACT * (length // len(_ABSTRACT) + 1))[:length]
    if text[-1] == " ":
        text = text[:-1] + "."
    result = record(text)
    assert len(result) == size, (len(result), size)
    return result


def us_patent(serial: int) -> int:
    """The packed number of US patent ``FIRST_US_PATENT + serial`` (``OfficialNumbers``)."""
    return parse_number(f"US {FIRST_US_PATENT + serial}").packed


def token_of(registration: Registration) -> int:
    """The token id the registry derives from a registration's primary number (``OfficialNumbers.key``)."""
    return right_key(registration[3][0])


@dataclass
class Row:
    """One measured operation beside its same-run references: a plain OpenZeppelin and a plain Solady token doing
    the same balance transitions (``oz``, ``solady``), the theoretical floor of ``gas_floor`` (``floor``, under
    the spec ``floor_spec``), and any other baseline (``baseline``, ``baseline_gas``: the naive registry)."""

    operation: str
    gas: int
    baseline: str | None = None
    baseline_gas: int | None = None
    oz: int | None = None
    solady: int | None = None
    floor: int | None = None
    floor_spec: str | None = None

    @property
    def ratio_to_floor(self) -> float | None:
        return None if not self.floor else self.gas / self.floor

    @property
    def ratio_to_oz(self) -> float | None:
        return None if not self.oz else self.gas / self.oz

    @property
    def ratio_to_solady(self) -> float | None:
        return None if not self.solady else self.gas / self.solady

    @property
    def delta(self) -> int | None:
        return None if self.baseline_gas is None else self.gas - self.baseline_gas

    @property
    def ratio(self) -> float | None:
        return None if self.baseline_gas is None else self.gas / self.baseline_gas


class Bench:
    """Deploys contracts on a fresh anvil and measures receipts."""

    def __init__(self, rpc_url: str) -> None:
        self.w3 = Web3(Web3.HTTPProvider(rpc_url))
        self.accounts = self.w3.eth.accounts
        self._serial = 0
        #: The input and receipt of the last transaction ``gas`` sent, for ``floor``.
        self.last_input = b""
        self.last_receipt: Any = None

    def deploy(self, abi: list[Any], bytecode: str, *args: Any) -> Contract:
        factory = self.w3.eth.contract(abi=abi, bytecode=bytecode)
        receipt = self.w3.eth.wait_for_transaction_receipt(
            factory.constructor(*args).transact({"from": self.accounts[0]})
        )
        return self.w3.eth.contract(address=receipt["contractAddress"], abi=abi)

    def gas(self, call: Any, sender: int = 0, gas_limit: int = 2_000_000) -> int:
        tx_hash = call.transact({"from": self.accounts[sender], "gas": gas_limit})
        receipt = self.w3.eth.wait_for_transaction_receipt(tx_hash)
        if receipt["status"] != 1:
            raise RuntimeError(f"benchmark transaction reverted: {call.fn_name}")
        self.last_input = bytes(self.w3.eth.get_transaction(tx_hash)["input"])
        self.last_receipt = receipt
        return int(receipt["gasUsed"])

    def floor(self, spec: str | FloorSpec, label: str | None = None) -> int:
        """The floor (``gas_floor``) of the last transaction sent, under a named spec or an explicit one; warns
        when it exceeds the measured gas."""
        floor_spec = SPECS[spec] if isinstance(spec, str) else spec
        floor = floor_gas(floor_spec, self.last_input, self.last_receipt)
        check_floor(label or str(spec), floor, int(self.last_receipt["gasUsed"]))
        return floor

    def measured(self, call: Any, spec: str, sender: int = 0) -> tuple[int, int]:
        """Sends ``call``; returns its gas and its floor under ``spec``."""
        gas = self.gas(call, sender)
        return gas, self.floor(spec)

    def registration(
        self, *numbers: int, kind: int = 0, expiry: int = 2_200_000_000, metadata: bytes = b""
    ) -> Registration:
        """A new right with its own document bundle: under ``numbers`` (packed, the primary first) when given, else
        under the next US patent number alone (``us_patent``); kind patent, an expiry, ``metadata`` as its public
        record (none by default: the rows with a record say so)."""
        self._serial += 1
        primary = [] if numbers else [us_patent(self._serial)]
        return (Web3.keccak(text=f"content {self._serial}"), kind, expiry, [*primary, *numbers], metadata)


def token_references(bench: Bench, baselines: dict[str, Any], standard: str) -> dict[str, tuple[int, int]]:
    """Gas and floor of a plain OpenZeppelin and a plain Solady token (``standard`` "ERC20" or "ERC721"), same
    run: account 1 holds, account 2 receives, first fresh then existing. Keys ``"OZ fresh"``, ``"Solady
    existing"``, and for ERC-721 also ``"OZ mint fresh"``, ``"OZ mint existing"``, ``"OZ approve"`` and ``"OZ by
    approved"`` (account 3, approved by 2, moves to fresh account 4)."""
    accounts = bench.accounts
    refs: dict[str, tuple[int, int]] = {}

    def measure(key: str, call: Any, sender: int, spec: str) -> None:
        refs[key] = bench.measured(call, spec, sender)

    for label in ("OZ", "Solady"):
        artifact = baselines[f"{label}Baseline{standard}"]
        fn = bench.deploy(artifact["abi"], artifact["bytecode"]).functions
        if standard == "ERC20":
            bench.gas(fn.mint(accounts[1], 10**24))
            measure(f"{label} fresh", fn.transfer(accounts[2], 10**18), 1, "ERC-20 transfer fresh recipient")
            measure(f"{label} existing", fn.transfer(accounts[2], 10**18), 1, "ERC-20 transfer existing recipient")
            continue
        measure(f"{label} mint fresh", fn.mint(accounts[1], 1), 0, "ERC-721 mint fresh holder")
        measure(f"{label} mint existing", fn.mint(accounts[1], 2), 0, "ERC-721 mint existing holder")
        bench.gas(fn.mint(accounts[1], 3))
        measure(f"{label} fresh", fn.transferFrom(accounts[1], accounts[2], 1), 1, "ERC-721 transfer fresh recipient")
        measure(
            f"{label} existing",
            fn.transferFrom(accounts[1], accounts[2], 2),
            1,
            "ERC-721 transfer existing recipient",
        )
        measure(f"{label} approve", fn.approve(accounts[3], 1), 2, "ERC-721 approve")
        measure(
            f"{label} by approved",
            fn.transferFrom(accounts[2], accounts[4], 1),
            3,
            "ERC-721 transfer by approved fresh recipient",
        )
    return refs


def compared(
    bench: Bench, operation: str, gas: int, refs: dict[str, tuple[int, int]], key: str, spec: str | None
) -> Row:
    """A row for the transaction just sent (``gas``), beside ``refs["OZ <key>"]``, ``refs["Solady <key>"]`` and,
    when ``spec`` names one, its own floor."""
    return Row(
        operation,
        gas,
        oz=refs[f"OZ {key}"][0],
        solady=refs[f"Solady {key}"][0],
        floor=None if spec is None else bench.floor(spec, operation),
        floor_spec=spec,
    )


def reference_rows(refs: dict[str, tuple[int, int]], standard: str, labels: dict[str, str]) -> list[Row]:
    """The references themselves as ``baseline:`` rows, with their floors (``labels``: key -> description)."""
    return [
        Row(f"baseline: {impl} {standard} {description}", *refs[f"{impl} {key}"][:1], floor=refs[f"{impl} {key}"][1])
        for impl in ("OZ", "Solady")
        for key, description in labels.items()
    ]
