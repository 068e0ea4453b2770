"""A figure and where it comes from: a published value with its source, or an estimate with
its rationale and range; parsed from and written to TOML the same way wherever figures appear
(catalog parts, a design's own parts, facility settings)."""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import Problem
from ascend_tui.model.text import quoted

Key = tuple[str | int, ...]


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
    def money(self) -> bool:
        """A figure in US dollars, which says the year they are of."""
        return self.unit.startswith("US$")

    @property
    def label(self) -> str:
        return self.own_label or BY_KEY[self.metric].short_label


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

    @property
    def ends(self) -> tuple[float, float]:
        """(low, high): the ends of the range, or the value twice."""
        return (self.value if self.low is None else self.low, self.value if self.high is None else self.high)


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
    if year is not None and spec is not None and not spec.money:
        return Problem(where, "`year` says which year's dollars a price is in; only money has one", key)
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
                f"`{k}` = {value:g} {spec.unit} is not plausible for "
                f"{'one part' if spec.kinds else 'this setting'} (at most {spec.ceiling:g}); "
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
