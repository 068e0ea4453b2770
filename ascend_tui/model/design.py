"""A design: cluster > supernodes > cabinets > parts, each node with a name and a count."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace

from ascend_tui.model.catalog import Figure
from ascend_tui.model.text import quoted

FORMAT_VERSION = 1
CABINET_ROLES = ("compute", "network")
# Cabinet properties that a preset may mark as estimated rather than published.
CABINET_ESTIMABLE = ("footprint_m2", "power_overhead")
# Targets and limits a design may carry: key -> (what, unit). `min_` keys are targets to reach,
# `max_` keys are limits not to exceed.
TARGETS: dict[str, tuple[str, str]] = {
    "min_fp8_ef": ("FP8 compute", "EF"),
    "min_fp4_ef": ("FP4 compute", "EF"),
    "min_bf16_ef": ("BF16 compute", "EF"),
    "min_hbm_capacity_tb": ("HBM capacity", "TB"),
    "max_it_power_kw": ("IT power", "kW"),
    "max_facility_power_kw": ("Facility power", "kW"),
    "max_floor_area_m2": ("Floor area", "m²"),
    "max_cabinet_kw": ("Power per cabinet", "kW"),
}
MAX_COUNT = 10**9
NAME_SHOWN = 200  # characters of a name that labels and messages show


@dataclass
class PartCount:
    """So many of one part in a cabinet."""

    part: str
    count: int = 1

    @property
    def label(self) -> str:
        return f"part {quoted(self.part, NAME_SHOWN)}"


@dataclass
class Cabinet:
    """A cabinet (rack): parts plus the cabinet's own footprint, overhead and cooling."""

    name: str
    count: int = 1
    role: str = "compute"
    cooling: str = "air"
    footprint_m2: float = 0.0
    power_overhead: float = 0.0
    estimated: list[str] = field(default_factory=list)
    source: str = ""
    parts: list[PartCount] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"cabinet {quoted(self.name, NAME_SHOWN)}"


@dataclass
class Supernode:
    """A scale-up domain: cabinets whose chips share one fabric."""

    name: str
    count: int = 1
    cabinets: list[Cabinet] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"supernode {quoted(self.name, NAME_SHOWN)}"


@dataclass
class Cluster:
    """Supernodes joined by a scale-out network."""

    name: str
    count: int = 1
    supernodes: list[Supernode] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"cluster {quoted(self.name, NAME_SHOWN)}"


Node = Cluster | Supernode | Cabinet | PartCount
Root = Cluster | Supernode | Cabinet
Path = tuple[int, ...]


@dataclass
class CustomPart:
    """A part a design defines itself, optionally derived from a catalog part (`base`)."""

    id: str
    base: str | None = None
    kind: str | None = None
    name: str | None = None
    vendor: str | None = None
    figures: dict[str, Figure] = field(default_factory=dict)


@dataclass
class FloorLayout:
    """Cabinets stood in rows on a hall floor; when a design has one, its floor area follows
    from the rows (cabinet fronts plus one aisle per row) instead of the cabinets' footprints."""

    cabinets_per_row: int = 16
    cabinet_width_m: float = 0.6
    cabinet_depth_m: float = 1.2
    aisle_m: float = 1.2

    def rows(self, cabinets: int) -> int:
        return -(-cabinets // self.cabinets_per_row)

    def area_m2(self, cabinets: int) -> float:
        """Rows × row length × (cabinet depth + aisle)."""
        row_length = self.cabinets_per_row * self.cabinet_width_m
        return self.rows(cabinets) * row_length * (self.cabinet_depth_m + self.aisle_m)


@dataclass
class Design:
    """A whole design file: the tree, facility settings, custom parts, targets and notes."""

    name: str
    root: Root
    pue: float = 1.0
    notes: str = ""
    parts: dict[str, CustomPart] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)
    floor: FloorLayout | None = None


def children(node: Node) -> list[Node]:
    """A node's children in order (parts are leaves)."""
    if isinstance(node, Cluster):
        return list(node.supernodes)
    if isinstance(node, Supernode):
        return list(node.cabinets)
    if isinstance(node, Cabinet):
        return list(node.parts)
    return []


def child_list(node: Node) -> list[Cluster] | list[Supernode] | list[Cabinet] | list[PartCount]:
    """The list object holding a node's children, for editing in place."""
    if isinstance(node, Cluster):
        return node.supernodes
    if isinstance(node, Supernode):
        return node.cabinets
    if isinstance(node, Cabinet):
        return node.parts
    raise TypeError("a part has no children")


def node_at(design: Design, path: Path) -> Node:
    """The node at a path of child indices from the root."""
    node: Node = design.root
    for i in path:
        node = children(node)[i]
    return node


def walk(design: Design) -> Iterator[tuple[Path, Node]]:
    """Every node with its path, parents before children."""
    stack: list[tuple[Path, Node]] = [((), design.root)]
    while stack:
        path, node = stack.pop()
        yield path, node
        kids = children(node)
        stack.extend(((*path, i), kids[i]) for i in range(len(kids) - 1, -1, -1))


def _shallow(node: Node) -> Node:
    """A copy of one node with its own child list (the children themselves are shared)."""
    if isinstance(node, Cluster):
        return replace(node, supernodes=list(node.supernodes))
    if isinstance(node, Supernode):
        return replace(node, cabinets=list(node.cabinets))
    if isinstance(node, Cabinet):
        return replace(node, parts=list(node.parts), estimated=list(node.estimated))
    return replace(node)


def edited_copy(design: Design) -> Design:
    """A copy of the design that shares its tree; change the tree only through `copy_path`."""
    return replace(design, parts=dict(design.parts), targets=dict(design.targets))


def copy_path(design: Design, path: Path) -> Node:
    """Give `design` its own copies of the nodes from the root down to `path` and return the one
    at `path`, ready to change. Everything off that path stays shared with the original, which is
    why shared nodes are never changed in place."""
    node = _shallow(design.root)
    design.root = node  # type: ignore[assignment]
    for i in path:
        kids: list[Node] = child_list(node)  # type: ignore[assignment]
        kid = _shallow(kids[i])
        kids[i] = kid
        node = kid
    return node


def describe_path(design: Design, path: Path) -> str:
    """The human path of a node: `cluster 'X' > supernode 'Y' > cabinet 'compute'`."""
    labels = [design.root.label]
    node: Node = design.root
    for i in path:
        node = children(node)[i]
        labels.append(node.label)
    return " > ".join(labels)


def part_ids(design: Design) -> set[str]:
    """Every part id the design's cabinets use."""
    return {n.part for _, n in walk(design) if isinstance(n, PartCount)}
