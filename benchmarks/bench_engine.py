"""Evaluator speed: presets, a count change end to end, and a layout of distinct cabinets, each
against a baseline measured in the same run."""

from __future__ import annotations

import random
import sys
from dataclasses import replace

import numpy as np
from common import median_seconds, table

from ascend_tui.engine import kernels
from ascend_tui.engine.evaluate import evaluate, run
from ascend_tui.engine.facility import estimated_outputs, work_out
from ascend_tui.engine.live import Job, LiveEvaluator
from ascend_tui.engine.pack import pack
from ascend_tui.engine.results import planes
from ascend_tui.engine.sums import sums
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import Block, Design, PartCount, replace_at
from ascend_tui.model.validate import resolve_parts
from tests.reference import reference_totals

CABINETS = 100_000


def explicit_layout(cabinets: int, seed: int = 1) -> Design:
    """A cluster laid out cabinet by cabinet in pods of 100: every cabinet distinct, each its own
    scale-up domain, with a chip and two other parts."""
    rng = random.Random(seed)
    catalog = load_catalog()
    chips = [p for p, part in catalog.parts.items() if part.kind == "accelerator"]
    others = [p for p, part in catalog.parts.items() if part.kind not in ("accelerator",)]
    pods = []
    for s in range(cabinets // 100):
        cabs = []
        for c in range(100):
            parts = (PartCount(rng.choice(chips), rng.randint(8, 96)),)
            parts += tuple(PartCount(p, rng.randint(1, 64)) for p in rng.sample(others, 2))
            cabs.append(
                Block(
                    "cabinet",
                    f"cab {s}-{c}",
                    scaleup=True,
                    role=rng.choice(["compute", "network"]),
                    cooling="liquid",
                    footprint_m2=rng.uniform(1, 10),
                    power_overhead=rng.uniform(0, 0.3),
                    parts=parts,
                )
            )
        pods.append(Block("pod", f"pod {s}", blocks=tuple(cabs)))
    return Design("explicit", Block("cluster", "explicit", blocks=tuple(pods)))


def kernel_run(packed) -> float:  # type: ignore[no-untyped-def]
    """One compiled kernel run into preallocated outputs, as the live evaluator keeps them."""
    rows = np.zeros((packed.rows, kernels.row_width(len(packed.parts))))
    flags = np.zeros(packed.rows, dtype=np.int64)
    fabric_out = np.zeros((len(packed.fabrics), len(kernels.FABRIC_OUTPUTS)))
    args = (*packed.tree_inputs(), rows, flags, fabric_out)
    return median_seconds(lambda: kernels.accumulate.compiled(*args), 20)


def main() -> None:
    catalog = load_catalog()
    # 1. The Atlas 960 SuperCluster preset (about a million chips, a compressed tree).
    design = presets.load("atlas-960-supercluster", catalog)
    parts, _ = resolve_parts(design, catalog)
    packed = pack(design, parts, catalog)
    live = LiveEvaluator(catalog)
    live.run(Job(0, design))
    version = [0]

    def count_edit() -> None:
        version[0] += 1
        count = 100 + version[0] % 50
        changed = replace_at(design, (0, 0), lambda n: replace(n, count=count))
        live.run(Job(version[0], changed, (0, 0), count)).totals()

    kernels.accumulate.compiled  # noqa: B018 - compile (or load) before timing
    kernels.recompute.compiled  # noqa: B018
    evaluation = run(packed)
    root = packed.slot[packed.root]
    row, flags = evaluation.rows[root], int(evaluation.flags[root])

    def sums_and_counters() -> tuple[list[dict[str, float]], set[str]]:
        parts = len(packed.parts)
        counts, powered = row[:parts], row[parts : 2 * parts]
        s = sums(evaluation.matrix, counts, powered, False)
        return planes(s, row[2 * parts :], flags)

    plane, estimated = sums_and_counters()

    def chain() -> None:
        for p in range(3):
            work_out(packed.plant, plane[p], p)
        estimated_outputs(packed.plant, estimated)

    rows = [
        ("Atlas 960 SuperCluster: compiled kernel run (warm)", kernel_run(packed), "< 1 ms"),
        ("Atlas 960 SuperCluster: run + totals", median_seconds(lambda: run(packed).totals(), 200), "< 1 ms"),
        (
            "Atlas 960 SuperCluster: sums of the top row",
            median_seconds(sums_and_counters, 200),
            "",
        ),
        (
            "Atlas 960 SuperCluster: the facility and cost chain, three planes",
            median_seconds(chain, 200),
            "< 1 ms",
        ),
        (
            "Atlas 960 SuperCluster: check + pack + run (a structural edit)",
            median_seconds(lambda: evaluate(design, catalog).totals(), 20),
            "",
        ),
        (
            "Atlas 960 SuperCluster: count edit to new totals (end to end)",
            median_seconds(count_edit, 200),
            "< 5 ms",
        ),
    ]
    table("Presets (compressed trees)", rows, "Atlas 960 SuperCluster: compiled kernel run (warm)")

    # 2. Distinct cabinets laid out one by one.
    cabinets = int(sys.argv[1]) if len(sys.argv) > 1 else CABINETS
    big = explicit_layout(cabinets)
    big_parts, _ = resolve_parts(big, catalog)
    p = pack(big, big_parts, catalog)
    arrays = [a for a in p.tree_inputs() if isinstance(a, np.ndarray)]
    nbytes = sum(a.nbytes for a in arrays)

    def numpy_sum() -> float:
        return float(sum(np.sum(a) for a in arrays))

    kernel = kernel_run(p)
    numpy_time = median_seconds(numpy_sum, 50)
    reference = median_seconds(lambda: reference_totals(big, catalog), 1, warmup=0)
    rows = [
        ("NumPy sum over the same input arrays (baseline)", numpy_time, ""),
        (
            f"kernel run over {cabinets:,} cabinets ({len(p.parent):,} blocks, {len(p.leaf_part):,} parts)",
            kernel,
            "< 20 ms",
        ),
        (
            "pack from dataclasses (once per structural edit)",
            median_seconds(lambda: pack(big, big_parts, catalog), 3, warmup=0),
            "",
        ),
        ("reference evaluator (plain Python)", reference, "≥ 50× the kernel"),
    ]
    table(
        f"Explicit layout of {cabinets:,} distinct cabinets",
        rows,
        "NumPy sum over the same input arrays (baseline)",
    )
    print(f"\nkernel is {reference / kernel:.0f}× faster than the reference (target ≥ 50×)")
    print(
        f"kernel reads {nbytes / 1e6:.1f} MB of input; throughput {nbytes / kernel / 1e9:.2f} GB/s = "
        f"{numpy_time / kernel:.0%} of a NumPy sum ({nbytes / numpy_time / 1e9:.2f} GB/s)"
    )


if __name__ == "__main__":
    main()
