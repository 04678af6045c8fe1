"""Compile the Solidity sources with solc 0.8.30 and write the SDK's artifacts.

Usage::

    python scripts/compile.py          # write sdk/ipledger/artifacts/<Name>.json + errors.json
    python scripts/compile.py --check  # recompile in memory; exit 1 if stale

Every ``.sol`` file under ``contracts/`` goes into one standard-JSON compilation
with the settings in :data:`SETTINGS`. Each contract defined there with non-empty
bytecode gets one artifact; interfaces and abstract contracts get none. The
compiler is solc-js (through ``scripts/solc_compile.js``) unless py-solc-x holds a
native ``solc-v0.8.30``, which then compiles the same input to the same output.

The same compilation also yields the error catalogue, ``errors.json``: every custom
error declared in any source the compiler saw (ours and every OpenZeppelin and
Solady file they import, libraries included), read from the ASTs. ABIs list only
the errors a contract's Solidity code reverts with; Solady raises its errors from
assembly (SafeTransferLib's ``TransferFromFailed()``), so they are in no ABI, and
the SDK's revert decoder needs the catalogue to name them.

The module is importable: :func:`compile_project` returns artifacts and catalogue
in memory, :func:`compile_sources` just the artifacts, :func:`write_artifacts` and
:func:`write_catalogue` write them, :func:`compile_directory` compiles any folder
of contracts (the benchmarks' baselines) with the same settings.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final, Literal, TypedDict

LOGGER: Final = logging.getLogger("ipledger.compile")

REPO_ROOT: Final = Path(__file__).resolve().parent.parent
CONTRACTS_DIR: Final = REPO_ROOT / "contracts"
ARTIFACTS_DIR: Final = REPO_ROOT / "sdk" / "ipledger" / "artifacts"
SOLC_JS_SCRIPT: Final = REPO_ROOT / "scripts" / "solc_compile.js"
#: The error catalogue beside the artifacts (lower case: no contract is named so).
CATALOGUE_FILE: Final = "errors.json"

SOLC_VERSION: Final = "0.8.30"
SOLC_LONG_VERSION: Final = "0.8.30+commit.73712a01"
SHIM_MARKER: Final = b"ipledger-solc-shim"
SOLCX_BINARY_PATH_VARIABLE: Final = "SOLCX_BINARY_PATH"

SETTINGS: Final[Mapping[str, Any]] = {
    "evmVersion": "cancun",
    "metadata": {"bytecodeHash": "ipfs"},
    "optimizer": {"enabled": True, "runs": 200},
    "remappings": [
        "@openzeppelin/=node_modules/@openzeppelin/",
        "solady/=node_modules/solady/",
    ],
    "viaIR": False,
}
OUTPUT_SELECTION: Final[Mapping[str, Any]] = {
    "*": {
        "*": [
            "abi",
            "evm.bytecode.object",
            "evm.deployedBytecode.object",
            "evm.deployedBytecode.immutableReferences",
            "metadata",
        ],
        # Per source unit (not per contract): the AST, for the error catalogue. Output
        # selection changes no bytecode and is not part of the metadata.
        "": ["ast"],
    }
}

CompilerChoice = Literal["auto", "solcjs", "native"]


class CompilerInfo(TypedDict):
    """The ``compiler`` entry of an artifact."""

    name: str
    version: str
    settings: dict[str, Any]


class Artifact(TypedDict):
    """One deployable contract, as written to ``<ContractName>.json``."""

    contractName: str
    sourceName: str
    abi: list[Any]
    bytecode: str
    deployedBytecode: str
    immutableReferences: dict[str, Any]
    compiler: CompilerInfo
    sources: dict[str, str]


class CompiledContract(TypedDict):
    """What benchmarks need of a contract: its ABI and both bytecodes."""

    abi: list[Any]
    bytecode: str
    deployedBytecode: str


class ErrorParameter(TypedDict, total=False):
    """One input of a catalogued error, as in an ABI (``components`` for tuples)."""

    name: str
    type: str
    internalType: str
    components: list[ErrorParameter]


class ErrorDeclaration(TypedDict):
    """Where an error is declared: source unit and contract (``None`` at file level)."""

    source: str
    contract: str | None


class CatalogueEntry(TypedDict):
    """One custom error: an ABI ``error`` entry plus its signature, selector and declarations.

    The same signature declared in several places (an error shared by two interfaces)
    is one entry listing every declaration; its input names are those of the first
    (sources by name, then in source order).
    """

    type: str
    name: str
    signature: str
    selector: str
    inputs: list[ErrorParameter]
    declaredIn: list[ErrorDeclaration]


class ErrorCatalogue(TypedDict):
    """``errors.json``: every custom error of every source of the compilation."""

    compiler: str
    sources: dict[str, str]
    errors: list[CatalogueEntry]


class Compilation(TypedDict):
    """What one compilation of ``contracts/`` yields: artifacts and error catalogue."""

    artifacts: dict[str, Artifact]
    catalogue: ErrorCatalogue


class CompileError(Exception):
    """The compiler reported errors, could not run, or produced unusable output."""


# --------------------------------------------------------------------------------------
# Choosing and running the compiler
# --------------------------------------------------------------------------------------


def solcx_binary_dir() -> Path:
    """Return py-solc-x's binary folder: ``$SOLCX_BINARY_PATH`` or ``~/.solcx``."""
    configured = os.environ.get(SOLCX_BINARY_PATH_VARIABLE)
    return Path(configured) if configured else Path.home() / ".solcx"


def is_shim(path: Path) -> bool:
    """Tell whether ``path`` is the shim that ``scripts/solc_shim.py`` installs."""
    with path.open("rb") as handle:
        return SHIM_MARKER in handle.read(512)


def is_native_solc(path: Path) -> bool:
    """Tell whether ``path`` is a native (ELF) solc reporting our exact version."""
    if not path.is_file() or is_shim(path):
        return False
    with path.open("rb") as handle:
        if handle.read(4) != b"\x7fELF":
            return False
    try:
        result = subprocess.run(
            [str(path), "--version"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return f"Version: {SOLC_LONG_VERSION}" in result.stdout


def native_solc() -> Path | None:
    """Return py-solc-x's native ``solc-v0.8.30`` if one is installed, else ``None``."""
    candidate = solcx_binary_dir() / f"solc-v{SOLC_VERSION}"
    return candidate if is_native_solc(candidate) else None


def _run(command: Sequence[str], stdin: str) -> str:
    """Run a compiler process; return its stdout or raise :class:`CompileError`."""
    try:
        result = subprocess.run(
            command, input=stdin, capture_output=True, text=True, check=False
        )
    except OSError as exc:
        raise CompileError(f"cannot run {command[0]}: {exc}") from exc
    if result.returncode != 0:
        raise CompileError(
            f"{' '.join(command)} exited {result.returncode}:\n{result.stderr}"
        )
    return result.stdout


def node_executable() -> str:
    """Return the path of ``node``, which runs solc-js."""
    node = shutil.which("node")
    if node is None:
        raise CompileError("node is not on PATH; it is needed to run solc-js")
    return node


def run_solcjs(
    input_json: str, base_path: Path, include_paths: Iterable[Path] = ()
) -> str:
    """Compile a standard-JSON input string with solc-js; return the output."""
    command = [node_executable(), str(SOLC_JS_SCRIPT), "--base-path", str(base_path)]
    for include in include_paths:
        command += ["--include-path", str(include)]
    return _run(command, input_json)


def run_native(
    binary: Path, input_json: str, base_path: Path, include_paths: Iterable[Path] = ()
) -> str:
    """Compile a standard-JSON input string with a native solc; return the output."""
    command = [str(binary), "--standard-json", "--base-path", str(base_path)]
    for include in include_paths:
        command += ["--include-path", str(include)]
    return _run(command, input_json)


def run_compiler(
    input_json: Mapping[str, Any], base_path: Path, compiler: CompilerChoice = "auto"
) -> dict[str, Any]:
    """Compile ``input_json``; ``auto`` prefers a native solc over solc-js."""
    text = json.dumps(input_json, sort_keys=True)
    binary = native_solc() if compiler in ("auto", "native") else None
    if compiler == "native" and binary is None:
        raise CompileError(f"no native solc-v{SOLC_VERSION} in {solcx_binary_dir()}")
    if binary is not None:
        LOGGER.info("compiling with native %s", binary)
        output = run_native(binary, text, base_path, [base_path / "node_modules"])
    else:
        LOGGER.info("compiling with solc-js")
        output = run_solcjs(text, base_path)
    result: dict[str, Any] = json.loads(output)
    return result


def raise_for_errors(output: Mapping[str, Any]) -> None:
    """Log the compiler's warnings; raise :class:`CompileError` listing its errors."""
    errors = []
    for message in output.get("errors", []):
        text = message.get("formattedMessage") or message.get("message", "")
        if message.get("severity") == "error":
            errors.append(text)
        else:
            LOGGER.warning("%s", text.rstrip())
    if errors:
        raise CompileError("\n".join(errors))


# --------------------------------------------------------------------------------------
# Building the input and the artifacts
# --------------------------------------------------------------------------------------


def source_unit_name(path: Path, root: Path) -> str:
    """Name a file as solc sees it: relative to ``root`` if inside it, else absolute."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(root.resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def read_sources(source_dir: Path, root: Path) -> dict[str, str]:
    """Read every ``.sol`` file under ``source_dir``, keyed by source unit name."""
    files = sorted(source_dir.rglob("*.sol"))
    return {source_unit_name(f, root): f.read_bytes().decode("utf-8") for f in files}


def build_input(
    sources: Mapping[str, str], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """Build the standard-JSON input for inline ``sources`` and ``settings``."""
    return {
        "language": "Solidity",
        "sources": {name: {"content": text} for name, text in sources.items()},
        "settings": {
            **copy.deepcopy(dict(settings)),
            "outputSelection": OUTPUT_SELECTION,
        },
    }


def resolve_source(name: str, root: Path = REPO_ROOT) -> Path:
    """Find the file behind source unit ``name`` the way ``solc_compile.js`` does."""
    for candidate in (root / name, root / "node_modules" / name, Path.cwd() / name):
        if candidate.is_file():
            return candidate
    raise CompileError(f"cannot find source file {name!r} under {root}")


def sha256_file(path: Path) -> str:
    """Return the SHA-256 hex digest of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def source_hashes(metadata: Mapping[str, Any], root: Path) -> dict[str, str]:
    """Hash every source file of one contract's compilation (per its metadata)."""
    return {
        name: sha256_file(resolve_source(name, root))
        for name in sorted(metadata["sources"])
    }


def make_artifact(
    source_name: str,
    contract_name: str,
    contract: Mapping[str, Any],
    settings: Mapping[str, Any],
    root: Path,
) -> Artifact:
    """Turn one contract of the compiler output into an artifact."""
    metadata = json.loads(contract["metadata"])
    version = metadata["compiler"]["version"]
    if version != SOLC_LONG_VERSION:
        raise CompileError(f"compiler reported {version}, expected {SOLC_LONG_VERSION}")
    evm = contract["evm"]
    return {
        "contractName": contract_name,
        "sourceName": source_name,
        "abi": contract["abi"],
        "bytecode": "0x" + evm["bytecode"]["object"],
        "deployedBytecode": "0x" + evm["deployedBytecode"]["object"],
        "immutableReferences": evm["deployedBytecode"].get("immutableReferences", {}),
        "compiler": {
            "name": "solc",
            "version": version,
            "settings": copy.deepcopy(dict(settings)),
        },
        "sources": source_hashes(metadata, root),
    }


def collect_artifacts(
    output: Mapping[str, Any],
    own_sources: Iterable[str],
    settings: Mapping[str, Any],
    root: Path,
) -> dict[str, Artifact]:
    """Make an artifact for each deployable contract defined in ``own_sources``."""
    artifacts: dict[str, Artifact] = {}
    for source_name in sorted(own_sources):
        for name, contract in sorted(
            output.get("contracts", {}).get(source_name, {}).items()
        ):
            if not contract["evm"]["bytecode"]["object"]:
                continue
            if f"{name}.json" == CATALOGUE_FILE:
                raise CompileError(f"contract {name} would overwrite the error catalogue")
            if name in artifacts:
                other = artifacts[name]["sourceName"]
                raise CompileError(
                    f"contract {name} is defined in {other} and {source_name}"
                )
            artifacts[name] = make_artifact(source_name, name, contract, settings, root)
    return artifacts


def compile_project(
    source_dir: Path = CONTRACTS_DIR,
    *,
    root: Path = REPO_ROOT,
    settings: Mapping[str, Any] = SETTINGS,
    compiler: CompilerChoice = "auto",
) -> Compilation:
    """Compile every ``.sol`` under ``source_dir``; return artifacts and error catalogue.

    Imports resolve against ``root`` (then ``root/node_modules``), so ``root`` is the
    folder the remappings are relative to. Raises :class:`CompileError` on any
    compiler error.
    """
    sources = read_sources(source_dir, root)
    if not sources:
        raise CompileError(f"no .sol files under {source_dir}")
    output = run_compiler(build_input(sources, settings), root, compiler)
    raise_for_errors(output)
    return {
        "artifacts": collect_artifacts(output, sources, settings, root),
        "catalogue": collect_error_catalogue(output, root),
    }


def compile_sources(
    source_dir: Path = CONTRACTS_DIR,
    *,
    root: Path = REPO_ROOT,
    settings: Mapping[str, Any] = SETTINGS,
    compiler: CompilerChoice = "auto",
) -> dict[str, Artifact]:
    """Compile every ``.sol`` under ``source_dir``; return artifacts by contract name
    (see :func:`compile_project`)."""
    compiled = compile_project(source_dir, root=root, settings=settings, compiler=compiler)
    return compiled["artifacts"]


def compile_directory(
    source_dir: Path, *, root: Path = REPO_ROOT, compiler: CompilerChoice = "auto"
) -> dict[str, CompiledContract]:
    """Compile a folder with :data:`SETTINGS`; return ABI and bytecodes by name."""
    artifacts = compile_sources(source_dir, root=root, compiler=compiler)
    return {
        name: {
            "abi": artifact["abi"],
            "bytecode": artifact["bytecode"],
            "deployedBytecode": artifact["deployedBytecode"],
        }
        for name, artifact in artifacts.items()
    }


# --------------------------------------------------------------------------------------
# The error catalogue
# --------------------------------------------------------------------------------------

_TYPE_DECLARATIONS: Final = frozenset(
    {
        "ContractDefinition",
        "StructDefinition",
        "EnumDefinition",
        "UserDefinedValueTypeDefinition",
    }
)


def _walk(node: Any, contract: str | None = None) -> Iterable[tuple[str | None, dict[str, Any]]]:
    """Every AST node under ``node`` with the name of the contract enclosing it."""
    if isinstance(node, dict):
        yield contract, node
        if node.get("nodeType") == "ContractDefinition":
            contract = node["name"]
        for value in node.values():
            yield from _walk(value, contract)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item, contract)


def _abi_parameter(
    variable: Mapping[str, Any], declarations: Mapping[int, Mapping[str, Any]]
) -> ErrorParameter:
    """The ABI form of a parameter (or struct member) declaration."""
    kind, internal, components = _abi_type(variable["typeName"], declarations)
    parameter: ErrorParameter = {
        "name": variable["name"],
        "type": kind,
        "internalType": internal,
    }
    if components is not None:
        parameter["components"] = components
    return parameter


def _abi_type(
    type_name: Mapping[str, Any], declarations: Mapping[int, Mapping[str, Any]]
) -> tuple[str, str, list[ErrorParameter] | None]:
    """(ABI type, internal type, tuple components) of an AST type name."""
    node_type = type_name["nodeType"]
    if node_type == "ElementaryTypeName":
        name = {"uint": "uint256", "int": "int256"}.get(type_name["name"], type_name["name"])
        payable = type_name.get("stateMutability") == "payable"
        return name, f"{name} payable" if payable else name, None
    if node_type == "ArrayTypeName":
        kind, internal, components = _abi_type(type_name["baseType"], declarations)
        length = type_name.get("length")
        if length is None:
            suffix = "[]"
        elif length.get("nodeType") == "Literal" and str(length.get("value", "")).isdigit():
            suffix = f"[{length['value']}]"
        else:
            raise CompileError(f"cannot read the length of array type at {type_name['src']}")
        return kind + suffix, internal + suffix, components
    if node_type == "FunctionTypeName":
        return "function", "function", None
    if node_type == "UserDefinedTypeName":
        declaration = declarations.get(type_name["referencedDeclaration"])
        if declaration is None:
            raise CompileError(f"unresolved type at {type_name['src']}")
        kind = declaration["nodeType"]
        name = declaration.get("canonicalName") or declaration["name"]
        if kind == "ContractDefinition":
            return "address", f"contract {name}", None
        if kind == "EnumDefinition":
            return "uint8", f"enum {name}", None
        if kind == "UserDefinedValueTypeDefinition":
            underlying, _, _ = _abi_type(declaration["underlyingType"], declarations)
            return underlying, name, None
        if kind == "StructDefinition":
            members = [_abi_parameter(m, declarations) for m in declaration["members"]]
            return "tuple", f"struct {name}", members
    raise CompileError(f"type {node_type} at {type_name.get('src')} cannot be in an ABI")


def canonical_type(parameter: Mapping[str, Any]) -> str:
    """The type of an ABI parameter as it appears in a signature: tuples spelled out."""
    kind = str(parameter["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in parameter["components"])
        return f"({inner}){kind[len('tuple'):]}"
    return kind


def collect_error_catalogue(output: Mapping[str, Any], root: Path) -> ErrorCatalogue:
    """Every ``ErrorDefinition`` in the ASTs of ``output`` (each source the compiler saw).

    Each error's selector is computed from the canonical signature and checked against
    the one solc reports (``errorSelector``), so the ABI types are the compiler's.
    Errors are keyed by signature and sorted by name then signature; a selector shared
    by two signatures is logged (the SDK's decoder tells them apart by their data).
    """
    from eth_utils.crypto import keccak

    asts = {name: source["ast"] for name, source in output.get("sources", {}).items()}
    if not asts:
        raise CompileError("the compiler returned no ASTs for the error catalogue")
    declarations = {
        node["id"]: node
        for ast in asts.values()
        for _, node in _walk(ast)
        if node.get("nodeType") in _TYPE_DECLARATIONS
    }
    entries: dict[str, CatalogueEntry] = {}
    for source in sorted(asts):
        for contract, node in _walk(asts[source]):
            if node.get("nodeType") != "ErrorDefinition":
                continue
            inputs = [_abi_parameter(p, declarations) for p in node["parameters"]["parameters"]]
            signature = f"{node['name']}({','.join(canonical_type(p) for p in inputs)})"
            selector = keccak(text=signature)[:4].hex()
            if node.get("errorSelector", selector) != selector:
                raise CompileError(
                    f"{signature} in {source}: selector 0x{selector} computed, "
                    f"0x{node['errorSelector']} reported by solc"
                )
            entry = entries.setdefault(
                signature,
                {
                    "type": "error",
                    "name": node["name"],
                    "signature": signature,
                    "selector": "0x" + selector,
                    "inputs": inputs,
                    "declaredIn": [],
                },
            )
            entry["declaredIn"].append({"source": source, "contract": contract})
    catalogue: ErrorCatalogue = {
        "compiler": SOLC_LONG_VERSION,
        "sources": {name: sha256_file(resolve_source(name, root)) for name in sorted(asts)},
        "errors": sorted(entries.values(), key=lambda e: (e["name"], e["signature"])),
    }
    for selector, signatures in selector_clashes(catalogue).items():
        LOGGER.warning("selector %s is shared by %s", selector, " and ".join(signatures))
    return catalogue


def selector_clashes(catalogue: ErrorCatalogue) -> dict[str, list[str]]:
    """Selectors that two or more different signatures of ``catalogue`` share."""
    by_selector: dict[str, list[str]] = {}
    for entry in catalogue["errors"]:
        by_selector.setdefault(entry["selector"], []).append(entry["signature"])
    return {s: sigs for s, sigs in sorted(by_selector.items()) if len(sigs) > 1}


# --------------------------------------------------------------------------------------
# Writing and checking artifact files
# --------------------------------------------------------------------------------------


def render(document: Mapping[str, Any]) -> str:
    """Serialise an artifact (or the catalogue) deterministically: sorted keys, indent 2,
    final newline."""
    return json.dumps(document, sort_keys=True, indent=2) + "\n"


def _artifact_files(out_dir: Path) -> set[Path]:
    """The artifact files in ``out_dir`` (every JSON file but the catalogue)."""
    return {p for p in out_dir.glob("*.json") if p.name != CATALOGUE_FILE}


def write_artifacts(
    artifacts: Mapping[str, Artifact], out_dir: Path = ARTIFACTS_DIR
) -> list[Path]:
    """Write ``<ContractName>.json`` per artifact; delete JSON of vanished contracts."""
    out_dir.mkdir(parents=True, exist_ok=True)
    for extra in sorted(
        _artifact_files(out_dir) - {out_dir / f"{n}.json" for n in artifacts}
    ):
        extra.unlink()
    written = []
    for name, artifact in sorted(artifacts.items()):
        path = out_dir / f"{name}.json"
        text = render(artifact)
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def stale_artifacts(
    artifacts: Mapping[str, Artifact], out_dir: Path = ARTIFACTS_DIR
) -> list[str]:
    """List ``missing:``, ``stale:`` and ``extra:`` files compared to ``artifacts``."""
    problems = []
    for name, artifact in sorted(artifacts.items()):
        path = out_dir / f"{name}.json"
        if not path.is_file():
            problems.append(f"missing: {path}")
        elif path.read_text(encoding="utf-8") != render(artifact):
            problems.append(f"stale: {path}")
    expected = {f"{name}.json" for name in artifacts}
    problems += [
        f"extra: {p}" for p in sorted(_artifact_files(out_dir)) if p.name not in expected
    ]
    return problems


def write_catalogue(catalogue: ErrorCatalogue, out_dir: Path = ARTIFACTS_DIR) -> Path:
    """Write the error catalogue to ``out_dir/errors.json`` (untouched if unchanged)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / CATALOGUE_FILE
    text = render(catalogue)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def stale_catalogue(catalogue: ErrorCatalogue, out_dir: Path = ARTIFACTS_DIR) -> list[str]:
    """``missing:`` or ``stale:`` if ``out_dir/errors.json`` is not ``catalogue``."""
    path = out_dir / CATALOGUE_FILE
    if not path.is_file():
        return [f"missing: {path}"]
    if path.read_text(encoding="utf-8") != render(catalogue):
        return [f"stale: {path}"]
    return []


# --------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check",
        action="store_true",
        help="recompile in memory and exit 1 if artifacts or the error catalogue are "
        "missing, stale or extra",
    )
    parser.add_argument(
        "--compiler",
        choices=["auto", "solcjs", "native"],
        default="auto",
        help="auto (default): py-solc-x's native solc-v0.8.30 if present, else solc-js",
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Compile, then write or check the artifacts and the error catalogue; return the
    exit status."""
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    args = parse_args(argv)
    try:
        compiled = compile_project(compiler=args.compiler)
    except CompileError as exc:
        print(exc, file=sys.stderr)
        return 1
    artifacts, catalogue = compiled["artifacts"], compiled["catalogue"]
    if args.check:
        problems = stale_artifacts(artifacts) + stale_catalogue(catalogue)
        for problem in problems:
            print(problem, file=sys.stderr)
        if problems:
            print(
                "artifacts are out of date: run python scripts/compile.py",
                file=sys.stderr,
            )
            return 1
        print(
            f"{len(artifacts)} artifacts and {len(catalogue['errors'])} catalogued "
            "errors up to date",
            file=sys.stderr,
        )
        return 0
    for path in [*write_artifacts(artifacts), write_catalogue(catalogue)]:
        print(path.relative_to(REPO_ROOT), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
