"""Metrics for people: labels, units that scale (PF, EF, ZF; kW, MW) and tables."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rich.table import Table
from rich.text import Text

from ascend_tui.engine.metrics import Metrics
from ascend_tui.engine.planning import ScalePlan
from ascend_tui.model.catalog import FIGURE_LABELS, FIGURES, Part
from ascend_tui.model.text import visible


@dataclass(frozen=True)
class MetricSpec:
    """How to show one metric: its Metrics field, a label and a unit family."""

    key: str
    label: str
    unit: str  # a family name in SCALES, or a literal unit
    precision: str | None = None  # 'fp8', 'fp4' or 'bf16' for compute figures
    short: str = ""  # a label for narrow panels, where the full one would be cut


# Base unit first; each step is x1000.
SCALES: dict[str, tuple[str, ...]] = {
    "flops": ("PF", "EF", "ZF"),
    "bytes": ("TB", "PB", "EB"),
    "rate": ("TB/s", "PB/s", "EB/s"),
    "power": ("kW", "MW", "GW"),
}

HEADLINE = (
    MetricSpec("fp8_pflops", "FP8", "flops", "fp8"),
    MetricSpec("fp4_pflops", "FP4", "flops", "fp4"),
    MetricSpec("bf16_pflops", "BF16", "flops", "bf16"),
    MetricSpec("hbm_capacity_tb", "HBM", "bytes"),
    MetricSpec("hbm_bandwidth_tbps", "HBM bandwidth", "rate", short="HBM BW"),
    MetricSpec("scaleup_bandwidth_tbps", "Scale-up bandwidth", "rate", short="Scale-up BW"),
    MetricSpec("it_power_kw", "IT power", "power"),
    MetricSpec("facility_power_kw", "Facility power", "power", short="Facility"),
    MetricSpec("floor_area_m2", "Floor area", "m²"),
    MetricSpec("chips", "Chips", "count"),
    MetricSpec("cabinets", "Cabinets", "count"),
)
DETAIL = (
    MetricSpec("cpus", "CPUs", "count"),
    MetricSpec("switches", "Switches", "count"),
    MetricSpec("transceivers", "Transceivers", "count"),
    MetricSpec("compute_cabinets", "Compute cabinets", "count"),
    MetricSpec("network_cabinets", "Network cabinets", "count"),
    MetricSpec("supernodes", "Supernodes", "count"),
    MetricSpec("scaleup_domain_chips", "Scale-up domain", "chips"),
    MetricSpec("hbm_capacity_tb_binary", "HBM (binary, GB/1024)", "TB"),  # as vendors quote it, unscaled
    MetricSpec("scaleup_bandwidth_per_chip_gbps", "Scale-up per chip", "GB/s"),
    MetricSpec("scaleout_bandwidth_tbps", "Scale-out bandwidth", "rate"),
    MetricSpec("accelerator_power_kw", "Power: accelerators", "power"),
    MetricSpec("cpu_power_kw", "Power: CPUs", "power"),
    MetricSpec("switch_power_kw", "Power: switches", "power"),
    MetricSpec("optics_power_kw", "Power: optics", "power"),
    MetricSpec("other_power_kw", "Power: other parts", "power"),
    MetricSpec("overhead_power_kw", "Power: cabinet overhead", "power"),
    MetricSpec("pue", "PUE", ""),
    MetricSpec("cabinet_power_mean_kw", "Cabinet power, mean", "power"),
    MetricSpec("cabinet_power_max_kw", "Cabinet power, max", "power"),
    MetricSpec("cabinets_over_cooling_limit", "Cabinets over cooling limit", "count"),
    MetricSpec("fp8_pflops_per_m2", "FP8 per m²", "PF/m²", "fp8"),
    MetricSpec("fp8_pflops_per_kw", "FP8 per kW", "PF/kW", "fp8"),
    MetricSpec("fp8_tflops_per_w", "FP8 per watt", "TF/W", "fp8"),
    MetricSpec("bf16_pflops_per_kw", "BF16 per kW", "PF/kW", "bf16"),
    MetricSpec("hbm_gb_per_fp8_pflop", "HBM per FP8 PF", "GB/PF", "fp8"),
    MetricSpec("hbm_bytes_per_fp8_flop", "HBM bytes per FP8 FLOP", "B/FLOP", "fp8"),
)
ALL = HEADLINE + DETAIL
BY_KEY = {s.key: s for s in ALL}


def scaled(value: float, family: str) -> str:
    """A value in the largest unit of its family that keeps it at or above 1: 8192 PF -> 8.19 EF."""
    units = SCALES[family]
    step = 0
    while step < len(units) - 1 and abs(value) >= 1000:
        value /= 1000
        step += 1
    return f"{_number(value)} {units[step]}"


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


def format_value(spec: MetricSpec, value: float) -> str:
    """A metric value with its unit, without estimate or support marks."""
    if isinstance(value, float) and math.isnan(value):
        return "n/a"
    if spec.unit in SCALES:
        return scaled(value, spec.unit)
    if spec.unit == "count":
        return f"{int(value):,}"
    if spec.unit == "chips":
        return f"{int(value):,} chips"
    return f"{_number(value)} {spec.unit}".rstrip()


def show(metrics: Metrics, key: str) -> str:
    """A metric as the user sees it: `~` marks an estimate; a precision no chip has says so."""
    spec = BY_KEY[key]
    if spec.precision and metrics.chips and not metrics.supported(spec.precision):
        return f"no {spec.precision.upper()} units"
    text = format_value(spec, getattr(metrics, key))
    if key in metrics.estimated:
        text = "~" + text
    if spec.precision and key.startswith(spec.precision) and metrics.unsupported_chips.get(spec.precision):
        text += f" ({metrics.unsupported_chips[spec.precision]:,} chips without)"
    return text


def change(spec: MetricSpec, now: float, before: float) -> str:
    """The signed change of a metric in its own units, or '' when it did not move."""
    if math.isnan(now) or math.isnan(before) or now == before:
        return ""
    delta = now - before
    sign = "+" if delta > 0 else "−"
    text = format_value(spec, abs(delta))
    return f"{sign}{text}"


def metrics_table(metrics: Metrics, title: str | None = None, detail: bool = True) -> Table:
    """A two-column table of metrics for the terminal; the title (a design's name) is shown as
    written, never as markup."""
    heading = None if title is None else Text(visible(title), style="table.title")
    table = Table(title=heading, show_header=False, box=None, pad_edge=False)
    table.add_column("metric", style="bold")
    table.add_column("value", justify="right")
    for spec in HEADLINE + (DETAIL if detail else ()):
        table.add_row(spec.label, show(metrics, spec.key))
    return table


ESTIMATE_NOTE = "~ marks a figure that rests on at least one estimate (see `ascend-tui parts`)."


def describe_plan(plan: ScalePlan) -> Table | Text:
    """The answer of a plan: the count, and what the design then delivers and costs."""
    if plan.count is None or plan.after is None:
        return Text(f"Not possible: {plan.reason}.", "bold red")
    table = Table(title=f"Count needed: {plan.count:,}", title_justify="left", box=None, show_header=True)
    table.add_column("")
    table.add_column("now", justify="right")
    table.add_column("with that count", justify="right")
    for key in (
        "fp8_pflops",
        "bf16_pflops",
        "it_power_kw",
        "facility_power_kw",
        "floor_area_m2",
        "chips",
        "cabinets",
    ):
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
    for name, unit in FIGURES.items():
        f = part.figures.get(name)
        if f is None:
            continue
        value = "no units" if not f.supported else ("~" if f.estimate else "") + f"{f.value:g} {unit}"
        basis = visible(f.basis + (f" — {f.note}" if f.note else ""))
        table.add_row(FIGURE_LABELS[name], value, Text(basis, "dim" if f.estimate else ""))
    return table
