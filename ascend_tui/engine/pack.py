"""Pack a design into structure-of-arrays for the kernels, and change counts in place."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ascend_tui.engine import columns as c
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import Block, Design, FloorLayout, NodePath

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass
class PackedDesign:
    """A design as arrays: blocks in post-order (the top block last), parts as leaves grouped by
    the block that holds them, and the distinct parts the design uses."""

    parts: list[Part]
    part_power: Floats  # (3, P): maximum power, its low and its high
    part_chip: Floats  # 1 for an accelerator
    part_scaleup: Floats  # scale-up GB/s, both directions
    parent: Ints
    count: Ints
    slot: Ints  # the block's row, or -1 for a block that holds only parts
    kind: Ints
    scaleup: Ints
    role: Ints
    leaf_start: Ints
    leaf_end: Ints
    kid_start: Ints
    kid_end: Ints
    bits: Ints  # estimated properties of the block itself (columns.PROPERTY_BITS)
    overhead: Floats
    footprint: Floats
    limit_w: Floats
    capacity_w: Floats
    kids: Ints
    leaf_part: Ints
    leaf_count: Ints
    pue: float
    floor: FloorLayout | None = None

    @property
    def root(self) -> int:
        return len(self.parent) - 1

    @property
    def rows(self) -> int:
        """How many blocks have a row of their own."""
        return int(self.slot.max()) + 1

    def tree_inputs(self) -> tuple[npt.NDArray[np.generic], ...]:
        """The arrays the kernels read, in their argument order (before the outputs)."""
        return (
            self.parent,
            self.count,
            self.slot,
            self.kind,
            self.scaleup,
            self.role,
            self.leaf_start,
            self.leaf_end,
            self.kid_start,
            self.kid_end,
            self.bits,
            self.overhead,
            self.footprint,
            self.limit_w,
            self.capacity_w,
            self.kids,
            self.leaf_part,
            self.leaf_count,
            self.part_power,
            self.part_chip,
            self.part_scaleup,
        )

    def locate(self, path: NodePath) -> tuple[str, int]:
        """('block', index) or ('leaf', index) of the node at `path`."""
        i = self.root
        for step, child in enumerate(path):
            blocks = int(self.kid_end[i] - self.kid_start[i])
            if child >= blocks:
                if step != len(path) - 1:
                    raise IndexError(path)
                j = int(self.leaf_start[i]) + child - blocks
                if j >= self.leaf_end[i]:
                    raise IndexError(path)
                return "leaf", j
            i = int(self.kids[self.kid_start[i] + child])
        return "block", i

    def path_of(self, block: int) -> NodePath:
        """The path of a block from its index (walking up; for reports, not hot loops)."""
        path: list[int] = []
        i = block
        while self.parent[i] >= 0:
            p = int(self.parent[i])
            siblings = self.kids[self.kid_start[p] : self.kid_end[p]]
            path.append(int(np.nonzero(siblings == i)[0][0]))
            i = p
        return tuple(reversed(path))

    def set_count(self, path: NodePath, count: int) -> int:
        """Change one node's count without re-packing (the design must be changed alike); returns
        the block whose row the change starts from (the lowest block with a row that holds it)."""
        what, i = self.locate(path)
        if what == "leaf":
            self.leaf_count[i] = count
            holder = self.locate(path[:-1])[1]
        else:
            self.count[i] = count
            holder = int(self.parent[i]) if i != self.root else i
        while self.slot[holder] < 0:
            holder = int(self.parent[holder])
        return holder

    def ancestors_with_rows(self, block: int) -> Ints:
        """`block` (which has a row) and every block above it, children before parents."""
        out = [block]
        while self.parent[out[-1]] >= 0:
            out.append(int(self.parent[out[-1]]))
        return np.array(out, dtype=np.int64)

    def multiplicity(self, path: NodePath) -> int:
        """How many instances of the node at `path` the design holds (a part entry's own count is
        part of the figures, so only the blocks above it multiply)."""
        i = self.root
        times = int(self.count[i])
        for step, child in enumerate(path):
            blocks = int(self.kid_end[i] - self.kid_start[i])
            if child >= blocks and step == len(path) - 1:
                return times
            i = int(self.kids[self.kid_start[i] + child])
            times *= int(self.count[i])
        return times


def _bits(block: Block) -> int:
    bits = 0
    for name, bit in c.PROPERTY_BITS.items():
        if name in block.estimated and (name != "power_overhead" or block.power_overhead > 0):
            bits |= bit
    return bits


def pack(design: Design, parts: dict[str, Part], catalog: Catalog) -> PackedDesign:
    """Arrays for a checked design; `parts` resolves every part id the design uses."""
    # Pre-order with the children pushed in order pops them last-first; reversed, it is a
    # post-order whose children keep their order.
    pre: list[Block] = []
    pre_parent: list[int] = []
    stack: list[tuple[Block, int]] = [(design.root, -1)]
    while stack:
        block, up = stack.pop()
        me = len(pre)
        pre.append(block)
        pre_parent.append(up)
        stack.extend((kid, me) for kid in block.blocks)
    n = len(pre)
    blocks = pre[::-1]
    parent = np.array([-1 if p < 0 else n - 1 - p for p in reversed(pre_parent)], dtype=np.int64)

    kid_lists: list[list[int]] = [[] for _ in range(n)]
    for i in range(n - 1):
        kid_lists[int(parent[i])].append(i)
    kid_start = np.zeros(n, dtype=np.int64)
    kid_end = np.zeros(n, dtype=np.int64)
    kids: list[int] = []
    for i, lst in enumerate(kid_lists):
        kid_start[i] = len(kids)
        kids.extend(lst)
        kid_end[i] = len(kids)

    part_index: dict[str, int] = {}
    used: list[Part] = []
    leaf_start = np.zeros(n, dtype=np.int64)
    leaf_end = np.zeros(n, dtype=np.int64)
    leaf_part: list[int] = []
    leaf_count: list[int] = []
    for i, block in enumerate(blocks):
        leaf_start[i] = len(leaf_part)
        for pc in block.parts:
            q = part_index.get(pc.part)
            if q is None:
                q = part_index[pc.part] = len(used)
                used.append(parts[pc.part])
            leaf_part.append(q)
            leaf_count.append(pc.count)
        leaf_end[i] = len(leaf_part)

    slot = np.full(n, -1, dtype=np.int64)
    rows = 0
    for i, block in enumerate(blocks):
        if block.blocks or i == n - 1:
            slot[i] = rows
            rows += 1

    def floats(values: list[float]) -> Floats:
        return np.array(values, dtype=np.float64)

    def ints(values: list[int]) -> Ints:
        return np.array(values, dtype=np.int64)

    cooling = {cid: k.max_cabinet_kw.value * 1000.0 for cid, k in catalog.cooling.items()}
    power = np.zeros((3, len(used)))
    for q, part in enumerate(used):
        power[0, q] = part.value("power_w")
        power[1, q], power[2, q] = part.bounds("power_w")
    return PackedDesign(
        parts=used,
        part_power=power,
        part_chip=floats([1.0 if p.kind == "accelerator" else 0.0 for p in used]),
        part_scaleup=floats([p.value("scaleup_gbps") for p in used]),
        parent=parent,
        count=ints([b.count for b in blocks]),
        slot=slot,
        kind=ints([c.KIND_CODE[b.kind] for b in blocks]),
        scaleup=ints([int(b.scaleup) for b in blocks]),
        role=ints([c.ROLE_CODE[b.role] if b.is_cabinet else 0 for b in blocks]),
        leaf_start=leaf_start,
        leaf_end=leaf_end,
        kid_start=kid_start,
        kid_end=kid_end,
        bits=ints([_bits(b) for b in blocks]),
        overhead=floats([b.power_overhead for b in blocks]),
        footprint=floats([b.footprint_m2 if b.is_cabinet else 0.0 for b in blocks]),
        limit_w=floats([cooling[b.cooling] if b.is_cabinet else np.inf for b in blocks]),
        capacity_w=floats([b.power_capacity_kw * 1000.0 if b.is_cabinet else 0.0 for b in blocks]),
        kids=ints(kids),
        leaf_part=ints(leaf_part),
        leaf_count=ints(leaf_count),
        pue=design.pue,
        floor=design.floor,
    )
