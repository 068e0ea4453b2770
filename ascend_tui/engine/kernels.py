"""Kernels: per-part weights, block counters and derived fabrics, up a post-order tree.

Blocks come in post-order (children before parents). A block that holds other blocks, states a
fabric, or is the top block has a row of its own (`slot` >= 0); a block that holds only parts
(most cabinets and servers) is worked out from its parts straight into its parent's row, so that
a layout of a million cabinets keeps a row per pod, not per cabinet. A row is
[count of each part (P) | power-weighted count of each part (P) | counters], the power weight
being the count times (1 + overhead) of every block between the part and the row's block.

A count change recomputes the rows of the changed block's ancestors from their children, with the
same helpers in the same order as a full run, so that the results are bit for bit a full run's.

The layout constants live here, beside the code that reads them, so that a compiled kernel in
Numba's cache can never disagree with them (Numba re-validates a cache against this file only).
Everything here runs as plain Python too (engine/jit.py).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ascend_tui.engine.jit import helper, kernel

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]

# Block counters, after the 2P part weights of a row: the summed ones first, then the maxima.
SUMMED = (
    "cabinets",
    "compute_cabinets",  # the cabinet roles follow in model.design.CABINET_ROLES order
    "network_cabinets",
    "storage_cabinets",
    "infrastructure_cabinets",
    "servers",
    "supernodes",
    "pods",
    "scaleup_domains",
    "footprint_m2",
    "cabinet_power_w",
    "cabinets_over_cooling_limit",
    "cabinets_over_power_capacity",
    "power_capacity_w",
    "fabric_problems",
)
MAXED = (
    "max_domain_chips",
    "max_domain_scaleup_gbps",
    "max_domain_scaleup_gbps_low",
    "max_domain_scaleup_gbps_high",
    "max_cabinet_w",
    "max_cabinet_w_low",
    "max_cabinet_w_high",
    "max_bisection_gbit",
)
COUNTERS = SUMMED + MAXED
(
    CABINETS,
    COMPUTE_CABINETS,
    NETWORK_CABINETS,
    _STORAGE_CABINETS,
    _INFRASTRUCTURE_CABINETS,
    SERVERS,
    SUPERNODES,
    PODS,
    DOMAINS,
    FOOTPRINT,
    CABINET_POWER,
    OVER_COOLING,
    OVER_CAPACITY,
    CAPACITY,
    FABRIC_PROBLEMS,
    DOMAIN_CHIPS,
    DOMAIN_SCALEUP,
    DOMAIN_SCALEUP_LOW,
    DOMAIN_SCALEUP_HIGH,
    MAX_CABINET,
    MAX_CABINET_LOW,
    MAX_CABINET_HIGH,
    BISECTION,
) = range(len(COUNTERS))

# Block kinds, as model.design.BLOCK_KINDS orders them.
CLUSTER, POD, SUPERNODE, CABINET, SERVER = range(5)

# Rows of the per-part array: maximum power and scale-up GB/s both ways (each as value, low and
# high), 1 for an accelerator, NIC ports.
(
    PART_POWER,
    PART_POWER_LOW,
    PART_POWER_HIGH,
    PART_SCALEUP,
    PART_SCALEUP_LOW,
    PART_SCALEUP_HIGH,
    PART_CHIP,
    PART_NIC_PORTS,
) = range(8)
PART_INFO = 8

# Fabric parameters, one row per fabric (part indices are -1 where a fabric names no such part).
FABRIC_PARAMS = (
    "block",
    "kind",
    "planes",
    "links_per_chip",
    "tiers",
    "radix1",
    "radix2",
    "oversubscription1",
    "oversubscription2",
    "nics_per_chip",
    "nic_ports",
    "link_gbps",
    "tier1_in_network",
    "tier1_cabled",
    "mesh_optical",
    "switch1",
    "switch2",
    "nic",
    "transceiver",
    "cable",
    "cabinet_switches",
    "cabinet_footprint_m2",
    "cabinet_overhead",
    "cabinet_limit_w",
)
(
    F_BLOCK,
    F_KIND,
    F_PLANES,
    F_LINKS,
    F_TIERS,
    F_RADIX1,
    F_RADIX2,
    F_OVER1,
    F_OVER2,
    F_NICS_PER_CHIP,
    F_NIC_PORTS,
    F_LINK_GBPS,
    F_TIER1_NETWORK,
    F_TIER1_CABLED,
    F_MESH_OPTICAL,
    F_SWITCH1,
    F_SWITCH2,
    F_NIC,
    F_TRANSCEIVER,
    F_CABLE,
    F_CAB_SWITCHES,
    F_CAB_FOOTPRINT,
    F_CAB_OVERHEAD,
    F_CAB_LIMIT,
) = range(len(FABRIC_PARAMS))
SCALEUP_SWITCHED, SCALEUP_MESH, SCALEOUT_FAT_TREE = range(3)

# What a fabric derives for one instance of its block.
FABRIC_OUTPUTS = (
    "feasible",
    "endpoints",
    "max_endpoints",
    "tier1_switches",
    "tier2_switches",
    "tier3_switches",
    "switch_links",
    "endpoint_links",
    "optical_links",
    "copper_links",
    "transceivers",
    "cables",
    "nics",
    "network_cabinets",
    "bisection_gbit",
    "hops",
)
(
    O_FEASIBLE,
    O_ENDPOINTS,
    O_MAX_ENDPOINTS,
    O_TIER1,
    O_TIER2,
    O_TIER3,
    O_SWITCH_LINKS,
    O_ENDPOINT_LINKS,
    O_OPTICAL,
    O_COPPER,
    O_TRANSCEIVERS,
    O_CABLES,
    O_NICS,
    O_NETWORK_CABINETS,
    O_BISECTION,
    O_HOPS,
) = range(len(FABRIC_OUTPUTS))

# The arrays that describe the tree, the parts and the fabrics, in the kernels' argument order.
TREE_SIGNATURE = (
    # parent count slot kind scaleup role
    "int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], "
    "int64[::1], int64[::1], int64[::1], int64[::1], "  # leaf_start leaf_end kid_start kid_end
    "int64[::1], int64[::1], int64[::1], "  # fabric_start fabric_end bits
    "float64[::1], float64[::1], float64[::1], float64[::1], "  # overhead footprint limit_w capacity_w
    "int64[::1], int64[::1], int64[::1], "  # kids leaf_part leaf_count
    "float64[:, ::1], float64[:, ::1], "  # part_info (PART_INFO, P), fabrics (F, FABRIC_PARAMS)
    "float64[:, ::1], int64[::1], float64[:, ::1]"  # outputs: rows, flags, fabric_out
)


def row_width(parts: int) -> int:
    """The length of a row for a design with `parts` distinct parts."""
    return 2 * parts + len(COUNTERS)


@helper
def _ceil_div(a: float, b: float) -> float:
    """⌈a / b⌉ for positive whole or fractional b, exact when a / b is a whole number."""
    if b <= 0.0:
        return 0.0
    q = a / b
    r = float(round(q))
    if abs(q - r) <= 1e-9 * max(1.0, r):
        return r
    return float(math.ceil(q))


@helper
def _uplinks(links: float, down: float, over: float) -> float:
    """The uplinks of the switches that `links` fill `down` at a time, each with one uplink per
    `over` links below it (the last switch may be partly filled)."""
    full = math.floor(links / down)
    rest = links - full * down
    return full * _ceil_div(down, over) + _ceil_div(rest, over)


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
    scaleup_low: float,
    scaleup_high: float,
    dst: Floats,
    base: int,
    times: float,
) -> None:
    """Add block i's own counters (times `times`) into the row `dst`, whose counters start at
    `base`: what it is, and for a cabinet its footprint and its power (with the low and high ends
    of its estimate ranges) against its cooling limit and power capacity."""
    if kind[i] == CABINET:
        dst[base + CABINETS] += times
        dst[base + COMPUTE_CABINETS + role[i]] += times
        dst[base + FOOTPRINT] += times * footprint[i]
        dst[base + CABINET_POWER] += times * power
        if power > limit_w[i]:
            dst[base + OVER_COOLING] += times
        if capacity_w[i] > 0.0:
            dst[base + CAPACITY] += times * capacity_w[i]
            if power > capacity_w[i]:
                dst[base + OVER_CAPACITY] += times
        dst[base + MAX_CABINET] = max(dst[base + MAX_CABINET], power)
        dst[base + MAX_CABINET_LOW] = max(dst[base + MAX_CABINET_LOW], power_low)
        dst[base + MAX_CABINET_HIGH] = max(dst[base + MAX_CABINET_HIGH], power_high)
    elif kind[i] == SERVER:
        dst[base + SERVERS] += times
    elif kind[i] == SUPERNODE:
        dst[base + SUPERNODES] += times
    elif kind[i] == POD:
        dst[base + PODS] += times
    if scaleup[i] == 1:
        dst[base + DOMAINS] += times
        dst[base + DOMAIN_CHIPS] = max(dst[base + DOMAIN_CHIPS], chips)
        dst[base + DOMAIN_SCALEUP] = max(dst[base + DOMAIN_SCALEUP], scaleup_gbps)
        dst[base + DOMAIN_SCALEUP_LOW] = max(dst[base + DOMAIN_SCALEUP_LOW], scaleup_low)
        dst[base + DOMAIN_SCALEUP_HIGH] = max(dst[base + DOMAIN_SCALEUP_HIGH], scaleup_high)


@helper
def _add_derived(row: Floats, parts: int, q: float, n: float, factor: float) -> None:
    """Add `n` of derived part `q` (-1: none) with power weight `factor` each."""
    if q >= 0.0 and n > 0.0:
        j = int(q)
        row[j] += n
        row[parts + j] += n * factor


@helper
def _derive_fabric(f: int, fabrics: Floats, part_info: Floats, row: Floats, out: Floats, parts: int) -> None:
    """Derive fabric f of a block from what the block holds (its row so far): switches per tier,
    links by medium, transceivers, cables, NICs and the network cabinets the switches fill. The
    derived parts and cabinets are added to the row; what was derived goes to out[f]."""
    p = fabrics[f]
    chips = 0.0
    typed_ports = 0.0
    for q in range(parts):
        chips += row[q] * part_info[PART_CHIP, q]
        typed_ports += row[q] * part_info[PART_NIC_PORTS, q]
    planes = p[F_PLANES]
    tier1 = tier2 = tier3 = switch_links = optical = copper = nics = 0.0
    bisection = hops = 0.0
    feasible = 1.0
    network_switches = 0.0  # those that stand in network cabinets
    if p[F_KIND] == SCALEUP_MESH:
        endpoints = chips * p[F_LINKS]
        links = endpoints / 2.0
        max_endpoints = endpoints
        if p[F_MESH_OPTICAL] > 0.0:
            optical = links
        else:
            copper = links
        hops = 1.0
    elif p[F_KIND] == SCALEUP_SWITCHED:
        endpoints = chips * p[F_LINKS]
        per_plane = endpoints / planes
        k1 = p[F_RADIX1]
        if p[F_TIERS] == 1.0:
            switches = _ceil_div(per_plane, k1)
            tier1 = planes * switches
            # every chip needs a link to every switch of a plane, and each switch a port per chip
            if chips > k1 or p[F_LINKS] / planes < switches:
                feasible = 0.0
            max_endpoints = k1 * p[F_LINKS]
            hops = 1.0
        else:
            over = p[F_OVER1]
            down = math.floor(k1 * over / (1.0 + over))
            leaves = _ceil_div(per_plane, down)
            uplinks = _uplinks(per_plane, down, over)
            k2 = p[F_RADIX2]
            spines = _ceil_div(uplinks, k2)
            tier1, tier2, switch_links = planes * leaves, planes * spines, planes * uplinks
            if leaves > k2:  # each spine reaches every leaf of its plane
                feasible = 0.0
            max_endpoints = planes * k2 * down
            network_switches = tier2
            hops = 3.0
        if p[F_TIER1_NETWORK] > 0.0:
            optical = endpoints
            network_switches += tier1
        elif p[F_TIER1_CABLED] > 0.0:
            copper = endpoints
        optical += switch_links
    else:  # a scale-out fat tree
        nics = chips * p[F_NICS_PER_CHIP]
        endpoints = typed_ports + nics * p[F_NIC_PORTS]
        per_plane = endpoints / planes
        k = p[F_RADIX1]
        over1 = p[F_OVER1]
        down1 = math.floor(k * over1 / (1.0 + over1))
        leaves = _ceil_div(per_plane, down1)
        up1 = _uplinks(per_plane, down1, over1)
        worst = over1
        if p[F_TIERS] == 2.0:
            spines = _ceil_div(up1, k)
            tier1, tier2, switch_links = planes * leaves, planes * spines, planes * up1
            max_endpoints = planes * k * down1
            if leaves > k:
                feasible = 0.0
            network_switches = tier2
            hops = 3.0
        else:
            over2 = p[F_OVER2]
            down2 = math.floor(k * over2 / (1.0 + over2))
            aggregation = _ceil_div(up1, down2)
            up2 = _uplinks(up1, down2, over2)
            cores = _ceil_div(up2, k)
            tier1, tier2, tier3 = planes * leaves, planes * aggregation, planes * cores
            switch_links = planes * (up1 + up2)
            max_endpoints = planes * down1 * down2 * k
            if per_plane > down1 * down2 * k:
                feasible = 0.0
            network_switches = tier2 + tier3
            worst = max(over1, over2)
            hops = 5.0
        if p[F_TIER1_NETWORK] > 0.0:
            optical = endpoints
            network_switches += tier1
        else:
            copper = endpoints
        optical += switch_links
        bisection = endpoints * p[F_LINK_GBPS] / 2.0 / worst
    transceivers = 2.0 * optical if p[F_TRANSCEIVER] >= 0.0 else 0.0
    cables = copper if p[F_CABLE] >= 0.0 else 0.0
    cabinet_factor = 1.0 + p[F_CAB_OVERHEAD]
    in_block = tier1 + tier2 + tier3 - network_switches
    if p[F_SWITCH2] >= 0.0:  # tier 2 is another switch model (tier 2 always in network cabinets)
        _add_derived(row, parts, p[F_SWITCH1], tier1, cabinet_factor if p[F_TIER1_NETWORK] > 0.0 else 1.0)
        _add_derived(row, parts, p[F_SWITCH2], tier2 + tier3, cabinet_factor)
    else:
        _add_derived(row, parts, p[F_SWITCH1], in_block, 1.0)
        _add_derived(row, parts, p[F_SWITCH1], network_switches, cabinet_factor)
    _add_derived(row, parts, p[F_NIC], nics, 1.0)
    _add_derived(row, parts, p[F_TRANSCEIVER], transceivers, 1.0)
    _add_derived(row, parts, p[F_CABLE], cables, 1.0)
    cabinets = _ceil_div(network_switches, p[F_CAB_SWITCHES])
    if cabinets > 0.0:
        top = p[F_SWITCH2] if p[F_SWITCH2] >= 0.0 else p[F_SWITCH1]
        per_cabinet = min(p[F_CAB_SWITCHES], network_switches) * cabinet_factor
        base = 2 * parts
        row[base + CABINETS] += cabinets
        row[base + NETWORK_CABINETS] += cabinets
        row[base + FOOTPRINT] += cabinets * p[F_CAB_FOOTPRINT]
        row[base + CABINET_POWER] += network_switches * cabinet_factor * part_info[PART_POWER, int(top)]
        fullest = per_cabinet * part_info[PART_POWER, int(top)]
        if fullest > p[F_CAB_LIMIT]:
            row[base + OVER_COOLING] += cabinets
        row[base + MAX_CABINET] = max(row[base + MAX_CABINET], fullest)
        row[base + MAX_CABINET_LOW] = max(
            row[base + MAX_CABINET_LOW], per_cabinet * part_info[PART_POWER_LOW, int(top)]
        )
        row[base + MAX_CABINET_HIGH] = max(
            row[base + MAX_CABINET_HIGH], per_cabinet * part_info[PART_POWER_HIGH, int(top)]
        )
    base = 2 * parts
    row[base + FABRIC_PROBLEMS] += 1.0 - feasible
    row[base + BISECTION] = max(row[base + BISECTION], bisection)
    o = out[f]
    o[O_FEASIBLE] = feasible
    o[O_ENDPOINTS] = endpoints
    o[O_MAX_ENDPOINTS] = max_endpoints
    o[O_TIER1] = tier1
    o[O_TIER2] = tier2
    o[O_TIER3] = tier3
    o[O_SWITCH_LINKS] = switch_links
    o[O_ENDPOINT_LINKS] = endpoints
    o[O_OPTICAL] = optical
    o[O_COPPER] = copper
    o[O_TRANSCEIVERS] = transceivers
    o[O_CABLES] = cables
    o[O_NICS] = nics
    o[O_NETWORK_CABINETS] = cabinets
    o[O_BISECTION] = bisection
    o[O_HOPS] = hops


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
    part_info: Floats,
    rows: Floats,
    flags: Ints,
) -> None:
    """Add `times` instances of block c, which holds only parts, into the row at `p_slot`."""
    parts = part_info.shape[1]
    factor = 1.0 + overhead[c]
    power = power_low = power_high = chips = scaleup_gbps = scaleup_low = scaleup_high = 0.0
    row = rows[p_slot]
    for j in range(leaf_start[c], leaf_end[c]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        row[q] += times * n
        row[parts + q] += times * (factor * n)
        power += n * part_info[PART_POWER, q]
        power_low += n * part_info[PART_POWER_LOW, q]
        power_high += n * part_info[PART_POWER_HIGH, q]
        chips += n * part_info[PART_CHIP, q]
        scaleup_gbps += n * part_info[PART_SCALEUP, q]
        scaleup_low += n * part_info[PART_SCALEUP_LOW, q]
        scaleup_high += n * part_info[PART_SCALEUP_HIGH, q]
    _own_counters(
        c, kind, scaleup, role, footprint, limit_w, capacity_w, factor * power, factor * power_low,
        factor * power_high, chips, scaleup_gbps, scaleup_low, scaleup_high, row, 2 * parts, times,
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
    fabric_start: Ints,
    fabric_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
) -> None:
    """Complete the row of block i once its children are in: its own parts, its fabrics, its
    overhead, and its own counters."""
    parts = part_info.shape[1]
    row = rows[slot[i]]
    for j in range(leaf_start[i], leaf_end[i]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        row[q] += n
        row[parts + q] += n
    for f in range(fabric_start[i], fabric_end[i]):
        _derive_fabric(f, fabrics, part_info, row, fabric_out, parts)
    if overhead[i] != 0.0:
        factor = 1.0 + overhead[i]
        for q in range(parts):
            row[parts + q] *= factor
    power = power_low = power_high = chips = scaleup_gbps = scaleup_low = scaleup_high = 0.0
    for q in range(parts):
        power += row[parts + q] * part_info[PART_POWER, q]
        power_low += row[parts + q] * part_info[PART_POWER_LOW, q]
        power_high += row[parts + q] * part_info[PART_POWER_HIGH, q]
        chips += row[q] * part_info[PART_CHIP, q]
        scaleup_gbps += row[q] * part_info[PART_SCALEUP, q]
        scaleup_low += row[q] * part_info[PART_SCALEUP_LOW, q]
        scaleup_high += row[q] * part_info[PART_SCALEUP_HIGH, q]
    _own_counters(
        i, kind, scaleup, role, footprint, limit_w, capacity_w, power, power_low, power_high, chips,
        scaleup_gbps, scaleup_low, scaleup_high, row, 2 * parts, 1.0,
    )  # fmt: skip
    flags[slot[i]] |= bits[i]


@helper
def _add_row(c_slot: int, p_slot: int, times: float, rows: Floats, flags: Ints, parts: int) -> None:
    """rows[p] += times × rows[c] for the summed columns; the maxima take the larger value."""
    summed = 2 * parts + len(SUMMED)
    src = rows[c_slot]
    dst = rows[p_slot]
    for k in range(summed):  # branch-free, so that LLVM vectorises it
        dst[k] += times * src[k]
    for k in range(summed, src.shape[0]):
        dst[k] = max(dst[k], src[k])
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
    fabric_start: Ints,
    fabric_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
) -> None:
    """Fill `rows`, `flags` and `fabric_out` (overwritten) for the whole tree."""
    rows[:, :] = 0.0
    flags[:] = 0
    parts = part_info.shape[1]
    for i in range(parent.shape[0]):
        p = parent[i]
        if slot[i] < 0:
            _add_parts_only(
                i, slot[p], float(count[i]), kind, scaleup, role, leaf_start, leaf_end, bits, overhead,
                footprint, limit_w, capacity_w, leaf_part, leaf_count, part_info, rows, flags,
            )  # fmt: skip
            continue
        _finish(
            i, kind, scaleup, role, slot, leaf_start, leaf_end, fabric_start, fabric_end, bits,
            overhead, footprint, limit_w, capacity_w, leaf_part, leaf_count, part_info, fabrics, rows,
            flags, fabric_out,
        )  # fmt: skip
        if p >= 0:
            _add_row(slot[i], slot[p], float(count[i]), rows, flags, parts)


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
    fabric_start: Ints,
    fabric_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    blocks: Ints,
) -> None:
    """Recompute the rows of `blocks` (blocks with a slot, children before parents) from their
    children's rows and parts, as `accumulate` would."""
    parts = part_info.shape[1]
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
                    footprint, limit_w, capacity_w, leaf_part, leaf_count, part_info, rows, flags,
                )  # fmt: skip
            else:
                _add_row(slot[c], s, float(count[c]), rows, flags, parts)
        _finish(
            i, kind, scaleup, role, slot, leaf_start, leaf_end, fabric_start, fabric_end, bits,
            overhead, footprint, limit_w, capacity_w, leaf_part, leaf_count, part_info, fabrics, rows,
            flags, fabric_out,
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
    fabric_start: Ints,
    fabric_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
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
            i, b, 1.0, kind, scaleup, role, leaf_start, leaf_end, bits, overhead, footprint, limit_w,
            capacity_w, leaf_part, leaf_count, part_info, out, out_flags,
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
    fabric_start: Ints,
    fabric_end: Ints,
    bits: Ints,
    overhead: Floats,
    footprint: Floats,
    limit_w: Floats,
    capacity_w: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    out: Floats,
) -> None:
    """The power of one instance of every cabinet into `out` (by block; other blocks get -1)."""
    parts = part_info.shape[1]
    for i in range(parent.shape[0]):
        if kind[i] != CABINET:
            out[i] = -1.0
        elif slot[i] >= 0:
            power = 0.0
            for q in range(parts):
                power += rows[slot[i], parts + q] * part_info[PART_POWER, q]
            out[i] = power
        else:
            power = 0.0
            for j in range(leaf_start[i], leaf_end[i]):
                power += float(leaf_count[j]) * part_info[PART_POWER, leaf_part[j]]
            out[i] = (1.0 + overhead[i]) * power
