"""What serving pre-Cancun chains would take and cost (issue 18): why there is no second artifact set.

1. The project compiled as it is for Shanghai (``evmVersion: shanghai``, every other setting of scripts/compile.py),
   and OpenZeppelin's ``ReentrancyGuardTransient`` alone: solc refuses both, and the errors are recorded.
2. What transient storage saves, measured on one anvil (``--hardfork cancun``): two minimal contracts compiled with the
   project's settings, one with OpenZeppelin's ``ReentrancyGuardTransient`` and a ``transient`` bool (as the share
   token, desk, royalty vault and dispute manager have; the share token's ``_forcing`` flag is read by every share
   transfer), one with OpenZeppelin's storage ``ReentrancyGuard`` and a storage bool (what a Shanghai build would
   need). Gas of a guarded call and of a call that reads the flag, each contract's first call after deployment.

Writes ``benchmarks/results/pre_cancun.json``.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "scripts"))

from _figures import ROOT, Figure, write_results
from compile import SETTINGS, CompileError, compile_project, compile_sources
from ipledger import start_node, stop_node
from web3 import Web3

_GUARDS = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

contract TransientGuarded is ReentrancyGuardTransient {
    uint256 public n = 1;
    bool private transient _flag;

    function guarded() external nonReentrant { n += 1; }
    function readFlag() external { if (!_flag) n += 1; }
}

contract StorageGuarded is ReentrancyGuard {
    uint256 public n = 1;
    bool private _flag;

    function guarded() external nonReentrant { n += 1; }
    function readFlag() external { if (!_flag) n += 1; }
}
"""
#: OpenZeppelin's transient guard alone (no ``transient`` variable, which solc refuses first).
_GUARD_ONLY = """// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

contract GuardOnly is ReentrancyGuardTransient {
    function guarded() external nonReentrant {}
}
"""
_CALLS = {"guarded": "a nonReentrant call", "readFlag": "a call that reads the flag"}


def shanghai_errors(source_dir: Path) -> list[str]:
    """The first line of each distinct error solc reports for ``source_dir`` compiled for Shanghai (empty if it
    compiles). solc stops at the first failing stage: declarations (``transient`` variables) before types
    (``tstore``)."""
    try:
        compile_project(source_dir, root=ROOT, settings=dict(SETTINGS, evmVersion="shanghai"))
    except CompileError as exc:
        return list(dict.fromkeys(line.strip() for line in str(exc).splitlines() if "Error:" in line))
    return []


def guard_gas(guards: Path) -> dict[tuple[str, str], int]:
    """Gas used by each call of each contract of ``guards``, by (contract, function)."""
    artifacts = compile_sources(guards, root=ROOT)
    node = start_node(extra_args=("--hardfork", "cancun"))
    try:
        w3 = Web3(Web3.HTTPProvider(node.rpc_url))
        sender = w3.eth.accounts[0]
        gas: dict[tuple[str, str], int] = {}
        for name in ("TransientGuarded", "StorageGuarded"):
            artifact = artifacts[name]
            factory = w3.eth.contract(abi=artifact["abi"], bytecode=artifact["bytecode"])
            deployed = w3.eth.wait_for_transaction_receipt(factory.constructor().transact({"from": sender}))
            contract = w3.eth.contract(address=deployed["contractAddress"], abi=artifact["abi"])
            for function in _CALLS:
                tx_hash = contract.functions[function]().transact({"from": sender})
                gas[(name, function)] = int(w3.eth.wait_for_transaction_receipt(tx_hash)["gasUsed"])
        return gas
    finally:
        stop_node(node.pid)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        guards, guard_only = Path(folder, "guards"), Path(folder, "guard_only")
        for path, source in ((guards, _GUARDS), (guard_only, _GUARD_ONLY)):
            path.mkdir()
            (path / "Guards.sol").write_text(source, "utf-8")
        errors = {
            "contracts/": shanghai_errors(ROOT / "contracts"),
            "OpenZeppelin's ReentrancyGuardTransient": shanghai_errors(guard_only),
        }
        gas = guard_gas(guards)
    figures = [
        Figure(
            group="pre-Cancun build",
            name=f"{what}, storage instead of transient",
            unit="gas",
            value=gas[("StorageGuarded", function)],
            baseline_name="transient (Cancun)",
            baseline_value=gas[("TransientGuarded", function)],
        )
        for function, what in _CALLS.items()
    ]
    for figure in figures:
        print(f"{figure.name}: {figure.value:,.0f} gas, {figure.baseline_name} {figure.baseline_value:,.0f}")
    for what, refusals in errors.items():
        print(f"{what} compiled for Shanghai:", *(refusals or ["it compiles"]), sep="\n  ")
    write_results("pre_cancun", figures, shanghai_errors=errors)


if __name__ == "__main__":
    main()
