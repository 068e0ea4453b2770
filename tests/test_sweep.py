"""Sweeps: every variant the batched kernel evaluates equals evaluating the variant's design; the
front is the brute-force front; specs with mistakes are refused with where and what."""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascend_tui.cli import main
from ascend_tui.engine import kernels as k
from ascend_tui.engine.evaluate import evaluate
from ascend_tui.engine.planning import check_targets
from ascend_tui.engine.sweep import evaluate_variants, front_of, plan_sweep, prepare, run_sweep
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import FloorLayout, replace_at
from ascend_tui.model.problems import DesignError
from ascend_tui.model.sweep import Axis, Placed, load_spec, parse_spec, place, variant_design
from ascend_tui.model.validate import resolve_parts

EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "sweep-atlas-950-superpod.toml"

# Every kind of axis, on a SuperPoD (a scale-up fabric) and on a cluster (a scale-out network).
SUPERPOD = """
sweep = 1
design = "atlas-950-superpod"
[objectives]
fp8_pflops = "max"
tco_usd = "min"
floor_area_m2 = "min"
[limits]
max_it_power_kw = 12000.0
min_fp8_ef = 2.0
[[vary]]
block = "compute"
set = "count"
values = [32, 128, 200]
[[vary]]
block = "compute"
set = "parts.kunpeng-920"
values = [16, 64]
[[vary]]
block = "Atlas 950 SuperPoD"
set = "scaleup_fabric.planes"
values = [10, 20]
[[vary]]
swap = "ascend-950dt"
values = ["ascend-950dt", "ascend-960"]
[[vary]]
block = "compute"
set = "price_usd"
values = [20000.0, 90000.0]
[[vary]]
block = "compute"
set = "power_overhead"
values = [0.05, 0.2]
[[vary]]
set = "facility.electricity_usd_per_kwh"
values = [0.05, 0.12]
"""
CLUSTER = """
sweep = 1
design = "gb200-nvl72-cluster"
[objectives]
bisection_bandwidth_tbps = "max"
capex_usd = "min"
[[vary]]
block = "GB200 NVL72"
set = "count"
from = 4
to = 40
step = 12
[[vary]]
block = "GB200 NVL72 cluster"
set = "scaleout_fabric.planes"
values = [1, 2]
[[vary]]
block = "GB200 NVL72"
set = "footprint_m2"
values = [1.2, 2.5]
[[vary]]
set = "facility.utilisation"
values = [0.5, 0.9]
"""


def same(a: float, b: float) -> bool:
    return a == b or (math.isnan(a) and math.isnan(b))


def check_every_variant(text: str, floor: FloorLayout | None = None) -> int:
    """Evaluate every variant one by one and compare with the batched kernel, as Python and
    compiled; returns how many variants are feasible."""
    catalog = load_catalog()
    spec = parse_spec(tomllib.loads(text))
    design = replace(presets.load(spec.design, catalog), floor=floor)
    plan = prepare(spec, design, catalog)
    placed = place(spec, design, resolve_parts(design, catalog)[0])
    n = plan.variants
    python = np.zeros((n, plan.columns)), np.zeros(n, dtype=np.int64)
    compiled = np.zeros((n, plan.columns)), np.zeros(n, dtype=np.int64)
    k.sweep.python(*plan.args, 0, 1, *python)
    k.sweep.compiled(*plan.args, 0, 2, *compiled)  # two threads, each from its own start
    assert np.array_equal(python[0], compiled[0], equal_nan=True)
    assert np.array_equal(python[1], compiled[1])
    values, feasible = python
    for i in range(n):
        variant = replace(variant_design(spec, design, placed, i), targets=dict(spec.limits))
        evaluation = evaluate(variant, catalog)
        totals = evaluation.totals()
        for m, key in enumerate(plan.metrics):
            assert same(values[i, m], totals[key]), (i, plan.parameters(i), key, values[i, m], totals[key])
        connects = all(fabric.derived["feasible"] for fabric in evaluation.fabrics())
        meets = all(check.met for check in check_targets(evaluation, variant)) and connects
        assert feasible[i] == meets, (i, plan.parameters(i))
    return int(feasible.sum())


def test_every_variant_of_a_superpod_sweep_equals_evaluating_its_design():
    feasible = check_every_variant(SUPERPOD)
    assert 0 < feasible < 192  # the limits keep some and refuse others


def test_every_variant_of_a_cluster_sweep_with_a_row_layout_equals_evaluating_its_design():
    check_every_variant(CLUSTER, floor=FloorLayout(cabinets_per_row=6))


def test_a_count_sweep_from_an_evaluation_equals_evaluating_each_count():
    design = presets.load("atlas-950-supercluster")
    evaluation = evaluate(design)
    counts = (1.0, 32.0, 64.0, 100.0)
    keys = ("fp8_pflops", "it_power_kw", "floor_area_m2", "tco_usd", "fp8_tflops_per_w")
    placed = [Placed(Axis("count", "pod", "count", counts), (0,))]
    values, feasible = evaluate_variants(plan_sweep(evaluation, placed, keys), 0, len(counts))
    for count, row in zip(counts, values, strict=True):
        changed = replace_at(design, (0,), lambda n, c=count: replace(n, count=int(c)))  # type: ignore[misc]
        totals = evaluate(changed).totals()
        assert row.tolist() == [totals[key] for key in keys]
    # 100 SuperPoDs have 819,200 NPU ports; 3 tiers of 128-port switches connect 524,288
    assert feasible.tolist() == [1, 1, 1, 0]
    assert evaluation.totals()["chips"] == 524288  # the sweep left the evaluation as it was


def brute_front(objectives: np.ndarray, signs: np.ndarray) -> list[int]:
    """Rows no other row dominates; of equal rows, the first."""
    keyed = objectives * signs
    out = []
    for i, row in enumerate(keyed):
        beaten = any(
            (np.all(other <= row) and np.any(other < row)) or (np.array_equal(other, row) and j < i)
            for j, other in enumerate(keyed)
            if j != i
        )
        if not beaten:
            out.append(i)
    return out


@settings(max_examples=60, deadline=None)
@given(
    st.integers(2, 3).flatmap(
        lambda k: st.lists(st.lists(st.integers(0, 6), min_size=k, max_size=k), min_size=1, max_size=40)
    ),
    st.lists(st.sampled_from([1.0, -1.0]), min_size=3, max_size=3),
)
def test_the_front_is_the_brute_force_front(rows, signs):
    objectives = np.array(rows, dtype=np.float64)
    s = np.array(signs[: objectives.shape[1]])
    variants = np.arange(len(rows), dtype=np.int64) * 3 + 5
    front, values = front_of(variants, objectives, s)
    want = brute_front(objectives, s)
    assert sorted(front.tolist()) == [int(variants[i]) for i in want]
    assert np.array_equal(values, objectives[(front - 5) // 3])


def test_chunks_reduce_to_the_same_front_as_one_run():
    catalog = load_catalog()
    spec = parse_spec(tomllib.loads(SUPERPOD))
    plan = prepare(spec, presets.load(spec.design, catalog), catalog)
    whole = run_sweep(plan)
    chunked = run_sweep(plan, chunk=7)
    assert (whole.tried, whole.feasible) == (chunked.tried, chunked.feasible) == (192, whole.feasible)
    assert whole.front == chunked.front
    values, feasible = evaluate_variants(plan, 0, plan.variants)
    ok = feasible == 1
    signs = np.array([-1.0, 1.0, 1.0])
    want = brute_front(values[ok][:, :3], signs)
    assert sorted(p.variant for p in whole.front) == sorted(int(np.flatnonzero(ok)[i]) for i in want)


def test_the_example_spec_sweeps_over_100000_variants():
    spec = load_spec(EXAMPLE)
    assert spec.variants >= 100_000
    catalog = load_catalog()
    plan = prepare(spec, presets.load(spec.design_path(), catalog), catalog)
    result = run_sweep(plan)
    assert result.tried == spec.variants and 0 < result.feasible < result.tried
    best = result.front[0]  # the most FP8 within 15 MW and 1,200 m²
    design = presets.load(spec.design, catalog)
    placed = place(spec, design, resolve_parts(design, catalog)[0])
    totals = evaluate(variant_design(spec, design, placed, best.variant), catalog).totals()
    assert best.objectives == {"fp8_pflops": totals["fp8_pflops"], "tco_usd": totals["tco_usd"]}
    assert totals["it_power_kw"] <= 15000.0 and totals["floor_area_m2"] <= 1200.0
    for point in result.front:  # no variant on the front has a fabric that cannot connect
        variant = evaluate(variant_design(spec, design, placed, point.variant), catalog)
        assert all(fabric.derived["feasible"] for fabric in variant.fabrics()), point.parameters
    fp8 = [p.objectives["fp8_pflops"] for p in result.front]
    tco = [p.objectives["tco_usd"] for p in result.front]
    assert fp8 == sorted(fp8, reverse=True) and tco == sorted(tco, reverse=True)  # each costs more


def test_cli_sweep_json_csv_and_table(tmp_path, capsys):
    spec = tmp_path / "spec.toml"
    spec.write_text(SUPERPOD)
    assert main(["sweep", str(spec), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {"tried", "feasible", "front", "schema", "catalog_version"} <= set(data)
    assert data["tried"] == 192 and data["on_front"] == len(data["front"]) > 1
    assert data["limits"] == {"max_it_power_kw": 12000.0, "min_fp8_ef": 2.0}
    point = data["front"][0]
    assert set(point) == {"variant", "parameters", "objectives"}
    assert point["parameters"]["compute.count"] in (32, 128, 200)
    assert point["parameters"]["swap ascend-950dt"] in ("ascend-950dt", "ascend-960")
    assert set(point["objectives"]) == {"fp8_pflops", "tco_usd", "floor_area_m2"}
    assert main(["sweep", str(spec), "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("variant,compute.count,") and lines[0].endswith(
        ",fp8_pflops,tco_usd,floor_area_m2"
    )
    assert len(lines) == len(data["front"]) + 1
    assert main(["sweep", str(spec)]) == 0
    table = " ".join(capsys.readouterr().out.split())
    assert "192 variants tried" in table
    assert "compute count" in table and "compute.count" not in table  # headed for people, as in the app


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("sweep = 2", "a sweep spec starts with `sweep = 1`"),
        ('[objectives]\nfp8_pflops = "max"', "give two or three metrics to trade"),
        ('[objectives]\nfp8_pflops = "most"\nchips = "min"', 'must be "max" or "min"'),
        (
            '[objectives]\nfp9_pflops = "max"\nchips = "min"',
            "unknown metric 'fp9_pflops'; did you mean 'fp8_pflops'",
        ),
        ("[limits]\nmax_power = 3.0", "unknown target 'max_power'"),
        ('[[vary]]\nblock = "compute"\nset = "colour"\nvalues = [1]', "cannot vary 'colour'"),
        ('[[vary]]\nblock = "compute"\nset = "count"\nvalues = [0, 2]', "count must be at least 1"),
        ('[[vary]]\nblock = "compute"\nset = "count"\nvalues = [2.5]', "must be a whole number, got 2.5"),
        ('[[vary]]\nblock = "compute"\nset = "count"\nfrom = 8\nto = 1\nstep = 1', "`to` at least `from`"),
        ('[[vary]]\nset = "facility.utilisation"\nvalues = [1.5]', "utilisation must be between 0.01 and 1"),
        ('[[vary]]\nblock = "compute"\nset = "scaleup_fabric.switch"\nvalues = [1]', "cannot vary"),
        ('[[vary]]\nswap = "ascend-950dt"\nvalues = "ascend-960"', "takes `values`, a list of part ids"),
    ],
)
def test_spec_mistakes_are_refused_saying_where(change, message):
    base = {
        "sweep = 1": "sweep = 1",
        "objectives": '[objectives]\nfp8_pflops = "max"\ncapex_usd = "min"',
        "vary": '[[vary]]\nblock = "compute"\nset = "count"\nvalues = [1, 2]',
    }
    head = change if change.startswith("sweep") else base["sweep = 1"]
    objectives = change if change.startswith("[objectives]") else base["objectives"]
    rest = change if change.startswith(("[limits]", "[[vary]]")) else base["vary"]
    text = f'{head}\ndesign = "atlas-950-superpod"\n{objectives}\n{rest}\n'
    with pytest.raises(DesignError) as error:
        parse_spec(tomllib.loads(text), "spec.toml")
    assert message in str(error.value)
    assert "spec.toml" in str(error.value)


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        ('block = "nowhere"\nset = "count"\nvalues = [1]', "'nowhere' names no block"),
        ('block = "compute"\nset = "parts.nvidia-b200"\nvalues = [1]', "holds no 'nvidia-b200'"),
        ('swap = "ascend-950dt"\nvalues = ["kunpeng-920"]', "already in the design"),
        ('swap = "ascend-950dt"\nvalues = ["nvidia-qm9700"]', "is a switch, not a accelerator"),
        ('swap = "ascend-950dt"\nvalues = ["ascend-95O"]', "unknown part 'ascend-95O'"),
        (
            'block = "Atlas 950 SuperPoD"\nset = "scaleup_fabric.planes"\nvalues = [3]',
            "whole multiple of `planes`",
        ),
        ('block = "compute"\nset = "scaleout_fabric.planes"\nvalues = [2]', "states no scaleout_fabric"),
    ],
)
def test_axes_the_design_cannot_take_are_refused(vary, message):
    head = 'sweep = 1\ndesign = "atlas-950-superpod"\n[objectives]\nfp8_pflops = "max"\ncapex_usd = "min"\n'
    text = f"{head}[[vary]]\n{vary}\n"
    spec = parse_spec(tomllib.loads(text))
    with pytest.raises(DesignError) as error:
        prepare(spec, presets.load(spec.design))
    assert message in str(error.value)


def test_a_bad_spec_file_exits_2_with_its_line(tmp_path, capsys):
    spec = tmp_path / "bad.toml"
    spec.write_text('sweep = 1\ndesign = "atlas-950-superpod"\n[objectives\n')
    assert main(["sweep", str(spec)]) == 2
    assert "bad.toml:3" in capsys.readouterr().err


def test_a_sweep_on_two_dask_workers_gives_the_same_front():
    pytest.importorskip("dask.distributed")
    from ascend_tui.engine.sweep import dask_client

    catalog = load_catalog()
    spec = parse_spec(tomllib.loads(SUPERPOD))
    plan = prepare(spec, presets.load(spec.design, catalog), catalog)
    here = run_sweep(plan)
    with dask_client(workers=2) as client:
        assert len(client.scheduler_info()["workers"]) == 2
        there = run_sweep(plan, client, chunk=50)  # four tasks
    assert (there.tried, there.feasible, there.front) == (here.tried, here.feasible, here.front)
