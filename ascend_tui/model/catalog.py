"""The part catalog: accelerators, CPUs, memory, NICs, switches, optics, cables and cooling units,
each figure with where it comes from."""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted

PART_KINDS = ("accelerator", "cpu", "memory", "nic", "switch", "transceiver", "cable", "cdu", "other")


@dataclass(frozen=True)
class FigureSpec:
    """What a per-part figure means: its unit, which part kinds may state it, and the largest
    value that is plausible for one part (a larger one is refused as a typo). A figure that adds
    up into a design metric takes its label from the metric's short label."""

    name: str
    metric: str  # the registry metric it adds up into, or "" with `own_label`
    unit: str
    kinds: tuple[str, ...]
    ceiling: float
    # A bandwidth quoted per direction ("each") or both ways ("both") says which; values are
    # converted to this direction.
    direction: str = ""
    whole: bool = False  # a whole number (dies, ports)
    own_label: str = ""

    @property
    def directional(self) -> bool:
        return bool(self.direction)

    @property
    def label(self) -> str:
        return self.own_label or BY_KEY[self.metric].short_label


_ACC = ("accelerator",)
# Every per-part figure, in the units the catalog states them.
FIGURE_SPECS: tuple[FigureSpec, ...] = (
    FigureSpec("fp8_tflops", "fp8_pflops", "TFLOP/s", _ACC, 1e5),
    FigureSpec("fp4_tflops", "fp4_pflops", "TFLOP/s", _ACC, 1e5),
    FigureSpec("bf16_tflops", "bf16_pflops", "TFLOP/s", _ACC, 1e5),
    FigureSpec("fp8_sparse_tflops", "fp8_sparse_pflops", "TFLOP/s", _ACC, 2e5),
    FigureSpec("fp4_sparse_tflops", "fp4_sparse_pflops", "TFLOP/s", _ACC, 2e5),
    FigureSpec("bf16_sparse_tflops", "bf16_sparse_pflops", "TFLOP/s", _ACC, 2e5),
    FigureSpec("hbm_gb", "hbm_capacity_tb", "GB", _ACC, 1e5),
    FigureSpec("hbm_tbps", "hbm_bandwidth_tbps", "TB/s", _ACC, 1e3),
    FigureSpec("scaleup_gbps", "scaleup_bandwidth_tbps", "GB/s", _ACC, 1e5, direction="both"),
    FigureSpec("dies", "accelerator_dies", "per package", _ACC, 64, whole=True),
    FigureSpec("memory_gb", "cpu_memory_tb", "GB", ("cpu", "memory"), 1e6),
    FigureSpec("memory_tbps", "cpu_memory_bandwidth_tbps", "TB/s", ("cpu", "memory"), 100),
    FigureSpec("ports", "", "ports", ("nic", "switch"), 1e4, whole=True, own_label="Ports"),
    FigureSpec(
        "port_gbps",
        "",
        "Gb/s",
        ("nic", "switch", "transceiver", "cable"),
        1e5,
        direction="each",
        own_label="Port speed",
    ),
    FigureSpec("reach_m", "", "m", ("transceiver", "cable"), 1e6, own_label="Reach"),
    FigureSpec("cooling_kw", "", "kW", ("cdu",), 1e5, own_label="Cooling capacity"),
    FigureSpec("power_w", "", "W", PART_KINDS, 1e7, own_label="Power, max"),
    FigureSpec("power_typical_w", "", "W", PART_KINDS, 1e7, own_label="Power, typical"),
    FigureSpec("price_usd", "", "US$", PART_KINDS, 1e9, own_label="Price"),
    FigureSpec("weight_kg", "", "kg", PART_KINDS, 1e5, own_label="Weight"),
)
FIGURES: dict[str, FigureSpec] = {s.name: s for s in FIGURE_SPECS}
PRECISIONS = ("fp8_tflops", "fp4_tflops", "bf16_tflops")
SPARSE = {p: p.replace("_tflops", "_sparse_tflops") for p in PRECISIONS}
# An accelerator must say something about each of these (a value, "not published" or "no units").
ACCELERATOR_FIGURES = (*PRECISIONS, "hbm_gb", "hbm_tbps", "scaleup_gbps", "power_w")
DIRECTIONS = ("each", "both")
FIGURE_KEYS = (
    "value",
    "supported",
    "published",
    "source",
    "estimate",
    "rationale",
    "note",
    "low",
    "high",
    "calibrated",
    "direction",
    "year",
)


@dataclass(frozen=True)
class Figure:
    """A per-part figure with where it comes from.

    `supported = False`: the part has no units for it (a chip without FP8). `published = False`:
    the part has it but no figure is published. An estimate may carry a range (`low`, `high`).
    `calibrated` says what published total the figure was fitted to, if it was. Bandwidths that
    can be quoted per direction or both say which (`direction`).
    """

    value: float
    supported: bool = True
    published: bool = True
    source: str = ""
    estimate: bool = False
    rationale: str = ""
    note: str = ""
    low: float | None = None
    high: float | None = None
    calibrated: str = ""
    direction: str = ""
    year: int | None = None  # the year whose dollars a price is in

    @property
    def counts(self) -> bool:
        """Whether the value enters totals (a figure with no units or none published does not)."""
        return self.supported and self.published

    @property
    def basis(self) -> str:
        """Where the figure comes from, in a few words."""
        if not self.supported:
            return f"no units: {self.source}" if self.source else "no units"
        if not self.published:
            return f"not published: {self.source}" if self.source else "not published"
        text = f"estimate: {self.rationale}" if self.estimate else self.source or "user-defined"
        if self.calibrated:
            text += f" (fitted to {self.calibrated})"
        return text

    @property
    def ranged(self) -> bool:
        return self.low is not None or self.high is not None


@dataclass(frozen=True)
class Part:
    """A part as the evaluator sees it: kind, name and figures (absent figures count as zero)."""

    id: str
    kind: str
    name: str
    vendor: str = ""
    status: str = ""
    figures: Mapping[str, Figure] = field(default_factory=dict)
    coherent_memory: bool = False  # a CPU whose memory the accelerators share coherently
    note: str = ""

    def value(self, figure: str) -> float:
        """The figure's value in its spec's direction, zero when it does not count."""
        return self.bounds(figure, plane="value")[0]

    def bounds(self, figure: str, plane: str = "range") -> tuple[float, float]:
        """The figure's (low, high) in its spec's direction: its range, or its value twice
        (`plane = "value"`: the value twice)."""
        f = self.figures.get(figure)
        if f is None or not f.counts:
            return 0.0, 0.0
        times = _conversion(f, FIGURES[figure])
        if plane == "value":
            return f.value * times, f.value * times
        low = f.value if f.low is None else f.low
        high = f.value if f.high is None else f.high
        return low * times, high * times

    def supports(self, precision: str) -> bool:
        """Whether the part has units for a precision (non-accelerators have none)."""
        f = self.figures.get(precision)
        return self.kind == "accelerator" and f is not None and f.supported

    def states(self, figure: str) -> str:
        """'value', 'no units', 'not published' or 'absent'."""
        f = self.figures.get(figure)
        if f is None:
            return "absent"
        if not f.supported:
            return "no units"
        return "value" if f.published else "not published"


def _conversion(f: Figure, spec: FigureSpec) -> float:
    """The factor from a figure's stated direction to its spec's (one direction is half of both)."""
    if not spec.direction or f.direction in ("", spec.direction):
        return 1.0
    return 2.0 if spec.direction == "both" else 0.5


@dataclass(frozen=True)
class CoolingKind:
    """A cabinet cooling kind and the cabinet power it can take."""

    id: str
    name: str
    max_cabinet_kw: Figure


@dataclass(frozen=True)
class CatalogChange:
    """A figure that changed in a catalog version: what it was before, and why it moved."""

    version: int
    part: str
    figure: str
    was: float
    why: str


@dataclass(frozen=True)
class Catalog:
    """Parts and cooling kinds by id; `version` goes up whenever a figure changes, and `changes`
    records each change, so that a design made with an older catalog can say what moved."""

    parts: Mapping[str, Part]
    cooling: Mapping[str, CoolingKind]
    version: int = 1
    changes: tuple[CatalogChange, ...] = ()


Key = tuple[str | int, ...]


def _number(raw: Any) -> bool:
    return not isinstance(raw, bool) and isinstance(raw, (int, float))


def parse_figure(raw: Any, where: str, key: Key, spec: FigureSpec | None = None) -> Figure | Problem:
    """A figure from TOML: a bare number (user-defined) or a table with its value and basis."""
    if not _number(raw) and not isinstance(raw, dict):
        return Problem(where, f"expected a number or a table, got {type(raw).__name__}", key)
    if not isinstance(raw, dict):
        raw = {"value": raw}
    unknown = sorted(set(raw) - set(FIGURE_KEYS))
    if unknown:
        shown = ", ".join(quoted(k) for k in unknown)
        return Problem(where, f"unknown keys {shown}; a figure may have {', '.join(FIGURE_KEYS)}", key)
    flags = {}
    for name in ("supported", "published", "estimate"):
        flags[name] = raw.get(name, name != "estimate")
        if not isinstance(flags[name], bool):
            return Problem(where, f"`{name}` must be true or false", key)
    texts = {k: raw.get(k, "") for k in ("source", "rationale", "note", "calibrated", "direction")}
    for k, text in texts.items():
        if not isinstance(text, str):
            return Problem(where, f"`{k}` must be a string", key)
    year = raw.get("year")
    if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 1990 <= year <= 2100):
        return Problem(where, f"`year` must be a year such as 2025, got {quoted(year)}", key)
    if year is not None and spec is not None and spec.name != "price_usd":
        return Problem(where, "`year` says which year's dollars a price is in; only prices have one", key)
    counts = flags["supported"] and flags["published"]
    if not counts:
        extra = sorted(set(raw) & {"value", "low", "high", "estimate", "calibrated"})
        if extra:
            what = "`supported = false`" if not flags["supported"] else "`published = false`"
            return Problem(where, f"{what} takes no {', '.join(extra)}", key)
        return Figure(0.0, flags["supported"], flags["published"], texts["source"], note=texts["note"])
    numbers: dict[str, float | None] = {}
    for k in ("value", "low", "high"):
        value = raw.get(k)
        if value is None:
            numbers[k] = None
            continue
        if not _number(value):
            return Problem(where, f"`{k}` must be a number, got {type(value).__name__}", key)
        if abs(value) > sys.float_info.max:  # a whole number too large for a float
            return Problem(where, f"`{k}` must be a finite number >= 0, got {quoted(value)}", key)
        value = float(value)
        if not math.isfinite(value) or value < 0:
            return Problem(where, f"`{k}` must be a finite number >= 0, got {value}", key)
        if spec is not None and value > spec.ceiling:
            return Problem(
                where,
                f"`{k}` = {value:g} {spec.unit} is not plausible for one part (at most {spec.ceiling:g}); "
                "check for a typo",
                key,
            )
        numbers[k] = value
    value = numbers["value"]
    if value is None:
        return Problem(where, "a figure needs a `value` (or `supported = false` / `published = false`)", key)
    if spec is not None and spec.whole and value != int(value):
        return Problem(where, f"`value` must be a whole number, got {value:g}", key)
    if flags["estimate"] and not texts["rationale"]:
        return Problem(where, "an estimate needs a one-line `rationale`", key)
    low, high = numbers["low"], numbers["high"]
    if (low is not None or high is not None) and not flags["estimate"]:
        return Problem(where, "only an estimate has a range (`low`, `high`); add `estimate = true`", key)
    if not (low if low is not None else value) <= value <= (high if high is not None else value):
        return Problem(where, f"the range must hold the value: low ≤ {value:g} ≤ high", key)
    direction = texts["direction"]
    if direction:
        if spec is not None and not spec.directional:
            return Problem(where, "`direction` applies only to bandwidths quoted per direction or both", key)
        if direction not in DIRECTIONS:
            return Problem(where, f'`direction` must be "each" or "both", got {quoted(direction)}', key)
    return Figure(
        value,
        source=texts["source"],
        estimate=flags["estimate"],
        rationale=texts["rationale"],
        note=texts["note"],
        low=low,
        high=high,
        calibrated=texts["calibrated"],
        direction=direction,
        year=year,
    )


def figure_to_toml(f: Figure, spec: FigureSpec | None = None) -> float | dict[str, Any]:
    """The inverse of parse_figure: a bare number where nothing else is said."""
    plain = not (f.source or f.estimate or f.rationale or f.note or f.calibrated or f.ranged or f.year)
    if f.counts and plain and not f.direction:
        return f.value
    out: dict[str, Any] = {}
    if not f.supported:
        out["supported"] = False
    elif not f.published:
        out["published"] = False
    else:
        out["value"] = f.value
        for k in ("low", "high"):
            if getattr(f, k) is not None:
                out[k] = getattr(f, k)
        if f.estimate:
            out["estimate"] = True
    for k in ("year", "source", "rationale", "note", "calibrated", "direction"):
        if getattr(f, k):
            out[k] = getattr(f, k)
    return out


def figure_problems(pid: str, kind: str, figures: Mapping[str, Figure], key: Key) -> list[Problem]:
    """Figures a kind of part may not state (a switch with FLOPS), and an accelerator's gaps."""
    where = f"part {quoted(pid)}"
    problems = []
    for name in figures:
        if kind not in FIGURES[name].kinds:
            kinds = " or ".join(FIGURES[name].kinds) if len(FIGURES[name].kinds) < 4 else "other kinds"
            problems.append(
                Problem(where, f"a {kind} part cannot state `{name}` (only {kinds} parts do)", (*key, name))
            )
        elif not figures[name].supported and name not in PRECISIONS and name not in SPARSE.values():
            problems.append(
                Problem(
                    where, f"`supported = false` is for precisions a chip lacks, not `{name}`", (*key, name)
                )
            )
    if kind == "accelerator":
        missing = [f for f in ACCELERATOR_FIGURES if f not in figures]
        if missing:
            problems.append(
                Problem(
                    where,
                    f"an accelerator must state {', '.join(missing)} "
                    "(a value, `published = false` or `supported = false`)",
                    key,
                )
            )
    return problems


PART_TEXT_KEYS = ("kind", "name", "vendor", "status", "note")


def parse_part(pid: str, raw: Any, where: str, key: Key) -> Part | list[Problem]:
    """A catalog part from its TOML table."""
    if not isinstance(raw, dict):
        return [Problem(where, "a part must be a table", key)]
    problems: list[Problem] = []
    kind = raw.get("kind")
    if kind not in PART_KINDS:
        problems.append(Problem(where, f"`kind` must be one of {', '.join(PART_KINDS)}", (*key, "kind")))
    figures: dict[str, Figure] = {}
    coherent = raw.get("coherent_memory", False)
    if not isinstance(coherent, bool):
        problems.append(Problem(where, "`coherent_memory` must be true or false", (*key, "coherent_memory")))
    for name, value in raw.items():
        if name in PART_TEXT_KEYS:
            if not isinstance(value, str):
                problems.append(Problem(where, f"`{name}` must be a string", (*key, name)))
        elif name in FIGURES:
            fig = parse_figure(value, f"{where} > {name}", (*key, name), FIGURES[name])
            if isinstance(fig, Problem):
                problems.append(fig)
            else:
                figures[name] = fig
        elif name != "coherent_memory":
            problems.append(Problem(where, f"unknown key `{name}`", (*key, name)))
    if kind in PART_KINDS:
        problems += figure_problems(pid, str(kind), figures, key)
    if problems:
        return problems
    return Part(
        pid,
        str(kind),
        str(raw.get("name", pid)),
        str(raw.get("vendor", "")),
        str(raw.get("status", "")),
        figures,
        coherent is True,
        str(raw.get("note", "")),
    )


def parse_catalog(data: dict[str, Any], source: str) -> Catalog:
    """Check and build a catalog from parsed TOML: every figure must be sourced or an estimate,
    and every directional bandwidth must say its direction."""
    problems: list[Problem] = []
    parts: dict[str, Part] = {}
    for pid, raw in data.get("parts", {}).items():
        part = parse_part(pid, raw, f"part {pid!r}", ("parts", pid))
        if isinstance(part, list):
            problems.extend(part)
            continue
        for name, fig in part.figures.items():
            where, key = f"part {pid!r} > {name}", ("parts", pid, name)
            if not (fig.source or fig.estimate):
                problems.append(Problem(where, "needs a `source` or `estimate = true`", key))
            if FIGURES[name].directional and fig.counts and not fig.direction:
                problems.append(Problem(where, 'needs `direction = "each"` or `"both"`', key))
        parts[pid] = part
    cooling: dict[str, CoolingKind] = {}
    for cid, raw in data.get("cooling", {}).items():
        limit = parse_figure(raw.get("max_cabinet_kw"), f"cooling {cid!r}", ("cooling", cid))
        if isinstance(limit, Problem):
            problems.append(limit)
        else:
            cooling[cid] = CoolingKind(cid, str(raw.get("name", cid)), limit)
    version = data.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        problems.append(Problem("catalog", "`version` must be a whole number of at least 1", ("version",)))
        version = 1
    changes = []
    for i, raw in enumerate(data.get("changes", [])):
        change = _parse_change(raw, parts, version, ("changes", i))
        if isinstance(change, Problem):
            problems.append(change)
        else:
            changes.append(change)
    if problems:
        raise DesignError(problems, source)
    return Catalog(parts, cooling, version, tuple(changes))


def _parse_change(
    raw: Any, parts: Mapping[str, Part], version: int, key: tuple[str | int, ...]
) -> CatalogChange | Problem:
    """One recorded change of a figure, checked against the catalog it belongs to."""
    where = f"changes[{key[-1]}]"
    if not isinstance(raw, dict) or set(raw) != {"version", "part", "figure", "was", "why"}:
        return Problem(where, "a change has exactly `version`, `part`, `figure`, `was` and `why`", key)
    v, was = raw["version"], raw["was"]
    if isinstance(v, bool) or not isinstance(v, int) or not 1 < v <= version:
        return Problem(where, f"`version` must be between 2 and the catalog's version ({version})", key)
    if raw["part"] not in parts or raw["figure"] not in FIGURES:
        return Problem(where, f"no figure {raw['figure']!r} of a part {raw['part']!r} in the catalog", key)
    if isinstance(was, bool) or not isinstance(was, (int, float)) or not isinstance(raw["why"], str):
        return Problem(where, "`was` must be a number and `why` a sentence", key)
    return CatalogChange(v, raw["part"], raw["figure"], float(was), raw["why"])


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("ascend_tui.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    return parse_catalog(tomllib.loads(text), "catalog.toml")
