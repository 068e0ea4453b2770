"""Results: the value of every registry metric (model/metrics.py) for a design or one node of
it, by the metric's formula over one row of the kernel (part weights and block counters) and the
sums over parts, in three planes: the value, and the low and high ends of estimate ranges.

Every quantity a formula may name (a block counter, a sum over parts, the floor area, an output
of the facility chain) has a place in one vector per plane (QUANTITIES), so that every metric is
worked out at once with array arithmetic, and the sweep kernel can work out the same formulas
from the same places.

Kept apart from the kernels so that views can use these types without compiling anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from ascend_tui.engine import columns as c
from ascend_tui.engine import kernels as k
from ascend_tui.engine.facility import Plant, estimated_outputs
from ascend_tui.engine.pack import Floats, Ints
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
    # by precision: chips that state no sparse figure for it (the sparse total leaves them out)
    unstated_sparse: Mapping[str, int] = field(default_factory=dict)

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


# Every quantity a metric's formula may name, in the order of a plane's vector: the block
# counters (once each; a counter kept in three planes takes its plane's value), the sums over
# parts, the floor area and the facility chain's outputs.
_BASE_COUNTERS = tuple(name for name in c.COUNTERS if not name.endswith(("_low", "_high")))
QUANTITIES = (*_BASE_COUNTERS, *(column.name for column in COLUMNS), "area", *k.CHAIN_OUTPUTS)
Q = {name: i for i, name in enumerate(QUANTITIES)}
assert len(Q) == len(QUANTITIES), "a quantity is named twice"
_COLUMNS_AT = len(_BASE_COUNTERS)
AREA = Q["area"]
_CHAIN_AT = AREA + 1
# For each plane, where each base counter's value sits in a row's counters.
_COUNTER_SOURCE = np.array(
    [
        [c.COUNTERS.index(name) + (p if f"{name}_low" in c.COUNTERS else 0) for name in _BASE_COUNTERS]
        for p in range(3)
    ],
    dtype=np.int64,
)
CHAIN_INPUTS = np.array([Q[name] for name in k.CHAIN_INPUTS], dtype=np.int64)


@dataclass(frozen=True)
class MetricFormulas:
    """Every registry metric's formula as arrays over QUANTITIES: numerator, denominator (-1
    for none), factor, and whether the metric is a whole count."""

    numerator: Ints
    denominator: Ints
    factor: Floats
    whole: npt.NDArray[np.bool_]

    @staticmethod
    def of_registry() -> MetricFormulas:
        return MetricFormulas(
            np.array([Q[m.formula.numerator] for m in METRICS], dtype=np.int64),
            np.array(
                [-1 if m.formula.denominator is None else Q[m.formula.denominator] for m in METRICS],
                dtype=np.int64,
            ),
            np.array([m.formula.factor for m in METRICS], dtype=np.float64),
            np.array([m.unit.whole for m in METRICS], dtype=np.bool_),
        )


FORMULAS = MetricFormulas.of_registry()
_KEYS = tuple(m.key for m in METRICS)
_INPUTS = tuple(m.formula.inputs for m in METRICS)
_UNSUPPORTED = {p: Q[f"chips_without_{p}_tflops"] for p in PRECISION_NAMES}
_STATING_SPARSE = {p: Q[f"chips_stating_{p}_sparse_tflops"] for p in PRECISION_NAMES}
_UNPUBLISHED = {
    name.removeprefix("chips_unpublished_"): i
    for i, name in enumerate(QUANTITIES)
    if name.startswith("chips_unpublished_")
}


def quantities(s: Sums, counters: Floats, area: float | None, plant: Plant) -> Floats:
    """Every quantity of one row in the three planes, (3, QUANTITIES): its counters, its sums,
    the floor area (`area`, or the cabinets' footprints) and the facility chain's outputs."""
    q = np.empty((3, len(QUANTITIES)))
    q[:, :_COLUMNS_AT] = counters[_COUNTER_SOURCE]
    q[0, _COLUMNS_AT:AREA] = s.value
    q[1, _COLUMNS_AT:AREA] = s.low
    q[2, _COLUMNS_AT:AREA] = s.high
    q[:, AREA] = q[:, Q["footprint_m2"]] if area is None else area
    for p in range(3):
        q[p, _CHAIN_AT:] = plant.work_out(q[p, CHAIN_INPUTS], p)
    return q


def estimated_names(s: Sums, flags: int, area: float | None) -> set[str]:
    """The names of a row's counters and sums that rest on an estimate."""
    estimated = {column.name for column, marked in zip(COLUMNS, s.estimated, strict=True) if marked}
    if flags & c.PROPERTY_BITS["footprint_m2"]:
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
    return estimated


def metric_trios(q: Floats, formulas: MetricFormulas = FORMULAS) -> Floats:
    """Every metric in the three planes, (3, METRICS), from the quantities: factor × numerator,
    or factor × numerator ÷ denominator, whose low end is the low numerator over the high
    denominator (and the other way round for the high end); a ratio with nothing to divide by,
    or that overflows, is NaN."""
    with np.errstate(all="ignore"):
        num = q[:, formulas.numerator]
        den = q[:, np.maximum(formulas.denominator, 0)][[0, 2, 1]]  # the low end takes the high denominator
        ratio = np.where(den > 0.0, num / den, math.nan)
        ratio[~np.isfinite(ratio)] = math.nan
        trio: Floats = formulas.factor * np.where(formulas.denominator >= 0, ratio, num)
    return trio


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
    q = quantities(s, counters, area, plant)
    estimated = estimated_outputs(plant, estimated_names(s, flags, area))
    trio = metric_trios(q)
    value = trio[0]
    finite = np.isfinite(trio).all(axis=0)
    whole = FORMULAS.whole
    with np.errstate(invalid="ignore"):
        value = np.where(whole & np.isfinite(value), np.rint(value) + 0.0, value)
        ranged = ~whole & finite & ~((trio[1] == trio[0]) & (trio[0] == trio[2]))
    values = dict(zip(_KEYS, value.tolist(), strict=True))
    lows, highs = trio.min(axis=0).tolist(), trio.max(axis=0).tolist()
    low = {_KEYS[i]: lows[i] for i in np.flatnonzero(ranged)}
    high = {_KEYS[i]: highs[i] for i in np.flatnonzero(ranged)}
    marked = frozenset(
        key for key, inputs in zip(_KEYS, _INPUTS, strict=True) if any(name in estimated for name in inputs)
    )
    unsupported = {p: round(float(q[0, i])) for p, i in _UNSUPPORTED.items()}
    unpublished = {name: round(float(q[0, i])) for name, i in _UNPUBLISHED.items() if q[0, i] > 0}
    unstated = {p: round(values["chips"] - float(q[0, i])) for p, i in _STATING_SPARSE.items()}
    return Results(values, low, high, marked, unsupported, unpublished, unstated)


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
