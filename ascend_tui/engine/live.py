"""Evaluation for an editor: keep the packed arrays between edits and re-pack only when needed.

A count change writes one slot of the kept arrays (O(1)) and re-runs the kernel; any other edit
packs the design afresh. The design is packed as it is, not copied: the editing session replaces
the design object on structural edits instead of changing it, and a count changed while a job
packs only affects a result that the new version overtakes. Jobs carry the design version so
that a caller drops results an edit has overtaken.
"""

from __future__ import annotations

from dataclasses import dataclass

from ascend_tui.engine.evaluate import Evaluation, run
from ascend_tui.engine.pack import PackedDesign, pack
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design, Path
from ascend_tui.model.validate import resolve_parts


@dataclass(frozen=True)
class Job:
    """One evaluation to run off the UI thread."""

    version: int
    design: Design | None  # the design to pack, or None to re-run `packed`
    packed: PackedDesign | None


class LiveEvaluator:
    """Turns edits into evaluation jobs, reusing packed arrays where a count is all that changed."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.packed: PackedDesign | None = None

    def job(self, design: Design, version: int, count_change: Path | None = None, count: int = 0) -> Job:
        """A job for the design as it now is; `count_change` names a node whose count alone changed."""
        if count_change is not None and self.packed is not None:
            self.packed.set_count(count_change, count)
            return Job(version, None, self.packed)
        self.packed = None
        return Job(version, design, None)

    def run(self, job: Job) -> Evaluation:
        """Pack if needed and run the kernel (safe to call from a worker thread)."""
        packed = job.packed
        if packed is None:
            assert job.design is not None
            parts, _ = resolve_parts(job.design, self.catalog)
            packed = pack(job.design, parts, self.catalog)
        return run(packed)

    def accept(self, evaluation: Evaluation) -> None:
        """Keep a current result's arrays for the next count change."""
        self.packed = evaluation.packed
