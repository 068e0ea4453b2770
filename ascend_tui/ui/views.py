"""Planning views: designs compared side by side, targets and limits, scale to a target, how the
figures grow with a count, and the floor plan."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, ScrollableContainer, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static

from ascend_tui.compare import Comparison, compare_table
from ascend_tui.engine.evaluate import Evaluation
from ascend_tui.engine.planning import ScalePlan, plan_count
from ascend_tui.model import presets
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import GROUP_KINDS, Block, Design, FloorLayout, NodePath, node_at, walk
from ascend_tui.model.facility import REDUNDANCY, SETTING, SETTINGS, Facility, SiteDefaults
from ascend_tui.model.figures import Figure
from ascend_tui.model.metrics import BY_KEY, TARGETS, Target, metric_of, scalable
from ascend_tui.model.problems import DesignError
from ascend_tui.model.sweep import Axis, Placed
from ascend_tui.model.text import people, plain, visible
from ascend_tui.report import describe_plan, goal_text, show
from ascend_tui.ui.dialogs import FormDialog, PathPrompt, PresetPicker
from ascend_tui.ui.entry import parse_count, parse_number
from ascend_tui.ui.state import Figures

PLANNABLE = [k for k, t in TARGETS.items() if scalable(t)]


class AsNarrowAsItCan:
    """A renderable that asks only for its narrowest width: given the screen's width it fits it,
    and where even its narrowest is wider (many designs side by side) its view scrolls sideways."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        narrowest = Measurement.get(console, options, self.renderable).minimum
        return Measurement(narrowest, narrowest)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.renderable


class CompareScreen(Screen[list[tuple[str, Path]]]):
    """This design beside presets or files, with ratios to a baseline. The designs are read and
    evaluated in a worker; the set compared is kept for the next time (the screen returns it)."""

    BINDINGS = [
        Binding("escape,m", "close", "Back", id="compare.back"),
        Binding("a", "add_preset", "Add preset", id="compare.add"),
        Binding("f", "add_file", "Add file", id="compare.add_file"),
        Binding(
            "b", "next_baseline", "Baseline", tooltip="The next design as the baseline", id="compare.baseline"
        ),
        Binding("x", "drop", "Drop last", id="compare.drop"),
    ]

    def __init__(
        self, design: Design, file: Path | None, others: list[tuple[str, Path]], catalog: Catalog
    ) -> None:
        super().__init__()
        self.design, self.catalog = design, catalog
        self.this = "this design" + (f" ({file.name})" if file is not None else "")
        self.others = list(others)  # (label, file) of each design beside this one
        self.comparison: Comparison | None = None
        self.baseline = 0

    def compose(self) -> ComposeResult:
        yield Header()
        with ScrollableContainer(id="compare-body"):  # scrolls sideways too, past 80 columns
            yield Static(Text("Working out the figures…", "dim"), id="compare-table")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.evaluate(list(self.others))
        if not self.others:  # nothing to compare with yet: offer the presets
            self.action_add_preset()

    @work(thread=True, exclusive=True, group="compare", description="evaluate the designs compared")
    def evaluate(self, others: list[tuple[str, Path]]) -> None:
        from ascend_tui.engine.evaluate import evaluate

        labels, names, totals, kept = (
            [self.this],
            [self.design.name],
            [evaluate(self.design, self.catalog).totals()],
            [],
        )
        for label, file in others:
            try:
                design = presets.load_file(file, self.catalog)
                totals.append(evaluate(design, self.catalog).totals())
            except DesignError as error:
                message = str(error.located(label))
                self.app.call_from_thread(
                    self.notify, message, title="Cannot compare", severity="error", timeout=12
                )
                continue
            labels.append(label)
            names.append(design.name)
            kept.append((label, file))
        comparison = Comparison(labels, names, totals, min(self.baseline, len(totals) - 1))
        self.app.call_from_thread(self.show, comparison, kept)

    def show(self, comparison: Comparison, kept: list[tuple[str, Path]]) -> None:
        self.comparison, self.others, self.baseline = comparison, kept, comparison.baseline
        table = self.query_one("#compare-table", Static)
        table.loading = False
        shown: RenderableType = compare_table(comparison)
        if len(comparison.metrics) < 2:
            hint = Text("Nothing to compare with yet: a adds a preset, f a design file.", "dim")
            shown = Group(shown, hint)
        table.update(AsNarrowAsItCan(shown))

    def add(self, label: str, file: Path) -> None:
        self.query_one("#compare-table", Static).loading = True
        self.evaluate([*self.others, (label, file)])

    def action_add_preset(self) -> None:
        def chosen(name: str | None) -> None:
            if name:
                self.add(f"preset {name}", presets.resolve(name))

        self.app.push_screen(PresetPicker(self.catalog, "Compare this design with"), chosen)

    def action_add_file(self) -> None:
        def chosen(file: Path | None) -> None:
            if file is not None:
                self.add(str(file), file)

        self.app.push_screen(PathPrompt("Add a design file", must_exist=True), chosen)

    def action_next_baseline(self) -> None:
        c = self.comparison
        if c is not None:
            self.show(replace(c, baseline=(c.baseline + 1) % len(c.metrics)), self.others)

    def action_drop(self) -> None:
        c = self.comparison
        if c is None or len(c.metrics) < 2:
            self.notify("Only this design is left.")
            return
        self.show(
            Comparison(c.labels[:-1], c.names[:-1], c.metrics[:-1], min(c.baseline, len(c.metrics) - 2)),
            self.others[:-1],
        )

    def action_close(self) -> None:
        self.dismiss(self.others)


class TargetsDialog(FormDialog[dict[str, float]]):
    """Set the design's targets and limits; an empty field removes one."""

    TITLE_TEXT = "Targets and limits"

    def __init__(self, targets: dict[str, float]) -> None:
        super().__init__()
        self.targets = targets

    def fields(self) -> list[tuple[str, str, str]]:
        out = []
        for key, target in TARGETS.items():
            value = self.targets.get(key)
            label = f"{metric_of(target).label} {'≥' if target.at_least else '≤'} ({target.unit})"
            out.append((key, label, "" if value is None else plain(value)))
        return out

    def parse(self, texts: dict[str, str]) -> dict[str, float] | str:
        out: dict[str, float] = {}
        for key, text in texts.items():
            if text:
                label = metric_of(TARGETS[key]).label
                value = parse_number(text, label)
                if isinstance(value, str):
                    return value
                if value <= 0:
                    what = "target" if TARGETS[key].at_least else "limit"
                    return f"{label} must be above 0 (leave it blank for no {what})"
                out[key] = value
        return out


class FacilityDialog(FormDialog[Facility]):
    """State the design's site where it differs from the catalog's defaults: a blank field takes
    the default (shown faint in it); a setting stated with a source or a range keeps them while
    its value is left as it was."""

    TITLE_TEXT = "Facility: blank fields take the catalog's defaults"
    WIDE = True

    def __init__(self, facility: Facility, defaults: SiteDefaults) -> None:
        super().__init__()
        self.facility, self.defaults = facility, defaults

    def fields(self) -> list[tuple[str, str, str]]:
        f = self.facility
        out = [
            ("redundancy", f"Redundancy: {', '.join(REDUNDANCY)}", f.redundancy or ""),
            ("cdu", "CDU the plant adds", f.cdu or ""),
        ]
        for setting in SETTINGS:
            stated = f.figures.get(setting.name)
            out.append((setting.name, setting.label, "" if stated is None else plain(stated.value)))
        return out

    def placeholder(self, key: str) -> str:
        if key in ("redundancy", "cdu"):
            return str(getattr(self.defaults, key))
        return f"{plain(self.defaults.figures[key].value)} {SETTING[key].unit}"

    def parse(self, texts: dict[str, str]) -> Facility | str:
        figures = {}
        for setting in SETTINGS:
            text = texts[setting.name]
            if not text:
                continue
            value = parse_number(text, setting.label, setting.minimum, setting.maximum)
            if isinstance(value, str):
                return value + f" {setting.unit}"
            old = self.facility.figures.get(setting.name)
            figures[setting.name] = old if old is not None and old.value == value else Figure(value)
        redundancy = texts["redundancy"] or None
        if redundancy is not None and redundancy not in REDUNDANCY:
            return f"Redundancy must be one of {', '.join(REDUNDANCY)}."
        return Facility(figures, redundancy, texts["cdu"] or None)


def _goal_option(target: Target) -> str:
    """A goal to choose: `FP8 compute ≥ (EF)`."""
    return f"{metric_of(target).label} {'≥' if target.at_least else '≤'} ({target.unit})"


class ScaleDialog(ModalScreen[int | None]):
    """How many of the selected block reach a target (the count needed) or fit a budget (the
    largest count within it), with every limit of the design holding at once; Apply sets the
    count. It starts from the design's own targets, and works the answer out in a worker."""

    AUTO_FOCUS = "#scale-goal"  # type a value and press Enter
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, design: Design, path: NodePath, catalog: Catalog) -> None:
        super().__init__()
        self.design, self.path, self.catalog = design, path, catalog
        self.plan: ScalePlan | None = None
        # the design's first target (then limit) that a count can be planned for
        ordered = sorted(design.targets, key=lambda k: not TARGETS[k].at_least)
        self.start = next((k for k in ordered if k in PLANNABLE), None)

    def compose(self) -> ComposeResult:
        node = node_at(self.design, self.path)
        options = [(_goal_option(TARGETS[k]), k) for k in PLANNABLE]
        key = self.start or "min_fp8_ef"
        goal = plain(self.design.targets[key]) if self.start else ""
        with Vertical(classes="dialog form"):
            yield Label(Text(visible(f"Scale {node.label} (now ×{node.count:,})")), classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("Goal", classes="field-label")
                yield Select(options, value=key, allow_blank=False, id="scale-key", compact=True)
            with Horizontal(classes="field"):
                yield Label("Value", classes="field-label")
                yield Input(goal, id="scale-goal", compact=True)
            with VerticalScroll(classes="form-fields"):  # the plan scrolls; the buttons stay in view
                yield Static("Type a value and press Enter.", id="scale-result")
            with Horizontal(classes="buttons"):
                yield Button("Apply count", id="apply", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        if self.start:
            self.compute()

    @on(Button.Pressed, "#cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#scale-goal")
    @on(Select.Changed, "#scale-key")
    def compute(self) -> None:
        result = self.query_one("#scale-result", Static)
        text = self.query_one("#scale-goal", Input).value.strip()
        if not text:
            return
        key = str(self.query_one("#scale-key", Select).value)
        goal = parse_number(text, metric_of(TARGETS[key]).label)
        if isinstance(goal, str):
            result.update(Text(goal, "red"))
            return
        self.plan = None
        self.query_one("#apply", Button).disabled = True
        result.update(Text("Working out the count…", "dim"))
        self.work_out(key, goal)

    @work(thread=True, exclusive=True, description="plan a count")
    def work_out(self, key: str, goal: float) -> None:
        try:
            plan = plan_count(self.design, self.path, key, goal, self.catalog)
        except DesignError as error:
            self.app.call_from_thread(self.show_plan, None, str(error))
            return
        self.app.call_from_thread(self.show_plan, plan, "")

    def show_plan(self, plan: ScalePlan | None, error: str) -> None:
        result = self.query_one("#scale-result", Static)
        if plan is None:
            result.update(Text(visible(error, multiline=True), "red"))
            return
        self.plan = plan
        result.update(describe_plan(plan))
        self.query_one("#apply", Button).disabled = plan.count is None

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        if self.plan is not None and self.plan.count is not None:
            self.dismiss(self.plan.count)


# What the chart draws: each metric with the unit it is drawn in and the factor to it.
CHART_SERIES = (("fp8_pflops", "EF", 1e-3), ("it_power_kw", "MW", 1e-3), ("floor_area_m2", "m²", 1.0))


def chart_goals(targets: Mapping[str, float]) -> dict[str, tuple[str, float]]:
    """The design's targets and limits on the charted figures, by metric: the goal as people say
    it and its value in the chart's unit."""
    out = {}
    for key, goal in targets.items():
        target = TARGETS[key]
        for metric, _, factor in CHART_SERIES:
            if target.metric == metric:
                sign = "≥" if target.at_least else "≤"
                out[metric] = (f"{sign} {goal_text(key, goal)}", goal / target.factor * factor)
    return out


class ChartScreen(Screen[None]):
    """FP8, IT power and floor area against the count of one node, drawn in the terminal, with
    the design's targets and limits on them as lines."""

    BINDINGS = [
        Binding("escape,g", "app.pop_screen", "Back", id="chart.back"),
        Binding(
            "n", "next_chart", "Next chart", tooltip="On a short screen, the next figure", id="chart.next"
        ),
    ]
    SHORT = 36  # rows under which one chart at a time fills the screen

    def __init__(
        self,
        label: str,
        counts: list[int],
        points: list[dict[str, float]],
        current: int,
        goals: dict[str, tuple[str, float]] | None = None,
    ) -> None:
        super().__init__()
        self.label, self.counts, self.points, self.current = label, counts, points, current
        self.goals = goals or {}
        self.one = 0  # the chart shown on a short screen

    def on_resize(self) -> None:
        self.lay_out()

    def action_next_chart(self) -> None:
        self.one = (self.one + 1) % len(CHART_SERIES)
        self.lay_out()

    def lay_out(self) -> None:
        """Every chart where the screen has room for them, else the one chosen with n."""
        short = self.size.height < self.SHORT
        for i, (key, _, _) in enumerate(CHART_SERIES):
            self.query_one(f"#chart-{key}").display = not short or i == self.one

    def compose(self) -> ComposeResult:
        from textual_plotext import PlotextPlot  # plotting is loaded when a chart is first drawn

        yield Header()
        with Vertical(id="charts"):
            title = f"How the design grows with the count of {self.label} (now {self.current:,})"
            yield Static(Text(visible(title), "bold"))
            for key, _, _ in CHART_SERIES:
                yield PlotextPlot(id=f"chart-{key}")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        from textual_plotext import PlotextPlot

        now = self.counts.index(self.current)
        for key, symbol, factor in CHART_SERIES:
            values = [r[key] * factor for r in self.points]
            title = f"{BY_KEY[key].label} ({symbol})"
            plt = self.query_one(f"#chart-{key}", PlotextPlot).plt
            plt.plot(self.counts, values, marker="braille")
            plt.scatter([self.current], [values[now]], marker="●", label=f"now: {people(values[now], 3)}")
            low, high = min(values), max(values)
            if key in self.goals:
                said, line = self.goals[key]
                plt.hline(line, "red")
                title += f"  — target {said}"
                low, high = min(low, line), max(high, line)
            ticks = [low + (high - low) * i / 4 for i in range(5)]
            plt.yticks(ticks, [people(t, 3) for t in ticks])
            plt.title(title)
            plt.xlabel("count")
        self.lay_out()


def chart_counts(current: int, points: int = 40) -> list[int]:
    """Counts from 1 to twice the current one (at least 8), at most about `points` of them."""
    top = max(8, 2 * current)
    step = max(1, math.ceil(top / points))
    return sorted({*range(1, top + 1, step), current, top})


def chart_for(
    evaluation: Evaluation,
    path: NodePath,
    label: str,
    current: int,
    targets: Mapping[str, float] | None = None,
) -> ChartScreen:
    """A chart of the design as the count of the node at `path` runs from 1 to twice its value:
    a sweep of that count (engine/sweep.py). Variants whose totals cannot be counted or computed
    are left out."""
    from ascend_tui.engine.sweep import evaluate_variants, plan_sweep

    counts = chart_counts(current)
    keys = tuple(key for key, _, _ in CHART_SERIES)
    placed = [Placed(Axis("count", label, "count", tuple(map(float, counts))), path)]
    with evaluation.lock:
        values, _ = evaluate_variants(plan_sweep(evaluation, placed, keys), 0, len(counts))
    points = [dict(zip(keys, row, strict=True)) for row in values.tolist()]
    return ChartScreen(label, counts, points, current, chart_goals(targets or {}))


# --- the floor plan ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FloorCell:
    """One drawn cell: a cabinet (or a group of alike ones) with its role and power; a network
    cabinet a fabric derives has no power of its own to check (`limit_kw` 0)."""

    role: str
    kw: float
    limit_kw: float
    derived: bool = False


@dataclass(frozen=True)
class PodFloor:
    """Cabinets drawn together: one instance of a pod (a block below the top, with the network
    cabinets its fabrics need), or the design's own cabinets and networks outside any pod.
    `times` is how many alike instances the design holds."""

    title: str
    times: int
    cells: tuple[FloorCell, ...]

    @property
    def counts(self) -> str:
        compute = sum(1 for c in self.cells if c.role == "compute")
        other = len(self.cells) - compute
        parts = [f"{compute:,} compute"] if compute else []
        if other:
            parts.append(f"{other:,} network")
        return " + ".join(parts) or "no cabinets"


def _pods(design: Design) -> list[NodePath]:
    """The blocks drawn as pods: the groups right under the top block (the top block itself when
    it holds cabinets alone)."""
    return [(i,) for i, b in enumerate(design.root.blocks) if b.kind in GROUP_KINDS]


def floor_groups(design: Design, evaluation: Evaluation, catalog: Catalog) -> list[PodFloor]:
    """Each pod's cabinets (compute first, then the others, then the network cabinets its fabrics
    derive), and a group of what lies outside the pods."""
    pods = _pods(design)
    cells: dict[NodePath, list[FloorCell]] = {p: [] for p in [*pods, ()]}
    packed = evaluation.packed

    def owner(path: NodePath) -> NodePath:
        return path[:1] if path[:1] in cells and path[:1] != () else ()

    for path, node in walk(design):
        if isinstance(node, Block) and node.is_cabinet:
            pod = owner(path)
            n = packed.multiplicity(path) // max(1, packed.multiplicity(pod))
            kw = evaluation.node(path)["it_power_kw"]
            cell = FloorCell(node.role, kw, catalog.cooling[node.cooling].max_cabinet_kw.value)
            cells[pod].extend([cell] * n)
    for fabric in evaluation.fabrics():
        pod = owner(fabric.block)
        n = round(fabric.derived["network_cabinets"]) * (
            packed.multiplicity(fabric.block) // max(1, packed.multiplicity(pod))
        )
        cells[pod].extend([FloorCell("network", 0.0, 0.0, derived=True)] * n)
    out = []
    for pod in [*pods, ()]:
        found = sorted(cells[pod], key=lambda c: (c.role != "compute", c.derived))
        if not found:
            continue
        node = node_at(design, pod)
        title = node.label if pod else ("outside the pods" if pods else node.label)
        out.append(PodFloor(visible(title), packed.multiplicity(pod) if pod else 1, tuple(found)))
    return out


# Power bands against the cooling limit: the colour and, for terminals without colour, the height
# of the glyph.
BANDS = (
    (0.5, "#5fd75f", "▃▃", "≤50%"),
    (0.8, "#ffd700", "▅▅", ">50%"),
    (1.0, "#ff8700", "▇▇", ">80%"),
    (math.inf, "bold #ff005f", "██", ">100%"),
)
NETWORK_STYLE = "#5fafff"


def heat(kw: float, limit_kw: float) -> tuple[str, str]:
    """The colour and glyph for a cabinet's power as a share of what its cooling can take."""
    share = kw / limit_kw if limit_kw > 0 else math.inf
    for top, style, glyph, _ in BANDS:
        if share <= top:
            return style, glyph
    return BANDS[-1][1], BANDS[-1][2]


def cell_text(cell: FloorCell) -> tuple[str, str]:
    """How a cell is drawn: compute cabinets as bars as high as their power share, other
    cabinets shaded in their band's colour, derived network cabinets as light shade."""
    if cell.derived:
        return "░░", NETWORK_STYLE
    style, glyph = heat(cell.kw, cell.limit_kw)
    return (glyph if cell.role == "compute" else "▒▒"), style


def pod_picture(pod: PodFloor, per_row: int, per_cell: int) -> Text:
    """One pod: its title, then its cabinets in rows (one cell per `per_cell` alike cabinets)."""
    text = Text(pod.title, "bold")
    times = f" ×{pod.times:,}" if pod.times > 1 else ""
    text.append(f"{times}: {pod.counts}{' each' if times else ''}\n", "")
    cells = [pod.cells[i] for i in range(0, len(pod.cells), per_cell)]
    for start in range(0, len(cells), per_row):
        row = cells[start : start + per_row]
        for cell in row:
            glyph, style = cell_text(cell)
            text.append(glyph, style)
            text.append(" ")
        text.append("\n" + "·" * (3 * len(row) - 1) + "\n", "dim")  # the aisle
    return text


def floor_layout(pods: list[PodFloor], per_row: int, width: int, height: int) -> tuple[int, int]:
    """How many cabinets one cell stands for, and how many pods go side by side, so that the
    plan fits `width` × `height` (or comes as close as a cell per 10^6 cabinets allows)."""
    pod_width = 3 * per_row + 2
    across = max(1, width // pod_width)
    per_cell = 1
    while per_cell < 10**6:
        heights = [1 + 2 * math.ceil(math.ceil(len(p.cells) / per_cell) / per_row) for p in pods]
        lines = sum(max(heights[i : i + across]) + 1 for i in range(0, len(heights), across))
        if lines <= height:
            break
        per_cell = per_cell * 2 if per_cell < 8 else math.ceil(per_cell * 1.5)
    return per_cell, across


class FloorScreen(Screen[None]):
    """The design's cabinets laid out in rows, pod by pod, alike pods drawn once; the layout is
    part of the design and sets its area. It follows the app's figures: an edit redraws it."""

    BINDINGS = [
        Binding("escape,f", "app.pop_screen", "Back", id="floor.back"),
        Binding("l", "edit_layout", "Row layout", id="floor.layout"),
    ]

    def __init__(self, catalog: Catalog, set_layout: Callable[[FloorLayout], bool]) -> None:
        super().__init__()
        self.catalog, self.set_layout = catalog, set_layout
        self.figures: Figures | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="floor-body"):
            yield Static(id="floor-plan")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.watch(self.app, "figures", self.follow)

    def follow(self, figures: Figures | None) -> None:
        self.figures = figures
        self.show()

    def on_resize(self) -> None:
        self.show()

    def show(self) -> None:
        figures = self.figures
        if figures is None or not self.is_mounted:
            return
        design, totals = figures.design, figures.totals
        layout = design.floor
        per_row = layout.cabinets_per_row if layout else 16
        pods = floor_groups(design, figures.evaluation, self.catalog)
        width, height = self.size.width - 2, max(6, self.size.height - 7)
        per_cell, across = floor_layout(pods, per_row, width, height)
        cabinets = totals.count("cabinets")
        area = show(totals, "floor_area_m2")
        if layout:
            size = f"{people(layout.cabinet_width_m)} × {people(layout.cabinet_depth_m)} m"
            head = (
                f"{cabinets:,} cabinets in {layout.rows(cabinets):,} rows of {per_row} "
                f"({size}, aisle {people(layout.aisle_m)} m): {area}"
            )
        else:
            head = f"{cabinets:,} cabinets; no row layout, so the area is the sum of footprints: {area}"
            head += " (l lays out rows)"
        legend = Text("compute, power against the cooling limit: ")
        for _, style, glyph, said in BANDS:
            legend.append(glyph, style)
            legend.append(f" {said}  ")
        legend.append("\n")
        legend.append("▒▒", BANDS[0][1])
        legend.append(" other cabinets, coloured alike · ")
        legend.append("░░", NETWORK_STYLE)
        legend.append(" network cabinets a fabric adds")
        if per_cell > 1:
            legend.append(f" · one cell = {per_cell:,} cabinets, so a drawn row stands for {per_cell:,} rows")
        grid = Table.grid(padding=(0, 2))
        for _ in range(min(across, len(pods))):
            grid.add_column()
        for start in range(0, len(pods), across):
            grid.add_row(*(pod_picture(p, per_row, per_cell) for p in pods[start : start + across]))
        self.query_one("#floor-plan", Static).update(
            Group(Text(visible(head), "bold"), legend, Text(""), grid)
        )

    def action_edit_layout(self) -> None:
        design = self.figures.design if self.figures is not None else None
        layout = design.floor if design is not None and design.floor is not None else FloorLayout()

        def chosen(new: FloorLayout | None) -> None:
            if new is not None:
                self.set_layout(new)  # the figures follow, and the plan with them

        self.app.push_screen(LayoutDialog(layout), chosen)


class LayoutDialog(FormDialog[FloorLayout]):
    """Cabinets per row, cabinet size and aisle width."""

    TITLE_TEXT = "Row layout"
    FIELDS = (
        ("cabinets_per_row", "Cabinets per row"),
        ("cabinet_width_m", "Cabinet width m"),
        ("cabinet_depth_m", "Cabinet depth m"),
        ("aisle_m", "Aisle m"),
    )

    def __init__(self, layout: FloorLayout) -> None:
        super().__init__()
        self.floor_layout = layout

    def fields(self) -> list[tuple[str, str, str]]:
        return [(key, label, plain(getattr(self.floor_layout, key))) for key, label in self.FIELDS]

    def parse(self, texts: dict[str, str]) -> FloorLayout | str:
        per_row = parse_count(texts["cabinets_per_row"], "Cabinets per row")
        if isinstance(per_row, str):
            return per_row
        if per_row < 1:
            return "Cabinets per row must be at least 1."
        values: dict[str, float] = {}
        for key, label in self.FIELDS[1:]:
            value = parse_number(texts[key], label)
            if isinstance(value, str):
                return value
            values[key] = value
        return FloorLayout(per_row, **values)
