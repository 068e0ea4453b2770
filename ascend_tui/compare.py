"""Designs side by side: every metric, and ratios to a baseline as vendors quote them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from rich.table import Table
from rich.text import Text

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.results import Results
from ascend_tui.model.design import Design
from ascend_tui.model.metrics import BY_KEY, HEADLINE
from ascend_tui.model.problems import DesignError
from ascend_tui.model.text import people, visible
from ascend_tui.report import format_value, show

# Figures that are compared per chip, per kW of IT power and per m² as well as in total.
NORMALISED = (
    "fp8_pflops",
    "fp4_pflops",
    "bf16_pflops",
    "hbm_capacity_tb",
    "hbm_bandwidth_tbps",
    "scaleup_bandwidth_tbps",
)
BASES = {
    "per_chip": "chips",
    "per_kw": "it_power_kw",
    "per_m2": "floor_area_m2",
    "per_usd_capex": "capex_usd",
    "per_usd_tco": "tco_usd",
}
BASIS_LABELS = {
    "per_chip": "per chip",
    "per_kw": "per kW",
    "per_m2": "per m²",
    "per_usd_capex": "per $ of capex",
    "per_usd_tco": "per $ of TCO",
}
# Compared in total after the headline figures: the network, and what running and owning it costs.
NETWORK = (
    "scaleout_bandwidth_tbps",
    "bisection_bandwidth_tbps",
    "switches",
    "transceivers",
    "network_power_kw",
)
MONEY = ("system_capex_usd", "opex_usd_per_year", "cost_per_accelerator_hour_usd", "energy_mwh_per_year")


def _ratio(a: float, b: float) -> float | None:
    return a / b if b and math.isfinite(a) and math.isfinite(b) else None


def normalised(results: Results, key: str, basis: str) -> float:
    """A figure per unit of a basis (chips, kW, m²), NaN where the basis is zero."""
    base = float(results[BASES[basis]])
    return float(results[key]) / base if base else math.nan


@dataclass(frozen=True)
class Comparison:
    """Evaluated designs and which one the ratios are taken against."""

    labels: list[str]
    names: list[str]
    metrics: list[Results]
    baseline: int

    def ratio(self, index: int, key: str, basis: str | None = None) -> float | None:
        """Design `index` against the baseline, in total or per basis; None where undefined."""
        mine, base = self.metrics[index], self.metrics[self.baseline]
        precision = BY_KEY[key].precision
        if precision and not (mine.supported(precision) and base.supported(precision)):
            return None
        if basis is None:
            return _ratio(float(mine[key]), float(base[key]))
        return _ratio(normalised(mine, key, basis), normalised(base, key, basis))

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON."""
        rows = []
        for i, m in enumerate(self.metrics):
            keys = (*(s.key for s in HEADLINE), *NETWORK, *MONEY)
            ratios: dict[str, Any] = {key: self.ratio(i, key) for key in keys}
            for basis in BASES:
                ratios[basis] = {k: self.ratio(i, k, basis) for k in NORMALISED}
            rows.append(
                {"label": self.labels[i], "design": self.names[i], "metrics": m.as_dict(), "ratios": ratios}
            )
        return {"baseline": self.labels[self.baseline], "designs": rows}


def compare_designs(designs: list[Design], labels: list[str], baseline: int = 0) -> Comparison:
    """Evaluate each design; ratios are against `designs[baseline]`. A design that cannot be
    evaluated is named by its label in the DesignError."""
    totals = []
    for design, label in zip(designs, labels, strict=True):
        try:
            totals.append(evaluate(design).totals())
        except DesignError as error:
            raise error.located(label) from None
    return Comparison(labels, [d.name for d in designs], totals, baseline)


def times(ratio: float | None, fractions: bool = False) -> str:
    """A ratio the way vendors say it: 6.7×, 0.48×, 1,340×; a small one as a fraction, 1/23,800×
    (with `fractions`, every one below 1, so that a table writes them one way); '—' where it has
    no meaning."""
    if ratio is None:
        return "—"
    if ratio == 0:
        return "0×"
    if ratio < 0.1 or (fractions and ratio < 1):
        return f"1/{people(1 / ratio, 3)}×"
    if ratio >= 1000:
        return f"{people(ratio, 3)}×"
    return f"{ratio:.2f}×" if ratio < 10 else f"{ratio:.1f}×"


# How a figure per basis is written: per chip in the figure's own unit, per kW and per m² with
# that suffix, per dollar per million dollars.
BASIS_UNITS = {
    "per_chip": ("", 1.0),
    "per_kw": ("/kW", 1.0),
    "per_m2": ("/m²", 1.0),
    "per_usd_capex": ("/$M", 1e6),
    "per_usd_tco": ("/$M", 1e6),
}


def per_basis(results: Results, key: str, basis: str) -> str:
    """A figure per unit of a basis as people read it: `2.00 PF` per chip, `0.76 PF/kW`."""
    value = normalised(results, key, basis)
    precision = BY_KEY[key].precision
    if not math.isfinite(value) or (precision and not results.supported(precision)):
        return "—"
    suffix, factor = BASIS_UNITS[basis]
    return format_value(BY_KEY[key], value * factor) + suffix


def compare_table(comparison: Comparison) -> Table:
    """Totals with ratios, then the figures per chip, per kW, per m² and per dollar, each with its
    ratio. Each design's column says what it is (this design, a preset, a file), so that two
    designs of the same name are told apart."""
    c = comparison
    # Names and labels come from files: Text, never markup, with control characters shown.
    title = visible(f"Compared with {c.names[c.baseline]} ({c.labels[c.baseline]})")
    table = Table(title=Text(title, style="table.title"))
    table.add_column("metric")
    for i, (name, label) in enumerate(zip(c.names, c.labels, strict=True)):
        header = Text(visible(name), "bold")
        header.append("\n" + visible(label) + (", baseline" if i == c.baseline else ""), "dim")
        table.add_column(header, justify="right")
    totals = (*HEADLINE, *(BY_KEY[key] for key in (*NETWORK, *MONEY)))
    others = [i for i in range(len(c.metrics)) if i != c.baseline]
    ratios = [c.ratio(i, m.key) for m in totals for i in others]
    ratios += [c.ratio(i, key, basis) for basis in BASIS_LABELS for key in NORMALISED for i in others]
    # One way of writing ratios in the table: if one needs a fraction, all below 1 are fractions.
    fractions = any(r is not None and 0 < r < 0.1 for r in ratios)
    for metric in totals:
        table.add_row(
            metric.label,
            *(
                show(m, metric.key)
                + ("" if i == c.baseline else f"  {times(c.ratio(i, metric.key), fractions)}")
                for i, m in enumerate(c.metrics)
            ),
        )
    for basis, label in BASIS_LABELS.items():
        table.add_section()
        for key in NORMALISED:
            table.add_row(
                f"{BY_KEY[key].label} {label}",
                *(
                    per_basis(m, key, basis)
                    + ("" if i == c.baseline else f"  {times(c.ratio(i, key, basis), fractions)}")
                    for i, m in enumerate(c.metrics)
                ),
            )
    return table
