"""Start-up: `ascend-tui eval atlas-950-superpod --json` against `python -c "import numba"`."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from common import ROOT, median_seconds, table

EVAL = [sys.executable, "-m", "ascend_tui", "eval", "atlas-950-superpod", "--json"]
HELP = [sys.executable, "-m", "ascend_tui", "--help"]
IMPORT_NUMBA = [sys.executable, "-c", "import numba"]
# The whole app in a fresh interpreter, headless, until the first figures are on screen.
APP = [
    sys.executable,
    "-c",
    """
import asyncio, tempfile
from pathlib import Path
from ascend_tui.model.autosave import Autosave
from ascend_tui.ui.app import AscendApp

async def auto_pilot(pilot):
    app = pilot.app
    while app.evaluated_version != app.session.version:
        await pilot.pause(0.005)
    app.exit()

app = AscendApp(None, autosave=Autosave(Path(tempfile.mkdtemp())))
app.run(headless=True, auto_pilot=auto_pilot)
""",
]


def timed(command: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache}
        cold = median_seconds(lambda: timed(EVAL, env), repeats=1, warmup=0)  # first run ever: compiles
        warm = median_seconds(lambda: timed(EVAL, env), repeats=7, warmup=1)
    rows = [
        ("python -c 'import numba' (baseline)", median_seconds(lambda: timed(IMPORT_NUMBA), 7, 1), ""),
        ("ascend-tui --help", median_seconds(lambda: timed(HELP), 7, 1), "no numba import"),
        ("ascend-tui eval atlas-950-superpod --json, warm Numba cache", warm, "≤ 2× baseline"),
        ("ascend-tui eval atlas-950-superpod --json, cold cache (first run)", cold, "reported"),
        (
            "app in a fresh process to first figures (headless, warm cache)",
            median_seconds(lambda: timed(APP), 5, 1),
            "< 1.5 s",
        ),
    ]
    table("Start-up", rows, "python -c 'import numba' (baseline)")


if __name__ == "__main__":
    main()
