"""The facility chain: from the power a design's cabinets draw to what the site takes from the
grid, the plant that cools it, and the money, energy, carbon and water over a year.

    IT power ─┬─ liquid-cooled cabinets × liquid heat share ─→ heat into liquid ─→ CDUs (+ spares)
              └─ the rest ─────────────────────────────────→ heat into air
    cooling plant = air heat × air kW/kW + liquid heat × liquid kW/kW
                    + the CDUs' pumps (their power per kW of capacity × the heat they move)
    facility power = IT ÷ ((1 − UPS loss)(1 − distribution loss)) + cooling ÷ (1 − distribution loss)
                     (or IT × PUE where the design states a PUE)
    energy per year = expected draw × 8,760 h × utilisation × PUE
    equipment = parts at their prices + the cabinets' and servers' own hardware
    facility = build cost per MW × IT power + the CDUs the plant adds
    cost per year = equipment ÷ its life + facility ÷ its life + energy + maintenance share × capex

It runs on a few of a result's sums in each of three planes (the value, and the low and high ends
of the estimates' ranges), so it costs microseconds whatever the design's size and runs as plain
Python. The low plane is the cheap end of every estimate (a long life, a low price), the high
plane the dear end; a range is the least and the most of the three.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from ascend_tui.model.catalog import Part
from ascend_tui.model.facility import HOURS_PER_YEAR, Site
from ascend_tui.model.metrics import CAPEX_CATEGORIES

Trio = tuple[float, float, float]
PRECISIONS = ("fp8", "fp4", "bf16")


@dataclass(frozen=True)
class Plant:
    """What the chain needs besides a result's sums: each setting in force as (value, low,
    high), the settings that rest on an estimate, a PUE the design states, the redundancy scheme,
    and the CDU the plant installs (its capacity, and its power and price as value, low, high)."""

    settings: Mapping[str, Trio]
    estimated: frozenset[str]  # setting names, and "cdu" when the CDU's figures are estimates
    stated_pue: float | None
    redundancy: str
    cdu_capacity_w: float
    cdu_power_w: Trio
    cdu_price_usd: Trio

    @staticmethod
    def of(site: Site, stated_pue: float | None, parts: Mapping[str, Part]) -> Plant:
        cdu = parts[site.cdu]
        estimated = {name for name, f in site.figures.items() if f.estimate}
        if any(cdu.figures[f].estimate for f in ("cooling_kw", "power_w", "price_usd") if f in cdu.figures):
            estimated.add("cdu")
        return Plant(
            {name: site.trio(name) for name in site.figures},
            frozenset(estimated),
            stated_pue,
            site.redundancy,
            cdu.value("cooling_kw") * 1000.0,
            (cdu.value("power_w"), *cdu.bounds("power_w")),
            (cdu.value("price_usd"), *cdu.bounds("price_usd")),
        )


def units_with_spares(needed: float, redundancy: str, group: float) -> float:
    """Units to install when `needed` carry the load: N installs them, N+1 adds one spare per
    started group of `group`, 2N doubles them."""
    if redundancy == "2N":
        return 2.0 * needed
    if redundancy == "N+1" and math.isfinite(needed):
        return needed + math.ceil(needed / group)
    return needed


def capacity_factor(redundancy: str, group: float) -> float:
    """Installed power capacity over the load it carries."""
    return {"N": 1.0, "N+1": (group + 1.0) / group, "2N": 2.0}[redundancy]


def _ratio(a: float, b: float) -> float:
    return a / b if b > 0 else math.nan


# What each output of the chain rests on: sums of the result, settings, and earlier outputs. An
# output is an estimate when anything it rests on is.
DEPENDS: dict[str, tuple[str, ...]] = {
    "liquid_heat_w": ("liquid_power_w", "liquid_heat_share"),
    "air_heat_w": ("it_power_w", "liquid_heat_w"),
    "plant_cdus": ("liquid_heat_w", "cooling_capacity_kw", "cdu", "redundancy_group"),
    "cooling_power_w": (
        "air_heat_w",
        "liquid_heat_w",
        "air_cooling_kw_per_kw",
        "liquid_cooling_kw_per_kw",
        "plant_cdus",
    ),
    "losses_w": ("it_power_w", "cooling_power_w", "ups_loss", "distribution_loss"),
    "pue_plant": ("losses_w", "cooling_power_w"),
    "facility_power_w": ("it_power_w", "pue_plant"),
    "pue": ("pue_plant",),
    "installed_power_w": ("facility_power_w", "redundancy_group"),
    "heat_rejected_w": ("it_power_w", "plant_cdus"),
    "it_energy_kwh": ("it_power_typical_w", "utilisation"),
    "facility_energy_kwh": ("it_energy_kwh", "pue"),
    **{
        f"capex_{c.key}_usd": (f"price_{c.key}_usd",)
        for c in CAPEX_CATEGORIES
        if c.kinds and c.key != "cpus_servers"
    },
    "capex_cpus_servers_usd": ("price_cpus_servers_usd", "server_price_usd"),
    "capex_cabinets_usd": ("cabinet_price_usd",),
    "capex_facility_usd": ("build_cost_usd_per_mw", "it_power_w", "plant_cdus"),
    "system_capex_usd": tuple(f"capex_{c.key}_usd" for c in CAPEX_CATEGORIES if c.key != "facility"),
    "capex_usd": ("system_capex_usd", "capex_facility_usd"),
    "energy_cost_usd": ("facility_energy_kwh", "electricity_usd_per_kwh"),
    "maintenance_usd": ("capex_usd", "maintenance_share"),
    "opex_usd": ("energy_cost_usd", "maintenance_usd"),
    "annual_cost_usd": (
        "system_capex_usd",
        "capex_facility_usd",
        "depreciation_years",
        "facility_years",
        "opex_usd",
    ),
    "tco_usd": ("annual_cost_usd",),
    "accelerator_hours": ("chips", "utilisation"),
    **{f"{p}_pflop_years": (f"{p}_tflops", "utilisation") for p in PRECISIONS},
    "co2_kg": ("facility_energy_kwh", "carbon_kg_per_kwh"),
    "water_l": ("it_energy_kwh", "wue_l_per_kwh"),
    "weight_kg": ("block_weight_kg", "parts_weight_kg"),
}


def work_out(plant: Plant, sums: Mapping[str, float], plane: int) -> dict[str, float]:
    """The chain's outputs for one plane (0: value, 1: low, 2: high) from a result's sums in
    that plane."""

    def up(name: str) -> float:
        """A setting in this plane where a larger value makes the figure larger."""
        return plant.settings[name][plane]

    def down(name: str) -> float:
        """A setting in this plane where a larger value makes the figure smaller (a life)."""
        return plant.settings[name][(0, 2, 1)[plane]]

    out: dict[str, float] = {}
    it = sums["it_power_w"]
    group = plant.settings["redundancy_group"][0]
    # The more heat the liquid takes, the less the air plant works: the costs' planes take the
    # share's ends the other way round from the heats' own.
    liquid_cabinets = sums["liquid_power_w"]
    out["liquid_heat_w"] = liquid_cabinets * up("liquid_heat_share")
    out["air_heat_w"] = it - liquid_cabinets * down("liquid_heat_share")
    liquid = liquid_cabinets * down("liquid_heat_share")
    uncovered = max(0.0, liquid - sums["cooling_capacity_kw"] * 1000.0)
    needed = uncovered / plant.cdu_capacity_w if plant.cdu_capacity_w > 0 else 0.0
    whole = float(math.ceil(needed)) if math.isfinite(needed) else needed  # a total too large: refused later
    cdus = out["plant_cdus"] = units_with_spares(whole, plant.redundancy, group)
    # The CDUs' pumps draw in proportion to the heat they move (spares stand idle).
    pumps = uncovered * plant.cdu_power_w[plane] / plant.cdu_capacity_w if plant.cdu_capacity_w > 0 else 0.0
    cooling = out["cooling_power_w"] = (
        (it - liquid) * up("air_cooling_kw_per_kw") + liquid * up("liquid_cooling_kw_per_kw") + pumps
    )
    distribution = 1.0 - up("distribution_loss")
    drawn = it / ((1.0 - up("ups_loss")) * distribution) + cooling / distribution
    out["losses_w"] = drawn - it - cooling
    out["pue_plant"] = _ratio(drawn, it)
    facility = out["facility_power_w"] = drawn if plant.stated_pue is None else it * plant.stated_pue
    out["pue"] = _ratio(facility, it)
    out["installed_power_w"] = facility * capacity_factor(plant.redundancy, group)
    out["heat_rejected_w"] = it + pumps

    utilisation = up("utilisation")
    hours = HOURS_PER_YEAR * utilisation
    out["it_energy_kwh"] = sums["it_power_typical_w"] / 1000.0 * hours
    out["facility_energy_kwh"] = out["it_energy_kwh"] * (_ratio(facility, it) if it > 0 else 0.0)

    for c in CAPEX_CATEGORIES:
        if c.kinds:
            out[f"capex_{c.key}_usd"] = sums[f"price_{c.key}_usd"]
    out["capex_cpus_servers_usd"] += sums["server_price_usd"]
    out["capex_cabinets_usd"] = sums["cabinet_price_usd"]
    building = up("build_cost_usd_per_mw") * it / 1e6 + cdus * plant.cdu_price_usd[plane]
    out["capex_facility_usd"] = building
    equipment = out["system_capex_usd"] = sum(
        out[f"capex_{c.key}_usd"] for c in CAPEX_CATEGORIES if c.key != "facility"
    )
    capex = out["capex_usd"] = equipment + building
    out["energy_cost_usd"] = out["facility_energy_kwh"] * up("electricity_usd_per_kwh")
    out["maintenance_usd"] = capex * up("maintenance_share")
    opex = out["opex_usd"] = out["energy_cost_usd"] + out["maintenance_usd"]
    life, facility_life = down("depreciation_years"), down("facility_years")
    out["annual_cost_usd"] = equipment / life + building / facility_life + opex
    years = up("depreciation_years")  # more years of running cost make the total larger
    out["tco_usd"] = equipment + building * min(1.0, years / facility_life) + opex * years

    out["accelerator_hours"] = sums["chips"] * hours
    for p in PRECISIONS:
        out[f"{p}_pflop_years"] = sums[f"{p}_tflops"] / 1000.0 * utilisation
    out["co2_kg"] = out["facility_energy_kwh"] * up("carbon_kg_per_kwh")
    out["water_l"] = out["it_energy_kwh"] * up("wue_l_per_kwh")
    out["weight_kg"] = sums["block_weight_kg"] + sums["parts_weight_kg"]
    return out


def estimated_outputs(plant: Plant, estimated_sums: set[str]) -> set[str]:
    """The chain's outputs that rest on an estimate, given the sums that do."""
    marked = set(estimated_sums) | set(plant.estimated)
    depends = dict(DEPENDS)
    if plant.stated_pue is not None:  # a stated PUE replaces the plant's losses and cooling
        depends.update(facility_power_w=("it_power_w",), pue=())
    for output, inputs in depends.items():
        if any(name in marked for name in inputs):
            marked.add(output)
    return marked
