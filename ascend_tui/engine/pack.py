"""Pack a design into structure-of-arrays for the kernels, and update counts in place."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ascend_tui.engine import columns as c
from ascend_tui.model.catalog import FIGURES, PRECISIONS, Catalog, Part
from ascend_tui.model.design import Cabinet, Cluster, Design, FloorLayout, Node, Path, Supernode, children

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]
_KIND = {Cabinet: c.CABINET, Supernode: c.SUPERNODE, Cluster: c.CLUSTER}


def part_row(part: Part) -> tuple[Floats, int]:
    """One part's contribution to each column, and the bits of the columns fed by estimates."""
    row = np.zeros(c.WIDTH)
    flags = 0
    row[c.COL[c.COUNT_COLUMN[part.kind]]] = 1.0
    for figure in FIGURES:
        f = part.figures.get(figure)
        if f is None:
            continue
        # Figure names double as column names; power also feeds its kind's share and the total.
        targets = [c.POWER_COLUMN[part.kind], "it_power_w"] if figure == "power_w" else [figure]
        for name in targets:
            row[c.COL[name]] += part.value(figure)
        if f.estimate:
            flags |= c.bit(*targets, *(["max_cabinet_w"] if figure == "power_w" else []))
    if part.kind == "accelerator":
        for precision in PRECISIONS:
            if not part.supports(precision):
                row[c.COL["chips_without_" + precision.split("_")[0]]] = 1.0
    return row, flags


@dataclass
class PackedDesign:
    """A design as arrays: internal nodes (cabinets and up) in post-order, parts as leaves."""

    parts: list[Part]
    part_rows: Floats
    part_flags: Ints
    leaf_parent: Ints
    leaf_part: Ints
    leaf_count: Ints
    parent: Ints
    count: Ints
    kind: Ints
    role_column: Ints
    footprint: Floats
    overhead: Floats
    limit_w: Floats
    node_flags: Ints
    pue: float
    floor: FloorLayout | None = None
    node_index: dict[Path, int] = field(default_factory=dict)
    leaf_index: dict[Path, int] = field(default_factory=dict)
    node_paths: list[Path] = field(default_factory=list)  # kernel row -> path

    def kernel_inputs(
        self,
    ) -> tuple[Ints, Ints, Ints, Ints, Ints, Ints, Ints, Floats, Floats, Floats, Ints, Floats, Ints]:
        """The arrays the kernel reads, in its argument order (the column layout comes last)."""
        return (
            self.leaf_parent,
            self.leaf_part,
            self.leaf_count,
            self.parent,
            self.count,
            self.kind,
            self.role_column,
            self.footprint,
            self.overhead,
            self.limit_w,
            self.node_flags,
            self.part_rows,
            self.part_flags,
        )

    @property
    def root(self) -> int:
        return len(self.parent) - 1

    def set_count(self, path: Path, count: int) -> None:
        """Change one node's count without re-packing (the design must be changed alike)."""
        if path in self.leaf_index:
            self.leaf_count[self.leaf_index[path]] = count
        else:
            self.count[self.node_index[path]] = count

    def multiplicity(self, path: Path) -> int:
        """How many instances of the node at `path` the design holds (a part entry's own count
        is part of its row, so only the nodes above it multiply)."""
        times = 1
        for end in range(len(path) + 1):
            sub = path[:end]
            if sub in self.node_index:
                times *= int(self.count[self.node_index[sub]])
        return times


def pack(design: Design, parts: dict[str, Part], catalog: Catalog) -> PackedDesign:
    """Arrays for a checked design; `parts` resolves every part id the design uses."""
    part_ids: dict[str, int] = {}
    used: list[Part] = []
    leaf_parent: list[int] = []
    leaf_part: list[int] = []
    leaf_count: list[int] = []
    leaf_index: dict[Path, int] = {}
    parent: list[int] = []
    count: list[int] = []
    kind: list[int] = []
    role: list[int] = []
    footprint: list[float] = []
    overhead: list[float] = []
    limit: list[float] = []
    node_flags: list[int] = []
    node_index: dict[Path, int] = {}
    node_paths: list[Path] = []

    def visit(path: Path, node: Node) -> int:
        kids = children(node)
        if isinstance(node, Cabinet):
            leaves = []
            for i, pc in enumerate(node.parts):
                if pc.part not in part_ids:
                    part_ids[pc.part] = len(used)
                    used.append(parts[pc.part])
                leaf_index[(*path, i)] = len(leaf_part)
                leaves.append(len(leaf_part))
                leaf_part.append(part_ids[pc.part])
                leaf_count.append(pc.count)
                leaf_parent.append(-1)
            child_rows: list[int] = []
        else:
            leaves = []
            child_rows = [visit((*path, i), kid) for i, kid in enumerate(kids)]
        me = len(parent)
        for j in leaves:
            leaf_parent[j] = me
        for r in child_rows:
            parent[r] = me
        parent.append(-1)
        count.append(node.count)
        kind.append(_KIND[type(node)])
        node_index[path] = me
        node_paths.append(path)
        flags = 0
        if isinstance(node, Cabinet):
            cooling = catalog.cooling[node.cooling]
            role.append(c.COL[f"{node.role}_cabinets"])
            footprint.append(node.footprint_m2)
            overhead.append(node.power_overhead)
            limit.append(cooling.max_cabinet_kw.value * 1000.0)
            if "footprint_m2" in node.estimated:
                flags |= c.bit("floor_m2")
            if "power_overhead" in node.estimated and node.power_overhead > 0:
                flags |= c.bit("power_overhead_w", "it_power_w", "max_cabinet_w")
        else:
            role.append(c.COL["cabinets"])
            footprint.append(0.0)
            overhead.append(0.0)
            limit.append(np.inf)
        node_flags.append(flags)
        return me

    visit((), design.root)
    rows = [part_row(p) for p in used]
    part_rows = np.array([r for r, _ in rows], dtype=np.float64).reshape(len(rows), c.WIDTH)
    i64 = np.int64
    return PackedDesign(
        parts=used,
        part_rows=np.ascontiguousarray(part_rows),
        part_flags=np.array([f for _, f in rows], dtype=i64),
        leaf_parent=np.array(leaf_parent, dtype=i64),
        leaf_part=np.array(leaf_part, dtype=i64),
        leaf_count=np.array(leaf_count, dtype=i64),
        parent=np.array(parent, dtype=i64),
        count=np.array(count, dtype=i64),
        kind=np.array(kind, dtype=i64),
        role_column=np.array(role, dtype=i64),
        footprint=np.array(footprint, dtype=np.float64),
        overhead=np.array(overhead, dtype=np.float64),
        limit_w=np.array(limit, dtype=np.float64),
        node_flags=np.array(node_flags, dtype=i64),
        pue=design.pue,
        floor=design.floor,
        node_index=node_index,
        leaf_index=leaf_index,
        node_paths=node_paths,
    )
