"""Write the standard-JSON input Slither analyses: the same sources and settings as ``compile.py``.

Slither (crytic-compile's ``solc-json`` platform) runs it through the project's solc, so static analysis sees
exactly the code the SDK ships. Usage: ``python scripts/slither_input.py build/slither-input.json``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from compile import CONTRACTS_DIR, REPO_ROOT, SETTINGS, build_input, read_sources

#: What Slither needs besides bytecode: source maps, the AST and the NatSpec.
SLITHER_OUTPUT = {
    "*": {
        "*": ["abi", "metadata", "devdoc", "userdoc", "evm.bytecode", "evm.deployedBytecode", "evm.methodIdentifiers"],
        "": ["ast"],
    }
}


def main(target: str) -> int:
    sources = read_sources(CONTRACTS_DIR, REPO_ROOT)
    standard_input = build_input(sources, SETTINGS)
    standard_input["sources"] = {name: {"urls": [name]} for name in sources}
    standard_input["settings"]["outputSelection"] = SLITHER_OUTPUT
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(standard_input, indent=2) + "\n", "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1] if len(sys.argv) > 1 else "build/slither-input.json"))
