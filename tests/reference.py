"""A slow, obvious evaluator over the dataclasses, to check the jitted kernel and the results
layer against.

Written from the definitions, not from the engine: plain recursion over the blocks, figures read
straight from the catalog's Figure fields (directions converted here, by hand), fabrics derived by
filling switches one by one, each metric's formula written out below. It imports nothing from
ascend_tui.engine.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import Block, Design, NodePath, PartCount
from ascend_tui.model.fabrics import ScaleoutFabric, ScaleupFabric
from ascend_tui.model.figures import Figure
from ascend_tui.model.validate import resolve_parts

Row = dict[str, float]
KIND_COUNT = {
    "accelerator": "chips",
    "cpu": "cpus",
    "memory": "memory_modules",
    "nic": "nics",
    "switch": "switches",
    "transceiver": "transceivers",
    "cable": "cables",
    "cdu": "cooling_units",
    "other": "other_parts",
}
KIND_POWER = {
    "accelerator": "accelerator_power_kw",
    "cpu": "cpu_power_kw",
    "memory": "memory_power_kw",
    "nic": "nic_power_kw",
    "switch": "switch_power_kw",
    "transceiver": "optics_power_kw",
    "cable": "cable_power_kw",
    "cdu": "cooling_unit_power_kw",
    "other": "other_power_kw",
}
NETWORK = ("nic", "switch", "transceiver", "cable")
MAXED = (
    "max_domain_chips",
    "max_domain_scaleup_gbps",
    "max_cabinet_w",
    "max_bisection_gbit",
    "max_floor_load",
)
# Which capital-cost category a part's price goes to.
PRICE_OF = {
    "accelerator": "price_accelerators",
    "cpu": "price_cpus_servers",
    "memory": "price_cpus_servers",
    "other": "price_cpus_servers",
    "nic": "price_network",
    "switch": "price_network",
    "transceiver": "price_network",
    "cable": "price_network",
    "cdu": "price_cooling",
}


def end(f: Figure, plane: str, rising: bool = True) -> float:
    """A figure's value, or the end of its range that makes a cost low (`plane` "low") or high;
    `rising` False for a figure whose larger value makes costs smaller (a life in years)."""
    if plane == "value":
        return f.value
    low = f.value if f.low is None else f.low
    high = f.value if f.high is None else f.high
    return low if (plane == "low") == rising else high


def figure(part: Part, name: str, plane: str) -> float:
    """A figure in the units the metrics use, at the value or one end of its estimate range."""
    f: Figure | None = part.figures.get(name)
    if f is None or not f.supported or not f.published:
        return 0.0
    value = f.value
    if plane == "low" and f.low is not None:
        value = f.low
    if plane == "high" and f.high is not None:
        value = f.high
    if name == "scaleup_gbps" and f.direction == "each":
        return 2 * value  # scale-up bandwidth is counted both ways, as vendors quote it
    if name == "port_gbps" and f.direction == "both":
        return value / 2  # a port's line rate is per direction
    return value


def part_row(part: Part, n: int, plane: str) -> Row:
    row: Row = defaultdict(float)
    row[KIND_COUNT[part.kind]] = n
    power = figure(part, "power_w", plane)
    typical = figure(part, "power_typical_w", plane) if "power_typical_w" in part.figures else power
    row[KIND_POWER[part.kind]] = n * power / 1000
    row["it_w"] = n * power
    row[PRICE_OF[part.kind]] = n * figure(part, "price_usd", plane)
    price = part.figures.get("price_usd")
    row["unpriced"] = 0 if price is not None and price.supported and price.published else n
    row["weight"] = n * figure(part, "weight_kg", plane)
    if part.kind == "cdu":
        row["cooling_kw"] = n * figure(part, "cooling_kw", plane)
    row["typical_w"] = n * typical
    row["network_w"] = n * power if part.kind in NETWORK else 0.0
    if part.kind == "accelerator":
        dies = part.figures.get("dies")
        row["dies"] = n * (dies.value if dies is not None and dies.published else 1)
        for p in ("fp8", "fp4", "bf16"):
            row[f"{p}_tf"] = n * figure(part, f"{p}_tflops", plane)
            row[f"{p}_sparse_tf"] = n * figure(part, f"{p}_sparse_tflops", plane)
            f = part.figures.get(f"{p}_tflops")
            if f is not None and not f.supported:
                row[f"no_{p}"] = n
        row["hbm_gb"] = n * figure(part, "hbm_gb", plane)
        row["hbm_tbps"] = n * figure(part, "hbm_tbps", plane)
        row["scaleup_gbps"] = n * figure(part, "scaleup_gbps", plane)
        row["fast_gb"] = row["hbm_gb"]
    if part.kind in ("cpu", "memory"):
        row["cpu_mem_gb"] = n * figure(part, "memory_gb", plane)
        row["cpu_mem_tbps"] = n * figure(part, "memory_tbps", plane)
        if part.kind == "cpu" and part.coherent_memory:
            row["fast_gb"] = row["cpu_mem_gb"]
    if part.kind == "nic":
        ports = part.figures["ports"].value if "ports" in part.figures else 1
        row["nic_gbit"] = n * ports * figure(part, "port_gbps", plane)
        row["nic_ports"] = n * ports
    return row


def fill(links: int, per_switch: int, over: float) -> tuple[int, int]:
    """Switches that take `links` `per_switch` at a time, and their uplinks (one per `over`
    links below each), by filling switch after switch."""
    switches = uplinks = 0
    left = links
    while left > 0:
        here = min(per_switch, left)
        switches += 1
        uplinks += math.ceil(here / over - 1e-9)
        left -= here
    return switches, uplinks


def down_ports(ports: int, over: float) -> int:
    """A switch's ports facing down when down:up is `over`:1."""
    return math.floor(ports * over / (1 + over))


def fabric_counts(
    fabric: ScaleupFabric | ScaleoutFabric, chips: int, nic_ports: int, parts: dict[str, Part]
) -> dict[str, float]:
    """What a fabric needs for one instance of its block, by filling switches tier by tier."""
    out: dict[str, float] = defaultdict(float)
    if isinstance(fabric, ScaleupFabric):
        links = chips * fabric.links_per_chip
        if fabric.topology == "mesh":
            out["optical" if fabric.transceiver else "copper"] = links / 2
            return out
        per_plane = links // fabric.planes
        k1 = int(parts[fabric.switch].figures["ports"].value)
        if fabric.tiers == 1:
            switches, _ = fill(per_plane, k1, 1.0)
            out["tier1"] = fabric.planes * switches
            out["feasible"] = chips <= k1 and fabric.links_per_chip // fabric.planes >= switches
        else:
            k2 = int(parts[fabric.switch2 or fabric.switch].figures["ports"].value)
            leaves, uplinks = fill(
                per_plane, down_ports(k1, fabric.oversubscription), fabric.oversubscription
            )
            spines, _ = fill(uplinks, k2, 1.0)
            out["tier1"], out["tier2"] = fabric.planes * leaves, fabric.planes * spines
            out["switch_links"] = fabric.planes * uplinks
            out["feasible"] = leaves <= k2
            out["network"] = out["tier2"]
        if fabric.tier1_in == "network":
            out["optical"] = links
            out["network"] += out["tier1"]
        elif fabric.tier1_in == "cabinet":
            out["copper"] = links
        out["optical"] += out["switch_links"]
        return out
    nic = parts.get(fabric.nic)
    nics = chips * fabric.nics_per_chip
    endpoints = nic_ports + nics * (int(nic.figures["ports"].value) if nic and "ports" in nic.figures else 1)
    out["nics"] = nics
    switch = parts[fabric.switch]
    speeds = {figure(nic, "port_gbps", "value")} if nic else set()
    link = speeds.pop() if speeds else figure(switch, "port_gbps", "value")
    k = int(switch.figures["ports"].value) * int(figure(switch, "port_gbps", "value") // link)
    over = (*fabric.oversubscription, 1.0, 1.0)
    per_plane = endpoints // fabric.planes
    leaves, up1 = fill(per_plane, down_ports(k, over[0]), over[0])
    if fabric.tiers == 2:
        spines, _ = fill(up1, k, 1.0)
        out["tier1"], out["tier2"] = fabric.planes * leaves, fabric.planes * spines
        out["switch_links"] = fabric.planes * up1
        out["feasible"] = leaves <= k
        out["network"] = out["tier2"]
    else:
        aggregation, up2 = fill(up1, down_ports(k, over[1]), over[1])
        cores, _ = fill(up2, k, 1.0)
        out["tier1"], out["tier2"], out["tier3"] = (fabric.planes * n for n in (leaves, aggregation, cores))
        out["switch_links"] = fabric.planes * (up1 + up2)
        out["feasible"] = per_plane <= down_ports(k, over[0]) * down_ports(k, over[1]) * k
        out["network"] = out["tier2"] + out["tier3"]
    if fabric.leaf_in == "network":
        out["optical"] = endpoints
        out["network"] += out["tier1"]
    else:
        out["copper"] = endpoints
    out["optical"] += out["switch_links"]
    out["bisection_gbit"] = endpoints * link / 2 / max(over[: fabric.tiers - 1])
    return out


def add_fabric(
    row: Row,
    fabric: ScaleupFabric | ScaleoutFabric,
    nic_ports: int,
    parts: dict[str, Part],
    catalog: Catalog,
    plane: str,
    rating: float,
) -> None:
    """Add what a fabric derives (parts, network cabinets) into a block's row; `rating` is the
    floor's, in kg per m²."""
    got = fabric_counts(fabric, round(row["chips"]), nic_ports, parts)
    factor = 1 + fabric.cabinets.power_overhead
    switch = parts[fabric.switch] if getattr(fabric, "switch", "") else None
    top = parts[fabric.switch2] if isinstance(fabric, ScaleupFabric) and fabric.switch2 else switch
    derived: list[tuple[Part | None, float, float]] = []
    if isinstance(fabric, ScaleupFabric) and fabric.switch2:
        in_network = fabric.tier1_in == "network"
        derived += [(switch, got["tier1"], factor if in_network else 1.0), (top, got["tier2"], factor)]
    else:
        all_switches = got["tier1"] + got["tier2"] + got["tier3"]
        derived += [(switch, all_switches - got["network"], 1.0), (switch, got["network"], factor)]
    derived.append((parts.get(getattr(fabric, "nic", "")), got["nics"], 1.0))
    derived.append((parts.get(fabric.transceiver), 2 * got["optical"], 1.0))
    derived.append((parts.get(fabric.cable), got["copper"], 1.0))
    for part, n, f in derived:
        if part is None or n == 0:
            continue
        for key, value in part_row(part, 1, plane).items():
            if key in ("it_w", "typical_w", "network_w"):
                row[key] += n * f * value
                if key == "it_w":
                    row["overhead_w"] += n * (f - 1) * value  # the network cabinets' own overhead
            elif key == "nic_gbit":
                continue  # derived NICs are endpoints of this fabric, counted once below
            else:
                row[key] += n * value
        if part.kind == "nic":
            row["nic_gbit"] += (
                n
                * figure(part, "port_gbps", plane)
                * (part.figures["ports"].value if "ports" in part.figures else 1)
            )
    cabinets = math.ceil(got["network"] / fabric.cabinets.switches) if got["network"] else 0
    if cabinets and top is not None:
        cooling = catalog.cooling[fabric.cabinets.cooling]
        in_fullest = min(fabric.cabinets.switches, got["network"])
        per_cabinet = in_fullest * factor
        row["cabinets"] += cabinets
        row["network_cabinets"] += cabinets
        row["footprint"] += cabinets * fabric.cabinets.footprint_m2
        row["cabinet_w"] += got["network"] * factor * figure(top, "power_w", "value")
        fullest = per_cabinet * figure(top, "power_w", plane)
        row["max_cabinet_w"] = max(row["max_cabinet_w"], fullest)
        if per_cabinet * figure(top, "power_w", "value") > cooling.max_cabinet_kw.value * 1000:
            row["over_cooling"] += cabinets
        row["cabinet_price"] += cabinets * end(cooling.cabinet_price_usd, plane)
        row["weight"] += cabinets * end(cooling.cabinet_weight_kg, plane)
        if cooling.liquid:
            row["liquid_w"] += got["network"] * factor * figure(top, "power_w", plane)
        if fabric.cabinets.footprint_m2 > 0:
            shell = end(cooling.cabinet_weight_kg, plane)
            load = (shell + in_fullest * figure(top, "weight_kg", plane)) / fabric.cabinets.footprint_m2
            row["max_floor_load"] = max(row["max_floor_load"], load)
            if load > rating:  # counts are compared at the value only
                row["over_floor"] += cabinets
    row["fabric_problems"] += 0 if got["feasible"] or "feasible" not in got else 1
    row["max_bisection_gbit"] = max(row["max_bisection_gbit"], got["bisection_gbit"])


def reference_rows(design: Design, catalog: Catalog, plane: str = "value") -> dict[NodePath, Row]:
    """For every node: one instance's sums, at the value or one end of the estimate ranges."""
    parts, problems = resolve_parts(design, catalog)
    assert not problems, problems
    out: dict[NodePath, Row] = {}
    rating = site_figure(design, catalog, "floor_rating_kg_per_m2").value

    def visit(path: NodePath, node: Block | PartCount) -> Row:
        if isinstance(node, PartCount):
            out[path] = part_row(parts[node.part], node.count, plane)
            return out[path]
        row: Row = defaultdict(float)
        kids: list[Block | PartCount] = [*node.blocks, *node.parts]
        for i, kid in enumerate(kids):
            kid_row = visit((*path, i), kid)
            times = kid.count if isinstance(kid, Block) else 1
            for key, value in kid_row.items():
                if key in MAXED:
                    row[key] = max(row[key], value)
                else:
                    row[key] += times * value
        typed_ports = round(row["nic_ports"])
        for fabric in (node.scaleup_fabric, node.scaleout_fabric):
            if fabric is not None:
                add_fabric(row, fabric, typed_ports, parts, catalog, plane, rating)
        row["overhead_w"] += node.power_overhead * row["it_w"]  # the overhead of what it holds
        for key in ("it_w", "typical_w", "network_w"):
            row[key] *= 1 + node.power_overhead
        if node.kind in ("cabinet", "server"):
            # A stated weight is the block's with all it holds; else an empty one's plus its content.
            shell = catalog.server if node.kind == "server" else None
            cooling = catalog.cooling[node.cooling] if node.kind == "cabinet" else None
            price_default = cooling.cabinet_price_usd if cooling else shell.price_usd
            weight_default = cooling.cabinet_weight_kg if cooling else shell.weight_kg
            price = node.price_usd if node.price_usd is not None else end(price_default, plane)
            row[f"{node.kind}_price"] += price
            if node.weight_kg is not None:
                row["weight"] = node.weight_kg
            else:
                row["weight"] += end(weight_default, plane)
        if node.kind == "cabinet":
            if catalog.cooling[node.cooling].liquid:
                row["liquid_w"] += row["it_w"]
            if node.footprint_m2 > 0:
                load = row["weight"] / node.footprint_m2
                row["max_floor_load"] = max(row["max_floor_load"], load)
                if load > rating:
                    row["over_floor"] += 1
            row["cabinets"] += 1
            row[f"{node.role}_cabinets"] += 1
            row["footprint"] += node.footprint_m2
            row["cabinet_w"] += row["it_w"]
            row["max_cabinet_w"] = max(row["max_cabinet_w"], row["it_w"])
            if row["it_w"] > catalog.cooling[node.cooling].max_cabinet_kw.value * 1000:
                row["over_cooling"] += 1
            if node.power_capacity_kw > 0:
                row["capacity_w"] += node.power_capacity_kw * 1000
                if row["it_w"] > node.power_capacity_kw * 1000:
                    row["over_capacity"] += 1
        for kind in ("server", "supernode", "pod"):
            if node.kind == kind:
                row[kind + "s"] += 1
        if node.scaleup:
            row["domains"] += 1
            row["max_domain_chips"] = max(row["max_domain_chips"], row["chips"])
            row["max_domain_scaleup_gbps"] = max(row["max_domain_scaleup_gbps"], row["scaleup_gbps"])
        out[path] = row
        return row

    visit((), design.root)
    return out


def ratio(a: float, b: float) -> float:
    """Undefined with nothing to divide by, or where the quotient overflows."""
    if b <= 0 or math.isinf(a / b):
        return math.nan
    return a / b


def site_figure(design: Design, catalog: Catalog, name: str) -> Figure:
    """A facility setting: the design's own, else the catalog's."""
    return design.facility.figures.get(name) or catalog.site.figures[name]


def facility_chain(r: Row, design: Design, catalog: Catalog, plane: str) -> dict[str, float]:
    """From the IT load to the site's power, energy and money, as the README describes it."""

    def setting(name: str, rising: bool = True) -> float:
        return end(site_figure(design, catalog, name), plane, rising)

    parts, _ = resolve_parts(design, catalog)
    redundancy = design.facility.redundancy or catalog.site.redundancy
    cdu = parts[design.facility.cdu or catalog.site.cdu]
    group = site_figure(design, catalog, "redundancy_group").value
    it = r["it_w"]
    # Liquid heat lowers the cost: the money takes the share's other end than the heat does.
    liquid = r["liquid_w"] * setting("liquid_heat_share", rising=False)
    air = it - liquid
    capacity = cdu.figures["cooling_kw"].value * 1000
    uncovered = max(0.0, liquid - r["cooling_kw"] * 1000)
    working = math.ceil(uncovered / capacity)
    spares = {"N": 0, "N+1": math.ceil(working / group), "2N": working}[redundancy]
    pumps = uncovered / capacity * end(cdu.figures["power_w"], plane)
    cooling = air * setting("air_cooling_kw_per_kw") + liquid * setting("liquid_cooling_kw_per_kw") + pumps
    through_ups = it / (1 - setting("ups_loss")) / (1 - setting("distribution_loss"))
    plant = through_ups + cooling / (1 - setting("distribution_loss"))
    facility = plant if design.pue is None else it * design.pue
    hours = 8760 * setting("utilisation")
    it_kwh = r["typical_w"] / 1000 * hours
    site_kwh = it_kwh * facility / it if it else 0.0
    cdus = working + spares
    capex = {
        "accelerators": r["price_accelerators"],
        "cpus_servers": r["price_cpus_servers"] + r["server_price"],
        "network": r["price_network"],
        "cooling": r["price_cooling"],
        "cabinets": r["cabinet_price"],
        "facility": setting("build_cost_usd_per_mw") * it / 1e6 + cdus * end(cdu.figures["price_usd"], plane),
    }
    equipment = sum(v for k, v in capex.items() if k != "facility")
    total = equipment + capex["facility"]
    opex = site_kwh * setting("electricity_usd_per_kwh") + total * setting("maintenance_share")
    life, facility_life = setting("depreciation_years", False), setting("facility_years", False)
    per_year = equipment / life + capex["facility"] / facility_life + opex
    years = setting("depreciation_years")
    tco = equipment + capex["facility"] * min(1, years / facility_life) + opex * years
    utilisation = setting("utilisation")
    return {
        "pue": ratio(facility, it),
        "pue_plant": ratio(plant, it),
        "facility_power_kw": facility / 1000,
        "cooling_power_kw": cooling / 1000,
        "power_losses_kw": (plant - it - cooling) / 1000,
        "installed_power_kw": facility * {"N": 1, "N+1": (group + 1) / group, "2N": 2}[redundancy] / 1000,
        "liquid_heat_kw": r["liquid_w"] * setting("liquid_heat_share") / 1000,
        "air_heat_kw": (it - r["liquid_w"] * setting("liquid_heat_share", rising=False)) / 1000,
        "heat_rejected_tons": (it + pumps) / 3516.853,
        "plant_cdus": cdus,
        **{f"capex_{k}_usd": v for k, v in capex.items()},
        "system_capex_usd": equipment,
        "capex_usd": total,
        "opex_usd_per_year": opex,
        "energy_cost_usd_per_year": site_kwh * setting("electricity_usd_per_kwh"),
        "cost_usd_per_year": per_year,
        "tco_usd": tco,
        "cost_per_accelerator_hour_usd": ratio(per_year, r["chips"] * hours),
        **{
            f"cost_per_{p}_pflop_year_usd": ratio(per_year, r[f"{p}_tf"] / 1000 * utilisation)
            for p in ("fp8", "fp4", "bf16")
        },
        "fp8_pflops_per_musd_capex": ratio(r["fp8_tf"] / 1000, total / 1e6),
        "fp8_pflops_per_musd_tco": ratio(r["fp8_tf"] / 1000, tco / 1e6),
        "energy_mwh_per_year": site_kwh / 1000,
        "it_energy_mwh_per_year": it_kwh / 1000,
        "co2_t_per_year": site_kwh * setting("carbon_kg_per_kwh") / 1000,
        "water_m3_per_year": it_kwh * setting("wue_l_per_kwh") / 1000,
    }


def reference_metrics(
    row: Row, design: Design, catalog: Catalog, plane: str = "value", area: float | None = None
) -> dict[str, float]:
    """Every metric from one row (already multiplied out), by its definition."""
    r: Row = defaultdict(float, row)
    it_kw = r["it_w"] / 1000
    floor = r["footprint"] if area is None else area
    out = {
        **{name: r[name] for name in KIND_COUNT.values() if name != "other_parts"},
        "accelerator_dies": r["dies"],
        **{
            f"{role}_cabinets": r[f"{role}_cabinets"]
            for role in ("compute", "network", "storage", "infrastructure")
        },
        "cabinets": r["cabinets"],
        "servers": r["servers"],
        "supernodes": r["supernodes"],
        "pods": r["pods"],
        "scaleup_domains": r["domains"],
        "scaleup_domain_chips": r["max_domain_chips"],
        **{f"{p}_pflops": r[f"{p}_tf"] / 1000 for p in ("fp8", "fp4", "bf16")},
        **{f"{p}_sparse_pflops": r[f"{p}_sparse_tf"] / 1000 for p in ("fp8", "fp4", "bf16")},
        "hbm_capacity_tb": r["hbm_gb"] / 1000,
        "hbm_capacity_tb_binary": r["hbm_gb"] / 1024,
        "hbm_bandwidth_tbps": r["hbm_tbps"],
        "cpu_memory_tb": r["cpu_mem_gb"] / 1000,
        "cpu_memory_bandwidth_tbps": r["cpu_mem_tbps"],
        "fast_memory_tb": r["fast_gb"] / 1000,
        "scaleup_bandwidth_tbps": r["scaleup_gbps"] / 1000,
        "scaleup_domain_bandwidth_tbps": r["max_domain_scaleup_gbps"] / 1000,
        "scaleup_bandwidth_per_chip_gbps": ratio(r["scaleup_gbps"], r["chips"]),
        "scaleout_bandwidth_tbps": r["nic_gbit"] / 8 / 1000,
        "scaleout_bandwidth_per_chip_gbps": ratio(r["nic_gbit"] / 8, r["chips"]),
        **{name: r[name] for name in KIND_POWER.values()},
        "overhead_power_kw": r["overhead_w"] / 1000,
        "it_power_kw": it_kw,
        "it_power_typical_kw": r["typical_w"] / 1000,
        "network_power_kw": r["network_w"] / 1000,
        "network_power_share": ratio(r["network_w"], r["it_w"]),
        **facility_chain(r, design, catalog, plane),
        "weight_kg": r["weight"],
        "floor_load_max_kg_per_m2": r["max_floor_load"],
        "cabinets_over_floor_rating": r["over_floor"],
        "unpriced_parts": r["unpriced"],
        "cabinet_power_mean_kw": ratio(r["cabinet_w"] / 1000, r["cabinets"]),
        "cabinet_power_max_kw": r["max_cabinet_w"] / 1000,
        "cabinets_over_cooling_limit": r["over_cooling"],
        "power_capacity_kw": r["capacity_w"] / 1000,
        "cabinets_over_power_capacity": r["over_capacity"],
        "bisection_bandwidth_tbps": r["max_bisection_gbit"] / 8 / 1000,
        "fabric_problems": r["fabric_problems"],
        "floor_area_m2": floor,
        "footprint_area_m2": r["footprint"],
        "fp8_pflops_per_m2": ratio(r["fp8_tf"] / 1000, floor),
        "fp8_pflops_per_kw": ratio(r["fp8_tf"] / 1000, it_kw),
        "fp8_tflops_per_w": ratio(r["fp8_tf"], r["it_w"]),
        "bf16_pflops_per_kw": ratio(r["bf16_tf"] / 1000, it_kw),
        "hbm_gb_per_fp8_pflop": ratio(r["hbm_gb"], r["fp8_tf"] / 1000),
        "hbm_bytes_per_fp8_flop": ratio(r["hbm_tbps"] * 1e12, r["fp8_tf"] * 1e12),
    }
    return out


def scaled(row: Row, times: float) -> Row:
    """A row for `times` instances: sums multiply, maxima stay."""
    return {k: v if k in MAXED else v * times for k, v in row.items()}


def reference_totals(design: Design, catalog: Catalog, plane: str = "value") -> dict[str, float]:
    """The design's metrics by the definitions (with a row layout, the area follows from it)."""
    row = scaled(reference_rows(design, catalog, plane)[()], design.root.count)
    area = None
    if design.floor is not None:
        f = design.floor  # rows of cabinets, each row its cabinets' fronts long and one aisle deep
        rows = -(-round(row.get("cabinets", 0)) // f.cabinets_per_row)
        area = rows * f.cabinets_per_row * f.cabinet_width_m * (f.cabinet_depth_m + f.aisle_m)
    return reference_metrics(row, design, catalog, plane, area)
