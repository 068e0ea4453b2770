"""Jitted kernels: accumulate every metric up a post-order tree in one pass."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ascend_tui.engine.jit import helper, kernel

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

ACCUMULATE_SIGNATURE = (
    "Tuple((float64[:, ::1], int64[::1]))("
    "int64[::1], int64[::1], int64[::1], "  # leaf_parent, leaf_part, leaf_count
    "int64[::1], int64[::1], int64[::1], int64[::1], "  # parent, count, kind, role_column
    "float64[::1], float64[::1], float64[::1], int64[::1], "  # footprint, overhead, limit_w, node_flags
    "float64[:, ::1], int64[::1], int64[::1])"  # part_rows, part_flags, layout
)


@helper
def _add_into(unit: Floats, target: int, row: Floats, times: float, summed: int) -> None:
    """unit[target] += times * row for the first `summed` columns; the rest take the maximum."""
    for k in range(summed):  # branch-free, so that LLVM vectorises it
        unit[target, k] += times * row[k]
    for k in range(summed, row.shape[0]):
        if row[k] > unit[target, k]:
            unit[target, k] = row[k]


@helper
def _finish_cabinet(
    row: Floats, footprint: float, overhead: float, limit_w: float, role_column: int, layout: Ints
) -> None:
    """Add a cabinet's own overhead, footprint and count to the sum of its parts."""
    cabinets, floor, overhead_w, it_power = layout[0], layout[2], layout[3], layout[4]
    over_limit, max_cabinet = layout[5], layout[6]
    extra = overhead * row[it_power]
    row[overhead_w] += extra
    row[it_power] += extra
    row[cabinets] += 1.0
    row[role_column] += 1.0
    row[floor] += footprint
    if row[it_power] > row[max_cabinet]:
        row[max_cabinet] = row[it_power]
    if row[it_power] > limit_w:
        row[over_limit] += 1.0


@kernel(ACCUMULATE_SIGNATURE)
def accumulate(
    leaf_parent: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    parent: Ints,
    count: Ints,
    kind: Ints,
    role_column: Ints,
    footprint: Floats,
    overhead: Floats,
    limit_w: Floats,
    node_flags: Ints,
    part_rows: Floats,
    part_flags: Ints,
    layout: Ints,
) -> tuple[Floats, Ints]:
    """Per-instance metrics of every node (children come before parents) and estimate flags."""
    n = parent.shape[0]
    summed = layout[9]
    unit = np.zeros((n, part_rows.shape[1]))
    flags = np.zeros(n, dtype=np.int64)
    for j in range(leaf_parent.shape[0]):
        p = leaf_parent[j]
        _add_into(unit, p, part_rows[leaf_part[j]], float(leaf_count[j]), summed)
        flags[p] |= part_flags[leaf_part[j]]
    supernodes, max_domain, chips = layout[1], layout[7], layout[8]
    for i in range(n):
        if kind[i] == 1:
            _finish_cabinet(unit[i], footprint[i], overhead[i], limit_w[i], role_column[i], layout)
        elif kind[i] == 2:
            unit[i, supernodes] += 1.0
            if unit[i, chips] > unit[i, max_domain]:
                unit[i, max_domain] = unit[i, chips]
        flags[i] |= node_flags[i]
        p = parent[i]
        if p >= 0:
            _add_into(unit, p, unit[i], float(count[i]), summed)
            flags[p] |= flags[i]
    return unit, flags
