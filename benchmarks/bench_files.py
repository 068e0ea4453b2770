"""Opening and saving layouts of 100,000 and 1,000,000 distinct cabinets: the standard library's
TOML reader (the baseline) against rtoml, the whole open from TOML, the open through the
companion file, saving, and the peak memory of each open in a fresh process; then the error path
of a file with a misspelt part in every cabinet.

    python benchmarks/bench_files.py              # both sizes (about ten minutes, 6 GB)
    python benchmarks/bench_files.py 100000       # one size
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

from common import ROOT, Timing, measure, table
from layouts import explicit_layout

from ascend_tui.engine import companion
from ascend_tui.model import files
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import parse_design, save_design

# Open a design in a fresh process, as `ascend-tui eval` or the app does, and print the seconds to
# a packed design and the process's peak memory (kB; VmHWM, which unlike ru_maxrss does not carry
# the parent's peak across exec).
OPEN = """
import re, sys, time
start = time.perf_counter()
from ascend_tui.engine import companion
from ascend_tui.model.catalog import load_catalog
opened = companion.load(sys.argv[1], load_catalog())
assert opened.packed is not None, opened.note
seconds = time.perf_counter() - start
peak = re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read()).group(1)
print(seconds, peak)
"""


def fresh_open(path: Path) -> tuple[float, float]:
    """Seconds and peak GB of opening `path` in a new interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", OPEN, str(path)], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.split()
    return float(out[0]), float(out[1]) * 1024 / 1e9


def sizes_table(cabinets: int, folder: Path) -> None:
    catalog = load_catalog()
    design = explicit_layout(cabinets)
    path = folder / f"layout-{cabinets}.toml"
    repeats = 3 if cabinets <= 100_000 else 1
    save = measure(lambda: save_design(design, path), repeats, 0)
    text = path.read_text()
    megabytes = len(text.encode()) / 1e6
    tomllib_time = measure(lambda: tomllib.loads(text), repeats, 0)
    rtoml_time = measure(lambda: files.loads(text), repeats, 0)
    parse = measure(lambda: parse_design(text, str(path), catalog), repeats, 0)

    def from_toml() -> None:
        companion.companion_path(path).unlink(missing_ok=True)
        companion.load(str(path), catalog)  # reads, checks and packs, and writes the companion

    toml_open = measure(from_toml, repeats, 0)
    through = measure(lambda: companion.load(str(path), catalog), repeats, 1)
    companion_mb = companion.companion_path(path).stat().st_size / 1e6
    fresh_companion, memory_companion = fresh_open(path)
    companion.companion_path(path).unlink()
    fresh_toml, memory_toml = fresh_open(path)
    goal_open = "< 2 s" if cabinets <= 100_000 else "< 15 s"
    goal_save = "< 1 s" if cabinets <= 100_000 else "< 10 s"
    rows: list[tuple[str, Timing | float, str]] = [
        (f"tomllib.loads of the file ({megabytes:,.0f} MB; baseline)", tomllib_time, ""),
        ("rtoml (ascend-tui's reader)", rtoml_time, ""),
        ("the file to a checked design (reading, checking)", parse, ""),
        ("open from TOML: a checked, packed design (and its companion written)", toml_open, ""),
        (f"open through the companion ({companion_mb:,.0f} MB): design and packing", through, goal_open),
        (
            f"the same in a fresh process (peak {memory_companion:.2f} GB)",
            fresh_companion,
            f"{goal_open}, < 2 GB",
        ),
        (f"open from TOML in a fresh process (peak {memory_toml:.2f} GB)", fresh_toml, "< 2 GB"),
        ("save (fresh text, written atomically)", save, goal_save),
    ]
    table(f"A layout of {cabinets:,} distinct cabinets", rows, rows[0][0])


def bad_file(cabinets: int = 100_000) -> str:
    """A cluster of distinct cabinets, each with a misspelt part id."""
    out = ['format = 2\nname = "big"\n\n[cluster]\nname = "big"\ncount = 1']
    for s in range(cabinets // 100):
        out.append(f'\n[[cluster.pods]]\nname = "pod {s}"\ncount = 1')
        for c in range(100):
            out.append(
                f'\n[[cluster.pods.cabinets]]\nname = "cab {s}-{c}"\ncount = 1\nscaleup = true\n'
                'role = "compute"\ncooling = "liquid"\nfootprint_m2 = 2.0\n\n[cluster.pods.cabinets.parts]\n'
                "ascend-950dt = 64\nkunpeng-92O = 16"
            )
    return "\n".join(out) + "\n"


def errors_table() -> None:
    bad = bad_file()

    def refused() -> str:
        try:
            parse_design(bad, "bad.toml")
        except DesignError as error:
            return str(error)
        raise AssertionError("the misspelt part was not found")

    message = refused()
    rows: list[tuple[str, Timing | float, str]] = [
        ("tomllib.loads of the file (baseline)", measure(lambda: tomllib.loads(bad), 3, 1), ""),
        ("depth check before parsing", measure(lambda: files.too_deep(bad), 3, 1), ""),
        ("the file to its error message", measure(refused, 3, 1), ""),
    ]
    table(f"100,000 cabinets, each with a misspelt part ({len(bad) / 1e6:.1f} MB)", rows, rows[0][0])
    lines = message.splitlines()
    print(f"the error message: {len(lines)} lines; its last: {lines[-1].strip()}")


def main() -> None:
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    with tempfile.TemporaryDirectory() as folder:
        os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(folder) / "numba"))
        for cabinets in sizes:
            sizes_table(cabinets, Path(folder))
    errors_table()


if __name__ == "__main__":
    main()
