"""Results: the value of every metric for a design or one node of it, from one row of the kernel
(part weights and block counters) and the sums over parts.

Kept apart from the kernels so that views can use these types without compiling anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ascend_tui.engine import columns as c
from ascend_tui.engine.pack import Floats
from ascend_tui.engine.sums import COLUMNS, PartMatrix, Sums, sums

PRECISION_NAMES = ("fp8", "fp4", "bf16")


@dataclass(frozen=True)
class Formula:
    """A metric as `factor × numerator ÷ denominator` of sums or counters (no denominator: 1).
    A ratio with nothing to divide by is NaN."""

    numerator: str
    denominator: str | None = None
    factor: float = 1.0


def _kw(name: str) -> Formula:
    return Formula(name, factor=1e-3)


# How each metric follows from the sums over parts (engine/sums.py), the kernel's counters
# (engine/columns.py), `area` (the floor area) and `pue`.
FORMULAS: dict[str, Formula] = {
    "chips": Formula("chips"),
    "accelerator_dies": Formula("dies"),
    "cpus": Formula("cpus"),
    "memory_modules": Formula("memory_modules"),
    "nics": Formula("nics"),
    "switches": Formula("switches"),
    "transceivers": Formula("transceivers"),
    "cables": Formula("cables"),
    "cooling_units": Formula("cooling_units"),
    **{name: Formula(name) for name in c.SUMMED if name.endswith("_cabinets")},
    "cabinets": Formula("cabinets"),
    "servers": Formula("servers"),
    "supernodes": Formula("supernodes"),
    "pods": Formula("pods"),
    "scaleup_domains": Formula("scaleup_domains"),
    "scaleup_domain_chips": Formula("max_domain_chips"),
    **{f"{p}_pflops": Formula(f"{p}_tflops", factor=1e-3) for p in PRECISION_NAMES},
    **{f"{p}_sparse_pflops": Formula(f"{p}_sparse_tflops", factor=1e-3) for p in PRECISION_NAMES},
    "hbm_capacity_tb": Formula("hbm_gb", factor=1e-3),
    "hbm_capacity_tb_binary": Formula("hbm_gb", factor=1 / 1024),
    "hbm_bandwidth_tbps": Formula("hbm_tbps"),
    "cpu_memory_tb": Formula("cpu_memory_gb", factor=1e-3),
    "cpu_memory_bandwidth_tbps": Formula("cpu_memory_tbps"),
    "fast_memory_tb": Formula("fast_memory_gb", factor=1e-3),
    "scaleup_bandwidth_tbps": Formula("scaleup_gbps", factor=1e-3),
    "scaleup_domain_bandwidth_tbps": Formula("max_domain_scaleup_gbps", factor=1e-3),
    "scaleup_bandwidth_per_chip_gbps": Formula("scaleup_gbps", "chips"),
    "scaleout_bandwidth_tbps": Formula("scaleout_gbit", factor=1 / 8 * 1e-3),
    "scaleout_bandwidth_per_chip_gbps": Formula("scaleout_gbit", "chips", 1 / 8),
    "accelerator_power_kw": _kw("power_accelerator_w"),
    "cpu_power_kw": _kw("power_cpu_w"),
    "memory_power_kw": _kw("power_memory_w"),
    "nic_power_kw": _kw("power_nic_w"),
    "switch_power_kw": _kw("power_switch_w"),
    "optics_power_kw": _kw("power_transceiver_w"),
    "cable_power_kw": _kw("power_cable_w"),
    "cooling_unit_power_kw": _kw("power_cdu_w"),
    "other_power_kw": _kw("power_other_w"),
    "overhead_power_kw": _kw("overhead_power_w"),
    "it_power_kw": _kw("it_power_w"),
    "it_power_typical_kw": _kw("it_power_typical_w"),
    "network_power_kw": _kw("network_power_w"),
    "network_power_share": Formula("network_power_w", "it_power_w"),
    "pue": Formula("pue"),
    "facility_power_kw": Formula("facility_power_w", factor=1e-3),
    "cabinet_power_mean_kw": Formula("cabinet_power_w", "cabinets", 1e-3),
    "cabinet_power_max_kw": _kw("max_cabinet_w"),
    "cabinets_over_cooling_limit": Formula("cabinets_over_cooling_limit"),
    "power_capacity_kw": _kw("power_capacity_w"),
    "cabinets_over_power_capacity": Formula("cabinets_over_power_capacity"),
    "bisection_bandwidth_tbps": Formula("max_bisection_gbit", factor=1 / 8 * 1e-3),
    "fabric_problems": Formula("fabric_problems"),
    "floor_area_m2": Formula("area"),
    "footprint_area_m2": Formula("footprint_m2"),
    "fp8_pflops_per_m2": Formula("fp8_tflops", "area", 1e-3),
    "fp8_pflops_per_kw": Formula("fp8_tflops", "it_power_w"),
    "fp8_tflops_per_w": Formula("fp8_tflops", "it_power_w"),
    "bf16_pflops_per_kw": Formula("bf16_tflops", "it_power_w"),
    "hbm_gb_per_fp8_pflop": Formula("hbm_gb", "fp8_tflops", 1e3),
    "hbm_bytes_per_fp8_flop": Formula("hbm_tbps", "fp8_tflops"),
}
# Metrics that count things: whole numbers, without ranges.
WHOLE = frozenset(
    {
        "chips",
        "accelerator_dies",
        "cpus",
        "memory_modules",
        "nics",
        "switches",
        "transceivers",
        "cables",
        "cooling_units",
        "cabinets",
        *(name for name in c.SUMMED if name.endswith("_cabinets")),
        "servers",
        "supernodes",
        "pods",
        "scaleup_domains",
        "scaleup_domain_chips",
        "cabinets_over_cooling_limit",
        "cabinets_over_power_capacity",
        "fabric_problems",
    }
)


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
        """Plain data for JSON: every metric (null where undefined), the ranges, the chips without
        units or figures, and the estimated keys."""

        def plain(value: float) -> float | None:
            return None if isinstance(value, float) and not math.isfinite(value) else value

        out: dict[str, Any] = {key: plain(value) for key, value in self.values.items()}
        out["ranges"] = {k: {"low": plain(self.low[k]), "high": plain(self.high[k])} for k in self.low}
        out["unsupported_chips"] = dict(self.unsupported_chips)
        out["unpublished_chips"] = dict(self.unpublished_chips)
        out["estimated"] = sorted(self.estimated)
        return out


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def results(
    s: Sums,
    counters: Floats,
    flags: int,
    pue: float,
    area: float | None = None,
) -> Results:
    """Results for one row: `s` its sums over parts, `counters` its block counters, `flags` the
    estimated block properties below it (columns.PROPERTY_BITS). `area`, given from the design's
    row layout, replaces the sum of the cabinets' footprints as the floor area, and is exact."""
    plane: list[dict[str, float]] = [{}, {}, {}]
    estimated: set[str] = set()
    for k, name in enumerate(c.COUNTERS):
        for p in range(3):
            plane[p][name] = float(counters[k])
    top = c.COUNTERS.index("max_cabinet_w")
    plane[1]["max_cabinet_w"], plane[2]["max_cabinet_w"] = float(counters[top + 1]), float(counters[top + 2])
    for k, column in enumerate(COLUMNS):
        plane[0][column.name] = float(s.value[k])
        plane[1][column.name] = float(s.low[k])
        plane[2][column.name] = float(s.high[k])
        if s.estimated[k]:
            estimated.add(column.name)
    footprint_estimated = bool(flags & c.PROPERTY_BITS["footprint_m2"])
    for p in range(3):
        plane[p]["area"] = plane[p]["footprint_m2"] if area is None else area
        plane[p]["pue"] = pue
        plane[p]["facility_power_w"] = plane[p]["it_power_w"] * pue
    if footprint_estimated:
        estimated.add("footprint_m2")
        if area is None:
            estimated.add("area")
    if "it_power_w" in estimated:
        estimated.update({"max_cabinet_w", "cabinet_power_w", "facility_power_w"})
    if flags & c.PROPERTY_BITS["power_capacity_kw"]:
        estimated.add("power_capacity_w")

    values: dict[str, float] = {}
    low: dict[str, float] = {}
    high: dict[str, float] = {}
    marked: set[str] = set()
    for key, f in FORMULAS.items():
        den = f.denominator
        if den is None:
            trio = [f.factor * plane[p][f.numerator] for p in range(3)]
        else:  # the low end of a ratio is the low numerator over the high denominator
            trio = [
                f.factor * _ratio(plane[0][f.numerator], plane[0][den]),
                f.factor * _ratio(plane[1][f.numerator], plane[2][den]),
                f.factor * _ratio(plane[2][f.numerator], plane[1][den]),
            ]
        values[key] = float(round(trio[0])) if key in WHOLE else trio[0]
        if key not in WHOLE and not trio[1] == trio[0] == trio[2] and all(map(math.isfinite, trio)):
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
    matrix: PartMatrix, row: Floats, flags: int, times: float, pue: float, area: float | None = None
) -> Results:
    """Results of `times` instances of a block whose row (per instance) is `row`."""
    parts = matrix.value.shape[0]
    counts, powered = row[:parts] * times, row[parts : 2 * parts] * times
    counters = row[2 * parts :].copy()
    counters[: len(c.SUMMED)] *= times
    overhead_estimated = bool(flags & c.PROPERTY_BITS["power_overhead"])
    return results(sums(matrix, counts, powered, overhead_estimated), counters, flags, pue, area)
