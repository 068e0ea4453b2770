"""Results for people: values in units that scale (PF, EF, ZF; kW, MW), targets and tables.

Labels, units and target names come from the metric registry (`model/metrics.py`)."""

from __future__ import annotations

import math

from rich.table import Table
from rich.text import Text

from ascend_tui.engine.planning import ScalePlan, TargetCheck
from ascend_tui.engine.results import Results
from ascend_tui.model.catalog import FIGURES, Part
from ascend_tui.model.metrics import BY_KEY, METRICS, TARGETS, Metric, Unit, metric_of
from ascend_tui.model.text import visible


def scaled(value: float, unit: Unit) -> str:
    """A value in the largest unit of its family that keeps it at or above 1: 8192 PF -> 8.19 EF."""
    symbols = unit.symbols
    step = 0
    while step < len(symbols) - 1 and abs(value) >= 1000:
        value /= 1000
        step += 1
    return f"{_number(value)} {symbols[step]}"


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.01:
        return f"{value:.2f}"
    return f"{value:.3g}"


def format_value(metric: Metric, value: float) -> str:
    """A metric value with its unit, without estimate or support marks."""
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    unit = metric.unit
    if unit.share:
        return f"{_number(100 * value)}%"
    if unit.whole:
        return f"{int(value):,} {' '.join(unit.symbols)}".rstrip()
    if len(unit.symbols) > 1:
        return scaled(value, unit)
    return f"{_number(value)} {' '.join(unit.symbols)}".rstrip()


def format_range(metric: Metric, low: float, high: float) -> str:
    """An estimate range in the unit that suits its high end: `380–599 kW`, `1.2–1.5 MW`."""
    high_text = format_value(metric, high)
    number, _, symbol = high_text.partition(" ")
    if metric.unit.share:
        return f"{_number(100 * low)}–{high_text}"
    factor = 1.0
    symbols = metric.unit.symbols
    if len(symbols) > 1 and symbol in symbols:
        factor = 1000.0 ** symbols.index(symbol)
    return f"{_number(low / factor)}–{number} {symbol}".rstrip()


def show(results: Results, key: str, ranges: bool = True) -> str:
    """A metric as the user sees it: `~` marks an estimate, followed by its range where the
    estimates give one; a precision no chip has says so, and so do chips whose figure is not
    published."""
    metric = BY_KEY[key]
    precision = metric.precision
    if precision and results["chips"] and not results.supported(precision):
        return f"no {precision.upper()} units"
    if key.endswith("_sparse_pflops") and not results[key]:
        return "not published"  # no chip states a sparse figure
    text = format_value(metric, results[key])
    if key in results.estimated:
        text = "~" + text
        span = results.range(key)
        if ranges and span is not None:
            text += f" ({format_range(metric, *span)})"
    if precision and key == f"{precision}_pflops":
        if results.unsupported_chips.get(precision):
            text += f" ({results.unsupported_chips[precision]:,} chips without)"
        if results.unpublished_chips.get(f"{precision}_tflops"):
            text += f" ({results.unpublished_chips[f'{precision}_tflops']:,} chips not published)"
    return text


def change(metric: Metric, now: float, before: float) -> str:
    """The signed change of a metric in its own units, or '' when it did not move."""
    if math.isnan(now) or math.isnan(before) or now == before:
        return ""
    delta = now - before
    sign = "+" if delta > 0 else "−"
    text = format_value(metric, abs(delta))
    return f"{sign}{text}"


def metrics_table(results: Results, title: str | None = None) -> Table:
    """Every metric of the registry, in its order, as a two-column table for the terminal; the
    title (a design's name) is shown as written, never as markup."""
    heading = None if title is None else Text(visible(title), style="table.title")
    table = Table(title=heading, show_header=False, box=None, pad_edge=False)
    table.add_column("metric", style="bold")
    table.add_column("value", justify="right")
    for metric in METRICS:
        table.add_row(metric.label, show(results, metric.key))
    return table


def target_goal(check: TargetCheck) -> str:
    """A target as people say it: `FP8 compute ≥ 10 EF`."""
    target = TARGETS[check.key]
    sign = "≥" if target.at_least else "≤"
    return f"{metric_of(target).label} {sign} {check.goal:,.4g} {target.unit}"


def target_margin(check: TargetCheck) -> str:
    """How far inside the goal a design is, or how far from it: `margin 200 m²`, `short by 1.8 EF`
    for a target missed, `over by 3 MW` for a limit broken."""
    target = TARGETS[check.key]
    how = "margin" if check.met else "short by" if target.at_least else "over by"
    return f"{how} {abs(check.margin):,.4g} {target.unit}"


def target_line(check: TargetCheck, responsible: str) -> Text:
    """One target for the command line: `Target: FP8 compute ≥ 10 EF: met, margin 1 EF`, and
    on a miss the node to look at."""
    text = Text(f"Target: {target_goal(check)}: ")
    text.append("met" if check.met else "missed", "green" if check.met else "bold red")
    text.append(f", {target_margin(check)}")
    if not check.met:  # a node's path: names from the file, shown as written
        text.append(f"; look at {visible(responsible)}")
    return text


# The figures a list of presets shows for each (the command line's table and the app's picker).
PRESET_COLUMNS = (
    "fp8_pflops",
    "fp4_pflops",
    "bf16_pflops",
    "hbm_capacity_tb",
    "it_power_kw",
    "floor_area_m2",
    "chips",
    "cabinets",
)


def preset_headers() -> list[str]:
    """The column headers of a presets list."""
    return ["preset", *(BY_KEY[key].short_label for key in PRESET_COLUMNS)]


def preset_cells(name: str, results: Results) -> list[str]:
    """One preset's row: its name and its headline figures."""
    return [name, *(show(results, key) for key in PRESET_COLUMNS)]


ESTIMATE_NOTE = "~ marks a figure that rests on at least one estimate (see `ascend-tui parts`)."


# What a scale-to-target answer shows, before and after.
PLAN_FIGURES = (
    "fp8_pflops",
    "bf16_pflops",
    "it_power_kw",
    "facility_power_kw",
    "floor_area_m2",
    "chips",
    "cabinets",
)


def describe_plan(plan: ScalePlan) -> Table | Text:
    """The answer of a plan: the count, and what the design then delivers and costs."""
    if plan.count is None or plan.after is None:
        return Text(visible(f"Not possible: {plan.reason}."), "bold red")
    title = f"{plan.question}: {plan.count:,}"
    if plan.limited_by:
        title += f" (bounded by the design's {plan.limited_by})"
    table = Table(title=title, title_justify="left", box=None, show_header=True)
    table.add_column("")
    table.add_column("now", justify="right")
    table.add_column("with that count", justify="right")
    for key in PLAN_FIGURES:
        table.add_row(BY_KEY[key].label, show(plan.before, key), show(plan.after, key))
    return table


def part_specs(part: Part) -> Table:
    """A part's figures with where each comes from."""
    # A design's own parts bring their names and sources from the file: Text, control characters shown.
    table = Table(
        title=Text(visible(f"{part.name} ({part.kind}, {part.status or 'no status'})"), style="table.title"),
        title_justify="left",
        show_header=True,
        box=None,
        expand=True,
    )
    table.add_column("figure", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("basis", overflow="fold", ratio=1)
    for name, figure in FIGURES.items():
        f = part.figures.get(name)
        if f is None:
            continue
        if not f.supported:
            value = "no units"
        elif not f.published:
            value = "not published"
        else:
            value = ("~" if f.estimate else "") + f"{f.value:g} {figure.unit}"
            if f.ranged:
                low = f.value if f.low is None else f.low
                high = f.value if f.high is None else f.high
                value += f" ({low:g}–{high:g})"
            if f.direction:
                value += f" {'each way' if f.direction == 'each' else 'both ways'}"
        basis = visible(f.basis + (f" — {f.note}" if f.note else ""))
        table.add_row(figure.label, value, Text(basis, "dim" if f.estimate else ""))
    return table


def unit_text(metric: Metric) -> str:
    """The units a metric is written in, for the reference: `PF, EF, ZF`, `count`."""
    symbols = ", ".join(metric.unit.symbols)
    if metric.unit.whole:
        return f"count ({symbols})" if symbols else "count"
    return symbols or "number"


def metrics_reference() -> Table:
    """Every metric with its key, label, unit, targets and meaning."""
    table = Table(title="Metrics (keys as in JSON; targets as in a design's [targets])", expand=True)
    table.add_column("key", no_wrap=True)
    table.add_column("metric")
    table.add_column("unit")
    table.add_column("targets")
    table.add_column("meaning", ratio=1)
    for m in METRICS:
        label = Text(m.label, "bold" if m.headline else "")
        table.add_row(m.key, label, unit_text(m), " ".join(t.key for t in m.targets), m.description)
    return table


def metrics_markdown() -> str:
    """The README's table of metrics, made from the registry."""
    lines = ["| key | metric | unit | target keys | meaning |", "|---|---|---|---|---|"]
    for m in METRICS:
        label = f"**{m.label}**" if m.headline else m.label
        targets = ", ".join(f"`{t.key}`" for t in m.targets)
        lines.append(f"| `{m.key}` | {label} | {unit_text(m)} | {targets} | {m.description} |")
    return "\n".join(lines) + "\n"
