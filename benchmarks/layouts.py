"""Large designs for the benchmarks: layouts of distinct cabinets, as dataclasses and as TOML."""

from __future__ import annotations

import random

from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import Block, Design, PartCount


def explicit_layout(cabinets: int, seed: int = 1) -> Design:
    """A cluster laid out cabinet by cabinet in pods of 100: every cabinet distinct, each its own
    scale-up domain, with a chip and two other parts (1,000,000 cabinets: 10,000 pods). Figures
    have two decimals, as people write them."""
    rng = random.Random(seed)
    catalog = load_catalog()
    chips = [p for p, part in catalog.parts.items() if part.kind == "accelerator"]
    others = [p for p, part in catalog.parts.items() if part.kind not in ("accelerator",)]
    pods = []
    for s in range(cabinets // 100):
        cabs = []
        for c in range(100):
            parts = (PartCount(rng.choice(chips), rng.randint(8, 96)),)
            parts += tuple(PartCount(p, rng.randint(1, 64)) for p in rng.sample(others, 2))
            cabs.append(
                Block(
                    "cabinet",
                    f"cab {s}-{c}",
                    scaleup=True,
                    role=rng.choice(["compute", "network"]),
                    cooling="liquid",
                    footprint_m2=round(rng.uniform(1, 10), 2),
                    power_overhead=round(rng.uniform(0, 0.3), 2),
                    parts=parts,
                )
            )
        pods.append(Block("pod", f"pod {s}", blocks=tuple(cabs)))
    return Design("explicit", Block("cluster", "explicit", blocks=tuple(pods)))
