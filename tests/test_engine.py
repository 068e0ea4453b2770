"""The evaluator: hand-computed answers, agreement with the reference, the compiled kernels and the
plain-Python ones, count edits that equal full runs, refusals."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from ascend_tui.engine import kernels
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.live import Job, LiveEvaluator
from ascend_tui.model import presets
from ascend_tui.model.design import Block, Design, FloorLayout, PartCount, replace_at
from ascend_tui.model.metrics import BY_KEY
from ascend_tui.model.problems import DesignError
from tests.reference import reference_metrics, reference_rows, reference_totals, scaled
from tests.strategies import designs


def small_pod() -> Design:
    cabinet = Block(
        "cabinet",
        "c",
        3,
        cooling="air",
        footprint_m2=2.0,
        power_overhead=0.5,
        parts=(PartCount("ascend-950dt", 4), PartCount("kunpeng-920", 1)),
    )
    return Design("small", Block("supernode", "s", 2, scaleup=True, blocks=(cabinet,)), pue=1.5)


def test_a_small_pod_by_hand():
    m = evaluate(small_pod()).totals()
    # per cabinet: 4 x 700 W + 180 W = 2,980 W, plus 50% overhead = 4,470 W; 2 x 3 cabinets
    assert (m["chips"], m["cpus"], m["cabinets"], m["supernodes"]) == (24, 6, 6, 2)
    assert (m["scaleup_domains"], m["scaleup_domain_chips"]) == (2, 12)
    assert m["fp8_pflops"] == 24.0
    assert m["fp4_pflops"] == 48.0
    assert m["bf16_pflops"] == 12.0
    assert m["hbm_capacity_tb"] == pytest.approx(3.456)
    assert m["hbm_capacity_tb_binary"] == pytest.approx(3456 / 1024)
    assert m["hbm_bandwidth_tbps"] == 96.0
    assert m["scaleup_bandwidth_tbps"] == 48.0
    assert m["scaleup_domain_bandwidth_tbps"] == 24.0
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
    # The 950DT's power estimate runs 500-900 W and the Kunpeng's 150-195 W: the IT power's range.
    low, high = m.range("it_power_kw")  # type: ignore[misc]
    assert low == pytest.approx(6 * 1.5 * (4 * 500 + 150) / 1000)
    assert high == pytest.approx(6 * 1.5 * (4 * 900 + 195) / 1000)


def test_node_results_per_instance_and_in_the_design():
    evaluation = evaluate(small_pod())
    cabinet = evaluation.node((0,))
    assert (cabinet["chips"], cabinet["it_power_kw"]) == (4, pytest.approx(4.47))
    assert evaluation.node((0,), all_instances=True)["chips"] == 24
    chips = evaluation.node((0, 0))
    assert (chips["chips"], chips["accelerator_power_kw"]) == (4, pytest.approx(2.8))
    assert evaluation.node((0, 0), all_instances=True)["chips"] == 24


def test_a_cabinet_over_its_cooling_limit_is_counted_and_named():
    cool = Block("cabinet", "cool", 7, cooling="liquid", parts=(PartCount("nvidia-h100-sxm", 80),))  # 56 kW
    hot = Block("cabinet", "hot", 5, cooling="air", parts=(PartCount("nvidia-h100-sxm", 60),))  # 42 kW
    evaluation = evaluate(Design("d", Block("supernode", "s", scaleup=True, blocks=(cool, hot))))
    m = evaluation.totals()
    assert m["cabinets_over_cooling_limit"] == 5
    assert m["cabinet_power_max_kw"] == pytest.approx(56.0)
    assert evaluation.cabinets_over_limit() == [(1,)]
    assert evaluation.hottest_cabinet() == (0,)


def test_a_cabinet_over_its_stated_power_capacity_is_counted():
    rack = Block(
        "cabinet", "r", 3, scaleup=True, power_capacity_kw=50.0, parts=(PartCount("nvidia-h100-sxm", 80),)
    )
    m = evaluate(Design("d", rack)).totals()
    assert (m["power_capacity_kw"], m["cabinets_over_power_capacity"]) == (150.0, 3)


def test_chips_without_a_precision_contribute_nothing_and_are_counted():
    mixed = Block(
        "server", "mixed", scaleup=True, parts=(PartCount("ascend-910c", 2), PartCount("ascend-950dt", 3))
    )
    m = evaluate(Design("d", mixed)).totals()
    assert m["fp8_pflops"] == 3.0
    assert m.unsupported_chips == {"fp8": 2, "fp4": 2, "bf16": 0}
    assert m.supported("fp8")
    only_910c = Block("server", "s", scaleup=True, parts=(PartCount("ascend-910c", 2),))
    assert not evaluate(Design("d", only_910c)).totals().supported("fp8")


def test_a_row_layout_sets_the_floor_area():
    design = small_pod()
    design = replace_at(design, (0,), lambda n: replace(n, count=10))
    design = replace(
        design, floor=FloorLayout(cabinets_per_row=8, cabinet_width_m=0.6, cabinet_depth_m=1.2, aisle_m=1.2)
    )
    m = evaluate(design).totals()
    # 2 x 10 = 20 cabinets in rows of 8: 3 rows of 4.8 m, each 1.2 m deep plus a 1.2 m aisle
    assert m["floor_area_m2"] == pytest.approx(3 * 4.8 * 2.4)
    assert m["footprint_area_m2"] == 40.0
    assert "floor_area_m2" not in m.estimated


def test_empty_designs_evaluate_to_zero_without_dividing_by_zero():
    m = evaluate(Design("empty", Block("cluster", "c"))).totals()
    assert m["chips"] == 0 and m["it_power_kw"] == 0
    assert m.as_dict()["fp8_tflops_per_w"] is None


def test_totals_past_exact_float_counting_are_refused():
    rack = Block("cabinet", "c", 10**9, parts=(PartCount("optic-800g", 10**9),))
    with pytest.raises(DesignError, match="more than can be counted exactly"):
        evaluate(Design("huge", Block("cluster", "c", 1, blocks=(Block("pod", "p", 10**9, blocks=(rack,)),))))


def test_an_invalid_design_is_refused_with_its_problems():
    with pytest.raises(DesignError, match="unknown part id 'ascend-990'"):
        evaluate(Design("d", Block("server", "s", scaleup=True, parts=(PartCount("ascend-990", 1),))))


def assert_matches_reference(design: Design, catalog) -> None:  # type: ignore[no-untyped-def]
    evaluation = evaluate(design, catalog)
    totals = evaluation.totals()
    planes = {plane: reference_totals(design, catalog, plane) for plane in ("value", "low", "high")}
    for plane in ("value", "low", "high"):
        want = planes[plane]
        if plane != "value":  # a range is the least and the most of the three evaluations
            pick = min if plane == "low" else max
            want = {key: pick(planes[p][key] for p in planes) for key in want}
        for key, value in want.items():
            got = {"value": totals.values, "low": totals.low, "high": totals.high}[plane].get(
                key, totals[key]
            )
            if (
                plane != "value"
                and key in totals.values
                and totals.range(key) is None
                and key not in totals.low
            ):
                got = totals[key]
            if plane != "value" and BY_KEY[key].unit.whole:
                continue  # counts (of cabinets over a limit, say) are taken at the value, without ranges
            if math.isnan(value):
                assert math.isnan(got), (plane, key)
            elif plane == "value" or not _is_ratio(key):
                assert got == pytest.approx(value, rel=1e-9, abs=1e-6), (plane, key)  # a milliwatt
    rows = reference_rows(design, catalog)
    for path, row in rows.items():  # every node, one instance
        if path:
            node = evaluation.node(path)
            want = reference_metrics(scaled(row, 1), design, catalog)
            for key in (
                "chips",
                "fp8_pflops",
                "it_power_kw",
                "cabinets",
                "scaleup_domains",
                "footprint_area_m2",
            ):
                assert node[key] == pytest.approx(want[key], rel=1e-9, abs=1e-9), (path, key)


def _is_ratio(key: str) -> bool:
    """Ratios' ranges mix the planes (low numerator over high denominator); the reference's planes
    are whole evaluations, so only sums are compared plane by plane."""
    return BY_KEY[key].formula.denominator is not None


def test_every_preset_matches_the_reference(preset_name, catalog):
    assert_matches_reference(presets.load(preset_name), catalog)


def test_hand_made_designs_match_the_reference(catalog):
    assert_matches_reference(small_pod(), catalog)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_random_designs_match_the_reference(design):
    from ascend_tui.model.catalog import load_catalog

    assert_matches_reference(design, load_catalog())


def _outputs(evaluation):  # type: ignore[no-untyped-def]
    return evaluation.rows.copy(), evaluation.flags.copy(), evaluation.fabric_out.copy()


@pytest.mark.parametrize("name", ["atlas-960-supercluster", "cloudmatrix-384", "gb200-nvl72-cluster"])
def test_the_compiled_kernel_gives_what_the_plain_python_one_gives_to_the_last_bit(name, catalog):
    from ascend_tui.engine.pack import pack
    from ascend_tui.model.validate import resolve_parts

    design = presets.load(name, catalog)
    packed = pack(design, resolve_parts(design, catalog)[0], catalog)
    runs = []
    for version in (kernels.accumulate.python, kernels.accumulate.compiled):
        rows = np.zeros((packed.rows, kernels.row_width(len(packed.parts))))
        flags = np.zeros(packed.rows, dtype=np.int64)
        fabric_out = np.zeros((len(packed.fabrics), len(kernels.FABRIC_OUTPUTS)))
        version(*packed.tree_inputs(), rows, flags, fabric_out)
        runs.append((rows, flags, fabric_out))
    for a, b in zip(*runs, strict=True):
        assert np.array_equal(a, b)


def test_count_edits_give_bit_for_bit_what_a_full_run_gives(catalog):
    design = presets.load("atlas-950-supercluster", catalog)
    live = LiveEvaluator(catalog)
    version = 0
    live.run(Job(version, design))
    for path, count in [((0,), 17), ((0, 0), 129), ((0, 0, 0), 48), ((0, 0, 1), 16), ((0,), 64)]:
        design = replace_at(design, path, lambda n, c=count: replace(n, count=c))  # type: ignore[misc]
        version += 1
        incremental = live.run(Job(version, design, path, count))
        rows, flags, fabric_out = _outputs(incremental)
        full = evaluate(design, catalog)
        assert np.array_equal(rows, full.rows) and np.array_equal(flags, full.flags)
        assert np.array_equal(fabric_out, full.fabric_out)
        assert incremental.totals().values == full.totals().values
    assert incremental.totals()["chips"] == 64 * 129 * 48


def test_a_count_edit_out_of_order_packs_afresh_and_stays_right(catalog):
    design = presets.load("atlas-950-supercluster", catalog)
    live = LiveEvaluator(catalog)
    live.run(Job(0, design))
    changed = replace_at(design, (0,), lambda n: replace(n, count=3))
    # A job whose design is two edits on from what the arrays hold cannot be applied in place.
    result = live.run(Job(2, changed, (0,), 3))
    assert result.totals()["chips"] == 3 * 8192


def many_children() -> Design:
    """A cluster of 300 pods (three groups of kernels.GROUP): one of 200 cabinets (two groups),
    one of a cabinet of 150 servers and parts of its own (two groups), the rest of two or three
    cabinets; figures with decimals, so that the order of adding shows."""
    import random

    rng = random.Random(13)
    chips = ["ascend-950dt", "ascend-910c", "nvidia-b200"]
    others = ["kunpeng-920", "nic-400g", "nvidia-grace"]

    def cabinet(name: str) -> Block:
        return Block(
            "cabinet",
            name,
            rng.randint(1, 3),
            scaleup=True,
            role=rng.choice(["compute", "network"]),
            cooling=rng.choice(["air", "liquid"]),
            footprint_m2=round(rng.uniform(1, 10), 2),
            power_overhead=round(rng.uniform(0, 0.3), 2),
            parts=(PartCount(rng.choice(chips), rng.randint(8, 96)), PartCount(rng.choice(others), 3)),
        )

    def server(name: str) -> Block:
        parts = (PartCount(rng.choice(chips), rng.randint(1, 8)),)
        return Block("server", name, rng.randint(1, 2), parts=parts)

    pods = [
        Block("pod", f"pod {p}", rng.randint(1, 4), blocks=tuple(cabinet(f"c{p}-{c}") for c in range(n)))
        for p, n in enumerate([200] + [rng.randint(2, 3) for _ in range(299)])
    ]
    rack = replace(cabinet("rack"), blocks=tuple(server(f"s{s}") for s in range(150)))
    pods[1] = replace(pods[1], blocks=(rack,))
    return Design("many children", Block("cluster", "many", blocks=tuple(pods)))


def test_a_block_of_many_children_adds_them_in_groups_and_matches_the_reference(catalog):
    from ascend_tui.engine.pack import pack
    from ascend_tui.model.validate import resolve_parts

    design = many_children()
    packed = pack(design, resolve_parts(design, catalog)[0], catalog)
    assert kernels.GROUP == 128
    grouped = packed.groups[packed.groups >= 0]
    # the blocks' 302 rows, then the two groups of the pod of 200 and of the rack, the cluster's three
    assert (len(packed.groups), grouped.tolist(), packed.rows) == (302, [302, 304, 306], 309)
    assert_matches_reference(design, catalog)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_count_edit_under_many_children_redoes_one_group_and_gives_a_full_runs_bits(compiled, catalog):
    from ascend_tui.engine.pack import pack
    from ascend_tui.model.validate import resolve_parts

    accumulate = kernels.accumulate.compiled if compiled else kernels.accumulate.python
    recompute = kernels.recompute.compiled if compiled else kernels.recompute.python

    def full(design: Design):  # type: ignore[no-untyped-def]
        packed = pack(design, resolve_parts(design, catalog)[0], catalog)
        rows = np.zeros((packed.rows, kernels.row_width(len(packed.parts))))
        flags = np.zeros(packed.rows, dtype=np.int64)
        fabric_out = np.zeros((len(packed.fabrics), len(kernels.FABRIC_OUTPUTS)))
        accumulate(*packed.tree_inputs(), rows, flags, fabric_out)
        return packed, rows, flags, fabric_out

    design = many_children()
    packed, rows, flags, fabric_out = full(design)
    root_slot = packed.slot[packed.root]
    edits = [
        ((150, 1), 3),  # a cabinet of a pod in the cluster's second group
        ((0, 170, 0), 61),  # a part entry of a cabinet in the big pod's second group
        ((299,), 7),  # the last pod, in the cluster's last (partly filled) group
        ((0, 5), 2),  # a cabinet in the big pod's first group
        ((1, 0, 140, 0), 5),  # a part entry of a server in the rack's second group
        ((1, 0, 150), 9),  # the rack's own part entry: no group changes
        ((), 2),  # the cluster's own count
    ]
    for path, count in edits:
        design = replace_at(design, path, lambda n, c=count: replace(n, count=c))  # type: ignore[misc]
        blocks, via = packed.set_count(path, count)
        recompute(*packed.tree_inputs(), rows, flags, fabric_out, blocks, via)
        _, *fresh = full(design)
        for mine, theirs in zip((rows, flags, fabric_out), fresh, strict=True):
            assert np.array_equal(mine, theirs), path
    assert np.isfinite(rows[root_slot]).all()
    # Only the group the change is in is added up again: rows of the cluster's other groups'
    # pods, spoilt here, are not read; then the cluster's row stays what a full run gives.
    first_group = [int(packed.slot[int(b)]) for b in packed.kids[packed.kid_start[packed.root] :][:128]]
    rows[first_group] = np.nan
    design = replace_at(design, (150, 0), lambda n: replace(n, count=2))
    blocks, via = packed.set_count((150, 0), 2)
    recompute(*packed.tree_inputs(), rows, flags, fabric_out, blocks, via)
    _, fresh_rows, *_ = full(design)
    assert np.array_equal(rows[root_slot], fresh_rows[root_slot])


def test_count_edits_under_many_children_through_the_live_evaluator(catalog):
    design = many_children()
    live = LiveEvaluator(catalog)
    live.run(Job(0, design))
    for version, (path, count) in enumerate([((150, 1), 3), ((0, 170, 0), 61), ((299,), 7)], start=1):
        design = replace_at(design, path, lambda n, c=count: replace(n, count=c))  # type: ignore[misc]
        incremental = live.run(Job(version, design, path, count))
        full = evaluate(design, catalog)
        assert np.array_equal(incremental.rows, full.rows), path
        assert incremental.totals().values == full.totals().values


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
from ascend_tui.engine.jit import compile_all
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model import presets

compile_all(kernels.accumulate)
chips = evaluate(presets.load("gb200-nvl72")).totals()["chips"]
cache = type(kernels.accumulate.compiled._cache).__name__
print(json.dumps({"tried": tried, "cache": cache, "chips": chips}))
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


def test_small_designs_evaluate_without_importing_numba():
    import subprocess
    import sys

    probe = (
        "import sys\nfrom ascend_tui.engine.evaluate import evaluate\nfrom ascend_tui.model import presets\n"
        "evaluate(presets.load('cloudmatrix-384')).totals()\nprint('numba' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
