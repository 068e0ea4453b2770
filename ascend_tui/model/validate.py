"""Checks on a design against the catalog: every problem, each with its place."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ascend_tui.model.catalog import ACCELERATOR_FIGURES, PART_KINDS, Catalog, Part
from ascend_tui.model.design import (
    CABINET_ESTIMABLE,
    CABINET_ROLES,
    MAX_COUNT,
    TARGETS,
    Cabinet,
    Cluster,
    Design,
    FloorLayout,
    Node,
    PartCount,
    Path,
    Supernode,
    children,
    describe_path,
    node_at,
)
from ascend_tui.model.problems import Hints, Problem, did_you_mean
from ascend_tui.model.text import number, quoted

MAX_FOOTPRINT_M2 = 1000.0  # one cabinet larger than this is a typo
MAX_OVERHEAD = 10.0  # overhead as a fraction of the cabinet's part power
PUE_RANGE = (1.0, 5.0)

Key = tuple[str | int, ...]


def root_key(design: Design) -> Key:
    """The TOML table the design's root lives in."""
    return (type(design.root).__name__.lower(),)


def toml_key(design: Design, path: Path) -> Key:
    """The TOML key path of a node, for finding its line in the file."""
    key: list[str | int] = list(root_key(design))
    node: Node = design.root
    for i in path:
        if isinstance(node, Cluster):
            key += ["supernodes", i]
        elif isinstance(node, Supernode):
            key += ["cabinets", i]
        elif isinstance(node, Cabinet):
            key += ["parts", node.parts[i].part]
        node = children(node)[i]
    return tuple(key)


def _loop(ids: list[str]) -> str:
    """A `base` loop for a message: `'a' -> 'b' -> 'a'`, cut in the middle when long."""
    shown = [quoted(i, 40) for i in ids]
    if len(shown) > 6:
        shown = [*shown[:4], "…", shown[-1]]
    text = " -> ".join([*shown, quoted(ids[0], 40)])
    return text + (f" ({len(ids):,} parts)" if len(ids) > 6 else "")


def resolve_parts(design: Design, catalog: Catalog) -> tuple[dict[str, Part], list[Problem]]:
    """Catalog parts plus the design's own, with `base` chains followed (without recursion, so a
    chain of any length resolves) and loops refused, each once, by name."""
    parts: dict[str, Part] = dict(catalog.parts)
    named: dict[str, str] = {pid: p.name for pid, p in parts.items()}  # the name a derived part takes
    problems: list[Problem] = []
    failed: set[str] = set()
    base_hints = Hints([*parts, *design.parts])

    def build(pid: str, base: Part | None) -> Part | None:
        custom = design.parts[pid]
        where, key = f"part {quoted(pid)}", ("parts", pid)
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
        if kind == "accelerator":
            missing = [f for f in ACCELERATOR_FIGURES if f not in figures]
            if missing:
                problems.append(
                    Problem(
                        where,
                        f"an accelerator must state {', '.join(missing)} (or derive from a `base` part)",
                        key,
                    )
                )
                return None
        named[pid] = custom.name or (named[base.id] if base else pid)
        name = custom.name or (f"{named[base.id]} (custom {pid})" if base else pid)
        vendor = custom.vendor if custom.vendor is not None else (base.vendor if base else "")
        return Part(pid, kind, name, vendor, "custom", figures)

    for start in design.parts:
        if start in catalog.parts:
            problems.append(
                Problem(
                    f"part {quoted(start)}",
                    "this id is already in the catalog and a design "
                    "part may not replace it; choose another id and set "
                    f"`base = {quoted(start)}` to start from the catalog part",
                    ("parts", start),
                )
            )
            continue
        # Follow `base` from `start` to a part already resolved (or to none), then build the
        # chain back up from there.
        chain: list[str] = []
        on_chain: dict[str, int] = {}
        here: str | None = start
        resolvable = True
        while here is not None and here not in parts:
            resolvable = False
            if here in failed:
                break
            if here in on_chain:
                loop = chain[on_chain[here] :]
                problems.append(
                    Problem(
                        f"part {quoted(loop[0])}",
                        f"`base` references loop: {_loop(loop)}; make one of them a full part",
                        ("parts", loop[0], "base"),
                    )
                )
                break
            if here not in design.parts:
                problems.append(
                    Problem(
                        f"part {quoted(chain[-1])}",
                        f"unknown base part {quoted(here)}; " + base_hints(here),
                        ("parts", chain[-1], "base"),
                    )
                )
                break
            on_chain[here] = len(chain)
            chain.append(here)
            here = design.parts[here].base
            resolvable = True
        if resolvable:
            for pid in reversed(chain):
                base_id = design.parts[pid].base
                part = build(pid, parts[base_id] if base_id is not None else None)
                if part is None:
                    break
                parts[pid] = part
        failed.update(p for p in chain if p not in parts)
    return parts, problems


def check_count(count: object, what: str = "count") -> str | None:
    """Why a count (or another whole number of things, `what`) is not acceptable, or None."""
    if isinstance(count, bool) or not isinstance(count, int):
        return f"{what} must be a whole number, got {quoted(count)}"
    if count < 1:
        advice = " (remove the node instead)" if what == "count" else ""
        return f"{what} must be at least 1, got {quoted(count)}{advice}"
    if count > MAX_COUNT:
        return f"{what} {number(count)} is absurd (more than {MAX_COUNT:,}); check for a typo"
    return None


def check_number(value: float, low: float, high: float, what: str) -> str | None:
    """Why a figure is not acceptable, or None."""
    if not math.isfinite(value):
        return f"{what} must be a finite number, got {value}"
    if not low <= value <= high:
        return f"{what} must be between {low:g} and {high:g}, got {value:g}"
    return None


@dataclass
class TreeHints:
    """Spelling hints for the names a tree's nodes refer to, looked up once per wrong name."""

    parts: Hints
    cooling: Hints

    @classmethod
    def of(cls, catalog: Catalog, parts: dict[str, Part]) -> TreeHints:
        return cls(Hints(parts, "`ascend-tui parts` lists the known ids"), Hints(catalog.cooling))


def check_node(
    design: Design,
    path: Path,
    node: Node,
    catalog: Catalog,
    parts: dict[str, Part],
    hints: TreeHints | None = None,
) -> list[Problem]:
    """Problems with one node on its own (its place is worked out only when there are some)."""
    found: list[tuple[str, tuple[str, ...]]] = []  # message, key below the node's own
    if isinstance(node, PartCount):
        # A part the design defines but that did not resolve has its own problem already.
        if node.part not in parts and node.part not in design.parts:
            hint = (hints or TreeHints.of(catalog, parts)).parts(node.part)
            found.append((f"unknown part id {quoted(node.part)}; {hint}", ()))
    elif not node.name.strip():
        found.append(("name must not be empty", ("name",)))
    why = check_count(node.count)
    if why:
        found.append((why, () if isinstance(node, PartCount) else ("count",)))
    if isinstance(node, Cabinet):
        if node.role not in CABINET_ROLES:
            roles = ", ".join(CABINET_ROLES)
            found.append((f"role must be one of {roles}, got {quoted(node.role)}", ("role",)))
        if node.cooling not in catalog.cooling:
            hint = (hints or TreeHints.of(catalog, parts)).cooling(node.cooling)
            found.append((f"unknown cooling kind {quoted(node.cooling)}; {hint}", ("cooling",)))
        for field_name, high in (("footprint_m2", MAX_FOOTPRINT_M2), ("power_overhead", MAX_OVERHEAD)):
            why = check_number(getattr(node, field_name), 0.0, high, field_name)
            if why:
                found.append((why, (field_name,)))
        for name in node.estimated:
            if name not in CABINET_ESTIMABLE:
                found.append(
                    (
                        f"`estimated` may name {', '.join(CABINET_ESTIMABLE)}, not {quoted(name)}",
                        ("estimated",),
                    )
                )
        seen: set[str] = set()
        for pc in node.parts:
            if pc.part in seen:
                found.append((f"part {quoted(pc.part)} is listed twice; give it one count", ()))
            seen.add(pc.part)
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
            problems.append(Problem("targets", f"unknown target {quoted(name)}; {hint}", ("targets", name)))
        elif (why := check_number(value, 0.0, 1e15, name)) is not None:
            problems.append(Problem("targets", why, ("targets", name)))
    if design.floor is not None:
        problems.extend(check_floor(design.floor))
    return parts, problems


def check_subtree(design: Design, path: Path, catalog: Catalog, parts: dict[str, Part]) -> list[Problem]:
    """Problems with the node at `path` and everything below it."""
    problems: list[Problem] = []
    hints = TreeHints.of(catalog, parts)
    stack: list[tuple[Path, Node]] = [(path, node_at(design, path))]
    while stack:
        here, node = stack.pop()
        problems.extend(check_node(design, here, node, catalog, parts, hints))
        kids = children(node)
        stack.extend(((*here, i), kids[i]) for i in range(len(kids) - 1, -1, -1))
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
