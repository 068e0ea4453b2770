"""Planning against targets and limits: which are met, which node is responsible, how many
building blocks reach a target or fit a budget, and how the figures grow with a count.

Every answer is checked by evaluating the changed design, not only by the linear estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from ascend_tui.engine.evaluate import Evaluation, evaluate, run
from ascend_tui.engine.metrics import Metrics
from ascend_tui.model.catalog import Catalog, load_catalog
from ascend_tui.model.design import (
    TARGETS,
    Cabinet,
    Design,
    PartCount,
    Path,
    children,
    copy_path,
    edited_copy,
    node_at,
)
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.text import number
from ascend_tui.model.validate import check_count

# Target key -> the Metrics field it reads and the factor from that field to the target's unit.
TARGET_FIELDS: dict[str, tuple[str, float]] = {
    "min_fp8_ef": ("fp8_pflops", 1e-3),
    "min_fp4_ef": ("fp4_pflops", 1e-3),
    "min_bf16_ef": ("bf16_pflops", 1e-3),
    "min_hbm_capacity_tb": ("hbm_capacity_tb", 1.0),
    "max_it_power_kw": ("it_power_kw", 1.0),
    "max_facility_power_kw": ("facility_power_kw", 1.0),
    "max_floor_area_m2": ("floor_area_m2", 1.0),
    "max_cabinet_kw": ("cabinet_power_max_kw", 1.0),
}
assert set(TARGET_FIELDS) == set(TARGETS)


def target_value(metrics: Metrics, key: str) -> float:
    """The figure a target or limit speaks of, in the target's unit."""
    name, factor = TARGET_FIELDS[key]
    return float(getattr(metrics, name)) * factor


@dataclass(frozen=True)
class TargetCheck:
    """One target or limit: the goal, the design's value, whether it is met, and the node to look at."""

    key: str
    goal: float
    value: float
    met: bool
    margin: float  # positive when met: how far inside the goal the design is
    responsible: Path


def responsible_node(evaluation: Evaluation, design: Design, key: str) -> Path:
    """The node behind a figure: the hottest cabinet for the cabinet limit, otherwise the path of
    largest contributors from the top down to a cabinet."""
    name, _ = TARGET_FIELDS[key]
    if key == "max_cabinet_kw":
        return evaluation.hottest_cabinet() or ()
    path: Path = ()
    node = design.root
    while not isinstance(node, Cabinet):
        kids = [i for i, k in enumerate(children(node)) if not isinstance(k, PartCount)]
        if not kids:
            break
        best = max(kids, key=lambda i: float(getattr(evaluation.node((*path, i), all_instances=True), name)))
        path = (*path, best)
        node = node_at(design, path)  # type: ignore[assignment]
    return path


def check_targets(evaluation: Evaluation, design: Design) -> list[TargetCheck]:
    """Each target and limit the design carries, checked against its evaluation."""
    totals = evaluation.totals()
    out = []
    for key, goal in design.targets.items():
        value = target_value(totals, key)
        wanted_min = key.startswith("min_")
        met = value >= goal if wanted_min else value <= goal
        margin = value - goal if wanted_min else goal - value
        out.append(TargetCheck(key, goal, value, met, margin, responsible_node(evaluation, design, key)))
    return out


@dataclass(frozen=True)
class ScalePlan:
    """How many of a building block reach a target (min_ key) or fit a budget (max_ key)."""

    path: Path
    key: str
    goal: float
    count: int | None  # None when no count can do it
    reason: str
    before: Metrics
    after: Metrics | None


def _with_count(design: Design, path: Path, count: int, catalog: Catalog) -> Metrics:
    changed = edited_copy(design)
    copy_path(changed, path).count = count
    return evaluate(changed, catalog).totals()


def plan_count(
    design: Design, path: Path, key: str, goal: float, catalog: Catalog | None = None
) -> ScalePlan:
    """The count of the node at `path` that meets a target or the largest that fits a limit."""
    catalog = catalog or load_catalog()
    if key not in TARGET_FIELDS or key == "max_cabinet_kw":
        raise DesignError([Problem("plan", f"cannot plan a count for {key!r}")])
    node = node_at(design, path)
    if isinstance(node, PartCount) or not math.isfinite(goal) or goal <= 0:
        raise DesignError([Problem("plan", "pick a supernode or cabinet and a goal above zero")])
    evaluation = evaluate(design, catalog)
    before = evaluation.totals()
    times_parent = evaluation.packed.multiplicity(path) // node.count
    per_block = target_value(evaluation.node(path), key) * times_parent
    fixed = target_value(before, key) - per_block * node.count
    wanted_min = key.startswith("min_")
    if per_block <= 0:
        return ScalePlan(path, key, goal, None, "this block adds nothing to that figure", before, None)
    estimate = (goal - fixed) / per_block
    if not math.isfinite(estimate):  # a block that adds next to nothing, or figures near overflow
        return ScalePlan(path, key, goal, None, "it would take more than a count may be", before, None)
    count = math.ceil(estimate - 1e-9) if wanted_min else math.floor(estimate + 1e-9)
    count = max(count, 1)

    if check_count(count) is not None:
        reason = f"it would take {number(count)}, more than a count may be"
        return ScalePlan(path, key, goal, None, reason, before, None)

    def ok(n: int) -> bool:
        try:
            value = target_value(_with_count(design, path, n, catalog), key)
        except DesignError:  # so many that the totals cannot be counted or computed: too many
            return False
        return value >= goal if wanted_min else value <= goal

    # The estimate is linear; a row layout's area is not. Search from it with the evaluator as the
    # judge: the smallest count that meets a target, the largest that fits a limit.
    found = _boundary(ok, count, lowest=wanted_min)
    if found is None:
        reason = (
            "no count up to 10^9 reaches it" if wanted_min else "even one of this block exceeds the limit"
        )
        return ScalePlan(path, key, goal, None, reason, before, None)
    return ScalePlan(path, key, goal, found, "", before, _with_count(design, path, found, catalog))


def _boundary(ok: Callable[[int], bool], start: int, lowest: bool) -> int | None:
    """The smallest n in 1..10^9 with ok(n), where ok turns true as n grows (`lowest`), or the
    largest n with ok(n), where ok turns false as n grows; None if there is none."""
    top = 10**9
    good = ok(start)
    downward = lowest == good  # the boundary lies below start (or is start)
    inside, step = start, 1
    while True:  # gallop away from start until the answer flips
        outside = max(1, inside - step) if downward else min(top, inside + step)
        if outside == inside:  # reached 1 or the top without a flip
            return inside if good else None
        if ok(outside) != good:
            break
        inside, step = outside, step * 2
    yes, no = (inside, outside) if good else (outside, inside)
    while abs(yes - no) > 1:  # then bisect
        middle = (yes + no) // 2
        if ok(middle):
            yes = middle
        else:
            no = middle
    return yes


def sweep(evaluation: Evaluation, path: Path, counts: list[int]) -> list[Metrics]:
    """The design's totals with the node at `path` set to each count (the design is unchanged)."""
    packed = replace(evaluation.packed, count=evaluation.packed.count.copy())  # others may hold the arrays
    index = packed.node_index[path]
    out = []
    for count in counts:
        packed.count[index] = count
        out.append(run(packed).totals())
    return out
