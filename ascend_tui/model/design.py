"""A design: blocks (clusters, pods, supernodes, cabinets, servers) nested freely, parts as leaves.

Every block has a kind, a name and a count (a block used 64 times is one block with
`count = 64`). Which blocks are scale-up domains is stated (`scaleup`), not inferred from the
kind. Nodes are frozen: an edit builds new nodes along the path from the root to what it changes
(`replace_at`) and shares everything else, so a design handed to another thread never changes
under it and an undo step is just the design before.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace

from ascend_tui.model.fabrics import ScaleoutFabric, ScaleupFabric
from ascend_tui.model.facility import Facility
from ascend_tui.model.figures import Figure
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted

FORMAT_VERSION = 2

# Block kinds, outermost first. Children of a block are kept in this order (stable within a
# kind), which is also the order the TOML format writes them in.
BLOCK_KINDS = ("cluster", "pod", "supernode", "cabinet", "server")
GROUP_KINDS = ("cluster", "pod", "supernode")  # logical groups: nest freely
# Which block kinds a block of each kind may hold, and whether it may hold parts.
ALLOWED_BLOCKS: dict[str, tuple[str, ...]] = {
    "cluster": BLOCK_KINDS,
    "pod": BLOCK_KINDS,
    "supernode": BLOCK_KINDS,
    "cabinet": ("server",),
    "server": (),
}
HOLDS_PARTS = ("cabinet", "server")
CABINET_ROLES = ("compute", "network", "storage", "infrastructure")
# Properties of a server, and of a cabinet, that may be marked as estimated rather than published.
SERVER_ESTIMABLE = ("power_overhead", "price_usd", "weight_kg")
CABINET_ESTIMABLE = (*SERVER_ESTIMABLE, "footprint_m2", "power_capacity_kw")
MAX_COUNT = 10**9
NAME_SHOWN = 200  # characters of a name that labels and messages show

NodePath = tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PartCount:
    """So many of one part in a cabinet or server."""

    part: str
    count: int = 1

    @property
    def kind(self) -> str:
        """What the node is, as for a block: "part"."""
        return "part"

    @property
    def label(self) -> str:
        return f"part {quoted(self.part, NAME_SHOWN)}"


@dataclass(frozen=True, slots=True)
class Block:
    """A block of the design and what it holds.

    `power_overhead` (cabinets and servers) is a fraction of the power of what the block holds:
    fans, power conversion, DRAM and the like. `price_usd` (cabinets and servers) is what the
    block's own hardware costs beyond the parts it lists; `weight_kg` what it weighs installed,
    with everything in it (None: the catalog's default for an empty one plus what it holds). The
    cabinet properties (role, cooling, footprint,
    power capacity) mean something only for cabinets. `use` names another design whose top block
    this one is (the content is that design's, kept here resolved; saving writes only `use`).
    A scale-up domain may state its fabric, and a block at or above the domains its scale-out
    network (model/fabrics.py).
    """

    kind: str
    name: str
    count: int = 1
    scaleup: bool = False
    blocks: tuple[Block, ...] = ()
    parts: tuple[PartCount, ...] = ()
    power_overhead: float = 0.0
    role: str = "compute"
    cooling: str = "air"
    footprint_m2: float = 0.0
    power_capacity_kw: float = 0.0  # a power shelf's or PDU's capacity; 0 when not stated
    price_usd: float | None = None
    weight_kg: float | None = None
    estimated: tuple[str, ...] = ()
    source: str = ""
    use: str | None = None
    scaleup_fabric: ScaleupFabric | None = None
    scaleout_fabric: ScaleoutFabric | None = None

    @property
    def label(self) -> str:
        return f"{self.kind} {quoted(self.name, NAME_SHOWN)}"

    @property
    def is_cabinet(self) -> bool:
        return self.kind == "cabinet"


Node = Block | PartCount


@dataclass(frozen=True, slots=True)
class CustomPart:
    """A part a design defines itself, optionally derived from a catalog part (`base`)."""

    id: str
    base: str | None = None
    kind: str | None = None
    name: str | None = None
    vendor: str | None = None
    figures: Mapping[str, Figure] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FloorLayout:
    """Cabinets stood in rows on a hall floor; when a design has one, its floor area follows
    from the rows (rows × row length × (cabinet depth + aisle), worked out by the engine's
    `kernels.floor_area`) instead of the cabinets' footprints."""

    cabinets_per_row: int = 16
    cabinet_width_m: float = 0.6
    cabinet_depth_m: float = 1.2
    aisle_m: float = 1.2

    def rows(self, cabinets: int) -> int:
        return -(-cabinets // self.cabinets_per_row)


# What a new cabinet starts with, marked estimated (the app shows them as defaults) until the user
# states its own: the floor of a rack of the row layout's default size with half of the aisle on
# each side of it (0.6 m × (1.2 m + 1.2 m) = 1.44 m²), air cooling, and 5% on top of its parts'
# power for its PDUs, fans and management switch (an assumption).
NEW_CABINET_OVERHEAD = 0.05


def new_block(kind: str, name: str) -> Block:
    """A block as the editor adds it: empty, and for a cabinet the defaults above."""
    if kind != "cabinet":
        return Block(kind, name)
    rack = FloorLayout()
    footprint = round(rack.cabinet_width_m * (rack.cabinet_depth_m + rack.aisle_m), 6)
    return Block(
        kind,
        name,
        cooling="air",
        footprint_m2=footprint,
        power_overhead=NEW_CABINET_OVERHEAD,
        estimated=("footprint_m2", "power_overhead"),
    )


@dataclass(frozen=True, slots=True)
class Design:
    """A whole design file: the tree, the site, custom parts, targets and notes. `pue`, when
    stated, overrides the power usage effectiveness the facility's plant gives.

    The mappings are never changed in place: an edit makes a new Design with new mappings.
    """

    name: str
    root: Block
    pue: float | None = None
    facility: Facility = field(default_factory=Facility)
    notes: str = ""
    parts: Mapping[str, CustomPart] = field(default_factory=dict)
    targets: Mapping[str, float] = field(default_factory=dict)
    # Figures a vendor or analyst published for the system, by metric key, to set beside the
    # design's own: where they disagree, the tool says so rather than bending a part figure.
    published: Mapping[str, Figure] = field(default_factory=dict)
    floor: FloorLayout | None = None
    # Ids of custom parts that reused designs (`use`) brought rather than the file defining them.
    brought: frozenset[str] = field(default=frozenset(), compare=False)
    # The catalog version the file was saved with (None: not recorded). Where it came from, not
    # what the design is: two designs that differ only here are equal.
    catalog_version: int | None = field(default=None, compare=False)


def children(node: Node) -> tuple[Node, ...]:
    """A node's children in order: its blocks, then its parts."""
    if isinstance(node, PartCount):
        return ()
    if not node.parts:
        return node.blocks
    if not node.blocks:
        return node.parts
    return (*node.blocks, *node.parts)


def node_at(design: Design, path: NodePath) -> Node:
    """The node at a path of child indices from the root."""
    node: Node = design.root
    for i in path:
        node = children(node)[i]
    return node


def block_at(design: Design, path: NodePath) -> Block:
    """The block at `path`; a part entry's path gives its cabinet or server."""
    node = node_at(design, path)
    return node if isinstance(node, Block) else block_at(design, path[:-1])


def walk(design: Design) -> Iterator[tuple[NodePath, Node]]:
    """Every node with its path, parents before children."""
    stack: list[tuple[NodePath, Node]] = [((), design.root)]
    while stack:
        path, node = stack.pop()
        yield path, node
        kids = children(node)
        stack.extend(((*path, i), kids[i]) for i in range(len(kids) - 1, -1, -1))


def kind_rank(kind: str) -> int:
    return BLOCK_KINDS.index(kind)


def with_child(block: Block, index: int, child: Node) -> Block:
    """`block` with child `index` (blocks first, then parts) replaced by `child`."""
    nb = len(block.blocks)
    if index < nb:
        assert isinstance(child, Block)
        return replace(block, blocks=(*block.blocks[:index], child, *block.blocks[index + 1 :]))
    assert isinstance(child, PartCount)
    j = index - nb
    return replace(block, parts=(*block.parts[:j], child, *block.parts[j + 1 :]))


def without_child(block: Block, index: int) -> Block:
    nb = len(block.blocks)
    if index < nb:
        return replace(block, blocks=block.blocks[:index] + block.blocks[index + 1 :])
    j = index - nb
    return replace(block, parts=block.parts[:j] + block.parts[j + 1 :])


def insertion_index(block: Block, kind: str, after: int | None = None) -> int:
    """Where a new block of `kind` goes among `block.blocks`, keeping kinds in BLOCK_KINDS order:
    right after index `after` when that is a block of the same kind, else at the end of its kind."""
    if after is not None and after < len(block.blocks) and block.blocks[after].kind == kind:
        return after + 1
    rank = kind_rank(kind)
    return sum(1 for b in block.blocks if kind_rank(b.kind) <= rank)


def with_block_inserted(block: Block, child: Block, after: int | None = None) -> tuple[Block, int]:
    """`block` with a new child block in its place by kind, and the child's index."""
    i = insertion_index(block, child.kind, after)
    return replace(block, blocks=(*block.blocks[:i], child, *block.blocks[i:])), i


def replace_at(design: Design, path: NodePath, change: Callable[[Node], Node]) -> Design:
    """A design whose node at `path` is `change(node)`: the nodes from the root down to it are
    rebuilt and everything else is shared. A block reused from another design (`use`) that the
    change reaches inside stops being a reuse: its content becomes the design's own."""

    def rebuild(node: Node, rest: NodePath) -> Node:
        if not rest:
            return change(node)
        assert isinstance(node, Block)
        kid = children(node)[rest[0]]
        new = with_child(node, rest[0], rebuild(kid, rest[1:]))
        return replace(new, use=None) if isinstance(new, Block) and new.use is not None else new

    root = rebuild(design.root, path)
    assert isinstance(root, Block)
    return replace(design, root=root)


def replace_block(design: Design, path: NodePath, change: Callable[[Block], Block]) -> Design:
    """`replace_at` for a block."""

    def on_block(node: Node) -> Node:
        assert isinstance(node, Block), node
        return change(node)

    return replace_at(design, path, on_block)


def describe_path(design: Design, path: NodePath) -> str:
    """The human path of a node: `cluster 'X' > supernode 'Y' > cabinet 'compute'`."""
    labels = [design.root.label]
    node: Node = design.root
    for i in path:
        node = children(node)[i]
        labels.append(node.label)
    return " > ".join(labels)


def part_ids(design: Design) -> set[str]:
    """Every part id the design uses: in its blocks, and named by their fabrics."""
    return subtree_part_ids(design.root)


def subtree_part_ids(top: Node) -> set[str]:
    """Every part id a node and what it holds use: part entries, and parts named by fabrics."""
    out: set[str] = set()
    stack = [top]
    while stack:
        node = stack.pop()
        if isinstance(node, PartCount):
            out.add(node.part)
            continue
        for fabric in (node.scaleup_fabric, node.scaleout_fabric):
            if fabric is not None:
                out.update(fabric.part_ids())
        stack.extend(children(node))
    return out


def own_parts_used(design: Design, ids: set[str]) -> dict[str, CustomPart]:
    """The design's own parts among `ids`, with the own parts they are based on."""
    out: dict[str, CustomPart] = {}
    frontier = [pid for pid in ids if pid in design.parts]
    while frontier:
        pid = frontier.pop()
        if pid in out:
            continue
        out[pid] = design.parts[pid]
        base = out[pid].base
        if base is not None and base in design.parts:
            frontier.append(base)
    return out


def block_names(text: str) -> list[str]:
    """The names in a block argument: split at each `/`, where `\\/` is a `/` inside a name and
    `\\\\` a backslash."""
    names, name, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            name.append(next(chars, "\\"))
        elif char == "/":
            names.append("".join(name))
            name = []
        else:
            name.append(char)
    return [*names, "".join(name)]


def _escaped(name: str) -> str:
    return name.replace("\\", "\\\\").replace("/", "\\/")


def find_block(design: Design, name: str) -> NodePath:
    """The path of the block that `name` names: its own name, or the names on its path joined
    with / (the last ones suffice). A name containing / matches whole, or with each / written as
    \\/. DesignError lists the candidates when the name is missing or matches more than one."""
    wanted = block_names(name)
    blocks = [p for p, n in walk(design) if isinstance(n, Block)]

    def names(path: NodePath) -> list[str]:
        node, out = design.root, [design.root.name]
        for i in path:
            node = children(node)[i]  # type: ignore[assignment]
            out.append(node.name)
        return out

    found = [p for p in blocks if names(p)[-len(wanted) :] == wanted or names(p)[-1] == name]
    if len(found) == 1:
        return found[0]
    known = sorted({"/".join(_escaped(n) for n in names(p)) for p in blocks})
    if found:
        why = "matches more than one block; write a / inside a name as \\/, or give more of its path"
    else:
        why = "names no block"
    raise DesignError([Problem("", f"{quoted(name)} {why}; use one of: {', '.join(known[:12])}")])
