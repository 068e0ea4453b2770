"""Results: the value of every registry metric (model/metrics.py) for a design or one node of
it, by the metric's formula over one row of the kernel (part weights and block counters) and the
sums over parts, in three planes: the value, and the low and high ends of estimate ranges.

Kept apart from the kernels so that views can use these types without compiling anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ascend_tui.engine import columns as c
from ascend_tui.engine.facility import Plant, estimated_outputs, work_out
from ascend_tui.engine.pack import Floats
from ascend_tui.engine.sums import COLUMNS, PartMatrix, Sums, sums
from ascend_tui.model.metrics import BY_KEY, METRICS

PRECISION_NAMES = ("fp8", "fp4", "bf16")


@dataclass(frozen=True)
class Results:
    """What a design (or one node of it) delivers and costs: a value for every metric, keyed
    like the registry, the low and high ends where estimate ranges give a range, and the keys
    that rest on an estimate. Counts are whole numbers; a ratio with nothing to divide by is NaN."""

    values: Mapping[str, float]
    low: Mapping[str, float] = field(default_factory=dict)
    high: Mapping[str, float] = field(default_factory=dict)
    estimated: frozenset[str] = frozenset()
    unsupported_chips: Mapping[str, int] = field(default_factory=dict)  # chips without a precision
    unpublished_chips: Mapping[str, int] = field(default_factory=dict)  # chips without a figure

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def count(self, key: str) -> int:
        """A count metric as an int."""
        return int(self.values[key])

    def supported(self, precision: str) -> bool:
        """Whether any chip has units for a precision ('fp8', 'fp4', 'bf16')."""
        return self.unsupported_chips.get(precision, 0) < self.values["chips"]

    def range(self, key: str) -> tuple[float, float] | None:
        """(low, high) where the metric rests on estimate ranges, else None."""
        if key not in self.low:
            return None
        return self.low[key], self.high[key]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: every metric (null where undefined; money as its value with the
        low and high ends of its range), the ranges, the chips without units or figures, and the
        estimated keys."""

        def plain(value: float) -> float | None:
            return None if isinstance(value, float) and not math.isfinite(value) else value

        out: dict[str, Any] = {}
        for key, value in self.values.items():
            metric = BY_KEY[key]
            if metric.precision and metric.formula.denominator and not self.supported(metric.precision):
                value = math.nan  # a ratio of a precision no chip has: undefined, not zero
            if metric.unit.money:
                low, high = self.range(key) or (value, value)
                out[key] = {"value": plain(value), "low": plain(low), "high": plain(high)}
            else:
                out[key] = plain(value)
        out["ranges"] = {k: {"low": plain(self.low[k]), "high": plain(self.high[k])} for k in self.low}
        out["unsupported_chips"] = dict(self.unsupported_chips)
        out["unpublished_chips"] = dict(self.unpublished_chips)
        out["estimated"] = sorted(self.estimated)
        return out


def _ratio(a: float, b: float) -> float:
    """a ÷ b; undefined (NaN) with nothing to divide by, or where the quotient overflows."""
    q = a / b if b > 0 else math.nan
    return q if math.isfinite(q) else math.nan


Planes = list[dict[str, float]]


def planes(s: Sums, counters: Floats, flags: int, area: float | None = None) -> tuple[Planes, set[str]]:
    """Every sum and counter of one row by name, in the three planes (value, low, high), and the
    names that rest on an estimate."""
    plane: Planes = [{}, {}, {}]
    estimated: set[str] = set()
    for k, name in enumerate(c.COUNTERS):
        if name.endswith(("_low", "_high")):
            continue
        ends = f"{name}_low" in c.COUNTERS  # kept in three planes: value, low, high
        for p in range(3):
            plane[p][name] = float(counters[k + p if ends else k])
    for k, column in enumerate(COLUMNS):
        plane[0][column.name] = float(s.value[k])
        plane[1][column.name] = float(s.low[k])
        plane[2][column.name] = float(s.high[k])
        if s.estimated[k]:
            estimated.add(column.name)
    footprint_estimated = bool(flags & c.PROPERTY_BITS["footprint_m2"])
    for p in range(3):
        plane[p]["area"] = plane[p]["footprint_m2"] if area is None else area
    if footprint_estimated:
        estimated.update({"footprint_m2", "max_floor_load"})
        if area is None:
            estimated.add("area")
    if "it_power_w" in estimated:
        estimated.update({"max_cabinet_w", "cabinet_power_w", "liquid_power_w"})
    if flags & c.PROPERTY_BITS["power_capacity_kw"]:
        estimated.add("power_capacity_w")
    if flags & c.PROPERTY_BITS["price_usd"]:
        estimated.update({"cabinet_price_usd", "server_price_usd"})
    if flags & c.PROPERTY_BITS["weight_kg"] or "parts_weight_kg" in estimated:
        estimated.update({"block_weight_kg", "max_floor_load", "cabinets_over_floor_rating"})
    return plane, estimated


def results(
    s: Sums,
    counters: Floats,
    flags: int,
    plant: Plant,
    area: float | None = None,
) -> Results:
    """Results for one row: `s` its sums over parts, `counters` its block counters, `flags` the
    estimated block properties below it (columns.PROPERTY_BITS), `plant` the site's settings for
    the facility chain. `area`, given from the design's row layout, replaces the sum of the
    cabinets' footprints as the floor area, and is exact."""
    plane, estimated = planes(s, counters, flags, area)
    for p in range(3):
        plane[p].update(work_out(plant, plane[p], p))
    estimated = estimated_outputs(plant, estimated)

    values: dict[str, float] = {}
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    marked: set[str] = set()
    for metric in METRICS:
        key, f, whole = metric.key, metric.formula, metric.unit.whole
        den = f.denominator
        if den is None:
            trio = [f.factor * plane[p][f.numerator] for p in range(3)]
        else:  # the low end of a ratio is the low numerator over the high denominator
            trio = [
                f.factor * _ratio(plane[0][f.numerator], plane[0][den]),
                f.factor * _ratio(plane[1][f.numerator], plane[2][den]),
                f.factor * _ratio(plane[2][f.numerator], plane[1][den]),
            ]
        values[key] = float(round(trio[0])) if whole and math.isfinite(trio[0]) else trio[0]
        if not whole and not trio[1] == trio[0] == trio[2] and all(map(math.isfinite, trio)):
            low[key], high[key] = min(trio), max(trio)
        if f.numerator in estimated or den in estimated:
            marked.add(key)
    unsupported = {p: round(plane[0][f"chips_without_{p}_tflops"]) for p in PRECISION_NAMES}
    unpublished = {
        name.removeprefix("chips_unpublished_"): round(v)
        for name, v in plane[0].items()
        if name.startswith("chips_unpublished_") and v > 0
    }
    return Results(values, low, high, frozenset(marked), unsupported, unpublished)


def row_results(
    matrix: PartMatrix, row: Floats, flags: int, times: float, plant: Plant, area: float | None = None
) -> Results:
    """Results of `times` instances of a block whose row (per instance) is `row`."""
    parts = matrix.value.shape[0]
    counts, powered = row[:parts] * times, row[parts : 2 * parts] * times
    counters = row[2 * parts :].copy()
    counters[: len(c.SUMMED)] *= times
    overhead_estimated = bool(flags & c.PROPERTY_BITS["power_overhead"])
    return results(sums(matrix, counts, powered, overhead_estimated), counters, flags, plant, area)
