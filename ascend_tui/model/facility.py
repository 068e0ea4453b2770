"""The site behind the IT load, and the money: what a design may state in its `[facility]` table,
and the catalog's sourced defaults for whatever it leaves out.

Each numeric setting is a figure (a number, or a table with a source or an estimate's range), so
that a default's range flows into the money ranges and a user's own value replaces it exactly.
The engine works the chain out from IT power to facility power, energy and dollars
(engine/facility.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ascend_tui.model.figures import Figure, FigureSpec, Key, figure_to_toml, parse_figure
from ascend_tui.model.problems import Problem, did_you_mean
from ascend_tui.model.text import quoted

# Redundancy of the power and cooling plant: no spare unit, one spare per group of units, or
# every unit doubled.
REDUNDANCY = ("N", "N+1", "2N")
HOURS_PER_YEAR = 8760.0  # 365 days, as TCO practice counts an accelerator-year


@dataclass(frozen=True)
class Setting:
    """One numeric facility setting: its key (in `[facility]`), what it means, the unit it is
    stated in, and the range a value must lie in."""

    name: str
    label: str
    unit: str
    minimum: float
    maximum: float
    description: str
    whole: bool = False

    @property
    def spec(self) -> FigureSpec:
        """The figure spec its values are parsed with."""
        return FigureSpec(self.name, "", self.unit, (), self.maximum, whole=self.whole, own_label=self.label)


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "electricity_usd_per_kwh",
        "Electricity price",
        "US$/kWh",
        0.0,
        5.0,
        "What the site pays for a kWh from the grid.",
    ),
    Setting(
        "build_cost_usd_per_mw",
        "Facility build cost",
        "US$ per MW",
        0.0,
        1e9,
        "Building the site's power and cooling plant and shell, per MW of critical IT load (the "
        "design's IT power at its maximum).",
    ),
    Setting(
        "facility_years",
        "Facility life",
        "years",
        1.0,
        60.0,
        "Years the facility's build cost is spread over.",
    ),
    Setting(
        "depreciation_years",
        "Equipment life",
        "years",
        1.0,
        20.0,
        "Years the equipment (everything but the facility) is written off over; also the span of "
        "the total cost of ownership.",
    ),
    Setting(
        "utilisation",
        "Utilisation",
        "share",
        0.01,
        1.0,
        "Share of the hours the accelerators work (allocated or billed): energy follows it, and "
        "the cost per accelerator-hour is spread over the hours it gives.",
    ),
    Setting(
        "maintenance_share",
        "Staff and maintenance",
        "share of capex per year",
        0.0,
        1.0,
        "Staff, support contracts and repairs each year, as a share of the capital cost.",
    ),
    Setting(
        "carbon_kg_per_kwh",
        "Grid carbon intensity",
        "kg CO₂ per kWh",
        0.0,
        2.0,
        "CO₂ emitted per kWh the site draws.",
    ),
    Setting(
        "wue_l_per_kwh",
        "Water use (WUE)",
        "L per kWh",
        0.0,
        20.0,
        "Litres of water the site uses per kWh of IT energy (The Green Grid's WUE).",
    ),
    Setting(
        "ups_loss",
        "UPS loss",
        "share",
        0.0,
        0.5,
        "Share of the power fed to the IT load that the UPS loses.",
    ),
    Setting(
        "distribution_loss",
        "Distribution loss",
        "share",
        0.0,
        0.5,
        "Share lost in transformers, switchgear, busways and PDUs.",
    ),
    Setting(
        "air_cooling_kw_per_kw",
        "Air cooling power",
        "kW per kW of heat",
        0.0,
        2.0,
        "Power of the chillers, air handlers and fans per kW of heat the room's air carries away.",
    ),
    Setting(
        "liquid_cooling_kw_per_kw",
        "Liquid heat rejection power",
        "kW per kW of heat",
        0.0,
        2.0,
        "Power of the dry coolers, towers and facility pumps per kW of heat the liquid loops carry "
        "(the CDUs' own pumps are counted with the CDUs).",
    ),
    Setting(
        "liquid_heat_share",
        "Liquid-cooled share",
        "share",
        0.0,
        1.0,
        "Share of a liquid-cooled cabinet's heat its liquid loop carries; the rest goes to the room's air.",
    ),
    Setting(
        "redundancy_group",
        "Units per spare",
        "units",
        1.0,
        1000.0,
        "With N+1: one spare for every so many units (UPS modules, CDUs).",
        whole=True,
    ),
    Setting(
        "floor_rating_kg_per_m2",
        "Floor rating",
        "kg per m²",
        100.0,
        1e5,
        "The load the floor may carry per m² under a cabinet's footprint.",
    ),
)
SETTING: dict[str, Setting] = {s.name: s for s in SETTINGS}
# The keys of a design's `[facility]` table: the settings, the redundancy scheme and the CDU the
# plant installs for liquid-cooled heat.
FACILITY_KEYS = (*SETTING, "redundancy", "cdu")


@dataclass(frozen=True)
class Facility:
    """What a design states about its site; a setting it leaves out takes the catalog's default."""

    figures: Mapping[str, Figure] = field(default_factory=dict)
    redundancy: str | None = None
    cdu: str | None = None  # a part of kind "cdu"

    @property
    def empty(self) -> bool:
        return not self.figures and self.redundancy is None and self.cdu is None


@dataclass(frozen=True)
class SiteDefaults:
    """The catalog's defaults for a site: every setting as a figure with its source or range,
    the redundancy scheme, and the CDU the plant installs."""

    figures: Mapping[str, Figure]
    redundancy: str
    cdu: str


@dataclass(frozen=True)
class Site:
    """The settings in force for a design: its own where it states them, else the catalog's."""

    figures: Mapping[str, Figure]
    redundancy: str
    cdu: str
    stated: frozenset[str]  # the settings (and "redundancy", "cdu") the design states

    def trio(self, name: str) -> tuple[float, float, float]:
        """A setting's value and the low and high ends of its range."""
        f = self.figures[name]
        return (f.value, *f.ends)


def site_of(facility: Facility, defaults: SiteDefaults) -> Site:
    """The settings in force for a design's `[facility]` table."""
    stated = set(facility.figures)
    if facility.redundancy is not None:
        stated.add("redundancy")
    if facility.cdu is not None:
        stated.add("cdu")
    return Site(
        {**defaults.figures, **facility.figures},
        facility.redundancy or defaults.redundancy,
        facility.cdu or defaults.cdu,
        frozenset(stated),
    )


def parse_facility(raw: Any, where: str, key: Key) -> tuple[Facility, list[Problem]]:
    """A `[facility]` table: settings as figures, the redundancy scheme and the plant's CDU."""
    if not isinstance(raw, dict):
        return Facility(), [Problem(where, f"expected a table, got {type(raw).__name__}", key)]
    problems: list[Problem] = []
    figures: dict[str, Figure] = {}
    for name, value in raw.items():
        here = (*key, name)
        if name in ("redundancy", "cdu"):
            if not isinstance(value, str):
                problems.append(Problem(where, f"`{name}` must be a string", here))
            elif name == "redundancy" and value not in REDUNDANCY:
                problems.append(Problem(where, f"`redundancy` must be one of {', '.join(REDUNDANCY)}", here))
        elif name in SETTING:
            setting = SETTING[name]
            fig = parse_figure(value, f"{where} > {name}", here, setting.spec)
            if isinstance(fig, Problem):
                problems.append(fig)
            else:
                figures[name] = fig
        else:
            problems.append(
                Problem(where, f"unknown key {quoted(name)}; " + did_you_mean(name, FACILITY_KEYS), here)
            )
    redundancy = raw.get("redundancy")
    cdu = raw.get("cdu")
    facility = Facility(
        figures,
        redundancy if isinstance(redundancy, str) and redundancy in REDUNDANCY else None,
        cdu if isinstance(cdu, str) else None,
    )
    return facility, problems


def facility_problems(facility: Facility, where: str = "facility") -> list[Problem]:
    """Settings outside what they can be (a life under a year, a utilisation over 1), or without
    a value; the scheme must be one of REDUNDANCY."""
    problems = []
    if facility.redundancy is not None and facility.redundancy not in REDUNDANCY:
        why = f"`redundancy` must be one of {', '.join(REDUNDANCY)}"
        problems.append(Problem(where, why, ("facility", "redundancy")))
    for name, fig in facility.figures.items():
        setting = SETTING[name]
        low, high = fig.ends
        if not fig.counts:
            why = "a facility setting needs a value"
        elif not setting.minimum <= low <= high <= setting.maximum:
            bounds = f"{setting.minimum:g} and {setting.maximum:g} {setting.unit}"
            why = f"must be between {bounds}, got {fig.value:g}"
            if fig.ranged:
                why += f" ({low:g}–{high:g})"
        else:
            continue
        problems.append(Problem(f"{where} > {name}", why, ("facility", name)))
    return problems


def facility_to_toml(facility: Facility) -> dict[str, Any]:
    """The inverse of parse_facility, in the settings' order."""
    out: dict[str, Any] = {}
    if facility.redundancy is not None:
        out["redundancy"] = facility.redundancy
    if facility.cdu is not None:
        out["cdu"] = facility.cdu
    for setting in SETTINGS:
        if setting.name in facility.figures:
            out[setting.name] = figure_to_toml(facility.figures[setting.name], setting.spec)
    return out
