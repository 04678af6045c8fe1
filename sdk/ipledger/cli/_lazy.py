"""The root command group, which imports a command's module only when that command runs or shows its own help.

``ipledger --help`` lists every command from a static table (:class:`LazyCommand`: name, panel, where it lives and its
one-line help), so it imports no command module, and with them neither web3 nor eth-account; ``ipledger node
status`` imports the node commands alone. A command found in the table is built exactly as ``app.command(...)`` or
``app.add_typer(...)`` would have built it, with the root's settings. ``tests/cli/test_cli_startup.py`` checks that
the table's lines are the commands' own.
"""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable, Iterator, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer.core import TyperCommand

from ._chain_options import CommandTyper, OutputCommand
from ._errors import ErrorHandlingGroup

__all__ = ["LazyCommand", "LazyGroup"]


@dataclass(frozen=True)
class LazyCommand:
    """A command of the root group, known before its module is imported."""

    name: str
    #: The panel of ``ipledger --help`` it is listed in.
    panel: str
    #: ``module:attribute`` in ``ipledger.cli``: a function (a command) or a ``typer.Typer`` (a group of commands).
    target: str
    #: Its line in ``ipledger --help``: the first paragraph of its own help, as written (markdown).
    help: str
    #: A command that uses no chain (``demo``, ``schema``): it takes ``--json`` after it, not the chain options.
    chainless: bool = False

    def placeholder(self, markup_mode: Any) -> TyperCommand:
        """A stand-in that carries the name, panel and line, for listing only (it has no options and does nothing)."""
        return TyperCommand(self.name, help=self.help, rich_help_panel=self.panel, rich_markup_mode=markup_mode)


class _Commands(MutableMapping[str, Any]):
    """The root group's commands by name: every name is known from the table; a command is built on first use."""

    def __init__(self, table: Sequence[LazyCommand], build: Callable[[LazyCommand], Any]) -> None:
        self.table = {spec.name: spec for spec in table}
        self._build = build
        self._built: dict[str, Any] = {}

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            self._built[name] = self._build(self.table[name])
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        if name not in self:
            raise KeyError(name)
        self.table.pop(name, None)
        self._built.pop(name, None)

    def __contains__(self, name: object) -> bool:
        return name in self.table or name in self._built

    def get(self, name: str, default: Any = None) -> Any:
        """The command, built if need be; a failure to build it is raised, never taken for an unknown name."""
        if name not in self:
            return default
        return self[name]

    def __iter__(self) -> Iterator[str]:
        return iter([*self.table, *(name for name in self._built if name not in self.table)])

    def __len__(self) -> int:
        return len(self.table.keys() | self._built.keys())


class LazyGroup(ErrorHandlingGroup):
    """:class:`ErrorHandlingGroup` over a table of :class:`LazyCommand`, which a subclass sets as :attr:`table`."""

    table: ClassVar[Sequence[LazyCommand]] = ()

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        self.commands = _Commands(self.table, self._build)
        self.commands.update(attrs.get("commands") or {})
        self._listing = False

    def list_commands(self, ctx: Any) -> list[str]:
        return list(self.commands)

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        spec = self.commands.table.get(cmd_name) if isinstance(self.commands, _Commands) else None
        if self._listing and spec is not None:
            return spec.placeholder(self.rich_markup_mode)
        return self.commands.get(cmd_name)

    def format_help(self, ctx: Any, formatter: Any) -> None:
        with self._from_table():
            super().format_help(ctx, formatter)

    def shell_complete(self, ctx: Any, incomplete: str) -> Any:
        with self._from_table():
            return super().shell_complete(ctx, incomplete)

    @contextlib.contextmanager
    def _from_table(self) -> Iterator[None]:
        """Lists commands from the table (name, panel, line) instead of importing their modules."""
        self._listing = True
        try:
            yield
        finally:
            self._listing = False

    def _build(self, spec: LazyCommand) -> Any:
        """The command as ``app.command(...)`` / ``app.add_typer(...)`` on the root app would have built it."""
        module_name, _, attribute = spec.target.partition(":")
        target = getattr(importlib.import_module(f"{__package__}.{module_name}"), attribute)
        scratch = CommandTyper(
            rich_markup_mode=self.rich_markup_mode, suggest_commands=self.suggest_commands, add_completion=False
        )
        scratch.callback()(_nothing)  # a group, whatever it holds
        if isinstance(target, typer.Typer):
            scratch.add_typer(target, name=spec.name, rich_help_panel=spec.panel)
        else:
            scratch.command(spec.name, rich_help_panel=spec.panel, cls=OutputCommand if spec.chainless else None)(
                target
            )
        return typer.main.get_command(scratch).commands[spec.name]  # type: ignore[attr-defined]


def _nothing() -> None:
    """The throwaway app's callback."""
