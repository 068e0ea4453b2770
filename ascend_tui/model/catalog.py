"""The part catalog: chips, CPUs, switches and transceivers with sourced figures."""

from __future__ import annotations

import math
import sys
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import quoted

PART_KINDS = ("accelerator", "cpu", "switch", "transceiver", "other")

# Per-part figures, in the units the catalog states them.
FIGURES: dict[str, str] = {
    "fp8_tflops": "TFLOP/s",
    "fp4_tflops": "TFLOP/s",
    "bf16_tflops": "TFLOP/s",
    "hbm_gb": "GB",
    "hbm_tbps": "TB/s",
    "scaleup_gbps": "GB/s",
    "scaleout_gbps": "GB/s",
    "power_w": "W",
}
FIGURE_LABELS: dict[str, str] = {
    "fp8_tflops": "FP8",
    "fp4_tflops": "FP4",
    "bf16_tflops": "BF16",
    "hbm_gb": "HBM",
    "hbm_tbps": "HBM bandwidth",
    "scaleup_gbps": "Scale-up",
    "scaleout_gbps": "Scale-out",
    "power_w": "Power",
}
PRECISIONS = ("fp8_tflops", "fp4_tflops", "bf16_tflops")
# An accelerator must say something about each of these; other kinds need only power.
ACCELERATOR_FIGURES = (*PRECISIONS, "hbm_gb", "hbm_tbps", "scaleup_gbps", "power_w")


@dataclass(frozen=True)
class Figure:
    """A per-part figure with where it comes from."""

    value: float
    supported: bool = True
    source: str = ""
    estimate: bool = False
    rationale: str = ""
    note: str = ""

    @property
    def basis(self) -> str:
        """Where the figure comes from, in a few words."""
        if not self.supported:
            return f"not supported: {self.source}" if self.source else "not supported"
        if self.estimate:
            return f"estimate: {self.rationale}"
        return self.source or "user-defined"


@dataclass(frozen=True)
class Part:
    """A part as the evaluator sees it: kind, name and figures (absent figures count as zero)."""

    id: str
    kind: str
    name: str
    vendor: str = ""
    status: str = ""
    figures: Mapping[str, Figure] = field(default_factory=dict)

    def value(self, figure: str) -> float:
        """The figure's value, zero when absent or unsupported."""
        f = self.figures.get(figure)
        return f.value if f is not None and f.supported else 0.0

    def supports(self, precision: str) -> bool:
        """Whether the part has units for a precision (non-accelerators have none)."""
        f = self.figures.get(precision)
        return f is not None and f.supported and self.kind == "accelerator"


@dataclass(frozen=True)
class CoolingKind:
    """A cabinet cooling kind and the cabinet power it can take."""

    id: str
    name: str
    max_cabinet_kw: Figure


@dataclass(frozen=True)
class Catalog:
    """Parts and cooling kinds by id."""

    parts: Mapping[str, Part]
    cooling: Mapping[str, CoolingKind]


def parse_figure(raw: Any, where: str, key: tuple[str | int, ...]) -> Figure | Problem:
    """A figure from TOML: a bare number (user-defined) or a table with value and basis."""
    if isinstance(raw, bool) or not isinstance(raw, (int, float, dict)):
        return Problem(where, f"expected a number or a table, got {type(raw).__name__}", key)
    if not isinstance(raw, dict):
        raw = {"value": raw}
    unknown = set(raw) - {"value", "supported", "source", "estimate", "rationale", "note"}
    if unknown:
        return Problem(where, f"unknown keys {', '.join(quoted(k) for k in sorted(unknown))}", key)
    supported = raw.get("supported", True)
    if not isinstance(supported, bool):
        return Problem(where, "`supported` must be true or false", key)
    value = raw.get("value", 0.0 if not supported else None)
    if value is None:
        return Problem(where, "a figure needs a `value` (or `supported = false`)", key)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return Problem(where, f"`value` must be a number, got {type(value).__name__}", key)
    if abs(value) > sys.float_info.max or not math.isfinite(value) or value < 0:
        return Problem(where, f"`value` must be a finite number >= 0, got {quoted(value)}", key)
    texts = {k: raw.get(k, "") for k in ("source", "rationale", "note")}
    for k, text in texts.items():
        if not isinstance(text, str):
            return Problem(where, f"`{k}` must be a string", key)
    estimate = raw.get("estimate", False)
    if not isinstance(estimate, bool):
        return Problem(where, "`estimate` must be true or false", key)
    if estimate and not texts["rationale"]:
        return Problem(where, "an estimate needs a one-line `rationale`", key)
    return Figure(float(value) if supported else 0.0, supported, estimate=estimate, **texts)


def figure_to_toml(f: Figure) -> float | dict[str, Any]:
    """The inverse of parse_figure: a bare number where nothing else is said."""
    if f.supported and not (f.source or f.estimate or f.rationale or f.note):
        return f.value
    out: dict[str, Any] = {"supported": False} if not f.supported else {"value": f.value}
    if f.estimate:
        out["estimate"] = True
    for k in ("source", "rationale", "note"):
        if getattr(f, k):
            out[k] = getattr(f, k)
    return out


def parse_part(pid: str, raw: Any, where: str, key: tuple[str | int, ...]) -> Part | list[Problem]:
    """A catalog part from its TOML table."""
    if not isinstance(raw, dict):
        return [Problem(where, "a part must be a table", key)]
    problems: list[Problem] = []
    kind = raw.get("kind")
    if kind not in PART_KINDS:
        problems.append(Problem(where, f"`kind` must be one of {', '.join(PART_KINDS)}", (*key, "kind")))
    figures: dict[str, Figure] = {}
    for name, value in raw.items():
        if name in ("kind", "name", "vendor", "status"):
            if not isinstance(value, str):
                problems.append(Problem(where, f"`{name}` must be a string", (*key, name)))
        elif name in FIGURES:
            fig = parse_figure(value, f"{where} > {name}", (*key, name))
            if isinstance(fig, Problem):
                problems.append(fig)
            else:
                figures[name] = fig
        else:
            problems.append(Problem(where, f"unknown key `{name}`", (*key, name)))
    if kind == "accelerator":
        missing = [f for f in ACCELERATOR_FIGURES if f not in figures]
        if missing:
            problems.append(Problem(where, f"an accelerator must state {', '.join(missing)}", key))
    if problems:
        return problems
    return Part(
        pid,
        str(kind),
        str(raw.get("name", pid)),
        str(raw.get("vendor", "")),
        str(raw.get("status", "")),
        figures,
    )


def parse_catalog(data: dict[str, Any], source: str) -> Catalog:
    """Check and build a catalog from parsed TOML; every figure must be sourced or an estimate."""
    problems: list[Problem] = []
    parts: dict[str, Part] = {}
    for pid, raw in data.get("parts", {}).items():
        part = parse_part(pid, raw, f"part {pid!r}", ("parts", pid))
        if isinstance(part, list):
            problems.extend(part)
            continue
        for name, fig in part.figures.items():
            if not (fig.source or fig.estimate):
                problems.append(
                    Problem(
                        f"part {pid!r} > {name}",
                        "needs a `source` or `estimate = true`",
                        ("parts", pid, name),
                    )
                )
        parts[pid] = part
    cooling: dict[str, CoolingKind] = {}
    for cid, raw in data.get("cooling", {}).items():
        limit = parse_figure(raw.get("max_cabinet_kw"), f"cooling {cid!r}", ("cooling", cid))
        if isinstance(limit, Problem):
            problems.append(limit)
        else:
            cooling[cid] = CoolingKind(cid, str(raw.get("name", cid)), limit)
    if problems:
        raise DesignError(problems, source)
    return Catalog(parts, cooling)


@cache
def load_catalog() -> Catalog:
    """The catalog shipped with the package."""
    text = resources.files("ascend_tui.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    return parse_catalog(tomllib.loads(text), "catalog.toml")
