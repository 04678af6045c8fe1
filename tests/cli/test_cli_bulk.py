"""ipledger register --batch: summary, results file, exit codes, and a run killed mid-way then completed."""

from __future__ import annotations

import csv
import itertools
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cli_support import Chain, Patent, Run, assert_matches_schema, assert_one_line_error
from ipledger import Ledger, right_id

_serial = itertools.count(40_000_000)
Json = Callable[..., Any]


def write_rights(folder: Path, count: int, *, bad_row: int | None = None) -> tuple[Path, list[int]]:
    """A CSV of ``count`` distinct patents (row ``bad_row`` with an unknown jurisdiction) and their token ids."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "rights.csv"
    ids = []
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "kind", "jurisdiction", "number", "documents"])
        for row in range(1, count + 1):
            number = f"US {next(_serial):,} B2"
            document = folder / f"claims-{row}.txt"
            document.write_text(f"Claims of {number}\n", "utf-8")
            jurisdiction = "XX" if row == bad_row else "US"
            writer.writerow([f"Anode coating {number}", "patent", jurisdiction, number, document.name])
            ids.append(right_id(number))
    return path, ids


def registrations(chain: Chain, ids: list[int]) -> dict[int, int]:
    ledger = Ledger.connect(chain.node.rpc_url, registry=chain.registry)
    wanted = dict.fromkeys(ids, 0)
    for log in ledger.contracts.registry.events.RightRegistered().get_logs(
        from_block=ledger.contracts.deployment_block
    ):
        token = int(log["args"]["tokenId"])
        if token in wanted:
            wanted[token] += 1
    return wanted


def test_batch_prints_a_summary_and_writes_the_results_beside_the_input(cli: Run, tmp_path: Path) -> None:
    source, ids = write_rights(tmp_path, 12)
    result = cli("register", "--batch", str(source), "--batch-size", "5")
    assert result.exit_code == 0, (result.stdout, result.stderr)
    assert "12 rows from rights.csv: 12 registered now, 0 already on chain, in 3 transaction(s)" in result.stdout
    with (tmp_path / "rights.results.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(row["token_id"], 16) for row in rows] == ids
    assert {row["status"] for row in rows} == {"registered"}


def test_batch_json_and_a_rerun_that_sends_nothing(cli_json: Json, tmp_path: Path) -> None:
    source, _ = write_rights(tmp_path, 4)
    results = tmp_path / "out.jsonl"
    first = cli_json("register", "--batch", str(source), "--results", str(results), "--mode", "single")
    assert (first["registered"], first["transactions"], first["complete"]) == (4, 4, True)
    again = cli_json("register", "--batch", str(source), "--results", str(results))
    assert (again["registered"], again["already_registered"], again["transactions"]) == (0, 4, 0)
    assert [json.loads(line)["status"] for line in results.read_text().splitlines()] == ["already-registered"] * 4


def test_an_invalid_row_stops_the_file_with_one_line(cli: Run, tmp_path: Path) -> None:
    source, _ = write_rights(tmp_path, 3, bad_row=2)
    result = cli("register", "--batch", str(source))
    assert_one_line_error(result, "1 of 3 rows are invalid, nothing was sent: row 2:", "--skip-invalid")


def test_skip_invalid_registers_the_rest_and_exits_zero(cli: Run, tmp_path: Path, chain: Chain) -> None:
    source, ids = write_rights(tmp_path, 3, bad_row=2)
    result = cli("register", "--batch", str(source), "--skip-invalid")
    assert result.exit_code == 0, result.stderr
    assert "row 2: invalid:" in result.stderr
    counts = registrations(chain, ids)
    assert (counts[ids[0]], counts[ids[2]]) == (1, 1)


def test_a_gbk_csv_from_excel_on_chinese_windows(cli: Run, cli_json: Json, tmp_path: Path) -> None:
    """Excel's plain "CSV" on Chinese Windows is GBK: refused in one line naming --encoding, then registered with
    --encoding gb18030; its Chinese title is on chain, and the results file opens in Excel (UTF-8 with a BOM)."""
    number = next(_serial)
    (tmp_path / "权利要求书.pdf").write_text(f"权利要求 {number}", "utf-8")
    source = tmp_path / "组合.csv"
    header = "title,kind,jurisdiction,number,documents\n"
    source.write_bytes(
        (header + f"一种固态电池电极 {number},patent,US,{number},claims=权利要求书.pdf\n").encode("gb18030")
    )
    assert_one_line_error(cli("register", "--batch", str(source)), "not UTF-8 text", "--encoding gb18030")
    summary = cli_json("register", "--batch", str(source), "--encoding", "gb18030")
    assert summary["registered"] == 1
    assert cli_json("show", f"US {number}")["title"] == f"一种固态电池电极 {number}"
    results = (tmp_path / "组合.results.csv").read_bytes()
    assert results.startswith(b"\xef\xbb\xbf") and f"一种固态电池电极 {number}".encode() in results


def test_each_row_that_fails_gets_its_reason_on_one_line_of_stderr(
    cli: Run, cli_json: Json, tmp_path: Path, patent: Patent
) -> None:
    """Rows 2 and 4's rights were registered meanwhile with other documents: each gets one stderr line naming the
    registry's error, beside the results file and the final error line; stdout keeps the summary (or the JSON)."""
    source, _ = write_rights(tmp_path / "rights", 5)
    with source.open(encoding="utf-8") as handle:
        numbers = [row["number"] for row in csv.DictReader(handle)]
    for number in (numbers[1], numbers[3]):
        cli_json("register", *patent.options[:6], "--number", number, "--doc", str(patent.file(number, number)))
    for extra in ([], ["--json"]):
        result = cli("register", "--batch", str(source), "--batch-size", "2", *extra)
        assert result.exit_code == 1, (result.stdout, result.stderr)
        lines = [line for line in result.stderr.strip().splitlines() if not line.startswith("Row results: ")]
        assert [line.split(":")[0] for line in lines] == ["row 2", "row 4", "error"], lines
        assert all(line.startswith(f"row {n}: failed: ") for n, line in zip((2, 4), lines, strict=False))
        assert all("RightAlreadyRegistered" in line or "already registered" in line for line in lines[:2]), lines
        assert lines[2] == f"error: 2 of 5 rows are not registered; see {source.with_name('rights.results.csv')}"
        if extra:
            assert json.loads(result.stdout)["failed"] == 2


def test_batch_refuses_single_registration_options(cli: Run, tmp_path: Path) -> None:
    source, _ = write_rights(tmp_path, 1)
    result = cli("register", "--batch", str(source), "--title", "x")
    assert result.exit_code == 2
    assert "--title cannot be used with it" in result.stderr


def test_a_run_killed_mid_way_completes_on_rerun_without_duplicates(chain: Chain, tmp_path: Path) -> None:
    """SIGKILL while single registrations are in flight; the rerun registers exactly the rest, none twice."""
    total = 240
    source, ids = write_rights(tmp_path, total)
    command = [sys.executable, "-m", "ipledger.cli", "register", "--batch", str(source), "--mode", "single"]
    command += ["--in-flight", "1", *chain.options]
    env = {key: value for key, value in os.environ.items() if not key.startswith("IPLEDGER_")}
    ledger = Ledger.connect(chain.node.rpc_url, registry=chain.registry)
    registered = [ledger.contracts.registry.functions.exists(token) for token in ids]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not registered[20].call():
            time.sleep(0.01)
        process.send_signal(signal.SIGKILL)
    finally:
        process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    before = sum(1 for count in registrations(chain, ids).values() if count)
    assert 20 <= before < total, f"the kill came too late to test anything ({before} of {total} registered)"

    rerun = subprocess.run([*command, "--json"], env=env, capture_output=True, text=True, timeout=300, check=False)
    assert rerun.returncode == 0, rerun.stderr
    summary = json.loads(rerun.stdout)
    assert_matches_schema(["register"], summary)
    assert summary["already_registered"] + summary["registered"] == total
    assert summary["already_registered"] >= before
    assert set(registrations(chain, ids).values()) == {1}


def test_two_runs_sharing_one_key_at_once_both_finish_with_every_right_once(chain: Chain, tmp_path: Path) -> None:
    """Two processes register two files with dev0 at the same moment: their nonces collide ("replacement
    transaction underpriced", "nonce too low"), each run reads the nonce again and resends what the other took."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("IPLEDGER_")}
    files = [write_rights(tmp_path / f"run{run}", 120) for run in range(2)]
    options = ["--mode", "single", "--in-flight", "16", "--json", *chain.options]
    commands = [[sys.executable, "-m", "ipledger.cli", "register", "--batch", str(src), *options] for src, _ in files]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for command in commands
    ]
    answers = [process.communicate(timeout=300) for process in processes]
    for process, (stdout, stderr) in zip(processes, answers, strict=True):
        assert process.returncode == 0, stderr
        summary = json.loads(stdout)
        assert (summary["registered"], summary["complete"]) == (120, True)
    ids = [token for _, tokens in files for token in tokens]
    assert set(registrations(chain, ids).values()) == {1}
