"""The part catalog: accelerators, CPUs, memory, NICs, switches, optics, cables and cooling units,
each figure with where it comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ascend_tui.model.facility import SETTINGS, SiteDefaults, facility_problems, parse_facility
from ascend_tui.model.figures import Figure, FigureSpec, Key, parse_figure
from ascend_tui.model.files import loads as loads_toml
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted

PART_KINDS = ("accelerator", "cpu", "memory", "nic", "switch", "transceiver", "cable", "cdu", "other")


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
    """A cabinet cooling kind: the cabinet power it can take, whether a liquid loop carries the
    heat, and what an empty cabinet of the kind costs and weighs (rack, power shelves or PDUs,
    busbar, manifolds: everything but the servers and parts it holds)."""

    id: str
    name: str
    max_cabinet_kw: Figure
    liquid: bool
    cabinet_price_usd: Figure
    cabinet_weight_kg: Figure


@dataclass(frozen=True)
class ServerDefaults:
    """What a server costs and weighs beyond the parts it lists (chassis, board, power supplies,
    fans, boot drives), where a design does not say."""

    price_usd: Figure
    weight_kg: Figure


@dataclass(frozen=True)
class CatalogChange:
    """A figure that changed in a catalog version: what it was before, and why it moved."""

    version: int
    part: str
    figure: str
    was: float | None  # None: not published before
    why: str

    @property
    def was_text(self) -> str:
        return "not published" if self.was is None else f"{self.was:g}"


@dataclass(frozen=True)
class Catalog:
    """Parts and cooling kinds by id; `version` goes up whenever a figure changes, and `changes`
    records each change, so that a design made with an older catalog can say what moved."""

    parts: Mapping[str, Part]
    cooling: Mapping[str, CoolingKind]
    server: ServerDefaults
    site: SiteDefaults
    version: int = 1
    changes: tuple[CatalogChange, ...] = ()


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
        where, here = f"cooling {cid!r}", ("cooling", cid)
        figures = _sourced(raw, COOLING_FIGURES, where, here, problems)
        liquid = raw.get("liquid")
        if not isinstance(liquid, bool):
            problems.append(Problem(where, "`liquid` must be true or false", (*here, "liquid")))
        elif len(figures) == len(COOLING_FIGURES):
            cooling[cid] = CoolingKind(cid, str(raw.get("name", cid)), liquid=liquid, **figures)
    server = _sourced(data.get("server", {}), SERVER_FIGURES, "server", ("server",), problems)
    site = _site(data.get("facility", {}), parts, problems)
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
    if problems or site is None or len(server) != len(SERVER_FIGURES):
        raise DesignError(problems, source)
    return Catalog(parts, cooling, ServerDefaults(**server), site, version, tuple(changes))


COOLING_FIGURES = {
    "max_cabinet_kw": FigureSpec("max_cabinet_kw", "", "kW", (), 1e4, own_label="Cabinet limit"),
    "cabinet_price_usd": FigureSpec("cabinet_price_usd", "", "US$", (), 1e8, own_label="Cabinet price"),
    "cabinet_weight_kg": FigureSpec("cabinet_weight_kg", "", "kg", (), 1e5, own_label="Cabinet weight"),
}
SERVER_FIGURES = {name: FIGURES[name] for name in ("price_usd", "weight_kg")}


def _sourced(
    raw: Any, specs: Mapping[str, FigureSpec], where: str, key: Key, problems: list[Problem]
) -> dict[str, Figure]:
    """The figures `specs` names from a catalog table, each required, with a source or an estimate."""
    if not isinstance(raw, dict):
        problems.append(Problem(where, "expected a table", key))
        return {}
    out = {}
    for name, spec in specs.items():
        if name not in raw:
            problems.append(Problem(where, f"missing `{name}`", key))
            continue
        fig = parse_figure(raw[name], f"{where} > {name}", (*key, name), spec)
        if isinstance(fig, Problem):
            problems.append(fig)
        elif not (fig.source or fig.estimate) or not fig.counts:
            problems.append(
                Problem(f"{where} > {name}", "needs a value with a `source` or `estimate = true`", key)
            )
        else:
            out[name] = fig
    return out


def _site(raw: Any, parts: Mapping[str, Part], problems: list[Problem]) -> SiteDefaults | None:
    """The catalog's `[facility]` defaults: every setting, sourced or estimated, and the plant's
    redundancy scheme and CDU."""
    facility, found = parse_facility(raw, "facility", ("facility",))
    problems += found + facility_problems(facility)
    missing = [s.name for s in SETTINGS if s.name not in facility.figures]
    if missing and not found:
        problems.append(Problem("facility", f"missing {', '.join(missing)}", ("facility",)))
    for name, fig in facility.figures.items():
        if not (fig.source or fig.estimate):
            problems.append(
                Problem(f"facility > {name}", "needs a `source` or `estimate = true`", ("facility", name))
            )
    if facility.redundancy is None or facility.cdu is None:
        problems.append(Problem("facility", "needs `redundancy` and `cdu`", ("facility",)))
    elif parts.get(facility.cdu) is None or parts[facility.cdu].kind != "cdu":
        problems.append(
            Problem("facility", f"`cdu`: {facility.cdu!r} is not a CDU part", ("facility", "cdu"))
        )
    if problems:
        return None
    assert facility.redundancy is not None and facility.cdu is not None
    return SiteDefaults(facility.figures, facility.redundancy, facility.cdu)


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
    number = not isinstance(was, bool) and isinstance(was, (int, float))
    if not (number or was == "not published") or not isinstance(raw["why"], str):
        return Problem(where, '`was` must be a number (or "not published") and `why` a sentence', key)
    return CatalogChange(v, raw["part"], raw["figure"], float(was) if number else None, raw["why"])


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("ascend_tui.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    return parse_catalog(loads_toml(text), "catalog.toml")
