"""Checks on a design against the catalog: every problem, each with its place."""

from __future__ import annotations

import math

from ascend_tui.model.catalog import PART_KINDS, Catalog, Part, figure_problems
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    CABINET_ESTIMABLE,
    CABINET_ROLES,
    HOLDS_PARTS,
    MAX_COUNT,
    TARGETS,
    Block,
    Design,
    FloorLayout,
    Node,
    NodePath,
    PartCount,
    children,
    describe_path,
    node_at,
)
from ascend_tui.model.problems import Problem, did_you_mean

MAX_FOOTPRINT_M2 = 1000.0  # one cabinet larger than this is a typo
MAX_OVERHEAD = 10.0  # overhead as a fraction of the power of what a block holds
MAX_CAPACITY_KW = 10_000.0  # one cabinet's power shelves or PDUs
PUE_RANGE = (1.0, 5.0)

Key = tuple[str | int, ...]


def toml_key(design: Design, path: NodePath) -> Key:
    """The TOML key path of a node, for finding its line in the file. Inside a block that reuses
    another design, the key stops at that block (its content lives in the other file)."""
    key: list[str | int] = [design.root.kind]
    node: Node = design.root
    for i in path:
        assert isinstance(node, Block)
        if node.use is not None:
            break
        kid = children(node)[i]
        if isinstance(kid, PartCount):
            key += ["parts", kid.part]
        else:
            key += [kid.kind + "s", sum(1 for b in node.blocks[:i] if b.kind == kid.kind)]
        node = kid
    return tuple(key)


def resolve_parts(design: Design, catalog: Catalog) -> tuple[dict[str, Part], list[Problem]]:
    """Catalog parts plus the design's own, with `base` chains followed (iteratively, so a long
    chain cannot exhaust the stack) and loops refused by name."""
    parts: dict[str, Part] = dict(catalog.parts)
    problems: list[Problem] = []
    failed: set[str] = set()
    for pid in design.parts:
        if pid in catalog.parts:
            problems.append(
                Problem(
                    f"part {pid!r}",
                    "this id is already in the catalog and a design part may not replace it; choose "
                    f"another id and set `base = {pid!r}` to start from the catalog part",
                    ("parts", pid),
                )
            )
            failed.add(pid)
    for start in design.parts:
        if start in parts or start in failed:
            continue
        chain = [start]  # start, its base, that one's base, ... until a known part
        while True:
            base = design.parts[chain[-1]].base
            if base is None or base in parts or base in failed:
                break
            if base not in design.parts:
                known = [*parts, *design.parts]
                where, key = f"part {chain[-1]!r}", ("parts", chain[-1], "base")
                problems.append(
                    Problem(where, f"unknown base part {base!r}; " + did_you_mean(base, known), key)
                )
                break
            if base in chain:
                loop = " -> ".join([*chain[chain.index(base) :], base])
                problems.append(
                    Problem(
                        f"part {base!r}",
                        f"`base` references loop: {loop}; make one of them a full part",
                        ("parts", base, "base"),
                    )
                )
                break
            chain.append(base)
        for pid in reversed(chain):  # bases first
            part = _resolve_one(design, pid, parts, failed, problems)
            if part is None:
                failed.add(pid)
            else:
                parts[pid] = part
    return parts, problems


def _resolve_one(
    design: Design, pid: str, parts: dict[str, Part], failed: set[str], problems: list[Problem]
) -> Part | None:
    custom = design.parts[pid]
    where, key = f"part {pid!r}", ("parts", pid)
    base: Part | None = None
    if custom.base is not None:
        base = parts.get(custom.base)
        if base is None:
            return None  # the base failed, and said why
    kind = custom.kind or (base.kind if base else None)
    if kind not in PART_KINDS:
        problems.append(
            Problem(
                where,
                f"`kind` must be one of {', '.join(PART_KINDS)} (or give a `base` part)",
                (*key, "kind"),
            )
        )
        return None
    figures = dict(base.figures) if base else {}
    figures.update(custom.figures)
    found = figure_problems(pid, kind, figures, key)
    if found:
        problems.extend(found)
        return None
    name = custom.name or (f"{base.name} (custom {pid})" if base else pid)
    vendor = custom.vendor if custom.vendor is not None else (base.vendor if base else "")
    coherent = base.coherent_memory if base else False
    return Part(pid, kind, name, vendor, "custom", figures, coherent)


def check_count(count: object, what: str = "count") -> str | None:
    """Why a count (or another whole number of things, `what`) is not acceptable, or None."""
    if isinstance(count, bool) or not isinstance(count, int):
        return f"{what} must be a whole number, got {count!r}"
    if count < 1:
        advice = " (remove the node instead)" if what == "count" else ""
        return f"{what} must be at least 1, got {count}{advice}"
    if count > MAX_COUNT:
        return f"{what} {count:,} is absurd (more than {MAX_COUNT:,}); check for a typo"
    return None


def check_number(value: float, low: float, high: float, what: str) -> str | None:
    """Why a figure is not acceptable, or None."""
    if not math.isfinite(value):
        return f"{what} must be a finite number, got {value}"
    if not low <= value <= high:
        return f"{what} must be between {low:g} and {high:g}, got {value:g}"
    return None


def _block_problems(block: Block, catalog: Catalog) -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    if block.kind not in BLOCK_KINDS:
        found.append((f"kind must be one of {', '.join(BLOCK_KINDS)}, got {block.kind!r}", ()))
        return found
    if not block.name.strip():
        found.append(("name must not be empty", ("name",)))
    for kid in block.blocks:
        if kid.kind not in ALLOWED_BLOCKS[block.kind]:
            holds = ", ".join(ALLOWED_BLOCKS[block.kind]) or "no blocks, only parts"
            found.append((f"a {block.kind} cannot hold a {kid.kind} (it holds {holds})", ()))
    if block.parts and block.kind not in HOLDS_PARTS:
        found.append(
            (f"a {block.kind} holds blocks, not parts: put parts in a cabinet or server", ("parts",))
        )
    seen: set[str] = set()
    for pc in block.parts:
        if pc.part in seen:
            found.append((f"part {pc.part!r} is listed twice; give it one count", ("parts",)))
        seen.add(pc.part)
    if block.kind in HOLDS_PARTS:
        why = check_number(block.power_overhead, 0.0, MAX_OVERHEAD, "power_overhead")
        if why:
            found.append((why, ("power_overhead",)))
    estimable = CABINET_ESTIMABLE if block.kind == "cabinet" else ("power_overhead",)
    for name in block.estimated:
        if name not in estimable:
            found.append((f"`estimated` may name {', '.join(estimable)}, not {name!r}", ("estimated",)))
    if block.kind == "cabinet":
        if block.role not in CABINET_ROLES:
            found.append((f"role must be one of {', '.join(CABINET_ROLES)}, got {block.role!r}", ("role",)))
        if block.cooling not in catalog.cooling:
            hint = did_you_mean(block.cooling, catalog.cooling)
            found.append((f"unknown cooling kind {block.cooling!r}; {hint}", ("cooling",)))
        for name, high in (("footprint_m2", MAX_FOOTPRINT_M2), ("power_capacity_kw", MAX_CAPACITY_KW)):
            why = check_number(getattr(block, name), 0.0, high, name)
            if why:
                found.append((why, (name,)))
    return found


def check_node(
    design: Design, path: NodePath, node: Node, catalog: Catalog, parts: dict[str, Part], in_domain: bool
) -> list[Problem]:
    """Problems with one node on its own, and with where it stands as to scale-up domains
    (`in_domain`: whether a block above it is one). Its place is worked out only when needed."""
    found: list[tuple[str, tuple[str, ...]]] = []
    if isinstance(node, PartCount):
        part = parts.get(node.part)
        if part is None:
            hint = did_you_mean(node.part, parts, "`ascend-tui parts` lists the known ids")
            found.append((f"unknown part id {node.part!r}; {hint}", ()))
        elif part.kind == "accelerator" and not in_domain:
            found.append(
                (
                    f"{node.count:,} accelerators ({node.part}) are in no scale-up domain; set "
                    "`scaleup = true` on the server, cabinet or supernode whose chips share one "
                    "scale-up fabric",
                    (),
                )
            )
    else:
        found += _block_problems(node, catalog)
        if node.scaleup and in_domain:
            found.append(
                (
                    "a scale-up domain inside another one: each chip belongs to exactly one domain; "
                    "unset `scaleup` here or on the block above",
                    ("scaleup",),
                )
            )
    why = check_count(node.count)
    if why:
        found.append((why, () if isinstance(node, PartCount) else ("count",)))
    if not found:
        return []
    where, key = describe_path(design, path), toml_key(design, path)
    return [Problem(where, message, (*key, *below)) for message, below in found]


def check_settings(design: Design, catalog: Catalog) -> tuple[dict[str, Part], list[Problem]]:
    """The design's own parts resolved, and problems with everything but the tree (parts, PUE,
    targets, floor layout)."""
    parts, problems = resolve_parts(design, catalog)
    why = check_number(design.pue, *PUE_RANGE, "pue")
    if why:
        problems.append(Problem("design", why, ("pue",)))
    for name, value in design.targets.items():
        if name not in TARGETS:
            hint = did_you_mean(name, TARGETS)
            problems.append(Problem("targets", f"unknown target {name!r}; {hint}", ("targets", name)))
        elif (why := check_number(value, 0.0, 1e15, name)) is not None:
            problems.append(Problem("targets", why, ("targets", name)))
    if design.floor is not None:
        problems.extend(check_floor(design.floor))
    return parts, problems


def in_domain_above(design: Design, path: NodePath) -> bool:
    """Whether a block above the node at `path` (not the node itself) is a scale-up domain."""
    node: Node = design.root
    for i in path:
        assert isinstance(node, Block)
        if node.scaleup:
            return True
        node = children(node)[i]
    return False


def check_subtree(design: Design, path: NodePath, catalog: Catalog, parts: dict[str, Part]) -> list[Problem]:
    """Problems with the node at `path` and everything below it."""
    problems: list[Problem] = []
    start = node_at(design, path)
    stack: list[tuple[NodePath, Node, bool]] = [(path, start, in_domain_above(design, path))]
    while stack:
        here, node, in_domain = stack.pop()
        problems.extend(check_node(design, here, node, catalog, parts, in_domain))
        below = in_domain or (isinstance(node, Block) and node.scaleup)
        kids = children(node)
        stack.extend(((*here, i), kids[i], below) for i in range(len(kids) - 1, -1, -1))
    return problems


def check_design(design: Design, catalog: Catalog) -> list[Problem]:
    """Every problem in the design; an empty list means it can be evaluated."""
    parts, problems = check_settings(design, catalog)
    return problems + check_subtree(design, (), catalog, parts)


def check_floor(floor: FloorLayout) -> list[Problem]:
    """Problems with a floor layout."""
    problems = []
    why = check_count(floor.cabinets_per_row, "cabinets_per_row")
    if why:
        problems.append(Problem("floor", why, ("floor", "cabinets_per_row")))
    for name, high in (("cabinet_width_m", 10.0), ("cabinet_depth_m", 10.0), ("aisle_m", 20.0)):
        why = check_number(getattr(floor, name), 0.0, high, name)
        if why:
            problems.append(Problem("floor", why, ("floor", name)))
    return problems
