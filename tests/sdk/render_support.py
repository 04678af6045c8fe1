"""Headless Chromium for the HTML report tests, and the Chinese fonts it needs (Debian's fonts-noto-cjk, installed
with apt where apt is usable, as the Makefile's fonts-cjk stamp does)."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

__all__ = ["CHROMIUM", "chinese_fonts", "run_chromium"]

CHROMIUM = Path("/usr/bin/chromium")


def _font_families() -> list[str]:
    if shutil.which("fc-list") is None:
        return []
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    return [line for line in listed.stdout.splitlines() if line.strip()]


def _apt_install(package: str) -> None:
    command = ["apt-get", "install", "-y", "--no-install-recommends", package]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    if subprocess.run(command, capture_output=True, timeout=900, check=False, env=env).returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True, timeout=300, check=False, env=env)
        subprocess.run(command, capture_output=True, timeout=900, check=False, env=env)


@functools.cache
def chinese_fonts() -> tuple[list[str], str | None]:
    """The font families installed that cover Chinese, and why there are none (None when there are some).

    Installs fonts-noto-cjk when none is installed and apt is usable (root with apt-get); where it is not, the
    reason says so and the caller leaves the font checks out.
    """
    families = _font_families()
    if families:
        return families, None
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        return [], "no Chinese font installed and apt is not usable here (apt-get install fonts-noto-cjk as root)"
    _apt_install("fonts-noto-cjk")
    families = _font_families()
    return families, None if families else "apt-get install fonts-noto-cjk failed"


def run_chromium(*arguments: str) -> subprocess.CompletedProcess[str]:
    """Runs headless Chromium (no sandbox, no GPU, logging to stderr) with ``arguments``."""
    return subprocess.run(
        [
            str(CHROMIUM),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            *arguments,
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
