"""The design file format (TOML, versioned): load with tomllib; save with tomli-w, or with tomlkit
onto the file's own text so that a person's comments stay; atomically."""

from __future__ import annotations

import os
import re
import tempfile
import tomllib
from collections.abc import Mapping, MutableMapping
from dataclasses import asdict, replace
from pathlib import Path as FilePath
from typing import Any, TypeGuard

import tomli_w
import tomlkit
from tomlkit.container import Container
from tomlkit.exceptions import TOMLKitError
from tomlkit.items import AoT

from ascend_tui.model.catalog import FIGURES, Catalog, figure_to_toml, load_catalog, parse_figure
from ascend_tui.model.design import (
    FORMAT_VERSION,
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
from ascend_tui.model.metrics import TARGETS
from ascend_tui.model.problems import DesignError, Problem, did_you_mean
from ascend_tui.model.validate import check_count, check_design

Key = tuple[str | int, ...]
ROOT_KINDS = ("cluster", "supernode", "cabinet")
TOP_KEYS = ("format", "catalog_version", "name", "notes", "pue", "targets", "floor", "parts", *ROOT_KINDS)
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

    def problem(self, where: str, message: str, key: Key) -> None:
        self.problems.append(Problem(where, message, key))

    def table(self, raw: Any, where: str, key: Key, allowed: tuple[str, ...]) -> dict[str, Any]:
        if not isinstance(raw, dict):
            self.problem(where, f"expected a table, got {type(raw).__name__}", key)
            return {}
        for name in raw:
            if name not in allowed:
                self.problem(where, f"unknown key {name!r}; " + did_you_mean(name, allowed), (*key, name))
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
        label = f"{where} > {kind} {name!r}" if where else f"{kind} {name!r}"
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
                parts.append(PartCount(pid, self.count(n, f"{label} > part {pid!r}", (*key, "parts", pid))))
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
        where, key = f"part {pid!r}", ("parts", pid)
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
            self.problem("design", f"`format` must be a whole number, got {version!r}", ("format",))
        elif version > FORMAT_VERSION:
            self.problem(
                "design",
                f"format {version} is newer than this ascend-tui understands "
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
        parts_raw = self.table(data.get("parts", {}), "parts", ("parts",), tuple(data.get("parts", {})))
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
        catalog_version = data.get("catalog_version")
        if catalog_version is not None and (
            isinstance(catalog_version, bool) or not isinstance(catalog_version, int) or catalog_version < 1
        ):
            self.problem(
                "design",
                f"`catalog_version` must be a whole number, got {catalog_version!r}; "
                "remove it if you do not know the version",
                ("catalog_version",),
            )
            catalog_version = None
        return Design(
            catalog_version=catalog_version,
            floor=floor,
            name=self.string(data, "name", "design", (), root.name),
            root=root,
            pue=self.number(data, "pue", "design", (), 1.0),
            notes=self.string(data, "notes", "design", (), ""),
            parts={pid: self.custom_part(pid, raw) for pid, raw in parts_raw.items()},
            targets=targets,
        )


def _syntax_problem(error: tomllib.TOMLDecodeError) -> Problem:
    message = str(error)
    m = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if not m:
        return Problem("", f"TOML syntax error: {message}")
    text = message[: m.start()].strip()
    return Problem(f"column {m.group(2)}", f"TOML syntax error: {text}", line=int(m.group(1)))


def parse_design(text: str, source: str | None = None, catalog: Catalog | None = None) -> Design:
    """A checked design from TOML text; DesignError lists every problem with its line."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise DesignError([_syntax_problem(error)], source) from None
    reader = _Reader()
    design = reader.design(data)
    problems = reader.problems
    if design is not None:
        # The reader put defaults where values were bad; report each place once.
        seen = {p.key for p in problems}
        problems += [p for p in check_design(design, catalog or load_catalog()) if p.key not in seen]
    if problems:
        lines = key_lines(text)
        raise DesignError([replace(p, line=find_line(lines, p.key)) for p in problems], source)
    assert design is not None
    return design


def load_design(path: str | os.PathLike[str], catalog: Catalog | None = None) -> Design:
    """Read and check a design file."""
    path = FilePath(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise DesignError(
            [Problem("", f"cannot read the file: {error.strerror or error}")], str(path)
        ) from None
    except UnicodeDecodeError:
        raise DesignError([Problem("", "not a text file (expected UTF-8 TOML)")], str(path)) from None
    return parse_design(text, str(path), catalog)


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
    out: dict[str, Any] = {
        "format": FORMAT_VERSION,
        "catalog_version": load_catalog().version,  # the figures it is evaluated with from now on
        "name": design.name,
        "pue": design.pue,
    }
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


def design_text(design: Design, original: str | None = None) -> str:
    """The text to save `design` as. Given the text of the file it replaces (`original`), in the
    current format and under KEEP_LAYOUT_MAX_BYTES, the design's changes are applied onto that text,
    so a person's comments, key order and layout stay; otherwise (no file, an older format, a large
    layout, or text the changes cannot be placed in) the text is written afresh."""
    fresh = dumps_design(design)
    if original is None or len(original.encode("utf-8")) > KEEP_LAYOUT_MAX_BYTES:
        return fresh
    if format_of(original) != FORMAT_VERSION:
        return fresh  # an older format is rewritten as the current one
    try:
        before = design_to_toml(parse_design(original))
        recorded = tomllib.loads(original).get("catalog_version")
        before.pop("catalog_version")
        if recorded is not None:
            before["catalog_version"] = recorded
        document = tomlkit.parse(original)
        _apply(document, before, design_to_toml(design))
        text = tomlkit.dumps(document)
        kept = parse_design(text)
    except (DesignError, tomllib.TOMLDecodeError, TOMLKitError):
        return fresh
    if kept != design or tomllib.loads(text).get("catalog_version") != load_catalog().version:
        return fresh  # never save what does not read back as the design
    return text


def _apply(table: MutableMapping[str, Any], before: Mapping[str, Any], after: Mapping[str, Any]) -> None:
    """Change `table` (a tomlkit table that reads as `before`) so that it reads as `after`,
    touching only what differs; keys `before` has only by default are left out if unchanged."""
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
    if isinstance(value, str) and "\n" in value and "\r" not in value:
        return tomlkit.string(value, multiline=True)
    return tomlkit.item(value)


def save_design(design: Design, path: str | os.PathLike[str], original: str | None = None) -> FilePath:
    """Write the design to a temporary file beside `path`, then rename it over: never half a file.
    `original`, the text of the file being replaced, keeps its comments and layout (design_text)."""
    path = FilePath(path)
    text = design_text(design, original)
    directory = path.parent if str(path.parent) else FilePath(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        FilePath(tmp).unlink(missing_ok=True)
        raise
    return path.resolve()
