"""The design file format (TOML, versioned): read format 1 and 2, write format 2 with tomli-w, or
with tomlkit onto the file's own text so that a person's comments stay; atomically.

A block's table holds its own keys and one array of tables per kind of block it holds
(`[[cluster.pods]]`, `[[pod.cabinets]]`, `[[cabinet.servers]]`), plus `parts` for cabinets and
servers. A block may instead reuse another design (`use = "preset-name"` or a path relative to
the file), which saving keeps as it is.
"""

from __future__ import annotations

import os
import re
import sys
import tomllib
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeGuard

import tomli_w

from ascend_tui.model import files, toml_text
from ascend_tui.model.catalog import FIGURES, Catalog, load_catalog
from ascend_tui.model.design import (
    ALLOWED_BLOCKS,
    BLOCK_KINDS,
    FORMAT_VERSION,
    HOLDS_PARTS,
    Block,
    CustomPart,
    Design,
    FloorLayout,
    PartCount,
    kind_rank,
)
from ascend_tui.model.fabrics import (
    FABRIC_KEYS,
    NetworkCabinets,
    ScaleoutFabric,
    ScaleupFabric,
    fabric_to_toml,
)
from ascend_tui.model.facility import facility_to_toml, parse_facility
from ascend_tui.model.figures import FigureSpec, figure_to_toml, parse_figure
from ascend_tui.model.locate import find_line, key_lines
from ascend_tui.model.metrics import BY_KEY, TARGETS
from ascend_tui.model.problems import MAX_SHOWN, DesignError, Hints, Problem
from ascend_tui.model.text import number, quoted
from ascend_tui.model.validate import check_count, check_design

if TYPE_CHECKING:
    from tomlkit.items import AoT

Key = tuple[str | int, ...]
TOP_KEYS = (
    "format",
    "catalog_version",
    "name",
    "notes",
    "pue",
    "facility",
    "targets",
    "published",
    "floor",
    "parts",
    *BLOCK_KINDS,
)
FLOOR_KEYS = ("cabinets_per_row", "cabinet_width_m", "cabinet_depth_m", "aisle_m")
COMMON_KEYS = ("name", "count", "scaleup", "use", "estimated", "source", *FABRIC_KEYS)
CABINET_KEYS = ("role", "cooling", "footprint_m2", "power_capacity_kw")
PART_KEYS = ("base", "kind", "name", "vendor", "coherent_memory", *FIGURES)
# Format 1 wrote a scale-out figure on any part; format 2 has NICs with ports and a port speed.
FORMAT_1_SCALEOUT = "scaleout_gbps"


def published_spec(key: str) -> FigureSpec:
    """How a published figure of a metric is read: in the metric's base unit (kW, PF, US$)."""
    unit = BY_KEY[key].unit
    symbol = "US$" if unit.money else (unit.symbols[0] if unit.symbols else "")
    return FigureSpec(key, key, symbol, (), 1e18)


def plural(kind: str) -> str:
    """The key of the array holding a block's children of one kind: `cabinets`."""
    return kind + "s"


@cache
def _key_set(keys: tuple[str, ...]) -> frozenset[str]:
    return frozenset(keys)


@cache
def block_keys(kind: str) -> tuple[str, ...]:
    keys = list(COMMON_KEYS)
    if kind in HOLDS_PARTS:
        keys += ["power_overhead", "price_usd", "weight_kg", "parts"]
    if kind == "cabinet":
        keys += CABINET_KEYS
    keys += [plural(k) for k in ALLOWED_BLOCKS[kind]]
    return tuple(keys)


# Finds a design that a block reuses: from a `use` reference as written in a file, the reference as
# the design keeps it in memory (a preset's name, or a file's absolute path) and the design.
UseResolver = Callable[[str], tuple[str, Design]]


def is_path(ref: str) -> bool:
    """Whether a `use` reference names a file (else a preset)."""
    return ref.endswith(".toml") or "/" in ref


@dataclass
class _Reader:
    """Turns parsed TOML into a Design, collecting every problem instead of stopping at one."""

    resolve_use: UseResolver | None
    version: int = FORMAT_VERSION

    def __post_init__(self) -> None:
        self.problems: list[Problem] = []
        self.hints: dict[tuple[str, ...], Hints] = {}  # for unknown keys, per set of allowed keys
        self.brought: dict[str, CustomPart] = {}  # custom parts that reused designs bring
        # One PartCount per distinct part and count: a layout repeats them, and sharing them
        # saves memory (PartCounts are frozen).
        self.part_counts: dict[tuple[str, int], PartCount] = {}

    def problem(self, where: str, message: str, key: Key) -> None:
        self.problems.append(Problem(where, message, key))

    def table(self, raw: Any, where: str, key: Key, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.problem(where, f"expected a table, got {type(raw).__name__}", key)
            return {}
        if raw.keys() <= _key_set(allowed):  # the usual case, at once
            return raw
        for name in raw:
            if name not in allowed:
                hint = self.hints.setdefault(allowed, Hints(allowed))(name)
                self.problem(where, f"unknown key {quoted(name)}; {hint}", (*key, name))
        return raw

    def string(self, raw: dict[str, Any], name: str, where: str, key: Key, default: str | None) -> str:
        value = raw.get(name, default)
        if value is None:
            self.problem(where, f"missing `{name}`", (*key, name))
            return ""
        if not isinstance(value, str):
            self.problem(where, f"`{name}` must be a string, got {type(value).__name__}", (*key, name))
            return default or ""
        return value

    def number(self, raw: dict[str, Any], name: str, where: str, key: Key, default: float) -> float:
        value = raw.get(name, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.problem(where, f"`{name}` must be a number, got {type(value).__name__}", (*key, name))
            return default
        if isinstance(value, int) and abs(value) > sys.float_info.max:  # too large for a float
            message = f"`{name}` must be a number no larger than 1e308, got {quoted(value)}"
            self.problem(where, message, (*key, name))
            return default
        return float(value)

    def flag(self, raw: dict[str, Any], name: str, where: str, key: Key) -> bool:
        value = raw.get(name, False)
        if not isinstance(value, bool):
            self.problem(where, f"`{name}` must be true or false", (*key, name))
            return False
        return value

    def whole(self, value: Any, where: str, key: Key, what: str, minimum: int) -> int:
        """A whole number of at least `minimum` (0 or 1)."""
        if minimum == 0 and value == 0 and not isinstance(value, bool):
            return 0
        return self.count(value, where, key, what)

    def count(self, value: Any, where: str, key: Key, what: str = "count") -> int:
        why = check_count(value, what)
        if why:
            self.problem(where, why, key)
            return 1
        return int(value)

    def record(self, cls: Any, raw: Any, where: str, key: Key) -> Any:
        """A frozen dataclass (a fabric, its network cabinets) from a table, each key read as the
        type of the field's default."""
        default = cls()
        names = tuple(f for f in default.__slots__)
        raw = self.table(raw, where, key, names)
        values: dict[str, Any] = {}
        for name in names:
            if name not in raw:
                continue
            value, like, here = raw[name], getattr(default, name), (*key, name)
            if isinstance(like, NetworkCabinets):
                values[name] = self.record(NetworkCabinets, value, f"{where} > {name}", here)
            elif isinstance(like, bool):
                values[name] = self.flag(raw, name, where, key)
            elif isinstance(like, int):
                values[name] = self.whole(value, where, here, name, minimum=like if like < 1 else 1)
            elif isinstance(like, float):
                values[name] = self.number(raw, name, where, key, like)
            elif isinstance(like, str):
                values[name] = self.string(raw, name, where, key, like)
            elif isinstance(like, tuple):
                if not isinstance(value, list) or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= sys.float_info.max
                    for v in value
                ):
                    self.problem(where, f"`{name}` must be a list of numbers", here)
                else:
                    values[name] = tuple(float(v) for v in value)
        return cls(**values)

    def block(self, kind: str, raw: Any, parent: str, key: Key) -> Block:
        where = f"{parent} > {kind}" if parent else kind
        if isinstance(raw, dict) and isinstance(raw.get("name"), str):
            where = f"{where} {quoted(raw['name'])}"
        raw = self.table(raw, where, key, block_keys(kind))
        if "use" in raw:
            return self.used_block(kind, raw, parent, key)
        name = self.string(raw, "name", where, key, None)
        if not isinstance(raw.get("name"), str):  # else `where` says the same
            where = f"{parent} > {kind} {quoted(name)}" if parent else f"{kind} {quoted(name)}"
        label = where
        kids: list[Block] = []
        for child_kind in ALLOWED_BLOCKS[kind]:
            items = raw.get(plural(child_kind), [])
            if not isinstance(items, list):
                what = plural(child_kind)
                self.problem(label, f"`{what}` must be an array of tables ([[...]])", (*key, what))
                continue
            for i, item in enumerate(items):
                kids.append(self.block(child_kind, item, label, (*key, plural(child_kind), i)))
        kids.sort(key=lambda b: kind_rank(b.kind))  # stable: file order within a kind
        parts: list[PartCount] = []
        parts_raw = raw.get("parts", {})
        if not isinstance(parts_raw, dict):
            self.problem(label, "`parts` must be a table of part id = count", (*key, "parts"))
        else:
            for pid, n in parts_raw.items():
                if check_count(n) is not None:  # the place is worked out only for a message
                    n = self.count(n, f"{label} > part {quoted(pid)}", (*key, "parts", pid))
                entry = self.part_counts.get((pid, n))
                if entry is None:
                    entry = self.part_counts[pid, n] = PartCount(pid, n)
                parts.append(entry)
        estimated = raw.get("estimated", [])
        if estimated != [] and (
            not isinstance(estimated, list) or not all(isinstance(e, str) for e in estimated)
        ):
            self.problem(label, "`estimated` must be a list of property names", (*key, "estimated"))
            estimated = []
        fields: dict[str, Any] = {}
        for stated in ("price_usd", "weight_kg"):
            if stated in raw:
                fields[stated] = self.number(raw, stated, label, key, 0.0)
        if kind == "cabinet":
            fields.update(
                role=self.string(raw, "role", label, key, "compute"),
                cooling=self.string(raw, "cooling", label, key, "air"),
                footprint_m2=self.number(raw, "footprint_m2", label, key, 0.0),
                power_capacity_kw=self.number(raw, "power_capacity_kw", label, key, 0.0),
            )
        fabrics = {
            name: self.record(cls, raw[name], f"{label} > {name}", (*key, name))
            for name, cls in (("scaleup_fabric", ScaleupFabric), ("scaleout_fabric", ScaleoutFabric))
            if name in raw
        }
        return Block(
            kind,
            name,
            self.count(raw.get("count", 1), label, (*key, "count")),
            scaleup=self.flag(raw, "scaleup", label, key),
            blocks=tuple(kids),
            parts=tuple(parts),
            power_overhead=self.number(raw, "power_overhead", label, key, 0.0),
            estimated=tuple(estimated),
            source=self.string(raw, "source", label, key, ""),
            **fields,
            **fabrics,
        )

    def used_block(self, kind: str, raw: dict[str, Any], parent: str, key: Key) -> Block:
        """A block that reuses another design's top block."""
        ref = raw["use"]
        where = f"{parent} > {kind}" if parent else kind
        others = sorted(set(raw) - {"use", "name", "count"})
        if others:
            shown = ", ".join(quoted(o) for o in others)
            self.problem(where, f"a block with `use` takes only `name` and `count`, not {shown}", key)
        if not isinstance(ref, str) or not ref:
            self.problem(where, "`use` must name a preset or a design file", (*key, "use"))
            return Block(kind, "?")
        if self.resolve_use is None:
            self.problem(
                where, f"`use = {quoted(ref)}` needs the design to be read from a file", (*key, "use")
            )
            return Block(kind, ref)
        try:
            ref, used = self.resolve_use(ref)
        except DesignError as error:
            for p in error.problems:
                self.problem(where, f"in `use = {quoted(ref)}`: {p.describe(error.source)}", (*key, "use"))
            return Block(kind, ref)
        if used.root.kind != kind:
            self.problem(
                where,
                f"{quoted(ref)} is a {used.root.kind}; reuse it under `{plural(used.root.kind)}`, "
                f"not `{plural(kind)}`",
                (*key, "use"),
            )
        for pid, part in used.parts.items():
            if pid in self.brought and self.brought[pid] != part:
                self.problem(where, f"part {quoted(pid)} means different things in two reused designs", key)
            self.brought[pid] = part
        label = f"{where} {quoted(ref)}"
        name = self.string(raw, "name", label, key, used.root.name)
        count = self.count(raw.get("count", 1), label, (*key, "count"))
        return replace(used.root, name=name, count=count, use=ref)

    def custom_part(self, pid: str, raw: Any) -> CustomPart:
        where, key = f"part {quoted(pid)}", ("parts", pid)
        allowed = (*PART_KEYS, FORMAT_1_SCALEOUT) if self.version == 1 else PART_KEYS
        raw = self.table(raw, where, key, allowed)
        texts = {k: raw[k] for k in ("base", "kind", "name", "vendor") if k in raw}
        for k, v in texts.items():
            if not isinstance(v, str):
                self.problem(where, f"`{k}` must be a string", (*key, k))
                texts[k] = None
        figures = {}
        for name in FIGURES:
            if name in raw:
                fig = parse_figure(raw[name], f"{where} > {name}", (*key, name), FIGURES[name])
                if isinstance(fig, Problem):
                    self.problems.append(fig)
                else:
                    figures[name] = fig
        if FORMAT_1_SCALEOUT in raw:
            self.problem(
                where,
                "format 1's `scaleout_gbps` is now a NIC's `ports` and `port_gbps` (Gb/s per direction); "
                'make the part `kind = "nic"` or base it on a catalog NIC',
                (*key, FORMAT_1_SCALEOUT),
            )
        return CustomPart(
            pid,
            texts.get("base"),
            texts.get("kind"),
            texts.get("name"),
            texts.get("vendor"),
            figures,
        )

    def design(self, data: dict[str, Any]) -> Design | None:
        version = data.get("format")
        if version is None:
            self.problem("design", f"missing `format = {FORMAT_VERSION}` at the top of the file", ())
        elif isinstance(version, bool) or not isinstance(version, int) or version < 1:
            self.problem("design", f"`format` must be a whole number, got {quoted(version)}", ("format",))
        elif version > FORMAT_VERSION:
            self.problem(
                "design",
                f"format {number(version)} is newer than this ascend-tui understands "
                f"(format {FORMAT_VERSION}); upgrade ascend-tui to open it",
                ("format",),
            )
            return None
        else:
            self.version = version
        self.table(data, "design", (), TOP_KEYS)
        roots = [k for k in BLOCK_KINDS if k in data]
        if len(roots) != 1:
            found = ", ".join(f"[{k}]" for k in roots) or "none"
            tables = ", ".join(f"[{k}]" for k in BLOCK_KINDS)
            self.problem("design", f"a design has exactly one of {tables} at the top; found {found}", ())
            return None
        raw_root = data[roots[0]]
        if self.version == 1:
            raw_root = migrate_format_1(roots[0], raw_root)
        root = self.block(roots[0], raw_root, "", (roots[0],))
        given = data.get("parts", {})
        parts_raw = self.table(given, "parts", ("parts",), tuple(given) if isinstance(given, dict) else ())
        targets_raw = self.table(data.get("targets", {}), "targets", ("targets",), tuple(TARGETS))
        targets = {
            k: self.number(targets_raw, k, "targets", ("targets",), 0.0) for k in targets_raw if k in TARGETS
        }
        published_raw = self.table(data.get("published", {}), "published", ("published",), tuple(BY_KEY))
        published = {}
        for key, raw in published_raw.items():
            if key in BY_KEY:
                fig = parse_figure(raw, f"published > {key}", ("published", key), published_spec(key))
                if isinstance(fig, Problem):
                    self.problems.append(fig)
                else:
                    published[key] = fig
        floor = None
        if "floor" in data:
            raw = self.table(data["floor"], "floor", ("floor",), FLOOR_KEYS)
            defaults = FloorLayout()
            floor = FloorLayout(
                cabinets_per_row=self.count(
                    raw.get("cabinets_per_row", defaults.cabinets_per_row),
                    "floor",
                    ("floor", "cabinets_per_row"),
                    "cabinets_per_row",
                ),
                **{k: self.number(raw, k, "floor", ("floor",), getattr(defaults, k)) for k in FLOOR_KEYS[1:]},
            )
        facility, facility_problems = parse_facility(data.get("facility", {}), "facility", ("facility",))
        self.problems += facility_problems
        own = {pid: self.custom_part(pid, raw) for pid, raw in parts_raw.items()}
        for pid in set(own) & set(self.brought):
            if own[pid] != self.brought[pid]:
                self.problem(
                    f"part {quoted(pid)}", "a reused design defines this part differently", ("parts", pid)
                )
        catalog_version = data.get("catalog_version")
        if catalog_version is not None and (
            isinstance(catalog_version, bool) or not isinstance(catalog_version, int) or catalog_version < 1
        ):
            self.problem(
                "design",
                f"`catalog_version` must be a whole number, got {quoted(catalog_version)}; "
                "remove it if you do not know the version",
                ("catalog_version",),
            )
            catalog_version = None
        return Design(
            catalog_version=catalog_version,
            floor=floor,
            name=self.string(data, "name", "design", (), root.name),
            root=root,
            pue=self.number(data, "pue", "design", (), 1.0) if "pue" in data else None,
            facility=facility,
            notes=self.string(data, "notes", "design", (), ""),
            parts={**self.brought, **own},
            targets=targets,
            published=published,
            brought=frozenset(self.brought) - set(own),
        )


def migrate_format_1(kind: str, raw: Any) -> Any:
    """Format 1's tree in format 2 terms: every supernode, and a cabinet at the top, was a
    scale-up domain. The keys are otherwise the same, so errors keep their lines."""
    if not isinstance(raw, dict):
        return raw
    out = dict(raw)
    if kind in ("supernode", "cabinet"):
        out.setdefault("scaleup", True)
    if kind == "cluster" and isinstance(raw.get("supernodes"), list):
        out["supernodes"] = [
            {**s, "scaleup": s.get("scaleup", True)} if isinstance(s, dict) else s for s in raw["supernodes"]
        ]
    return out


def parse_design(
    text: str,
    source: str | None = None,
    catalog: Catalog | None = None,
    resolve_use: UseResolver | None = None,
) -> Design:
    """A checked design from TOML text; DesignError lists every problem, the ones its message
    shows (the first MAX_SHOWN) with their lines. `resolve_use` finds the designs that blocks
    reuse (`use = ...`)."""
    design = read_in_pieces(text, resolve_use)
    problems: list[Problem] = []
    if design is None:  # not a large layout in the form read in pieces, or a problem in it
        data = files.parse_toml(text, source)
        reader = _Reader(resolve_use)
        design = reader.design(data)
        problems = reader.problems
    if design is not None:
        # The reader put defaults where values were bad; report each place once.
        seen = {p.key for p in problems}
        problems += [p for p in check_design(design, catalog or load_catalog()) if p.key not in seen]
    if problems:
        shown = problems[:MAX_SHOWN]
        lines = key_lines(text, {p.key for p in shown})
        located = [replace(p, line=find_line(lines, p.key)) for p in shown]
        raise DesignError(located + problems[MAX_SHOWN:], source)
    assert design is not None
    return design


# A layout whose top block holds this many bytes of children or more is read in pieces.
PIECES_MIN_BYTES = 1_000_000
_CHILDREN_HEADER = re.compile(r"^\[\[([a-z]+)\.([a-z]+)\]\]\n", re.MULTILINE)


def read_in_pieces(text: str, resolve_use: UseResolver | None = None) -> Design | None:
    """A large design read one child of its top block at a time, or None for text not in that
    form or with a problem the reader finds (the whole text is then read at once, which says
    where the problem is).

    Reading a million cabinets at once holds every value as TOML data, several GB, before a
    single block is made. The text the tool writes has the top block's own table, then its
    children: each a `[[cluster.pods]]` line and the tables below it, whose headers all start
    with `cluster.pods.`. Each such piece is read by itself and made into a block at once, so only
    one piece's data is held at a time. This is the reading of the whole text, not a second
    format: a piece split inside a multi-line string or array leaves that string or array open
    in the piece it started in, which then fails to parse; a piece that reads as anything but one
    child (a table after the children, say), a head that already has the children's key or that
    reads otherwise beside the first child sends the text to the whole reading; and anything the
    reader finds wrong does too."""
    first = _CHILDREN_HEADER.search(text)
    if first is None or len(text) - first.start() < PIECES_MIN_BYTES:
        return None
    root_kind, children = first.group(1), first.group(2)
    child_kinds = {plural(k): k for k in ALLOWED_BLOCKS.get(root_kind, ())}
    if children not in child_kinds:
        return None
    split = re.compile(rf"^\[\[{root_kind}\.{children}\]\]\n", re.MULTILINE)
    starts = [m.start() for m in split.finditer(text, first.start())]
    if files.too_deep(text) is not None:
        return None
    try:
        head = files.loads(text[: first.start()])
        # The head and the first child read together as they read apart: the top block's table
        # takes children (it is not an inline table, say); the others are alike in form.
        together = files.loads(text[: starts[1] if len(starts) > 1 else len(text)])
    except (tomllib.TOMLDecodeError, ValueError):
        return None
    root = head.get(root_kind)
    if head.get("format") != FORMAT_VERSION or not isinstance(root, dict) or children in root:
        return None
    if together != {**head, root_kind: {**root, children: together.get(root_kind, {}).get(children)}}:
        return None
    reader = _Reader(resolve_use)
    design = reader.design(head)
    if design is None or reader.problems or design.root.use is not None:
        return None
    label = f"{root_kind} {quoted(design.root.name)}"
    kids = list(design.root.blocks)
    ends = [*starts[1:], len(text)]
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        try:
            piece = files.loads(text[start:end])
        except (tomllib.TOMLDecodeError, ValueError):
            return None
        raw = piece.get(root_kind, {}).get(children)
        if len(piece) != 1 or len(piece[root_kind]) != 1 or not isinstance(raw, list) or len(raw) != 1:
            return None
        kids.append(reader.block(child_kinds[children], raw[0], label, (root_kind, children, i)))
        if reader.problems or reader.brought:
            return None
    kids.sort(key=lambda b: kind_rank(b.kind))  # stable: file order within a kind
    return replace(design, root=replace(design.root, blocks=tuple(kids)))


def load_design(
    path: str | os.PathLike[str], catalog: Catalog | None = None, resolve_use: UseResolver | None = None
) -> Design:
    """Read and check a design file (see `files.read_text` for what is refused before parsing)."""
    return parse_design(files.read_text(path), os.fspath(path), catalog, resolve_use)


def block_to_toml(block: Block, folder: Path | None = None) -> dict[str, Any]:
    """One block's table: its own keys, then its parts, then its children by kind. A reused design
    is written as its reference: a preset's name, or a path relative to `folder`, the folder of the
    file being written (absolute without one)."""
    out = block_own_toml(block, folder)
    if block.use is None and block.blocks:  # children by kind, in BLOCK_KINDS order
        for kind, kids in children_by_kind(block):
            out[plural(kind)] = [block_to_toml(b, folder) for b in kids]
    return out


def block_own_toml(block: Block, folder: Path | None = None) -> dict[str, Any]:
    """A block's table without its children (see block_to_toml)."""
    out: dict[str, Any] = {"name": block.name, "count": block.count}
    if block.use is not None:
        ref = block.use
        if folder is not None and is_path(ref):
            ref = os.path.relpath(ref, folder)
        return {"use": ref, **out}
    if block.scaleup:
        out["scaleup"] = True
    kind = block.kind
    if kind == "cabinet":
        out["role"] = block.role
        out["cooling"] = block.cooling
        out["footprint_m2"] = block.footprint_m2
        if block.power_capacity_kw:
            out["power_capacity_kw"] = block.power_capacity_kw
    if kind in HOLDS_PARTS and (block.power_overhead or kind == "cabinet"):
        out["power_overhead"] = block.power_overhead
    if block.price_usd is not None:
        out["price_usd"] = block.price_usd
    if block.weight_kg is not None:
        out["weight_kg"] = block.weight_kg
    if block.estimated:
        out["estimated"] = list(block.estimated)
    if block.source:
        out["source"] = block.source
    if block.scaleup_fabric is not None:
        out["scaleup_fabric"] = fabric_to_toml(block.scaleup_fabric)
    if block.scaleout_fabric is not None:
        out["scaleout_fabric"] = fabric_to_toml(block.scaleout_fabric)
    if kind in HOLDS_PARTS:
        out["parts"] = {pc.part: pc.count for pc in block.parts}
    return out


def children_by_kind(block: Block) -> list[tuple[str, list[Block]]]:
    """A block's children grouped by kind, in BLOCK_KINDS order (each group in the tree's order)."""
    by_kind: dict[str, list[Block]] = {}
    for b in block.blocks:
        by_kind.setdefault(b.kind, []).append(b)
    return [(kind, by_kind[kind]) for kind in ALLOWED_BLOCKS[block.kind] if kind in by_kind]


def design_head(design: Design) -> str:
    """A design's TOML without the blocks below its top one: its own keys and tables, and the top
    block's name and count (with `design_with_root`, how a design is kept beside its blocks)."""
    stub = Block(design.root.kind, design.root.name, design.root.count)
    return dumps_design(replace(design, root=stub, brought=frozenset()))


def design_with_root(head: str, root: Block) -> Design:
    """The design a `design_head` text describes, with `root` as its top block."""
    reader = _Reader(None)
    design = reader.design(files.loads(head))
    if design is None or reader.problems:
        raise DesignError(reader.problems or [Problem("design", "no design in the head")])
    return replace(design, root=root)


def fabrics_to_toml(block: Block) -> dict[str, Any]:
    """A block's fabrics as TOML data."""
    return {
        name: fabric_to_toml(getattr(block, name))
        for name in ("scaleup_fabric", "scaleout_fabric")
        if getattr(block, name) is not None
    }


def fabrics_from_toml(
    data: Mapping[str, Any],
) -> dict[str, tuple[ScaleupFabric | None, ScaleoutFabric | None]]:
    """The fabrics `fabrics_to_toml` wrote, by the key each was kept under."""
    reader = _Reader(None)
    out: dict[str, tuple[ScaleupFabric | None, ScaleoutFabric | None]] = {}
    for key, raw in data.items():
        up = reader.record(ScaleupFabric, raw["scaleup_fabric"], key, ()) if "scaleup_fabric" in raw else None
        out_ = (
            reader.record(ScaleoutFabric, raw["scaleout_fabric"], key, ())
            if "scaleout_fabric" in raw
            else None
        )
        out[key] = (up, out_)
    if reader.problems:
        raise DesignError(reader.problems)
    return out


def written_parts(design: Design) -> dict[str, CustomPart]:
    """The custom parts a saved file carries: its own, and those that reused designs brought
    which blocks outside any reuse now need (with the parts they are based on)."""
    if not design.brought:
        return dict(design.parts)
    needed: set[str] = set()
    stack: list[Block] = [design.root]
    while stack:
        block = stack.pop()
        if block.use is None:
            needed.update(pc.part for pc in block.parts)
            stack.extend(block.blocks)
    frontier = [pid for pid in needed if pid in design.parts]
    while frontier:  # the bases those parts stand on
        base = design.parts[frontier.pop()].base
        if base is not None and base in design.parts and base not in needed:
            needed.add(base)
            frontier.append(base)
    return {pid: p for pid, p in design.parts.items() if pid not in design.brought or pid in needed}


def design_to_toml(design: Design, folder: Path | None = None) -> dict[str, Any]:
    """The design as plain TOML data, in the documented key order, for a file in `folder`."""
    return {**head_toml(design), design.root.kind: block_to_toml(design.root, folder)}


def head_toml(design: Design) -> dict[str, Any]:
    """The design's TOML data but for its top block, which comes after it."""
    out: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "catalog_version": load_catalog().version,  # the figures it is evaluated with from now on
        "name": design.name,
    }
    if design.pue is not None:
        out["pue"] = design.pue
    if design.notes:
        out["notes"] = design.notes
    if not design.facility.empty:
        out["facility"] = facility_to_toml(design.facility)
    if design.targets:
        out["targets"] = dict(design.targets)
    if design.published:
        out["published"] = {k: figure_to_toml(f, published_spec(k)) for k, f in design.published.items()}
    if design.floor is not None:
        f = design.floor
        out["floor"] = {k: getattr(f, k) for k in FLOOR_KEYS}
    parts: dict[str, Any] = {}
    for pid, cp in written_parts(design).items():
        entry: dict[str, Any] = {
            k: getattr(cp, k) for k in ("base", "kind", "name", "vendor") if getattr(cp, k) is not None
        }
        entry.update({name: figure_to_toml(f, FIGURES[name]) for name, f in cp.figures.items()})
        parts[pid] = entry
    if parts:
        out["parts"] = parts
    return out


def _has_carriage_return(value: Any) -> bool:
    if isinstance(value, str):
        return "\r" in value
    if isinstance(value, dict):
        return any(_has_carriage_return(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_carriage_return(v) for v in value)
    return False


# Designs of this many blocks and more are written a block at a time straight as text
# (design_chunks), several times tomli-w's speed and without building the tree as data first
# (benchmarks/bench_files.py); smaller ones by tomli-w, whose layout people read and which tests pin.
FAST_WRITE_BLOCKS = 20_000
CHUNK_LINES = 20_000  # lines of text handed on at a time when writing a large design


def _at_least(root: Block, blocks: int) -> bool:
    """Whether the tree has at least `blocks` blocks (counting stops there)."""
    stack, seen = [root], 0
    while stack:
        block = stack.pop()
        seen += 1
        if seen >= blocks:
            return True
        stack.extend(block.blocks)
    return False


def _head_text(design: Design) -> str:
    """The design's text above its top block, by tomli-w; notes stay multi-line unless they hold
    a carriage return, which a TOML reader would turn into a plain newline inside one."""
    head = head_toml(design)
    return tomli_w.dumps(head, multiline_strings=not _has_carriage_return(head))


def design_chunks(design: Design, folder: Path | None = None) -> Iterator[str]:
    """A large design's TOML text in pieces, each block written as text as the walk reaches it:
    the head, then the top block's table, then each child's `[[...]]` table after its parent's,
    so that every header refers to the last table of its path, as TOML reads it."""
    yield _head_text(design)
    lines: list[str] = []
    stack: list[tuple[Block, str, bool]] = [(design.root, toml_text.key(design.root.kind), False)]
    while stack:
        block, header, array = stack.pop()
        toml_text.table(lines, header, block_own_toml(block, folder), array)
        if block.use is None and block.blocks:
            below = [
                (kid, f"{header}.{plural(kind)}", True)
                for kind, kids in children_by_kind(block)
                for kid in kids
            ]
            stack.extend(reversed(below))
        if len(lines) >= CHUNK_LINES:
            yield "".join(lines)
            lines.clear()
    yield "".join(lines)


def dumps_design(design: Design, folder: Path | None = None) -> str:
    """The design as TOML text (design_chunks' text for a large design)."""
    if _at_least(design.root, FAST_WRITE_BLOCKS):
        return "".join(design_chunks(design, folder))
    data = design_to_toml(design, folder)
    return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))


# Above this size a design is written afresh instead of onto the file's own text: tomlkit, which
# keeps comments and layout, takes 3-4 ms per kB, 26-60× writing afresh (benchmarks/bench_format.py),
# so 100 kB (about 400 cabinets laid out one by one) costs about 0.3 s.
KEEP_LAYOUT_MAX_BYTES = 100_000


_FORMAT_LINE = re.compile(r"^format\s*=\s*(\d+)\s*(?:#.*)?$")


def format_of(text: str) -> int | None:
    """The format a design file's text declares at its top, or None; quick on large files, as it
    reads only the lines before the first table."""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("["):
            break
        if m := _FORMAT_LINE.match(line):
            return int(m.group(1))
    return None


def _keeps_layout(original: str | None) -> bool:
    """Whether saving applies the design's changes onto the text of the file it replaces."""
    return original is not None and len(original.encode("utf-8")) <= KEEP_LAYOUT_MAX_BYTES


def design_text(
    design: Design,
    original: str | None = None,
    resolve_use: UseResolver | None = None,
    folder: Path | None = None,
) -> str:
    """The text to save `design` as. Given the text of the file it replaces (`original`), in the
    current format and under KEEP_LAYOUT_MAX_BYTES, the design's changes are applied onto that text,
    so a person's comments, key order and layout stay; otherwise (no file, an older format, a large
    layout, or text the changes cannot be placed in) the text is written afresh. `resolve_use`
    finds the designs the original reuses."""
    fresh = dumps_design(design, folder)
    if not _keeps_layout(original):
        return fresh
    assert original is not None
    if format_of(original) != FORMAT_VERSION:
        return fresh  # an older format is rewritten as the current one
    import tomlkit  # here, not at the top: only a save over a person's file needs it (start-up)
    from tomlkit.exceptions import TOMLKitError

    try:
        before = design_to_toml(parse_design(original, resolve_use=resolve_use), folder)
        recorded = files.loads(original).get("catalog_version")
        before.pop("catalog_version")
        if recorded is not None:
            before["catalog_version"] = recorded
        document = tomlkit.parse(original)
        _apply(document, before, design_to_toml(design, folder))
        text = tomlkit.dumps(document)
        kept = parse_design(text, resolve_use=resolve_use)
    except (DesignError, tomllib.TOMLDecodeError, TOMLKitError):
        return fresh
    if kept != design or files.loads(text).get("catalog_version") != load_catalog().version:
        return fresh  # never save what does not read back as the design
    return text


def _apply(table: MutableMapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Change `table` (a tomlkit table that reads as `before`) so that it reads as `after`,
    touching only what differs; keys `before` has only by default are left out if unchanged."""
    from tomlkit.container import Container
    from tomlkit.items import AoT

    for key in before:
        if key not in after and key in table:
            del table[key]
    for key, new in after.items():
        old = before.get(key)
        if old == new:
            continue
        current = table.get(key)
        if isinstance(new, dict) and isinstance(old, dict) and isinstance(current, MutableMapping):
            _apply(current, old, new)
        elif _tables(new) and _tables(old) and isinstance(current, AoT):
            _apply_tables(current, old, new)
        elif key not in table and isinstance(table, Container) and not isinstance(new, (dict, list)):
            # A new top-level key goes after the one before it, not after the last comment.
            keys = list(after)
            earlier = [k for k in keys[: keys.index(key)] if k in table]
            if earlier:
                table._insert_after(earlier[-1], key, _item(new))
            else:
                table[key] = _item(new)
        else:
            table[key] = _item(new)


def _tables(value: Any) -> TypeGuard[list[dict[str, Any]]]:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _apply_tables(tables: AoT, before: list[dict[str, Any]], after: list[dict[str, Any]]) -> None:
    """An array of tables (supernodes, cabinets): each new entry is matched to the old one of the
    same name (or, renamed, the old one left over), changed in place, and kept in the new order."""
    unused = list(range(len(before)))
    match: list[int | None] = []
    for entry in after:
        same = [i for i in unused if before[i].get("name") == entry.get("name")]
        i = same[0] if same else None
        if i is not None:
            unused.remove(i)
        match.append(i)
    # Entries left over on both sides in equal numbers were renamed: pair them in order.
    new_entries = [j for j, i in enumerate(match) if i is None]
    if len(new_entries) == len(unused):
        for j, i in zip(new_entries, unused, strict=True):
            match[j] = i
    old = list(tables)
    for i, entry in zip(match, after, strict=True):
        if i is not None:
            _apply(old[i], before[i], entry)
    new = [old[i] if i is not None else _item(entry) for i, entry in zip(match, after, strict=True)]
    if len(new) != len(old) or any(a is not b for a, b in zip(new, old, strict=True)):
        while len(tables):
            del tables[0]
        for table in new:
            tables.append(table)


def _item(value: Any) -> Any:
    """A new TOML value; text with newlines stays multi-line, as a person would write it."""
    import tomlkit

    if isinstance(value, str) and "\n" in value and "\r" not in value:
        return tomlkit.string(value, multiline=True)
    return tomlkit.item(value)


def save_design(
    design: Design,
    path: str | os.PathLike[str],
    original: str | None = None,
    resolve_use: UseResolver | None = None,
) -> Path:
    """Write the design atomically (see `files.write_text`) and return the file written.
    `original`, the text of the file being replaced, keeps its comments and layout (design_text);
    reused designs are written relative to the folder of the file actually written (a symbolic
    link's target). A large design is written as it is made (design_chunks), never held whole."""
    folder = Path(os.path.realpath(path)).parent
    if not _keeps_layout(original) and _at_least(design.root, FAST_WRITE_BLOCKS):
        return files.write_chunks(path, design_chunks(design, folder))
    return files.write_text(path, design_text(design, original, resolve_use, folder))
