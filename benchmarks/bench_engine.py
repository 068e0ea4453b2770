"""Evaluator speed: a preset's totals and count edits, and layouts of 100,000 and 1,000,000
distinct cabinets (pods of 100) against the memory bandwidth a plain Numba read loop reaches on
an array larger than the cache, all in the same run.

    python benchmarks/bench_engine.py            # both layouts (about two minutes, 3 GB)
    python benchmarks/bench_engine.py 100000     # one layout
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import replace

import numba
import numpy as np
from common import Timing, measure, table
from layouts import explicit_layout

from ascend_tui.engine import kernels
from ascend_tui.engine.evaluate import run
from ascend_tui.engine.live import Job, LiveEvaluator
from ascend_tui.engine.pack import PackedDesign, pack
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import Design, replace_at
from ascend_tui.model.validate import resolve_parts
from tests.reference import reference_totals

BASELINE_BYTES = 512 * 2**20  # well past this machine's 32 MB of cache


@numba.njit(nogil=True, cache=True)
def read_loop(words: np.ndarray) -> int:
    """Read every 8-byte word once (integer sums vectorise: this is the machine's read bandwidth)."""
    total = 0
    for i in range(words.shape[0]):
        total += words[i]
    return total


def read_bandwidth() -> tuple[Timing, float]:
    words = np.ones(BASELINE_BYTES // 8, dtype=np.int64)
    timing = measure(lambda: read_loop(words), 10, 2)
    return timing, BASELINE_BYTES / timing.median


def outputs(packed: PackedDesign) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rows = np.zeros((packed.rows, kernels.row_width(len(packed.parts))))
    flags = np.zeros(packed.rows, dtype=np.int64)
    fabric_out = np.zeros((len(packed.fabrics), len(kernels.FABRIC_OUTPUTS)))
    return rows, flags, fabric_out


# What a full kernel run reads in full: each block's count, kind and properties, where its parts
# and children are, the parts and the fabrics. Where a block's children and fabrics are, it
# reads only at the blocks with a row (a cache line each), and the parents not at all.
READ_IN_FULL = (
    "count", "slot", "kind", "scaleup", "role", "leaf_start", "leaf_end", "bits", "props", "kids",
    "leaf_part", "leaf_count", "part_info", "fabrics", "groups",
)  # fmt: skip
READ_AT_ROWS = ("kid_start", "kid_end", "fabric_start", "fabric_end")
CACHE_LINE = 64
CACHE_BYTES = 32 * 2**20  # this machine's last-level cache


def moved_bytes(packed: PackedDesign) -> int:
    """The bytes a full kernel run has to move: what it reads (READ_IN_FULL, READ_AT_ROWS) and
    the rows, flags and fabric outputs it writes."""
    with_row = int((packed.slot >= 0).sum())
    inputs = sum(getattr(packed, name).nbytes for name in READ_IN_FULL)
    inputs += sum(min(getattr(packed, name).nbytes, with_row * CACHE_LINE) for name in READ_AT_ROWS)
    return inputs + sum(a.nbytes for a in outputs(packed))


def cache_sweeper() -> Callable[[], None]:
    """Something to run before each timed kernel run so that its arrays come from memory, not
    from the cache (the 100,000-cabinet layout's would fit in it): write twice the cache."""
    junk = np.zeros(2 * CACHE_BYTES // 8)

    def sweep() -> None:
        junk.fill(1.0)

    return sweep


def count_editor(design: Design, path: tuple[int, ...], catalog) -> tuple[LiveEvaluator, object]:  # type: ignore[no-untyped-def]
    """A live evaluator holding the design, and an edit that changes one count and reads the totals."""
    live = LiveEvaluator(catalog)
    live.run(Job(0, design))
    version = [0]

    def edit() -> None:
        version[0] += 1
        count = 2 + version[0] % 50
        changed = replace_at(design, path, lambda n: replace(n, count=count))
        live.run(Job(version[0], changed, path, count)).totals()

    return live, edit


def presets_table(catalog) -> None:  # type: ignore[no-untyped-def]
    design = presets.load("atlas-960-supercluster", catalog)
    packed = pack(design, resolve_parts(design, catalog)[0], catalog)
    args = (*packed.tree_inputs(), *outputs(packed))
    kernels.accumulate.compiled(*args)
    evaluation = run(packed)

    def totals() -> None:
        evaluation.changed()
        evaluation.totals()

    _, edit = count_editor(design, (0, 0), catalog)
    rows = [
        (
            "Atlas 960 SuperCluster: compiled kernel run (warm)",
            measure(lambda: kernels.accumulate.compiled(*args), 200),
            "< 1 ms",
        ),
        ("the same: every metric of the totals, three planes", measure(totals, 200), ""),
        (
            "the same: kernel run and totals (run(), as a structural edit ends)",
            measure(lambda: run(packed).totals(), 200),
            "< 1 ms",
        ),
        ("the same: count edit to new totals, end to end", measure(edit, 200), "< 1 ms"),
    ]
    table("A preset (compressed tree)", rows, "Atlas 960 SuperCluster: compiled kernel run (warm)")


def layout_table(cabinets: int, catalog, baseline: Timing, bandwidth: float) -> None:  # type: ignore[no-untyped-def]
    design = explicit_layout(cabinets)
    parts, _ = resolve_parts(design, catalog)
    pack_time = measure(lambda: pack(design, parts, catalog), 1, 0)
    packed = pack(design, parts, catalog)
    args = (*packed.tree_inputs(), *outputs(packed))
    kernel = measure(
        lambda: kernels.accumulate.compiled(*args), 20 if cabinets <= 100_000 else 7, before=cache_sweeper()
    )
    nbytes, blocks = moved_bytes(packed), len(packed.parent)
    _, edit = count_editor(design, (cabinets // 200, 7), catalog)  # a cabinet in the middle pod
    edit_time = measure(edit, 200 if cabinets <= 100_000 else 50)
    rows = [
        (
            f"Numba read loop over {BASELINE_BYTES >> 20} MB (baseline: {bandwidth / 1e9:.1f} GB/s)",
            baseline,
            "",
        ),
        (
            f"kernel over {cabinets:,} cabinets ({blocks:,} blocks, {nbytes / 1e6:,.0f} MB to move)",
            kernel,
            "≥ 50% of the read loop's bandwidth",
        ),
        ("the same, time the read loop would take for those bytes", nbytes / bandwidth, ""),
        ("count edit of one cabinet to new totals, end to end", edit_time, "< 1 ms"),
        ("pack from dataclasses (a structural edit)", pack_time, ""),
    ]
    if cabinets <= 100_000:
        rows.append(
            (
                "reference evaluator (plain Python)",
                measure(lambda: reference_totals(design, catalog), 1, 0),
                "",
            )
        )
    table(f"{cabinets:,} distinct cabinets in pods of 100", rows, rows[0][0])
    share = nbytes / kernel.median / bandwidth
    rate = nbytes / kernel.median / 1e9
    print(f"kernel moves {rate:.2f} GB/s = {share:.0%} of the read loop's bandwidth (goal ≥ 50%)")


def main() -> None:
    catalog = load_catalog()
    presets_table(catalog)
    baseline, bandwidth = read_bandwidth()
    sizes = [int(a) for a in sys.argv[1:]] or [100_000, 1_000_000]
    for cabinets in sizes:
        layout_table(cabinets, catalog, baseline, bandwidth)


if __name__ == "__main__":
    main()
