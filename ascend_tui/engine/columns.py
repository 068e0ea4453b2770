"""How the model's names map onto what the kernels read: block kinds and cabinet roles as codes,
estimated block properties as bits, and where each counter sits in a row (the layout itself is
declared in engine/kernels.py, beside the code that reads it)."""

from __future__ import annotations

from ascend_tui.engine import kernels as k
from ascend_tui.model.design import BLOCK_KINDS, CABINET_ROLES

KIND_CODE = {kind: i for i, kind in enumerate(BLOCK_KINDS)}
ROLE_CODE = {role: i for i, role in enumerate(CABINET_ROLES)}
assert (KIND_CODE["cabinet"], KIND_CODE["server"], KIND_CODE["supernode"], KIND_CODE["pod"]) == (
    k.CABINET,
    k.SERVER,
    k.SUPERNODE,
    k.POD,
)
assert k.SUMMED[k.COMPUTE_CABINETS : k.COMPUTE_CABINETS + len(CABINET_ROLES)] == tuple(
    f"{role}_cabinets" for role in CABINET_ROLES
)

# Block properties that an estimate can rest on, as bits of one int64 per block.
PROPERTY_BITS = {"footprint_m2": 1, "power_overhead": 2, "power_capacity_kw": 4}
SUMMED, MAXED, COUNTERS = k.SUMMED, k.MAXED, k.COUNTERS


def counter(parts: int, name: str) -> int:
    """The position of a named counter in a row."""
    return 2 * parts + COUNTERS.index(name)
