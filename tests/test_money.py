"""Money, energy and the facility: exact figures for small designs worked out by hand, the
redundancy schemes, a stated PUE, weights and floor loading, ranges, budgets and the format."""

from __future__ import annotations

import json
import math
import re
import textwrap
from dataclasses import replace

import pytest

from ascend_tui.cli import main
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.planning import plan_count
from ascend_tui.model.design import Block, CustomPart, Design, PartCount
from ascend_tui.model.facility import Facility
from ascend_tui.model.figures import Figure
from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import dumps_design, parse_design

# A 1 kW accelerator at $20,000 with 1 PF of FP8, and every facility setting stated, so that each
# figure below follows by hand from the numbers here and the in-rack CDU's catalog value
# (100 kW capacity, 1 kW of pumps, $25,000; the value plane of its estimates).
GPU = CustomPart(
    "gpu",
    kind="accelerator",
    figures={
        "fp8_tflops": Figure(1000.0, source="test"),
        "fp4_tflops": Figure(0.0, supported=False),
        "bf16_tflops": Figure(500.0, source="test"),
        "hbm_gb": Figure(100.0, source="test"),
        "hbm_tbps": Figure(4.0, source="test"),
        "scaleup_gbps": Figure(900.0, source="test", direction="both"),
        "power_w": Figure(1000.0, source="test"),
        "price_usd": Figure(20000.0, source="test"),
        "weight_kg": Figure(2.0, source="test"),
    },
)
SETTINGS = {
    "electricity_usd_per_kwh": 0.10,
    "build_cost_usd_per_mw": 10e6,
    "facility_years": 10.0,
    "depreciation_years": 5.0,
    "utilisation": 0.5,
    "maintenance_share": 0.02,
    "carbon_kg_per_kwh": 0.4,
    "wue_l_per_kwh": 0.5,
    "ups_loss": 0.04,
    "distribution_loss": 0.02,
    "air_cooling_kw_per_kw": 0.25,
    "liquid_cooling_kw_per_kw": 0.05,
    "liquid_heat_share": 0.8,
    "redundancy_group": 4.0,
    "floor_rating_kg_per_m2": 1000.0,
}


def pod(redundancy: str = "2N", pue: float | None = None, cabinets: int = 2) -> Design:
    """Cabinets of four servers of eight GPUs, liquid-cooled, at stated prices."""
    server = Block("server", "s", 4, price_usd=10000.0, weight_kg=60.0, parts=(PartCount("gpu", 8),))
    cabinet = Block(
        "cabinet",
        "rack",
        cabinets,
        scaleup=True,
        cooling="liquid",
        footprint_m2=2.0,
        price_usd=4000.0,
        blocks=(server,),
    )
    facility = Facility(
        {name: Figure(value, source="test") for name, value in SETTINGS.items()},
        redundancy,
        "cdu-in-rack-100kw",
    )
    return Design("pod", Block("pod", "p", blocks=(cabinet,)), pue=pue, facility=facility, parts={"gpu": GPU})


def test_a_liquid_cooled_pod_worked_out_by_hand():
    m = evaluate(pod()).totals()
    # 64 GPUs of 1 kW: 64 kW of IT power, all in liquid-cooled cabinets.
    assert m["it_power_kw"] == 64.0
    # 80% into liquid (51.2 kW), 12.8 kW into air; one 100 kW CDU carries it, 2N doubles it.
    assert m["liquid_heat_kw"] == pytest.approx(51.2)
    assert m["air_heat_kw"] == pytest.approx(12.8)
    assert m["plant_cdus"] == 2
    # Cooling: 12.8 kW × 0.25 + 51.2 kW × 0.05 + pumps 51.2 kW × 1 kW/100 kW = 3.2 + 2.56 + 0.512.
    assert m["cooling_power_kw"] == pytest.approx(6.272)
    # Feed: 64 ÷ (0.96 × 0.98) + 6.272 ÷ 0.98 = 68.027211 + 6.4 = 74.427211 kW.
    assert m["facility_power_kw"] == pytest.approx(74.427211, abs=1e-6)
    assert m["pue"] == m["pue_plant"] == pytest.approx(74.427211 / 64, abs=1e-8)
    assert m["power_losses_kw"] == pytest.approx(74.427211 - 64 - 6.272, abs=1e-6)
    assert m["installed_power_kw"] == pytest.approx(2 * 74.427211, abs=1e-5)  # 2N
    assert m["heat_rejected_tons"] == pytest.approx(64.512 / 3.516853, abs=1e-6)
    # A year at 50%: 4,380 h × 64 kW = 280,320 kWh of IT energy, × PUE at the site.
    assert m["it_energy_mwh_per_year"] == pytest.approx(280.32)
    assert m["energy_mwh_per_year"] == pytest.approx(325.991184, abs=1e-6)
    assert m["co2_t_per_year"] == pytest.approx(130.396473, abs=1e-6)  # × 0.4 kg/kWh
    assert m["water_m3_per_year"] == pytest.approx(140.16)  # IT energy × 0.5 L/kWh
    # Equipment: 64 × $20k + 8 servers × $10k + 2 cabinets × $4k = $1,368,000.
    assert m["capex_accelerators_usd"] == 1_280_000
    assert m["capex_cpus_servers_usd"] == 80_000
    assert m["capex_cabinets_usd"] == 8_000
    assert m["capex_network_usd"] == 0
    assert m["system_capex_usd"] == 1_368_000
    # Facility: $10 M/MW × 0.064 MW + two CDUs × $25k = $690,000.
    assert m["capex_facility_usd"] == pytest.approx(690_000)
    assert m["capex_usd"] == pytest.approx(2_058_000)
    # Running: 325,991.18 kWh × $0.10 + 2% of $2,058,000.
    assert m["energy_cost_usd_per_year"] == pytest.approx(32_599.118367, abs=1e-5)
    assert m["opex_usd_per_year"] == pytest.approx(32_599.118367 + 41_160, abs=1e-5)
    # A year: $1,368,000 ÷ 5 + $690,000 ÷ 10 + opex; TCO: equipment, half the facility, 5 × opex.
    assert m["cost_usd_per_year"] == pytest.approx(416_359.118367, abs=1e-5)
    assert m["tco_usd"] == pytest.approx(2_081_795.591837, abs=1e-5)
    assert m["cost_per_accelerator_hour_usd"] == pytest.approx(416_359.118367 / 280_320, abs=1e-9)
    assert m["cost_per_fp8_pflop_year_usd"] == pytest.approx(416_359.118367 / 32, abs=1e-6)
    assert math.isnan(m["cost_per_fp4_pflop_year_usd"])  # no FP4 units
    # Weight: each server states 60 kg with its GPUs; an empty liquid cabinet weighs 400 kg.
    assert m["weight_kg"] == pytest.approx(2 * (400 + 4 * 60))
    assert m["floor_load_max_kg_per_m2"] == pytest.approx(640 / 2.0)
    assert m["cabinets_over_floor_rating"] == 0


def test_a_stated_pue_overrides_the_plant_which_is_still_shown():
    m = evaluate(pod(pue=1.3)).totals()
    assert m["pue"] == 1.3 and m["facility_power_kw"] == pytest.approx(83.2)
    assert m["pue_plant"] == pytest.approx(74.427211 / 64, abs=1e-8)
    assert m["energy_mwh_per_year"] == pytest.approx(280.32 * 1.3)


@pytest.mark.parametrize(
    ("redundancy", "cabinets", "cdus", "capacity_factor"),
    [
        ("N", 2, 1, 1.0),
        ("N+1", 2, 2, 1.25),  # one working CDU and one spare per started group of four
        ("N+1", 16, 5 + 2, 1.25),  # 16 × 25.6 kW = 409.6 kW: five working, two spares
        ("2N", 2, 2, 2.0),
    ],
)
def test_redundancy_adds_spares_per_group_or_doubles(redundancy, cabinets, cdus, capacity_factor):
    m = evaluate(pod(redundancy, cabinets=cabinets)).totals()
    working = math.ceil(cabinets * 32 * 0.8 / 100)  # 32 kW per cabinet, 80% into liquid, 100 kW CDUs
    spares = {"N": 0, "N+1": math.ceil(working / 4), "2N": working}[redundancy]
    assert m["plant_cdus"] == working + spares == cdus
    assert m["installed_power_kw"] == pytest.approx(m["facility_power_kw"] * capacity_factor)


def test_cdus_the_design_types_serve_first():
    design = pod("N")
    infra = Block("cabinet", "cdu rack", role="infrastructure", parts=(PartCount("cdu-in-row-800kw", 1),))
    design = replace(design, root=replace(design.root, blocks=(*design.root.blocks, infra)))
    m = evaluate(design).totals()
    assert m["cooling_units"] == 1 and m["plant_cdus"] == 0
    assert m["capex_facility_usd"] == pytest.approx(10e6 * m["it_power_kw"] / 1000)


def test_a_stated_weight_is_the_whole_block_and_a_heavy_cabinet_is_flagged():
    design = pod()
    heavy = replace(design.root.blocks[0], weight_kg=2500.0)
    m = evaluate(replace(design, root=replace(design.root, blocks=(heavy,)))).totals()
    assert m["weight_kg"] == 5000.0  # what it holds does not add to a stated weight
    assert m["floor_load_max_kg_per_m2"] == 1250.0
    assert m["cabinets_over_floor_rating"] == 2  # over 1,000 kg/m²


def test_unpriced_parts_are_counted_and_left_out_of_the_capital_cost():
    rack = Block("cabinet", "r", scaleup=True, parts=(PartCount("ascend-910d", 8), PartCount("gpu", 8)))
    m = evaluate(Design("d", rack, parts={"gpu": GPU})).totals()
    assert m["unpriced_parts"] == 8
    assert m["capex_accelerators_usd"] == 8 * 20000


def test_money_ranges_hold_the_value_and_json_gives_both_ends(capsys):
    m = evaluate(pod()).totals()
    # The CDU's price is an estimate ($10k-50k): the facility's cost has a range, the rest not.
    low, high = m.range("capex_facility_usd") or (0, 0)
    assert low == pytest.approx(640_000 + 2 * 10_000) and high == pytest.approx(640_000 + 2 * 50_000)
    assert m.range("capex_accelerators_usd") is None
    assert main(["eval", "gb200-nvl72", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    for key in (
        "capex_usd",
        "system_capex_usd",
        "opex_usd_per_year",
        "tco_usd",
        "cost_per_accelerator_hour_usd",
    ):
        assert set(data[key]) == {"value", "low", "high"}, key
        assert data[key]["low"] <= data[key]["value"] <= data[key]["high"], key
        assert data[key]["low"] < data[key]["high"], key  # the catalog's prices are ranges
    for key in ("energy_mwh_per_year", "co2_t_per_year"):
        assert isinstance(data[key], float), key


def test_the_most_that_fit_a_budget_respects_the_other_limits():
    design = replace(pod("N"), targets={"max_it_power_kw": 1000.0})
    plan = plan_count(design, (0,), "max_capex_usd", 20e6)
    assert plan.count is not None and plan.after is not None
    assert (
        plan.after["capex_usd"] <= 20e6 < evaluate(with_count(design, plan.count + 1)).totals()["capex_usd"]
    )
    tight = plan_count(replace(design, targets={"max_it_power_kw": 300.0}), (0,), "max_capex_usd", 20e6)
    assert tight.count == 9 and tight.limited_by == "max_it_power_kw"  # 9 × 32 kW = 288 kW


def with_count(design: Design, count: int) -> Design:
    return replace(design, root=replace(design.root, blocks=(replace(design.root.blocks[0], count=count),)))


def test_money_is_written_in_dollars_with_its_range():
    from ascend_tui.report import format_range, format_value

    assert format_value(BY_KEY["capex_usd"], 3_300_000.0) == "$3.30 M"
    assert format_range(BY_KEY["capex_usd"], 3_100_000.0, 3_600_000.0) == "$3.10–3.60 M"
    assert format_value(BY_KEY["opex_usd_per_year"], 512.0) == "$512/yr"
    assert format_value(BY_KEY["cost_per_accelerator_hour_usd"], 2.1) == "$2.10/h"


FACILITY_FILE = textwrap.dedent("""\
    format = 2
    name = "site"

    [facility]
    redundancy = "2N"
    cdu = "cdu-in-rack-100kw"
    electricity_usd_per_kwh = 0.12
    utilisation = { value = 0.7, low = 0.6, high = 0.9, estimate = true, rationale = "our fleet" }

    [cabinet]
    name = "c"
    price_usd = 6000.0
    weight_kg = 900.0
    """)


def test_a_facility_table_round_trips_and_overrides_the_defaults():
    design = parse_design(FACILITY_FILE)
    assert design.facility.redundancy == "2N" and design.pue is None
    assert design.facility.figures["utilisation"].ends == (0.6, 0.9)
    assert parse_design(dumps_design(design)) == design
    assert design.root.price_usd == 6000.0 and design.root.weight_kg == 900.0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ('redundancy = "2N"', "design.toml:5: facility: `redundancy` must be one of N, N+1, 2N"),
        ("electricity_usd_per_kwh = 0.12", "design.toml:7: facility > electricity_usd_per_kwh: `value` = 12"),
        (
            'cdu = "cdu-in-rack-100kw"',
            "design.toml:6: facility: `cdu`: 'optic-800g' is a transceiver, not a cdu",
        ),
        (
            "[facility]",
            "design.toml:5: facility: unknown key 'electricity'; did you mean 'electricity_usd_per_kwh'",
        ),
    ],
)
def test_bad_facility_settings_are_refused_with_their_line(change, message):
    bad = {
        'redundancy = "2N"': 'redundancy = "3N"',
        "electricity_usd_per_kwh = 0.12": "electricity_usd_per_kwh = 12",
        'cdu = "cdu-in-rack-100kw"': 'cdu = "optic-800g"',
        "[facility]": "[facility]\nelectricity = 0.1",
    }[change]
    with pytest.raises(DesignError) as caught:
        parse_design(FACILITY_FILE.replace(change, bad), "design.toml")
    assert any(p.describe("design.toml").startswith(message) for p in caught.value.problems), [
        p.describe("design.toml") for p in caught.value.problems
    ]


def test_the_readme_lists_the_facility_defaults_from_the_catalog(catalog):
    from pathlib import Path

    from ascend_tui.model.facility import site_of
    from ascend_tui.report import facility_markdown

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- facility: .*? -->\n(.*?)<!-- /facility -->", readme, re.S)
    assert block is not None, "README.md lost its table of facility defaults"
    assert block.group(1) == facility_markdown(site_of(Facility(), catalog.site))


def test_a_cabinet_or_server_states_its_price_and_weight_and_nothing_else_does(catalog):
    from ascend_tui.model.session import Session

    session = Session(pod(), catalog)
    session.set_field((0, 0), "price_usd", 2500.0)  # the servers
    session.set_field((0,), "weight_kg", None)  # the cabinets: back to the catalog's default
    m = evaluate(session.design).totals()
    assert m["capex_cpus_servers_usd"] == 8 * 2500
    with pytest.raises(DesignError, match="only cabinets and servers have price_usd"):
        session.set_field((), "price_usd", 1.0)
    with pytest.raises(DesignError, match="price_usd must be between 0 and"):
        session.set_field((0,), "price_usd", -1.0)


def test_a_stated_weight_is_exact_and_default_cabinets_keep_their_ranges():
    from ascend_tui.model import presets

    # The NVL72 rack states its published 1.36 t with all it holds: no estimate left in it.
    nvl72 = evaluate(presets.load("gb200-nvl72")).totals()
    assert nvl72["weight_kg"] == 1360.0 and "weight_kg" not in nvl72.estimated
    # A cabinet that states its price and weight still stands beside the network cabinets the
    # fabric fills, at the catalog's estimated price and weight: those keep their ranges.
    design = presets.load("atlas-950-superpod")
    compute = replace(design.root.blocks[0], price_usd=150_000.0, weight_kg=9000.0)
    m = evaluate(
        replace(design, root=replace(design.root, blocks=(compute, *design.root.blocks[1:])))
    ).totals()
    assert {"capex_cabinets_usd", "weight_kg"} <= m.estimated
    low, high = m.range("capex_cabinets_usd") or (0.0, 0.0)
    assert (low, high) == (128 * 150_000 + 32 * 45_000, 128 * 150_000 + 32 * 120_000)


def test_the_bill_adds_up_to_the_equipment_and_the_plants_cdus(capsys):
    from ascend_tui.model import presets

    evaluation = evaluate(presets.load("cloudmatrix-384"))
    m, lines = evaluation.totals(), evaluation.bill()
    plant_cdus = 2 * 150_000
    assert sum(line.price_usd or 0 for line in lines) == pytest.approx(m["system_capex_usd"] + plant_cdus)
    own = {line.part: line for line in lines if line.kind in ("cabinet", "server")}
    assert (own["cabinet"].count, own["cabinet"].unit_price_usd) == (17, 80_000)
    assert (own["server"].count, own["server"].unit_price_usd) == (48, 8_000)
    assert main(["bom", "cloudmatrix-384", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total"]["price_usd"] == pytest.approx(m["system_capex_usd"] + plant_cdus)
    chips = data["parts"][0]
    assert (chips["unit_price_usd"], chips["power_kw"], chips["power_high_kw"]) == (28_000, 307.2, 326.4)
