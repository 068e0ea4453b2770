"""Each preset, evaluated from its parts and fabrics, against the published totals.

Counts, compute, memory and bandwidth within 3% (TOLERANCE, as the README's table of presets
says); power, which no vendor publishes part by part, is checked for the published figure lying
inside the estimate range that the parts' ranges give. Where a figure was fitted to a published
total (the catalog or preset marks it `calibrated`), the test of that total is circular and says so.
"""

from __future__ import annotations

import pytest

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.results import Results
from ascend_tui.model import presets

TOLERANCE = 0.03


def totals(name: str) -> Results:
    return evaluate(presets.load(name)).totals()


def within(value: float, published: float, tolerance: float = TOLERANCE) -> bool:
    return abs(value / published - 1) <= tolerance


def in_range(m: Results, key: str, published: float) -> bool:
    """Whether a published figure lies inside the range the estimates give."""
    low, high = m.range(key) or (m[key], m[key])
    return low <= published <= high


def test_cloudmatrix_384():
    """SemiAnalysis 'CloudMatrix 384' (16 Apr 2025); arXiv 2506.12708; Huawei."""
    m = totals("cloudmatrix-384")
    assert (m["chips"], m["cpus"], m["servers"], m["compute_cabinets"]) == (384, 192, 48, 12)
    assert m["transceivers"] == 6912  # derived from the wiring, see test_fabrics.py
    assert within(m["hbm_capacity_tb"], 49.2)
    assert within(m["hbm_bandwidth_tbps"], 1229)
    assert in_range(m, "it_power_kw", 559)  # SemiAnalysis' all-in estimate
    assert not m.supported("fp8") and not m.supported("fp4")  # 910C has no FP8/FP4 units
    assert (m["scaleup_domains"], m["scaleup_domain_chips"]) == (1, 384)
    # Circular: the 910C's 780 TF was chosen among 752/780/800 because it gives ~300 PF.
    assert within(m["bf16_pflops"], 300)
    # The fabrics fill 5 network racks where 4 are published: the RDMA plane's 9 switches get a rack
    # of their own (the README's table of presets says so).
    assert m["network_cabinets"] == 5


def test_atlas_950_superpod():
    """Huawei Connect 2025 keynote."""
    m = totals("atlas-950-superpod")
    assert (m["chips"], m["compute_cabinets"]) == (8192, 128)
    assert within(m["fp8_pflops"], 8000)
    assert within(m["fp4_pflops"], 16000)
    assert m["hbm_capacity_tb_binary"] == pytest.approx(1152)  # Huawei's GB ÷ 1024 figure, exactly
    assert m["hbm_capacity_tb"] == pytest.approx(1179.648)  # the same memory in decimal TB
    assert within(m["scaleup_bandwidth_tbps"], 16300)  # "16.3 PB/s"
    assert "it_power_kw" in m.estimated  # power is not published
    # Circular: 40 spine switches per communication cabinet and 6.25 m² per cabinet are fitted to
    # the published 32 communication cabinets and ~1,000 m².
    assert (m["cabinets"], m["network_cabinets"]) == (160, 32)
    assert m["floor_area_m2"] == pytest.approx(1000)


def test_atlas_950_supercluster():
    """Huawei Connect 2025; Tom's Hardware."""
    m = totals("atlas-950-supercluster")
    assert (m["chips"], m["supernodes"], m["scaleup_domain_chips"]) == (524288, 64, 8192)
    assert m["cabinets"] > 10240  # ">10,240 cabinets": 64 x 160, and the scale-out network's
    assert within(m["fp8_pflops"], 524_000)
    assert within(m["fp4_pflops"], 1_000_000, 0.05)  # "1 ZF" is 1.05 ZF rounded to one figure
    network = m["cabinets"] - 64 * 160
    assert network == 1280  # 20,480 switches of the assumed scale-out network, 16 to a cabinet
    # The press's ~64,000 m² is 64 x 1,000 (circular, as for the SuperPoD), without that network.
    assert m["floor_area_m2"] == pytest.approx(64_000 + network * 6.25)


def test_atlas_960_superpod():
    """Huawei Connect 2025 via press."""
    m = totals("atlas-960-superpod")
    assert (m["chips"], m["compute_cabinets"]) == (15488, 176)
    assert within(m["hbm_capacity_tb"], 4460)  # decimal TB
    assert within(m["scaleup_bandwidth_tbps"], 34000)
    # 15,488 x 2 PF = 30.976 EF: the headline "30 EF" is 30.98 truncated, 3.3% below the chips'
    # figure; the preset's notes and the README say so. Likewise "60 EF" FP4.
    assert m["fp8_pflops"] == pytest.approx(30976)
    assert int(m["fp8_pflops"] / 1000) == 30
    assert int(m["fp4_pflops"] / 1000) == 61 and within(m["fp4_pflops"], 60000, 0.035)
    # Circular, as for the Atlas 950: cabinets and area are fitted to the published 220 and 2,200 m².
    assert m["cabinets"] == 220
    assert m["floor_area_m2"] == pytest.approx(2200)


def test_atlas_960_supercluster():
    """Huawei Connect 2025: '>1 million' Ascend 960; composition assumed (65 SuperPoDs)."""
    m = totals("atlas-960-supercluster")
    assert m["chips"] > 1_000_000
    assert (m["chips"], m["supernodes"]) == (65 * 15488, 65)
    assert m["cabinets"] > 65 * 220
    assert m["fabric_problems"] == 0  # two planes of three tiers connect a million NPUs


def test_gb200_nvl72():
    """NVIDIA GB200 NVL72 specifications; SemiAnalysis; ServeTheHome."""
    m = totals("gb200-nvl72")
    assert (m["chips"], m["cpus"], m["cabinets"], m["servers"]) == (72, 36, 1, 18)
    assert within(m["fp4_pflops"], 720)
    assert within(m["fp8_pflops"], 360)
    assert within(m["bf16_pflops"], 180)
    assert within(m["fp8_sparse_pflops"], 720)  # NVIDIA's headline, with sparsity
    assert 13.4 * (1 - TOLERANCE) <= m["hbm_capacity_tb"] <= 13.8 * (1 + TOLERANCE)
    assert within(m["hbm_bandwidth_tbps"], 576)
    assert within(m["scaleup_bandwidth_tbps"], 130)  # 130 TB/s NVLink
    assert within(m["cpu_memory_tb"], 17)  # "up to 17 TB LPDDR5X"
    assert within(m["fast_memory_tb"], 30.5)  # "up to 30.5 TB fast memory"
    assert in_range(m, "it_power_kw", 120)  # ~120-132 kW per rack
    assert m["switches"] == 9  # derived: nine switch trays


def test_gb200_nvl72_cluster():
    """Sixteen NVL72 racks with a rail-optimised two-tier InfiniBand network (assumed, after
    NVIDIA's DGX SuperPOD reference architecture)."""
    m = totals("gb200-nvl72-cluster")
    assert (m["chips"], m["scaleup_domains"], m["scaleup_domain_chips"]) == (1152, 16, 72)
    assert m["nics"] == 1152
    assert m["switches"] == 16 * 9 + 36 + 18  # NVLink trays, then 36 leaves and 18 spines
    assert m["transceivers"] == 2 * (1152 + 1152)
    assert m["bisection_bandwidth_tbps"] == pytest.approx(1152 * 400 / 2 / 8 / 1000)


def test_h100_8gpu_server():
    """NVIDIA H100 datasheet, per GPU x 8."""
    m = totals("h100-8gpu-server")
    assert m["chips"] == 8
    assert m["fp8_pflops"] == pytest.approx(8 * 1.979)
    assert m["bf16_pflops"] == pytest.approx(8 * 0.989)
    assert m["hbm_capacity_tb"] == pytest.approx(0.64)
    assert m["hbm_bandwidth_tbps"] == pytest.approx(26.8)
    assert m["scaleout_bandwidth_tbps"] == pytest.approx(0.4)  # eight 400G NICs, per direction
    assert m["switches"] == 4  # derived: NVIDIA's four NVSwitches
    assert not m.supported("fp4")


def test_every_preset_has_notes_and_a_default_exists(preset_name):
    design = presets.load(preset_name)
    assert len(design.notes) > 80
    assert presets.DEFAULT_PRESET in presets.preset_names()
