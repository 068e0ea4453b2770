"""Timing helpers shared by the benchmark scripts: several repeats, their least and their median,
and a table of each row against a baseline measured in the same run."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # the reference evaluator lives beside the tests


@dataclass(frozen=True)
class Timing:
    """Seconds over repeats: the least (the machine at its quietest) and the median."""

    least: float
    median: float
    worst: float
    repeats: int

    @staticmethod
    def of(times: list[float]) -> Timing:
        return Timing(min(times), statistics.median(times), max(times), len(times))


def measure(
    function: Callable[[], object],
    repeats: int = 15,
    warmup: int = 2,
    before: Callable[[], object] | None = None,
) -> Timing:
    """Wall time of `function` over `repeats` calls, after `warmup` calls; `before`, if given,
    runs before each call, untimed (to empty the cache, say)."""
    for _ in range(warmup):
        function()
    times = []
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return Timing.of(times)


def median_seconds(function: Callable[[], object], repeats: int = 15, warmup: int = 2) -> float:
    return measure(function, repeats, warmup).median


def _ms(seconds: float) -> str:
    return f"{seconds * 1e3:,.3f} ms" if seconds < 10 else f"{seconds:,.2f} s"


def table(title: str, rows: list[tuple[str, Timing | float, str]], baseline: str) -> None:
    """Print rows of (what, timing or seconds, goal) with the least and median of each and the
    ratio of its median to the baseline row's median."""
    timings = {name: t if isinstance(t, Timing) else Timing(t, t, t, 1) for name, t, _ in rows}
    base = timings[baseline].median
    print(f"\n{title}")
    print(f"{'measurement':72} {'least':>12} {'median':>12} {'× baseline':>11}  goal")
    for name, _, goal in rows:
        t = timings[name]
        print(f"{name:72} {_ms(t.least):>12} {_ms(t.median):>12} {t.median / base:>10.2f}×  {goal}")
