"""Checks on a design against the catalog: every problem, each with its place."""

from __future__ import annotations

import math

from ascend_tui.model.catalog import ACCELERATOR_FIGURES, FIGURES, PART_KINDS, Catalog, Part
from ascend_tui.model.design import (
    CABINET_ESTIMABLE,
    CABINET_ROLES,
    MAX_COUNT,
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
    part_ids,
)
from ascend_tui.model.metrics import TARGETS
from ascend_tui.model.problems import Problem, did_you_mean

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


def resolve_parts(design: Design, catalog: Catalog) -> tuple[dict[str, Part], list[Problem]]:
    """Catalog parts plus the design's own, with `base` chains followed and loops refused."""
    parts: dict[str, Part] = dict(catalog.parts)
    problems: list[Problem] = []
    resolving: list[str] = []

    def resolve(pid: str) -> Part | None:
        if pid in parts:
            return parts[pid]
        custom = design.parts[pid]
        where, key = f"part {pid!r}", ("parts", pid)
        if pid in resolving:
            loop = " -> ".join([*resolving[resolving.index(pid) :], pid])
            problems.append(
                Problem(
                    where, f"`base` references loop: {loop}; make one of them a full part", (*key, "base")
                )
            )
            return None
        base: Part | None = None
        if custom.base is not None:
            if custom.base not in parts and custom.base not in design.parts:
                known = [*parts, *design.parts]
                problems.append(
                    Problem(
                        where,
                        f"unknown base part {custom.base!r}; " + did_you_mean(custom.base, known),
                        (*key, "base"),
                    )
                )
                return None
            resolving.append(pid)
            base = resolve(custom.base)
            resolving.pop()
            if base is None:
                return None
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
        name = custom.name or (f"{base.name} (custom {pid})" if base else pid)
        vendor = custom.vendor if custom.vendor is not None else (base.vendor if base else "")
        part = Part(pid, kind, name, vendor, "custom", figures)
        parts[pid] = part
        return part

    for pid in design.parts:
        if pid in catalog.parts:
            problems.append(
                Problem(
                    f"part {pid!r}",
                    "this id is already in the catalog and a design "
                    "part may not replace it; choose another id and set "
                    f"`base = {pid!r}` to start from the catalog part",
                    ("parts", pid),
                )
            )
            continue
        resolve(pid)
    return parts, problems


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


def check_node(
    design: Design, path: Path, node: Node, catalog: Catalog, parts: dict[str, Part]
) -> list[Problem]:
    """Problems with one node on its own (its place is worked out only when there are some)."""
    found: list[tuple[str, tuple[str, ...]]] = []  # message, key below the node's own
    if isinstance(node, PartCount):
        if node.part not in parts:
            hint = did_you_mean(node.part, parts, "`ascend-tui parts` lists the known ids")
            found.append((f"unknown part id {node.part!r}; {hint}", ()))
    elif not node.name.strip():
        found.append(("name must not be empty", ("name",)))
    why = check_count(node.count)
    if why:
        found.append((why, () if isinstance(node, PartCount) else ("count",)))
    if isinstance(node, Cabinet):
        if node.role not in CABINET_ROLES:
            found.append((f"role must be one of {', '.join(CABINET_ROLES)}, got {node.role!r}", ("role",)))
        if node.cooling not in catalog.cooling:
            hint = did_you_mean(node.cooling, catalog.cooling)
            found.append((f"unknown cooling kind {node.cooling!r}; {hint}", ("cooling",)))
        for field_name, high in (("footprint_m2", MAX_FOOTPRINT_M2), ("power_overhead", MAX_OVERHEAD)):
            why = check_number(getattr(node, field_name), 0.0, high, field_name)
            if why:
                found.append((why, (field_name,)))
        for name in node.estimated:
            if name not in CABINET_ESTIMABLE:
                found.append(
                    (f"`estimated` may name {', '.join(CABINET_ESTIMABLE)}, not {name!r}", ("estimated",))
                )
        seen: set[str] = set()
        for pc in node.parts:
            if pc.part in seen:
                found.append((f"part {pc.part!r} is listed twice; give it one count", ()))
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
            problems.append(Problem("targets", f"unknown target {name!r}; {hint}", ("targets", name)))
        elif (why := check_number(value, 0.0, 1e15, name)) is not None:
            problems.append(Problem("targets", why, ("targets", name)))
    if design.floor is not None:
        problems.extend(check_floor(design.floor))
    return parts, problems


def check_subtree(design: Design, path: Path, catalog: Catalog, parts: dict[str, Part]) -> list[Problem]:
    """Problems with the node at `path` and everything below it."""
    problems: list[Problem] = []
    stack: list[tuple[Path, Node]] = [(path, node_at(design, path))]
    while stack:
        here, node = stack.pop()
        problems.extend(check_node(design, here, node, catalog, parts))
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


def catalog_figures_used(design: Design, catalog: Catalog) -> set[tuple[str, str]]:
    """The (catalog part, figure) pairs the design's evaluation reads: every figure of a catalog
    part a cabinet holds, and those of a custom part's base that the custom part does not replace."""
    out: set[tuple[str, str]] = set()
    for pid in part_ids(design):
        replaced: set[str] = set()
        seen: set[str] = set()
        while pid in design.parts and pid not in seen and pid not in catalog.parts:
            seen.add(pid)
            custom = design.parts[pid]
            replaced |= set(custom.figures)
            if custom.base is None:
                break
            pid = custom.base
        if pid in catalog.parts:
            out |= {(pid, f) for f in catalog.parts[pid].figures if f not in replaced}
    return out


def catalog_note(design: Design, catalog: Catalog) -> str | None:
    """What to tell the user when a design was saved with another catalog version: which figures
    it uses have changed since, or that none has; None when the versions agree or none is recorded."""
    made_with, now = design.catalog_version, catalog.version
    if made_with is None or made_with == now:
        return None
    if made_with > now:
        return (
            f"'{design.name}' was saved with catalog version {made_with}, newer than this ascend-tui's "
            f"({now}); its figures may differ from the ones it was made with (upgrade ascend-tui)"
        )
    used = catalog_figures_used(design, catalog)
    changed = [ch for ch in catalog.changes if made_with < ch.version and (ch.part, ch.figure) in used]
    head = f"'{design.name}' was saved with catalog version {made_with}; this is version {now}"
    if not changed:
        return f"{head}, and none of the figures it uses has changed since"
    moves = "; ".join(
        f"{ch.part} {FIGURES[ch.figure].label}: {ch.was:g} -> "
        f"{catalog.parts[ch.part].value(ch.figure):g} {FIGURES[ch.figure].unit} ({ch.why})"
        for ch in changed
    )
    return f"{head}, and figures it uses have changed: {moves}"
