"""Results: the value of every registry metric for a design or one node of it, computed from one
accumulated row of kernel columns.

Kept apart from the kernels so that views can use these types without compiling anything.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ascend_tui.engine import columns as c
from ascend_tui.engine.pack import Floats
from ascend_tui.model.metrics import METRICS

PRECISION_NAMES = ("fp8", "fp4", "bf16")
# Metrics whose value reads the floor area, which a row layout sets exactly.
_READ_AREA = frozenset({"floor_area_m2", "fp8_pflops_per_m2"})
_ESTIMATE_BITS = {m.key: c.bit(*m.estimated_by) for m in METRICS}


@dataclass(frozen=True)
class Results:
    """What a design (or one node of it) delivers and costs: a value for every metric of the
    registry (`model/metrics.py`), keyed like it, in its units, and the keys that rest on an
    estimate. Counts are whole numbers; a ratio with nothing to divide by is NaN."""

    values: Mapping[str, float]
    estimated: frozenset[str] = frozenset()
    unsupported_chips: Mapping[str, int] = field(default_factory=dict)  # chips without a precision

    def __getitem__(self, key: str) -> float:
        return self.values[key]

    def count(self, key: str) -> int:
        """A count metric as an int."""
        return int(self.values[key])

    def supported(self, precision: str) -> bool:
        """Whether any chip has units for a precision ('fp8', 'fp4', 'bf16')."""
        return self.unsupported_chips.get(precision, 0) < self.values["chips"]

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: every metric (null where undefined), the unsupported counts and the
        estimated keys."""
        out: dict[str, Any] = {
            key: None if isinstance(value, float) and not math.isfinite(value) else value
            for key, value in self.values.items()
        }
        out["unsupported_chips"] = dict(self.unsupported_chips)
        out["estimated"] = sorted(self.estimated)
        return out


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


def results_from_row(row: Floats, flags: int, pue: float, floor_area_m2: float | None = None) -> Results:
    """Results from one accumulated row (already multiplied by how often the node occurs).

    `floor_area_m2`, when given (from the design's row layout), replaces the sum of the cabinets'
    footprints as the floor area, and is exact.
    """
    v = {name: float(row[i]) for i, name in enumerate(c.NAMES)}
    area = v["floor_m2"] if floor_area_m2 is None else floor_area_m2
    chips = v["chips"]
    fp8_pf = v["fp8_tflops"] / 1e3
    it_kw = v["it_power_w"] / 1e3
    values: dict[str, float] = {
        "fp8_pflops": fp8_pf,
        "fp4_pflops": v["fp4_tflops"] / 1e3,
        "bf16_pflops": v["bf16_tflops"] / 1e3,
        "hbm_capacity_tb": v["hbm_gb"] / 1e3,
        "hbm_bandwidth_tbps": v["hbm_tbps"],
        "scaleup_bandwidth_tbps": v["scaleup_gbps"] / 1e3,
        "it_power_kw": it_kw,
        "facility_power_kw": it_kw * pue,
        "floor_area_m2": area,
        "chips": chips,
        "cabinets": v["cabinets"],
        "cpus": v["cpus"],
        "switches": v["switches"],
        "transceivers": v["transceivers"],
        "compute_cabinets": v["compute_cabinets"],
        "network_cabinets": v["network_cabinets"],
        "supernodes": v["supernodes"],
        "scaleup_domain_chips": v["max_domain_chips"] or chips,
        "hbm_capacity_tb_binary": v["hbm_gb"] / 1024,
        "scaleup_bandwidth_per_chip_gbps": _ratio(v["scaleup_gbps"], chips),
        "scaleout_bandwidth_tbps": v["scaleout_gbps"] / 1e3,
        "accelerator_power_kw": v["power_accelerators_w"] / 1e3,
        "cpu_power_kw": v["power_cpus_w"] / 1e3,
        "switch_power_kw": v["power_switches_w"] / 1e3,
        "optics_power_kw": v["power_optics_w"] / 1e3,
        "other_power_kw": v["power_other_w"] / 1e3,
        "overhead_power_kw": v["power_overhead_w"] / 1e3,
        "pue": pue,
        "cabinet_power_mean_kw": _ratio(it_kw, v["cabinets"]),
        "cabinet_power_max_kw": v["max_cabinet_w"] / 1e3,
        "cabinets_over_cooling_limit": v["cabinets_over_cooling_limit"],
        "footprint_area_m2": v["floor_m2"],
        "fp8_pflops_per_m2": _ratio(fp8_pf, area),
        "fp8_pflops_per_kw": _ratio(fp8_pf, it_kw),
        "fp8_tflops_per_w": _ratio(v["fp8_tflops"], v["it_power_w"]),
        "bf16_pflops_per_kw": _ratio(v["bf16_tflops"] / 1e3, it_kw),
        "hbm_gb_per_fp8_pflop": _ratio(v["hbm_gb"], fp8_pf),
        "hbm_bytes_per_fp8_flop": _ratio(v["hbm_tbps"] * 1e12, v["fp8_tflops"] * 1e12),
    }
    exact_area = flags & ~c.bit("floor_m2")  # the estimate flags once a row layout sets the area
    estimated = frozenset(
        m.key
        for m in METRICS
        if _ESTIMATE_BITS[m.key]
        & (exact_area if floor_area_m2 is not None and m.key in _READ_AREA else flags)
    )
    return Results(
        {m.key: round(values[m.key]) if m.unit.whole else values[m.key] for m in METRICS},
        estimated,
        {p: round(v[f"chips_without_{p}"]) for p in PRECISION_NAMES},
    )
