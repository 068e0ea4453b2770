"""Timing helpers shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the reference evaluator lives beside the tests


def median_seconds(function: Callable[[], object], repeats: int = 15, warmup: int = 2) -> float:
    """The median wall time of `function` over `repeats` calls, after `warmup` calls."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def table(title: str, rows: list[tuple[str, float, str]], baseline: str) -> None:
    """Print rows of (what, seconds, target) with each row's ratio to the baseline row."""
    base = dict((name, t) for name, t, _ in rows)[baseline]
    print(f"\n{title}")
    print(f"{'measurement':70} {'median':>11} {'× baseline':>11}  target")
    for name, seconds, target in rows:
        print(f"{name:70} {seconds * 1e3:9.3f} ms {seconds / base:10.2f}×  {target}")
