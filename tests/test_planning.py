"""Targets and limits, scale to a target, sweeps and compare: exact answers for real presets."""

from __future__ import annotations

import json
import re
from dataclasses import replace

import pytest

from ascend_tui.cli import main
from ascend_tui.compare import compare_designs, times
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.planning import check_targets, plan_count
from ascend_tui.model import presets
from ascend_tui.model.design import FloorLayout, replace_at
from ascend_tui.model.problems import DesignError
from ascend_tui.report import describe_plan, plan_reason


def test_targets_are_checked_with_margins_and_the_node_responsible():
    design = presets.load("atlas-950-superpod")
    design = replace(
        design, targets={"min_fp8_ef": 10.0, "max_floor_area_m2": 1200.0, "max_cabinet_kw": 50.0}
    )
    checks = {c.key: c for c in check_targets(evaluate(design), design)}
    fp8 = checks["min_fp8_ef"]
    assert (fp8.met, fp8.value, fp8.margin) == (False, 8.192, pytest.approx(8.192 - 10))
    assert fp8.responsible == (0,)  # the compute cabinets give all the FP8
    area = checks["max_floor_area_m2"]
    assert (area.met, area.margin) == (True, 200.0)
    hot = checks["max_cabinet_kw"]
    assert not hot.met and hot.responsible == (0,)  # a compute cabinet draws ~56 kW


def test_scale_a_cabinet_to_an_fp8_target():
    design = presets.load("atlas-950-superpod")
    plan = plan_count(design, (0,), "min_fp8_ef", 8.0)
    assert plan.count == 125  # 8,000 PF / 64 PF per cabinet = 125
    assert plan.after is not None and plan.after["fp8_pflops"] == 125 * 64


def test_a_count_whose_fabric_cannot_connect_is_not_an_answer():
    """10 EF takes 157 cabinets (10,000 PF / 64 PF = 156.25), but the SuperPoD's 2-tier UB fabric
    of 128-port switches connects 128 cabinets at most (20 planes x 128 x 64 links / 20 per NPU /
    64 NPUs): the answer is none, naming the fabric and the fix."""
    design = presets.load("atlas-950-superpod")
    plan = plan_count(design, (0,), "min_fp8_ef", 10.0)
    assert plan.count is None and plan.would == 157
    assert plan.fabric == (
        "scale-up fabric of supernode 'Atlas 950 SuperPoD': 2 tiers of 128-port switches connect at "
        "most 163,840 chip links; it has 200,960: use the 256-port switch ub-switch-960 or serve at most "
        "8,192 chips"
    )
    assert plan_reason(plan) == f"157 would reach it, but then the {plan.fabric}"


def test_a_budget_stops_where_the_fabric_stops_connecting():
    design = presets.load("atlas-950-superpod")
    plan = plan_count(design, (0,), "max_it_power_kw", 1e9)
    assert plan.count == 128 and plan.limited_by == "" and plan.fabric.startswith("scale-up fabric of")
    assert plan.after is not None and plan.after["fabric_problems"] == 0
    assert "bounded by what its scale-up fabric" in describe_plan(plan).title.plain  # type: ignore[union-attr]


def test_how_many_supernodes_fit_a_power_budget():
    design = presets.load("atlas-950-supercluster")
    per_pod = evaluate(presets.load("atlas-950-superpod")).totals()["it_power_kw"]
    plan = plan_count(design, (0,), "max_it_power_kw", 100_000.0)
    # Nine SuperPoDs alone would fit (9 x 10,741 kW), but the scale-out network between them takes
    # its share: eight fit.
    assert 9 * per_pod < 100_000.0
    assert plan.count == 8
    assert plan.after is not None and plan.after["it_power_kw"] <= 100_000.0
    bigger = replace_at(design, (0,), lambda n: replace(n, count=plan.count + 1))  # type: ignore[operator]
    assert evaluate(bigger).totals()["it_power_kw"] > 100_000.0


def test_an_area_budget_follows_the_row_layout_not_a_straight_line():
    design = presets.load("atlas-950-superpod")
    layout = FloorLayout(cabinets_per_row=10, cabinet_width_m=1.0, cabinet_depth_m=1.5, aisle_m=1.5)
    design = replace(design, floor=layout)
    # Rows of 10 cabinets take 10 x 3 = 30 m² each, so 450 m² holds 150 cabinets. n compute
    # cabinets hold 64n NPUs; each of the 20 UB planes needs ceil(64n / 128) spine switches, 40 to a
    # communication cabinet: ceil(ceil(n / 2) / 2) of them. n = 120 gives 120 + 30 = 150; n = 121
    # gives 121 + 31 = 152.
    plan = plan_count(design, (0,), "max_floor_area_m2", 450.0)
    assert plan.count == 120
    assert plan.after is not None and plan.after["floor_area_m2"] == 450.0


def test_a_budget_that_one_block_already_breaks_is_reported():
    design = presets.load("gb200-nvl72")
    plan = plan_count(design, (), "max_it_power_kw", 50.0)
    assert plan.count is None and "exceeds" in plan.reason


def test_planning_a_part_entry_is_refused():
    with pytest.raises(DesignError, match="pick a block"):
        plan_count(presets.load("gb200-nvl72"), (0, 0), "min_fp8_ef", 1.0)


def test_compare_ratios_per_total_chip_kw_and_area():
    designs = [presets.load("gb200-nvl72"), presets.load("cloudmatrix-384")]
    c = compare_designs(designs, ["gb200-nvl72", "cloudmatrix-384"], baseline=0)
    assert c.ratio(1, "bf16_pflops") == pytest.approx(299.52 / 180)
    assert c.ratio(1, "hbm_capacity_tb") == pytest.approx(49.152 / 13.392)
    assert c.ratio(1, "fp8_pflops") is None  # CloudMatrix has no FP8 units
    assert c.ratio(1, "bf16_pflops", "per_chip") == pytest.approx(780 / 2500)
    assert times(c.ratio(1, "hbm_capacity_tb")) == "3.67×"


def test_compare_json_for_two_presets(capsys):
    assert main(["compare", "gb200-nvl72", "cloudmatrix-384", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["baseline"] == "gb200-nvl72"
    base, other = data["designs"]
    assert base["ratios"]["chips"] == 1.0
    assert other["ratios"]["chips"] == pytest.approx(384 / 72)
    assert other["ratios"]["bf16_pflops"] == pytest.approx(299.52 / 180)
    assert other["ratios"]["hbm_bandwidth_tbps"] == pytest.approx(1228.8 / 576)
    assert other["ratios"]["fp8_pflops"] is None
    assert other["ratios"]["per_chip"]["hbm_capacity_tb"] == pytest.approx(128 / 186)
    assert other["ratios"]["per_chip"]["scaleup_bandwidth_tbps"] == pytest.approx(784 / 1800)
    assert other["metrics"]["chips"] == 384
    # The networks: 9 NVLink trays against CloudMatrix's 401 UB and RDMA switches, its 6,912
    # optics against none (no ratio to nothing), and the money per dollar.
    assert other["ratios"]["switches"] == pytest.approx(401 / 9)
    assert other["ratios"]["transceivers"] is None
    assert other["ratios"]["scaleout_bandwidth_tbps"] == pytest.approx(19.2 / 3.6)
    capex = [d["metrics"]["capex_usd"]["value"] for d in data["designs"]]
    assert other["ratios"]["capex_usd"] == pytest.approx(capex[1] / capex[0])
    assert other["ratios"]["per_usd_capex"]["bf16_pflops"] == pytest.approx(
        (299.52 / capex[1]) / (180 / capex[0])
    )


def test_compare_with_another_baseline_and_bad_arguments(capsys):
    assert main(["compare", "gb200-nvl72", "h100-8gpu-server", "--baseline", "2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["baseline"] == "h100-8gpu-server"
    assert data["designs"][0]["ratios"]["fp8_pflops"] == pytest.approx(360 / (8 * 1.979))
    assert main(["compare", "gb200-nvl72"]) == 2
    assert "two or more" in capsys.readouterr().err
    assert main(["compare", "gb200-nvl72", "cloudmatrix-384", "--baseline", "3"]) == 2


def test_a_target_that_breaks_another_limit_says_which_with_its_label():
    design = replace(presets.load("atlas-950-superpod"), targets={"max_it_power_kw": 9_000.0})
    plan = plan_count(design, (0,), "min_fp8_ef", 8.0)
    assert plan.count is None and plan.limited_by == "max_it_power_kw" and plan.would == 125
    assert plan.after is not None
    power = plan.after["it_power_kw"]
    assert plan_reason(plan) == (
        f"125 would reach it, but then IT power would be {power / 1000:.1f} MW, over the design's "
        "limit of 9.00 MW"
    )


def test_a_budget_takes_the_tightest_of_the_designs_limits():
    design = replace(presets.load("atlas-950-superpod"), targets={"max_floor_area_m2": 700.0})
    plan = plan_count(design, (0,), "max_it_power_kw", 1e9)
    assert plan.limited_by == "max_floor_area_m2" and plan.question == "Largest count within budget"
    assert plan.after is not None and plan.after["floor_area_m2"] <= 700.0


def test_a_compare_table_writes_its_ratios_one_way():
    """Trial 2, item 15: `0.14×` and `1/27×` in one column. Where one ratio needs a fraction,
    every ratio below 1 in the table is written as one."""
    import io

    from rich.console import Console

    from ascend_tui.compare import compare_table

    designs = [presets.load("atlas-950-superpod"), presets.load("gb200-nvl72")]
    c = compare_designs(designs, ["atlas-950-superpod", "gb200-nvl72"], baseline=0)
    console = Console(width=250, file=io.StringIO(), record=True)
    console.print(compare_table(c))
    text = console.export_text()
    assert "1/" in text  # GB200 NVL72 is a small fraction of a SuperPoD somewhere
    assert not re.search(r"\b0\.\d+×", text), re.findall(r"\b0\.\d+×", text)
    assert times(c.ratio(1, "chips"), fractions=True) == "1/114×"  # 72 chips beside 8,192
