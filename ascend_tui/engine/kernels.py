"""Jitted kernels: per-part weights and block counters up a post-order tree.

Blocks come in post-order (children before parents). A block that holds other blocks, and the
top block, has a row of its own (`slot` >= 0); a block that holds only parts (most cabinets and
servers) is worked out from its parts straight into its parent's row, so that a layout of a
million cabinets keeps a row per pod, not per cabinet. A count change recomputes the rows of the
changed block's ancestors from their children, with the same helpers in the same order as a full
run, so that the results are bit for bit those of a full run.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from ascend_tui.engine.jit import helper, kernel

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# The arrays that describe the tree and the parts, in the kernels' argument order.
TREE_SIGNATURE = (
    "int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], "  # parent count slot kind scaleup role
    "int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], "  # leaf_start leaf_end kid_start kid_end bits
    "float64[::1], float64[::1], float64[::1], float64[::1], "  # overhead footprint limit_w capacity_w
    "int64[::1], int64[::1], int64[::1], "  # kids leaf_part leaf_count
    "float64[:, ::1], float64[::1], float64[::1], "  # part_power (3, P), part_chip, part_scaleup
    "float64[:, ::1], int64[::1], int64[::1]"  # rows, flags (outputs), layout
)
CABINET, SERVER, SUPERNODE, POD = 3, 4, 2, 1  # kind codes, as columns.KIND_CODE


@helper
def _own_counters(
    i: int,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    power: float,
    power_low: float,
    power_high: float,
    chips: float,
    scaleup_gbps: float,
    dst: Floats,
    times: float,
    layout: Ints,
) -> None:
    """Add block i's own counters (times `times`) into the row `dst`: what it is, and for a
    cabinet its footprint and its power (with the low and high ends of its estimate ranges)
    against its cooling limit and power capacity. Counters sit where columns.layout says:
    layout[2 + k] is the position of columns.LAYOUT_NAMES[k]."""
    if kind[i] == CABINET:
        cabinets, roles, area, cabinet_power = layout[2], layout[3], layout[8], layout[9]
        over_cooling, over_capacity, capacity, top = layout[10], layout[11], layout[12], layout[15]
        dst[cabinets] += times
        dst[roles + role[i]] += times
        dst[area] += times * footprint[i]
        dst[cabinet_power] += times * power
        if power > limit_w[i]:
            dst[over_cooling] += times
        if capacity_w[i] > 0.0:
            dst[capacity] += times * capacity_w[i]
            if power > capacity_w[i]:
                dst[over_capacity] += times
        dst[top] = max(dst[top], power)
        dst[top + 1] = max(dst[top + 1], power_low)
        dst[top + 2] = max(dst[top + 2], power_high)
    elif kind[i] == SERVER:
        dst[layout[4]] += times
    elif kind[i] == SUPERNODE:
        dst[layout[5]] += times
    elif kind[i] == POD:
        dst[layout[6]] += times
    if scaleup[i] == 1:
        domains, domain_chips, domain_scaleup = layout[7], layout[13], layout[14]
        dst[domains] += times
        dst[domain_chips] = max(dst[domain_chips], chips)
        dst[domain_scaleup] = max(dst[domain_scaleup], scaleup_gbps)


@helper
def _add_parts_only(
    c: int,
    p_slot: int,
    times: float,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
) -> None:
    """Add `times` instances of block c, which holds only parts, into the row at `p_slot`."""
    parts = layout[0]
    factor = 1.0 + overhead[c]
    power = power_low = power_high = chips = scaleup_gbps = 0.0
    row = rows[p_slot]
    for j in range(leaf_start[c], leaf_end[c]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        row[q] += times * n
        row[parts + q] += times * (factor * n)
        power += n * part_power[0, q]
        power_low += n * part_power[1, q]
        power_high += n * part_power[2, q]
        chips += n * part_chip[q]
        scaleup_gbps += n * part_scaleup[q]
    _own_counters(
        c, kind, scaleup, role, footprint, limit_w, capacity_w, factor * power, factor * power_low,
        factor * power_high, chips, scaleup_gbps, row, times, layout,
    )  # fmt: skip
    flags[p_slot] |= bits[c]


@helper
def _finish(
    i: int,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    slot: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
) -> None:
    """Complete the row of block i once its children are in: its own parts, its overhead, and its
    own counters."""
    parts = layout[0]
    row = rows[slot[i]]
    for j in range(leaf_start[i], leaf_end[i]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        row[q] += n
        row[parts + q] += n
    if overhead[i] != 0.0:
        factor = 1.0 + overhead[i]
        for q in range(parts):
            row[parts + q] *= factor
    power = power_low = power_high = chips = scaleup_gbps = 0.0
    for q in range(parts):
        power += row[parts + q] * part_power[0, q]
        power_low += row[parts + q] * part_power[1, q]
        power_high += row[parts + q] * part_power[2, q]
        chips += row[q] * part_chip[q]
        scaleup_gbps += row[q] * part_scaleup[q]
    _own_counters(
        i, kind, scaleup, role, footprint, limit_w, capacity_w, power, power_low, power_high, chips,
        scaleup_gbps, row, 1.0, layout,
    )  # fmt: skip
    flags[slot[i]] |= bits[i]


@helper
def _add_row(c_slot: int, p_slot: int, times: float, rows: Floats, flags: Ints, layout: Ints) -> None:
    """rows[p] += times × rows[c] for the summed columns; the maxima take the larger value."""
    summed, end = layout[-2], layout[-1]
    src = rows[c_slot]
    dst = rows[p_slot]
    for k in range(summed):  # branch-free, so that LLVM vectorises it
        dst[k] += times * src[k]
    for k in range(summed, end):
        if src[k] > dst[k]:
            dst[k] = src[k]
    flags[p_slot] |= flags[c_slot]


@kernel(f"void({TREE_SIGNATURE})")
def accumulate(
    parent: Ints,
    count: Ints,
    slot: Ints,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    kid_start: Ints,
    kid_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
) -> None:
    """Fill `rows` and `flags` (one per block with a slot, overwritten) for the whole tree."""
    rows[:, :] = 0.0
    flags[:] = 0
    for i in range(parent.shape[0]):
        p = parent[i]
        if slot[i] < 0:
            _add_parts_only(
                i, slot[p], float(count[i]), kind, scaleup, role, leaf_start, leaf_end, bits, overhead,
                footprint, limit_w, capacity_w, leaf_part, leaf_count, part_power, part_chip,
                part_scaleup, rows, flags, layout,
            )  # fmt: skip
            continue
        _finish(
            i, kind, scaleup, role, slot, leaf_start, leaf_end, bits, overhead, footprint, limit_w,
            capacity_w, leaf_part, leaf_count, part_power, part_chip, part_scaleup, rows, flags, layout,
        )  # fmt: skip
        if p >= 0:
            _add_row(slot[i], slot[p], float(count[i]), rows, flags, layout)


@kernel(f"void({TREE_SIGNATURE}, int64[::1])")
def recompute(
    parent: Ints,
    count: Ints,
    slot: Ints,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    kid_start: Ints,
    kid_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
    blocks: Ints,
) -> None:
    """Recompute the rows of `blocks` (blocks with a slot, children before parents) from their
    children's rows and parts, as `accumulate` would."""
    for b in range(blocks.shape[0]):
        i = blocks[b]
        s = slot[i]
        rows[s, :] = 0.0
        flags[s] = 0
        for k in range(kid_start[i], kid_end[i]):
            c = kids[k]
            if slot[c] < 0:
                _add_parts_only(
                    c, s, float(count[c]), kind, scaleup, role, leaf_start, leaf_end, bits, overhead,
                    footprint, limit_w, capacity_w, leaf_part, leaf_count, part_power, part_chip,
                    part_scaleup, rows, flags, layout,
                )  # fmt: skip
            else:
                _add_row(slot[c], s, float(count[c]), rows, flags, layout)
        _finish(
            i, kind, scaleup, role, slot, leaf_start, leaf_end, bits, overhead, footprint, limit_w,
            capacity_w, leaf_part, leaf_count, part_power, part_chip, part_scaleup, rows, flags, layout,
        )  # fmt: skip


@kernel(f"void({TREE_SIGNATURE}, int64[::1], float64[:, ::1], int64[::1])")
def block_rows(
    parent: Ints,
    count: Ints,
    slot: Ints,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    kid_start: Ints,
    kid_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
    blocks: Ints,
    out: Floats,
    out_flags: Ints,
) -> None:
    """The row and estimate flags of one instance of each of `blocks`, into `out` and
    `out_flags`, whether the block has a row of its own or holds only parts."""
    for b in range(blocks.shape[0]):
        i = blocks[b]
        if slot[i] >= 0:
            out[b, :] = rows[slot[i]]
            out_flags[b] = flags[slot[i]]
            continue
        out[b, :] = 0.0
        out_flags[b] = 0
        _add_parts_only(
            i, b, 1.0, kind, scaleup, role, leaf_start, leaf_end, bits, overhead, footprint,
            limit_w, capacity_w, leaf_part, leaf_count, part_power, part_chip, part_scaleup,
            out, out_flags, layout,
        )  # fmt: skip


@kernel(f"void({TREE_SIGNATURE}, float64[::1])")
def cabinet_powers(
    parent: Ints,
    count: Ints,
    slot: Ints,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    kid_start: Ints,
    kid_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_power: Floats,
    part_chip: Floats,
    part_scaleup: Floats,
    rows: Floats,
    flags: Ints,
    layout: Ints,
    out: Floats,
) -> None:
    """The power of one instance of every cabinet into `out` (by block; other blocks get -1)."""
    parts = layout[0]
    for i in range(parent.shape[0]):
        if kind[i] != CABINET:
            out[i] = -1.0
        elif slot[i] >= 0:
            power = 0.0
            for q in range(parts):
                power += rows[slot[i], parts + q] * part_power[0, q]
            out[i] = power
        else:
            power = 0.0
            for j in range(leaf_start[i], leaf_end[i]):
                power += float(leaf_count[j]) * part_power[0, leaf_part[j]]
            out[i] = (1.0 + overhead[i]) * power
