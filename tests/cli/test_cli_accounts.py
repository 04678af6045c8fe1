"""--from with keystores (password prompted on stderr, never echoed) and env:NAME keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cli_support import Patent, Run, assert_one_line_error
from eth_account import Account
from ipledger import dev_account

Json = Callable[..., Any]
PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def keystore(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """dev5's key in an encrypted keystore (cheap KDF settings: this is a test)."""
    encrypted = Account.encrypt(dev_account(5).account.key, PASSWORD, kdf="pbkdf2", iterations=2)
    path = tmp_path_factory.mktemp("keys") / "dev5.json"
    path.write_text(json.dumps(encrypted), "utf-8")
    return path


def test_keystore_password_is_prompted_on_stderr_and_not_echoed(patent: Patent, cli: Run, keystore: Path) -> None:
    result = cli("register", *patent.options, "--claim", "--from", str(keystore), "--json", input=PASSWORD + "\n")
    assert result.exit_code == 0, (result.stderr, result.exception)
    assert json.loads(result.stdout)["owner"] == dev_account(5).address
    assert "Password for dev5.json" in result.stderr
    assert PASSWORD not in result.stdout + result.stderr


def test_keystore_password_from_the_environment(patent: Patent, cli: Run, keystore: Path) -> None:
    env = {"IPLEDGER_KEYSTORE_PASSWORD": PASSWORD}
    result = cli("register", *patent.options, "--claim", "--from", str(keystore), "--json", env=env)
    assert result.exit_code == 0, result.stderr
    assert "Password" not in result.stderr


def test_a_wrong_keystore_password_is_one_line(patent: Patent, cli: Run, keystore: Path) -> None:
    result = cli("register", *patent.options, "--claim", "--from", str(keystore), input="wrong\n")
    assert result.exit_code == 1
    assert result.stderr.count("error: ") == 1
    assert "wrong password" in result.stderr


def test_env_account(patent: Patent, cli: Run) -> None:
    key = "0x" + bytes(dev_account(8).account.key).hex()
    result = cli(
        "register", *patent.options, "--claim", "--from", "env:CLI_TEST_KEY", "--json", env={"CLI_TEST_KEY": key}
    )
    assert result.exit_code == 0, result.stderr
    assert json.loads(result.stdout)["owner"] == dev_account(8).address
    assert_one_line_error(cli("register", *patent.options, "--from", "env:CLI_TEST_UNSET"), "CLI_TEST_UNSET")
