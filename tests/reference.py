"""A slow, obvious evaluator over the dataclasses, to check the jitted kernel and the results
layer against.

Written from the definitions, not from the engine: plain recursion over the blocks, figures read
straight from the catalog's Figure fields (a bandwidth quoted per direction is doubled here, by
hand), each metric's formula written out below. It imports nothing from ascend_tui.engine.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ascend_tui.model.catalog import Catalog, Figure, Part
from ascend_tui.model.design import Block, Design, NodePath, PartCount
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
MAXED = ("max_domain_chips", "max_domain_scaleup_gbps", "max_cabinet_w")


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
    return 2 * value if f.direction == "each" else value


def part_row(part: Part, n: int, plane: str) -> Row:
    row: Row = defaultdict(float)
    row[KIND_COUNT[part.kind]] = n
    power = figure(part, "power_w", plane)
    typical = figure(part, "power_typical_w", plane) if "power_typical_w" in part.figures else power
    row[KIND_POWER[part.kind]] = n * power / 1000
    row["it_w"] = n * power
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
    return row


def reference_rows(design: Design, catalog: Catalog, plane: str = "value") -> dict[NodePath, Row]:
    """For every node: one instance's sums, at the value or one end of the estimate ranges."""
    parts, problems = resolve_parts(design, catalog)
    assert not problems, problems
    out: dict[NodePath, Row] = {}

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
        for key in ("it_w", "typical_w", "network_w"):
            row[key] *= 1 + node.power_overhead
        if node.kind == "cabinet":
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
    return a / b if b > 0 else math.nan


def reference_metrics(row: Row, pue: float, area: float | None = None) -> dict[str, float]:
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
        "overhead_power_kw": it_kw - sum(r[name] for name in KIND_POWER.values()),
        "it_power_kw": it_kw,
        "it_power_typical_kw": r["typical_w"] / 1000,
        "network_power_kw": r["network_w"] / 1000,
        "network_power_share": ratio(r["network_w"], r["it_w"]),
        "pue": pue,
        "facility_power_kw": it_kw * pue,
        "cabinet_power_mean_kw": ratio(r["cabinet_w"] / 1000, r["cabinets"]),
        "cabinet_power_max_kw": r["max_cabinet_w"] / 1000,
        "cabinets_over_cooling_limit": r["over_cooling"],
        "power_capacity_kw": r["capacity_w"] / 1000,
        "cabinets_over_power_capacity": r["over_capacity"],
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
        area = design.floor.area_m2(round(row.get("cabinets", 0)))
    return reference_metrics(row, design.pue, area)
