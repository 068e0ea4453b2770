"""The jitted evaluator: hand-computed answers, agreement with the reference, refusals."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from ascend_tui.engine import columns
from ascend_tui.engine.evaluate import evaluate, run
from ascend_tui.engine.pack import pack
from ascend_tui.engine.results import results_from_row
from ascend_tui.model import presets
from ascend_tui.model.design import Cabinet, Cluster, Design, FloorLayout, PartCount, Supernode, node_at
from ascend_tui.model.problems import DesignError
from ascend_tui.model.validate import resolve_parts
from tests.reference import reference_evaluate
from tests.strategies import designs


def small_pod() -> Design:
    cabinet = Cabinet(
        "c",
        3,
        cooling="air",
        footprint_m2=2.0,
        power_overhead=0.5,
        parts=[PartCount("ascend-950dt", 4), PartCount("kunpeng-920", 1)],
    )
    return Design("small", Supernode("s", 2, [cabinet]), pue=1.5)


def test_a_small_pod_by_hand():
    m = evaluate(small_pod()).totals()
    # per cabinet: 4 x 700 W + 180 W = 2,980 W, plus 50% overhead = 4,470 W; 2 x 3 cabinets
    assert (m["chips"], m["cpus"], m["cabinets"], m["supernodes"], m["scaleup_domain_chips"]) == (
        24,
        6,
        6,
        2,
        12,
    )
    assert m["fp8_pflops"] == 24.0
    assert m["fp4_pflops"] == 48.0
    assert m["bf16_pflops"] == 12.0
    assert m["hbm_capacity_tb"] == pytest.approx(3.456)
    assert m["hbm_capacity_tb_binary"] == pytest.approx(3456 / 1024)
    assert m["hbm_bandwidth_tbps"] == 96.0
    assert m["scaleup_bandwidth_tbps"] == 48.0
    assert m["scaleup_bandwidth_per_chip_gbps"] == 2000.0
    assert m["accelerator_power_kw"] == pytest.approx(16.8)
    assert m["cpu_power_kw"] == pytest.approx(1.08)
    assert m["overhead_power_kw"] == pytest.approx(8.94)
    assert m["it_power_kw"] == pytest.approx(26.82)
    assert m["facility_power_kw"] == pytest.approx(40.23)
    assert m["cabinet_power_mean_kw"] == pytest.approx(4.47)
    assert m["cabinet_power_max_kw"] == pytest.approx(4.47)
    assert m["floor_area_m2"] == 12.0
    assert m["fp8_tflops_per_w"] == pytest.approx(24000 / 26820)
    assert m["hbm_gb_per_fp8_pflop"] == pytest.approx(3456 / 24)
    assert m["hbm_bytes_per_fp8_flop"] == pytest.approx(96e12 / 24e15)
    assert m["cabinets_over_cooling_limit"] == 0
    assert "it_power_kw" in m.estimated and "fp8_pflops" not in m.estimated
    assert "bf16_pflops" in m.estimated  # the 950DT's BF16 is not published


def test_node_metrics_per_instance_and_in_the_design():
    evaluation = evaluate(small_pod())
    cabinet = evaluation.node((0,))
    assert (cabinet["chips"], cabinet["it_power_kw"]) == (4, pytest.approx(4.47))
    assert evaluation.node((0,), all_instances=True)["chips"] == 24
    chips = evaluation.node((0, 0))
    assert (chips["chips"], chips["accelerator_power_kw"]) == (4, pytest.approx(2.8))
    assert evaluation.node((0, 0), all_instances=True)["chips"] == 24


def test_a_cabinet_over_its_cooling_limit_is_counted():
    cool = Cabinet("cool", 7, cooling="liquid", parts=[PartCount("nvidia-h100-sxm", 80)])  # 56 kW < 200
    hot = Cabinet("hot", 5, cooling="air", parts=[PartCount("nvidia-h100-sxm", 60)])  # 42 kW > 40 kW
    evaluation = evaluate(Design("d", Supernode("s", 1, [cool, hot])))
    m = evaluation.totals()
    assert m["cabinets_over_cooling_limit"] == 5
    assert m["cabinet_power_max_kw"] == pytest.approx(56.0)
    assert evaluation.cabinets_over_limit() == [(1,)]
    assert evaluation.hottest_cabinet() == (0,)


def test_chips_without_a_precision_contribute_nothing_and_are_counted():
    mixed = Cabinet("mixed", 1, parts=[PartCount("ascend-910c", 2), PartCount("ascend-950dt", 3)])
    m = evaluate(Design("d", mixed)).totals()
    assert m["fp8_pflops"] == 3.0
    assert m.unsupported_chips == {"fp8": 2, "fp4": 2, "bf16": 0}
    assert m.supported("fp8")
    only_910c = evaluate(Design("d", Cabinet("c", 1, parts=[PartCount("ascend-910c", 2)]))).totals()
    assert not only_910c.supported("fp8")


def test_a_row_layout_sets_the_floor_area():
    design = small_pod()
    design.root.cabinets[0].count = 10  # type: ignore[union-attr]
    design.floor = FloorLayout(cabinets_per_row=8, cabinet_width_m=0.6, cabinet_depth_m=1.2, aisle_m=1.2)
    m = evaluate(design).totals()
    # 2 x 10 = 20 cabinets in rows of 8: 3 rows of 4.8 m, each 1.2 m deep plus a 1.2 m aisle
    assert m["floor_area_m2"] == pytest.approx(3 * 4.8 * 2.4)
    assert m["footprint_area_m2"] == 40.0
    assert "floor_area_m2" not in m.estimated


def test_a_lone_cabinet_is_its_own_scale_up_domain():
    assert evaluate(presets.load("h100-8gpu-server")).totals()["scaleup_domain_chips"] == 8


def test_empty_designs_evaluate_to_zero_without_dividing_by_zero():
    m = evaluate(Design("empty", Cluster("c", 1, []))).totals()
    assert m["chips"] == 0 and m["it_power_kw"] == 0
    assert m.as_dict()["fp8_tflops_per_w"] is None


def test_totals_past_exact_float_counting_are_refused():
    cabinet = Cabinet("c", 10**9, parts=[PartCount("optic-800g", 10**9)])
    with pytest.raises(DesignError, match="more than can be counted exactly"):
        evaluate(Design("huge", Cluster("c", 1, [Supernode("s", 10**9, [cabinet])])))


def test_an_invalid_design_is_refused_with_its_problems():
    with pytest.raises(DesignError, match="unknown part id 'ascend-990'"):
        evaluate(Design("d", Cabinet("c", 1, parts=[PartCount("ascend-990", 1)])))


def assert_matches_reference(design: Design, catalog) -> None:
    evaluation = evaluate(design, catalog)
    expected = reference_evaluate(design, catalog)
    for path, (row, estimated) in expected.items():
        got, flags = evaluation.row(path)
        for name in columns.NAMES:
            assert got[columns.COL[name]] == pytest.approx(row.get(name, 0.0), rel=1e-9, abs=1e-12), (
                path,
                name,
            )
        assert columns.flagged(flags) == estimated, path
    root = np.array([expected[()][0].get(n, 0.0) for n in columns.NAMES])
    whole = columns.scale(root, design.root.count)
    cabinets = round(whole[columns.COL["cabinets"]])
    area = None if design.floor is None else design.floor.area_m2(cabinets)
    want = results_from_row(whole, evaluation.row(())[1], design.pue, area)
    got = evaluation.totals()
    for key, value in want.as_dict().items():
        assert got.as_dict()[key] == (
            pytest.approx(value, rel=1e-9) if isinstance(value, float) else value
        ), key


def test_every_preset_matches_the_reference(preset_name, catalog):
    assert_matches_reference(presets.load(preset_name), catalog)


def test_hand_made_designs_match_the_reference(catalog):
    assert_matches_reference(small_pod(), catalog)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_random_designs_match_the_reference(design):
    from ascend_tui.model.catalog import load_catalog

    assert_matches_reference(design, load_catalog())


def test_changing_a_count_in_place_equals_repacking(catalog):
    design = presets.load("atlas-950-supercluster")
    parts, _ = resolve_parts(design, catalog)
    packed = pack(design, parts, catalog)
    for path, count in [((0,), 17), ((0, 1), 5), ((0, 0, 0), 32)]:
        packed.set_count(path, count)
        node_at(design, path).count = count  # type: ignore[union-attr]
    changed = run(packed).totals()
    assert changed == evaluate(copy.deepcopy(design), catalog).totals()
    assert changed["chips"] == 17 * 128 * 32


KERNEL_PROBE = """
import json, sys
import numba.core.caching as caching

tried = []
if sys.argv[1] == "unwritable":
    # Every cache folder Numba tries (NUMBA_CACHE_DIR, the package's __pycache__, the user's
    # cache) is refused, as a read-only file system would: the tests run as root, so file modes
    # cannot make a folder unwritable.
    def refuse(locator):
        tried.append(type(locator).__name__)
        raise PermissionError(13, "Permission denied", locator.get_cache_path())

    caching._CacheLocator.ensure_cache_path = refuse

from ascend_tui.engine import kernels
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model import presets

chips = evaluate(presets.load("gb200-nvl72")).totals()["chips"]
print(json.dumps({"tried": tried, "cache": type(kernels.accumulate._cache).__name__, "chips": chips}))
"""


@pytest.mark.parametrize(("cache", "expected"), [("writable", "FunctionCache"), ("unwritable", "NullCache")])
def test_kernels_compile_uncached_when_no_cache_folder_can_be_written(tmp_path, cache, expected):
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "cache")}
    env.pop("NUMBA_DISABLE_JIT", None)  # the fallback is about compiling
    result = subprocess.run(
        [sys.executable, "-c", KERNEL_PROBE, cache], capture_output=True, text=True, env=env
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout)
    assert (probe["cache"], probe["chips"]) == (expected, 72)
    if cache == "unwritable":  # every locator was asked and refused: the fallback was reached
        assert {"UserProvidedCacheLocator", "InTreeCacheLocator"} <= {
            name.lstrip("_") for name in probe["tried"]
        }
