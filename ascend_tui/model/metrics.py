"""Every figure the tool computes, shows and exports, declared once.

An entry says what a metric is (its key, which is also its JSON key; a label, and a short one
for 80 columns; the unit it is written in and how that scales; a one-line description), which
inputs make it an estimate, and which targets or limits a design may set on it. The engine
computes a value for every entry; the command line, JSON, the app's panels, compare, targets and
scale-to-target take labels, units and target names from here, and validation names targets from
here. Adding a metric is an entry here plus its computation in `engine/results.py` (and a kernel
column if it needs a new sum).

Plain data: no Rich, no NumPy, so that the model layer can use it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Unit:
    """How values are written: the unit symbols from the base up, each 1000× the one before
    (PF, EF, ZF); a single symbol does not scale; none writes the bare number."""

    symbols: tuple[str, ...] = ()
    whole: bool = False  # a count of things: a whole number with thousands separators


FLOPS = Unit(("PF", "EF", "ZF"))
BYTES = Unit(("TB", "PB", "EB"))
RATE = Unit(("TB/s", "PB/s", "EB/s"))
POWER = Unit(("kW", "MW", "GW"))
AREA = Unit(("m²",))
COUNT = Unit(whole=True)
NUMBER = Unit()


@dataclass(frozen=True)
class Target:
    """A goal a design may set on a metric in its `[targets]` table: `min_…` keys are targets to
    reach, `max_…` keys limits not to exceed. Goals are given in `unit`, which is the metric's
    value times `factor` (FP8 is computed in PF, its target is written in EF)."""

    key: str
    unit: str
    factor: float = 1.0
    metric: str = ""  # filled in from the entry that declares the target

    @property
    def at_least(self) -> bool:
        """A target to reach (≥) rather than a limit (≤)."""
        return self.key.startswith("min_")


@dataclass(frozen=True)
class Metric:
    """One figure of a design or of a node of it."""

    key: str
    label: str
    unit: Unit
    description: str
    short: str = ""  # a label for narrow panels, where the full one would be cut
    headline: bool = False  # shown first: in the app's panel, compare and the tables
    # The engine's accumulated inputs (kernel columns) that, when any of them rests on an
    # estimated figure, make this metric an estimate.
    estimated_by: tuple[str, ...] = ()
    targets: tuple[Target, ...] = ()
    precision: str | None = None  # 'fp8', 'fp4' or 'bf16': meaningless where no chip has units for it
    # The largest over the design's cabinets rather than a total: a count does not move it, and
    # the node to look at for a limit on it is the cabinet that draws the most.
    peak: bool = False

    @property
    def short_label(self) -> str:
        return self.short or self.label


FP8_INPUTS = ("fp8_tflops",)
POWER_INPUTS = ("it_power_w",)

METRICS: tuple[Metric, ...] = (
    # --- headline figures ----------------------------------------------------------------------
    Metric(
        "fp8_pflops",
        "FP8 compute",
        FLOPS,
        "Dense peak FP8 throughput of every chip that has FP8 units.",
        short="FP8",
        headline=True,
        estimated_by=FP8_INPUTS,
        targets=(Target("min_fp8_ef", "EF", 1e-3),),
        precision="fp8",
    ),
    Metric(
        "fp4_pflops",
        "FP4 compute",
        FLOPS,
        "Dense peak FP4 throughput of every chip that has FP4 units.",
        short="FP4",
        headline=True,
        estimated_by=("fp4_tflops",),
        targets=(Target("min_fp4_ef", "EF", 1e-3),),
        precision="fp4",
    ),
    Metric(
        "bf16_pflops",
        "BF16 compute",
        FLOPS,
        "Dense peak BF16 throughput of every chip that has BF16 units.",
        short="BF16",
        headline=True,
        estimated_by=("bf16_tflops",),
        targets=(Target("min_bf16_ef", "EF", 1e-3),),
        precision="bf16",
    ),
    Metric(
        "hbm_capacity_tb",
        "HBM capacity",
        BYTES,
        "High-bandwidth memory on all chips, decimal (1 TB = 10^12 bytes).",
        short="HBM",
        headline=True,
        estimated_by=("hbm_gb",),
        targets=(Target("min_hbm_capacity_tb", "TB"),),
    ),
    Metric(
        "hbm_bandwidth_tbps",
        "HBM bandwidth",
        RATE,
        "Memory bandwidth of all chips added up.",
        short="HBM BW",
        headline=True,
        estimated_by=("hbm_tbps",),
    ),
    Metric(
        "scaleup_bandwidth_tbps",
        "Scale-up bandwidth",
        RATE,
        "Scale-up (supernode fabric) bandwidth of all chips, both directions.",
        short="Scale-up BW",
        headline=True,
        estimated_by=("scaleup_gbps",),
    ),
    Metric(
        "it_power_kw",
        "IT power",
        POWER,
        "Power of every part plus the cabinets' overhead (fans, power conversion).",
        headline=True,
        estimated_by=POWER_INPUTS,
        targets=(Target("max_it_power_kw", "kW"),),
    ),
    Metric(
        "facility_power_kw",
        "Facility power",
        POWER,
        "IT power × PUE: what the site draws, cooling included.",
        short="Facility",
        headline=True,
        estimated_by=POWER_INPUTS,
        targets=(Target("max_facility_power_kw", "kW"),),
    ),
    Metric(
        "floor_area_m2",
        "Floor area",
        AREA,
        "The hall floor: the row layout's area if the design has one, else the cabinets' footprints.",
        headline=True,
        estimated_by=("floor_m2",),
        targets=(Target("max_floor_area_m2", "m²"),),
    ),
    Metric("chips", "Chips", COUNT, "Accelerator chips (NPUs, GPUs).", headline=True),
    Metric("cabinets", "Cabinets", COUNT, "Cabinets (racks), compute and network.", headline=True),
    # --- counts --------------------------------------------------------------------------------
    Metric("cpus", "CPUs", COUNT, "Host CPUs."),
    Metric("switches", "Switches", COUNT, "Switch chips or boxes, scale-up and scale-out."),
    Metric("transceivers", "Transceivers", COUNT, "Optical transceivers."),
    Metric(
        "compute_cabinets", "Compute cabinets", COUNT, "Cabinets whose role is compute.", short="Compute cabs"
    ),
    Metric(
        "network_cabinets", "Network cabinets", COUNT, "Cabinets whose role is network.", short="Network cabs"
    ),
    Metric("supernodes", "Supernodes", COUNT, "Scale-up domains (supernodes) in the design."),
    Metric(
        "scaleup_domain_chips",
        "Scale-up domain",
        Unit(("chips",), whole=True),
        "Chips in the largest scale-up domain (a lone cabinet or server is its own).",
        short="Domain size",
    ),
    # --- memory and bandwidth ------------------------------------------------------------------
    Metric(
        "hbm_capacity_tb_binary",
        "HBM (binary, GB/1024)",
        Unit(("TB",)),
        "HBM capacity as vendors often quote it: GB ÷ 1024, unscaled.",
        short="HBM binary",
        estimated_by=("hbm_gb",),
    ),
    Metric(
        "scaleup_bandwidth_per_chip_gbps",
        "Scale-up per chip",
        Unit(("GB/s",)),
        "Scale-up bandwidth per chip, both directions.",
        estimated_by=("scaleup_gbps",),
        short="Scaleup/chip",
    ),
    Metric(
        "scaleout_bandwidth_tbps",
        "Scale-out bandwidth",
        RATE,
        "Scale-out (NIC) bandwidth where the parts state it, both directions.",
        short="Scale-out BW",
        estimated_by=("scaleout_gbps",),
    ),
    # --- power ---------------------------------------------------------------------------------
    Metric(
        "accelerator_power_kw",
        "Power: accelerators",
        POWER,
        "Power of the accelerator chips.",
        estimated_by=("power_accelerators_w",),
        short="Accel. power",
    ),
    Metric(
        "cpu_power_kw",
        "Power: CPUs",
        POWER,
        "Power of the CPUs.",
        short="CPU power",
        estimated_by=("power_cpus_w",),
    ),
    Metric(
        "switch_power_kw",
        "Power: switches",
        POWER,
        "Power of the switches.",
        estimated_by=("power_switches_w",),
        short="Switch power",
    ),
    Metric(
        "optics_power_kw",
        "Power: optics",
        POWER,
        "Power of the optical transceivers.",
        estimated_by=("power_optics_w",),
        short="Optics power",
    ),
    Metric(
        "other_power_kw",
        "Power: other parts",
        POWER,
        "Power of parts of kind 'other'.",
        estimated_by=("power_other_w",),
        short="Other power",
    ),
    Metric(
        "overhead_power_kw",
        "Power: cabinet overhead",
        POWER,
        "Each cabinet's overhead fraction times its parts' power.",
        estimated_by=("power_overhead_w",),
        short="Overhead pwr",
    ),
    Metric("pue", "PUE", NUMBER, "Power usage effectiveness, as the design states it."),
    Metric(
        "cabinet_power_mean_kw",
        "Mean cabinet power",
        POWER,
        "IT power divided by the number of cabinets.",
        estimated_by=POWER_INPUTS,
        short="Mean cabinet",
    ),
    Metric(
        "cabinet_power_max_kw",
        "Max cabinet power",
        POWER,
        "The power of the cabinet that draws the most.",
        short="Max cabinet",
        estimated_by=("max_cabinet_w",),
        targets=(Target("max_cabinet_kw", "kW"),),
        peak=True,
    ),
    Metric(
        "cabinets_over_cooling_limit",
        "Cabinets over cooling limit",
        COUNT,
        "Cabinets that draw more than their cooling kind can take.",
        short="Over cooling",
    ),
    Metric(
        "footprint_area_m2",
        "Cabinet footprints",
        AREA,
        "The cabinets' footprints added up (the floor area when there is no row layout).",
        short="Footprints",
        estimated_by=("floor_m2",),
    ),
    # --- densities and ratios ------------------------------------------------------------------
    Metric(
        "fp8_pflops_per_m2",
        "FP8 per m²",
        Unit(("PF/m²",)),
        "FP8 compute per m² of floor area.",
        estimated_by=(*FP8_INPUTS, "floor_m2"),
        precision="fp8",
    ),
    Metric(
        "fp8_pflops_per_kw",
        "FP8 per kW",
        Unit(("PF/kW",)),
        "FP8 compute per kW of IT power.",
        estimated_by=(*FP8_INPUTS, *POWER_INPUTS),
        precision="fp8",
    ),
    Metric(
        "fp8_tflops_per_w",
        "FP8 per watt",
        Unit(("TF/W",)),
        "FP8 compute per watt of IT power.",
        estimated_by=(*FP8_INPUTS, *POWER_INPUTS),
        precision="fp8",
    ),
    Metric(
        "bf16_pflops_per_kw",
        "BF16 per kW",
        Unit(("PF/kW",)),
        "BF16 compute per kW of IT power.",
        estimated_by=("bf16_tflops", *POWER_INPUTS),
        precision="bf16",
    ),
    Metric(
        "hbm_gb_per_fp8_pflop",
        "HBM per FP8 PF",
        Unit(("GB/PF",)),
        "Memory capacity per unit of FP8 compute.",
        estimated_by=("hbm_gb", *FP8_INPUTS),
        precision="fp8",
        short="HBM/FP8 PF",
    ),
    Metric(
        "hbm_bytes_per_fp8_flop",
        "HBM bytes per FP8 FLOP",
        Unit(("B/FLOP",)),
        "Memory bandwidth per unit of FP8 compute (bytes moved per operation).",
        estimated_by=("hbm_tbps", *FP8_INPUTS),
        precision="fp8",
        short="HBM B/FLOP",
    ),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
HEADLINE: tuple[Metric, ...] = tuple(m for m in METRICS if m.headline)
# Every target and limit a design may carry, by its key in `[targets]`.
TARGETS: dict[str, Target] = {t.key: replace(t, metric=m.key) for m in METRICS for t in m.targets}


def metric_of(target: Target) -> Metric:
    """The metric a target or limit is set on."""
    return BY_KEY[target.metric]


def scalable(target: Target) -> bool:
    """Whether a count can be planned for the target (a peak over cabinets does not move with one)."""
    return not metric_of(target).peak
