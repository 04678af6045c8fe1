"""scripts/deploy.py: as a Brownie script (``main``) and as plain Python through the SDK (``cli``)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

from brownie import web3
from eth_utils import keccak
from registry_helpers import DEFAULT_ADMIN_ROLE, GUARDIAN_ROLE, REGISTRAR_ROLE, address_of

VERIFIER_ROLE = keccak(text="VERIFIER_ROLE")
DISPUTE_ROLE = keccak(text="DISPUTE_ROLE")
PLEDGE_ROLE = keccak(text="PLEDGE_ROLE")
DISPUTE_MANAGER_ROLES = (REGISTRAR_ROLE, DISPUTE_ROLE)

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "deploy.py"
ROLE_GRANTED = keccak(text="RoleGranted(bytes32,address,address)")

# Runs the script as __main__ and fails (exit 3) if anything imported brownie on the way.
RUNNER = """
import runpy, sys
sys.argv = [sys.argv[1], *sys.argv[2:]]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as exit:
    code = exit.code
else:
    code = 0
if "brownie" in sys.modules:
    print("brownie was imported", file=sys.stderr)
    sys.exit(3)
sys.exit(code)
"""


def load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("ipledger_deploy_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_script(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", RUNNER, str(SCRIPT), *args], capture_output=True, text=True, timeout=120
    )


def granted_roles(address: str) -> list[tuple[bytes, str]]:
    """Every RoleGranted log the contract ever emitted, as (role, account)."""
    logs = web3.eth.get_logs({"address": address, "fromBlock": 0, "toBlock": "latest", "topics": [ROLE_GRANTED]})
    return [(bytes(log["topics"][1]), address_of("0x" + bytes(log["topics"][2])[-20:].hex())) for log in logs]


def test_brownie_main_deploys_from_first_account(IPRegistry: Any, accounts: Any) -> None:  # noqa: N803
    address = load_script().main()
    registry = IPRegistry.at(address)
    deployer = accounts[0].address
    assert granted_roles(address) == [
        (DEFAULT_ADMIN_ROLE, deployer),
        (REGISTRAR_ROLE, deployer),
        (GUARDIAN_ROLE, deployer),
    ]
    assert registry.DEPLOYMENT_BLOCK() == web3.eth.block_number
    assert registry.paused() is False


def test_plain_python_deploys_with_sdk(IPRegistry: Any, LoanDesk: Any, accounts: Any) -> None:  # noqa: N803
    result = run_script("--rpc-url", web3.provider.endpoint_uri, "--from", "dev1")
    assert result.returncode == 0, result.stderr
    address = result.stdout.strip()
    assert result.stdout == f"{address}\n"  # only the address on stdout
    registry = IPRegistry.at(address)  # raises unless the code is there
    roles = granted_roles(address)
    assert roles[:3] == [
        (DEFAULT_ADMIN_ROLE, accounts[1].address),
        (REGISTRAR_ROLE, accounts[1].address),
        (GUARDIAN_ROLE, accounts[1].address),
    ]
    # The SDK's deployment then hands its modules their registry roles: the attestation registry confirms claims,
    # the dispute manager locks disputed rights and applies rulings, the loan desk pledges rights.
    modules = roles[3:]
    assert sorted(role for role, _ in modules) == sorted([VERIFIER_ROLE, *DISPUTE_MANAGER_ROLES, PLEDGE_ROLE])
    holders = {role: {account for granted, account in modules if granted == role} for role, _ in modules}
    (verifier,), (manager,), (desk,) = holders[VERIFIER_ROLE], holders[DISPUTE_ROLE], holders[PLEDGE_ROLE]
    assert holders[REGISTRAR_ROLE] == {manager}
    assert len({verifier, manager, desk}) == 3
    assert all(web3.eth.get_code(account) for _, account in modules)
    assert LoanDesk.at(desk).registry() == address_of(address)
    assert registry.supportsInterface("0x80ac58cd") is True


def test_plain_python_reports_bad_account_on_one_line() -> None:
    result = run_script("--rpc-url", web3.provider.endpoint_uri, "--from", "env:IPLEDGER_DEPLOY_TEST_UNSET")
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.startswith("deploy.py: error: ")
    assert result.stderr.count("\n") == 1


def test_plain_python_reports_unreachable_node() -> None:
    result = run_script("--rpc-url", "http://127.0.0.1:9", "--from", "dev0")
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("deploy.py: error: ")


def test_plain_python_requires_rpc_url() -> None:
    result = run_script()
    assert result.returncode == 2
    assert "--rpc-url" in result.stderr
