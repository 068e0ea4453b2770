"""Kernels: per-part weights, block counters and derived fabrics, up a post-order tree.

Blocks come in post-order (children before parents). A block that holds other blocks, states a
fabric, or is the top block has a row of its own (`slot` >= 0); a block that holds only parts
(most cabinets and servers) is worked out from its parts straight into its parent's row, so that
a layout of a million cabinets keeps a row per pod, not per cabinet. A row is
[count of each part (P) | power-weighted count of each part (P) | counters], the power weight
being the count times (1 + overhead) of every block between the part and the row's block.

A full run works out each row from its children, children before parents; a block with many
children adds them up in groups of GROUP, each in a row of its own, and then the groups. A count
change recomputes the rows of the changed block's ancestors the same way, re-adding only the
group the change is in and then the groups, so that the results are bit for bit a full run's.

The layout constants live here, beside the code that reads them, so that a compiled kernel in
Numba's cache can never disagree with them (Numba re-validates a cache against this file only).
Everything here runs as plain Python too (engine/jit.py).
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt

from ascend_tui.engine.jit import helper, kernel, prange
from ascend_tui.model.facility import HOURS_PER_YEAR

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
    "cabinet_price_usd",  # the cabinets' own hardware, with the low and high ends of its range
    "cabinet_price_usd_low",
    "cabinet_price_usd_high",
    "server_price_usd",  # the servers' own hardware beyond the parts they list
    "server_price_usd_low",
    "server_price_usd_high",
    "block_weight_kg",  # what the blocks weigh beyond their parts (the parts' weights are a sum)
    "block_weight_kg_low",
    "block_weight_kg_high",
    "liquid_power_w",  # the power of liquid-cooled cabinets
    "liquid_power_w_low",
    "liquid_power_w_high",
    "cabinets_over_floor_rating",
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
    "max_floor_load",  # the heaviest cabinet's weight per m² of its footprint
    "max_floor_load_low",
    "max_floor_load_high",
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
    CABINET_PRICE,
    _CABINET_PRICE_LOW,
    _CABINET_PRICE_HIGH,
    SERVER_PRICE,
    _SERVER_PRICE_LOW,
    _SERVER_PRICE_HIGH,
    WEIGHT,
    _WEIGHT_LOW,
    _WEIGHT_HIGH,
    LIQUID_POWER,
    _LIQUID_POWER_LOW,
    _LIQUID_POWER_HIGH,
    OVER_FLOOR,
    DOMAIN_CHIPS,
    DOMAIN_SCALEUP,
    DOMAIN_SCALEUP_LOW,
    DOMAIN_SCALEUP_HIGH,
    MAX_CABINET,
    MAX_CABINET_LOW,
    MAX_CABINET_HIGH,
    BISECTION,
    MAX_FLOOR_LOAD,
    _MAX_FLOOR_LOAD_LOW,
    _MAX_FLOOR_LOAD_HIGH,
) = range(len(COUNTERS))

# Block kinds, as model.design.BLOCK_KINDS orders them.
CLUSTER, POD, SUPERNODE, CABINET, SERVER = range(5)

# Rows of the per-part array: maximum power and scale-up GB/s both ways (each as value, low and
# high), 1 for an accelerator, NIC ports, weight (value, low, high).
(
    PART_POWER,
    PART_POWER_LOW,
    PART_POWER_HIGH,
    PART_SCALEUP,
    PART_SCALEUP_LOW,
    PART_SCALEUP_HIGH,
    PART_CHIP,
    PART_NIC_PORTS,
    PART_WEIGHT,
    PART_WEIGHT_LOW,
    PART_WEIGHT_HIGH,
) = range(11)
PART_INFO = 11

# Columns of the per-block array of properties. A cabinet's or server's price and weight are its
# own (the price beyond its parts; the weight of an empty one, or with `weight_stated` what it
# weighs with everything in it); floor rating and liquid cooling mean something for cabinets.
BLOCK_PROPS = (
    "overhead",
    "footprint_m2",
    "limit_w",
    "capacity_w",
    "price",
    "price_low",
    "price_high",
    "weight",
    "weight_low",
    "weight_high",
    "weight_stated",
    "floor_rating",
    "liquid",
)
(
    B_OVERHEAD,
    B_FOOTPRINT,
    B_LIMIT,
    B_CAPACITY,
    B_PRICE,
    B_PRICE_LOW,
    B_PRICE_HIGH,
    B_WEIGHT,
    B_WEIGHT_LOW,
    B_WEIGHT_HIGH,
    B_WEIGHT_STATED,
    B_FLOOR_RATING,
    B_LIQUID,
) = range(len(BLOCK_PROPS))

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
    "cabinet_price",
    "cabinet_price_low",
    "cabinet_price_high",
    "cabinet_weight",
    "cabinet_weight_low",
    "cabinet_weight_high",
    "cabinet_liquid",
    "floor_rating",
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
    F_CAB_PRICE,
    _F_CAB_PRICE_LOW,
    _F_CAB_PRICE_HIGH,
    F_CAB_WEIGHT,
    _F_CAB_WEIGHT_LOW,
    _F_CAB_WEIGHT_HIGH,
    F_CAB_LIQUID,
    F_FLOOR_RATING,
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

# A block with more than GROUP children adds them up GROUP at a time, each group in a row of its
# own after the blocks' rows, and then the groups in order: a count edit under a cluster of 10,000
# pods adds up one group and the groups again, not 10,000 rows, and gets the bits of a full run,
# which adds in the same order. `via` of a recomputed block names the child whose group changed,
# or one of these.
GROUP = 128
NO_CHILD, EVERY_CHILD = -1, -2

# Working space of the helpers, reused across blocks rather than allocated per block: a block's
# power, scale-up GB/s, the weight of what it holds and its own weight, each as value, low, high.
SCRATCH = (4, 3)

# The arrays that describe the tree, the parts and the fabrics, in the kernels' argument order.
TREE_SIGNATURE = (
    # parent count slot kind scaleup role
    "int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], "
    "int64[::1], int64[::1], int64[::1], int64[::1], "  # leaf_start leaf_end kid_start kid_end
    "int64[::1], int64[::1], int64[::1], "  # fabric_start fabric_end bits
    "float64[:, ::1], "  # props (B, BLOCK_PROPS)
    "int64[::1], int64[::1], int64[::1], "  # kids leaf_part leaf_count
    "float64[:, ::1], float64[:, ::1], "  # part_info (PART_INFO, P), fabrics (F, FABRIC_PARAMS)
    "int64[::1], "  # groups (per row)
    "float64[:, ::1], int64[::1], float64[:, ::1]"  # outputs: rows, flags, fabric_out
)


# The facility chain (engine/facility.py says what it is): its settings in model.facility.SETTINGS
# order, each as (value, low, high); the redundancy scheme as a code; what it reads of a result's
# sums and counters, and what it works out, in each plane.
CHAIN_SETTINGS = (
    "electricity_usd_per_kwh",
    "build_cost_usd_per_mw",
    "facility_years",
    "depreciation_years",
    "utilisation",
    "maintenance_share",
    "carbon_kg_per_kwh",
    "wue_l_per_kwh",
    "ups_loss",
    "distribution_loss",
    "air_cooling_kw_per_kw",
    "liquid_cooling_kw_per_kw",
    "liquid_heat_share",
    "redundancy_group",
    "floor_rating_kg_per_m2",
)
(
    S_ELECTRICITY,
    S_BUILD,
    S_FACILITY_YEARS,
    S_DEPRECIATION,
    S_UTILISATION,
    S_MAINTENANCE,
    S_CARBON,
    S_WUE,
    S_UPS_LOSS,
    S_DISTRIBUTION_LOSS,
    S_AIR_COOLING,
    S_LIQUID_COOLING,
    S_LIQUID_SHARE,
    S_GROUP,
    _S_FLOOR_RATING,
) = range(len(CHAIN_SETTINGS))
REDUNDANCY_N, REDUNDANCY_N1, REDUNDANCY_2N = range(3)  # model.facility.REDUNDANCY order
# The plant's CDU: capacity (W), then power and price, each as value, low, high.
CDU_CAPACITY, CDU_POWER, CDU_PRICE = 0, 1, 4
CHAIN_INPUTS = (
    "it_power_w",
    "liquid_power_w",
    "cooling_capacity_kw",
    "it_power_typical_w",
    "price_accelerators_usd",  # the capex categories with part kinds, in metrics.CAPEX_CATEGORIES order
    "price_cpus_servers_usd",
    "price_network_usd",
    "price_cooling_usd",
    "server_price_usd",
    "cabinet_price_usd",
    "chips",
    "fp8_tflops",
    "fp4_tflops",
    "bf16_tflops",
    "block_weight_kg",
    "parts_weight_kg",
)
(
    I_IT,
    I_LIQUID_CABINETS,
    I_CDU_CAPACITY,
    I_IT_TYPICAL,
    I_PRICE_ACCELERATORS,
    I_PRICE_CPUS_SERVERS,
    I_PRICE_NETWORK,
    I_PRICE_COOLING,
    I_SERVER_PRICE,
    I_CABINET_PRICE,
    I_CHIPS,
    I_FP8,
    I_FP4,
    I_BF16,
    I_BLOCK_WEIGHT,
    I_PARTS_WEIGHT,
) = range(len(CHAIN_INPUTS))
CHAIN_OUTPUTS = (
    "liquid_heat_w",
    "air_heat_w",
    "plant_cdus",
    "cooling_power_w",
    "losses_w",
    "pue_plant",
    "facility_power_w",
    "pue",
    "installed_power_w",
    "heat_rejected_w",
    "it_energy_kwh",
    "facility_energy_kwh",
    "capex_accelerators_usd",
    "capex_cpus_servers_usd",
    "capex_network_usd",
    "capex_cooling_usd",
    "capex_cabinets_usd",
    "capex_facility_usd",
    "system_capex_usd",
    "capex_usd",
    "energy_cost_usd",
    "maintenance_usd",
    "opex_usd",
    "annual_cost_usd",
    "tco_usd",
    "accelerator_hours",
    "fp8_pflop_years",
    "fp4_pflop_years",
    "bf16_pflop_years",
    "co2_kg",
    "water_l",
    "weight_kg",
)
(
    C_LIQUID_HEAT,
    C_AIR_HEAT,
    C_PLANT_CDUS,
    C_COOLING,
    C_LOSSES,
    C_PUE_PLANT,
    C_FACILITY,
    C_PUE,
    C_INSTALLED,
    C_HEAT_REJECTED,
    C_IT_ENERGY,
    C_FACILITY_ENERGY,
    C_CAPEX_ACCELERATORS,
    C_CAPEX_CPUS_SERVERS,
    C_CAPEX_NETWORK,
    C_CAPEX_COOLING,
    C_CAPEX_CABINETS,
    C_CAPEX_FACILITY,
    C_SYSTEM_CAPEX,
    C_CAPEX,
    C_ENERGY_COST,
    C_MAINTENANCE,
    C_OPEX,
    C_ANNUAL_COST,
    C_TCO,
    C_ACCELERATOR_HOURS,
    C_FP8_YEARS,
    C_FP4_YEARS,
    C_BF16_YEARS,
    C_CO2,
    C_WATER,
    C_WEIGHT,
) = range(len(CHAIN_OUTPUTS))


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
def _ceil(x: float) -> float:
    """⌈x⌉ as a float; a float from 2^52 up is whole already (and too large for an int64)."""
    if not abs(x) < 4.5e15:
        return x
    return float(math.ceil(x))


@helper
def _ratio(a: float, b: float) -> float:
    return a / b if b > 0.0 else math.nan


@helper
def work_out(
    settings: Floats, redundancy: int, stated_pue: float, cdu: Floats, sums: Floats, plane: int, out: Floats
) -> None:
    """The facility chain for one plane (0: value, 1: low, 2: high): from a result's sums in that
    plane (CHAIN_INPUTS) to what the site draws, the plant, the money, energy, carbon and water
    (CHAIN_OUTPUTS, into `out`). `settings` is (CHAIN_SETTINGS, 3); `stated_pue` is NaN unless the
    design states one. A setting read `up` makes a figure larger as it grows, one read `down`
    (a life) smaller: the low plane takes the low end of the first and the high end of the second."""
    down = plane if plane == 0 else 3 - plane
    it = sums[I_IT]
    group = settings[S_GROUP, 0]
    # The more heat the liquid takes, the less the air plant works: the costs' planes take the
    # share's ends the other way round from the heats' own.
    liquid_cabinets = sums[I_LIQUID_CABINETS]
    out[C_LIQUID_HEAT] = liquid_cabinets * settings[S_LIQUID_SHARE, plane]
    out[C_AIR_HEAT] = it - liquid_cabinets * settings[S_LIQUID_SHARE, down]
    liquid = liquid_cabinets * settings[S_LIQUID_SHARE, down]
    uncovered = max(0.0, liquid - sums[I_CDU_CAPACITY] * 1000.0)
    capacity = cdu[CDU_CAPACITY]
    needed = uncovered / capacity if capacity > 0.0 else 0.0
    whole = _ceil(needed) if math.isfinite(needed) else needed  # a total too large: refused later
    if redundancy == REDUNDANCY_2N:
        cdus = 2.0 * whole
    elif redundancy == REDUNDANCY_N1 and math.isfinite(whole):
        cdus = whole + _ceil(whole / group)  # one spare per started group
    else:
        cdus = whole
    out[C_PLANT_CDUS] = cdus
    # The CDUs' pumps draw in proportion to the heat they move (spares stand idle).
    pumps = uncovered * cdu[CDU_POWER + plane] / capacity if capacity > 0.0 else 0.0
    cooling = (
        (it - liquid) * settings[S_AIR_COOLING, plane] + liquid * settings[S_LIQUID_COOLING, plane] + pumps
    )
    out[C_COOLING] = cooling
    distribution = 1.0 - settings[S_DISTRIBUTION_LOSS, plane]
    drawn = it / ((1.0 - settings[S_UPS_LOSS, plane]) * distribution) + cooling / distribution
    out[C_LOSSES] = drawn - it - cooling
    out[C_PUE_PLANT] = _ratio(drawn, it)
    facility = drawn if math.isnan(stated_pue) else it * stated_pue
    out[C_FACILITY] = facility
    out[C_PUE] = _ratio(facility, it)
    if redundancy == REDUNDANCY_2N:
        out[C_INSTALLED] = facility * 2.0
    elif redundancy == REDUNDANCY_N1:
        out[C_INSTALLED] = facility * ((group + 1.0) / group)
    else:
        out[C_INSTALLED] = facility * 1.0
    out[C_HEAT_REJECTED] = it + pumps

    utilisation = settings[S_UTILISATION, plane]
    hours = HOURS_PER_YEAR * utilisation
    it_energy = sums[I_IT_TYPICAL] / 1000.0 * hours
    out[C_IT_ENERGY] = it_energy
    facility_energy = it_energy * (_ratio(facility, it) if it > 0.0 else 0.0)
    out[C_FACILITY_ENERGY] = facility_energy

    out[C_CAPEX_ACCELERATORS] = sums[I_PRICE_ACCELERATORS]
    out[C_CAPEX_CPUS_SERVERS] = sums[I_PRICE_CPUS_SERVERS] + sums[I_SERVER_PRICE]
    out[C_CAPEX_NETWORK] = sums[I_PRICE_NETWORK]
    out[C_CAPEX_COOLING] = sums[I_PRICE_COOLING]
    out[C_CAPEX_CABINETS] = sums[I_CABINET_PRICE]
    building = settings[S_BUILD, plane] * it / 1e6 + cdus * cdu[CDU_PRICE + plane]
    out[C_CAPEX_FACILITY] = building
    equipment = 0.0
    for k in range(C_CAPEX_ACCELERATORS, C_CAPEX_FACILITY):  # every category but the facility
        equipment += out[k]
    out[C_SYSTEM_CAPEX] = equipment
    capex = equipment + building
    out[C_CAPEX] = capex
    energy_cost = facility_energy * settings[S_ELECTRICITY, plane]
    out[C_ENERGY_COST] = energy_cost
    maintenance = capex * settings[S_MAINTENANCE, plane]
    out[C_MAINTENANCE] = maintenance
    opex = energy_cost + maintenance
    out[C_OPEX] = opex
    life, facility_life = settings[S_DEPRECIATION, down], settings[S_FACILITY_YEARS, down]
    out[C_ANNUAL_COST] = equipment / life + building / facility_life + opex
    years = settings[S_DEPRECIATION, plane]  # more years of running cost make the total larger
    out[C_TCO] = equipment + building * min(1.0, years / facility_life) + opex * years

    out[C_ACCELERATOR_HOURS] = sums[I_CHIPS] * hours
    out[C_FP8_YEARS] = sums[I_FP8] / 1000.0 * utilisation
    out[C_FP4_YEARS] = sums[I_FP4] / 1000.0 * utilisation
    out[C_BF16_YEARS] = sums[I_BF16] / 1000.0 * utilisation
    out[C_CO2] = facility_energy * settings[S_CARBON, plane]
    out[C_WATER] = it_energy * settings[S_WUE, plane]
    out[C_WEIGHT] = sums[I_BLOCK_WEIGHT] + sums[I_PARTS_WEIGHT]


@helper
def floor_area(cabinets: float, per_row: int, width: float, depth: float, aisle: float) -> float:
    """A row layout's floor area for `cabinets` (a whole number, at most 2^53): rows × row
    length × (cabinet depth + aisle)."""
    rows = (round(cabinets) + per_row - 1) // per_row
    return rows * (per_row * width) * (depth + aisle)


@helper
def fabric_reach(
    kind: float, tiers: float, planes: float, links: float, k1: float, k2: float, over1: float, over2: float
) -> float:
    """The most endpoints (chip links of a switched scale-up fabric, NIC ports of a fat tree) that
    a fabric's planes, tiers and switch radix (k1 at tier 1, k2 above; after breakout) connect."""
    if kind == SCALEUP_SWITCHED:
        if tiers == 1.0:  # each switch of a plane has a port for every chip
            return k1 * links
        return planes * k2 * math.floor(k1 * over1 / (1.0 + over1))  # each spine reaches every leaf
    down1 = math.floor(k1 * over1 / (1.0 + over1))
    if tiers == 2.0:
        return planes * k1 * down1
    return planes * down1 * math.floor(k1 * over2 / (1.0 + over2)) * k1


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
    props: Floats,
    scratch: Floats,
    chips: float,
    dst: Floats,
    d: int,
    base: int,
    times: float,
) -> None:
    """Add block i's own counters (times `times`) into row d of `dst`, whose counters start at
    `base`: what it is; for a cabinet or server its own price and weight (`contents_kg`: what
    the parts and blocks it holds weigh); for a cabinet its footprint, its power against its
    cooling limit and power capacity, and its weight per m² against the floor rating. The
    block's power, scale-up GB/s and contents' weight come in rows 0, 1 and 2 of `scratch` (see
    SCRATCH), each as value, low and high. Arrays are indexed in place, never sliced: a compiled
    slice is a view whose reference count costs more than the sum it serves."""
    what = kind[i]
    if what in (CABINET, SERVER):
        price = CABINET_PRICE if what == CABINET else SERVER_PRICE
        stated = props[i, B_WEIGHT_STATED] > 0.0
        for k in range(3):
            own = props[i, B_WEIGHT + k]
            if stated:  # a stated weight is the block's with all it holds
                own -= scratch[2, k]
            scratch[3, k] = own
            dst[d, base + WEIGHT + k] += times * own
            dst[d, base + price + k] += times * props[i, B_PRICE + k]
        if what == SERVER:
            dst[d, base + SERVERS] += times
        else:
            power0 = scratch[0, 0]
            footprint = props[i, B_FOOTPRINT]
            dst[d, base + CABINETS] += times
            dst[d, base + COMPUTE_CABINETS + role[i]] += times
            dst[d, base + FOOTPRINT] += times * footprint
            dst[d, base + CABINET_POWER] += times * power0
            if power0 > props[i, B_LIMIT]:
                dst[d, base + OVER_COOLING] += times
            capacity = props[i, B_CAPACITY]
            if capacity > 0.0:
                dst[d, base + CAPACITY] += times * capacity
                if power0 > capacity:
                    dst[d, base + OVER_CAPACITY] += times
            liquid = props[i, B_LIQUID] > 0.0
            for k in range(3):
                dst[d, base + MAX_CABINET + k] = max(dst[d, base + MAX_CABINET + k], scratch[0, k])
                if liquid:
                    dst[d, base + LIQUID_POWER + k] += times * scratch[0, k]
                if footprint > 0.0:
                    load = (scratch[2, k] + scratch[3, k]) / footprint
                    dst[d, base + MAX_FLOOR_LOAD + k] = max(dst[d, base + MAX_FLOOR_LOAD + k], load)
                    if k == 0 and load > props[i, B_FLOOR_RATING]:
                        dst[d, base + OVER_FLOOR] += times
    elif what == SUPERNODE:
        dst[d, base + SUPERNODES] += times
    elif what == POD:
        dst[d, base + PODS] += times
    if scaleup[i] == 1:
        dst[d, base + DOMAINS] += times
        dst[d, base + DOMAIN_CHIPS] = max(dst[d, base + DOMAIN_CHIPS], chips)
        for k in range(3):
            dst[d, base + DOMAIN_SCALEUP + k] = max(dst[d, base + DOMAIN_SCALEUP + k], scratch[1, k])


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
    max_endpoints = endpoints
    if p[F_KIND] != SCALEUP_MESH:
        max_endpoints = fabric_reach(
            p[F_KIND], p[F_TIERS], planes, p[F_LINKS], p[F_RADIX1], p[F_RADIX2], p[F_OVER1], p[F_OVER2]
        )
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
        top = int(p[F_SWITCH2] if p[F_SWITCH2] >= 0.0 else p[F_SWITCH1])
        fullest = min(p[F_CAB_SWITCHES], network_switches)  # switches in the fullest cabinet
        base = 2 * parts
        row[base + CABINETS] += cabinets
        row[base + NETWORK_CABINETS] += cabinets
        row[base + FOOTPRINT] += cabinets * p[F_CAB_FOOTPRINT]
        row[base + CABINET_POWER] += network_switches * cabinet_factor * part_info[PART_POWER, top]
        if fullest * cabinet_factor * part_info[PART_POWER, top] > p[F_CAB_LIMIT]:
            row[base + OVER_COOLING] += cabinets
        for k in range(3):
            power = fullest * cabinet_factor * part_info[PART_POWER + k, top]
            row[base + MAX_CABINET + k] = max(row[base + MAX_CABINET + k], power)
            row[base + CABINET_PRICE + k] += cabinets * p[F_CAB_PRICE + k]
            row[base + WEIGHT + k] += cabinets * p[F_CAB_WEIGHT + k]
            if p[F_CAB_LIQUID] > 0.0:
                row[base + LIQUID_POWER + k] += (
                    network_switches * cabinet_factor * part_info[PART_POWER + k, top]
                )
            if p[F_CAB_FOOTPRINT] > 0.0:
                load = (p[F_CAB_WEIGHT + k] + fullest * part_info[PART_WEIGHT + k, top]) / p[F_CAB_FOOTPRINT]
                row[base + MAX_FLOOR_LOAD + k] = max(row[base + MAX_FLOOR_LOAD + k], load)
                if k == 0 and load > p[F_FLOOR_RATING]:
                    row[base + OVER_FLOOR] += cabinets
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
    props: Floats,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    rows: Floats,
    flags: Ints,
    scratch: Floats,
) -> None:
    """Add `times` instances of block c, which holds only parts, into the row at `p_slot`. Its
    power, scale-up GB/s and contents' weight add up in local variables, which the compiled
    kernel keeps in registers (this loop runs for every cabinet of a layout)."""
    parts = part_info.shape[1]
    factor = 1.0 + props[c, B_OVERHEAD]
    chips = 0.0
    p0 = p1 = p2 = s0 = s1 = s2 = w0 = w1 = w2 = 0.0
    for j in range(leaf_start[c], leaf_end[c]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        rows[p_slot, q] += times * n
        rows[p_slot, parts + q] += times * (factor * n)
        chips += n * part_info[PART_CHIP, q]
        p0 += n * part_info[PART_POWER, q]
        p1 += n * part_info[PART_POWER + 1, q]
        p2 += n * part_info[PART_POWER + 2, q]
        s0 += n * part_info[PART_SCALEUP, q]
        s1 += n * part_info[PART_SCALEUP + 1, q]
        s2 += n * part_info[PART_SCALEUP + 2, q]
        w0 += n * part_info[PART_WEIGHT, q]
        w1 += n * part_info[PART_WEIGHT + 1, q]
        w2 += n * part_info[PART_WEIGHT + 2, q]
    scratch[0, 0] = p0 * factor
    scratch[0, 1] = p1 * factor
    scratch[0, 2] = p2 * factor
    scratch[1, 0] = s0
    scratch[1, 1] = s1
    scratch[1, 2] = s2
    scratch[2, 0] = w0
    scratch[2, 1] = w1
    scratch[2, 2] = w2
    _own_counters(c, kind, scaleup, role, props, scratch, chips, rows, p_slot, 2 * parts, times)
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
    props: Floats,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    scratch: Floats,
) -> None:
    """Complete the row of block i once its children are in: its own parts, its fabrics, its
    overhead, and its own counters."""
    parts = part_info.shape[1]
    base = 2 * parts
    row = rows[slot[i]]
    for j in range(leaf_start[i], leaf_end[i]):
        q = leaf_part[j]
        n = float(leaf_count[j])
        row[q] += n
        row[parts + q] += n
    for f in range(fabric_start[i], fabric_end[i]):
        _derive_fabric(f, fabrics, part_info, row, fabric_out, parts)
    if props[i, B_OVERHEAD] != 0.0:
        factor = 1.0 + props[i, B_OVERHEAD]
        for q in range(parts):
            row[parts + q] *= factor
    scratch[:, :] = 0.0
    power, scaleup_gbps, contents_kg = scratch[0], scratch[1], scratch[2]
    chips = 0.0
    for k in range(3):
        contents_kg[k] = row[base + WEIGHT + k]
    for q in range(parts):
        chips += row[q] * part_info[PART_CHIP, q]
        for k in range(3):
            power[k] += row[parts + q] * part_info[PART_POWER + k, q]
            scaleup_gbps[k] += row[q] * part_info[PART_SCALEUP + k, q]
            contents_kg[k] += row[q] * part_info[PART_WEIGHT + k, q]
    _own_counters(i, kind, scaleup, role, props, scratch, chips, rows, slot[i], base, 1.0)
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


@helper
def _clear(d: int, rows: Floats, flags: Ints) -> None:
    """Zero row d and its flags."""
    for k in range(rows.shape[1]):
        rows[d, k] = 0.0
    flags[d] = 0


@helper
def _add_children(
    first: int,
    last: int,
    d: int,
    count: Ints,
    slot: Ints,
    kind: Ints,
    scaleup: Ints,
    role: Ints,
    leaf_start: Ints,
    leaf_end: Ints,
    bits: Ints,
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    rows: Floats,
    flags: Ints,
    scratch: Floats,
) -> None:
    """Add the children kids[first:last], each times its count, into row d, in order."""
    parts = part_info.shape[1]
    for k in range(first, last):
        c = kids[k]
        if slot[c] < 0:
            _add_parts_only(
                c, d, float(count[c]), kind, scaleup, role, leaf_start, leaf_end, bits, props,
                leaf_part, leaf_count, part_info, rows, flags, scratch,
            )  # fmt: skip
        else:
            _add_row(slot[c], d, float(count[c]), rows, flags, parts)


@helper
def _rerun_block(
    i: int,
    via: int,
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    scratch: Floats,
) -> None:
    """Work out the row of block i from its children's rows and parts and its own. A block with
    more than GROUP children adds them GROUP at a time into rows of their own (from groups[slot]
    on), then adds up those rows in order; `via` says which of them to add up afresh: the one
    holding child kids[via], none (NO_CHILD: only the block's own parts changed) or all
    (EVERY_CHILD). A full run works every row out with EVERY_CHILD, so a row redone through one
    group has the bits a full run gives it."""
    s = slot[i]
    first = groups[s]
    if first < 0:
        _clear(s, rows, flags)
        _add_children(
            kid_start[i], kid_end[i], s, count, slot, kind, scaleup, role, leaf_start, leaf_end, bits,
            props, kids, leaf_part, leaf_count, part_info, rows, flags, scratch,
        )  # fmt: skip
    else:
        parts = part_info.shape[1]
        n = (kid_end[i] - kid_start[i] + GROUP - 1) // GROUP
        for g in range(n):
            lo = kid_start[i] + g * GROUP
            hi = min(lo + GROUP, kid_end[i])
            if via == EVERY_CHILD or lo <= via < hi:
                _clear(first + g, rows, flags)
                _add_children(
                    lo, hi, first + g, count, slot, kind, scaleup, role, leaf_start, leaf_end, bits,
                    props, kids, leaf_part, leaf_count, part_info, rows, flags, scratch,
                )  # fmt: skip
        _clear(s, rows, flags)
        for g in range(n):
            _add_row(first + g, s, 1.0, rows, flags, parts)
    _finish(
        i, kind, scaleup, role, slot, leaf_start, leaf_end, fabric_start, fabric_end, bits,
        props, leaf_part, leaf_count, part_info, fabrics, rows, flags, fabric_out, scratch,
    )  # fmt: skip


@helper
def _run_tree(
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    scratch: Floats,
) -> None:
    """Fill `rows`, `flags` and `fabric_out` (overwritten) for the whole tree: every row, children
    before parents, from its children."""
    for i in range(parent.shape[0]):
        if slot[i] >= 0:
            _rerun_block(
                i, EVERY_CHILD, parent, count, slot, kind, scaleup, role, leaf_start, leaf_end,
                kid_start, kid_end, fabric_start, fabric_end, bits, props, kids, leaf_part, leaf_count,
                part_info, fabrics, groups, rows, flags, fabric_out, scratch,
            )  # fmt: skip


@helper
def _rerun_blocks(
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    blocks: Ints,
    via: Ints,
    scratch: Floats,
) -> None:
    """Work out the rows of `blocks` (blocks with a row, children before parents) afresh, each
    through the child `via` says (see _rerun_block), as `_run_tree` would."""
    for b in range(blocks.shape[0]):
        _rerun_block(
            blocks[b], via[b], parent, count, slot, kind, scaleup, role, leaf_start, leaf_end,
            kid_start, kid_end, fabric_start, fabric_end, bits, props, kids, leaf_part, leaf_count,
            part_info, fabrics, groups, rows, flags, fabric_out, scratch,
        )  # fmt: skip


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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
) -> None:
    """Fill `rows`, `flags` and `fabric_out` (overwritten) for the whole tree."""
    _run_tree(
        parent, count, slot, kind, scaleup, role, leaf_start, leaf_end, kid_start, kid_end, fabric_start,
        fabric_end, bits, props, kids, leaf_part, leaf_count, part_info, fabrics, groups, rows, flags,
        fabric_out, np.empty(SCRATCH),
    )  # fmt: skip


@kernel(f"void({TREE_SIGNATURE}, int64[::1], int64[::1])")
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    blocks: Ints,
    via: Ints,
) -> None:
    """Work out the rows of `blocks` (blocks with a row, children before parents) afresh, each
    through the child at kids[via] (NO_CHILD: its own parts changed; EVERY_CHILD: anything may
    have), as `accumulate` would."""
    _rerun_blocks(
        parent, count, slot, kind, scaleup, role, leaf_start, leaf_end, kid_start, kid_end, fabric_start,
        fabric_end, bits, props, kids, leaf_part, leaf_count, part_info, fabrics, groups, rows, flags,
        fabric_out, blocks, via, np.empty(SCRATCH),
    )  # fmt: skip


# What a sweep axis sets in the packed arrays: a block's count, a part entry's count, columns of
# a block's properties, a fabric parameter, a facility setting (its three planes), or a part's
# figures (a swap: its column of part_info and its row of the part matrix).
AXIS_COUNT, AXIS_PART, AXIS_PROPERTY, AXIS_FABRIC, AXIS_FACILITY, AXIS_SWAP = range(6)
# Places in a plane's vector of quantities (engine/results.py QUANTITIES) the sweep needs.
P_CABINETS, P_FOOTPRINT, P_AREA, P_CHAIN = range(4)
# A row layout: whether there is one, cabinets per row, cabinet width and depth, aisle.
FLOOR_PARAMS = 5
EXACT = 2.0**53  # float64 counts are exact up to here

SWEEP_SIGNATURE = (
    f"void({TREE_SIGNATURE}, "
    "float64[:, ::1], int64[::1], int64[::1], "  # matrix (P, K), weight of each column, columns needed
    "int64[::1], int64[::1], int64[::1], "  # counter source, chain inputs, places
    "float64[:, ::1], int64, float64, float64[::1], float64[::1], int64, "  # plant, floor, chain needed
    "int64[::1], int64[::1], int64[::1], int64[::1], int64[::1], float64[:, ::1], "  # axes
    "float64[:, ::1], float64[:, ::1], int64[::1], int64[::1], "  # swap options; rows to redo, every row
    "int64[::1], int64[::1], float64[::1], int64[::1], "  # metrics: numerator, denominator, factor, whole
    "int64[::1], float64[::1], float64[::1], int64[::1], int64[::1], "  # limits; counted quantities
    "int64, int64, float64[:, ::1], int64[::1])"  # first variant, threads, outputs
)


@kernel(SWEEP_SIGNATURE, parallel=True)
def sweep(
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    matrix: Floats,
    weight_of: Ints,
    needed: Ints,
    counter_source: Ints,
    chain_inputs: Ints,
    places: Ints,
    settings: Floats,
    redundancy: int,
    stated_pue: float,
    cdu: Floats,
    floor: Floats,
    chain_needed: int,
    axis_kind: Ints,
    axis_target: Ints,
    axis_param: Ints,
    axis_span: Ints,
    axis_size: Ints,
    axis_values: Floats,
    swap_info: Floats,
    swap_matrix: Floats,
    dirty: Ints,
    every_row: Ints,
    metric_num: Ints,
    metric_den: Ints,
    metric_factor: Floats,
    metric_whole: Ints,
    limit_metric: Ints,
    limit_scale: Floats,
    limit_goal: Floats,
    limit_at_least: Ints,
    counted: Ints,
    first: int,
    threads: int,
    values: Floats,
    feasible: Ints,
) -> None:
    """Evaluate variants `first`, `first + 1`, ... of a sweep (as many as `values` has rows):
    for each, the metrics asked for (`values`, in the order of metric_*) as the design's totals
    give them, and whether it is feasible (`feasible`: every limit met, among them that no fabric
    fails to connect, every count exact, no figure infinite).

    Variant i takes the value of each axis like the digits of a number, the last axis fastest.
    Each of `threads` threads works through its own run of variants with its own copy of the
    arrays, which hold the base design (`rows` from a full run of it); an axis whose value
    changes writes its place in them, and the rows then needed are recomputed with the same
    helpers as a full run, children before parents: `dirty`, the rows above what the axes
    change, or after a swap `every_row` (every block with a row, in post-order, which adds each
    row's terms in a full run's order). So each variant's figures are bit for bit those of
    evaluating its design."""
    n = values.shape[0]
    axes = axis_size.shape[0]
    parts = part_info.shape[1]
    columns = matrix.shape[1]
    base = 2 * parts
    root = parent.shape[0] - 1
    summed = len(SUMMED)
    counters_at = counter_source.shape[0]
    per_thread = (n + threads - 1) // threads
    for t in prange(threads):
        lo = t * per_thread
        hi = min(n, lo + per_thread)
        if lo >= hi:
            continue
        my_count = count.copy()
        my_leaf_count = leaf_count.copy()
        my_props = props.copy()
        my_info = part_info.copy()
        my_fabrics = fabrics.copy()
        my_matrix = matrix.copy()
        my_settings = settings.copy()
        my_rows = rows.copy()
        my_flags = flags.copy()
        my_fabric_out = fabric_out.copy()
        scratch = np.empty(SCRATCH)
        every_child = np.full(max(every_row.shape[0], dirty.shape[0]), EVERY_CHILD, dtype=np.int64)
        digits = np.full(axes, -1, dtype=np.int64)  # the values the arrays hold
        next_digits = np.zeros(axes, dtype=np.int64)
        counts = np.empty(parts)
        powered = np.empty(parts)
        counters = np.empty(rows.shape[1] - base)
        q = np.zeros(places[P_CHAIN] + len(CHAIN_OUTPUTS))
        chain_in = np.empty(chain_inputs.shape[0])
        chain_out = np.empty(len(CHAIN_OUTPUTS))
        # The digits of the first variant; each next variant adds one to the last digit.
        index = first + lo
        for a in range(axes - 1, -1, -1):
            next_digits[a] = index % axis_size[a]
            index //= axis_size[a]
        tree_changed = True
        for j in range(lo, hi):
            if j > lo:
                a = axes - 1
                while a >= 0:
                    next_digits[a] += 1
                    if next_digits[a] < axis_size[a]:
                        break
                    next_digits[a] = 0
                    a -= 1
            whole_tree = False
            some_rows = False
            for a in range(axes):
                d = next_digits[a]
                if d == digits[a]:
                    continue
                digits[a] = d
                v = axis_values[a, d]
                target = axis_target[a]
                what = axis_kind[a]
                if what == AXIS_COUNT:
                    my_count[target] = int(v)
                    some_rows = True
                elif what == AXIS_PART:
                    my_leaf_count[target] = int(v)
                    some_rows = True
                elif what == AXIS_PROPERTY:
                    for c in range(axis_span[a]):
                        my_props[target, axis_param[a] + c] = v
                    some_rows = True
                elif what == AXIS_FABRIC:
                    my_fabrics[target, axis_param[a]] = v
                    some_rows = True
                elif what == AXIS_FACILITY:
                    for c in range(3):
                        my_settings[target, c] = v
                else:  # a swap: the part's figures become the option's
                    option = int(v)
                    for r in range(PART_INFO):
                        my_info[r, target] = swap_info[option, r]
                    for k in range(columns):
                        my_matrix[target, k] = swap_matrix[option, k]
                    whole_tree = True
            if whole_tree or some_rows:
                _rerun_blocks(
                    parent, my_count, slot, kind, scaleup, role, leaf_start, leaf_end, kid_start, kid_end,
                    fabric_start, fabric_end, bits, my_props, kids, leaf_part, my_leaf_count, my_info,
                    my_fabrics, groups, my_rows, my_flags, my_fabric_out, every_row if whole_tree else dirty,
                    every_child[: every_row.shape[0] if whole_tree else dirty.shape[0]], scratch,
                )  # fmt: skip
            tree_changed = tree_changed or whole_tree or some_rows
            if tree_changed:  # the totals' sums and counters, as engine/results.py works them out
                tree_changed = False
                row = my_rows[slot[root]]
                times = float(my_count[root])
                for p in range(parts):
                    counts[p] = row[p] * times
                    powered[p] = row[parts + p] * times
                for c in range(counters.shape[0]):
                    counters[c] = row[base + c] * times if c < summed else row[base + c]
                for i in range(counters_at):
                    q[i] = counters[counter_source[i]]
                for k in range(columns):
                    if needed[k] == 0:
                        continue
                    w = weight_of[k]
                    total = 0.0
                    for p in range(parts):
                        weight = counts[p] if w == 0 else powered[p] if w == 1 else powered[p] - counts[p]
                        total += weight * my_matrix[p, k]
                    q[counters_at + k] = total
            if floor[0] > 0.0:
                q[places[P_AREA]] = floor_area(
                    q[places[P_CABINETS]], int(floor[1]), floor[2], floor[3], floor[4]
                )
            else:
                q[places[P_AREA]] = q[places[P_FOOTPRINT]]
            if chain_needed:
                for i in range(chain_inputs.shape[0]):
                    chain_in[i] = q[chain_inputs[i]]
                work_out(my_settings, redundancy, stated_pue, cdu, chain_in, 0, chain_out)
                for c in range(chain_out.shape[0]):
                    q[places[P_CHAIN] + c] = chain_out[c]
            ok = True
            for i in range(counted.shape[0]):
                if not q[counted[i]] <= EXACT:
                    ok = False
            for m in range(metric_num.shape[0]):
                num = q[metric_num[m]]
                if metric_den[m] < 0:
                    v = metric_factor[m] * num
                else:
                    den = q[metric_den[m]]
                    ratio = num / den if den > 0.0 else math.nan
                    if not math.isfinite(ratio):
                        ratio = math.nan
                    v = metric_factor[m] * ratio
                if metric_whole[m] != 0 and math.isfinite(v):
                    v = np.rint(v) + 0.0
                if math.isinf(v):
                    ok = False
                values[j, m] = v
            for li in range(limit_metric.shape[0]):
                got = values[j, limit_metric[li]] * limit_scale[li]
                met = got >= limit_goal[li] if limit_at_least[li] != 0 else got <= limit_goal[li]
                if not met:
                    ok = False
            feasible[j] = 1 if ok else 0


@kernel("void(float64[:, ::1], int64[::1])")
def pareto(objectives: Floats, front: Ints) -> None:
    """Mark in `front` (1 or 0) the rows of `objectives` (to minimise, sorted lexicographically)
    that no other row dominates: no other is at least as good in every objective and better in
    one. Of rows that are equal, the first is kept."""
    n, k = objectives.shape
    kept = np.empty(n, dtype=np.int64)
    size = 0
    best = math.inf
    for i in range(n):
        front[i] = 0
        if k == 2:  # sorted by the first: dominated unless it beats every earlier second
            if objectives[i, 1] < best:
                best = objectives[i, 1]
                front[i] = 1
            continue
        dominated = False
        for f in range(size):
            e = kept[f]
            no_worse = True
            for c in range(k):
                if objectives[e, c] > objectives[i, c]:
                    no_worse = False
                    break
            if no_worse:  # an earlier row in lexicographic order, no worse anywhere: it dominates or equals
                dominated = True
                break
        if not dominated:
            kept[size] = i
            size += 1
            front[i] = 1


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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
    rows: Floats,
    flags: Ints,
    fabric_out: Floats,
    blocks: Ints,
    out: Floats,
    out_flags: Ints,
) -> None:
    """The row and estimate flags of one instance of each of `blocks`, into `out` and
    `out_flags`, whether the block has a row of its own or holds only parts."""
    scratch = np.empty(SCRATCH)
    for b in range(blocks.shape[0]):
        i = blocks[b]
        if slot[i] >= 0:
            out[b, :] = rows[slot[i]]
            out_flags[b] = flags[slot[i]]
            continue
        out[b, :] = 0.0
        out_flags[b] = 0
        _add_parts_only(
            i, b, 1.0, kind, scaleup, role, leaf_start, leaf_end, bits, props, leaf_part, leaf_count,
            part_info, out, out_flags, scratch,
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
    props: Floats,
    kids: Ints,
    leaf_part: Ints,
    leaf_count: Ints,
    part_info: Floats,
    fabrics: Floats,
    groups: Ints,
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
            out[i] = (1.0 + props[i, B_OVERHEAD]) * power
