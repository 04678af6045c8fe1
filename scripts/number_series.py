"""Writes the series table of ``contracts/libraries/OfficialNumbers.sol`` from the SDK's numbering rules.

Usage::

    python scripts/number_series.py          # rewrite the table between the GENERATED markers
    python scripts/number_series.py --check  # exit 1 if the table differs from the rules

The rules (``ipledger.models._numbers.SERIES``) are the single source: per office and series, the serial ranges in which
every real number has exactly one serial. They become a binary decision tree of comparisons in the contract's
code (``_inSeries``: no memory, no storage). The contract refuses a number outside them, so no client can register
a right a second time by writing its number another way. Series that take any office ("KH", "UC") are checked in
the contract's code, not in the tree. Recompile (``python scripts/compile.py``) after a change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "sdk"))

from ipledger.models._numbers import ANY_OFFICE_SERIES, SERIES  # noqa: E402

LIBRARY = REPO_ROOT / "contracts" / "libraries" / "OfficialNumbers.sol"
_GENERATED = re.compile(
    r"(    // BEGIN GENERATED SERIES TABLE\n).*?(    // END GENERATED SERIES TABLE\n)", re.DOTALL
)
_BOUND_BITS = 80
_INDENT = "    "
_WIDTH = 120


def _ranges() -> dict[int, list[tuple[int, int, str]]]:
    """office << 16 | series (ASCII) -> its serial ranges, with the series' names."""
    ranges: dict[int, list[tuple[int, int, str]]] = {}
    for series in SERIES:
        if series.code in ANY_OFFICE_SERIES:
            continue
        if not 0 < series.minimum <= series.maximum < 1 << _BOUND_BITS:
            raise SystemExit(f"series {series.office} {series.code}: range {series.minimum}..{series.maximum} too wide")
        key = int.from_bytes((series.office + series.code).encode("ascii"), "big")
        ranges.setdefault(key, []).append((series.minimum, series.maximum, series.name))
    return {key: sorted(found) for key, found in sorted(ranges.items())}


def _tree(keys: list[int], ranges: dict[int, list[tuple[int, int, str]]], depth: int) -> list[str]:
    """A binary decision tree over ``keys`` (sorted): comparisons down to at most two series, then their ranges."""
    pad = _INDENT * depth
    if len(keys) <= 2:
        lines = []
        for key in keys:
            name = key.to_bytes(4, "big").decode("ascii")
            tests = " || ".join(f"(serial >= {low:_d} && serial <= {high:_d})" for low, high, _ in ranges[key])
            names = "; ".join(sorted({label for _, _, label in ranges[key]}))
            lines.append(f"{pad}// {name[:2]} {name[2:]}: {names}")
            line = f"{pad}if (officeSeries == {key:#010x}) return {tests};"
            if len(_INDENT + line) <= _WIDTH:
                lines.append(line)
                continue
            checks = [f"(serial >= {low:_d} && serial <= {high:_d})" for low, high, _ in ranges[key]]
            lines.append(f"{pad}if (officeSeries == {key:#010x}) {{")
            lines.append(f"{pad}{_INDENT}return {checks[0]}")
            lines += [f"{pad}{_INDENT * 2}|| {check}" for check in checks[1:]]
            lines[-1] += ";"
            lines.append(f"{pad}}}")
        lines.append(f"{pad}return false;")
        return lines
    middle = len(keys) // 2
    return [
        f"{pad}if (officeSeries < {keys[middle]:#010x}) {{",
        *_tree(keys[:middle], ranges, depth + 1),
        f"{pad}}}",
        *_tree(keys[middle:], ranges, depth),
    ]


def generated_code() -> str:
    """The Solidity of ``_inSeries``: whether a serial lies in a range of its office and series."""
    ranges = _ranges()
    lines = [
        "/// @dev Whether `serial` lies in a range of the series `officeSeries` (office << 16 | series, ASCII): a",
        "/// binary decision tree over the offices' series, generated from the SDK's rules",
        "/// (`python scripts/number_series.py`), so the check reads no memory and no storage.",
        "function _inSeries(uint256 officeSeries, uint256 serial) private pure returns (bool) {",
        *_tree(list(ranges), ranges, 1),
        "}",
    ]
    return "".join(f"{_INDENT}{line}\n" if line else "\n" for line in lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the contract's table is stale")
    args = parser.parse_args()
    source = LIBRARY.read_text(encoding="utf-8")
    if not _GENERATED.search(source):
        raise SystemExit(f"{LIBRARY}: no GENERATED SERIES TABLE markers")
    updated = _GENERATED.sub(lambda match: match.group(1) + generated_code() + match.group(2), source)
    if args.check:
        if updated != source:
            print(f"{LIBRARY.relative_to(REPO_ROOT)} is stale: run python scripts/number_series.py", file=sys.stderr)
            return 1
        return 0
    LIBRARY.write_text(updated, encoding="utf-8")
    print(f"{LIBRARY.relative_to(REPO_ROOT)}: {sum(map(len, _ranges().values()))} series ranges")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
