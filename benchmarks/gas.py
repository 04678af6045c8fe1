"""Gas of every user-facing registry function, beside OpenZeppelin baselines measured in the same run.

Run ``make bench`` (or ``python benchmarks/gas.py``). It starts a fresh anvil, deploys the shipped
``IPRegistry`` artifact and two baselines compiled from ``benchmarks/contracts/`` with the same compiler
settings (a plain OpenZeppelin 5 ERC-721, and a naive registry: OZ URIStorage mint plus a record struct and
two uniqueness mappings), performs each operation, and reads ``gasUsed`` (whole transaction) from receipts.

Writes ``benchmarks/results/gas.json``, ``benchmarks/results/gas.md`` and the committed ``.gas-snapshot``
(one line per operation, so a diff shows what a change cost). Targets from the core issue are printed as
pass/fail; nothing is asserted, the figures are the product.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from eth_account.messages import encode_typed_data

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _bench import EVIDENCE, URI, Bench, Row  # noqa: E402
from compile import compile_directory  # noqa: E402
from gas_disputes import measure_disputes  # noqa: E402
from gas_licensing import measure_licensing  # noqa: E402
from gas_royalties import measure_royalties  # noqa: E402
from gas_shares import measure_shares, share_targets  # noqa: E402
from ipledger import dev_account, start_node, stop_node  # noqa: E402
from ipledger._artifacts import load_artifact  # noqa: E402
from ipledger._ledger import VOUCHER_TYPES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results"
SNAPSHOT = ROOT / ".gas-snapshot"


def measure(bench: Bench, baselines: dict[str, Any]) -> list[Row]:
    """Every registry operation, in an order that gives each the holder state it names."""
    registry_artifact = load_artifact("IPRegistry")
    oz = bench.deploy(baselines["OZBaselineERC721"]["abi"], baselines["OZBaselineERC721"]["bytecode"])
    naive = bench.deploy(baselines["NaiveIPRegistry"]["abi"], baselines["NaiveIPRegistry"]["bytecode"])
    registry = bench.deploy(registry_artifact.abi, registry_artifact.bytecode, bench.accounts[0])
    fn = registry.functions
    rows: list[Row] = []

    oz_mint_fresh = bench.gas(oz.functions.mint(bench.accounts[1], 1))
    oz_mint_existing = bench.gas(oz.functions.mint(bench.accounts[1], 2))
    bench.gas(oz.functions.mint(bench.accounts[1], 3))
    oz_transfer_fresh = bench.gas(oz.functions.transferFrom(bench.accounts[1], bench.accounts[2], 1), 1)
    oz_transfer_existing = bench.gas(oz.functions.transferFrom(bench.accounts[1], bench.accounts[2], 2), 1)
    oz_approve = bench.gas(oz.functions.approve(bench.accounts[3], 1), 2)
    oz_transfer_approved = bench.gas(oz.functions.transferFrom(bench.accounts[2], bench.accounts[4], 1), 3)

    def naive_register(holder: int) -> int:
        right, content, kind, jurisdiction, expiry, uri = bench.registration()
        return bench.gas(
            naive.functions.register(
                bench.accounts[holder], right.to_bytes(32, "big"), content, kind, jurisdiction, expiry, uri
            )
        )

    naive_fresh, naive_existing = naive_register(5), naive_register(5)
    rows += [
        Row("baseline: OZ ERC721 mint (fresh holder)", oz_mint_fresh),
        Row("baseline: OZ ERC721 mint (existing holder)", oz_mint_existing),
        Row("baseline: OZ ERC721 transferFrom (fresh recipient)", oz_transfer_fresh),
        Row("baseline: OZ ERC721 transferFrom (existing recipient)", oz_transfer_existing),
        Row("baseline: naive registry register (fresh holder)", naive_fresh, "OZ mint (fresh)", oz_mint_fresh),
        Row(
            "baseline: naive registry register (existing holder)",
            naive_existing,
            "OZ mint (existing)",
            oz_mint_existing,
        ),
    ]

    first, second, third = bench.registration(), bench.registration(), bench.registration()
    rows.append(
        Row(
            "register (fresh holder)",
            bench.gas(fn.register(bench.accounts[6], first)),
            "OZ mint (fresh)",
            oz_mint_fresh,
        )
    )
    rows.append(
        Row(
            "register (existing holder)",
            bench.gas(fn.register(bench.accounts[6], second)),
            "OZ mint (existing)",
            oz_mint_existing,
        )
    )
    rows.append(Row("register vs naive registry (fresh holder)", rows[-2].gas, "naive register (fresh)", naive_fresh))
    bench.gas(fn.register(bench.accounts[6], third))

    rows.append(
        Row(
            "transferFrom (fresh recipient)",
            bench.gas(fn.transferFrom(bench.accounts[6], bench.accounts[7], first[0]), 6),
            "OZ transferFrom (fresh)",
            oz_transfer_fresh,
        )
    )
    rows.append(
        Row(
            "transferFrom (existing recipient)",
            bench.gas(fn.transferFrom(bench.accounts[6], bench.accounts[7], second[0]), 6),
            "OZ transferFrom (existing)",
            oz_transfer_existing,
        )
    )
    rows.append(Row("approve", bench.gas(fn.approve(bench.accounts[3], first[0]), 7), "OZ approve", oz_approve))
    rows.append(
        Row(
            "transferFrom by approved (fresh recipient)",
            bench.gas(fn.transferFrom(bench.accounts[7], bench.accounts[8], first[0]), 3),
            "OZ transferFrom by approved",
            oz_transfer_approved,
        )
    )
    rows.append(
        Row(
            "safeTransferFrom to EOA (existing recipient)",
            bench.gas(fn.safeTransferFrom(bench.accounts[8], bench.accounts[7], first[0]), 8),
        )
    )
    rows.append(
        Row(
            "assign with deed (existing recipient)",
            bench.gas(fn.assign(second[0], bench.accounts[6], EVIDENCE), 7),
        )
    )
    rows.append(Row("freeze", bench.gas(fn.freeze(third[0], EVIDENCE))))
    rows.append(Row("unfreeze", bench.gas(fn.unfreeze(third[0], EVIDENCE))))
    rows.append(
        Row(
            "forceTransfer (existing recipient)",
            bench.gas(fn.forceTransfer(third[0], bench.accounts[7], EVIDENCE)),
        )
    )
    rows.append(Row("setMetadataURI", bench.gas(fn.setMetadataURI(third[0], URI), 7)))
    rows.append(Row("setTokenRoyalty", bench.gas(fn.setTokenRoyalty(third[0], 250), 7)))

    claim = bench.registration()
    salt = b"\x05" * 32
    commitment = fn.commitmentFor(bench.accounts[9], claim, salt).call()
    rows.append(Row("commit", bench.gas(fn.commit(commitment), 9)))
    rows.append(Row("reveal (fresh holder)", bench.gas(fn.reveal(claim, salt), 9), "OZ mint (fresh)", oz_mint_fresh))

    voucher_registration = bench.registration()
    recipient = dev_account(5)
    signable = encode_typed_data(
        domain_data={
            "name": "IPLedger Registry",
            "version": "1",
            "chainId": bench.w3.eth.chain_id,
            "verifyingContract": registry.address,
        },
        message_types=VOUCHER_TYPES,
        message_data={
            "to": recipient.address,
            "registration": dict(
                zip(
                    ["rightId", "contentHash", "kind", "jurisdiction", "expiry", "metadataURI"],
                    voucher_registration,
                    strict=True,
                )
            ),
            "nonce": 0,
            "deadline": 2**40,
        },
    )
    signature = dev_account(0).account.sign_message(signable).signature
    voucher = (recipient.address, voucher_registration, 0, 2**40)
    rows.append(
        Row(
            "registerWithVoucher (existing holder, first nonce)",
            bench.gas(fn.registerWithVoucher(voucher, signature), 5),
            "OZ mint (existing)",
            oz_mint_existing,
        )
    )
    rows.append(Row("cancelVoucher", bench.gas(fn.cancelVoucher(bench.accounts[5]))))
    rows.append(Row("pause", bench.gas(fn.pause())))
    rows.append(Row("unpause", bench.gas(fn.unpause())))
    return rows


def targets(rows: list[Row]) -> list[tuple[str, bool, str]]:
    """The core issue's gas targets, evaluated on this run's figures."""
    by_name = {row.operation: row for row in rows}
    checks: list[tuple[str, bool, str]] = []
    for holder in ("fresh holder", "existing holder"):
        row = by_name[f"register ({holder})"]
        checks.append((f"register ({holder}) <= OZ mint + 35,000", (row.delta or 0) <= 35_000, f"+{row.delta:,}"))
    for recipient in ("fresh recipient", "existing recipient"):
        row = by_name[f"transferFrom ({recipient})"]
        checks.append((f"transferFrom ({recipient}) <= OZ transferFrom", (row.delta or 0) <= 0, f"{row.delta:+,}"))
    naive = by_name["register vs naive registry (fresh holder)"]
    checks.append(("register vs naive registry (for the record)", True, f"{naive.ratio:.2f}x"))
    return checks


def render_markdown(rows: list[Row], checks: list[tuple[str, bool, str]]) -> str:
    lines = [
        "# Gas: ipledger contracts beside OpenZeppelin baselines (same run, same node, same compiler settings)",
        "",
        "Whole-transaction gas from receipts (21,000 base and calldata included).",
        "",
        "| operation | gas | baseline | baseline gas | delta | ratio |",
        "|---|---:|---|---:|---:|---:|",
    ]
    for row in rows:
        baseline = row.baseline or ""
        base_gas = f"{row.baseline_gas:,}" if row.baseline_gas is not None else ""
        delta = f"{row.delta:+,}" if row.delta is not None else ""
        ratio = f"{row.ratio:.3f}" if row.ratio is not None else ""
        lines.append(f"| {row.operation} | {row.gas:,} | {baseline} | {base_gas} | {delta} | {ratio} |")
    lines += ["", "## Targets", "", "| target | met | figure |", "|---|---|---|"]
    lines += [f"| {name} | {'yes' if ok else 'NO'} | {figure} |" for name, ok, figure in checks]
    return "\n".join(lines) + "\n"


def main() -> int:
    node = start_node()
    try:
        bench = Bench(node.rpc_url)
        baselines = compile_directory(ROOT / "benchmarks" / "contracts")
        rows = (
            measure(bench, baselines)
            + measure_shares(bench, baselines)
            + measure_licensing(bench)
            + measure_disputes(bench)
            + measure_royalties(bench, baselines)
        )
    finally:
        stop_node(node.pid)
    checks = targets(rows) + share_targets(rows)
    RESULTS.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(rows, checks)
    (RESULTS / "gas.md").write_text(markdown, "utf-8")
    payload = {
        "rows": [row.__dict__ | {"delta": row.delta, "ratio": row.ratio} for row in rows],
        "targets": [{"target": name, "met": ok, "figure": figure} for name, ok, figure in checks],
    }
    (RESULTS / "gas.json").write_text(json.dumps(payload, indent=2) + "\n", "utf-8")
    SNAPSHOT.write_text(
        "".join(
            f"IPRegistry:{row.operation} (gas: {row.gas})\n" for row in rows if not row.operation.startswith("baseline")
        ),
        "utf-8",
    )
    print(markdown)
    return 0 if all(ok for _, ok, _ in checks) else 1


if __name__ == "__main__":
    raise SystemExit(main())
