"""Evaluate a design: check, pack, run the kernel, and turn its rows into results."""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from ascend_tui.engine import columns as c
from ascend_tui.engine import kernels as k
from ascend_tui.engine.pack import Floats, Ints, PackedDesign, pack
from ascend_tui.engine.results import Results, row_results
from ascend_tui.engine.sums import PartMatrix
from ascend_tui.model.catalog import Catalog, Part, load_catalog
from ascend_tui.model.design import Design, NodePath
from ascend_tui.model.problems import DesignError, Problem
from ascend_tui.model.validate import check_design, resolve_parts


@dataclass(frozen=True)
class FabricResult:
    """What a fabric derives for one instance of its block, and why it cannot work if it cannot."""

    name: str
    block: NodePath
    scaleout: bool
    params: dict[str, float]  # as the kernel reads them (kernels.FABRIC_PARAMS): radix after breakout
    derived: dict[str, float]
    problem: str = ""


@dataclass(frozen=True)
class BillLine:
    """One line of a bill of materials: a part, typed in the design or derived by a fabric, or
    the cabinets' and servers' own hardware; its count in the whole design, their power at its
    maximum and their cost, each with its estimate range. The lines add up to the equipment cost
    and the plant's CDUs."""

    part: str
    name: str
    kind: str
    derived_by: str  # "" when typed, else the fabric (or the cooling plant) that derives it
    count: int
    unit_price_usd: float | None  # one of them; None where it has no price
    price_usd: float | None  # all of them
    price_low_usd: float | None
    price_high_usd: float | None
    power_kw: float | None  # None where the part's power is not published (or it draws none)
    power_low_kw: float | None
    power_high_kw: float | None


Trio = tuple[float | None, float | None, float | None]


def _times(part: Part, figure: str, n: float, digits: int) -> Trio:
    """n × a part's figure, with the ends of its range, rounded to `digits` decimals (a total
    carries no float noise); None where it is not published."""
    if part.states(figure) != "value":
        return None, None, None
    low, high = part.bounds(figure)
    return round(n * part.value(figure), digits), round(n * low, digits), round(n * high, digits)


EXACT_LIMIT = 2.0**53  # float64 counts are exact up to here
COUNTED = ("chips", "cpus", "switches", "transceivers", "cabinets", "scaleup_domains")


@dataclass
class Evaluation:
    """The kernel's output for a packed design: a row per block that holds blocks (and the top
    block), from which any node's results follow."""

    packed: PackedDesign
    rows: Floats
    flags: Ints
    fabric_out: Floats  # what each fabric derives for one instance of its block
    # Held while an editor recomputes the arrays in place (engine/live.py) and while they are read.
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False, compare=False)
    _totals: Results | None = field(default=None, repr=False, compare=False)

    def changed(self) -> None:
        """Say that the arrays were recomputed in place (under the lock): the totals are new."""
        self._totals = None

    @cached_property
    def matrix(self) -> PartMatrix:
        return PartMatrix.of(self.packed.parts)

    def outputs(self) -> tuple[Floats, Ints, Floats]:
        return self.rows, self.flags, self.fabric_out

    def block_row(self, block: int) -> tuple[Floats, int]:
        """The row of one instance of a block, and its estimated properties."""
        out = np.zeros((1, self.rows.shape[1]))
        out_flags = np.zeros(1, dtype=np.int64)
        targets = np.array([block], dtype=np.int64)
        args = (*self.packed.tree_inputs(), *self.outputs(), targets, out, out_flags)
        k.block_rows.pick(1)(*args)
        return out[0], int(out_flags[0])

    def row(self, path: NodePath) -> tuple[Floats, int]:
        """The row of one instance of the node at `path` (a part entry: its parts alone)."""
        what, i = self.packed.locate(path)
        if what == "block":
            return self.block_row(i)
        p = self.packed
        row = np.zeros(self.rows.shape[1])
        q = int(p.leaf_part[i])
        row[q] = row[len(p.parts) + q] = float(p.leaf_count[i])
        return row, 0

    def node(self, path: NodePath = (), *, all_instances: bool = False) -> Results:
        """Results of one instance of a node, or of all its instances in the design."""
        with self.lock:
            row, flags = self.row(path)
            times = self.packed.multiplicity(path) if all_instances else 1
        return row_results(self.matrix, row, flags, float(times), self.packed.plant)

    def totals(self) -> Results:
        """Results of the whole design (worked out once per state of the arrays); with a row
        layout, the floor area follows from its rows."""
        p = self.packed
        with self.lock:
            if self._totals is not None:
                return self._totals
            row, flags = self.rows[p.slot[p.root]], int(self.flags[p.slot[p.root]])
            times = float(p.count[p.root])
            floor = p.floor
            area = None
            if floor is not None:
                cabinets = row[c.counter(len(p.parts), "cabinets")] * times
                area = k.floor_area(
                    cabinets,
                    floor.cabinets_per_row,
                    floor.cabinet_width_m,
                    floor.cabinet_depth_m,
                    floor.aisle_m,
                )
            self._totals = row_results(self.matrix, row, flags, times, p.plant, area)
            return self._totals

    def fabrics(self, catalog: Catalog | None = None) -> list[FabricResult]:
        """Each fabric of the design, with what it derives per instance of its block; one that
        cannot connect what it serves says why and the changes that would (among them the
        `catalog`'s switches)."""
        out = []
        with self.lock:
            fabric_out = self.fabric_out.copy()
        for f, name in enumerate(self.packed.fabric_names):
            params = dict(zip(k.FABRIC_PARAMS, self.packed.fabrics[f], strict=True))
            derived = dict(zip(k.FABRIC_OUTPUTS, map(float, fabric_out[f]), strict=True))
            scaleout = params["kind"] == k.SCALEOUT_FAT_TREE
            problem = ""
            if not derived["feasible"]:
                tiers = int(params["tiers"])
                problem = (
                    f"{name}: {tiers} tier{'s' if tiers > 1 else ''} of {params['radix1']:g}-port switches "
                    f"connect{'s' if tiers == 1 else ''} at most {derived['max_endpoints']:,.0f} "
                    f"{'endpoints' if scaleout else 'chip links'}; "
                    f"it has {derived['endpoints']:,.0f}: "
                    + " or ".join(self._fixes(params, derived, catalog or load_catalog()))
                )
            block = self.packed.path_of(int(params["block"]))
            out.append(FabricResult(name, block, scaleout, params, derived, problem))
        return out

    def _fixes(self, params: dict[str, float], derived: dict[str, float], catalog: Catalog) -> list[str]:
        """The changes, each alone, that let a fabric connect what it serves: a tier more (a
        scale-up fabric has at most 2, a fat tree 3), the fewest planes more (a scale-up fabric's
        divide its links per chip, a fat tree's reach every chip), the catalog switch with the
        fewest ports more (the same vendor's, at the same port speed, or for a fat tree a whole
        multiple of its links'), and always serving fewer."""
        endpoints = derived["endpoints"]
        scaleout = params["kind"] == k.SCALEOUT_FAT_TREE

        def reach(**change: float) -> float:
            p = {**params, **change}
            p["radix2"] = p["radix2"] or p["radix1"]  # a second tier of the same switch
            return float(
                k.fabric_reach(p["kind"], p["tiers"], p["planes"], p["links_per_chip"], p["radix1"],
                               p["radix2"], p["oversubscription1"], p["oversubscription2"])
            )  # fmt: skip

        fixes = []
        tiers = params["tiers"]
        if tiers < (3 if scaleout else 2) and reach(tiers=tiers + 1) >= endpoints:
            optics = "" if scaleout or params["transceiver"] >= 0 else " (and a `transceiver` for its optics)"
            fixes.append(f"make it {tiers + 1:g} tiers{optics}")
        links = params["links_per_chip"]
        if scaleout:  # a plane reaches every chip: at most as many as each chip has ports
            chips = self.node(self.packed.path_of(int(params["block"])))["chips"]
            ports = math.floor(endpoints / chips) if chips else 0
            more = [n for n in [math.ceil(endpoints / reach(planes=1))] if n <= ports]
        else:  # planes divide each chip's links
            more = [n for n in range(int(params["planes"]) + 1, int(links) + 1) if links % n == 0]
        planes = next((n for n in more if n > params["planes"] and reach(planes=n) >= endpoints), None)
        if planes is not None:
            fixes.append(f"give it {planes:,} planes")
        mine = self.packed.parts[int(params["switch1"])]
        speed = mine.value("port_gbps")
        bigger = []
        for part in catalog.parts.values():
            if (
                part.kind != "switch"
                or part.vendor != mine.vendor
                or part.value("ports") <= mine.value("ports")
            ):
                continue
            breakout = part.value("port_gbps") / (params["link_gbps"] if scaleout else speed)
            if breakout != int(breakout) or breakout < 1 or (not scaleout and breakout != 1):
                continue
            radix = part.value("ports") * breakout
            if reach(radix1=radix, radix2=radix) >= endpoints:
                bigger.append((part.value("ports"), part.id))
        if bigger:
            size, part_id = min(bigger)
            both = " at both tiers" if params["switch2"] >= 0 else ""
            fixes.append(f"use the {size:g}-port switch {part_id}{both}")
        most = derived["max_endpoints"]
        fixes.append(
            f"serve at most {most:,.0f} endpoints" if scaleout else f"serve at most {most / links:,.0f} chips"
        )
        return fixes

    def bill(self) -> list[BillLine]:
        """Every part of the design, typed or derived by a fabric, then the cabinets' and servers'
        own hardware and the CDUs the cooling plant adds, with counts, power and prices."""
        p = self.packed
        with self.lock:
            row = self.rows[p.slot[p.root]] * float(p.count[p.root])
        counts = row[: len(p.parts)]
        totals = self.totals()
        entries = [(part, p.derived[q], round(float(counts[q]))) for q, part in enumerate(p.parts)]
        lines = []
        for part, derived_by, n in entries:
            if n > 0:
                price = _times(part, "price_usd", n, 2)
                unit = price[0] / n if price[0] is not None else None
                lines.append(
                    BillLine(part.id, part.name, part.kind, derived_by, n, unit, *price,
                             *_times(part, "power_w", n / 1000, 6))
                )  # fmt: skip
        for kind, what, counted in (
            (
                "cabinet",
                "Cabinets' own hardware (rack, power shelves or PDUs, busbar, manifolds)",
                "cabinets",
            ),
            ("server", "Servers' own hardware (chassis, board, power supplies, fans)", "servers"),
        ):
            n = totals.count(counted)
            if n > 0:
                at = c.counter(len(p.parts), f"{kind}_price_usd")
                price = (round(float(row[at]), 2), round(float(row[at + 1]), 2), round(float(row[at + 2]), 2))
                lines.append(BillLine(kind, what, kind, "", n, price[0] / n, *price, None, None, None))
        cdus = totals.count("plant_cdus")
        if cdus > 0:
            cdu = p.plant_cdu
            price = _times(cdu, "price_usd", cdus, 2)
            unit = price[0] / cdus if price[0] is not None else None
            lines.append(
                BillLine(cdu.id, cdu.name, cdu.kind, "cooling plant", cdus, unit, *price,
                         *_times(cdu, "power_w", cdus / 1000, 6))
            )  # fmt: skip
        return lines

    def cabinet_powers(self) -> Floats:
        """The power of one instance of each cabinet block, by block index (-1: not a cabinet)."""
        out = np.empty(len(self.packed.parent))
        with self.lock:
            args = (*self.packed.tree_inputs(), *self.outputs(), out)
            k.cabinet_powers.pick(self.packed.work)(*args)
        return out

    def cabinets_over_limit(self, most: int = 20) -> list[NodePath]:
        """Up to `most` cabinet blocks whose power exceeds their cooling limit, hottest first."""
        power = self.cabinet_powers()
        over = np.nonzero((power >= 0) & (power > self.packed.props[:, k.B_LIMIT]))[0]
        over = over[np.argsort(-power[over], kind="stable")][:most]
        return [self.packed.path_of(int(i)) for i in over]

    def hottest_cabinet(self) -> NodePath | None:
        """The cabinet block that draws the most power, or None if there is no cabinet."""
        power = self.cabinet_powers()
        if not (power >= 0).any():
            return None
        return self.packed.path_of(int(np.argmax(power)))


def run(packed: PackedDesign) -> Evaluation:
    """Run the kernel over packed arrays; refuse totals that float64 cannot count exactly, and
    totals that are not finite."""
    rows = np.zeros((packed.rows, k.row_width(len(packed.parts))))
    flags = np.zeros(packed.rows, dtype=np.int64)
    fabric_out = np.zeros((len(packed.fabrics), len(k.FABRIC_OUTPUTS)))
    args = (*packed.tree_inputs(), rows, flags, fabric_out)
    # Absurd figures may overflow to inf: check_totals finds and refuses that; no warning is due.
    with np.errstate(over="ignore", invalid="ignore"):
        k.accumulate.pick(packed.work)(*args)  # compiled or loaded from cache on first use
        evaluation = Evaluation(packed, rows, flags, fabric_out)
        totals = evaluation.totals()
    check_totals(totals)
    return evaluation


def check_totals(totals: Results) -> None:
    """Refuse totals too large to count exactly, or not finite."""
    for name in COUNTED:
        if not totals[name] <= EXACT_LIMIT:
            why = f"the design totals {totals[name]:.3g} {name}, more than can be counted exactly (2^53)"
            raise DesignError([Problem("design", why + "; reduce a count")])
    for name, value in totals.values.items():  # a ratio with nothing to divide by is NaN, not an error
        if math.isinf(value):
            raise DesignError(
                [Problem("design", f"the design's {name} is too large to compute; reduce a count")]
            )


def evaluate(design: Design, catalog: Catalog | None = None) -> Evaluation:
    """Check, pack and evaluate a design; DesignError lists its problems."""
    catalog = catalog or load_catalog()
    problems = check_design(design, catalog)
    if problems:
        raise DesignError(problems)
    parts, _ = resolve_parts(design, catalog)
    return run(pack(design, parts, catalog))


def preset_results(catalog: Catalog | None = None) -> list[tuple[str, str, Results]]:
    """Every preset's name, design name and totals, for the lists of presets."""
    from ascend_tui.model import presets

    catalog = catalog or load_catalog()
    rows = []
    for name in presets.preset_names():
        design = presets.load(name, catalog)
        rows.append((name, design.name, evaluate(design, catalog).totals()))
    return rows
