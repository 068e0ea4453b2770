"""Evaluate a design: check, pack, run the kernel, and turn the columns into metrics."""

from __future__ import annotations

import math
from dataclasses import dataclass, fields

import numpy as np

from ascend_tui.engine import columns as c
from ascend_tui.engine.metrics import Metrics, metrics_from_row
from ascend_tui.engine.pack import Floats, Ints, PackedDesign, pack
from ascend_tui.model.catalog import Catalog, load_catalog
from ascend_tui.model.design import Design, Path
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.validate import check_design, resolve_parts

EXACT_LIMIT = 2.0**53  # float64 counts are exact up to here
COUNTED = ("chips", "cpus", "switches", "transceivers", "cabinets", "supernodes")


@dataclass(frozen=True)
class Evaluation:
    """The kernel's output for a packed design: per-instance rows for every node."""

    packed: PackedDesign
    unit: Floats
    flags: Ints

    def row(self, path: Path) -> tuple[Floats, int]:
        """The accumulated row of one instance of the node at `path`, and its estimate flags."""
        p = self.packed
        if path in p.leaf_index:
            j = p.leaf_index[path]
            part = p.leaf_part[j]
            return p.part_rows[part] * float(p.leaf_count[j]), int(p.part_flags[part])
        i = p.node_index[path]
        return self.unit[i], int(self.flags[i])

    def node(self, path: Path = (), *, all_instances: bool = False) -> Metrics:
        """Metrics of one instance of a node, or of all its instances in the design."""
        row, flags = self.row(path)
        times = self.packed.multiplicity(path) if all_instances else 1
        return metrics_from_row(c.scale(row, float(times)), flags, self.packed.pue)

    def cabinets_over_limit(self, most: int = 20) -> list[Path]:
        """Up to `most` cabinet nodes whose power exceeds their cooling kind's limit, hottest first."""
        cabinet = self.packed.kind == c.CABINET
        over = np.nonzero(cabinet & (self.unit[:, c.COL["cabinets_over_cooling_limit"]] > 0))[0]
        over = over[np.argsort(-self.unit[over, c.COL["it_power_w"]])][:most]
        return [self.packed.node_paths[int(i)] for i in over]

    def hottest_cabinet(self) -> Path | None:
        """The cabinet node that draws the most power, or None if there is no cabinet."""
        cabinets = np.nonzero(self.packed.kind == c.CABINET)[0]
        if len(cabinets) == 0:
            return None
        return self.packed.node_paths[int(cabinets[np.argmax(self.unit[cabinets, c.COL["it_power_w"]])])]

    def totals(self) -> Metrics:
        """Metrics of the whole design; with a row layout, the floor area follows from its rows."""
        row, flags = self.row(())
        whole = c.scale(row, float(self.packed.multiplicity(())))
        floor = self.packed.floor
        area = None if floor is None else floor.area_m2(round(whole[c.COL["cabinets"]]))
        return metrics_from_row(whole, flags, self.packed.pue, area)


def run(packed: PackedDesign) -> Evaluation:
    """Run the kernel over packed arrays; refuse totals that float64 cannot count exactly, and
    totals too large to compute at all (absurd part figures times large counts)."""
    from ascend_tui.engine.kernels import accumulate  # compiled or loaded from cache on first use

    # Absurd figures may overflow to inf: that is found and refused below, not warned about.
    with np.errstate(over="ignore", invalid="ignore"):
        unit, flags = accumulate(*packed.kernel_inputs(), c.LAYOUT)
        root = c.scale(unit[packed.root], float(packed.count[packed.root]))
    evaluation = Evaluation(packed, unit, flags)
    for name in COUNTED:
        if not root[c.COL[name]] <= EXACT_LIMIT:
            why = f"the design totals {root[c.COL[name]]:.3g} {name}, more than can be counted exactly (2^53)"
            raise DesignError([Problem("design", why + "; reduce a count")])
    overflowed = [name for name, value in zip(c.NAMES, root, strict=True) if not math.isfinite(value)]
    if not overflowed:
        totals = evaluation.totals()
        overflowed = [
            f.name
            for f in fields(totals)
            if isinstance(v := getattr(totals, f.name), float) and math.isinf(v)
        ]
    if overflowed:
        why = f"the design's {overflowed[0]} adds up to more than 1.8e308, too large to compute"
        raise DesignError([Problem("design", why + "; check the part figures and counts")])
    return evaluation


def evaluate(design: Design, catalog: Catalog | None = None) -> Evaluation:
    """Check, pack and evaluate a design; DesignError lists its problems."""
    catalog = catalog or load_catalog()
    problems = check_design(design, catalog)
    if problems:
        raise DesignError(problems)
    parts, _ = resolve_parts(design, catalog)
    return run(pack(design, parts, catalog))
