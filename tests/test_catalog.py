"""The catalog: every figure sourced or an estimate, and the reference figures as published."""

from __future__ import annotations

import pytest

from ascend_tui.model.catalog import ACCELERATOR_FIGURES, parse_catalog
from ascend_tui.model.problems import DesignError

ASCEND = [
    "ascend-910b",
    "ascend-910c",
    "ascend-920",
    "ascend-950pr",
    "ascend-950dt",
    "ascend-960",
    "ascend-970",
]
NVIDIA = ["nvidia-h20", "nvidia-h100-sxm", "nvidia-h200-sxm", "nvidia-b200", "nvidia-b200-gb200"]


def test_every_chip_in_the_reference_file_is_in_the_catalog(catalog):
    for pid in [*ASCEND, *NVIDIA, "kunpeng-920", "nvidia-grace"]:
        assert pid in catalog.parts
    assert catalog.parts["ascend-920"].status == "rumoured"


def test_every_figure_has_a_source_or_is_an_estimate_with_a_rationale(catalog):
    for part in catalog.parts.values():
        for name, figure in part.figures.items():
            assert figure.source or (figure.estimate and figure.rationale), (part.id, name)
    for kind in catalog.cooling.values():
        assert kind.max_cabinet_kw.source or kind.max_cabinet_kw.rationale


def test_accelerators_state_every_figure(catalog):
    for part in catalog.parts.values():
        if part.kind == "accelerator":
            assert set(ACCELERATOR_FIGURES) <= set(part.figures), part.id


@pytest.mark.parametrize(
    ("pid", "figure", "value"),
    [
        # published-figures.md, Chips table
        ("ascend-910c", "bf16_tflops", 780.0),
        ("ascend-910c", "hbm_gb", 128.0),
        ("ascend-910c", "hbm_tbps", 3.2),
        ("ascend-910c", "scaleup_gbps", 784.0),
        ("ascend-950pr", "fp8_tflops", 1000.0),
        ("ascend-950pr", "hbm_gb", 128.0),
        ("ascend-950dt", "fp4_tflops", 2000.0),
        ("ascend-950dt", "hbm_gb", 144.0),
        ("ascend-950dt", "hbm_tbps", 4.0),
        ("ascend-960", "fp8_tflops", 2000.0),
        ("ascend-960", "hbm_gb", 288.0),
        ("ascend-960", "scaleup_gbps", 2200.0),
        ("ascend-970", "hbm_tbps", 14.4),
        ("nvidia-h100-sxm", "fp8_tflops", 1979.0),
        ("nvidia-h200-sxm", "hbm_gb", 141.0),
        ("nvidia-b200", "power_w", 1000.0),
        ("nvidia-b200-gb200", "fp4_tflops", 10000.0),
        ("nvidia-h20", "bf16_tflops", 148.0),
    ],
)
def test_published_chip_figures(catalog, pid, figure, value):
    f = catalog.parts[pid].figures[figure]
    assert f.value == value
    assert not f.estimate


def test_910c_records_the_other_published_bf16_values(catalog):
    note = catalog.parts["ascend-910c"].figures["bf16_tflops"].note
    assert "752" in note and "800" in note


def test_chips_without_fp8_units_say_so(catalog):
    for pid in ("ascend-910b", "ascend-910c"):
        assert not catalog.parts[pid].supports("fp8_tflops")
    assert not catalog.parts["nvidia-h100-sxm"].supports("fp4_tflops")
    assert catalog.parts["ascend-950dt"].supports("fp4_tflops")


def test_unpublished_huawei_power_is_marked_estimate(catalog):
    for pid in ASCEND:
        assert catalog.parts[pid].figures["power_w"].estimate, pid


def test_a_figure_without_source_or_estimate_is_refused():
    data = {"parts": {"x": {"kind": "cpu", "power_w": {"value": 10.0}}}}
    with pytest.raises(DesignError, match="needs a `source` or `estimate = true`"):
        parse_catalog(data, "test")


def test_an_estimate_without_rationale_is_refused():
    data = {"parts": {"x": {"kind": "cpu", "power_w": {"value": 10.0, "estimate": True}}}}
    with pytest.raises(DesignError, match="rationale"):
        parse_catalog(data, "test")
