"""Sweeps: evaluate every variant of a design that a sweep spec describes, with one batched kernel
(kernels.sweep), and keep those that meet the limits and that no other beats on every objective
(the Pareto front).

The kernel works on the packed arrays of the design the sweep starts from: each variant writes
its axes' values into them and recomputes only the rows those values reach, with the same
helpers as a full run, so its figures are bit for bit those of evaluating the variant's design
(tests/test_sweep.py checks every variant of a small sweep). Variants are numbered like the
digits of a number (model/sweep.py); a sweep runs in chunks of consecutive numbers, each
reduced to its own front, and the fronts of the chunks reduce to the sweep's. Chunks can run on
a Dask cluster (`run_sweep(..., client=...)`); by default they run here, one after another, each
spread over Numba's threads.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np

from ascend_tui.engine import kernels as k
from ascend_tui.engine import results as r
from ascend_tui.engine.evaluate import COUNTED, Evaluation, run
from ascend_tui.engine.pack import Floats, Ints, pack, part_info
from ascend_tui.engine.sums import WEIGHT_OF, PartMatrix
from ascend_tui.model.catalog import Catalog, Part, load_catalog
from ascend_tui.model.design import Design
from ascend_tui.model.metrics import TARGETS, UNBUILDABLE
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.sweep import WHOLE, Axis, Placed, SweepSpec, apply_value, place
from ascend_tui.model.text import quoted
from ascend_tui.model.validate import check_design, resolve_parts

CHUNK = 1 << 20  # variants per chunk: a few MB of figures at a time
AXIS_KINDS = {
    "count": k.AXIS_COUNT,
    "part": k.AXIS_PART,
    "property": k.AXIS_PROPERTY,
    "fabric": k.AXIS_FABRIC,
    "facility": k.AXIS_FACILITY,
    "swap": k.AXIS_SWAP,
}
# A block property: the first column of kernels.BLOCK_PROPS it sets, and how many (a stated
# price is its own value, low and high).
PROPERTY_COLUMNS = {
    "footprint_m2": (k.B_FOOTPRINT, 1),
    "power_overhead": (k.B_OVERHEAD, 1),
    "price_usd": (k.B_PRICE, 3),
}
FABRIC_PARAMS = {
    "planes": k.F_PLANES,
    "links_per_chip": k.F_LINKS,
    "oversubscription": k.F_OVER1,
    "nics_per_chip": k.F_NICS_PER_CHIP,
}
# Settings the packing reads (not the chain): a sweep cannot vary them in place.
PACKED_SETTINGS = ("floor_rating_kg_per_m2",)


@dataclass
class SweepPlan:
    """Everything the kernel reads for one sweep, and how to read its output: the metrics it
    works out (the objectives first, then those the limits need) and each objective's sign (1 to
    minimise, -1 to maximise)."""

    axes: tuple[Axis, ...]
    sizes: tuple[int, ...]
    metrics: tuple[str, ...]
    objectives: tuple[tuple[str, str], ...]
    work: int  # blocks and part entries of the design: a variant's work, at most
    args: tuple[Any, ...]
    columns: int  # the kernel's metrics: `metrics`, then those it checks a variant can be built with

    @property
    def variants(self) -> int:
        return math.prod(self.sizes)

    def digits(self, index: int) -> tuple[int, ...]:
        out = []
        for size in reversed(self.sizes):
            index, d = divmod(index, size)
            out.append(d)
        return tuple(reversed(out))

    def parameters(self, index: int) -> dict[str, float | int | str]:
        """Variant `index`'s value of each axis, by the axis' label (whole numbers as ints)."""
        out: dict[str, float | int | str] = {}
        for axis, d in zip(self.axes, self.digits(index), strict=True):
            value = axis.values[d]
            whole = axis.what in ("count", "part") or axis.key.rpartition(".")[2] in WHOLE
            out[axis.label] = int(value) if whole and isinstance(value, float) else value
        return out


def plan_sweep(
    evaluation: Evaluation,
    placed: list[Placed],
    metrics: tuple[str, ...],
    objectives: tuple[tuple[str, str], ...] = (),
    limits: Mapping[str, float] | None = None,
    parts: Mapping[str, Part] | None = None,
) -> SweepPlan:
    """The kernel's arrays for varying `placed` axes from a design's evaluation, working out
    `metrics` (and those `limits` need) for each variant. `parts` resolves the parts a swap
    brings in."""
    packed = evaluation.packed
    limits = dict(limits or {})
    asked = list(dict.fromkeys([*metrics, *(TARGETS[key].metric for key in limits)]))
    wanted = asked + [key for key in UNBUILDABLE if key not in asked]  # the kernel's own, after
    index = {key: i for i, key in enumerate(wanted)}
    rows_of_metric = np.array([r._KEYS.index(key) for key in wanted], dtype=np.int64)
    num = r.FORMULAS.numerator[rows_of_metric].copy()
    den = r.FORMULAS.denominator[rows_of_metric].copy()
    quantities = {int(q) for q in (*num, *den) if q >= 0}
    counted = np.array([r.Q[name] for name in COUNTED], dtype=np.int64)
    quantities.update(int(q) for q in counted)
    chain_needed = any(q >= r.AREA + 1 for q in quantities)
    if chain_needed:
        quantities.update(int(q) for q in r.CHAIN_INPUTS)
    first_column = r.Q[r.QUANTITIES[len(r._BASE_COUNTERS)]]
    columns = len(r.QUANTITIES[first_column : r.AREA])
    needed = np.zeros(columns, dtype=np.int64)
    for q in quantities:
        if first_column <= q < r.AREA:
            needed[q - first_column] = 1

    matrix = np.ascontiguousarray(PartMatrix.of(packed.parts).value)
    kind, target, param, span, sizes = [], [], [], [], []
    values = np.zeros((len(placed), max((len(p.axis.values) for p in placed), default=1)))
    swap_info: list[Floats] = []
    swap_matrix: list[Floats] = []
    holders: set[int] = set()
    for a, p in enumerate(placed):
        axis = p.axis
        kind.append(AXIS_KINDS[axis.what])
        sizes.append(len(axis.values))
        param.append(0)
        span.append(1)
        if axis.what == "facility":
            if axis.key in PACKED_SETTINGS:
                raise DesignError(
                    [Problem(f"vary {axis.label}", "the floor rating cannot be swept; set it in the design")]
                )
            target.append(k.CHAIN_SETTINGS.index(axis.key))
            values[a, : len(axis.values)] = axis.values
            continue
        if axis.what == "swap":
            assert parts is not None, "a swap needs the parts"
            typed = [
                q for q, part in enumerate(packed.parts) if part.id == axis.key and not packed.derived[q]
            ]
            target.append(typed[0])
            for i, pid in enumerate(axis.values):
                values[a, i] = len(swap_info)
                swap_info.append(part_info(parts[str(pid)]))
                swap_matrix.append(PartMatrix.of([parts[str(pid)]]).value[0])
            continue
        assert p.path is not None
        values[a, : len(axis.values)] = axis.values
        what, i = packed.locate(p.path)
        assert what == "block"
        if axis.what == "count":
            target.append(i)
            holders.add(int(packed.parent[i]) if i != packed.root else i)
        elif axis.what == "part":
            leaves = range(int(packed.leaf_start[i]), int(packed.leaf_end[i]))
            target.append(next(j for j in leaves if packed.parts[packed.leaf_part[j]].id == axis.key))
            holders.add(i)
        elif axis.what == "property":
            column, width = PROPERTY_COLUMNS[axis.key]
            target.append(i)
            param[-1], span[-1] = column, width
            holders.add(i if packed.slot[i] >= 0 else int(packed.parent[i]))
        else:
            fabric_name, _, key = axis.key.partition(".")
            rows_here = range(int(packed.fabric_start[i]), int(packed.fabric_end[i]))
            scaleout = k.SCALEOUT_FAT_TREE
            matching = [
                f
                for f in rows_here
                if (packed.fabrics[f, k.F_KIND] == scaleout) == (fabric_name == "scaleout_fabric")
            ]
            target.append(matching[0])
            param[-1] = FABRIC_PARAMS[key]
            holders.add(i)
    dirty: set[int] = set()
    for holder in holders:
        b = holder
        while packed.slot[b] < 0:
            b = int(packed.parent[b])
        dirty.update(int(x) for x in packed.ancestors_with_rows(b))

    plant = packed.plant
    floor = np.zeros(k.FLOOR_PARAMS)
    if packed.floor is not None:
        f = packed.floor
        floor[:] = (1.0, f.cabinets_per_row, f.cabinet_width_m, f.cabinet_depth_m, f.aisle_m)
    limit_items = list(limits.items())

    def ints(values: list[int] | Any) -> Ints:
        return np.ascontiguousarray(np.array(values, dtype=np.int64))

    def floats(values: list[float] | Any) -> Floats:
        return np.ascontiguousarray(np.array(values, dtype=np.float64))

    args = (
        *packed.tree_inputs(),
        *evaluation.outputs(),
        matrix,
        ints(WEIGHT_OF),
        needed,
        ints(r._COUNTER_SOURCE[0]),
        ints(r.CHAIN_INPUTS),
        ints([r.Q["cabinets"], r.Q["footprint_m2"], r.AREA, r.AREA + 1]),
        np.ascontiguousarray(plant.settings),
        plant.redundancy_code,
        plant.pue_or_nan,
        plant.cdu,
        floor,
        int(chain_needed),
        ints(kind),
        ints(target),
        ints(param),
        ints(span),
        ints(sizes),
        np.ascontiguousarray(values),
        floats(swap_info).reshape(len(swap_info), k.PART_INFO),
        floats(swap_matrix).reshape(len(swap_matrix), matrix.shape[1]),
        ints(sorted(dirty)),
        ints(np.flatnonzero(packed.slot >= 0)),
        ints(num),
        ints(den),
        floats(r.FORMULAS.factor[rows_of_metric]),
        ints(r.FORMULAS.whole[rows_of_metric]),
        # the limits, then a design that can be built: each UNBUILDABLE count at most zero
        ints([*(index[TARGETS[key].metric] for key, _ in limit_items), *(index[m] for m in UNBUILDABLE)]),
        floats([*(TARGETS[key].factor for key, _ in limit_items), *(1.0 for _ in UNBUILDABLE)]),
        floats([*(goal for _, goal in limit_items), *(0.0 for _ in UNBUILDABLE)]),
        ints([*(TARGETS[key].at_least for key, _ in limit_items), *(0 for _ in UNBUILDABLE)]),
        counted,
    )
    return SweepPlan(
        tuple(p.axis for p in placed), tuple(sizes), tuple(asked), objectives, packed.work, args, len(wanted)
    )


def prepare(spec: SweepSpec, design: Design, catalog: Catalog | None = None) -> SweepPlan:
    """The plan of a spec's sweep of `design` (see prepare_placed)."""
    catalog = catalog or load_catalog()
    problems = check_design(design, catalog)
    if problems:
        raise DesignError(problems)
    placed = place(spec, design, resolve_parts(design, catalog)[0])
    return prepare_placed(design, placed, spec.objectives, spec.limits, catalog)


def prepare_placed(
    design: Design,
    placed: list[Placed],
    objectives: tuple[tuple[str, str], ...],
    limits: Mapping[str, float],
    catalog: Catalog,
) -> SweepPlan:
    """The plan of sweeping a checked design along placed axes, each of whose values is checked
    alone (a fabric or a block number, and a swapped part, by evaluating the design with it);
    DesignError names the axis and value that cannot be."""
    parts, _ = resolve_parts(design, catalog)
    for p in placed:
        if p.axis.what not in ("fabric", "property", "swap"):
            continue
        for value in p.axis.values:
            variant = apply_value(design, p, value)
            shown = quoted(value) if isinstance(value, str) else f"{value:g}"
            where = f"vary {p.axis.label} = {shown}"
            try:
                problems = check_design(variant, catalog)
                if not problems:
                    pack(variant, resolve_parts(variant, catalog)[0], catalog)
            except DesignError as error:
                problems = error.problems
            if problems:
                raise DesignError([Problem(where, problem.message) for problem in problems[:5]])
    evaluation = run(pack(design, parts, catalog))
    metrics = tuple(key for key, _ in objectives)
    return plan_sweep(evaluation, placed, metrics, objectives, limits, parts)


def threads() -> int:
    """How many threads a compiled kernel spreads over."""
    import numba

    return int(numba.get_num_threads())


def evaluate_variants(plan: SweepPlan, first: int, stop: int) -> tuple[Floats, Ints]:
    """Variants `first` to `stop - 1`: their metrics (plan.metrics, one row each) and whether
    each is feasible (1) or not (0)."""
    n = stop - first
    values = np.zeros((n, plan.columns))
    feasible = np.zeros(n, dtype=np.int64)
    sweep = k.sweep.pick(n * plan.work)
    compiled = sweep is not k.sweep.python
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # refused variants overflow
        sweep(*plan.args, first, threads() if compiled else 1, values, feasible)  # type: ignore[call-arg]
    return values[:, : len(plan.metrics)], feasible


@dataclass(frozen=True)
class ChunkFront:
    """What a run of variants gives: how many were tried and feasible, and the numbers of the
    variants on its front with their objectives."""

    tried: int
    feasible: int
    variants: Ints
    objectives: Floats


def front_of(variants: Ints, objectives: Floats, signs: Floats) -> tuple[Ints, Floats]:
    """The variants (in ascending order) no other beats on every objective (of equal ones, the
    lowest number), in the order of the first objective, best first."""
    if len(variants) == 0:
        return variants, objectives
    keyed = objectives * signs  # every objective to minimise
    order = np.lexsort(keyed.T[::-1])  # stable: equal rows stay in the order of their numbers
    on = np.zeros(len(order), dtype=np.int64)
    k.pareto.pick(len(order) * 8)(np.ascontiguousarray(keyed[order]), on)
    kept = order[on == 1]
    return variants[kept], objectives[kept]


def chunk_front(plan: SweepPlan, first: int, stop: int) -> ChunkFront:
    """The front of variants `first` to `stop - 1`."""
    values, feasible = evaluate_variants(plan, first, stop)
    objectives = values[:, : len(plan.objectives)]
    ok = (feasible == 1) & np.isfinite(objectives).all(axis=1)
    variants = np.flatnonzero(ok).astype(np.int64) + first
    signs = np.array([1.0 if goal == "min" else -1.0 for _, goal in plan.objectives])
    front, objectives = front_of(variants, objectives[ok], signs)
    return ChunkFront(stop - first, int(ok.sum()), front, objectives)


@dataclass(frozen=True)
class FrontPoint:
    """A variant on the front: its number, the value of each axis and its objectives."""

    variant: int
    parameters: dict[str, float | int | str]
    objectives: dict[str, float]


@dataclass(frozen=True)
class SweepResult:
    """A sweep's outcome: variants tried, those that meet every limit and can be built, and the front."""

    tried: int
    feasible: int
    front: list[FrontPoint]
    objectives: tuple[tuple[str, str], ...]
    axes: tuple[str, ...]
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        def plain(v: float | int | str) -> float | int | str | None:
            return None if isinstance(v, float) and not math.isfinite(v) else v

        return {
            "tried": self.tried,
            "feasible": self.feasible,
            "on_front": len(self.front),
            "objectives": [{"key": key, "goal": goal} for key, goal in self.objectives],
            "axes": list(self.axes),
            "front": [
                {
                    "variant": p.variant,
                    "parameters": {a: plain(v) for a, v in p.parameters.items()},
                    "objectives": {a: plain(v) for a, v in p.objectives.items()},
                }
                for p in self.front
            ],
        }


def chunks(variants: int, size: int = CHUNK) -> list[tuple[int, int]]:
    return [(first, min(variants, first + size)) for first in range(0, variants, size)]


def run_sweep(
    plan: SweepPlan,
    client: Any = None,
    chunk: int = CHUNK,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Evaluate every variant of a plan and reduce them to the front: here, chunk by chunk, or
    with `client` (a dask.distributed Client) as one task per chunk on its cluster."""
    start = time.perf_counter()
    parts = chunks(plan.variants, chunk)
    if client is None:
        found = []
        for first, stop in parts:
            found.append(chunk_front(plan, first, stop))
            if progress is not None:
                progress(stop, plan.variants)
    else:
        shared = client.scatter(plan, broadcast=True)
        futures = client.map(chunk_front, [shared] * len(parts), *zip(*parts, strict=True), pure=False)
        found = client.gather(futures)
    signs = np.array([1.0 if goal == "min" else -1.0 for _, goal in plan.objectives])
    variants = np.concatenate([c.variants for c in found]) if found else np.zeros(0, dtype=np.int64)
    objectives = (
        np.concatenate([c.objectives for c in found]) if found else np.zeros((0, len(plan.objectives)))
    )
    front, values = front_of(variants, objectives, signs)
    points = [
        FrontPoint(
            int(v),
            plan.parameters(int(v)),
            {key: float(x) for (key, _), x in zip(plan.objectives, row, strict=True)},
        )
        for v, row in zip(front, values, strict=True)
    ]
    return SweepResult(
        sum(c.tried for c in found),
        sum(c.feasible for c in found),
        points,
        plan.objectives,
        tuple(a.label for a in plan.axes),
        time.perf_counter() - start,
    )


@contextmanager
def dask_client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A dask.distributed Client: of the cluster whose scheduler is at `scheduler`, or of a
    local cluster of `workers` processes started here (and stopped after). DesignError when the
    optional `cluster` extra is not installed."""
    try:
        from dask.distributed import Client, LocalCluster
    except ImportError:
        why = "running a sweep on Dask needs the cluster extra: pip install 'ascend-tui[cluster]'"
        raise DesignError([Problem("", why)]) from None
    if scheduler is not None:
        with Client(scheduler) as client:  # type: ignore[no-untyped-call]
            yield client
        return
    local = LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers or 1, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with local as cluster, Client(cluster) as client:  # type: ignore[no-untyped-call]
        yield client


def dask_chunk(variants: int, workers: int) -> int:
    """Variants per task on a cluster: a few tasks per worker, so that a slow one does not hold
    the others up, and none so small that scheduling it costs more than running it."""
    return max(1 << 16, -(-variants // (4 * max(1, workers))))
