"""The design file format (TOML, versioned): load with tomllib, save with tomli-w, atomically."""

from __future__ import annotations

import os
import sys
from dataclasses import asdict, replace
from pathlib import Path as FilePath
from typing import Any

import tomli_w

from ascend_tui.model import files
from ascend_tui.model.catalog import FIGURES, Catalog, figure_to_toml, load_catalog, parse_figure
from ascend_tui.model.design import (
    FORMAT_VERSION,
    TARGETS,
    Cabinet,
    Cluster,
    CustomPart,
    Design,
    FloorLayout,
    PartCount,
    Root,
    Supernode,
)
from ascend_tui.model.locate import find_line, key_lines
from ascend_tui.model.problems import MAX_SHOWN, DesignError, Hints, Problem
from ascend_tui.model.text import number, quoted
from ascend_tui.model.validate import check_count, check_design

Key = tuple[str | int, ...]
ROOT_KINDS = ("cluster", "supernode", "cabinet")
TOP_KEYS = ("format", "name", "notes", "pue", "targets", "floor", "parts", *ROOT_KINDS)
FLOOR_KEYS = ("cabinets_per_row", "cabinet_width_m", "cabinet_depth_m", "aisle_m")
NODE_KEYS = {
    "cluster": ("name", "count", "supernodes"),
    "supernode": ("name", "count", "cabinets"),
    "cabinet": (
        "name",
        "count",
        "role",
        "cooling",
        "footprint_m2",
        "power_overhead",
        "estimated",
        "source",
        "parts",
    ),
}
PART_KEYS = ("base", "kind", "name", "vendor", *FIGURES)


class _Reader:
    """Turns parsed TOML into a Design, collecting every problem instead of stopping at one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.hints: dict[tuple[str, ...], Hints] = {}  # for unknown keys, per set of allowed keys

    def problem(self, where: str, message: str, key: Key) -> None:
        self.problems.append(Problem(where, message, key))

    def table(self, raw: Any, where: str, key: Key, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.problem(where, f"expected a table, got {type(raw).__name__}", key)
            return {}
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

    def count(self, value: Any, where: str, key: Key, what: str = "count") -> int:
        why = check_count(value, what)
        if why:
            self.problem(where, why, key)
            return 1
        return int(value)

    def items(self, raw: dict[str, Any], name: str, where: str, key: Key) -> list[Any]:
        value = raw.get(name, [])
        if not isinstance(value, list):
            self.problem(where, f"`{name}` must be an array of tables ([[...]])", (*key, name))
            return []
        return value

    def node(self, kind: str, raw: Any, where: str, key: Key) -> Root:
        raw = self.table(raw, where, key, NODE_KEYS[kind])
        name = self.string(raw, "name", f"{where} > {kind}" if where else kind, key, None)
        label = f"{where} > {kind} {quoted(name)}" if where else f"{kind} {quoted(name)}"
        count = self.count(raw.get("count", 1), label, (*key, "count"))
        if kind == "cluster":
            sns = self.items(raw, "supernodes", label, key)
            return Cluster(
                name,
                count,
                [
                    self.node("supernode", s, label, (*key, "supernodes", i))  # type: ignore[misc]
                    for i, s in enumerate(sns)
                ],
            )
        if kind == "supernode":
            cabs = self.items(raw, "cabinets", label, key)
            return Supernode(
                name,
                count,
                [
                    self.node("cabinet", c, label, (*key, "cabinets", i))  # type: ignore[misc]
                    for i, c in enumerate(cabs)
                ],
            )
        parts_raw = raw.get("parts", {})
        parts: list[PartCount] = []
        if not isinstance(parts_raw, dict):
            self.problem(label, "`parts` must be a table of part id = count", (*key, "parts"))
        else:
            for pid, n in parts_raw.items():
                where_part = f"{label} > part {quoted(pid)}"
                parts.append(PartCount(pid, self.count(n, where_part, (*key, "parts", pid))))
        estimated = raw.get("estimated", [])
        if not isinstance(estimated, list) or not all(isinstance(e, str) for e in estimated):
            self.problem(label, "`estimated` must be a list of property names", (*key, "estimated"))
            estimated = []
        return Cabinet(
            name,
            count,
            role=self.string(raw, "role", label, key, "compute"),
            cooling=self.string(raw, "cooling", label, key, "air"),
            footprint_m2=self.number(raw, "footprint_m2", label, key, 0.0),
            power_overhead=self.number(raw, "power_overhead", label, key, 0.0),
            estimated=list(estimated),
            source=self.string(raw, "source", label, key, ""),
            parts=parts,
        )

    def custom_part(self, pid: str, raw: Any) -> CustomPart:
        where, key = f"part {quoted(pid)}", ("parts", pid)
        raw = self.table(raw, where, key, PART_KEYS)
        texts = {k: raw[k] for k in ("base", "kind", "name", "vendor") if k in raw}
        for k, v in texts.items():
            if not isinstance(v, str):
                self.problem(where, f"`{k}` must be a string", (*key, k))
                texts[k] = None
        figures = {}
        for name in FIGURES:
            if name in raw:
                fig = parse_figure(raw[name], f"{where} > {name}", (*key, name))
                if isinstance(fig, Problem):
                    self.problems.append(fig)
                else:
                    figures[name] = fig
        return CustomPart(
            pid, texts.get("base"), texts.get("kind"), texts.get("name"), texts.get("vendor"), figures
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
        self.table(data, "design", (), TOP_KEYS)
        roots = [k for k in ROOT_KINDS if k in data]
        if len(roots) != 1:
            found = ", ".join(f"[{k}]" for k in roots) or "none"
            self.problem(
                "design",
                f"a design has exactly one of [cluster], [supernode] or [cabinet] at the top; found {found}",
                (),
            )
            return None
        root = self.node(roots[0], data[roots[0]], "", (roots[0],))
        given = data.get("parts", {})
        parts_raw = self.table(given, "parts", ("parts",), tuple(given) if isinstance(given, dict) else ())
        targets_raw = self.table(data.get("targets", {}), "targets", ("targets",), tuple(TARGETS))
        targets = {
            k: self.number(targets_raw, k, "targets", ("targets",), 0.0) for k in targets_raw if k in TARGETS
        }
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
        return Design(
            floor=floor,
            name=self.string(data, "name", "design", (), root.name),
            root=root,
            pue=self.number(data, "pue", "design", (), 1.0),
            notes=self.string(data, "notes", "design", (), ""),
            parts={pid: self.custom_part(pid, raw) for pid, raw in parts_raw.items()},
            targets=targets,
        )


def parse_design(text: str, source: str | None = None, catalog: Catalog | None = None) -> Design:
    """A checked design from TOML text; DesignError lists every problem, the ones its message
    shows (the first MAX_SHOWN) with their lines."""
    data = files.parse_toml(text, source)
    reader = _Reader()
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


def load_design(path: str | os.PathLike[str], catalog: Catalog | None = None) -> Design:
    """Read and check a design file (see `files.read_text` for what is refused before parsing)."""
    return parse_design(files.read_text(path), os.fspath(path), catalog)


def _node_to_toml(node: Root) -> dict[str, Any]:
    out: dict[str, Any] = {"name": node.name, "count": node.count}
    if isinstance(node, Cluster):
        out["supernodes"] = [_node_to_toml(s) for s in node.supernodes]
    elif isinstance(node, Supernode):
        out["cabinets"] = [_node_to_toml(c) for c in node.cabinets]
    else:
        out.update(
            role=node.role,
            cooling=node.cooling,
            footprint_m2=node.footprint_m2,
            power_overhead=node.power_overhead,
        )
        if node.estimated:
            out["estimated"] = list(node.estimated)
        if node.source:
            out["source"] = node.source
        out["parts"] = {pc.part: pc.count for pc in node.parts}
    return out


def design_to_toml(design: Design) -> dict[str, Any]:
    """The design as plain TOML data, in the documented key order."""
    out: dict[str, Any] = {"format": FORMAT_VERSION, "name": design.name, "pue": design.pue}
    if design.notes:
        out["notes"] = design.notes
    if design.targets:
        out["targets"] = dict(design.targets)
    if design.floor is not None:
        out["floor"] = asdict(design.floor)
    if design.parts:
        parts: dict[str, Any] = {}
        for pid, cp in design.parts.items():
            entry: dict[str, Any] = {
                k: getattr(cp, k) for k in ("base", "kind", "name", "vendor") if getattr(cp, k) is not None
            }
            entry.update({name: figure_to_toml(f) for name, f in cp.figures.items()})
            parts[pid] = entry
        out["parts"] = parts
    out[type(design.root).__name__.lower()] = _node_to_toml(design.root)
    return out


def _has_carriage_return(value: Any) -> bool:
    if isinstance(value, str):
        return "\r" in value
    if isinstance(value, dict):
        return any(_has_carriage_return(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_carriage_return(v) for v in value)
    return False


def dumps_design(design: Design) -> str:
    """The design as TOML text; notes stay multi-line unless they hold a carriage return, which a
    TOML reader would turn into a plain newline inside a multi-line string."""
    data = design_to_toml(design)
    return tomli_w.dumps(data, multiline_strings=not _has_carriage_return(data))


def save_design(design: Design, path: str | os.PathLike[str]) -> FilePath:
    """Write the design atomically (see `files.write_text`); returns the file written."""
    return files.write_text(path, dumps_design(design))
