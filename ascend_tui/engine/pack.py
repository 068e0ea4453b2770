"""Pack a design into structure-of-arrays for the kernels, and change counts in place."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import numpy.typing as npt

from ascend_tui.engine import columns as c
from ascend_tui.engine import kernels as k
from ascend_tui.engine.facility import Plant
from ascend_tui.model.catalog import Catalog, Part
from ascend_tui.model.design import HOLDS_PARTS, Block, Design, FloorLayout, NodePath
from ascend_tui.model.fabrics import ScaleoutFabric, ScaleupFabric
from ascend_tui.model.facility import site_of
from ascend_tui.model.figures import Figure
from ascend_tui.model.problems import DesignError, Problem

Floats = npt.NDArray[np.float64]
Ints = npt.NDArray[np.int64]


@dataclass
class PackedDesign:
    """A design as arrays: blocks in post-order (the top block last), parts as leaves grouped by
    the block that holds them, the distinct parts the design uses (and those its fabrics derive,
    as entries of their own), and the fabrics."""

    parts: list[Part]
    derived: list[str]  # for each part entry: "" when typed, else the fabric that derives it
    part_info: Floats  # (kernels.PART_INFO, P)
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
    fabric_start: Ints
    fabric_end: Ints
    bits: Ints  # estimated properties of the block itself (columns.PROPERTY_BITS)
    props: Floats  # (B, kernels.BLOCK_PROPS)
    kids: Ints
    leaf_part: Ints
    leaf_count: Ints
    fabrics: Floats  # (F, kernels.FABRIC_PARAMS)
    fabric_names: list[str]  # for each fabric: "scale-up fabric of supernode 'X'" and the like
    plant: Plant
    plant_cdu: Part  # the CDU the cooling plant adds
    floor: FloorLayout | None = None

    @property
    def root(self) -> int:
        return len(self.parent) - 1

    @property
    def work(self) -> int:
        """How much a full kernel run has to do: blocks plus part entries."""
        return len(self.parent) + len(self.leaf_part)

    @cached_property
    def _layout(self) -> tuple[Ints, int]:
        """For each block row, the row of its first group of kernels.GROUP children (the groups'
        rows follow the blocks' rows), or -1 for a block that adds up its children in its own row;
        and how many rows there are in all."""
        with_row = np.flatnonzero(self.slot >= 0)
        children = (self.kid_end - self.kid_start)[with_row]
        grouped = np.where(children > k.GROUP, (children + k.GROUP - 1) // k.GROUP, 0)
        first = len(with_row) + np.cumsum(grouped) - grouped
        groups = np.full(len(with_row), -1, dtype=np.int64)
        groups[self.slot[with_row]] = np.where(grouped > 0, first, -1)
        return groups, len(with_row) + int(grouped.sum())

    @property
    def groups(self) -> Ints:
        return self._layout[0]

    @property
    def rows(self) -> int:
        """How many rows the kernels fill: one per block that has a row, then the groups'."""
        return self._layout[1]

    def tree_inputs(self) -> tuple[Any, ...]:
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
            self.fabric_start,
            self.fabric_end,
            self.bits,
            self.props,
            self.kids,
            self.leaf_part,
            self.leaf_count,
            self.part_info,
            self.fabrics,
            self.groups,
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

    def set_count(self, path: NodePath, count: int) -> tuple[Ints, Ints]:
        """Change one node's count without re-packing (the design must be changed alike). Returns
        the blocks whose rows the change touches, children before parents, and for each where
        in `kids` the child it changed through sits (kernels.NO_CHILD where only its own parts
        did): what kernels.recompute takes."""
        what, i = self.locate(path)
        if what == "leaf":
            self.leaf_count[i] = count
        else:
            self.count[i] = count
        blocks, via = [self.root], [k.NO_CHILD]
        for child in path:
            b = blocks[-1]
            if child >= self.kid_end[b] - self.kid_start[b]:
                break  # a part entry of b's own
            via[-1] = int(self.kid_start[b]) + child
            blocks.append(int(self.kids[via[-1]]))
            via.append(k.NO_CHILD)
        if what == "block" and len(blocks) > 1:
            blocks.pop()  # a block's own row is one instance of it: its count changes its parent's
            via.pop()
        rowed = [(b, v) for b, v in zip(blocks, via, strict=True) if self.slot[b] >= 0]
        return (
            np.array([b for b, _ in reversed(rowed)], dtype=np.int64),
            np.array([v for _, v in reversed(rowed)], dtype=np.int64),
        )

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


def _defaults(block: Block, catalog: Catalog) -> dict[str, Figure]:
    """The catalog's price and weight for a cabinet or server that does not state its own."""
    if block.is_cabinet:
        kind = catalog.cooling[block.cooling]
        return {"price_usd": kind.cabinet_price_usd, "weight_kg": kind.cabinet_weight_kg}
    if block.kind == "server":
        return {"price_usd": catalog.server.price_usd, "weight_kg": catalog.server.weight_kg}
    return {}


def _bits(block: Block, defaults: dict[str, Figure], catalog: Catalog, weighed: bool) -> int:
    """The block's properties that rest on an estimate: marked so, or the catalog's estimate (for
    its own price and weight, and for the network cabinets its fabrics fill). `weighed`: a block
    above states its weight with everything in it, so this one's weight does not count."""
    bits = 0
    for name, bit in c.PROPERTY_BITS.items():
        marked = name in block.estimated and (name != "power_overhead" or block.power_overhead > 0)
        defaulted = name in defaults and getattr(block, name) is None and defaults[name].estimate
        if (marked or defaulted) and not (name == "weight_kg" and weighed):
            bits |= bit
    for fabric in (block.scaleup_fabric, block.scaleout_fabric):
        if fabric is not None:
            cooling = catalog.cooling[fabric.cabinets.cooling]
            if cooling.cabinet_price_usd.estimate:
                bits |= c.PROPERTY_BITS["price_usd"]
            if cooling.cabinet_weight_kg.estimate and not weighed and block.weight_kg is None:
                bits |= c.PROPERTY_BITS["weight_kg"]
    return bits


def _weighed(blocks: list[Block], parent: Ints) -> list[bool]:
    """For each block (in post-order), whether a block above it states its weight with all it holds."""
    out = [False] * len(blocks)
    for i in range(len(blocks) - 1, -1, -1):  # parents before children
        p = int(parent[i])
        out[i] = p >= 0 and (out[p] or blocks[p].weight_kg is not None)
    return out


def _props(block: Block, defaults: dict[str, Figure], catalog: Catalog, floor_rating: float) -> list[float]:
    """A block's row of kernels.BLOCK_PROPS."""
    p = dict.fromkeys(k.BLOCK_PROPS, 0.0)
    p["overhead"] = block.power_overhead
    p["limit_w"] = np.inf
    for name, key in (("price_usd", "price"), ("weight_kg", "weight")):
        if name in defaults:
            stated = getattr(block, name)
            low, high = (stated, stated) if stated is not None else defaults[name].ends
            value = stated if stated is not None else defaults[name].value
            p[key], p[f"{key}_low"], p[f"{key}_high"] = value, low, high
    p["weight_stated"] = float(block.weight_kg is not None)
    if block.is_cabinet:
        cooling = catalog.cooling[block.cooling]
        p.update(
            footprint_m2=block.footprint_m2,
            limit_w=cooling.max_cabinet_kw.value * 1000.0,
            capacity_w=block.power_capacity_kw * 1000.0,
            floor_rating=floor_rating,
            liquid=float(cooling.liquid),
        )
    return [p[key] for key in k.BLOCK_PROPS]


_AT = {key: i for i, key in enumerate(k.BLOCK_PROPS)}


def _props_rows(blocks: list[Block], catalog: Catalog, floor_rating: float) -> Floats:
    """Every block's row of kernels.BLOCK_PROPS, as `_props` gives it, worked out by columns: the
    row of a block of its kind (and cooling) that states nothing, then what each block states."""
    rows: dict[tuple[str, str], int] = {}
    templates: list[list[float]] = []
    which: list[int] = []
    for b in blocks:
        kind = (b.kind, b.cooling if b.is_cabinet else "")
        row = rows.get(kind)
        if row is None:
            plain = Block(b.kind, "", cooling=b.cooling)
            row = rows[kind] = len(templates)
            templates.append(_props(plain, _defaults(plain, catalog), catalog, floor_rating))
        which.append(row)
    props = np.array(templates, dtype=np.float64).reshape(len(templates), len(k.BLOCK_PROPS))[which]
    props[:, _AT["overhead"]] = [b.power_overhead for b in blocks]
    props[:, _AT["weight_stated"]] = [float(b.weight_kg is not None) for b in blocks]
    cabinets = [i for i, b in enumerate(blocks) if b.is_cabinet]
    props[cabinets, _AT["footprint_m2"]] = [blocks[i].footprint_m2 for i in cabinets]
    props[cabinets, _AT["capacity_w"]] = [blocks[i].power_capacity_kw * 1000.0 for i in cabinets]
    for name, key in (("price_usd", "price"), ("weight_kg", "weight")):
        # A stated price or weight counts for blocks that have catalog defaults (cabinets, servers).
        stated = [i for i, b in enumerate(blocks) if b.kind in HOLDS_PARTS and getattr(b, name) is not None]
        values = [getattr(blocks[i], name) for i in stated]
        for column in (key, f"{key}_low", f"{key}_high"):
            props[stated, _AT[column]] = values
    return props


def _walk_parts(block: Block) -> Iterator[str]:
    """Every part id in a block and below it."""
    stack = [block]
    while stack:
        b = stack.pop()
        yield from (pc.part for pc in b.parts)
        stack.extend(b.blocks)


class _Fabrics:
    """Fabric parameters and the part entries that fabrics derive, as `pack` collects them."""

    def __init__(
        self,
        parts: dict[str, Part],
        catalog: Catalog,
        used: list[Part],
        derived: list[str],
        floor_rating: float,
    ):
        self.parts, self.catalog, self.used, self.derived = parts, catalog, used, derived
        self.floor_rating = floor_rating
        self.rows: list[list[float]] = []
        self.names: list[str] = []

    def entry(self, pid: str, label: str) -> float:
        """A part entry of its own for a part that a fabric derives (-1 when none is named)."""
        if not pid:
            return -1.0
        self.used.append(self.parts[pid])
        self.derived.append(label)
        return float(len(self.used) - 1)

    def add(self, index: int, block: Block) -> None:
        for fabric in (block.scaleup_fabric, block.scaleout_fabric):
            if fabric is not None:
                self.rows.append(self.params(index, block, fabric))

    def params(self, index: int, block: Block, fabric: ScaleupFabric | ScaleoutFabric) -> list[float]:
        p = dict.fromkeys(k.FABRIC_PARAMS, 0.0)
        what = "scale-up fabric" if isinstance(fabric, ScaleupFabric) else "scale-out network"
        name = f"{what} of {block.label}"
        self.names.append(name)
        cabinets = fabric.cabinets
        cooling = self.catalog.cooling[cabinets.cooling]
        for key, figure in (
            ("cabinet_price", cooling.cabinet_price_usd),
            ("cabinet_weight", cooling.cabinet_weight_kg),
        ):
            p[key], (p[f"{key}_low"], p[f"{key}_high"]) = figure.value, figure.ends
        p.update(
            block=index,
            planes=fabric.planes,
            tiers=fabric.tiers,
            cabinet_switches=cabinets.switches,
            cabinet_footprint_m2=cabinets.footprint_m2,
            cabinet_overhead=cabinets.power_overhead,
            cabinet_limit_w=cooling.max_cabinet_kw.value * 1000.0,
            cabinet_liquid=float(cooling.liquid),
            floor_rating=self.floor_rating,
            switch1=self.entry(fabric.switch, f"{name}: switches"),
            switch2=-1.0,
            nic=-1.0,
            transceiver=self.entry(fabric.transceiver, f"{name}: transceivers"),
            cable=self.entry(fabric.cable, f"{name}: cables"),
        )
        if isinstance(fabric, ScaleupFabric):
            p.update(
                kind=k.SCALEUP_MESH if fabric.topology == "mesh" else k.SCALEUP_SWITCHED,
                links_per_chip=fabric.links_per_chip,
                oversubscription1=fabric.oversubscription,
                tier1_in_network=float(fabric.tier1_in == "network"),
                tier1_cabled=float(fabric.tier1_in == "cabinet"),
                mesh_optical=float(bool(fabric.transceiver)),
            )
            if fabric.switch:
                p["radix1"] = self.parts[fabric.switch].value("ports")
            top = fabric.switch2 or fabric.switch
            if fabric.tiers == 2 and top:
                p["radix2"] = self.parts[top].value("ports")
                if fabric.switch2 and fabric.switch2 != fabric.switch:
                    p["switch2"] = self.entry(fabric.switch2, f"{name}: tier 2 switches")
            return [p[key] for key in k.FABRIC_PARAMS]
        speeds = {
            self.parts[pid].value("port_gbps") for pid in _walk_parts(block) if self.parts[pid].kind == "nic"
        }
        if fabric.nic:
            speeds.add(self.parts[fabric.nic].value("port_gbps"))
            p["nic"] = self.entry(fabric.nic, f"{name}: NICs")
            p["nic_ports"] = (
                self.parts[fabric.nic].value("ports") if "ports" in self.parts[fabric.nic].figures else 1.0
            )
        switch = self.parts[fabric.switch]
        if len(speeds) > 1:
            listed = ", ".join(f"{s:g}" for s in sorted(speeds))
            why = f"NICs of different speeds ({listed} Gb/s) on one network; give each speed its own network"
            raise DesignError([Problem(name, why)])
        link = speeds.pop() if speeds else switch.value("port_gbps")
        breakout = switch.value("port_gbps") / link if link > 0 else 0.0
        if breakout < 1 or breakout != int(breakout):
            raise DesignError(
                [Problem(name, f"a {switch.value('port_gbps'):g} Gb/s switch port cannot serve {link:g} Gb/s "
                         "NICs (it must be a whole multiple of their speed); pick another switch")]
            )  # fmt: skip
        over = (*fabric.oversubscription, 1.0, 1.0)
        p.update(
            kind=k.SCALEOUT_FAT_TREE,
            radix1=switch.value("ports") * breakout,
            oversubscription1=over[0],
            oversubscription2=over[1],
            nics_per_chip=fabric.nics_per_chip,
            link_gbps=link,
            tier1_in_network=float(fabric.leaf_in == "network"),
            tier1_cabled=float(fabric.leaf_in == "cabinet"),
        )
        return [p[key] for key in k.FABRIC_PARAMS]


def part_info(part: Part) -> Floats:
    """A typed part's column of the kernels' per-part array (kernels.PART_INFO rows)."""
    info = np.zeros(k.PART_INFO)
    info[k.PART_POWER] = part.value("power_w")
    info[k.PART_POWER_LOW], info[k.PART_POWER_HIGH] = part.bounds("power_w")
    info[k.PART_CHIP] = 1.0 if part.kind == "accelerator" else 0.0
    info[k.PART_SCALEUP] = part.value("scaleup_gbps")
    info[k.PART_SCALEUP_LOW], info[k.PART_SCALEUP_HIGH] = part.bounds("scaleup_gbps")
    info[k.PART_WEIGHT] = part.value("weight_kg")
    info[k.PART_WEIGHT_LOW], info[k.PART_WEIGHT_HIGH] = part.bounds("weight_kg")
    if part.kind == "nic":
        info[k.PART_NIC_PORTS] = part.value("ports") if "ports" in part.figures else 1.0
    return info


def pack(design: Design, parts: dict[str, Part], catalog: Catalog) -> PackedDesign:
    """Arrays for a checked design; `parts` resolves every part id the design uses. A fabric that
    cannot be built as stated (NIC speeds a switch cannot serve) raises DesignError."""
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
    above = np.array(pre_parent[::-1], dtype=np.int64)
    parent = np.where(above < 0, -1, n - 1 - above)
    # Each block's children, in order: the blocks sorted by parent, stably.
    kids_of = np.bincount(parent[:-1], minlength=n)
    kid_end = np.cumsum(kids_of)
    kid_start = kid_end - kids_of
    kids = np.argsort(parent[:-1], kind="stable")

    part_index: dict[str, int] = {}
    used: list[Part] = []
    derived: list[str] = []
    leaf_end_list: list[int] = []
    leaf_part: list[int] = []
    leaf_count: list[int] = []
    for block in blocks:
        for pc in block.parts:
            q = part_index.get(pc.part)
            if q is None:
                q = part_index[pc.part] = len(used)
                used.append(parts[pc.part])
                derived.append("")
            leaf_part.append(q)
            leaf_count.append(pc.count)
        leaf_end_list.append(len(leaf_part))
    leaf_end = np.array(leaf_end_list, dtype=np.int64)
    leaf_start = np.concatenate([[0], leaf_end[:-1]]).astype(np.int64)

    site = site_of(design.facility, catalog.site)
    floor_rating = site.figures["floor_rating_kg_per_m2"].value
    fabrics = _Fabrics(parts, catalog, used, derived, floor_rating)
    fabric_start = np.zeros(n, dtype=np.int64)
    fabric_end = np.zeros(n, dtype=np.int64)
    slot = np.full(n, -1, dtype=np.int64)
    rows = 0
    for i, block in enumerate(blocks):
        fabric_start[i] = len(fabrics.rows)
        fabrics.add(i, block)
        fabric_end[i] = len(fabrics.rows)
        if block.blocks or i == n - 1 or fabric_end[i] > fabric_start[i]:
            slot[i] = rows
            rows += 1

    defaults = [_defaults(b, catalog) for b in blocks]

    def ints(values: list[int]) -> Ints:
        return np.array(values, dtype=np.int64)

    info = np.zeros((k.PART_INFO, len(used)))
    for q, part in enumerate(used):
        info[:, q] = part_info(part)
    for q, label in enumerate(derived):
        if label and used[q].kind == "nic":
            info[k.PART_NIC_PORTS, q] = 0.0  # derived NICs are counted as endpoints by their fabric
    return PackedDesign(
        parts=used,
        derived=derived,
        part_info=info,
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
        fabric_start=fabric_start,
        fabric_end=fabric_end,
        bits=ints(
            [
                _bits(b, d, catalog, w)
                for b, d, w in zip(blocks, defaults, _weighed(blocks, parent), strict=True)
            ]
        ),
        props=_props_rows(blocks, catalog, floor_rating),
        kids=kids.astype(np.int64),
        leaf_part=ints(leaf_part),
        leaf_count=ints(leaf_count),
        fabrics=np.array(fabrics.rows, dtype=np.float64).reshape(len(fabrics.rows), len(k.FABRIC_PARAMS)),
        fabric_names=fabrics.names,
        plant=Plant.of(site, design.pue, parts),
        plant_cdu=parts[site.cdu],
        floor=design.floor,
    )
