"""Sums over parts: every figure that adds up per part (FLOPS, memory, power by kind, part counts)
is a dot product of a row's part weights with a per-part column, in three planes: the value and
the low and high ends of estimate ranges.

A column reads each part once, so the matrices for a design's parts are built once per packing
and every node's sums are a few small matrix products. Each sum adds its terms in part order,
one after another (never pairwise or in SIMD lanes), so that a compiled loop over the parts (the
sweep kernel's) gives the same bits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from ascend_tui.model.catalog import PART_KINDS, PRECISIONS, SPARSE, Part
from ascend_tui.model.metrics import CAPEX_CATEGORIES

Floats = npt.NDArray[np.float64]
PerPart = Callable[[Part], tuple[float, float, float, bool]]  # value, low, high, estimated
NETWORK_KINDS = ("nic", "switch", "transceiver", "cable")


def _figure(name: str, kinds: tuple[str, ...] = ("accelerator",)) -> PerPart:
    def read(part: Part) -> tuple[float, float, float, bool]:
        if part.kind not in kinds:
            return 0.0, 0.0, 0.0, False
        low, high = part.bounds(name)
        f = part.figures.get(name)
        return part.value(name), low, high, f is not None and f.estimate

    return read


def _one(kinds: tuple[str, ...]) -> PerPart:
    return lambda part: (1.0, 1.0, 1.0, False) if part.kind in kinds else (0.0, 0.0, 0.0, False)


def _state(figure: str, state: str) -> PerPart:
    """Chips whose figure is in a state ('value', 'no units', 'not published'), counted."""

    def read(part: Part) -> tuple[float, float, float, bool]:
        hit = part.kind == "accelerator" and part.states(figure) == state
        return (1.0, 1.0, 1.0, False) if hit else (0.0, 0.0, 0.0, False)

    return read


def _dies(part: Part) -> tuple[float, float, float, bool]:
    if part.kind != "accelerator":
        return 0.0, 0.0, 0.0, False
    if part.states("dies") != "value":
        return 1.0, 1.0, 1.0, part.states("dies") == "not published"  # a package is at least one die
    return _figure("dies")(part)


def _fast_memory(part: Part) -> tuple[float, float, float, bool]:
    """HBM, and the memory of CPUs the accelerators share coherently (as vendors total them)."""
    if part.kind == "accelerator":
        return _figure("hbm_gb")(part)
    if part.kind == "cpu" and part.coherent_memory:
        return _figure("memory_gb", ("cpu",))(part)
    return 0.0, 0.0, 0.0, False


def _nic_gbps(part: Part) -> tuple[float, float, float, bool]:
    """A NIC's ports times their line rate, Gb/s per direction."""
    if part.kind != "nic":
        return 0.0, 0.0, 0.0, False
    ports = part.value("ports") if "ports" in part.figures else 1.0
    value, low, high, estimated = _figure("port_gbps", ("nic",))(part)
    return ports * value, ports * low, ports * high, estimated


def _unpriced(part: Part) -> tuple[float, float, float, bool]:
    """1 for a part without a price (not published, or not stated)."""
    return (0.0, 0.0, 0.0, False) if part.states("price_usd") == "value" else (1.0, 1.0, 1.0, False)


def _typical_power(part: Part) -> tuple[float, float, float, bool]:
    """The typical draw where one is stated, else the maximum."""
    name = "power_typical_w" if part.states("power_typical_w") == "value" else "power_w"
    return _figure(name, PART_KINDS)(part)


@dataclass(frozen=True)
class Column:
    """A sum over parts: `weight` says which weights multiply it ('count': how many of each
    part; 'power': the count times the overheads of the blocks above it; 'overhead': the
    difference, the overhead's own share)."""

    name: str
    weight: str
    read: PerPart


_COUNTS = {
    "chips": ("accelerator",),
    "cpus": ("cpu",),
    "memory_modules": ("memory",),
    "nics": ("nic",),
    "switches": ("switch",),
    "transceivers": ("transceiver",),
    "cables": ("cable",),
    "cooling_units": ("cdu",),
    "other_parts": ("other",),
}
_ACCELERATOR_FIGURES = (
    *PRECISIONS,
    *SPARSE.values(),
    "hbm_gb",
    "hbm_tbps",
    "scaleup_gbps",
)

COLUMNS: tuple[Column, ...] = (
    *(Column(name, "count", _one(kinds)) for name, kinds in _COUNTS.items()),
    Column("dies", "count", _dies),
    *(Column(name, "count", _figure(name)) for name in _ACCELERATOR_FIGURES),
    Column("cpu_memory_gb", "count", _figure("memory_gb", ("cpu", "memory"))),
    Column("cpu_memory_tbps", "count", _figure("memory_tbps", ("cpu", "memory"))),
    Column("fast_memory_gb", "count", _fast_memory),
    Column("scaleout_gbit", "count", _nic_gbps),
    Column("cooling_capacity_kw", "count", _figure("cooling_kw", ("cdu",))),
    *(Column(f"power_{kind}_w", "count", _figure("power_w", (kind,))) for kind in PART_KINDS),
    Column("network_power_w", "power", _figure("power_w", NETWORK_KINDS)),
    Column("it_power_w", "power", _figure("power_w", PART_KINDS)),
    Column("it_power_typical_w", "power", _typical_power),
    Column("overhead_power_w", "overhead", _figure("power_w", PART_KINDS)),
    *(
        Column(f"price_{c.key}_usd", "count", _figure("price_usd", c.kinds))
        for c in CAPEX_CATEGORIES
        if c.kinds
    ),
    Column("parts_unpriced", "count", _unpriced),
    Column("parts_weight_kg", "count", _figure("weight_kg", PART_KINDS)),
    *(
        Column(f"chips_{tag}_{figure}", "count", _state(figure, state))
        for figure in (*_ACCELERATOR_FIGURES, "power_w")
        for tag, state in (("without", "no units"), ("unpublished", "not published"))
    ),
    *(Column(f"chips_stating_{figure}", "count", _state(figure, "value")) for figure in SPARSE.values()),
)
INDEX = {column.name: k for k, column in enumerate(COLUMNS)}
WEIGHTS = ("count", "power", "overhead")
# Which weight each column takes (an index into WEIGHTS).
WEIGHT_OF = np.array([WEIGHTS.index(c.weight) for c in COLUMNS], dtype=np.int64)
# Columns whose power weights carry the blocks' overheads: an estimated overhead taints them.
OVERHEAD_WEIGHTED = frozenset(c.name for c in COLUMNS if c.weight != "count")


@dataclass(frozen=True)
class PartMatrix:
    """The columns of a design's parts: (P, K) values, lows, highs and estimate flags."""

    value: Floats
    low: Floats
    high: Floats
    estimated: npt.NDArray[np.bool_]

    @staticmethod
    def of(parts: list[Part]) -> PartMatrix:
        shape = (len(parts), len(COLUMNS))
        value, low, high = np.zeros(shape), np.zeros(shape), np.zeros(shape)
        estimated = np.zeros(shape, dtype=np.bool_)
        for q, part in enumerate(parts):
            for k, column in enumerate(COLUMNS):
                value[q, k], low[q, k], high[q, k], estimated[q, k] = column.read(part)
        return PartMatrix(value, low, high, estimated)


@dataclass(frozen=True)
class Sums:
    """Every column summed for one row: values, lows, highs, and which rest on estimates."""

    value: Floats
    low: Floats
    high: Floats
    estimated: npt.NDArray[np.bool_]

    def __getitem__(self, name: str) -> float:
        return float(self.value[INDEX[name]])


def in_part_order(terms: Floats) -> Floats:
    """Column sums of (P, K) terms, each added in part order: ((t0 + t1) + t2) + ..."""
    if terms.shape[0] == 0:
        return np.zeros(terms.shape[1])
    total: Floats = np.add.accumulate(terms, axis=0)[-1]
    return total


def sums(matrix: PartMatrix, counts: Floats, powered: Floats, overhead_estimated: bool) -> Sums:
    """The columns for a row's part counts and power-weighted counts."""
    weights = np.stack([counts, powered, powered - counts], axis=1)  # (P, 3): count, power, overhead
    w = weights[:, WEIGHT_OF]  # (P, K)
    with np.errstate(over="ignore", invalid="ignore"):  # absurd figures overflow: refused later
        value = in_part_order(w * matrix.value)
        low = in_part_order(w * matrix.low)
        high = in_part_order(w * matrix.high)
    present = w > 0  # (P, K)
    estimated: npt.NDArray[np.bool_] = np.asarray((present & matrix.estimated).any(axis=0))
    if overhead_estimated:
        estimated |= np.array([c.name in OVERHEAD_WEIGHTED for c in COLUMNS])
    return Sums(value, low, high, estimated)
