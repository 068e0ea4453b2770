"""Checks on a design against the catalog: every problem, each with its place."""

from __future__ import annotations

import math
from dataclasses import dataclass

from ascend_tui.model.catalog import FIGURES, PART_KINDS, Catalog, Part, figure_problems
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    CABINET_ESTIMABLE,
    CABINET_ROLES,
    HOLDS_PARTS,
    MAX_COUNT,
    SERVER_ESTIMABLE,
    Block,
    Design,
    FloorLayout,
    Node,
    NodePath,
    PartCount,
    children,
    describe_path,
    node_at,
    part_ids,
)
from ascend_tui.model.fabrics import PLACES, SCALEOUT_TOPOLOGIES, SCALEUP_TOPOLOGIES, NetworkCabinets
from ascend_tui.model.facility import facility_problems
from ascend_tui.model.metrics import TARGETS
from ascend_tui.model.problems import Hints, Problem, did_you_mean
from ascend_tui.model.text import number, quoted

MAX_FOOTPRINT_M2 = 1000.0  # one cabinet larger than this is a typo
MIN_FOOTPRINT_M2 = 0.01  # nor one smaller (but 0: not stated)
MAX_OVERHEAD = 10.0  # overhead as a fraction of the power of what a block holds
MAX_CAPACITY_KW = 10_000.0  # one cabinet's power shelves or PDUs
MAX_BLOCK_PRICE_USD = 1e8  # one cabinet's or server's own hardware
MAX_BLOCK_WEIGHT_KG = 1e5
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


def _loop(ids: list[str]) -> str:
    """A `base` loop for a message: `'a' -> 'b' -> 'a'`, cut in the middle when long."""
    shown = [quoted(i, 40) for i in ids]
    if len(shown) > 6:
        shown = [*shown[:4], "…", shown[-1]]
    text = " -> ".join([*shown, quoted(ids[0], 40)])
    return text + (f" ({len(ids):,} parts)" if len(ids) > 6 else "")


def resolve_parts(design: Design, catalog: Catalog) -> tuple[dict[str, Part], list[Problem]]:
    """Catalog parts plus the design's own, with `base` chains followed (iteratively, so a long
    chain cannot exhaust the stack) and loops refused, each once, by name."""
    parts: dict[str, Part] = dict(catalog.parts)
    named: dict[str, str] = {pid: p.name for pid, p in parts.items()}  # the name a derived part takes
    problems: list[Problem] = []
    failed: set[str] = set()
    base_hints = Hints([*parts, *design.parts])
    for pid in design.parts:
        if pid in catalog.parts:
            problems.append(
                Problem(
                    f"part {quoted(pid)}",
                    "this id is already in the catalog and a design part may not replace it; choose "
                    f"another id and set `base = {quoted(pid)}` to start from the catalog part",
                    ("parts", pid),
                )
            )
            failed.add(pid)
    for start in design.parts:
        if start in parts or start in failed:
            continue
        chain = [start]  # start, its base, that one's base, ... until a known part
        on_chain = {start}
        while True:
            base = design.parts[chain[-1]].base
            if base is None or base in parts or base in failed:
                break
            if base not in design.parts:
                where, key = f"part {quoted(chain[-1])}", ("parts", chain[-1], "base")
                problems.append(Problem(where, f"unknown base part {quoted(base)}; " + base_hints(base), key))
                break
            if base in on_chain:
                loop = chain[chain.index(base) :]
                problems.append(
                    Problem(
                        f"part {quoted(base)}",
                        f"`base` references loop: {_loop(loop)}; make one of them a full part",
                        ("parts", base, "base"),
                    )
                )
                break
            chain.append(base)
            on_chain.add(base)
        for pid in reversed(chain):  # bases first
            part = _resolve_one(design, pid, parts, named, problems)
            if part is None:
                failed.add(pid)
            else:
                parts[pid] = part
    return parts, problems


def _resolve_one(
    design: Design, pid: str, parts: dict[str, Part], named: dict[str, str], problems: list[Problem]
) -> Part | None:
    custom = design.parts[pid]
    where, key = f"part {quoted(pid)}", ("parts", pid)
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
    # A part derived from a derived part is named for the first named part of its chain, so that
    # a chain of 1,000 parts does not make a name 1,000 suffixes long.
    named[pid] = custom.name or (named[base.id] if base else pid)
    name = custom.name or (f"{named[base.id]} (custom {pid})" if base else pid)
    vendor = custom.vendor if custom.vendor is not None else (base.vendor if base else "")
    coherent = base.coherent_memory if base else False
    return Part(pid, kind, name, vendor, "custom", figures, coherent)


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
    """Spelling hints for the names a tree's nodes refer to, looked up once per wrong name (a
    part misspelt in 100,000 cabinets costs one lookup)."""

    parts: Hints
    cooling: Hints

    @classmethod
    def of(cls, catalog: Catalog, parts: dict[str, Part]) -> TreeHints:
        return cls(Hints(parts, "`ascend-tui parts` lists the known ids"), Hints(catalog.cooling))


def _block_problems(block: Block, catalog: Catalog, hints: TreeHints) -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    if block.kind not in BLOCK_KINDS:
        found.append((f"kind must be one of {', '.join(BLOCK_KINDS)}, got {quoted(block.kind)}", ()))
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
            found.append((f"part {quoted(pc.part)} is listed twice; give it one count", ("parts",)))
        seen.add(pc.part)
    if block.kind in HOLDS_PARTS:
        why = check_number(block.power_overhead, 0.0, MAX_OVERHEAD, "power_overhead")
        if why:
            found.append((why, ("power_overhead",)))
        for name, high in (("price_usd", MAX_BLOCK_PRICE_USD), ("weight_kg", MAX_BLOCK_WEIGHT_KG)):
            value = getattr(block, name)
            if value is not None and (why := check_number(value, 0.0, high, name)) is not None:
                found.append((why, (name,)))
    estimable = {"cabinet": CABINET_ESTIMABLE, "server": SERVER_ESTIMABLE}.get(block.kind, ())
    for name in block.estimated:
        if not estimable:
            found.append((f"a {block.kind} has no property to mark estimated", ("estimated",)))
        elif name not in estimable:
            found.append((f"`estimated` may name {', '.join(estimable)}, not {quoted(name)}", ("estimated",)))
    if block.kind == "cabinet":
        if block.role not in CABINET_ROLES:
            roles = ", ".join(CABINET_ROLES)
            found.append((f"role must be one of {roles}, got {quoted(block.role)}", ("role",)))
        if block.cooling not in catalog.cooling:
            hint = hints.cooling(block.cooling)
            found.append((f"unknown cooling kind {quoted(block.cooling)}; {hint}", ("cooling",)))
        for name, high in (("footprint_m2", MAX_FOOTPRINT_M2), ("power_capacity_kw", MAX_CAPACITY_KW)):
            why = check_number(getattr(block, name), 0.0, high, name)
            if why:
                found.append((why, (name,)))
        if (why := _footprint_problem(block.footprint_m2)) is not None:
            found.append((why, ("footprint_m2",)))
    return found


def _footprint_problem(footprint: float) -> str | None:
    """A footprint too small to be meant: a cabinet's weight over it would be absurd."""
    if 0.0 < footprint < MIN_FOOTPRINT_M2:
        return f"footprint_m2 must be 0 (not stated) or at least {MIN_FOOTPRINT_M2:g} m², got {footprint:g}"
    return None


def _part_of_kind(
    pid: str, kind: str, name: str, parts: dict[str, Part], figures: tuple[str, ...] = ()
) -> list[tuple[str, tuple[str, ...]]]:
    """Why `pid` cannot serve as the `name` of a fabric (not a `kind` part, or lacking figures)."""
    part = parts.get(pid)
    if part is None:
        hint = did_you_mean(
            pid, [p for p, q in parts.items() if q.kind == kind], "`ascend-tui parts` lists them"
        )
        return [(f"`{name}`: unknown part {quoted(pid)}; {hint}", (name,))]
    if part.kind != kind:
        return [(f"`{name}`: {quoted(pid)} is a {part.kind}, not a {kind}", (name,))]
    missing = [f for f in figures if part.states(f) != "value"]
    if missing:
        return [(f"`{name}`: {quoted(pid)} states no {', '.join(missing)}, which the fabric needs", (name,))]
    return []


def _cabinet_problems(cabinets: NetworkCabinets, catalog: Catalog) -> list[tuple[str, tuple[str, ...]]]:
    found: list[tuple[str, tuple[str, ...]]] = []
    if cabinets.cooling not in catalog.cooling:
        found.append((f"unknown cooling kind {quoted(cabinets.cooling)}", ("cabinets", "cooling")))
    for name, high in (("footprint_m2", MAX_FOOTPRINT_M2), ("power_overhead", MAX_OVERHEAD)):
        why = check_number(getattr(cabinets, name), 0.0, high, name)
        if why:
            found.append((why, ("cabinets", name)))
    if (why := _footprint_problem(cabinets.footprint_m2)) is not None:
        found.append((why, ("cabinets", "footprint_m2")))
    return found


def _fabric_problems(
    block: Block, parts: dict[str, Part], catalog: Catalog, in_domain: bool, under_scaleout: bool
) -> list[tuple[str, tuple[str, ...]]]:
    """Problems with the fabrics a block states, each with its key below the block's."""
    found: list[tuple[str, tuple[str, ...]]] = []
    up = block.scaleup_fabric
    if up is not None:
        here: list[tuple[str, tuple[str, ...]]] = []
        if not block.scaleup:
            here.append(("only a scale-up domain (`scaleup = true`) has a scale-up fabric", ()))
        if up.topology not in SCALEUP_TOPOLOGIES:
            here.append((f"`topology` must be one of {', '.join(SCALEUP_TOPOLOGIES)}", ("topology",)))
        if up.links_per_chip % up.planes:
            here.append(("`links_per_chip` must be a whole multiple of `planes`", ("links_per_chip",)))
        if up.topology == "switched":
            if up.tiers not in (1, 2):
                here.append(("a switched scale-up fabric has 1 or 2 tiers", ("tiers",)))
            here += _part_of_kind(up.switch, "switch", "switch", parts, ("ports",))
            if up.tiers == 2 and up.switch2:
                here += _part_of_kind(up.switch2, "switch", "switch2", parts, ("ports",))
            if up.tier1_in not in PLACES:
                here.append((f"`tier1_in` must be one of {', '.join(PLACES)}", ("tier1_in",)))
            if not 1.0 <= up.oversubscription <= 64.0:
                here.append(("`oversubscription` (down:up) must be between 1 and 64", ("oversubscription",)))
        optical = up.topology == "switched" and (up.tiers == 2 or up.tier1_in == "network")
        if up.transceiver or optical:
            here += _part_of_kind(up.transceiver, "transceiver", "transceiver", parts)
        if up.cable:
            here += _part_of_kind(up.cable, "cable", "cable", parts)
        here += _cabinet_problems(up.cabinets, catalog)
        found += [(m, ("scaleup_fabric", *k)) for m, k in here]
    out = block.scaleout_fabric
    if out is not None:
        here = []
        if in_domain:
            here.append(("a scale-out network joins scale-up domains: put it on a domain or above", ()))
        if under_scaleout:
            here.append(("a block above already has a scale-out network; a design has one per path", ()))
        if out.topology not in SCALEOUT_TOPOLOGIES:
            here.append((f"`topology` must be one of {', '.join(SCALEOUT_TOPOLOGIES)}", ("topology",)))
        if out.tiers not in (2, 3):
            here.append(("a fat tree here has 2 or 3 tiers", ("tiers",)))
        if len(out.oversubscription) > max(out.tiers - 1, 1) or not all(
            1.0 <= o <= 64.0 for o in out.oversubscription
        ):
            here.append(
                (
                    f"`oversubscription` lists down:up ratios (1 to 64) for the {out.tiers - 1} tier "
                    "boundaries below the top, leaves first",
                    ("oversubscription",),
                )
            )
        here += _part_of_kind(out.switch, "switch", "switch", parts, ("ports", "port_gbps"))
        if out.nic:
            here += _part_of_kind(out.nic, "nic", "nic", parts, ("port_gbps",))
            if out.nics_per_chip < 1:
                here.append(("a derived `nic` needs `nics_per_chip` of at least 1", ("nics_per_chip",)))
        elif out.nics_per_chip:
            here.append(("`nics_per_chip` needs the `nic` part to derive", ("nic",)))
        if out.leaf_in not in ("cabinet", "network"):
            here.append(('`leaf_in` must be "cabinet" (top of rack) or "network"', ("leaf_in",)))
        here += _part_of_kind(out.transceiver, "transceiver", "transceiver", parts)
        if out.cable:
            here += _part_of_kind(out.cable, "cable", "cable", parts)
        here += _cabinet_problems(out.cabinets, catalog)
        found += [(m, ("scaleout_fabric", *k)) for m, k in here]
    return found


def check_node(
    design: Design,
    path: NodePath,
    node: Node,
    catalog: Catalog,
    parts: dict[str, Part],
    in_domain: bool,
    under_scaleout: bool = False,
    hints: TreeHints | None = None,
) -> list[Problem]:
    """Problems with one node on its own, and with where it stands as to scale-up domains
    (`in_domain`: whether a block above it is one). Its place is worked out only when needed."""
    found: list[tuple[str, tuple[str, ...]]] = []
    hints = hints or TreeHints.of(catalog, parts)
    if isinstance(node, PartCount):
        part = parts.get(node.part)
        if part is None and node.part in design.parts:
            pass  # the part's own definition is wrong, and says why
        elif part is None:
            found.append((f"unknown part id {quoted(node.part)}; {hints.parts(node.part)}", ()))
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
        found += _block_problems(node, catalog, hints)
        found += _fabric_problems(node, parts, catalog, in_domain, under_scaleout)
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
    the facility's CDU, targets, floor layout)."""
    parts, problems = resolve_parts(design, catalog)
    if design.pue is not None and (why := check_number(design.pue, *PUE_RANGE, "pue")) is not None:
        problems.append(Problem("design", why, ("pue",)))
    problems += facility_problems(design.facility)
    cdu = design.facility.cdu
    if cdu is not None:
        problems += [
            Problem("facility", m, ("facility", *k))
            for m, k in _part_of_kind(cdu, "cdu", "cdu", parts, ("cooling_kw",))
        ]
    for name, value in design.targets.items():
        if name not in TARGETS:
            hint = did_you_mean(name, TARGETS)
            problems.append(Problem("targets", f"unknown target {quoted(name)}; {hint}", ("targets", name)))
        elif (why := check_number(value, 0.0, 1e15, name)) is not None:
            problems.append(Problem("targets", why, ("targets", name)))
    for key, f in design.published.items():
        if f.counts and not (f.source or f.estimate):
            why = "a published figure needs its `source` (or `estimate = true` and a rationale)"
            problems.append(Problem(f"published > {key}", why, ("published", key)))
    if design.floor is not None:
        problems.extend(check_floor(design.floor))
    return parts, problems


def context_above(design: Design, path: NodePath) -> tuple[bool, bool]:
    """Whether a block above the node at `path` (not the node itself) is a scale-up domain, and
    whether one has a scale-out network."""
    node: Node = design.root
    in_domain = under_scaleout = False
    for i in path:
        assert isinstance(node, Block)
        in_domain = in_domain or node.scaleup
        under_scaleout = under_scaleout or node.scaleout_fabric is not None
        node = children(node)[i]
    return in_domain, under_scaleout


def check_subtree(design: Design, path: NodePath, catalog: Catalog, parts: dict[str, Part]) -> list[Problem]:
    """Problems with the node at `path` and everything below it."""
    problems: list[Problem] = []
    hints = TreeHints.of(catalog, parts)
    start = node_at(design, path)
    stack: list[tuple[NodePath, Node, tuple[bool, bool]]] = [(path, start, context_above(design, path))]
    # A part entry's problems depend only on it and on whether it is in a domain; layouts repeat
    # the same entries in many cabinets, and most have none.
    sound: set[tuple[PartCount, bool]] = set()
    while stack:
        here, node, (in_domain, under_scaleout) = stack.pop()
        if isinstance(node, PartCount) and (node, in_domain) in sound:
            continue
        found = check_node(design, here, node, catalog, parts, in_domain, under_scaleout, hints)
        if isinstance(node, PartCount) and not found:
            sound.add((node, in_domain))
        problems.extend(found)
        if isinstance(node, Block):
            below = (in_domain or node.scaleup, under_scaleout or node.scaleout_fabric is not None)
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
        f"{ch.part} {FIGURES[ch.figure].label}: {ch.was_text} -> "
        f"{catalog.parts[ch.part].value(ch.figure):g} {FIGURES[ch.figure].unit} ({ch.why})"
        for ch in changed
    )
    return f"{head}, and figures it uses have changed: {moves}"
