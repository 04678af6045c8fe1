"""Chinese inventions for the SDK tests: CNIPA application numbers with their check digit, and bundles named as a
Chinese applicant names them."""

from __future__ import annotations

from pathlib import Path

_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def cn_check(digits: str) -> str:
    """CNIPA's check digit of a 12-digit application number (ZC 0006-2003): weights 2-9,2-5, modulo 11, X for 10."""
    remainder = sum(int(digit) * weight for digit, weight in zip(digits, _WEIGHTS, strict=True)) % 11
    return "X" if remainder == 10 else str(remainder)


def cn_invention(serial: int) -> tuple[str, str, str]:
    """The CN invention of 2020 with ``serial``: its application number written with ZL and spaces, its publication
    (A) and its grant (B)."""
    digits = f"20201{serial:07d}"
    publication = 111_000_000 + serial
    return (
        f"ZL {digits[:4]} {digits[4]} {digits[5:]}.{cn_check(digits)}",
        f"CN {publication} A",
        f"CN {publication} B",
    )


def chinese_bundle(folder: Path, tag: str) -> list[Path]:
    """Claims and description (权利要求书.pdf, 说明书.pdf) in ``folder``, their content unique to ``tag``."""
    folder.mkdir(parents=True)
    paths = []
    for name in ("权利要求书.pdf", "说明书.pdf"):
        path = folder / name
        path.write_text(f"{name} {tag} {folder}\n", "utf-8")
        paths.append(path)
    return paths
