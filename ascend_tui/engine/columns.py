"""What the kernel accumulates for every block that holds other blocks: a row of per-part weights
and block counters.

A row is [counts of each part (P) | power-weighted counts of each part (P) | counters (S)]. The
power-weighted count of a part is its count times the (1 + overhead) of every block between it
and the row's block, so that power with overheads is a dot product with the parts' power. Every
figure that is a sum over parts (FLOPS, memory, power by kind, prices) is a dot product of the
weights with a per-part column, worked out after the kernel (engine/results.py); the kernel does
only what depends on the tree itself.
"""

from __future__ import annotations

import numpy as np

from ascend_tui.model.design import BLOCK_KINDS, CABINET_ROLES

# Counters summed up the tree (count × child); each is per instance of the row's block.
SUMMED = (
    "cabinets",
    *(f"{role}_cabinets" for role in CABINET_ROLES),
    "servers",
    "supernodes",
    "pods",
    "scaleup_domains",
    "footprint_m2",
    "cabinet_power_w",
    "cabinets_over_cooling_limit",
    "cabinets_over_power_capacity",
    "power_capacity_w",
)
# Counters that take the largest value below instead; the power maximum in three planes
# (value, low, high) so that totals resting on estimate ranges have ranges too.
MAXED = (
    "max_domain_chips",
    "max_domain_scaleup_gbps",
    "max_cabinet_w",
    "max_cabinet_w_low",
    "max_cabinet_w_high",
)
COUNTERS = SUMMED + MAXED

KIND_CODE = {kind: i for i, kind in enumerate(BLOCK_KINDS)}
ROLE_CODE = {role: i for i, role in enumerate(CABINET_ROLES)}

# Node properties that an estimate can rest on, as bits of one int64 per node.
PROPERTY_BITS = {"footprint_m2": 1, "power_overhead": 2, "power_capacity_kw": 4}


def layout(parts: int) -> np.ndarray:
    """The kernel's view of a row: where the counters start, then the offset of each counter used
    by name inside the kernel (in the order of kernels.LAYOUT_NAMES), then where the summed
    counters end."""
    start = 2 * parts
    at = {name: start + i for i, name in enumerate(COUNTERS)}
    named = [at[name] for name in LAYOUT_NAMES]
    return np.array([parts, start, *named, start + len(SUMMED), start + len(COUNTERS)], dtype=np.int64)


# The counters the kernel writes by name, in the order `layout` lists them.
LAYOUT_NAMES = (
    "cabinets",
    "compute_cabinets",
    "servers",
    "supernodes",
    "pods",
    "scaleup_domains",
    "footprint_m2",
    "cabinet_power_w",
    "cabinets_over_cooling_limit",
    "cabinets_over_power_capacity",
    "power_capacity_w",
    "max_domain_chips",
    "max_domain_scaleup_gbps",
    "max_cabinet_w",
)


def width(parts: int) -> int:
    """The length of a row for a design with `parts` distinct parts."""
    return 2 * parts + len(COUNTERS)


def counter(parts: int, name: str) -> int:
    """The position of a named counter in a row."""
    return 2 * parts + COUNTERS.index(name)
