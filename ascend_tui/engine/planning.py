"""Planning against targets and limits: which are met, which node is responsible, how many
building blocks reach a target or fit a budget, and how the figures grow with a count.

Every answer is checked by evaluating the changed design, not only by the linear estimate. How the
figures move over many counts at once is a sweep (engine/sweep.py).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from ascend_tui.engine.evaluate import Evaluation, evaluate
from ascend_tui.engine.results import Results
from ascend_tui.model.catalog import Catalog, load_catalog
from ascend_tui.model.design import Design, NodePath, PartCount, node_at, replace_at
from ascend_tui.model.figures import Figure
from ascend_tui.model.metrics import TARGETS, UNBUILDABLE, metric_of, scalable
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.validate import check_count


def target_value(results: Results, key: str) -> float:
    """The figure a target or limit speaks of, in the target's unit."""
    target = TARGETS[key]
    return float(results[target.metric]) * target.factor


@dataclass(frozen=True)
class TargetCheck:
    """One target or limit: the goal, the design's value, whether it is met, and the node to look at."""

    key: str
    goal: float
    value: float
    met: bool
    margin: float  # positive when met: how far inside the goal the design is
    responsible: NodePath


def responsible_node(evaluation: Evaluation, design: Design, key: str) -> NodePath:
    """The node behind a figure: the hottest cabinet for a peak (the cabinet limit), otherwise the path of
    largest contributors from the top down to a cabinet."""
    target = TARGETS[key]
    if metric_of(target).peak:  # the largest over cabinets: the cabinet that draws the most
        return evaluation.hottest_cabinet() or ()
    path: NodePath = ()
    node = design.root
    while not node.is_cabinet and node.blocks:
        best = max(
            range(len(node.blocks)),
            key=lambda i: float(evaluation.node((*path, i), all_instances=True)[target.metric]),
        )
        path = (*path, best)
        node = node.blocks[best]
    return path


def check_targets(evaluation: Evaluation, design: Design) -> list[TargetCheck]:
    """Each target and limit the design carries, checked against its evaluation."""
    totals = evaluation.totals()
    out = []
    for key, goal in design.targets.items():
        value = target_value(totals, key)
        at_least = TARGETS[key].at_least
        met = value >= goal if at_least else value <= goal
        margin = value - goal if at_least else goal - value
        out.append(TargetCheck(key, goal, value, met, margin, responsible_node(evaluation, design, key)))
    return out


@dataclass(frozen=True)
class PublishedCheck:
    """A published figure beside the design's own: whether their ranges meet, and how far apart
    the values are."""

    key: str
    published: Figure
    value: float
    low: float
    high: float

    @property
    def agrees(self) -> bool:
        """Whether the published range and the design's range overlap."""
        low, high = self.published.ends
        return self.low <= high * (1 + PUBLISHED_SLACK) and low * (1 - PUBLISHED_SLACK) <= self.high

    @property
    def times(self) -> float:
        """The design's value over the published one."""
        return self.value / self.published.value if self.published.value else math.nan


# Published figures are rounded ("~120 kW", "8 EF"): ranges within 3% of each other meet.
PUBLISHED_SLACK = 0.03


def check_published(results: Results, design: Design) -> list[PublishedCheck]:
    """Each figure the design records as published, beside what the design gives."""
    out = []
    for key, figure in design.published.items():
        if not figure.counts:
            continue
        low, high = results.range(key) or (results[key], results[key])
        out.append(PublishedCheck(key, figure, results[key], low, high))
    return out


@dataclass(frozen=True)
class ScalePlan:
    """How many of a building block reach a target (min_ key: the count needed) or fit a budget
    (max_ key: the largest count within it), honouring every limit the design sets at once."""

    path: NodePath
    key: str
    goal: float
    count: int | None  # None when no count can do it
    reason: str  # why not, when no count can and neither `limited_by` nor `fabric` says (report.plan_reason)
    before: Results
    after: Results | None  # with the count, or with `would` when something stops that count
    limited_by: str = ""  # the design limit that bounds the answer, or that the count reaching it breaks
    would: int | None = None  # the count that would reach the goal, when a limit or a fabric stops it
    fabric: str = ""  # the problem of a fabric that cannot connect the count that would, or past the answer
    limit: float = 0.0  # the goal of `limited_by`

    @property
    def question(self) -> str:
        return "Count needed" if TARGETS[self.key].at_least else "Largest count within budget"


def _with_count(design: Design, path: NodePath, count: int, catalog: Catalog) -> Evaluation:
    changed = replace_at(design, path, lambda node: replace(node, count=count))
    return evaluate(changed, catalog)


def _builds(results: Results) -> bool:
    """Whether nothing keeps the design from being built (every fabric connects)."""
    return all(results[key] <= 0 for key in UNBUILDABLE)


def _fabric_problem(evaluation: Evaluation, catalog: Catalog) -> str:
    """The first fabric of a design that cannot connect what it serves: its problem and fixes."""
    return next((f.problem for f in evaluation.fabrics(catalog) if f.problem), "")


def _meets(results: Results, key: str, goal: float) -> bool:
    value = target_value(results, key)
    return value >= goal if TARGETS[key].at_least else value <= goal


def plan_count(
    design: Design, path: NodePath, key: str, goal: float, catalog: Catalog | None = None
) -> ScalePlan:
    """The count of the block at `path` that meets a target, or the largest that fits a limit,
    with every limit the design carries (`[targets]`, max_ keys) holding as well."""
    catalog = catalog or load_catalog()
    if key not in TARGETS or not scalable(TARGETS[key]):
        raise DesignError([Problem("plan", f"cannot plan a count for {key!r}")])
    node = node_at(design, path)
    if isinstance(node, PartCount) or not math.isfinite(goal) or goal <= 0:
        raise DesignError([Problem("plan", "pick a block (not a part entry) and a goal above zero")])
    evaluation = evaluate(design, catalog)
    before = evaluation.totals()
    limits = {k: v for k, v in design.targets.items() if not TARGETS[k].at_least and k != key}

    def count_for(k: str, g: float) -> int | None:
        """The count the question asks for, for one goal alone (None: none can)."""
        times_parent = evaluation.packed.multiplicity(path) // node.count
        per_block = target_value(evaluation.node(path), k) * times_parent
        fixed = target_value(before, k) - per_block * node.count
        at_least = TARGETS[k].at_least
        if per_block <= 0:
            return None
        estimate = (g - fixed) / per_block
        if not math.isfinite(estimate):  # a block that adds next to nothing, or figures near overflow
            start = 10**9
        else:
            start = max(1, math.ceil(estimate - 1e-9) if at_least else math.floor(estimate + 1e-9))
        if check_count(start) is not None:
            start = 10**9

        def meets(n: int) -> bool:
            try:
                return _meets(_with_count(design, path, n, catalog).totals(), k, g)
            except DesignError:  # so many that the totals cannot be counted or computed: too many
                return False

        # The estimate is linear; a row layout's area and a fabric's tiers are not. Search from
        # it with the evaluator as the judge.
        return _boundary(meets, start, lowest=at_least)

    found = count_for(key, goal)
    if found is None:
        reason = (
            "this block adds nothing to that figure"
            if target_value(evaluation.node(path), key) <= 0
            else "no count up to 10^9 reaches it"
            if TARGETS[key].at_least
            else "even one of this block exceeds the limit"
        )
        return ScalePlan(path, key, goal, None, reason, before, None)
    limited_by = ""
    if not TARGETS[key].at_least:  # the largest count within every budget at once
        for k, g in limits.items():
            if not scalable(TARGETS[k]):
                continue
            other = count_for(k, g)
            if other is None or other < found:
                found, limited_by = (other or 0), k
        if found < 1:
            return ScalePlan(path, key, goal, None, "", before, None, limited_by, limit=limits[limited_by])

        def builds(n: int) -> bool:
            try:
                return _builds(_with_count(design, path, n, catalog).totals())
            except DesignError:
                return False

        # and that can be built: a fabric's reach stops it (more blocks never connect better)
        if not builds(found):
            top = _boundary(builds, found, lowest=False)
            if top is None:  # no count connects
                problem = _fabric_problem(_with_count(design, path, 1, catalog), catalog)
                return ScalePlan(path, key, goal, None, "", before, None, fabric=problem)
            problem = _fabric_problem(_with_count(design, path, top + 1, catalog), catalog)
            after = _with_count(design, path, top, catalog).totals()
            return ScalePlan(path, key, goal, top, "", before, after, fabric=problem)
    changed = _with_count(design, path, found, catalog)
    after = changed.totals()
    broken = [k for k, g in limits.items() if not _meets(after, k, g)]
    problem = "" if _builds(after) else _fabric_problem(changed, catalog)
    if broken or problem:
        k = broken[0] if broken else ""
        return ScalePlan(path, key, goal, None, "", before, after, k, found, problem, limits.get(k, 0.0))
    return ScalePlan(path, key, goal, found, "", before, after, limited_by, limit=limits.get(limited_by, 0.0))


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
