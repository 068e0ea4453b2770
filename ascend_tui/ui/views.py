"""Planning views: designs compared side by side, targets and limits, scale to a target, how the
figures grow with a count, and the floor plan."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Input, Label, Select, Static
from textual_plotext import PlotextPlot

from ascend_tui.compare import Comparison, compare_table
from ascend_tui.engine.evaluate import Evaluation
from ascend_tui.engine.planning import ScalePlan, plan_count, sweep
from ascend_tui.engine.results import Results
from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Block, Design, FloorLayout, NodePath, node_at, walk
from ascend_tui.model.facility import REDUNDANCY, SETTING, SETTINGS, Facility, SiteDefaults
from ascend_tui.model.figures import Figure
from ascend_tui.model.metrics import BY_KEY, TARGETS, Target, metric_of, scalable
from ascend_tui.model.problems import DesignError
from ascend_tui.model.text import visible
from ascend_tui.report import describe_plan, format_value, show
from ascend_tui.ui.dialogs import FormDialog, parse_number

PLANNABLE = [k for k, t in TARGETS.items() if scalable(t)]


class CompareScreen(Screen[None]):
    """Designs side by side with ratios to a baseline; add presets or files, pick the baseline."""

    BINDINGS = [
        Binding("escape,m", "app.pop_screen", "Back", id="compare.back"),
        Binding("a", "add_preset", "Add preset", id="compare.add"),
        Binding("f", "add_file", "Add file", id="compare.add_file"),
        Binding("b", "next_baseline", "Next baseline", id="compare.baseline"),
        Binding("x", "drop", "Drop last", id="compare.drop"),
    ]

    def __init__(self, comparison: Comparison, add: Callable[[CompareScreen, bool], None]) -> None:
        super().__init__()
        self.comparison = comparison
        self._add = add

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="compare-body"):
            yield Static(id="compare-table")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        self.query_one("#compare-table", Static).update(compare_table(self.comparison))

    def replace(self, comparison: Comparison) -> None:
        self.comparison = comparison
        self.show()

    def action_add_preset(self) -> None:
        self._add(self, False)

    def action_add_file(self) -> None:
        self._add(self, True)

    def action_next_baseline(self) -> None:
        c = self.comparison
        self.replace(Comparison(c.labels, c.names, c.metrics, (c.baseline + 1) % len(c.metrics)))

    def action_drop(self) -> None:
        c = self.comparison
        if len(c.metrics) > 2:
            self.replace(
                Comparison(c.labels[:-1], c.names[:-1], c.metrics[:-1], min(c.baseline, len(c.metrics) - 2))
            )
        else:
            self.notify("A comparison needs two designs.")


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
            kind = "at least" if target.at_least else "at most"
            label = f"{metric_of(target).label}, {kind} ({target.unit})"
            out.append((key, label, "" if value is None else f"{value:g}"))
        return out

    def parse(self, texts: dict[str, str]) -> dict[str, float] | str:
        out: dict[str, float] = {}
        for key, text in texts.items():
            if text:
                value = parse_number(text, metric_of(TARGETS[key]).label, minimum=1e-12)
                if isinstance(value, str):
                    return value
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
            out.append((setting.name, setting.label, "" if stated is None else f"{stated.value:g}"))
        return out

    def placeholder(self, key: str) -> str:
        if key in ("redundancy", "cdu"):
            return str(getattr(self.defaults, key))
        return f"{self.defaults.figures[key].value:,.12g} {SETTING[key].unit}"

    def parse(self, texts: dict[str, str]) -> Facility | str:
        figures = {}
        for setting in SETTINGS:
            text = texts[setting.name]
            if not text:
                continue
            value = parse_number(text, setting.label, minimum=setting.minimum)
            if isinstance(value, str):
                return value
            if value > setting.maximum:
                return f"{setting.label} must be at most {setting.maximum:g} {setting.unit}."
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
    """How many of the selected block reach a target or fit a budget; Apply sets the count."""

    AUTO_FOCUS = "#scale-goal"  # the goal defaults to FP8: type a value and press Enter
    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel", id="dialog.cancel")]

    def __init__(self, design: Design, path: NodePath, catalog: Catalog) -> None:
        super().__init__()
        self.design, self.path, self.catalog = design, path, catalog
        self.plan: ScalePlan | None = None

    def compose(self) -> ComposeResult:
        node = node_at(self.design, self.path)
        options = [(_goal_option(TARGETS[k]), k) for k in PLANNABLE]
        with Vertical(classes="dialog"):
            yield Label(Text(visible(f"Scale {node.label} (now ×{node.count:,})")), classes="dialog-title")
            with Horizontal(classes="field"):
                yield Label("Goal", classes="field-label")
                yield Select(options, value="min_fp8_ef", allow_blank=False, id="scale-key", compact=True)
            with Horizontal(classes="field"):
                yield Label("Value", classes="field-label")
                yield Input("", id="scale-goal", type="number", compact=True)
            yield Static("Type a value and press Enter.", id="scale-result")
            with Horizontal(classes="buttons"):
                yield Button("Apply count", id="apply", variant="primary", disabled=True)
                yield Button("Cancel", id="cancel")

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
        try:
            self.plan = plan_count(self.design, self.path, key, float(text), self.catalog)
        except (DesignError, ValueError) as error:
            result.update(Text(visible(str(error), multiline=True), "red"))
            return
        result.update(describe_plan(self.plan))
        self.query_one("#apply", Button).disabled = self.plan.count is None

    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        if self.plan is not None and self.plan.count is not None:
            self.dismiss(self.plan.count)


# What the chart draws: each metric with the unit it is drawn in and the factor to it.
CHART_SERIES = (("fp8_pflops", "EF", 1e-3), ("it_power_kw", "MW", 1e-3), ("floor_area_m2", "m²", 1.0))


class ChartScreen(Screen[None]):
    """FP8, IT power and floor area against the count of one node, drawn in the terminal."""

    BINDINGS = [Binding("escape,g", "app.pop_screen", "Back", id="chart.back")]

    def __init__(self, label: str, counts: list[int], points: list[Results], current: int) -> None:
        super().__init__()
        self.label, self.counts, self.points, self.current = label, counts, points, current

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="charts"):
            title = f"How the design grows with the count of {self.label} (now {self.current:,})"
            yield Static(Text(visible(title), "bold"))
            for key, _, _ in CHART_SERIES:
                yield PlotextPlot(id=f"chart-{key}")
        yield Footer()

    def on_mount(self) -> None:
        series = [
            (f"#chart-{key}", f"{BY_KEY[key].label} ({symbol})", [r[key] * factor for r in self.points])
            for key, symbol, factor in CHART_SERIES
        ]
        now = self.counts.index(self.current)
        for selector, title, values in series:
            plt = self.query_one(selector, PlotextPlot).plt
            plt.plot(self.counts, values, marker="braille")
            plt.scatter([self.current], [values[now]], marker="●", label=f"now: {values[now]:,.3g}")
            low, high = min(values), max(values)
            ticks = [low + (high - low) * i / 4 for i in range(5)]
            plt.yticks(ticks, [f"{t:,.3g}" for t in ticks])
            plt.title(title)
            plt.xlabel("count")


def chart_counts(current: int, points: int = 40) -> list[int]:
    """Counts from 1 to twice the current one (at least 8), at most about `points` of them."""
    top = max(8, 2 * current)
    step = max(1, math.ceil(top / points))
    return sorted({*range(1, top + 1, step), current, top})


def chart_for(evaluation: Evaluation, path: NodePath, label: str, current: int) -> ChartScreen:
    """A chart of the design as the count of the node at `path` runs from 1 to twice its value."""
    counts = chart_counts(current)
    return ChartScreen(label, counts, sweep(evaluation, path, counts), current)


@dataclass(frozen=True)
class FloorCell:
    """One drawn cell: a cabinet (or a group of identical ones) with its role and power."""

    role: str
    kw: float
    limit_kw: float


MAX_CELLS = 600


def floor_cells(design: Design, evaluation: Evaluation, catalog: Catalog) -> tuple[list[FloorCell], int]:
    """Every cabinet instance in tree order (grouped when there are too many to draw), and the
    number of cabinets one cell stands for."""
    groups: list[tuple[FloorCell, int]] = []
    for path, node in walk(design):
        if isinstance(node, Block) and node.is_cabinet:
            cell = FloorCell(
                node.role,
                evaluation.node(path)["it_power_kw"],
                catalog.cooling[node.cooling].max_cabinet_kw.value,
            )
            groups.append((cell, evaluation.packed.multiplicity(path)))
    total = sum(n for _, n in groups)
    per_cell = max(1, math.ceil(total / MAX_CELLS))
    cells: list[FloorCell] = []
    for cell, n in groups:
        cells.extend([cell] * math.ceil(n / per_cell))
    return cells, per_cell


def heat(kw: float, limit_kw: float) -> str:
    """A colour for a cabinet's power as a share of what its cooling can take."""
    share = kw / limit_kw if limit_kw > 0 else 1.0
    if share > 1:
        return "bold red"
    if share > 0.8:
        return "dark_orange"
    if share > 0.5:
        return "yellow"
    return "green"


def floor_picture(cells: list[FloorCell], per_row: int) -> Text:
    """Rows of cabinets: █ compute, ▒ network, coloured by power against the cooling limit."""
    text = Text()
    for start in range(0, len(cells), per_row):
        for cell in cells[start : start + per_row]:
            text.append("██" if cell.role == "compute" else "▒▒", style=heat(cell.kw, cell.limit_kw))
            text.append(" ")
        text.append("\n")
        text.append("·" * 3 * min(per_row, len(cells) - start), style="dim")  # the aisle
        text.append("\n")
    return text


class FloorScreen(Screen[None]):
    """The design's cabinets laid out in rows; the layout is part of the design and sets its area."""

    BINDINGS = [
        Binding("escape,f", "app.pop_screen", "Back", id="floor.back"),
        Binding("l", "edit_layout", "Row layout", id="floor.layout"),
    ]

    def __init__(
        self,
        design: Design,
        evaluation: Evaluation,
        catalog: Catalog,
        set_layout: Callable[[FloorLayout], bool],
    ) -> None:
        super().__init__()
        self.design, self.evaluation, self.catalog, self.set_layout = design, evaluation, catalog, set_layout

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="floor-body"):
            yield Static(id="floor-plan")
        yield Footer()

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        layout = self.design.floor
        cells, per_cell = floor_cells(self.design, self.evaluation, self.catalog)
        totals = self.evaluation.totals()
        per_row = layout.cabinets_per_row if layout else 16
        per_row_cells = max(1, math.ceil(per_row / per_cell))
        cabinets = totals.count("cabinets")
        if layout:
            head = (
                f"{cabinets:,} cabinets in {layout.rows(cabinets):,} rows of {per_row} "
                f"({layout.cabinet_width_m:g} × {layout.cabinet_depth_m:g} m, aisle {layout.aisle_m:g} m): "
                f"{format_value(BY_KEY['floor_area_m2'], totals['floor_area_m2'])}"
            )
        else:
            head = (
                f"{cabinets:,} cabinets; no row layout, so the area is the sum of footprints: "
                f"{show(totals, 'floor_area_m2')} (press l to lay out rows; drawn here in rows of 16)"
            )
        legend = Text.assemble(
            ("█", "green"),
            " compute  ",
            ("▒", "green"),
            " network   power against cooling limit: ",
            ("≤50%", "green"),
            " ",
            (">50%", "yellow"),
            " ",
            (">80%", "dark_orange"),
            " ",
            (">100%", "bold red"),
        )
        if per_cell > 1:
            legend.append(f"   one cell = {per_cell:,} cabinets")
        self.query_one("#floor-plan", Static).update(
            Group(Text(head, "bold"), legend, Text(""), floor_picture(cells, per_row_cells))
        )

    def action_edit_layout(self) -> None:
        self.app.push_screen(LayoutDialog(self.design.floor or FloorLayout()), self._layout_chosen)

    def _layout_chosen(self, layout: FloorLayout | None) -> None:
        if layout is not None and self.set_layout(layout):
            self.app.pop_screen()


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
        return [(key, label, f"{getattr(self.floor_layout, key):g}") for key, label in self.FIELDS]

    def parse(self, texts: dict[str, str]) -> FloorLayout | str:
        values: dict[str, float] = {}
        for key, label in self.FIELDS:
            value = parse_number(texts[key], label)
            if isinstance(value, str):
                return value
            values[key] = value
        per_row = values.pop("cabinets_per_row")
        if per_row != int(per_row) or per_row < 1:
            return "Cabinets per row must be a whole number of at least 1."
        return FloorLayout(int(per_row), **values)
