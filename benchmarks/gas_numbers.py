"""Gas of official numbers: a right registered under one, two or three numbers of its office and family links,
numbers added or opened later, and the on-chain right id derivation and canonical-form check.

Called by ``gas.py`` in the same run and on the same node as the registry figures, on a registry of its own. Every
right goes to account 1, which already holds one (existing holder), so the rows differ only by their numbers:

- ``register one number: US application`` (16/xxx,xxx, found by the series table's binary search) is the reference
  of the rows below it, whose primary number is of the same series;
- ``register three numbers: US application + publication + patent``: the primary and two reserved aliases (the
  pre-grant publication and the patent number; in CN and EP publication and grant share one number, so a US
  right shows three distinct numbers of one office). ``each further reserved number`` is (three - one) / 2, beside
  the same difference of the two transactions' floors (``gas_floor``: one fresh slot, the read of its key's
  ownership slot, its calldata and its 32 log bytes);
- ``register two numbers and a family link: CN application + publication, PCT application`` (the demo's patent);
- ``register one number and a family link: US application + WO publication``; ``each family link`` is its
  difference from the reference (no storage: the canonical check, calldata and log bytes);
- ``register one number: know-how reference`` and ``... unpublished application`` (series "KH" and "UC", which any
  office takes, so no table search); ``the canonical check of a table-searched primary number inside register`` is
  the reference's execution gas (gas used less 21,000 and calldata) less the know-how row's;
- ``addNumbers``: the grant number added to a right registered under its application (kind set to patent, expiry
  set), by the owner (the number is provisional: one more fresh slot) and by a registrar; ``openNumber``: the owner
  opens the unpublished application a right was registered under;
- the library itself, measured inside the EVM by ``benchmarks/contracts/NumbersProbe.sol`` (``eth_call``,
  ``gasleft()`` around each call, less an empty pair): ``OfficialNumbers.key`` (the right id), ``isCanonical`` of a
  US patent, a CN application, a PCT application and a know-how number, and the whole primary-number path
  (``rightIdOf``: family flag, canonical form, key). These rows are gas inside the call, not whole transactions.

Where the gas above the floor goes (``beyond_floor``, when the node records steps: ``gas.py`` starts anvil with
``--steps-tracing``): from ``debug_traceTransaction``, the gas of SLOAD and SSTORE beyond the floor's storage terms
(slots the floor does not count: the registrar role and the pause flag, the owner's check), the LOG gas beyond the
required logs (ERC-4906 ``MetadataUpdate``, memory for the log data), and the computation (every other opcode:
ABI decoding, the canonical-form check, hashing, memory, jumps). The three add up to gas - floor.
"""

from __future__ import annotations

from typing import Any

from _bench import Bench, Row
from gas_floor import (
    CLEARED_SLOT,
    COLD_READ,
    FRESH_SLOT,
    SPECS,
    UPDATED_SLOT,
    FloorSpec,
    calldata_gas,
    log_gas,
    register_spec,
)
from ipledger import cn_application, know_how_number, parse_number, unpublished_number
from ipledger._artifacts import load_artifact
from ipledger.models._numbers import right_key
from web3 import Web3
from web3.exceptions import Web3RPCError

PATENT, PATENT_APPLICATION = 0, 1
EXPIRY = 2_200_000_000
SALT = b"\x11" * 32
INTRINSIC = 21_000

ONE = "register one number: US application (existing holder)"
THREE = "register three numbers: US application + publication + patent (existing holder)"
CN_FAMILY = "register two numbers and a family link: CN application + publication, PCT application (existing holder)"
FAMILY = "register one number and a family link: US application + WO publication (existing holder)"
KNOW_HOW = "register one number: know-how reference, no table search (existing holder)"
UNPUBLISHED = "register one number: unpublished application commitment, no table search (existing holder)"
PER_RESERVED = "register: each further reserved number (three numbers less one, per number)"
PER_FAMILY = "register: each family link (one number and a family link less one number)"
CANONICAL_IN_REGISTER = (
    "register: canonical check of a table-searched primary number (US application less know-how, execution gas)"
)
ADD_BY_OWNER = "addNumbers: the grant number, by the owner (provisional; the record is the registrar's)"
ADD_BY_REGISTRAR = "addNumbers: the grant number, by a registrar (kind and expiry set)"
OPEN = "openNumber: the unpublished application opened, by the owner"
PROBE = "OfficialNumbers (inside the EVM, probe)"
NUMBER_TARGET = (
    "each extra reserved number <= 1.10x its floor (one fresh slot, the read of its key's ownership slot, its calldata"
    " and log bytes)"
)


def us_application(serial: int) -> int:
    return parse_number(f"16/{100_000 + serial:06d}").packed


def us_publication(serial: int) -> int:
    return parse_number(f"US 2020/{100_000 + serial:07d} A1").packed


def us_grant(serial: int) -> int:
    return parse_number(f"US {11_000_000 + serial}").packed


def beyond_floor(bench: Bench, operation: str, spec: FloorSpec) -> dict[str, Any] | None:
    """Where the last transaction's gas above its floor goes, from the node's step trace; ``None`` when the node
    records no steps (anvil without ``--steps-tracing``)."""
    receipt = bench.last_receipt
    try:
        answer = bench.w3.provider.make_request(
            "debug_traceTransaction",
            [receipt["transactionHash"].to_0x_hex(), {"disableStack": True, "disableMemory": True}],
        )
    except Web3RPCError:
        return None
    steps = (answer.get("result") or {}).get("structLogs") or []
    if not steps:
        return None
    storage = sum(step["gasCost"] for step in steps if step["op"] in ("SLOAD", "SSTORE"))
    logs = sum(step["gasCost"] for step in steps if step["op"].startswith("LOG"))
    execution = sum(step["gasCost"] for step in steps)
    if any(step["op"] in ("CALL", "STATICCALL", "DELEGATECALL", "CALLCODE", "CREATE", "CREATE2") for step in steps):
        return None  # a call's cost includes the gas it forwards: not split here
    topics = {Web3.keccak(text=signature) for signature in spec.events}
    required_logs = sum(log_gas(log) for log in receipt["logs"] if bytes(log["topics"][0]) in topics)
    floor_storage = (
        FRESH_SLOT * spec.fresh + UPDATED_SLOT * spec.updates + CLEARED_SLOT * spec.clears + COLD_READ * spec.reads
    )
    # A clear's refund (4,800) comes off at the end of the transaction, not at its SSTORE.
    storage_beyond = storage - floor_storage - 4_800 * spec.clears
    gas = int(receipt["gasUsed"])
    floor = bench.floor(spec, operation)
    return {
        "operation": operation,
        "gas": gas,
        "floor": floor,
        "beyond": gas - floor,
        "storage_beyond_floor": storage_beyond,
        "logs_beyond_floor": logs - required_logs,
        "computation": execution - storage - logs,
        "cold_reads": sum(1 for step in steps if step["op"] == "SLOAD" and step["gasCost"] >= COLD_READ),
    }


def measure_numbers(
    bench: Bench, baselines: dict[str, Any], breakdown: list[dict[str, Any]] | None = None
) -> list[Row]:
    """The rows of the module docstring, in that order; ``breakdown`` receives ``beyond_floor`` of the register,
    addNumbers and openNumber rows (and of one reserved number: three numbers less one, halved)."""
    traced: dict[str, dict[str, Any]] = {}

    def trace(operation: str, spec: FloorSpec) -> None:
        found = beyond_floor(bench, operation, spec)
        if found is not None:
            traced[operation] = found

    accounts = bench.accounts
    artifact = load_artifact("IPRegistry")
    registry = bench.deploy(artifact.abi, artifact.bytecode, accounts[0])
    fn = registry.functions
    holder = accounts[1]
    serial = 0

    def registration(*numbers: int, kind: int = PATENT, expiry: int = EXPIRY) -> tuple[Any, ...]:
        nonlocal serial
        serial += 1
        return (Web3.keccak(text=f"numbers content {serial}"), kind, expiry, list(numbers), b"")

    def register(operation: str, reserved: int, *numbers: int, kind: int = PATENT, expiry: int = EXPIRY) -> Row:
        gas = bench.gas(fn.register(holder, registration(*numbers, kind=kind, expiry=expiry)))
        spec = register_spec(reserved, fresh_holder=False)
        label = f"register existing holder, {reserved} reserved number{'' if reserved == 1 else 's'} more"
        row = Row(operation, gas, floor=bench.floor(spec, operation), floor_spec=label)
        trace(operation, spec)
        return row

    def execution(row_gas: int) -> int:
        """The last transaction's gas less its intrinsic and calldata gas."""
        return row_gas - INTRINSIC - calldata_gas(bench.last_input)

    bench.gas(fn.register(holder, registration(us_grant(0))))  # account 1 holds a right: existing holder below

    one = register(ONE, 0, us_application(1))
    one_execution = execution(one.gas)
    three = register(THREE, 2, us_application(2), us_publication(2), us_grant(2))
    cn = register(
        CN_FAMILY,
        1,
        cn_application(2020, 1, 123_456).packed,
        parse_number("CN 111234567 A").packed,
        parse_number("PCT/CN2021/123456").packed,
    )
    family = register(FAMILY, 0, us_application(3), parse_number("WO 2021/123456 A1").packed)
    know_how = register(KNOW_HOW, 0, know_how_number("benchmark know-how 1", "US").packed)
    know_how_execution = execution(know_how.gas)
    application = parse_number(f"16/{100_000 + 4:06d}")
    unpublished = unpublished_number(application, SALT)
    hidden = register(UNPUBLISHED, 0, unpublished.packed, kind=PATENT_APPLICATION, expiry=0)
    assert one.floor is not None and three.floor is not None and family.floor is not None
    rows = [
        one,
        three,
        Row(PER_RESERVED, round((three.gas - one.gas) / 2), floor=round((three.floor - one.floor) / 2)),
        cn,
        family,
        Row(PER_FAMILY, family.gas - one.gas, floor=family.floor - one.floor),
        know_how,
        hidden,
        Row(CANONICAL_IN_REGISTER, one_execution - know_how_execution),
    ]

    # addNumbers: rights registered under their application, then granted.
    for operation, sender, spec, kind, expiry in (
        (ADD_BY_OWNER, 1, "addNumbers by the owner (one number, record unchanged)", PATENT_APPLICATION, 0),
        (ADD_BY_REGISTRAR, 0, "addNumbers by a registrar (one number, kind and expiry set)", PATENT, EXPIRY),
    ):
        serial_base = 10 + sender
        filed = registration(us_application(serial_base), kind=PATENT_APPLICATION, expiry=0)
        bench.gas(fn.register(holder, filed))
        token_id = right_key(filed[3][0])
        gas = bench.gas(fn.addNumbers(token_id, [us_grant(serial_base)], kind, expiry), sender)
        rows.append(Row(operation, gas, floor=bench.floor(spec, operation), floor_spec=spec))
        trace(operation, SPECS[spec])

    # openNumber: the unpublished application registered above is published; its owner opens it.
    gas = bench.gas(fn.openNumber(unpublished.key, application.packed, SALT), 1)
    rows.append(Row(OPEN, gas, floor=bench.floor("openNumber", OPEN), floor_spec="openNumber"))
    trace(OPEN, SPECS["openNumber"])
    if fn.tokenOfNumber(application.packed).call() != unpublished.key:
        raise RuntimeError("openNumber did not reserve the application number for its right")
    if breakdown is not None and traced:
        if ONE in traced and THREE in traced:
            traced[PER_RESERVED] = {
                key: (round((traced[THREE][key] - traced[ONE][key]) / 2) if key != "operation" else PER_RESERVED)
                for key in traced[ONE]
            }
        order = (
            ONE,
            THREE,
            PER_RESERVED,
            CN_FAMILY,
            FAMILY,
            KNOW_HOW,
            UNPUBLISHED,
            ADD_BY_OWNER,
            ADD_BY_REGISTRAR,
            OPEN,
        )
        breakdown += [traced[name] for name in order if name in traced]
    return rows + probe_rows(bench, baselines)


def probe_rows(bench: Bench, baselines: dict[str, Any]) -> list[Row]:
    """The library's gas inside the EVM (``NumbersProbe``), each result checked against the SDK."""
    probe = baselines["NumbersProbe"]
    fn = bench.deploy(probe["abi"], probe["bytecode"]).functions
    us_patent = parse_number("US 11,234,567 B2")
    rows = []
    key, gas = fn.keyGas(us_patent.packed).call()
    if key != us_patent.key:
        raise RuntimeError("NumbersProbe.keyGas disagrees with the SDK's key")
    rows.append(Row(f"{PROBE}: key (the right id: keccak of the domain and the number)", gas))
    for label, number in (
        ("US patent", us_patent),
        ("CN application", cn_application(2020, 1, 123_456)),
        ("PCT application (family link)", parse_number("PCT/CN2021/123456")),
        ("know-how number, no table search", know_how_number("benchmark know-how 1", "US")),
    ):
        canonical, gas = fn.canonicalGas(number.packed).call()
        if not canonical:
            raise RuntimeError(f"NumbersProbe: {number.canonical} is not canonical on chain")
        rows.append(Row(f"{PROBE}: isCanonical, {label}", gas))
    key, gas = fn.rightIdGas(us_patent.packed).call()
    if key != us_patent.key:
        raise RuntimeError("NumbersProbe.rightIdGas disagrees with the SDK's key")
    rows.append(Row(f"{PROBE}: a primary number's right id, US patent (family flag, canonical form, key)", gas))
    return rows


def number_targets(rows: list[Row], record_only: str) -> list[tuple[str, bool, str]]:
    """The numbers issue's gas targets (../shared/GAS.md), evaluated on this run's figures."""
    by_name = {row.operation: row for row in rows}
    checks = []
    per = by_name[PER_RESERVED]
    assert per.floor is not None
    ratio = per.gas / per.floor
    checks.append(
        (
            NUMBER_TARGET,
            ratio <= 1.10,
            f"{per.gas:,} / {per.floor:,} = {ratio:.3f}x",
        )
    )
    narrow = per.floor - 2_100
    checks.append(
        (
            f"each extra reserved number <= 1.10x one fresh slot plus its calldata and log bytes, without the"
            f" ownership read ({record_only})",
            per.gas <= 1.10 * narrow,
            f"{per.gas:,} / {narrow:,} = {per.gas / narrow:.3f}x",
        )
    )
    for name in (ONE, THREE, ADD_BY_OWNER, ADD_BY_REGISTRAR, OPEN):
        row = by_name[name]
        assert row.floor is not None
        checks.append(
            (
                f"{name} <= 1.10x its floor ({record_only})",
                row.gas <= 1.10 * row.floor,
                f"{row.gas:,} / {row.floor:,} = {row.gas / row.floor:.3f}x",
            )
        )
    return checks
