"""``ipledger schema [COMMAND...]``: the JSON schema of what a command prints with ``--json``, generated from the
result model it declares (``_output.prints``), and the command tree it is looked up in."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Annotated, Any

import typer
from rich.table import Table

from ._output import json_schema, output, prints, result_type

__all__ = ["json_help", "schema", "walk_commands"]

CommandArg = Annotated[
    list[str] | None,
    typer.Argument(metavar="[COMMAND]...", help="The command, as typed after `ipledger` (e.g. shares balance)."),
]


def walk_commands(ctx: Any, group: Any, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], Any]]:
    """Every command below ``group`` (a click group), with its path of names, depth first in listing order."""
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command is None or command.hidden:
            continue
        if hasattr(command, "list_commands"):
            yield from walk_commands(ctx, command, (*path, name))
        else:
            yield (*path, name), command


def _variants(schema: dict[str, Any]) -> list[dict[str, Any]]:
    """The object schemas a result may be (one, or each of a union), ``$ref`` resolved."""
    definitions = schema.get("$defs", {})
    options = schema.get("anyOf", [schema])
    return [definitions[option["$ref"].split("/")[-1]] if "$ref" in option else option for option in options]


def json_help(callback: Any, path: str) -> str | None:
    """The help paragraph saying what ``callback``'s command prints with --json: the fields of its result."""
    result = result_type(callback)
    if result is None:
        return None
    shapes = []
    for variant in _variants(json_schema(result)):
        fields = ", ".join(f'"{name}"' for name in variant.get("properties", {}))
        shapes.append(f"{variant.get('title', 'an object')} {{{fields}}}" if fields else "a JSON object")
    return f"With --json prints {' or '.join(shapes)}; `ipledger schema {path}` prints its JSON schema."


@prints(dict[str, Any])
def schema(ctx: typer.Context, command: CommandArg = None) -> None:
    """Print the JSON schema of what COMMAND prints with --json, generated from its result model (always JSON).
    Without COMMAND, list every command and the result it prints (every schema with --json)."""
    out = output()
    root = ctx.find_root()
    commands = {" ".join(path): found for path, found in walk_commands(root, root.command)}
    if command:
        wanted = " ".join(command)
        if wanted not in commands:
            raise typer.BadParameter(f"no command {wanted!r} (see `ipledger --help`)", param_hint="COMMAND")
        result = result_type(commands[wanted].callback)
        typer.echo(json.dumps(json_schema(result) if result is not None else {}, indent=2, ensure_ascii=False))
        return
    declared = {path: result_type(found.callback) for path, found in commands.items()}
    if out.json_mode:
        every = {path: json_schema(result) for path, result in declared.items() if result is not None}
        typer.echo(json.dumps(every, indent=2, ensure_ascii=False))
        return
    table = Table("Command", "Prints with --json")
    for path, result in declared.items():
        titles = " or ".join(variant.get("title", "a JSON schema") for variant in _variants(json_schema(result)))
        table.add_row(path, titles)
    out.print(table)
