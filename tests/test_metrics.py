"""The metric registry: the one place a metric's label, unit, target names and estimate rule are
written, and everything shown or exported has an entry."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from ascend_tui.cli import main
from ascend_tui.compare import BASES, NORMALISED
from ascend_tui.engine import facility, kernels, sums
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model import presets
from ascend_tui.model.catalog import FIGURES
from ascend_tui.model.design import Block, Design, FloorLayout, PartCount
from ascend_tui.model.metrics import BY_KEY, HEADLINE, METRICS, TARGETS, scalable
from ascend_tui.report import PLAN_FIGURES, PRESET_COLUMNS, format_value, metrics_markdown
from ascend_tui.ui.views import CHART_SERIES, PLANNABLE
from ascend_tui.ui.widgets import COST_FIGURES, NODE_FIGURES, PANEL_MORE, RANGED

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ascend_tui"


def test_keys_and_labels_are_unique_and_short_labels_fit_80_columns():
    assert len(BY_KEY) == len(METRICS)
    assert len({m.label for m in METRICS}) == len(METRICS)
    assert len({m.short_label for m in METRICS}) == len(METRICS)
    for m in METRICS:
        assert re.fullmatch(r"[a-z0-9_]+", m.key), m.key
        assert len(m.short_label) <= 12, m.key  # the narrow metrics panel's label column
        assert m.description.endswith(".") and "\n" not in m.description, m.key


def test_every_exported_figure_has_an_entry_in_registry_order():
    exported = evaluate(presets.load("atlas-950-superpod")).totals().as_dict()
    extras = ["ranges", "unsupported_chips", "unpublished_chips", "estimated"]
    assert list(exported) == [*(m.key for m in METRICS), *extras]


def test_every_figure_a_view_shows_has_an_entry():
    shown = [
        *PRESET_COLUMNS,
        *PLAN_FIGURES,
        *PANEL_MORE,
        *NODE_FIGURES,
        *NORMALISED,
        *BASES.values(),
        *(key for key, _, _ in CHART_SERIES),
        *(entry.strip() for group in COST_FIGURES for entry in group),
        *RANGED,
    ]
    assert set(shown) <= set(BY_KEY)
    assert {m.key for m in HEADLINE} == {
        "fp8_pflops",
        "fp4_pflops",
        "bf16_pflops",
        "hbm_capacity_tb",
        "hbm_bandwidth_tbps",
        "scaleup_bandwidth_tbps",
        "it_power_kw",
        "facility_power_kw",
        "capex_usd",
        "tco_usd",
        "floor_area_m2",
        "chips",
        "cabinets",
    }
    assert {f.metric for f in FIGURES.values() if f.metric} <= set(BY_KEY)


def test_every_target_names_a_metric_and_says_which_way():
    assert list(TARGETS) == [
        "min_fp8_ef",
        "min_fp4_ef",
        "min_bf16_ef",
        "min_hbm_capacity_tb",
        "max_it_power_kw",
        "max_facility_power_kw",
        "max_capex_usd",
        "max_tco_usd",
        "max_floor_area_m2",
        "max_cabinet_kw",
        "max_cost_per_accelerator_hour_usd",
    ]
    for key, target in TARGETS.items():
        assert key in {t.key for t in BY_KEY[target.metric].targets}
        assert target.at_least == key.startswith("min_") and key.startswith(("min_", "max_"))
        assert target.factor > 0
    assert TARGETS["min_fp8_ef"].factor == 1e-3 and TARGETS["min_fp8_ef"].unit == "EF"
    assert [k for k in TARGETS if k != "max_cabinet_kw"] == PLANNABLE
    assert not scalable(TARGETS["max_cabinet_kw"])


def test_formulas_name_what_the_engine_adds_up():
    known = {*sums.INDEX, *kernels.COUNTERS, *facility.DEPENDS, "area"}
    for m in METRICS:
        assert set(m.formula.inputs) <= known, m.key


def test_a_label_is_written_once_in_the_package():
    sources = {p: p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}
    for m in METRICS:
        for label in {m.label, m.short}:
            if not label:
                continue
            found = [p.relative_to(ROOT) for p, text in sources.items() if f'"{label}"' in text]
            # Generated labels ("Capex: network") appear nowhere as a literal.
            assert found in ([], [Path("ascend_tui/model/metrics.py")]), (label, found)


def test_the_estimate_rule_follows_the_inputs_that_are_estimates():
    """A design whose only estimate is a cabinet footprint: the area and what reads it are
    estimates; with a row layout, the area is exact but the footprints stay estimates."""
    cabinet = Block(
        "cabinet",
        "c",
        2,
        footprint_m2=2.0,
        estimated=("footprint_m2",),
        parts=(PartCount("nvidia-h100-sxm", 8),),
    )
    design = Design("d", Block("supernode", "s", scaleup=True, blocks=(cabinet,)))
    exact = Design("d", Block("supernode", "s", scaleup=True, blocks=(replace(cabinet, estimated=()),)))
    added = evaluate(design).totals().estimated - evaluate(exact).totals().estimated
    assert added == {"floor_area_m2", "footprint_area_m2", "fp8_pflops_per_m2"}
    design, exact = replace(design, floor=FloorLayout()), replace(exact, floor=FloorLayout())
    added = evaluate(design).totals().estimated - evaluate(exact).totals().estimated
    assert added == {"footprint_area_m2"}


@pytest.mark.parametrize(
    ("key", "value", "text"),
    [
        ("fp8_pflops", 8192.0, "8.19 EF"),
        ("fp4_pflops", 1_048_576.0, "1.05 ZF"),
        ("it_power_kw", 537.0, "537 kW"),
        ("chips", 1_006_720, "1,006,720"),
        ("scaleup_domain_chips", 384, "384 chips"),
        ("hbm_capacity_tb_binary", 1152.0, "1,152 TB"),
        ("pue", 1.3, "1.30"),
        ("fp8_pflops_per_kw", float("nan"), "n/a"),
    ],
)
def test_values_are_written_in_their_registry_unit(key, value, text):
    assert format_value(BY_KEY[key], value) == text


def test_the_readme_metric_list_is_the_registry(capsys):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- metrics: .*? -->\n(.*?)<!-- /metrics -->", readme, re.S)
    assert block is not None, "README.md lost its generated metric list"
    assert block.group(1) == metrics_markdown()
    assert main(["metrics", "--markdown"]) == 0
    assert capsys.readouterr().out == metrics_markdown()
