"""What the app shows of an evaluation, worked out off the UI thread.

The app holds the current design, the selection and the latest `Figures` as reactive state
(ui/app.py); the main screen and its panels bind to them and redraw themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ascend_tui.model.design import Design, NodePath

if TYPE_CHECKING:  # the engine is imported by the workers that evaluate
    from ascend_tui.engine.evaluate import Evaluation, FabricResult
    from ascend_tui.engine.planning import PublishedCheck, TargetCheck
    from ascend_tui.engine.results import Results


@dataclass(frozen=True, eq=False)
class Figures:
    """An evaluation of the design as it was at `version`: its totals, its targets checked, the
    cabinets over their cooling limit, the fabrics that cannot connect, and the totals at the last
    save (to show changes from)."""

    version: int
    design: Design
    evaluation: Evaluation
    totals: Results
    targets: tuple[TargetCheck, ...] = ()
    published: tuple[PublishedCheck, ...] = ()  # the figures the design records as published, checked
    over_limit: tuple[NodePath, ...] = ()
    saved: Results | None = None
    unconnected: tuple[FabricResult, ...] = ()  # fabrics that cannot connect what they serve

    def current(self, version: int) -> bool:
        """Whether these are the figures of the design at `version` (paths into it are valid)."""
        return self.version == version

    def flagged(self) -> set[NodePath]:
        """The nodes to look at: cabinets over their cooling limit, blocks whose fabric cannot
        connect, and the node behind each missed target."""
        return {
            *self.over_limit,
            *(fabric.block for fabric in self.unconnected),
            *(check.responsible for check in self.targets if not check.met),
        }


def work_out(version: int, design: Design, evaluation: Evaluation, saved: Results | None) -> Figures:
    """The figures of an evaluation (run in a worker: targets and the hottest cabinets take a
    pass over the design)."""
    from ascend_tui.engine.planning import check_published, check_targets

    totals = evaluation.totals()
    return Figures(
        version,
        design,
        evaluation,
        totals,
        tuple(check_targets(evaluation, design)),
        tuple(check_published(totals, design)),
        tuple(evaluation.cabinets_over_limit()),
        saved,
        tuple(f for f in evaluation.fabrics() if f.problem) if totals["fabric_problems"] else (),
    )
