"""A stand-in for native solc 0.8.30, backed by solc-js, so Brownie compiles offline.

Usage::

    python scripts/solc_shim.py --install    # install as solc-v0.8.30 for py-solc-x
    python scripts/solc_shim.py --uninstall  # remove it again (only if it is ours)

py-solc-x (and so Brownie) runs ``solc-v0.8.30`` from ``$SOLCX_BINARY_PATH`` or
``~/.solcx``. ``--install`` writes a small ``sh`` wrapper there that answers
``--version`` itself (py-solc-x asks about a dozen times per compile) and hands
every other call to this script. A native solc already at that path is never
replaced; an older shim of ours is.

Run through the wrapper, the script accepts what py-solc-x passes:

- ``--standard-json``: standard-JSON on stdin, output JSON on stdout, exit 0 even
  when the JSON reports errors, as native solc does;
- ``--combined-json abi,bin,bin-runtime,hashes,metadata`` with ``-`` (stdin) or
  file operands, as ``solcx.compile_source`` and Brownie's interface ABIs use;
- ``--allow-paths`` (accepted, not enforced), ``--base-path``, ``--include-path``,
  ``--output-dir`` and ``--overwrite``.

Imports resolve against the base path (default: the current directory), the
include paths, ``<base>/node_modules`` and the current directory, in that order.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import compile as ipl_compile

SHIM_NAME: Final = f"solc-v{ipl_compile.SOLC_VERSION}"
VALUE_OPTIONS: Final = frozenset(
    {
        "--allow-paths",
        "--base-path",
        "--include-path",
        "--output-dir",
        "--combined-json",
    }
)
FLAG_OPTIONS: Final = frozenset({"--standard-json", "--overwrite", "--version"})
COMBINED_OUTPUTS: Final = {
    "abi": "abi",
    "bin": "evm.bytecode.object",
    "bin-runtime": "evm.deployedBytecode.object",
    "hashes": "evm.methodIdentifiers",
    "metadata": "metadata",
}
BANNER: Final = "solc, the solidity compiler commandline interface"
WRAPPER_TEMPLATE: Final = """#!/bin/sh
# {marker}: solc {version} via solc-js, written by solc_shim.py --install.
# Safe to delete or overwrite; a native solc at this path is preferred.
if [ "$#" -eq 1 ] && [ "$1" = "--version" ]; then
  printf '%s\\n' '{banner}' 'Version: {long_version}'
  exit 0
fi
exec {python} {script} "$@"
"""


class UsageError(Exception):
    """The command line asks for something that native solc or the shim rejects."""


@dataclass
class Invocation:
    """The parsed solc command line."""

    flags: set[str] = field(default_factory=set)
    values: dict[str, list[str]] = field(default_factory=dict)
    operands: list[str] = field(default_factory=list)

    def value(self, option: str) -> str | None:
        """Return the last value given for ``option``, if any."""
        given = self.values.get(option)
        return given[-1] if given else None


# ----------------------------------------------------------------------------------
# Acting as solc
# ----------------------------------------------------------------------------------


def parse_invocation(argv: Sequence[str]) -> Invocation:
    """Parse solc-style arguments: ``--opt value``, ``--opt=value``, flags, files."""
    invocation = Invocation()
    args = list(argv)
    while args:
        arg = args.pop(0)
        name, has_inline, inline = arg.partition("=")
        if name in VALUE_OPTIONS:
            if not has_inline and not args:
                raise UsageError(
                    f"the required argument for option '{name}' is missing"
                )
            value = inline if has_inline else args.pop(0)
            invocation.values.setdefault(name, []).append(value)
        elif arg in FLAG_OPTIONS:
            invocation.flags.add(arg)
        elif arg.startswith("--"):
            raise UsageError(f"unrecognised option '{arg}'")
        else:
            invocation.operands.append(arg)
    return invocation


def import_roots(invocation: Invocation) -> tuple[Path, list[Path]]:
    """Return the base path (default: cwd) and include paths of an invocation."""
    base = invocation.value("--base-path")
    includes = [Path(p) for p in invocation.values.get("--include-path", [])]
    return (Path(base) if base else Path.cwd()).resolve(), includes


def standard_json(invocation: Invocation, stdin: str) -> str:
    """Compile a standard-JSON input and return the output text."""
    base, includes = import_roots(invocation)
    return ipl_compile.run_solcjs(stdin, base, includes)


def combined_sources(invocation: Invocation, stdin: str) -> dict[str, str]:
    """Read the sources of a ``--combined-json`` call; ``-`` is stdin (``<stdin>``)."""
    sources = {}
    for operand in invocation.operands or ["-"]:
        if operand == "-":
            sources["<stdin>"] = stdin
        else:
            sources[operand] = Path(operand).read_text(encoding="utf-8")
    return sources


def combined_outputs(invocation: Invocation) -> list[str]:
    """Return the requested ``--combined-json`` outputs, rejecting unknown ones."""
    requested = [n for n in (invocation.value("--combined-json") or "").split(",") if n]
    for name in requested:
        if name not in COMBINED_OUTPUTS:
            raise UsageError(f"Invalid option to --combined-json: {name}")
    return requested


def pick(contract: Mapping[str, object], selector: str) -> object:
    """Follow a dotted standard-JSON selector into one contract's output."""
    value: object = contract
    for part in selector.split("."):
        value = value.get(part, {}) if isinstance(value, Mapping) else {}
    return value


def combined_json(invocation: Invocation, stdin: str) -> str:
    """Compile like ``solc --combined-json`` and return its JSON text."""
    outputs = combined_outputs(invocation)
    sources = combined_sources(invocation, stdin)
    selection = [COMBINED_OUTPUTS[name] for name in outputs]
    input_json = {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {"outputSelection": {"*": {"*": selection}}},
    }
    output = json.loads(standard_json(invocation, json.dumps(input_json)))
    ipl_compile.raise_for_errors(output)
    contracts = {
        f"{source}:{name}": {
            key: pick(contract, COMBINED_OUTPUTS[key]) for key in outputs
        }
        for source, by_name in output.get("contracts", {}).items()
        for name, contract in by_name.items()
    }
    version = ipl_compile.SOLC_LONG_VERSION
    return json.dumps({"contracts": contracts, "version": version})


def write_output_dir(invocation: Invocation, text: str) -> None:
    """Write ``combined.json`` into ``--output-dir``, honouring ``--overwrite``."""
    out_dir = Path(invocation.value("--output-dir") or ".")
    target = out_dir / "combined.json"
    if target.exists() and "--overwrite" not in invocation.flags:
        raise UsageError(f'Refusing to overwrite existing file "{target}"')
    out_dir.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")


def act_as_solc(argv: Sequence[str]) -> int:
    """Run one solc command line; return the exit status."""
    invocation = parse_invocation(argv)
    if "--version" in invocation.flags:
        print(f"{BANNER}\nVersion: {solcjs_version()}")
        return 0
    stdin = sys.stdin.read()
    if "--standard-json" in invocation.flags:
        sys.stdout.write(standard_json(invocation, stdin))
        return 0
    if "--combined-json" not in invocation.values:
        raise UsageError("the shim supports --standard-json and --combined-json only")
    text = combined_json(invocation, stdin)
    if "--output-dir" in invocation.values:
        write_output_dir(invocation, text)
    else:
        print(text)
    return 0


# ----------------------------------------------------------------------------------
# Installing the wrapper
# ----------------------------------------------------------------------------------


def solcjs_version() -> str:
    """Ask solc-js for its version, e.g. ``0.8.30+commit.73712a01.Emscripten.clang``."""
    result = subprocess.run(
        [ipl_compile.node_executable(), str(ipl_compile.SOLC_JS_SCRIPT), "--version"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def wrapper_text(long_version: str) -> str:
    """Render the ``sh`` wrapper that py-solc-x will run as ``solc-v0.8.30``."""
    return WRAPPER_TEMPLATE.format(
        marker=ipl_compile.SHIM_MARKER.decode(),
        version=ipl_compile.SOLC_VERSION,
        banner=BANNER,
        long_version=long_version,
        python=shlex.quote(sys.executable),
        script=shlex.quote(str(Path(__file__).resolve())),
    )


def write_executable(path: Path, text: str) -> None:
    """Atomically write ``text`` to ``path`` with mode 0755."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, prefix=".shim-", delete=False, encoding="utf-8"
    ) as tmp:
        tmp.write(text)
    temporary = Path(tmp.name)
    temporary.chmod(0o755)
    temporary.replace(path)


def install(target: Path) -> int:
    """Install the wrapper at ``target`` unless a solc not of ours is already there."""
    if target.exists() and not ipl_compile.is_shim(target):
        if ipl_compile.is_native_solc(target):
            print(f"native solc found at {target}; keeping it")
            return 0
        print(f"{target} is neither native solc nor our shim; not touching it")
        return 1
    long_version = solcjs_version()
    if not long_version.startswith(ipl_compile.SOLC_LONG_VERSION + "."):
        print(f"solc-js is {long_version}, expected {ipl_compile.SOLC_LONG_VERSION}")
        return 1
    write_executable(target, wrapper_text(long_version))
    print(f"installed solc-js shim at {target}")
    return 0


def uninstall(target: Path) -> int:
    """Remove the wrapper at ``target`` if it is ours."""
    if target.exists() and ipl_compile.is_shim(target):
        target.unlink()
        print(f"removed {target}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch ``--install`` / ``--uninstall``, or act as solc; return the status."""
    args = list(sys.argv[1:] if argv is None else argv)
    target = ipl_compile.solcx_binary_dir() / SHIM_NAME
    if args == ["--install"]:
        return install(target)
    if args == ["--uninstall"]:
        return uninstall(target)
    try:
        return act_as_solc(args)
    except UsageError as exc:
        print(exc, file=sys.stderr)
    except (ipl_compile.CompileError, OSError, subprocess.CalledProcessError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
