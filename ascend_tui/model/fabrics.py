"""Fabrics a design states: how a scale-up domain's chips are switched, and the scale-out network
of a block above the domains. The evaluator derives the switches, links, transceivers, cables and
network cabinets from them (engine/kernels.py), so that nobody types optic counts by hand.

A fabric names catalog parts (switches, NICs, transceivers, cables) and says where its switches
stand, which decides what a link is made of: copper inside a server or rack, optics between racks
(a transceiver at each end).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

SCALEUP_TOPOLOGIES = ("switched", "mesh")
SCALEOUT_TOPOLOGIES = ("fat-tree",)
# Where tier-1 switches of a scale-up fabric stand: on the server boards, in the chips' own rack
# (switch trays), or in network cabinets.
PLACES = ("server", "cabinet", "network")


@dataclass(frozen=True, slots=True)
class NetworkCabinets:
    """The cabinets that switches standing in network cabinets fill."""

    switches: int = 16  # switches per cabinet
    footprint_m2: float = 1.5
    power_overhead: float = 0.05
    cooling: str = "air"


@dataclass(frozen=True, slots=True)
class ScaleupFabric:
    """A scale-up domain's fabric: `planes` independent planes, each chip with
    `links_per_chip / planes` links into each. Switched: one tier of switches reaching every chip
    of the domain, or two tiers (a leaf tier, `oversubscription` down:up, and a spine tier).
    Mesh: chips linked directly, no switches."""

    topology: str = "switched"
    planes: int = 1
    links_per_chip: int = 1
    tiers: int = 1
    switch: str = ""  # tier 1 (and tier 2 unless `switch2` is given)
    switch2: str = ""
    tier1_in: str = "cabinet"
    oversubscription: float = 1.0
    transceiver: str = ""  # for links between racks
    cable: str = ""  # for copper links between a chip and a switch outside its server
    cabinets: NetworkCabinets = NetworkCabinets()

    def part_ids(self) -> set[str]:
        """The catalog or design parts the fabric names."""
        return {p for p in (self.switch, self.switch2, self.transceiver, self.cable) if p}


@dataclass(frozen=True, slots=True)
class ScaleoutFabric:
    """A scale-out network of NIC ports: a fat tree (folded Clos) of `tiers` tiers in `planes`
    planes, oversubscribed down:up at each tier boundary below the top as `oversubscription`
    says. NICs are typed in the servers, or derived (`nic`, `nics_per_chip`). Leaves stand in the
    compute racks (top of rack: copper to the servers) or in network cabinets (optics)."""

    topology: str = "fat-tree"
    tiers: int = 2
    planes: int = 1
    switch: str = ""
    oversubscription: tuple[float, ...] = (1.0,)
    nic: str = ""
    nics_per_chip: int = 0
    leaf_in: str = "network"
    rails: bool = False
    transceiver: str = ""
    cable: str = ""
    cabinets: NetworkCabinets = NetworkCabinets()

    def part_ids(self) -> set[str]:
        """The catalog or design parts the fabric names."""
        return {p for p in (self.switch, self.nic, self.transceiver, self.cable) if p}


Fabric = ScaleupFabric | ScaleoutFabric
FABRIC_KEYS = {
    "scaleup_fabric": tuple(f.name for f in fields(ScaleupFabric)),
    "scaleout_fabric": tuple(f.name for f in fields(ScaleoutFabric)),
}
CABINET_KEYS = tuple(f.name for f in fields(NetworkCabinets))


def fabric_to_toml(fabric: Fabric) -> dict[str, Any]:
    """A fabric as TOML data: every key that differs from the default."""
    default = type(fabric)()
    out: dict[str, Any] = {}
    for f in fields(fabric):
        value = getattr(fabric, f.name)
        if value == getattr(default, f.name) and f.name not in ("topology",):
            continue
        if isinstance(value, NetworkCabinets):
            out[f.name] = {k: getattr(value, k) for k in CABINET_KEYS}
        elif isinstance(value, tuple):
            out[f.name] = list(value)
        else:
            out[f.name] = value
    return out
