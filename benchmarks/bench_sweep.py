"""Design variants evaluated per second: one evaluate() per variant (the baseline) against the
batched sweep kernel, on one thread and on all, and a whole sweep to its Pareto front.

    python benchmarks/bench_sweep.py
"""

from __future__ import annotations

import tomllib
from dataclasses import replace

import numba
import numpy as np
from common import ROOT, Timing, measure

from ascend_tui.engine import kernels as k
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.sweep import prepare, run_sweep
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.sweep import load_spec, parse_spec, place, variant_design
from ascend_tui.model.validate import resolve_parts

EXAMPLE = ROOT / "examples" / "sweep-atlas-950-superpod.toml"


def rate(variants: int, timing: Timing) -> tuple[float, float]:
    """Variants a second at the median and at the best repeat."""
    return variants / timing.median, variants / timing.least


def main() -> None:
    catalog = load_catalog()
    spec = load_spec(EXAMPLE)
    design = presets.load(spec.design_path(), catalog)
    plan = prepare(spec, design, catalog)
    # A larger sweep for the kernel alone: the example with counts to 4,096 (2.65 M variants),
    # long enough that starting the threads does not count.
    data = tomllib.loads(EXAMPLE.read_text())
    data["vary"][0]["to"] = 4096
    big = prepare(replace(parse_spec(data), folder=EXAMPLE.parent), design, catalog)
    placed = place(spec, design, resolve_parts(design, catalog)[0])
    picks = np.linspace(0, spec.variants - 1, 200).astype(int)
    one_by_one = measure(
        lambda: [evaluate(variant_design(spec, design, placed, int(i)), catalog).totals() for i in picks],
        3,
        1,
    )
    k.sweep.compiled  # noqa: B018 - compile or load before timing
    threads = numba.get_num_threads()

    def kernel(n_threads: int) -> Timing:
        values = np.zeros((big.variants, big.columns))  # the kernel writes every column it works out
        feasible = np.zeros(big.variants, dtype=np.int64)
        return measure(lambda: k.sweep.compiled(*big.args, 0, n_threads, values, feasible), 7, 1)

    single, parallel = kernel(1), kernel(threads)
    whole = measure(lambda: run_sweep(plan), 7, 1)
    rows = [
        ("evaluate() per variant: check, pack, run, totals (baseline)", rate(len(picks), one_by_one), ""),
        (f"sweep kernel, 1 thread ({big.variants:,} variants)", rate(big.variants, single), ""),
        (
            f"sweep kernel, {threads} threads ({big.variants:,} variants)",
            rate(big.variants, parallel),
            "≥ 10 M/s",
        ),
        (
            f"the example to its front ({spec.variants:,} variants, fronts of chunks)",
            rate(spec.variants, whole),
            "",
        ),
    ]
    base = rows[0][1][0]
    print("\nDesign variants evaluated per second (Atlas 950 SuperPoD)")
    print(f"{'measurement':72} {'median':>14} {'best':>14} {'× baseline':>11}  goal")
    for name, (median, best), goal in rows:
        print(f"{name:72} {median:>12,.0f}/s {best:>12,.0f}/s {median / base:>10,.0f}×  {goal}")


if __name__ == "__main__":
    main()
