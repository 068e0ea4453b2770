"""Metrics: what a design delivers and costs, from one accumulated row of columns.

Kept apart from the kernels so that views can use these types without compiling anything.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from ascend_tui.engine import columns as c
from ascend_tui.engine.pack import Floats

PRECISION_NAMES = ("fp8", "fp4", "bf16")


@dataclass(frozen=True)
class Metrics:
    """What a design (or one node of it) delivers and costs, in decimal units."""

    chips: int
    cpus: int
    switches: int
    transceivers: int
    cabinets: int
    compute_cabinets: int
    network_cabinets: int
    supernodes: int
    scaleup_domain_chips: int
    fp8_pflops: float
    fp4_pflops: float
    bf16_pflops: float
    hbm_capacity_tb: float
    hbm_capacity_tb_binary: float
    hbm_bandwidth_tbps: float
    scaleup_bandwidth_tbps: float
    scaleup_bandwidth_per_chip_gbps: float
    scaleout_bandwidth_tbps: float
    accelerator_power_kw: float
    cpu_power_kw: float
    switch_power_kw: float
    optics_power_kw: float
    other_power_kw: float
    overhead_power_kw: float
    it_power_kw: float
    pue: float
    facility_power_kw: float
    cabinet_power_mean_kw: float
    cabinet_power_max_kw: float
    cabinets_over_cooling_limit: int
    floor_area_m2: float
    footprint_area_m2: float
    fp8_pflops_per_m2: float
    fp8_pflops_per_kw: float
    fp8_tflops_per_w: float
    hbm_gb_per_fp8_pflop: float
    hbm_bytes_per_fp8_flop: float
    bf16_pflops_per_kw: float
    unsupported_chips: dict[str, int] = field(default_factory=dict)
    estimated: frozenset[str] = frozenset()

    def supported(self, precision: str) -> bool:
        """Whether any chip has units for a precision ('fp8', 'fp4', 'bf16')."""
        return self.unsupported_chips.get(precision, 0) < self.chips

    def as_dict(self) -> dict[str, Any]:
        """Plain data for JSON: numbers, the unsupported counts and the estimated keys."""
        out = asdict(self)
        out["estimated"] = sorted(self.estimated)
        for key, value in out.items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
        return out


# Which metrics an estimate in a column taints.
_TAINTS: dict[str, tuple[str, ...]] = {
    "fp8_tflops": (
        "fp8_pflops",
        "fp8_pflops_per_m2",
        "fp8_pflops_per_kw",
        "fp8_tflops_per_w",
        "hbm_gb_per_fp8_pflop",
        "hbm_bytes_per_fp8_flop",
    ),
    "fp4_tflops": ("fp4_pflops",),
    "bf16_tflops": ("bf16_pflops", "bf16_pflops_per_kw"),
    "hbm_gb": ("hbm_capacity_tb", "hbm_capacity_tb_binary", "hbm_gb_per_fp8_pflop"),
    "hbm_tbps": ("hbm_bandwidth_tbps", "hbm_bytes_per_fp8_flop"),
    "scaleup_gbps": ("scaleup_bandwidth_tbps", "scaleup_bandwidth_per_chip_gbps"),
    "scaleout_gbps": ("scaleout_bandwidth_tbps",),
    "power_accelerators_w": ("accelerator_power_kw",),
    "power_cpus_w": ("cpu_power_kw",),
    "power_switches_w": ("switch_power_kw",),
    "power_optics_w": ("optics_power_kw",),
    "power_other_w": ("other_power_kw",),
    "power_overhead_w": ("overhead_power_kw",),
    "it_power_w": (
        "it_power_kw",
        "facility_power_kw",
        "cabinet_power_mean_kw",
        "fp8_pflops_per_kw",
        "fp8_tflops_per_w",
        "bf16_pflops_per_kw",
    ),
    "max_cabinet_w": ("cabinet_power_max_kw",),
    "floor_m2": ("floor_area_m2", "fp8_pflops_per_m2"),
}


def _ratio(a: float, b: float) -> float:
    """a per b, NaN (shown as n/a) where b is zero or the ratio is too large to hold."""
    ratio = a / b if b > 0 else math.nan
    return ratio if math.isfinite(ratio) else math.nan


def metrics_from_row(row: Floats, flags: int, pue: float, floor_area_m2: float | None = None) -> Metrics:
    """Metrics from one accumulated row (already multiplied by how often the node occurs).

    `floor_area_m2`, when given (from the design's row layout), replaces the sum of the cabinets'
    footprints as the floor area.
    """
    v = {name: float(row[i]) for i, name in enumerate(c.NAMES)}
    footprints = v["floor_m2"]
    if floor_area_m2 is not None:
        v["floor_m2"] = floor_area_m2
        flags &= ~c.bit("floor_m2")
    chips = v["chips"]
    fp8_pf = v["fp8_tflops"] / 1e3
    it_kw = v["it_power_w"] / 1e3
    estimated = frozenset(m for col in c.flagged(flags) for m in _TAINTS.get(col, ()))
    return Metrics(
        chips=round(chips),
        cpus=round(v["cpus"]),
        switches=round(v["switches"]),
        transceivers=round(v["transceivers"]),
        cabinets=round(v["cabinets"]),
        compute_cabinets=round(v["compute_cabinets"]),
        network_cabinets=round(v["network_cabinets"]),
        supernodes=round(v["supernodes"]),
        scaleup_domain_chips=round(v["max_domain_chips"] or chips),
        fp8_pflops=fp8_pf,
        fp4_pflops=v["fp4_tflops"] / 1e3,
        bf16_pflops=v["bf16_tflops"] / 1e3,
        hbm_capacity_tb=v["hbm_gb"] / 1e3,
        hbm_capacity_tb_binary=v["hbm_gb"] / 1024,
        hbm_bandwidth_tbps=v["hbm_tbps"],
        scaleup_bandwidth_tbps=v["scaleup_gbps"] / 1e3,
        scaleup_bandwidth_per_chip_gbps=_ratio(v["scaleup_gbps"], chips),
        scaleout_bandwidth_tbps=v["scaleout_gbps"] / 1e3,
        accelerator_power_kw=v["power_accelerators_w"] / 1e3,
        cpu_power_kw=v["power_cpus_w"] / 1e3,
        switch_power_kw=v["power_switches_w"] / 1e3,
        optics_power_kw=v["power_optics_w"] / 1e3,
        other_power_kw=v["power_other_w"] / 1e3,
        overhead_power_kw=v["power_overhead_w"] / 1e3,
        it_power_kw=it_kw,
        pue=pue,
        facility_power_kw=it_kw * pue,
        cabinet_power_mean_kw=_ratio(it_kw, v["cabinets"]),
        cabinet_power_max_kw=v["max_cabinet_w"] / 1e3,
        cabinets_over_cooling_limit=round(v["cabinets_over_cooling_limit"]),
        floor_area_m2=v["floor_m2"],
        footprint_area_m2=footprints,
        fp8_pflops_per_m2=_ratio(fp8_pf, v["floor_m2"]),
        fp8_pflops_per_kw=_ratio(fp8_pf, it_kw),
        fp8_tflops_per_w=_ratio(v["fp8_tflops"], v["it_power_w"]),
        hbm_gb_per_fp8_pflop=_ratio(v["hbm_gb"], fp8_pf),
        hbm_bytes_per_fp8_flop=_ratio(v["hbm_tbps"] * 1e12, v["fp8_tflops"] * 1e12),
        bf16_pflops_per_kw=_ratio(v["bf16_tflops"] / 1e3, it_kw),
        unsupported_chips={p: round(v[f"chips_without_{p}"]) for p in PRECISION_NAMES},
        estimated=estimated,
    )
