"""Every figure the tool computes, shows and exports, declared once.

An entry says what a metric is (its key, which is also its JSON key; a label, and a short one
for 80 columns; the unit it is written in and how that scales; a one-line description), how it
follows from what the evaluator adds up (its formula, whose inputs are also what make it an
estimate), and which targets or limits a design may set on it. The engine computes every entry
by its formula; the command line, JSON, the app's panels, compare, targets and scale-to-target
take labels, units and target names from here, and validation names targets from here. Adding a
metric is an entry here (and, if it needs a new sum, a column in `engine/sums.py` or a counter in
`engine/kernels.py`).

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
    share: bool = False  # a fraction, written as a percentage
    money: bool = False  # US dollars, written "$3.1 M"


FLOPS = Unit(("PF", "EF", "ZF"))
BYTES = Unit(("TB", "PB", "EB"))
RATE = Unit(("TB/s", "PB/s", "EB/s"))
POWER = Unit(("kW", "MW", "GW"))
AREA = Unit(("m²",))
COUNT = Unit(whole=True)
NUMBER = Unit()
SHARE = Unit(share=True)
DOLLARS = Unit(("", "k", "M", "B", "T"), money=True)
DOLLARS_PER_YEAR = Unit(("/yr", "k/yr", "M/yr", "B/yr", "T/yr"), money=True)
ENERGY = Unit(("MWh", "GWh", "TWh"))
MASS = Unit(("kg", "t", "kt", "Mt"))


@dataclass(frozen=True)
class CapexCategory:
    """A category of capital cost: the part kinds whose prices it adds up (none for the
    cabinets and the facility, which come from the blocks and the site)."""

    key: str
    label: str
    short: str
    kinds: tuple[str, ...]


# The servers' own hardware goes with the CPUs; the CDUs the plant adds go with the facility.
CAPEX_CATEGORIES = (
    CapexCategory("accelerators", "accelerators", "Capex accel.", ("accelerator",)),
    CapexCategory("cpus_servers", "CPUs and servers", "Capex CPUs", ("cpu", "memory", "other")),
    CapexCategory("network", "network", "Capex net", ("nic", "switch", "transceiver", "cable")),
    CapexCategory("cooling", "cooling units", "Capex cool.", ("cdu",)),
    CapexCategory("cabinets", "cabinets", "Capex cabs", ()),
    CapexCategory("facility", "facility", "Capex site", ()),
)


@dataclass(frozen=True)
class Formula:
    """How a metric follows from the evaluator's sums: `factor × numerator ÷ denominator` (no
    denominator: 1; nothing to divide by: undefined). The names are sums over parts
    (engine/sums.py), block counters (engine/kernels.py), `area` (the floor area), `pue` and
    `facility_power_w`. A metric rests on an estimate when either input does."""

    numerator: str
    denominator: str | None = None
    factor: float = 1.0

    @property
    def inputs(self) -> tuple[str, ...]:
        return (self.numerator,) if self.denominator is None else (self.numerator, self.denominator)


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
    formula: Formula
    short: str = ""  # a label for narrow panels, where the full one would be cut
    headline: bool = False  # shown first: in the app's panel, compare and the tables
    targets: tuple[Target, ...] = ()
    precision: str | None = None  # 'fp8', 'fp4' or 'bf16': meaningless where no chip has units for it
    # The largest over the design's cabinets rather than a total: a count does not move it, and
    # the node to look at for a limit on it is the cabinet that draws the most.
    peak: bool = False

    @property
    def short_label(self) -> str:
        return self.short or self.label


def _sum(name: str, factor: float = 1.0) -> Formula:
    return Formula(name, factor=factor)


def _per(numerator: str, denominator: str, factor: float = 1.0) -> Formula:
    return Formula(numerator, denominator, factor)


KILO = 1e-3
# A NIC port's line rate is in Gb/s; bandwidths are in bytes.
GBIT_TO_TBPS = 1 / 8 * 1e-3

METRICS: tuple[Metric, ...] = (
    # --- headline figures ----------------------------------------------------------------------
    Metric(
        "fp8_pflops",
        "FP8 compute",
        FLOPS,
        "Dense peak FP8 throughput of every chip that has FP8 units.",
        _sum("fp8_tflops", KILO),
        short="FP8",
        headline=True,
        targets=(Target("min_fp8_ef", "EF", 1e-3),),
        precision="fp8",
    ),
    Metric(
        "fp4_pflops",
        "FP4 compute",
        FLOPS,
        "Dense peak FP4 throughput of every chip that has FP4 units.",
        _sum("fp4_tflops", KILO),
        short="FP4",
        headline=True,
        targets=(Target("min_fp4_ef", "EF", 1e-3),),
        precision="fp4",
    ),
    Metric(
        "bf16_pflops",
        "BF16 compute",
        FLOPS,
        "Dense peak BF16 throughput of every chip that has BF16 units.",
        _sum("bf16_tflops", KILO),
        short="BF16",
        headline=True,
        targets=(Target("min_bf16_ef", "EF", 1e-3),),
        precision="bf16",
    ),
    Metric(
        "hbm_capacity_tb",
        "HBM capacity",
        BYTES,
        "High-bandwidth memory on all chips: vendors' nominal GB ÷ 1000 (decimal TB).",
        _sum("hbm_gb", KILO),
        short="HBM",
        headline=True,
        targets=(Target("min_hbm_capacity_tb", "TB"),),
    ),
    Metric(
        "hbm_bandwidth_tbps",
        "HBM bandwidth",
        RATE,
        "Memory bandwidth of all chips added up.",
        _sum("hbm_tbps"),
        short="HBM BW",
        headline=True,
    ),
    Metric(
        "scaleup_bandwidth_tbps",
        "Scale-up bandwidth",
        RATE,
        "Scale-up bandwidth of all chips in all domains, both directions (as vendors quote it).",
        _sum("scaleup_gbps", KILO),
        short="Scale-up BW",
        headline=True,
    ),
    Metric(
        "it_power_kw",
        "IT power",
        POWER,
        "Design power: every part at its maximum (TDP), plus the overheads of servers and cabinets.",
        _sum("it_power_w", KILO),
        headline=True,
        targets=(Target("max_it_power_kw", "kW"),),
    ),
    Metric(
        "facility_power_kw",
        "Facility power",
        POWER,
        "What the site draws from the grid at design power: IT power through the UPS and "
        "distribution losses, plus the cooling plant (or IT power × PUE where the design states one).",
        _sum("facility_power_w", KILO),
        short="Facility",
        headline=True,
        targets=(Target("max_facility_power_kw", "kW"),),
    ),
    Metric(
        "capex_usd",
        "Capital cost",
        DOLLARS,
        "Equipment and facility: every part at its price, the cabinets' and servers' own hardware, "
        "the plant's CDUs, and the facility's build cost for the IT power.",
        _sum("capex_usd"),
        short="Capex",
        headline=True,
        targets=(Target("max_capex_usd", "$"),),
    ),
    Metric(
        "tco_usd",
        "Total cost of ownership",
        DOLLARS,
        "Over the equipment's life: the equipment, the facility's share for those years, and the "
        "yearly running cost for each year.",
        _sum("tco_usd"),
        short="TCO",
        headline=True,
        targets=(Target("max_tco_usd", "$"),),
    ),
    Metric(
        "floor_area_m2",
        "Floor area",
        AREA,
        "The hall floor: the row layout's area if the design has one, else the cabinets' footprints.",
        _sum("area"),
        headline=True,
        targets=(Target("max_floor_area_m2", "m²"),),
    ),
    Metric("chips", "Chips", COUNT, "Accelerator packages (NPUs, GPUs).", _sum("chips"), headline=True),
    Metric(
        "cabinets",
        "Cabinets",
        COUNT,
        "Cabinets (racks) of every role, with those the fabrics fill.",
        _sum("cabinets"),
        headline=True,
    ),
    # --- counts --------------------------------------------------------------------------------
    Metric(
        "accelerator_dies",
        "Accelerator dies",
        COUNT,
        "Compute dies in the accelerator packages (a package whose die count is not published counts one).",
        _sum("dies"),
        short="Dies",
    ),
    Metric("cpus", "CPUs", COUNT, "Host CPUs.", _sum("cpus")),
    Metric(
        "memory_modules",
        "Memory modules",
        COUNT,
        "Memory parts (DIMMs and the like).",
        _sum("memory_modules"),
        short="DIMMs",
    ),
    Metric("nics", "NICs", COUNT, "Network cards, typed and derived by scale-out networks.", _sum("nics")),
    Metric(
        "switches",
        "Switches",
        COUNT,
        "Switch chips, trays or boxes, scale-up and scale-out, typed and derived by fabrics.",
        _sum("switches"),
    ),
    Metric(
        "transceivers",
        "Transceivers",
        COUNT,
        "Optical transceivers, typed and derived (one per end of every optical link).",
        _sum("transceivers"),
    ),
    Metric(
        "cables",
        "Cables",
        COUNT,
        "Copper cables that fabrics derive between servers and switches.",
        _sum("cables"),
    ),
    Metric(
        "cooling_units",
        "Cooling units",
        COUNT,
        "Coolant distribution units (CDUs) in the design.",
        _sum("cooling_units"),
        short="CDUs",
    ),
    Metric(
        "compute_cabinets",
        "Compute cabinets",
        COUNT,
        "Cabinets whose role is compute.",
        _sum("compute_cabinets"),
        short="Compute cabs",
    ),
    Metric(
        "network_cabinets",
        "Network cabinets",
        COUNT,
        "Cabinets whose role is network, with those the fabrics' switches fill.",
        _sum("network_cabinets"),
        short="Network cabs",
    ),
    Metric(
        "storage_cabinets",
        "Storage cabinets",
        COUNT,
        "Cabinets whose role is storage.",
        _sum("storage_cabinets"),
        short="Storage cabs",
    ),
    Metric(
        "infrastructure_cabinets",
        "Infrastructure cabinets",
        COUNT,
        "Cabinets of shared infrastructure: cooling units, management, power.",
        _sum("infrastructure_cabinets"),
        short="Infra cabs",
    ),
    Metric("servers", "Servers", COUNT, "Servers (nodes, compute trays).", _sum("servers")),
    Metric("supernodes", "Supernodes", COUNT, "Blocks of the kind supernode.", _sum("supernodes")),
    Metric("pods", "Pods", COUNT, "Blocks of the kind pod (scalable units).", _sum("pods")),
    Metric(
        "scaleup_domains",
        "Scale-up domains",
        COUNT,
        "Scale-up domains: the blocks the design marks `scaleup = true`, each counted.",
        _sum("scaleup_domains"),
        short="Domains",
    ),
    Metric(
        "scaleup_domain_chips",
        "Scale-up domain size",
        Unit(("chips",), whole=True),
        "Accelerators in the largest scale-up domain.",
        _sum("max_domain_chips"),
        short="Domain size",
    ),
    # --- compute, sparse -----------------------------------------------------------------------
    Metric(
        "fp8_sparse_pflops",
        "FP8 sparse",
        FLOPS,
        "FP8 throughput with 2:4 sparsity, of the chips that publish it; never part of the dense totals.",
        _sum("fp8_sparse_tflops", KILO),
        precision="fp8",
    ),
    Metric(
        "fp4_sparse_pflops",
        "FP4 sparse",
        FLOPS,
        "FP4 throughput with 2:4 sparsity, of the chips that publish it; never part of the dense totals.",
        _sum("fp4_sparse_tflops", KILO),
        precision="fp4",
    ),
    Metric(
        "bf16_sparse_pflops",
        "BF16 sparse",
        FLOPS,
        "BF16 throughput with 2:4 sparsity, of the chips that publish it; never part of the dense totals.",
        _sum("bf16_sparse_tflops", KILO),
        precision="bf16",
    ),
    # --- memory --------------------------------------------------------------------------------
    Metric(
        "hbm_capacity_tb_binary",
        "HBM, GB ÷ 1024",
        Unit(("TB",)),
        "HBM capacity as Huawei quotes the Atlas 950's: nominal GB ÷ 1024, labelled TB by the vendor.",
        _sum("hbm_gb", 1 / 1024),
        short="HBM GB÷1024",
    ),
    Metric(
        "cpu_memory_tb",
        "CPU memory",
        BYTES,
        "Memory attached to CPUs and memory modules (LPDDR, DDR), decimal TB.",
        _sum("cpu_memory_gb", KILO),
        short="CPU memory",
    ),
    Metric(
        "cpu_memory_bandwidth_tbps",
        "CPU memory bandwidth",
        RATE,
        "Bandwidth of the CPUs' and memory modules' memory, added up.",
        _sum("cpu_memory_tbps"),
        short="CPU mem BW",
    ),
    Metric(
        "fast_memory_tb",
        "Fast memory",
        BYTES,
        "HBM plus the memory of CPUs coherent with the accelerators (NVIDIA's 'fast memory').",
        _sum("fast_memory_gb", KILO),
        short="Fast memory",
    ),
    # --- bandwidth -----------------------------------------------------------------------------
    Metric(
        "scaleup_domain_bandwidth_tbps",
        "Scale-up per domain",
        RATE,
        "Scale-up bandwidth of the largest domain, both directions.",
        _sum("max_domain_scaleup_gbps", KILO),
        short="Domain BW",
    ),
    Metric(
        "scaleup_bandwidth_per_chip_gbps",
        "Scale-up per chip",
        Unit(("GB/s",)),
        "Scale-up bandwidth per chip, both directions.",
        _per("scaleup_gbps", "chips"),
        short="Scaleup/chip",
    ),
    Metric(
        "scaleout_bandwidth_tbps",
        "Scale-out bandwidth",
        RATE,
        "NIC line rate of every scale-out port, per direction.",
        _sum("scaleout_gbit", GBIT_TO_TBPS),
        short="Scale-out BW",
    ),
    Metric(
        "scaleout_bandwidth_per_chip_gbps",
        "Scale-out per chip",
        Unit(("GB/s",)),
        "Scale-out bandwidth per accelerator, per direction.",
        _per("scaleout_gbit", "chips", 1 / 8),
        short="Out/chip",
    ),
    Metric(
        "bisection_bandwidth_tbps",
        "Bisection bandwidth",
        RATE,
        "Of the largest scale-out network: half its endpoints' line rate over its worst "
        "oversubscription, per direction.",
        _sum("max_bisection_gbit", GBIT_TO_TBPS),
        short="Bisection",
    ),
    Metric(
        "fabric_problems",
        "Fabrics that cannot connect",
        COUNT,
        "Fabrics whose tiers and switch radix cannot connect what they serve.",
        _sum("fabric_problems"),
        short="Fabric errs",
    ),
    # --- power ---------------------------------------------------------------------------------
    *(
        Metric(key, label, POWER, f"Power of the {what}, at their maximum.", _sum(column, KILO), short=short)
        for key, label, what, column, short in (
            (
                "accelerator_power_kw",
                "Power: accelerators",
                "accelerator chips",
                "power_accelerator_w",
                "Accel. power",
            ),
            ("cpu_power_kw", "Power: CPUs", "CPUs", "power_cpu_w", "CPU power"),
            ("memory_power_kw", "Power: memory", "memory modules", "power_memory_w", "Memory power"),
            ("nic_power_kw", "Power: NICs", "network cards", "power_nic_w", "NIC power"),
            ("switch_power_kw", "Power: switches", "switches", "power_switch_w", "Switch power"),
            (
                "optics_power_kw",
                "Power: optics",
                "optical transceivers",
                "power_transceiver_w",
                "Optics power",
            ),
            ("cable_power_kw", "Power: cables", "active cables", "power_cable_w", "Cable power"),
            (
                "cooling_unit_power_kw",
                "Power: cooling units",
                "coolant distribution units",
                "power_cdu_w",
                "CDU power",
            ),
            ("other_power_kw", "Power: other parts", "parts of kind 'other'", "power_other_w", "Other power"),
        )
    ),
    Metric(
        "overhead_power_kw",
        "Power: overheads",
        POWER,
        "The servers' and cabinets' overhead fractions (fans, power conversion) times what they hold.",
        _sum("overhead_power_w", KILO),
        short="Overhead pwr",
    ),
    Metric(
        "it_power_typical_kw",
        "Expected draw",
        POWER,
        "IT power with each part at its typical draw where one is published (else its maximum).",
        _sum("it_power_typical_w", KILO),
        short="Typical draw",
    ),
    Metric(
        "network_power_kw",
        "Network power",
        POWER,
        "NICs, switches, optics and cables with their overheads.",
        _sum("network_power_w", KILO),
        short="Network pwr",
    ),
    Metric(
        "network_power_share",
        "Network share of IT power",
        SHARE,
        "Network power as a share of IT power.",
        _per("network_power_w", "it_power_w"),
        short="Net share",
    ),
    Metric(
        "pue",
        "PUE",
        NUMBER,
        "Power usage effectiveness in force: the design's own where it states one, else the plant's.",
        _sum("pue"),
    ),
    Metric(
        "pue_plant",
        "PUE of the plant",
        NUMBER,
        "Facility power over IT power as the losses and the cooling plant give it.",
        _sum("pue_plant"),
        short="Plant PUE",
    ),
    Metric(
        "cabinet_power_mean_kw",
        "Mean cabinet power",
        POWER,
        "The cabinets' power divided by their number.",
        _per("cabinet_power_w", "cabinets", KILO),
        short="Mean cabinet",
    ),
    Metric(
        "cabinet_power_max_kw",
        "Max cabinet power",
        POWER,
        "The power of the cabinet that draws the most.",
        _sum("max_cabinet_w", KILO),
        short="Max cabinet",
        targets=(Target("max_cabinet_kw", "kW"),),
        peak=True,
    ),
    Metric(
        "cabinets_over_cooling_limit",
        "Cabinets over cooling limit",
        COUNT,
        "Cabinets that draw more than their cooling kind can take.",
        _sum("cabinets_over_cooling_limit"),
        short="Over cooling",
    ),
    Metric(
        "power_capacity_kw",
        "Cabinet power capacity",
        POWER,
        "The power shelves' or PDUs' capacity of the cabinets that state one.",
        _sum("power_capacity_w", KILO),
        short="Shelf cap.",
    ),
    Metric(
        "cabinets_over_power_capacity",
        "Cabinets over power capacity",
        COUNT,
        "Cabinets that draw more than their stated power-shelf or PDU capacity.",
        _sum("cabinets_over_power_capacity"),
        short="Over shelf",
    ),
    Metric(
        "footprint_area_m2",
        "Cabinet footprints",
        AREA,
        "The cabinets' footprints added up (the floor area when there is no row layout).",
        _sum("footprint_m2"),
        short="Footprints",
    ),
    # --- densities and ratios ------------------------------------------------------------------
    Metric(
        "fp8_pflops_per_m2",
        "FP8 per m²",
        Unit(("PF/m²",)),
        "FP8 compute per m² of floor area.",
        _per("fp8_tflops", "area", KILO),
        precision="fp8",
    ),
    Metric(
        "fp8_pflops_per_kw",
        "FP8 per kW",
        Unit(("PF/kW",)),
        "FP8 compute per kW of IT power.",
        _per("fp8_tflops", "it_power_w"),
        precision="fp8",
    ),
    Metric(
        "fp8_tflops_per_w",
        "FP8 per watt",
        Unit(("TF/W",)),
        "FP8 compute per watt of IT power.",
        _per("fp8_tflops", "it_power_w"),
        precision="fp8",
    ),
    Metric(
        "bf16_pflops_per_kw",
        "BF16 per kW",
        Unit(("PF/kW",)),
        "BF16 compute per kW of IT power.",
        _per("bf16_tflops", "it_power_w"),
        precision="bf16",
    ),
    Metric(
        "hbm_gb_per_fp8_pflop",
        "HBM per FP8 PF",
        Unit(("GB/PF",)),
        "Memory capacity per unit of FP8 compute.",
        _per("hbm_gb", "fp8_tflops", 1e3),
        precision="fp8",
        short="HBM/FP8 PF",
    ),
    Metric(
        "hbm_bytes_per_fp8_flop",
        "HBM bytes per FP8 FLOP",
        Unit(("B/FLOP",)),
        "Memory bandwidth per unit of FP8 compute (bytes moved per operation).",
        _per("hbm_tbps", "fp8_tflops"),
        precision="fp8",
        short="HBM B/FLOP",
    ),
    # --- facility: power chain, cooling plant, floor ---------------------------------------------
    Metric(
        "cooling_power_kw",
        "Cooling plant power",
        POWER,
        "Chillers, air handlers and heat rejection for the heat the cabinets shed, and the "
        "plant's CDUs, at design power.",
        _sum("cooling_power_w", KILO),
        short="Cooling pwr",
    ),
    Metric(
        "power_losses_kw",
        "Power losses",
        POWER,
        "Lost in the UPS and in distribution on the way to the IT load and the plant.",
        _sum("losses_w", KILO),
        short="Losses",
    ),
    Metric(
        "installed_power_kw",
        "Installed power capacity",
        POWER,
        "Facility power with the redundancy's spare capacity (N+1: one unit per group, 2N: doubled).",
        _sum("installed_power_w", KILO),
        short="Installed",
    ),
    Metric(
        "liquid_heat_kw",
        "Heat into liquid",
        POWER,
        "Heat that liquid-cooled cabinets' loops carry at design power.",
        _sum("liquid_heat_w", KILO),
        short="Liquid heat",
    ),
    Metric(
        "air_heat_kw",
        "Heat into air",
        POWER,
        "Heat the room's air carries at design power.",
        _sum("air_heat_w", KILO),
        short="Air heat",
    ),
    Metric(
        "heat_rejected_tons",
        "Heat rejected",
        Unit(("tons",)),
        "Heat the plant rejects at design power, in refrigeration tons (3.516853 kW each, NIST SP 811).",
        _sum("heat_rejected_w", 1 / 3516.853),
        short="Heat (tons)",
    ),
    Metric(
        "plant_cdus",
        "CDUs the plant adds",
        COUNT,
        "Coolant distribution units of the facility's class for the liquid heat the design's own "
        "CDUs do not cover, with the redundancy's spares.",
        _sum("plant_cdus"),
        short="Plant CDUs",
    ),
    Metric(
        "weight_kg",
        "Total weight",
        MASS,
        "Everything installed: cabinets, servers and parts.",
        _sum("weight_kg"),
    ),
    Metric(
        "floor_load_max_kg_per_m2",
        "Max floor load",
        Unit(("kg/m²",)),
        "The heaviest cabinet's weight over its footprint.",
        _sum("max_floor_load"),
        short="Floor load",
        peak=True,
    ),
    Metric(
        "cabinets_over_floor_rating",
        "Cabinets over floor rating",
        COUNT,
        "Cabinets heavier per m² of footprint than the floor's rating.",
        _sum("cabinets_over_floor_rating"),
        short="Over floor",
    ),
    # --- money -------------------------------------------------------------------------------------
    Metric(
        "system_capex_usd",
        "Equipment cost",
        DOLLARS,
        "Capital cost without the facility: comparable with the price of a system.",
        _sum("system_capex_usd"),
        short="Equipment",
    ),
    *(
        Metric(
            f"capex_{c.key}_usd",
            f"Capex: {c.label}",
            DOLLARS,
            f"Capital cost of the {c.label}"
            + (" (the build, and the CDUs the plant adds)." if c.key == "facility" else "."),
            _sum(f"capex_{c.key}_usd"),
            short=c.short,
        )
        for c in CAPEX_CATEGORIES
    ),
    Metric(
        "unpriced_parts",
        "Parts without a price",
        COUNT,
        "Parts whose price is not published and not estimated: the capital cost leaves them out.",
        _sum("parts_unpriced"),
        short="Unpriced",
    ),
    Metric(
        "opex_usd_per_year",
        "Running cost",
        DOLLARS_PER_YEAR,
        "Energy at the expected draw and utilisation, and staff and maintenance, per year.",
        _sum("opex_usd"),
        short="Opex",
    ),
    Metric(
        "energy_cost_usd_per_year",
        "Energy cost",
        DOLLARS_PER_YEAR,
        "The facility's energy per year at the electricity price.",
        _sum("energy_cost_usd"),
        short="Energy $",
    ),
    Metric(
        "cost_usd_per_year",
        "Cost per year",
        DOLLARS_PER_YEAR,
        "Equipment written off over its life, the facility over its own, and the running cost.",
        _sum("annual_cost_usd"),
        short="Cost/yr",
    ),
    Metric(
        "cost_per_accelerator_hour_usd",
        "Cost per accelerator-hour",
        Unit(("/h",), money=True),
        "Cost per year over the accelerators' working hours (8,760 h × utilisation each).",
        _per("annual_cost_usd", "accelerator_hours"),
        short="$/accel-h",
        targets=(Target("max_cost_per_accelerator_hour_usd", "$"),),
    ),
    *(
        Metric(
            f"cost_per_{p}_pflop_year_usd",
            f"Cost per {p.upper()} PF-year",
            Unit(("", "k", "M"), money=True),
            f"Cost per year over the {p.upper()} petaflops delivered in a year at the utilisation.",
            _per("annual_cost_usd", f"{p}_pflop_years"),
            short=f"$/{p.upper()} PF-yr",
            precision=p,
        )
        for p in ("fp8", "fp4", "bf16")
    ),
    Metric(
        "fp8_pflops_per_musd_capex",
        "FP8 per $ of capex",
        Unit(("PF/M$",)),
        "FP8 compute per million dollars of capital cost.",
        _per("fp8_tflops", "capex_usd", 1e3),
        short="FP8/capex",
        precision="fp8",
    ),
    Metric(
        "fp8_pflops_per_musd_tco",
        "FP8 per $ of TCO",
        Unit(("PF/M$",)),
        "FP8 compute per million dollars of total cost of ownership.",
        _per("fp8_tflops", "tco_usd", 1e3),
        short="FP8/TCO",
        precision="fp8",
    ),
    # --- energy --------------------------------------------------------------------------------------
    Metric(
        "energy_mwh_per_year",
        "Energy per year",
        ENERGY,
        "What the site draws in a year: the expected draw × utilisation × 8,760 h × PUE.",
        _sum("facility_energy_kwh", KILO),
        short="Energy/yr",
    ),
    Metric(
        "it_energy_mwh_per_year",
        "IT energy per year",
        ENERGY,
        "The IT load's energy in a year: the expected draw × utilisation × 8,760 h.",
        _sum("it_energy_kwh", KILO),
        short="IT energy/yr",
    ),
    Metric(
        "co2_t_per_year",
        "CO₂ per year",
        Unit(("t", "kt", "Mt")),
        "The site's energy per year times the grid's carbon intensity.",
        _sum("co2_kg", KILO),
        short="CO₂/yr",
    ),
    Metric(
        "water_m3_per_year",
        "Water per year",
        Unit(("m³",)),
        "The IT energy per year times the site's water use (WUE).",
        _sum("water_l", KILO),
        short="Water/yr",
    ),
)

BY_KEY: dict[str, Metric] = {m.key: m for m in METRICS}
HEADLINE: tuple[Metric, ...] = tuple(m for m in METRICS if m.headline)
# Every target and limit a design may carry, by its key in `[targets]`.
TARGETS: dict[str, Target] = {t.key: replace(t, metric=m.key) for m in METRICS for t in m.targets}


# Counts of what keeps a design from being built (a fabric that cannot connect what it serves):
# a plan or a sweep never takes a design where one is above zero as meeting its limits.
UNBUILDABLE: tuple[str, ...] = ("fabric_problems",)
# Figures that hold only if the fabrics connect what they serve: shown with a warning beside them
# while one cannot (the count does not say which fabric, so each of them is marked).
NEEDS_FABRIC: tuple[str, ...] = (
    "scaleup_bandwidth_tbps",
    "scaleup_domain_bandwidth_tbps",
    "scaleup_bandwidth_per_chip_gbps",
    "scaleout_bandwidth_tbps",
    "scaleout_bandwidth_per_chip_gbps",
    "bisection_bandwidth_tbps",
)


def metric_of(target: Target) -> Metric:
    """The metric a target or limit is set on."""
    return BY_KEY[target.metric]


def scalable(target: Target) -> bool:
    """Whether a count can be planned for the target (a peak over cabinets does not move with one)."""
    return not metric_of(target).peak
