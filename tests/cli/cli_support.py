"""Types and assertions shared by the CLI tests (a uniquely named module, so it never shadows tests/sdk's)."""

from __future__ import annotations

import importlib.util
import itertools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from ipledger import NodeInfo, parse_number
from ipledger.cli import app
from ipledger.cli._output import json_schema, result_type
from json_schema_support import schema_errors
from typer.main import get_command
from typer.testing import Result

Run = Callable[..., Result]


@dataclass(frozen=True)
class Chain:
    node: NodeInfo
    registry: str
    vault: str
    desk: str
    stablecoin: str

    @property
    def options(self) -> list[str]:
        return ["--rpc-url", self.node.rpc_url, "--registry", self.registry]

    @property
    def share_env(self) -> dict[str, str]:
        """The share vault, desk and payment token through their environment variables (commands that do not
        take an option ignore its variable)."""
        return {"IPLEDGER_VAULT": self.vault, "IPLEDGER_DESK": self.desk, "IPLEDGER_PAYMENT_TOKEN": self.stablecoin}


@dataclass(frozen=True)
class Patent:
    """A patent nobody registered yet: its number, documents and the register options for it."""

    number: str
    documents: list[Path]
    folder: Path

    @property
    def canonical(self) -> str:
        """The number in its canonical form (what the CLI shows and the registry's id derives from)."""
        return parse_number(self.number).canonical

    @property
    def options(self) -> list[str]:
        return [
            "--title",
            f"Battery electrode {self.number}",
            "--kind",
            "patent",
            "--jurisdiction",
            "US",
            "--number",
            self.number,
            *itertools.chain.from_iterable(("--doc", str(path)) for path in self.documents),
        ]

    def file(self, name: str, text: str) -> Path:
        path = self.folder / name
        path.write_text(text, "utf-8")
        return path


def assert_one_line_error(result: Result, *fragments: str, code: int = 1) -> str:
    """The command failed with ``code``, printed nothing on stdout and one ``error:`` line on stderr."""
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr, result.exception)
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def rpc_proxy_module() -> ModuleType:
    """tests/sdk/rpc_proxy.py (the JSON-RPC proxies in front of anvil), loaded by path: tests/sdk is not on
    sys.path here, and its conftest must not be imported twice."""
    name = "cli_rpc_proxy_shared"
    if name not in sys.modules:
        path = Path(__file__).resolve().parents[1] / "sdk" / "rpc_proxy.py"
        spec = importlib.util.spec_from_file_location(name, path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


def command_of(argv: list[str]) -> tuple[str, Any]:
    """The command ``ipledger ARGV`` runs (its path and click command), read from the leading names of ``argv``."""
    command: Any = get_command(app)
    path: list[str] = []
    for arg in argv:
        commands = getattr(command, "commands", None)
        if commands is None or arg not in commands:
            break
        command = commands[arg]
        path.append(arg)
    return " ".join(path), command


def assert_matches_schema(argv: list[str], printed: object) -> None:
    """What ``ipledger ARGV --json`` printed fits the JSON schema generated for that command's result model."""
    path, command = command_of(argv)
    result = result_type(command.callback)
    assert result is not None, f"`ipledger {path}` declares no result model"
    errors = schema_errors(printed, json_schema(result))
    assert not errors, f"`ipledger {path} --json` does not fit its schema: {errors[:5]}"
