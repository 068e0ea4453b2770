"""Results for people: values in units that scale (PF, EF, ZF; kW, MW), targets and tables.

Labels, units and target names come from the metric registry (`model/metrics.py`)."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text

from ascend_tui.engine.evaluate import BillLine, FabricResult
from ascend_tui.engine.planning import PublishedCheck, ScalePlan, TargetCheck
from ascend_tui.engine.results import Results
from ascend_tui.model.catalog import FIGURES, Part
from ascend_tui.model.design import Block, Design, node_at
from ascend_tui.model.fabrics import ScaleoutFabric, ScaleupFabric
from ascend_tui.model.facility import SETTINGS, Site
from ascend_tui.model.figures import Figure, FigureSpec
from ascend_tui.model.metrics import BY_KEY, METRICS, NEEDS_FABRIC, TARGETS, Metric, Unit, metric_of
from ascend_tui.model.text import counted, people, plain, visible

if TYPE_CHECKING:
    from ascend_tui.engine.sweep import SweepResult


# What a catalog table's cells mean (figure_cell).
FIGURE_LEGEND = "~ estimate · — no units of that precision · n/p not published"


def figure_cell(f: Figure | None) -> str:
    """A figure in a catalog table: its value, ~ for an estimate, — no units, n/p not published."""
    if f is None:
        return ""
    if not f.supported:
        return "—"
    if not f.published:
        return "n/p"
    return ("~" if f.estimate else "") + f"{f.value:g}"


def _step(value: float, unit: Unit) -> int:
    """How many steps of 1000 up its unit family a value is best written in."""
    step = 0
    while step < len(unit.symbols) - 1 and abs(value) >= 1000 ** (step + 1):
        step += 1
    return step


def _with_unit(number: str, unit: Unit, step: int) -> str:
    """`8.19 EF`; money as `$3.10 M`, `$500/yr`, `$2.10/h`."""
    symbol = unit.symbols[step] if unit.symbols else ""
    if not unit.money:
        return f"{number} {symbol}".rstrip()
    return f"${number}{symbol if symbol.startswith('/') or not symbol else ' ' + symbol}"


def scaled(value: float, unit: Unit) -> str:
    """A value in the largest unit of its family that keeps it at or above 1: 8192 PF -> 8.19 EF."""
    step = _step(value, unit)
    return _with_unit(_number(value / 1000**step), unit, step)


def _number(value: float) -> str:
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    if abs(value) >= 0.01:
        return f"{value:.2f}"
    return people(value, 3)


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
    return _with_unit(_number(value), unit, 0)


def tick_labels(metric: Metric, ticks: list[float]) -> list[str]:
    """Labels for a chart's ticks on a metric's axis: as its values are written, or, where a narrow
    range would write two alike (`10.9 EF` twice), with as many more digits as tell them apart."""
    labels = [format_value(metric, t) for t in ticks]
    unit = metric.unit
    if len(set(labels)) == len(labels) or unit.share or unit.whole:
        return labels
    step = _step(max(abs(t) for t in ticks), unit) if len(unit.symbols) > 1 else 0
    for digits in range(1, 10):
        labels = [_with_unit(f"{t / 1000**step:,.{digits}f}", unit, step) for t in ticks]
        if len(set(labels)) == len(labels):
            break
    return labels


def format_range(metric: Metric, low: float, high: float) -> str:
    """An estimate range in the unit that suits its high end: `380–599 kW`, `$3.1–3.6 M`."""
    unit = metric.unit
    if unit.share:
        return f"{_number(100 * low)}–{format_value(metric, high)}"
    step = _step(high, unit) if len(unit.symbols) > 1 else 0
    factor = 1000.0**step
    numbers = f"{_number(low / factor)}–{_number(high / factor)}"
    return _with_unit(numbers, unit, step)


def show(results: Results, key: str, ranges: bool = True) -> str:
    """A metric as the user sees it: `~` marks an estimate, followed by its range where the
    estimates give one; a precision no chip has says so, and so do chips whose figure is not
    published."""
    metric = BY_KEY[key]
    precision = metric.precision
    if precision and results["chips"] and not results.supported(precision):
        return f"no {precision.upper()} units"
    sparse = key.endswith("_sparse_pflops")
    if sparse and not results[key]:
        return "not published"  # no chip states a sparse figure
    text = format_value(metric, results[key])
    if key in results.estimated:
        text = "~" + text
        span = results.range(key)
        if ranges and span is not None:
            text += f" ({format_range(metric, *span)})"
    if precision and key == f"{precision}_pflops":
        if results.unsupported_chips.get(precision):
            text += f" ({counted(results.unsupported_chips[precision], 'chip')} without)"
        if results.unpublished_chips.get(f"{precision}_tflops"):
            text += f" ({counted(results.unpublished_chips[f'{precision}_tflops'], 'chip')} not published)"
    if precision and sparse and results.unstated_sparse.get(precision):  # summed from the others alone
        text += f" ({counted(results.unstated_sparse[precision], 'chip')} without)"
    if key in NEEDS_FABRIC and results["fabric_problems"] > 0:
        text += " ⚠ fabric cannot connect"
    return text


def change(metric: Metric, now: float, before: float) -> str:
    """The signed change of a metric in its own units, or '' when it did not move as far as its
    shown value can tell (a PUE that moved by 2e-16, a cost by a thousandth of a cent)."""
    if math.isnan(now) or math.isnan(before) or format_value(metric, now) == format_value(metric, before):
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


def goal_text(key: str, goal: float) -> str:
    """A goal of a target, given in the target's unit, written as its metric is: 15000 (kW) is
    `15.0 MW`, 3e8 ($) is `$300 M`, 10 (EF) is `10.0 EF`."""
    target = TARGETS[key]
    return format_value(metric_of(target), goal / target.factor)


def target_goal(check: TargetCheck) -> str:
    """A target as people say it: `FP8 compute ≥ 10.0 EF`."""
    target = TARGETS[check.key]
    sign = "≥" if target.at_least else "≤"
    return f"{metric_of(target).label} {sign} {goal_text(check.key, check.goal)}"


def target_margin(check: TargetCheck) -> str:
    """How far inside the goal a design is, or how far from it: `margin 200 m²`, `short by 1.80 EF`
    for a target missed, `over by 3.00 MW` for a limit broken."""
    target = TARGETS[check.key]
    how = "margin" if check.met else "short by" if target.at_least else "over by"
    return f"{how} {goal_text(check.key, abs(check.margin))}"


def target_line(check: TargetCheck, responsible: str) -> Text:
    """One target for the command line: `Target: FP8 compute ≥ 10 EF: met, margin 1 EF`, and
    on a miss the node to look at."""
    text = Text(f"Target: {target_goal(check)}: ")
    text.append("met" if check.met else "missed", "green" if check.met else "bold red")
    text.append(f", {target_margin(check)}")
    if not check.met:  # a node's path: names from the file, shown as written
        text.append(f"; look at {visible(responsible)}")
    return text


def _published_values(check: PublishedCheck) -> tuple[str, str]:
    """The published figure and the design's, as people read them (the design's with its range
    where its estimates give one)."""
    metric = BY_KEY[check.key]
    f = check.published
    low, high = f.ends
    said = format_range(metric, low, high) if f.ranged else format_value(metric, f.value)
    mine = format_value(metric, check.value)
    if check.low != check.high:
        mine = f"~{mine} ({format_range(metric, check.low, check.high)})"
    return said, mine


def published_line(check: PublishedCheck) -> Text:
    """`Published: Equipment cost $8.20 M (Capacity Media, 2025); the design gives ~$16.8 M
    ($11.0–23.8 M), 2.05× it: they disagree`."""
    said, mine = _published_values(check)
    text = Text(
        f"Published: {BY_KEY[check.key].label} {said} ({visible(check.published.basis)}); the design gives "
    )
    text.append(mine)
    if math.isfinite(check.times):
        text.append(f", {check.times:.2f}× it")
    text.append(": ")
    text.append("they agree" if check.agrees else "they disagree", "green" if check.agrees else "bold yellow")
    return text


def published_brief(check: PublishedCheck) -> Text:
    """A published figure for a narrow panel: `✘ Cabinets: 16 published, 17 here (1.06×)`, and
    its source on the line under it."""
    said, mine = _published_values(check)
    style = "green" if check.agrees else "bold yellow"
    text = Text(("✔ " if check.agrees else "≠ ") + f"{BY_KEY[check.key].short_label}: ", style)
    text.append(f"{said} published, {mine} here")
    if math.isfinite(check.times) and not check.agrees:
        text.append(f" ({check.times:.2f}×)", style)
    text.append(f"\n  {visible(check.published.basis)}", "dim")
    return text


def fabric_drawing(design: Design, fabric: FabricResult) -> Text:
    """A fabric as its tiers, top down: how many switches of which part and radix, where they
    stand, the links between tiers and from the endpoints and what they are made of, then what
    it connects and what it needs.

        scale-up fabric of supernode 'CloudMatrix 384' · switched, 7 planes, 2 tiers, 3 hops
          tier 2       56 × ub-switch-l2, 48 ports          in network cabinets
                  2,688 links between tiers, optical
          tier 1      336 × ub-switch-l1, 16 ports          on the servers
                  2,688 links from the chips, on the boards
    """
    block = node_at(design, fabric.block)
    assert isinstance(block, Block)
    spec = block.scaleout_fabric if fabric.scaleout else block.scaleup_fabric
    assert spec is not None
    d, p = fabric.derived, fabric.params
    text = Text(visible(fabric.name), "bold")
    planes = f"{spec.planes} plane{'s' if spec.planes > 1 else ''}"
    if isinstance(spec, ScaleupFabric):
        shape = f"{spec.topology}, {planes}"
        if spec.topology == "switched":
            shape += f", {spec.tiers} tier{'s' if spec.tiers > 1 else ''}"
        top, top_radix = spec.switch2 or spec.switch, p["radix2"]
    else:
        shape = f"fat tree, {planes}, {spec.tiers} tiers"
        top, top_radix = spec.switch, p["radix1"]
    text.append(f" · {shape}, {_plural(d['hops'], 'hop')}\n")

    def tier(n: int, pid: str, radix: float, over: float) -> None:
        text.append(f"  tier {n}  {d[f'tier{n}_switches']:>9,.0f} × ")
        text.append(visible(pid), "cyan")
        text.append(f", {radix:g} ports" + (f", {over:g}:1 down:up" if over > 1 else ""))
        text.append(f"   {_where(spec, n)}\n", "dim")

    for n in (3, 2):
        if d[f"tier{n}_switches"]:
            over = p["oversubscription2"] if n == 2 and spec.tiers == 3 else 1.0
            tier(n, top, top_radix, over)
    if d["switch_links"]:
        text.append(f"          {d['switch_links']:,.0f} links between tiers, optical\n", "dim")
    if d["tier1_switches"]:
        tier(1, spec.switch, p["radix1"], p["oversubscription1"] if spec.tiers > 1 else 1.0)
    if d["copper_links"]:
        medium = "copper"
    elif d["optical_links"] > d["switch_links"]:
        medium = "optical"
    else:
        medium = "on the boards"
    what = "ports from the NICs" if fabric.scaleout else "links from the chips"
    text.append(f"          {d['endpoint_links']:,.0f} {what}, {medium}\n", "dim")
    what = "NIC ports" if fabric.scaleout else "chip links"
    text.append(
        f"  connects {d['endpoints']:,.0f} {what} (room for {d['max_endpoints']:,.0f} with these switches)"
    )
    needs = [
        _plural(d[key], label)
        for key, label in (("transceivers", "transceiver"), ("cables", "cable"), ("nics", "NIC"))
        if d[key]
    ]
    if d["network_cabinets"]:
        needs.append(_plural(d["network_cabinets"], "network cabinet"))
    if needs:
        text.append(" · needs " + ", ".join(needs))
    if d["bisection_gbit"]:
        bisection = BY_KEY["bisection_bandwidth_tbps"]
        text.append(f" · bisection {format_value(bisection, d['bisection_gbit'] / 8e3)} per direction")
    if fabric.problem:
        text.append("\n  ✘ " + visible(fabric.problem), "bold red")
    return text


BILL_SUMS = ("price_usd", "price_low_usd", "price_high_usd", "power_kw", "power_low_kw", "power_high_kw")


def bill_total(lines: list[BillLine]) -> dict[str, float]:
    """What a bill's lines add up to: cost and power, with the ends of their ranges (lines without
    a figure add nothing)."""
    return {key: round(sum(getattr(line, key) or 0.0 for line in lines), 6) for key in BILL_SUMS}


def bill_csv(lines: list[BillLine]) -> str:
    """A bill of materials as CSV: a header of BillLine's fields, then a line per part (names from
    files with their control characters shown, as everywhere the tool writes text)."""
    import csv
    import io

    fields = [f.name for f in dataclasses.fields(BillLine)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(fields)
    for line in lines:
        writer.writerow([visible(v) if isinstance(v, str) else v for v in (getattr(line, f) for f in fields)])
    return out.getvalue()


def _plural(n: float, what: str) -> str:
    return f"{n:,.0f} {what}{'' if n == 1 else 's'}"


def _where(spec: ScaleupFabric | ScaleoutFabric, tier: int) -> str:
    """Where a fabric's switches of a tier stand."""
    if tier > 1:
        return "in network cabinets"
    place = spec.tier1_in if isinstance(spec, ScaleupFabric) else spec.leaf_in
    return {"server": "on the servers", "cabinet": "in the chips' racks", "network": "in network cabinets"}[
        place
    ]


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


# What fits 80 columns.
PRESET_COLUMNS_NARROW = ("fp8_pflops", "hbm_capacity_tb", "it_power_kw", "chips")


def preset_headers(columns: tuple[str, ...] = PRESET_COLUMNS) -> list[str]:
    """The column headers of a presets list."""
    return ["preset", *(BY_KEY[key].short_label for key in columns)]


def preset_cells(
    name: str, results: Results, columns: tuple[str, ...] = PRESET_COLUMNS, ranges: bool = True
) -> list[str]:
    """One preset's row: its name and its headline figures."""
    return [name, *(show(results, key, ranges) for key in columns)]


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


def plan_reason(plan: ScalePlan) -> str:
    """Why no count does what a plan asks: the count that would and the limit it breaks (by its
    label, in its unit) or the fabric that cannot connect it, with that fabric's fixes."""
    if plan.reason:
        return plan.reason
    why = []
    if plan.limited_by:
        k = plan.limited_by
        label, limit = metric_of(TARGETS[k]).label, goal_text(k, plan.limit)
        if plan.after is None:
            return f"even one of this block breaks the design's limit on {label.lower()} of {limit}"
        value = goal_text(k, float(plan.after[TARGETS[k].metric]) * TARGETS[k].factor)
        why.append(f"{label} would be {value}, over the design's limit of {limit}")
    if plan.fabric:
        why.append(f"the {plan.fabric}")
    if plan.would is None:
        return f"no count can be built: {'; '.join(why)}"
    return f"{plan.would:,} would reach it, but then {'; and '.join(why)}"


def describe_plan(plan: ScalePlan) -> Table | Text:
    """The answer of a plan: the count, and what the design then delivers and costs."""
    if plan.count is None or plan.after is None:
        return Text(visible(f"Not possible: {plan_reason(plan)}."), "bold red")
    title = Text(f"{plan.question}: {plan.count:,}")
    if plan.limited_by:
        limit = TARGETS[plan.limited_by]
        title.append(f" (bounded by the design's limit on {metric_of(limit).label.lower()})")
    elif plan.fabric:
        title.append(f" (bounded by what its {visible(plan.fabric.partition(':')[0])} can connect)")
    table = Table(title=title, title_justify="left", box=None, show_header=True)
    table.add_column("")
    table.add_column("now", justify="right")
    table.add_column("with that count", justify="right")
    asked = [TARGETS[k].metric for k in (plan.key, plan.limited_by) if k]  # the figures the answer rests on
    for key in dict.fromkeys([*asked, *PLAN_FIGURES]):
        table.add_row(BY_KEY[key].label, show(plan.before, key), show(plan.after, key))
    return table


def _parameter(value: float | int | str) -> str:
    """An axis value: a part id as it is, a number with thousands separators."""
    if isinstance(value, str):
        return value
    return f"{value:,.0f}" if value == int(value) else f"{value:,.6g}"


def sweep_table(result: SweepResult, design: str, headings: list[str], most: int = 40) -> Table:
    """The front of a sweep, best first in its first objective: each variant's objectives and
    the value of each axis under its heading (the first `most` variants)."""
    title = Text(
        visible(
            f"{design}: {result.tried:,} variants tried, {result.feasible:,} meet the limits, "
            f"{len(result.front):,} on the front"
        ),
        style="table.title",
    )
    table = Table(title=title)
    table.add_column("variant", justify="right")
    for key, goal in result.objectives:
        table.add_column(f"{BY_KEY[key].short_label} ({goal})", justify="right")
    for heading in headings:
        table.add_column(Text(visible(heading)), justify="right", overflow="fold")
    for point in result.front[:most]:
        cells = [f"{point.variant:,}"]
        cells += [format_value(BY_KEY[key], point.objectives[key]) for key, _ in result.objectives]
        cells += [
            value if isinstance(value, str) else f"{value:,}" if isinstance(value, int) else f"{value:g}"
            for value in point.parameters.values()
        ]
        table.add_row(*(Text(visible(c)) for c in cells))
    if len(result.front) > most:
        table.caption = (
            f"and {len(result.front) - most:,} more on the front (--json or --csv lists every one)"
        )
    return table


def part_specs(part: Part, narrow: bool = False) -> Table | Group:
    """A part's figures with where each comes from: a table, or where it is `narrow` (a panel at
    80 columns) each figure on a line with its source under it."""
    # A design's own parts bring their names and sources from the file: Text, control characters shown.
    title = Text(visible(f"{part.name} ({part.kind}, {part.status or 'no status'})"), style="table.title")
    table = Table(title=title, title_justify="left", show_header=True, box=None, expand=True)
    table.add_column("figure", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("basis", overflow="fold", ratio=1)
    lines: list[Text] = [title]
    for _, figure, value, f in _part_figures(part):
        basis = visible(f.basis + (f" — {f.note}" if f.note else ""))
        table.add_row(figure.label, value, Text(basis, "dim" if f.estimate else ""))
        lines.append(Text.assemble((figure.label, "bold"), f" {value}\n", (basis, "dim")))
    return Group(*lines) if narrow else table


def _part_figures(part: Part) -> list[tuple[str, FigureSpec, str, Figure]]:
    """Each figure a part states, with its value as shown (units, range, direction)."""
    out = []
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
        out.append((name, figure, value, f))
    return out


def facility_table(site: Site, title: str = "Facility settings") -> Table:
    """The facility settings in force, each with its value, range and where it comes from."""
    table = Table(title=title, title_justify="left", box=None, expand=True)
    table.add_column("setting", style="bold", no_wrap=True)
    table.add_column("value", justify="right", no_wrap=True)
    table.add_column("basis", overflow="fold", ratio=1)
    table.add_row("Redundancy", site.redundancy, "stated" if "redundancy" in site.stated else "default")
    table.add_row("Plant CDU", Text(visible(site.cdu)), "stated" if "cdu" in site.stated else "default")
    for setting in SETTINGS:
        f = site.figures[setting.name]
        value = ("~" if f.estimate else "") + f"{plain(f.value)} {setting.unit}"
        if f.ranged:
            low, high = f.ends
            value += f" ({plain(low)}–{plain(high)})"
        basis = ("stated: " if setting.name in site.stated else "") + f.basis
        table.add_row(setting.label, value, Text(visible(basis), "dim" if f.estimate else ""))
    return table


def facility_markdown(site: Site) -> str:
    """The README's table of facility defaults, made from the catalog."""
    lines = ["| setting | default | range | source or rationale |", "|---|---|---|---|"]
    spares = "the plant's spares: one per started group of `redundancy_group` units (N+1) or one each (2N)"
    lines.append(f"| `redundancy` | {site.redundancy} | N, N+1, 2N | {spares} |")
    lines.append(f"| `cdu` | `{site.cdu}` | any CDU part | the plant's unit for liquid heat |")
    for setting in SETTINGS:
        f = site.figures[setting.name]
        low, high = f.ends
        span = f"{plain(low)}–{plain(high)}" if f.ranged else ""
        why = f"estimate: {f.rationale}" if f.estimate else f.source
        lines.append(f"| `{setting.name}` | {plain(f.value)} {setting.unit} | {span} | {why} |")
    return "\n".join(lines) + "\n"


def unit_text(metric: Metric) -> str:
    """The units a metric is written in, for the reference: `PF, EF, ZF`, `count`."""
    if metric.unit.money:
        return ", ".join(
            _with_unit("", metric.unit, step).replace("$ ", "$") for step in range(len(metric.unit.symbols))
        )
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
