"""A slow, obvious evaluator over the dataclasses, to check the jitted kernel against.

Written from the metric definitions, not from the kernel: plain loops, named columns.
"""

from __future__ import annotations

from collections import defaultdict

from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Cabinet, Design, Node, PartCount, Path, Supernode, children
from ascend_tui.model.validate import resolve_parts

FIGURE_COLUMNS = (
    "fp8_tflops",
    "fp4_tflops",
    "bf16_tflops",
    "hbm_gb",
    "hbm_tbps",
    "scaleup_gbps",
    "scaleout_gbps",
)
MAX_COLUMNS = ("max_cabinet_w", "max_domain_chips")
KIND_COUNT = {
    "accelerator": "chips",
    "cpu": "cpus",
    "switch": "switches",
    "transceiver": "transceivers",
    "other": "other_parts",
}
KIND_POWER = {
    "accelerator": "power_accelerators_w",
    "cpu": "power_cpus_w",
    "switch": "power_switches_w",
    "transceiver": "power_optics_w",
    "other": "power_other_w",
}

Row = dict[str, float]


def reference_evaluate(design: Design, catalog: Catalog) -> dict[Path, tuple[Row, set[str]]]:
    """For every node: one instance's column values and the columns that rest on estimates."""
    parts, problems = resolve_parts(design, catalog)
    assert not problems, problems
    out: dict[Path, tuple[Row, set[str]]] = {}

    def visit(path: Path, node: Node) -> tuple[Row, set[str]]:
        row: Row = defaultdict(float)
        estimated: set[str] = set()
        if isinstance(node, PartCount):
            part = parts[node.part]
            n = node.count
            row[KIND_COUNT[part.kind]] = n
            for column in FIGURE_COLUMNS:
                figure = part.figures.get(column)
                if figure is not None and figure.supported:
                    row[column] = n * figure.value
                    if figure.estimate:
                        estimated.add(column)
            power = part.figures.get("power_w")
            if power is not None:
                row[KIND_POWER[part.kind]] = n * power.value
                row["it_power_w"] = n * power.value
                if power.estimate:
                    estimated.update({KIND_POWER[part.kind], "it_power_w", "max_cabinet_w"})
            if part.kind == "accelerator":
                for precision in ("fp8", "fp4", "bf16"):
                    figure = part.figures.get(f"{precision}_tflops")
                    if figure is None or not figure.supported:
                        row[f"chips_without_{precision}"] = n
            out[path] = (row, estimated)
            return row, estimated
        for i, kid in enumerate(children(node)):
            kid_row, kid_estimated = visit((*path, i), kid)
            times = 1 if isinstance(kid, PartCount) else kid.count
            for column, value in kid_row.items():
                if column in MAX_COLUMNS:
                    row[column] = max(row[column], value)
                else:
                    row[column] += times * value
            estimated |= kid_estimated
        if isinstance(node, Cabinet):
            extra = node.power_overhead * row["it_power_w"]
            row["power_overhead_w"] += extra
            row["it_power_w"] += extra
            row["cabinets"] += 1
            row[f"{node.role}_cabinets"] += 1
            row["floor_m2"] += node.footprint_m2
            row["max_cabinet_w"] = max(row["max_cabinet_w"], row["it_power_w"])
            if row["it_power_w"] > catalog.cooling[node.cooling].max_cabinet_kw.value * 1000:
                row["cabinets_over_cooling_limit"] += 1
            if "footprint_m2" in node.estimated:
                estimated.add("floor_m2")
            if "power_overhead" in node.estimated and node.power_overhead > 0:
                estimated.update({"power_overhead_w", "it_power_w", "max_cabinet_w"})
        if isinstance(node, Supernode):
            row["supernodes"] += 1
            row["max_domain_chips"] = max(row["max_domain_chips"], row["chips"])
        out[path] = (row, estimated)
        return row, estimated

    visit((), design.root)
    return out
