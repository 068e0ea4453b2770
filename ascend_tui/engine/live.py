"""Evaluation for an editor: keep the packed arrays and rows between edits.

A count change writes one slot of the kept arrays and recomputes the rows of the blocks above
it from their children, re-adding only the group of children the change is in (engine/kernels.py
`recompute`), which gives bit for bit what a full run gives; any other edit packs the design
afresh. The packed design is the session's design as it is (designs are never changed in
place). Jobs carry the design version so that a caller can drop results an edit has overtaken.
The arrays are shared between jobs, so every job and every query runs under one lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

import numpy as np

from ascend_tui.engine.evaluate import Evaluation, check_totals, run
from ascend_tui.engine.pack import PackedDesign, pack
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design, NodePath
from ascend_tui.model.validate import resolve_parts


@dataclass(frozen=True)
class Job:
    """One evaluation to run off the UI thread: the design at `version`, and if only one count
    changed since the design at `version - 1`, which node and its new count."""

    version: int
    design: Design
    count_change: NodePath | None = None
    count: int = 0
    packed: PackedDesign | None = None  # the design already packed (read from a companion file)


class LiveEvaluator:
    """Turns edits into evaluations, recomputing only what a count change touches.

    Jobs may run in any order (each in its own worker thread); the kept arrays say which design
    version they hold, and a count change is applied to them only when they hold the design just
    before it. Anything else packs afresh, so a late or early job is slower, never wrong.
    """

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.lock = threading.RLock()
        self.current: Evaluation | None = None
        self.holds = -1  # the design version the kept arrays hold

    def run(self, job: Job) -> Evaluation:
        """Evaluate (safe to call from a worker thread)."""
        with self.lock:
            current = self.current
            incremental = (
                job.count_change is not None and current is not None and self.holds == job.version - 1
            )
            self.holds = -1  # until this job is done, the arrays hold no version for sure
            if job.packed is not None:
                self.current = run(job.packed)
            elif not incremental or current is None or job.count_change is None:
                parts, _ = resolve_parts(job.design, self.catalog)
                self.current = run(pack(job.design, parts, self.catalog))
            else:
                from ascend_tui.engine.kernels import GROUP, recompute

                packed = current.packed
                blocks, via = packed.set_count(job.count_change, job.count)
                with current.lock:
                    args = (*packed.tree_inputs(), *current.outputs(), blocks, via)
                    # the work: each recomputed row adds up a group of its children and its groups
                    children = np.minimum(packed.kid_end[blocks] - packed.kid_start[blocks], 2 * GROUP)
                    recompute.pick((int(children.sum()) + len(blocks)) * (len(packed.parts) + 8))(*args)
                    current.changed()
                check_totals(current.totals())
            self.holds = job.version
            assert self.current is not None
            return self.current

    def forget(self) -> None:
        """Drop the kept arrays: the next job packs afresh."""
        with self.lock:
            self.current = None
            self.holds = -1
