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
of the estimates' ranges), so it costs microseconds whatever the design's size. The low plane is
the cheap end of every estimate (a long life, a low price), the high plane the dear end; a range
is the least and the most of the three. The arithmetic is one helper, `kernels.work_out`, that
results run as plain Python and the sweep kernel compiled; this module holds the settings it
reads, as arrays, and which of its outputs rest on an estimate.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from ascend_tui.engine import kernels as k
from ascend_tui.model.catalog import Part
from ascend_tui.model.facility import REDUNDANCY, SETTINGS, Site
from ascend_tui.model.metrics import CAPEX_CATEGORIES

Floats = npt.NDArray[np.float64]
PRECISIONS = ("fp8", "fp4", "bf16")

assert tuple(s.name for s in SETTINGS) == k.CHAIN_SETTINGS
assert tuple(map(REDUNDANCY.index, ("N", "N+1", "2N"))) == (k.REDUNDANCY_N, k.REDUNDANCY_N1, k.REDUNDANCY_2N)
assert k.CHAIN_INPUTS[k.I_PRICE_ACCELERATORS : k.I_SERVER_PRICE] == tuple(
    f"price_{c.key}_usd" for c in CAPEX_CATEGORIES if c.kinds
)
assert k.CHAIN_OUTPUTS[k.C_CAPEX_ACCELERATORS : k.C_SYSTEM_CAPEX] == tuple(
    f"capex_{c.key}_usd" for c in CAPEX_CATEGORIES
)


@dataclass(frozen=True)
class Plant:
    """What the chain needs besides a result's sums: each setting in force as (value, low,
    high), in kernels.CHAIN_SETTINGS order; the settings that rest on an estimate; a PUE the
    design states; the redundancy scheme; and the CDU the plant installs (its capacity, and its
    power and price as value, low, high: kernels.CDU_*)."""

    settings: Floats = field(compare=False)  # (CHAIN_SETTINGS, 3)
    estimated: frozenset[str]  # setting names, and "cdu" when the CDU's figures are estimates
    stated_pue: float | None
    redundancy: str
    cdu: Floats = field(compare=False)  # (7,)

    @staticmethod
    def of(site: Site, stated_pue: float | None, parts: Mapping[str, Part]) -> Plant:
        cdu = parts[site.cdu]
        estimated = {name for name, f in site.figures.items() if f.estimate}
        if any(cdu.figures[f].estimate for f in ("cooling_kw", "power_w", "price_usd") if f in cdu.figures):
            estimated.add("cdu")
        return Plant(
            np.array([site.trio(name) for name in k.CHAIN_SETTINGS], dtype=np.float64),
            frozenset(estimated),
            stated_pue,
            site.redundancy,
            np.array(
                [
                    cdu.value("cooling_kw") * 1000.0,
                    cdu.value("power_w"),
                    *cdu.bounds("power_w"),
                    cdu.value("price_usd"),
                    *cdu.bounds("price_usd"),
                ],
                dtype=np.float64,
            ),
        )

    def setting(self, name: str) -> float:
        """A setting's value in force (a name of kernels.CHAIN_SETTINGS)."""
        return float(self.settings[k.CHAIN_SETTINGS.index(name), 0])

    @property
    def redundancy_code(self) -> int:
        return REDUNDANCY.index(self.redundancy)

    @property
    def pue_or_nan(self) -> float:
        """The stated PUE, or NaN (how the chain is told there is none)."""
        return float("nan") if self.stated_pue is None else self.stated_pue

    def work_out(self, sums: Floats, plane: int) -> Floats:
        """The chain's outputs (kernels.CHAIN_OUTPUTS) for one plane from the sums it reads
        (kernels.CHAIN_INPUTS), as plain Python."""
        out = np.zeros(len(k.CHAIN_OUTPUTS))
        with np.errstate(over="ignore", invalid="ignore"):  # absurd figures overflow; refused later
            k.work_out(self.settings, self.redundancy_code, self.pue_or_nan, self.cdu, sums, plane, out)
        return out


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
assert set(DEPENDS) == set(k.CHAIN_OUTPUTS)


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
