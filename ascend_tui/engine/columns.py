"""The metric columns every node accumulates, in the units parts are given in."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# Columns summed up the tree (count x child), in catalog units.
SUMMED = (
    "chips",
    "cpus",
    "switches",
    "transceivers",
    "other_parts",
    "cabinets",
    "compute_cabinets",
    "network_cabinets",
    "supernodes",
    "fp8_tflops",
    "fp4_tflops",
    "bf16_tflops",
    "hbm_gb",
    "hbm_tbps",
    "scaleup_gbps",
    "scaleout_gbps",
    "power_accelerators_w",
    "power_cpus_w",
    "power_switches_w",
    "power_optics_w",
    "power_other_w",
    "power_overhead_w",
    "it_power_w",
    "floor_m2",
    "chips_without_fp8",
    "chips_without_fp4",
    "chips_without_bf16",
    "cabinets_over_cooling_limit",
)
# Columns that take the largest child value instead.
MAXED = ("max_cabinet_w", "max_domain_chips")
NAMES = SUMMED + MAXED
COL = {name: i for i, name in enumerate(NAMES)}
WIDTH = len(NAMES)
assert WIDTH < 63, "estimate flags are bits of one int64"


def scale(row: npt.NDArray[np.float64], times: float) -> npt.NDArray[np.float64]:
    """A row for `times` instances: sums multiply, maxima stay."""
    out = row.copy()
    out[: len(SUMMED)] *= times
    return out


# The kernel reads these column positions from an argument, not from globals; the last entry is
# how many leading columns are summed (the rest take the maximum).
LAYOUT_NAMES = (
    "cabinets",
    "supernodes",
    "floor_m2",
    "power_overhead_w",
    "it_power_w",
    "cabinets_over_cooling_limit",
    "max_cabinet_w",
    "max_domain_chips",
    "chips",
)
LAYOUT = np.array([COL[n] for n in LAYOUT_NAMES] + [len(SUMMED)], dtype=np.int64)

COUNT_COLUMN = {
    "accelerator": "chips",
    "cpu": "cpus",
    "switch": "switches",
    "transceiver": "transceivers",
    "other": "other_parts",
}
POWER_COLUMN = {
    "accelerator": "power_accelerators_w",
    "cpu": "power_cpus_w",
    "switch": "power_switches_w",
    "transceiver": "power_optics_w",
    "other": "power_other_w",
}

# Node kinds as the kernel sees them.
CABINET, SUPERNODE, CLUSTER = 1, 2, 3


def bit(*names: str) -> int:
    """The estimate-flag bits of some columns."""
    out = 0
    for name in names:
        out |= 1 << COL[name]
    return out


def flagged(mask: int) -> frozenset[str]:
    """The column names whose bit is set."""
    return frozenset(name for name, i in COL.items() if mask >> i & 1)
