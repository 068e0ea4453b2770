"""Each preset, evaluated from its parts, reproduces the published totals (published-figures.md).

Counts, compute, memory, bandwidth, cabinets and area within 3%; power within 10%.
"""

from __future__ import annotations

import pytest

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.results import Results
from ascend_tui.model import presets


def totals(name: str) -> Results:
    return evaluate(presets.load(name)).totals()


def within(value: float, published: float, tolerance: float) -> bool:
    return abs(value / published - 1) <= tolerance


def within_range(value: float, low: float, high: float, tolerance: float) -> bool:
    return low * (1 - tolerance) <= value <= high * (1 + tolerance)


def test_cloudmatrix_384():
    """SemiAnalysis 'CloudMatrix 384' (Apr 2025); arXiv 2506.12708; Huawei."""
    m = totals("cloudmatrix-384")
    assert (m["chips"], m["cpus"], m["cabinets"], m["compute_cabinets"], m["network_cabinets"]) == (
        384,
        192,
        16,
        12,
        4,
    )
    assert m["transceivers"] == 6912
    assert within(m["bf16_pflops"], 300, 0.03)  # "~300 PF BF16"
    assert within(m["hbm_capacity_tb"], 49.2, 0.03)
    assert within(m["hbm_bandwidth_tbps"], 1229, 0.03)
    assert within(m["it_power_kw"], 559, 0.10)  # SemiAnalysis all-in estimate
    assert not m.supported("fp8") and not m.supported("fp4")  # 910C has no FP8/FP4 units
    assert m["scaleup_domain_chips"] == 384


def test_atlas_950_superpod():
    """Huawei Connect 2025 keynote."""
    m = totals("atlas-950-superpod")
    assert (m["chips"], m["cabinets"], m["compute_cabinets"], m["network_cabinets"]) == (8192, 160, 128, 32)
    assert within(m["fp8_pflops"], 8000, 0.03)
    assert within(m["fp4_pflops"], 16000, 0.03)
    assert m["hbm_capacity_tb_binary"] == pytest.approx(1152)  # Huawei's binary figure, exactly
    assert within(m["hbm_capacity_tb"], 1179.648, 1e-12)  # the same memory in decimal TB
    assert within(m["scaleup_bandwidth_tbps"], 16300, 0.03)  # "16.3 PB/s"
    assert within(m["floor_area_m2"], 1000, 0.03)
    assert "it_power_kw" in m.estimated  # power is not published


def test_atlas_950_supercluster():
    """Huawei Connect 2025; Tom's Hardware."""
    m = totals("atlas-950-supercluster")
    assert (m["chips"], m["supernodes"], m["scaleup_domain_chips"]) == (524288, 64, 8192)
    assert m["cabinets"] >= 10240  # ">10,240 cabinets"
    assert within(m["cabinets"], 10240, 0.03)
    assert within(m["fp8_pflops"], 524_000, 0.03)
    assert within(m["fp4_pflops"], 1_000_000, 0.05)  # "1 ZF" is 1.05 ZF rounded to one figure
    assert within(m["fp4_pflops"], 1_048_576, 1e-12)
    assert within(m["floor_area_m2"], 64_000, 0.03)


def test_atlas_960_superpod():
    """Huawei Connect 2025 via press."""
    m = totals("atlas-960-superpod")
    assert (m["chips"], m["cabinets"]) == (15488, 220)
    assert within(m["hbm_capacity_tb"], 4460, 0.03)  # decimal TB
    assert within(m["scaleup_bandwidth_tbps"], 34000, 0.03)
    assert within(m["floor_area_m2"], 2200, 0.03)
    # 15,488 x 2 PF = 30.976 EF: the headline "30 EF" is 30.98 truncated, 3.3% below the chips'
    # figure; the preset's notes say so. Likewise "60 EF" FP4.
    assert m["fp8_pflops"] == pytest.approx(30976)
    assert int(m["fp8_pflops"] / 1000) == 30
    assert int(m["fp4_pflops"] / 1000) == 61 and within(m["fp4_pflops"], 60000, 0.035)


def test_atlas_960_supercluster():
    """Huawei Connect 2025: '>1 million' Ascend 960; composition assumed (65 SuperPoDs)."""
    m = totals("atlas-960-supercluster")
    assert m["chips"] > 1_000_000
    assert (m["chips"], m["supernodes"], m["cabinets"]) == (65 * 15488, 65, 65 * 220)


def test_gb200_nvl72():
    """NVIDIA; SemiAnalysis; ServeTheHome."""
    m = totals("gb200-nvl72")
    assert (m["chips"], m["cpus"], m["cabinets"]) == (72, 36, 1)
    assert within(m["fp4_pflops"], 720, 0.03)
    assert within(m["fp8_pflops"], 360, 0.03)
    assert within(m["bf16_pflops"], 180, 0.03)
    assert within_range(m["hbm_capacity_tb"], 13.4, 13.8, 0.03)
    assert within(m["hbm_bandwidth_tbps"], 576, 0.03)
    assert within(m["scaleup_bandwidth_tbps"], 130, 0.03)
    assert within_range(m["it_power_kw"], 120, 132, 0.10)


def test_h100_8gpu_server():
    """NVIDIA H100 whitepaper, per GPU x 8."""
    m = totals("h100-8gpu-server")
    assert m["chips"] == 8
    assert m["fp8_pflops"] == pytest.approx(8 * 1.979)
    assert m["bf16_pflops"] == pytest.approx(8 * 0.989)
    assert m["hbm_capacity_tb"] == pytest.approx(0.64)
    assert m["hbm_bandwidth_tbps"] == pytest.approx(26.8)
    assert m["scaleout_bandwidth_tbps"] == pytest.approx(0.8)  # eight 400G NICs, both ways
    assert not m.supported("fp4")


def test_every_preset_has_notes_and_a_default_exists(preset_name):
    design = presets.load(preset_name)
    assert len(design.notes) > 80
    assert presets.DEFAULT_PRESET in presets.preset_names()
