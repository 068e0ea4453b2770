"""The sweep view: every variant of the selected block's count and its parts' counts, evaluated at
once (engine/sweep.py), and the Pareto front of two objectives as a scatter and a table; Enter
loads the highlighted variant as one edit, which `u` undoes."""

from __future__ import annotations

import math
from collections.abc import Callable

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static
from textual_plotext import PlotextPlot

from ascend_tui.engine.sweep import SweepPlan, SweepResult, prepare_placed, run_sweep
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Block, Design, NodePath, node_at
from ascend_tui.model.metrics import BY_KEY, TARGETS, metric_of
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Session
from ascend_tui.model.sweep import Axis, Placed, design_at
from ascend_tui.model.text import visible
from ascend_tui.model.validate import check_design
from ascend_tui.report import format_value, tick_labels

# The pairs `o` steps through: what to get more of, and what it costs.
OBJECTIVES = (
    (("fp8_pflops", "max"), ("tco_usd", "min")),
    (("fp8_pflops", "max"), ("capex_usd", "min")),
    (("fp8_pflops", "max"), ("it_power_kw", "min")),
    (("fp8_pflops", "max"), ("floor_area_m2", "min")),
    (("hbm_capacity_tb", "max"), ("tco_usd", "min")),
    (("bf16_pflops", "max"), ("tco_usd", "min")),
)
MOST_COUNTS = 48  # values of the block's count
PART_STEPS = (0.5, 1.0, 1.5, 2.0)  # each part count times these (whole, at least 1)


def block_axes(design: Design, path: NodePath) -> list[Placed]:
    """The selected block's parameters: its count from 1 to twice its value (at most MOST_COUNTS
    of them, its own among them), and each of its parts' counts at ½, 1, 1½ and 2 times theirs."""
    block = node_at(design, path)
    assert isinstance(block, Block)
    top = max(8, 2 * block.count)
    step = max(1, math.ceil(top / MOST_COUNTS))
    counts = sorted({*range(1, top + 1, step), block.count, top})
    label = block.name
    placed = [Placed(Axis("count", label, "count", tuple(map(float, counts))), path)]
    for pc in block.parts:
        values = sorted({float(max(1, round(pc.count * f))) for f in PART_STEPS})
        if len(values) > 1:
            placed.append(Placed(Axis("part", label, pc.part, tuple(values)), path))
    return placed


class SweepScreen(Screen[None]):
    """The Pareto front of the selected block's variants."""

    BINDINGS = [
        Binding("escape,v", "app.pop_screen", "Back", id="sweep.back"),
        Binding("o", "next_objectives", "Objectives", tooltip="Trade other figures", id="sweep.objectives"),
    ]

    def __init__(
        self,
        session: Session,
        catalog: Catalog,
        path: NodePath,
        apply: Callable[[Callable[[], object]], bool],
    ) -> None:
        super().__init__()
        self.session, self.catalog, self.path, self.apply = session, catalog, path, apply
        self.design = session.design  # the design swept; a variant loads only onto this one
        self.placed = block_axes(self.design, path)
        self.pair = 0
        self.plan: SweepPlan | None = None
        self.result: SweepResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="sweep"):
            yield Static(id="sweep-title")
            yield PlotextPlot(id="sweep-plot")
            yield DataTable(id="sweep-front", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.start()

    def action_next_objectives(self) -> None:
        self.pair = (self.pair + 1) % len(OBJECTIVES)
        self.start()

    def start(self) -> None:
        variants = math.prod(len(p.axis.values) for p in self.placed)
        names = ", ".join(p.axis.label for p in self.placed)
        title = f"Sweeping {variants:,} variants of {names}… (the first sweep compiles its kernel: a minute)"
        self.query_one("#sweep-title", Static).update(Text(visible(title), "bold"))
        self.sweep(OBJECTIVES[self.pair])

    @work(thread=True, exclusive=True, group="sweep", description="sweep the selected block")
    def sweep(self, objectives: tuple[tuple[str, str], ...]) -> None:
        try:
            plan = prepare_placed(self.design, self.placed, objectives, self.design.targets, self.catalog)
            result = run_sweep(plan)
        except DesignError as error:
            self.app.call_from_thread(self.app.notify, str(error), title="Cannot sweep", severity="error")
            return
        self.app.call_from_thread(self.show, plan, result)

    def show(self, plan: SweepPlan, result: SweepResult) -> None:
        self.plan, self.result = plan, result
        (x_key, _), (y_key, _) = result.objectives
        x_metric, y_metric = BY_KEY[x_key], BY_KEY[y_key]
        goals = list(self.design.targets)
        if len(goals) == 1:
            target = TARGETS[goals[0]]
            kind = "target" if target.at_least else "limit"
            limits = f" within the design's {kind} on {metric_of(target).label}"
        else:
            limits = f" within the design's {len(goals)} targets and limits" if goals else ""
        title = (
            f"{result.tried:,} variants, {result.feasible:,} feasible{limits}, {len(result.front):,} "
            f"on the front of {x_metric.label} against {y_metric.label} ({result.seconds:.2f} s). "
            "Enter loads a variant; o: other figures"
        )
        self.query_one("#sweep-title", Static).update(Text(visible(title), "bold"))
        table = self.query_one("#sweep-front", DataTable)
        table.clear(columns=True)
        table.add_columns(
            x_metric.short_label, y_metric.short_label, *(Text(visible(p.axis.heading)) for p in self.placed)
        )
        for point in result.front:
            cells = [
                format_value(x_metric, point.objectives[x_key]),
                format_value(y_metric, point.objectives[y_key]),
            ]
            cells += [f"{v:,}" if isinstance(v, int) else str(v) for v in point.parameters.values()]
            table.add_row(*(Text(visible(c)) for c in cells), key=str(point.variant))
        self.draw(0)
        table.focus()

    def draw(self, highlighted: int) -> None:
        result = self.result
        if result is None or not result.front:
            return
        (x_key, _), (y_key, _) = result.objectives
        xs = [p.objectives[x_key] for p in result.front]
        ys = [p.objectives[y_key] for p in result.front]
        plt = self.query_one("#sweep-plot", PlotextPlot).plt
        plt.clear_data()
        plt.clear_figure()
        plt.scatter(xs, ys, marker="braille", label="front")
        plt.scatter([xs[highlighted]], [ys[highlighted]], marker="●", label="highlighted")
        for axis, values, key in ((plt.xticks, xs, x_key), (plt.yticks, ys, y_key)):
            low, high = min(values), max(values)
            ticks = [low + (high - low) * i / 4 for i in range(5)] if high > low else [low]
            axis(ticks, tick_labels(BY_KEY[key], ticks))
        plt.xlabel(BY_KEY[x_key].label)
        plt.title(BY_KEY[y_key].label)
        self.query_one("#sweep-plot", PlotextPlot).refresh()

    @on(DataTable.RowHighlighted, "#sweep-front")
    def highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.draw(event.cursor_row)

    @on(DataTable.RowSelected, "#sweep-front")
    def load(self, event: DataTable.RowSelected) -> None:
        """Make the chosen variant the design, as one edit."""
        if self.plan is None or self.result is None:
            return
        point = self.result.front[event.cursor_row]
        variant = design_at(self.design, self.placed, self.plan.digits(point.variant))
        session, catalog = self.session, self.catalog
        described = ", ".join(f"{a} = {v}" for a, v in point.parameters.items())
        if session.design is not self.design:
            self.app.notify("The design changed since this sweep; sweep it again.", severity="warning")
            return
        if self.apply(
            lambda: session.apply(
                f"sweep: {described}", lambda _: variant, lambda d: check_design(d, catalog)
            )
        ):
            self.app.pop_screen()
            self.app.notify(visible(f"Loaded {described} (u undoes it)"), title="Sweep")
