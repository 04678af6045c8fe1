"""Writes the series table of ``contracts/libraries/OfficialNumbers.sol`` from the SDK's numbering rules.

Usage::

    python scripts/number_series.py          # rewrite the table between the GENERATED markers
    python scripts/number_series.py --check  # exit 1 if the table differs from the rules

The rules (``ipledger._numbers.SERIES``) are the single source: per office and series, the serial ranges in which
every real number has exactly one serial. The contract refuses a number outside them, so no client can register a
right a second time by writing its number another way. Series that take any office ("KH", "UC") are checked in the
contract's code, not in the table. Recompile (``python scripts/compile.py``) after a change.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "sdk"))

from ipledger._numbers import ANY_OFFICE_SERIES, SERIES  # noqa: E402

LIBRARY = REPO_ROOT / "contracts" / "libraries" / "OfficialNumbers.sol"
_TABLE_LINE = re.compile(r'(    bytes private constant _TABLE = hex")[0-9a-f]*(";)')
_BOUND_BITS = 80


def table_hex() -> str:
    """The table's bytes in hex: per entry office (2 bytes), series (2), minimum (10), maximum (10), sorted."""
    entries = sorted(
        (series.office.encode("ascii"), series.code.encode("ascii"), series.minimum, series.maximum)
        for series in SERIES
        if series.code not in ANY_OFFICE_SERIES
    )
    chunks = []
    for office, code, minimum, maximum in entries:
        if not 0 < minimum <= maximum < 1 << _BOUND_BITS:
            raise SystemExit(f"series {office.decode()} {code.decode()}: range {minimum}..{maximum} does not fit")
        chunks.append((office + code).hex() + minimum.to_bytes(10, "big").hex() + maximum.to_bytes(10, "big").hex())
    return "".join(chunks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if the contract's table is stale")
    args = parser.parse_args()
    source = LIBRARY.read_text(encoding="utf-8")
    if not _TABLE_LINE.search(source):
        raise SystemExit(f"{LIBRARY}: no _TABLE line to rewrite")
    updated = _TABLE_LINE.sub(lambda match: match.group(1) + table_hex() + match.group(2), source)
    if args.check:
        if updated != source:
            print(f"{LIBRARY.relative_to(REPO_ROOT)} is stale: run python scripts/number_series.py", file=sys.stderr)
            return 1
        return 0
    LIBRARY.write_text(updated, encoding="utf-8")
    print(f"{LIBRARY.relative_to(REPO_ROOT)}: {len(table_hex()) // 48} series ranges")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
