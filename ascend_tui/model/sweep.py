"""Sweep specs: which parameters of a design vary over which values, which limits a variant must
keep, and which two or three figures to trade on the Pareto front.

A spec is a TOML file (`sweep = 1`):

    sweep = 1
    design = "atlas-950-superpod"         # a preset, or a design file relative to the spec

    [objectives]                          # two or three metric keys, each "max" or "min"
    fp8_pflops = "max"
    capex_usd = "min"

    [limits]                              # as a design's [targets]: min_ to reach, max_ not to exceed
    max_it_power_kw = 20000.0

    [[vary]]                              # one table per parameter; the variants are every combination
    block = "compute"                     # a block, named as `ascend-tui scale` names it
    set = "count"                         # or "parts.ID", "footprint_m2", "power_overhead",
    from = 16                             #   "price_usd", "scaleup_fabric.planes" ...
    to = 256
    step = 16

    [[vary]]
    swap = "ascend-950dt"                 # a part, swapped across the design for each of `values`
    values = ["ascend-950dt", "ascend-950pr"]

    [[vary]]
    set = "facility.electricity_usd_per_kwh"   # a facility setting
    values = [0.06, 0.081, 0.13]

Variant i takes the values of the axes like the digits of a number, the last axis fastest. This
module reads a spec and applies a variant to a design (`variant_design`); the engine evaluates
all of them at once (engine/sweep.py).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ascend_tui.model import files
from ascend_tui.model.design import (
    Block,
    Design,
    NodePath,
    PartCount,
    block_at,
    describe_path,
    find_block,
    replace_block,
    walk,
)
from ascend_tui.model.facility import SETTING, Facility
from ascend_tui.model.figures import Figure
from ascend_tui.model.metrics import BY_KEY, TARGETS
from ascend_tui.model.problems import DesignError, Problem, did_you_mean
from ascend_tui.model.text import quoted
from ascend_tui.model.validate import check_count

SPEC_VERSION = 1
SPEC_KEYS = ("sweep", "design", "objectives", "limits", "vary")
AXIS_KEYS = ("block", "set", "swap", "values", "from", "to", "step")
# What a block may vary beyond its count and its parts' counts (the blocks' own numbers), and the
# numbers of its fabrics.
BLOCK_PROPERTIES = ("footprint_m2", "power_overhead", "price_usd")
FABRIC_KEYS = {
    "scaleup_fabric": ("planes", "links_per_chip", "oversubscription"),
    "scaleout_fabric": ("planes", "nics_per_chip"),
}
WHOLE = ("count", "planes", "links_per_chip", "nics_per_chip")
MAX_VARIANTS = 2**53  # variant numbers are exact in float64 and int64 alike


@dataclass(frozen=True)
class Axis:
    """One parameter that varies: `what` is "count", "part" (a part's count in a block),
    "property" (a block's own number), "fabric" (a number of a block's fabric), "facility" (a
    site setting) or "swap" (a part replaced across the design); `key` says which (the part id,
    property, "scaleup_fabric.planes", setting or swapped part); `values` are numbers, or part
    ids for a swap."""

    what: str
    block: str  # the block as the spec names it ("" for facility and swap)
    key: str
    values: tuple[float, ...] | tuple[str, ...]

    @property
    def label(self) -> str:
        """How results name the axis: `compute.count`, `swap ascend-950dt`, `facility.utilisation`."""
        if self.what == "swap":
            return f"swap {self.key}"
        if self.what == "facility":
            return f"facility.{self.key}"
        if self.what == "part":
            return f"{self.block}.parts.{self.key}"
        return f"{self.block}.{self.key}"

    @property
    def heading(self) -> str:
        """How a table heads the axis: `compute count`, `kunpeng-920 per compute`, `planes of
        SuperPoD's scale-up fabric`, `electricity usd per kwh`, `ascend-950dt swapped for`."""
        words = self.key.rpartition(".")[2].replace("_", " ")
        if self.what == "swap":
            return f"{self.key} swapped for"
        if self.what == "facility":
            return words
        if self.what == "part":
            return f"{self.key} per {self.block}"
        if self.what == "fabric":
            fabric = "scale-up fabric" if self.key.startswith("scaleup") else "scale-out network"
            return f"{words} of {self.block}'s {fabric}"
        return f"{self.block} {words}"


@dataclass(frozen=True)
class SweepSpec:
    """A sweep: the design it starts from, the axes, the objectives (metric key and "max" or
    "min", in the spec's order) and the limits (target keys to goals)."""

    design: str
    axes: tuple[Axis, ...]
    objectives: tuple[tuple[str, str], ...]
    limits: Mapping[str, float]
    folder: Path | None = None  # where a design file named by a relative path is looked for

    @property
    def variants(self) -> int:
        return math.prod(len(a.values) for a in self.axes)

    def digits(self, index: int) -> tuple[int, ...]:
        """Which value of each axis variant `index` takes (the last axis fastest)."""
        out = []
        for axis in reversed(self.axes):
            index, d = divmod(index, len(axis.values))
            out.append(d)
        return tuple(reversed(out))

    def parameters(self, index: int) -> dict[str, float | str]:
        """Variant `index`'s value of each axis, by the axis' label."""
        return {a.label: a.values[d] for a, d in zip(self.axes, self.digits(index), strict=True)}

    def design_path(self) -> str:
        """The design reference, a file made absolute against the spec's folder."""
        is_file = self.design.endswith(".toml") or "/" in self.design
        if is_file and self.folder is not None and not os.path.isabs(self.design):
            return str(self.folder / self.design)
        return self.design


def _numbers(raw: Mapping[str, Any], where: str, whole: str) -> tuple[list[float], list[Problem]]:
    """An axis' values: a list, or `from`, `to` and `step` (both ends included); `whole` names
    what must be a whole number of at least 1 (or is empty)."""
    problems: list[Problem] = []

    def fail(why: str) -> tuple[list[float], list[Problem]]:
        return [], [Problem(where, why)]

    def number(value: Any) -> bool:
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)

    if "values" in raw:
        values = raw["values"]
        if any(k in raw for k in ("from", "to", "step")):
            return fail("give `values` or `from`, `to` and `step`, not both")
        if not isinstance(values, list) or not values or not all(number(v) for v in values):
            return fail("`values` must be a list of numbers")
        out = [float(v) for v in values]
    else:
        ends = [raw.get(k) for k in ("from", "to", "step")]
        if not all(number(v) for v in ends):
            return fail("give `values = [...]`, or `from`, `to` and `step` as numbers")
        first, last, step = (float(v) for v in ends)  # type: ignore[arg-type]
        if step <= 0 or last < first:
            return fail("`step` must be above 0 and `to` at least `from`")
        n = math.floor((last - first) / step + 1e-9) + 1
        if n > 10**8:
            return fail(f"{n:,} values on one axis; use a larger step")
        out = [first + i * step for i in range(n)]
    if whole:
        for v in out:
            why = check_count(int(v), whole) if v == int(v) else f"{whole} must be a whole number, got {v:g}"
            if why:
                problems.append(Problem(where, why))
                break
    if len(set(out)) != len(out):
        problems.append(Problem(where, "a value is given twice"))
    return out, problems


def parse_spec(data: Mapping[str, Any], source: str | None = None) -> SweepSpec:
    """A sweep spec from its TOML data; DesignError lists every problem."""
    problems: list[Problem] = []

    def problem(where: str, why: str) -> None:
        problems.append(Problem(where, why))

    for key in data:
        if key not in SPEC_KEYS:
            problem("sweep", f"unknown key {quoted(key)}; {did_you_mean(key, SPEC_KEYS)}")
    version = data.get("sweep")
    if version != SPEC_VERSION or isinstance(version, bool):
        problem("sweep", f"a sweep spec starts with `sweep = {SPEC_VERSION}` (got {quoted(version)})")
    design = data.get("design")
    if not isinstance(design, str) or not design:
        problem("sweep", "`design` must name a preset or a design file")
        design = ""
    objectives: list[tuple[str, str]] = []
    raw_objectives = data.get("objectives")
    if not isinstance(raw_objectives, dict) or not 2 <= len(raw_objectives) <= 3:
        problem(
            "objectives", 'give two or three metrics to trade, e.g. fp8_pflops = "max", capex_usd = "min"'
        )
    else:
        for key, goal in raw_objectives.items():
            if key not in BY_KEY:
                problem("objectives", f"unknown metric {quoted(key)}; {did_you_mean(key, BY_KEY)}")
            elif goal not in ("max", "min"):
                problem(f"objectives > {key}", f'must be "max" or "min", got {quoted(goal)}')
            else:
                objectives.append((key, goal))
    limits: dict[str, float] = {}
    raw_limits = data.get("limits", {})
    if not isinstance(raw_limits, dict):
        problem("limits", "must be a table of target keys and goals, as a design's [targets]")
    else:
        for key, goal in raw_limits.items():
            if key not in TARGETS:
                problem("limits", f"unknown target {quoted(key)}; {did_you_mean(key, TARGETS)}")
            elif isinstance(goal, bool) or not isinstance(goal, (int, float)) or not math.isfinite(goal):
                problem(f"limits > {key}", "must be a number")
            else:
                limits[key] = float(goal)
    axes: list[Axis] = []
    raw_axes = data.get("vary")
    if not isinstance(raw_axes, list) or not raw_axes or not all(isinstance(a, dict) for a in raw_axes):
        problem("vary", "give one or more [[vary]] tables, one per parameter")
        raw_axes = []
    for n, raw in enumerate(raw_axes, 1):
        where = f"vary #{n}"
        for key in raw:
            if key not in AXIS_KEYS:
                problem(where, f"unknown key {quoted(key)}; {did_you_mean(key, AXIS_KEYS)}")
        axis, why = _axis(raw, where)
        problems.extend(why)
        if axis is not None:
            axes.append(axis)
    labels = [a.label for a in axes]
    for label in sorted({x for x in labels if labels.count(x) > 1}):
        problem("vary", f"{quoted(label)} varies twice; give it one [[vary]] table")
    spec = SweepSpec(design, tuple(axes), tuple(objectives), limits)
    if not problems and spec.variants > MAX_VARIANTS:
        problem("vary", f"{spec.variants:,} variants is more than can be numbered (2^53)")
    if problems:
        raise DesignError(problems, source)
    folder = Path(source).resolve().parent if source else None
    return replace(spec, folder=folder)


def _axis(raw: Mapping[str, Any], where: str) -> tuple[Axis | None, list[Problem]]:
    if "swap" in raw:
        part = raw["swap"]
        values = raw.get("values")
        if "set" in raw or "block" in raw:
            return None, [Problem(where, "a swap takes `swap` and `values` only")]
        ok = isinstance(part, str) and isinstance(values, list) and values
        if not ok or not all(isinstance(v, str) for v in values):  # type: ignore[union-attr]
            return None, [Problem(where, "`swap = PART` takes `values`, a list of part ids")]
        if len(set(values)) != len(values):  # type: ignore[arg-type]
            return None, [Problem(where, "a part is given twice")]
        return Axis("swap", "", part, tuple(values)), []  # type: ignore[arg-type]
    key = raw.get("set")
    block = raw.get("block", "")
    if not isinstance(key, str) or not isinstance(block, str):
        return None, [Problem(where, "give `set` (what varies) and, for a block's numbers, `block`")]
    if key.startswith("facility."):
        name = key.removeprefix("facility.")
        if name not in SETTING:
            return None, [
                Problem(where, f"unknown facility setting {quoted(name)}; {did_you_mean(name, SETTING)}")
            ]
        setting = SETTING[name]
        values, problems = _numbers(raw, where, name if setting.whole else "")
        for v in values:
            if not setting.minimum <= v <= setting.maximum:
                bounds = f"{setting.minimum:g} and {setting.maximum:g} {setting.unit}"
                problems.append(Problem(where, f"{name} must be between {bounds}, got {v:g}"))
                break
        return Axis("facility", "", name, tuple(values)), problems
    if not block:
        return None, [Problem(where, f"`set = {quoted(key)}` needs the `block` it belongs to")]
    if key.startswith("parts."):
        what, name = "part", key.removeprefix("parts.")
    elif key == "count":
        what, name = "count", key
    elif key in BLOCK_PROPERTIES:
        what, name = "property", key
    elif key.partition(".")[0] in FABRIC_KEYS:
        fabric, _, name = key.partition(".")
        if name not in FABRIC_KEYS[fabric]:
            known = ", ".join(f"{fabric}.{k}" for k in FABRIC_KEYS[fabric])
            return None, [Problem(where, f"{quoted(key)} cannot vary; a {fabric} varies {known}")]
        what, name = "fabric", key
    else:
        options = [
            "count",
            "parts.ID",
            *BLOCK_PROPERTIES,
            *(f"{f}.{k}" for f, ks in FABRIC_KEYS.items() for k in ks),
        ]
        return None, [
            Problem(
                where, f"cannot vary {quoted(key)}; `set` is one of {', '.join(options)}, or facility.SETTING"
            )
        ]
    whole = what in ("count", "part") or name.rpartition(".")[2] in WHOLE
    values, problems = _numbers(raw, where, name.rpartition(".")[2] if whole else "")
    if what == "property" or name.endswith("oversubscription"):
        if any(v < 0 for v in values):
            problems.append(Problem(where, f"{name} cannot be negative"))
        if name.endswith("oversubscription") and any(v < 1 for v in values):
            problems.append(Problem(where, "an oversubscription is at least 1 (down:up)"))
    return Axis(what, block, name, tuple(values)), problems


def load_spec(path: str | os.PathLike[str]) -> SweepSpec:
    """Read and check a sweep spec file (read as every user file is: model/files.py)."""
    source = os.fspath(path)
    return parse_spec(files.read_toml(path, "sweep spec"), source)


@dataclass(frozen=True)
class Placed:
    """An axis placed in a design: the block it changes (its path), or none."""

    axis: Axis
    path: NodePath | None


def place(spec: SweepSpec, design: Design, parts: Mapping[str, Any]) -> list[Placed]:
    """Each axis with the path of the block it changes, checked against the design; DesignError
    says which axis names what the design does not have. `parts` resolves part ids (the
    catalog's and the design's own)."""
    out: list[Placed] = []
    problems: list[Problem] = []
    used = {n.part for _, n in walk(design) if isinstance(n, PartCount)}
    for n, axis in enumerate(spec.axes, 1):
        where = f"vary #{n} ({axis.label})"
        if axis.what == "facility":
            out.append(Placed(axis, None))
            continue
        if axis.what == "swap":
            if axis.key not in used:
                problems.append(Problem(where, f"no block of the design holds {quoted(axis.key)}"))
            for pid in axis.values:
                assert isinstance(pid, str)
                if pid not in parts:
                    problems.append(Problem(where, f"unknown part {quoted(pid)}; {did_you_mean(pid, parts)}"))
                elif pid != axis.key and pid in used:
                    problems.append(
                        Problem(
                            where, f"{quoted(pid)} is already in the design; swap to parts it does not hold"
                        )
                    )
                elif axis.key in parts and parts[pid].kind != parts[axis.key].kind:
                    kinds = f"{quoted(pid)} is a {parts[pid].kind}, not a {parts[axis.key].kind}"
                    problems.append(Problem(where, kinds))
            out.append(Placed(axis, None))
            continue
        try:
            path = find_block(design, axis.block)
        except DesignError as error:
            problems.extend(replace(p, where=where) for p in error.problems)
            continue
        block = block_at(design, path)
        if axis.what == "part" and not any(pc.part == axis.key for pc in block.parts):
            problems.append(Problem(where, f"{describe_path(design, path)} holds no {quoted(axis.key)}"))
        elif (
            axis.what == "property"
            and axis.key != "power_overhead"
            and block.kind not in ("cabinet", "server")
        ):
            problems.append(Problem(where, f"a {block.kind} has no {axis.key}"))
        elif axis.what == "property" and axis.key == "footprint_m2" and not block.is_cabinet:
            problems.append(Problem(where, "only a cabinet has a footprint"))
        elif (
            axis.what == "property"
            and axis.key == "power_overhead"
            and block.kind not in ("cabinet", "server")
        ):
            problems.append(Problem(where, f"a {block.kind} has no power overhead"))
        elif axis.what == "fabric" and getattr(block, axis.key.partition(".")[0]) is None:
            problems.append(
                Problem(where, f"{describe_path(design, path)} states no {axis.key.partition('.')[0]}")
            )
        out.append(Placed(axis, path))
    if problems:
        raise DesignError(problems)
    return out


def apply_value(design: Design, placed: Placed, value: float | str) -> Design:
    """The design with one axis at one of its values, as an edit would make it."""
    axis, path = placed.axis, placed.path
    if axis.what == "facility":
        assert isinstance(value, float)
        figures = {**design.facility.figures, axis.key: Figure(value=value)}
        return replace(design, facility=Facility(figures, design.facility.redundancy, design.facility.cdu))
    if axis.what == "swap":
        assert isinstance(value, str)
        if value == axis.key:
            return design

        def swapped(block: Block) -> Block:
            parts = tuple(PartCount(value, pc.count) if pc.part == axis.key else pc for pc in block.parts)
            return replace(block, parts=parts, use=None) if parts != block.parts else block

        return replace(design, root=_map_blocks(design.root, swapped))
    assert path is not None and isinstance(value, float)
    if axis.what == "count":
        return replace_block(design, path, lambda b: replace(b, count=int(value)))
    if axis.what == "part":
        return replace_block(
            design,
            path,
            lambda b: replace(
                b,
                parts=tuple(PartCount(pc.part, int(value)) if pc.part == axis.key else pc for pc in b.parts),
            ),
        )
    if axis.what == "property":
        changes: dict[str, Any] = {axis.key: value}
        return replace_block(design, path, lambda b: replace(b, **changes))
    fabric_name, _, key = axis.key.partition(".")

    def set_fabric(b: Block) -> Block:
        fabric = getattr(b, fabric_name)
        number = int(value) if key in WHOLE else value
        changes: dict[str, Any] = {fabric_name: replace(fabric, **{key: number})}
        return replace(b, **changes)

    return replace_block(design, path, set_fabric)


def _map_blocks(block: Block, change: Any) -> Block:
    """`block` and every block in it changed by `change`, sharing what does not change."""
    kids = tuple(_map_blocks(b, change) for b in block.blocks)
    new = change(block if kids == block.blocks else replace(block, blocks=kids, use=None))
    assert isinstance(new, Block)
    return new


def variant_design(spec: SweepSpec, design: Design, placed: list[Placed], index: int) -> Design:
    """The design that variant `index` of the sweep is: every axis at its value."""
    return design_at(design, placed, spec.digits(index))


def design_at(design: Design, placed: list[Placed], digits: tuple[int, ...]) -> Design:
    """The design with each placed axis at the value its digit picks."""
    for p, d in zip(placed, digits, strict=True):
        design = apply_value(design, p, p.axis.values[d])
    return design
