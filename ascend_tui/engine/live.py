"""Evaluation for an editor: keep the packed arrays and rows between edits.

A count change writes one slot of the kept arrays and recomputes the rows of the blocks above
it from their children (engine/kernels.py `recompute`), which gives bit for bit what a full run
gives; any other edit packs the design afresh. The packed design is the session's design as it
is (designs are never changed in place). Jobs carry the design version so that a caller can
drop results an edit has overtaken. The arrays are shared between jobs, so every job and every
query runs under one lock.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from ascend_tui.engine.evaluate import Evaluation, check_totals, run
from ascend_tui.engine.pack import pack
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design, NodePath
from ascend_tui.model.validate import resolve_parts


@dataclass(frozen=True)
class Job:
    """One evaluation to run off the UI thread: a design to pack, or one count to change."""

    version: int
    design: Design
    count_change: NodePath | None = None
    count: int = 0


class LiveEvaluator:
    """Turns edits into evaluation jobs, recomputing only what a count change touches."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.lock = threading.Lock()
        self.current: Evaluation | None = None

    def job(self, design: Design, version: int, count_change: NodePath | None = None, count: int = 0) -> Job:
        """A job for the design as it now is; `count_change` names a node whose count alone changed."""
        return Job(version, design, count_change, count)

    def run(self, job: Job) -> Evaluation:
        """Evaluate (safe to call from a worker thread); a count change reuses the last result's
        arrays when there is one."""
        with self.lock:
            current = self.current
            if job.count_change is None or current is None:
                parts, _ = resolve_parts(job.design, self.catalog)
                self.current = run(pack(job.design, parts, self.catalog))
                return self.current
            from ascend_tui.engine.kernels import recompute

            packed = current.packed
            holder = packed.set_count(job.count_change, job.count)
            blocks = packed.ancestors_with_rows(holder)
            recompute.pick(len(blocks) * 64)(*packed.tree_inputs(), *current.outputs(), blocks)
            check_totals(current.totals())
            return current

    def forget(self) -> None:
        """Drop the kept arrays (after a result was refused): the next job packs afresh."""
        with self.lock:
            self.current = None
