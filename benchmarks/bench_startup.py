"""Start-up in fresh processes: `ascend-tui --help` and `ascend-tui eval atlas-950-superpod
--json` against `python -c "import numba"`, and the app from a fresh interpreter to its first
figures (headless), all with a warm Numba cache.

    python benchmarks/bench_startup.py
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time

from common import ROOT, Timing, measure, table

EVAL = [sys.executable, "-m", "ascend_tui", "eval", "atlas-950-superpod", "--json"]
HELP = [sys.executable, "-m", "ascend_tui", "--help"]
IMPORT_NUMBA = [sys.executable, "-c", "import numba"]
# The whole app in a fresh interpreter, headless; it prints the seconds from the moment the parent
# started it (argv[1], wall clock) to the first figures in the metrics panel.
APP = [
    sys.executable,
    "-c",
    """
import sys, time, tempfile
from pathlib import Path
from ascend_tui.model.autosave import Autosave
from ascend_tui.ui.app import AscendApp

async def auto_pilot(pilot):
    app = pilot.app
    while app.evaluated_version != app.session.version:
        await pilot.pause(0.002)
    print(time.time() - float(sys.argv[1]))
    app.exit()

app = AscendApp(None, autosave=Autosave(Path(tempfile.mkdtemp())))
app.run(headless=True, auto_pilot=auto_pilot)
""",
]


def timed(command: list[str], env: dict[str, str]) -> None:
    subprocess.run(command, check=True, capture_output=True, cwd=ROOT, env=env)


def app_start(env: dict[str, str], repeats: int = 9) -> Timing:
    times = []
    for _ in range(repeats + 1):
        out = subprocess.run(
            [*APP, repr(time.time())], check=True, capture_output=True, text=True, cwd=ROOT, env=env
        )
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return Timing.of(times[1:])


def main() -> None:
    with tempfile.TemporaryDirectory() as cache:
        # As an installed package runs: with its bytecode cached (this machine's environment
        # turns writing it off, which makes every import compile its module again).
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        env["NUMBA_CACHE_DIR"] = cache
        cold = measure(lambda: timed(EVAL, env), repeats=1, warmup=0)  # first run ever: compiles, if at all
        warm = measure(lambda: timed(EVAL, env), repeats=9, warmup=1)
        rows = [
            ("python -c 'import numba' (baseline)", measure(lambda: timed(IMPORT_NUMBA, env), 9, 1), ""),
            ("ascend-tui --help", measure(lambda: timed(HELP, env), 9, 1), "no numba import"),
            ("ascend-tui eval atlas-950-superpod --json, warm cache", warm, "≤ 1.5× baseline"),
            ("the same, cold cache (first run)", cold, "reported"),
            (
                "app in a fresh process to first figures (headless, Atlas 950 SuperPoD)",
                app_start(env),
                "< 0.7 s",
            ),
        ]
    table("Start-up (fresh processes)", rows, "python -c 'import numba' (baseline)")


if __name__ == "__main__":
    main()
