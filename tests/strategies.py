"""Hypothesis strategies for random, valid designs: free nesting, scale-up domains as stated."""

from __future__ import annotations

from hypothesis import strategies as st

from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import ALLOWED_BLOCKS, Block, CustomPart, Design, FloorLayout, PartCount
from ascend_tui.model.facility import REDUNDANCY, SETTINGS, Facility
from ascend_tui.model.figures import Figure

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
CHIP_IDS = [p for p in PART_IDS if CATALOG.parts[p].kind == "accelerator"]
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0-9 ._'\"é", min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)
counts = st.integers(min_value=1, max_value=300)


# Numbers as people type them: no subnormals (a price of 5e-324 dollars), whose products underflow
# to 0 in one order of operations and not in another, so two right evaluators would disagree.
def _floats(*args, **kwargs):  # type: ignore[no-untyped-def]
    return st.floats(*args, allow_subnormal=False, **kwargs)


figures = _floats(min_value=0, max_value=1e4, allow_nan=False, allow_infinity=False)


@st.composite
def custom_parts(draw: st.DrawFn) -> dict[str, CustomPart]:
    out: dict[str, CustomPart] = {}
    for i in range(draw(st.integers(0, 2))):
        base = draw(st.sampled_from(PART_IDS))
        chosen = draw(st.lists(st.sampled_from(["power_w", "power_typical_w"]), unique=True))
        if CATALOG.parts[base].kind == "accelerator":
            chosen += draw(st.lists(st.sampled_from(["fp8_tflops", "hbm_gb", "scaleup_gbps"]), unique=True))
        figs = {}
        for name in chosen:
            value = draw(figures)
            if draw(st.booleans()):
                spread = draw(_floats(0, 0.5))
                figs[name] = Figure(
                    value,
                    estimate=True,
                    rationale="test",
                    low=value * (1 - spread),
                    high=value * (1 + spread),
                )
            else:
                figs[name] = Figure(value, direction="both" if name == "scaleup_gbps" else "")
        out[f"custom-{i}"] = CustomPart(f"custom-{i}", base=base, name=draw(st.none() | names), figures=figs)
    return out


def _parts(draw: st.DrawFn, part_ids: list[str], chip_ids: set[str], chips: bool) -> tuple[PartCount, ...]:
    pool = [p for p in part_ids if chips or p not in chip_ids]
    chosen = draw(st.lists(st.sampled_from(pool), min_size=0, max_size=3, unique=True))
    return tuple(PartCount(p, draw(st.integers(1, 200))) for p in chosen)


@st.composite
def blocks(
    draw: st.DrawFn, kind: str, part_ids: list[str], chip_ids: set[str], depth: int, in_domain: bool
) -> Block:
    """A block of `kind`; chips go only where a domain is stated at or above them."""
    domain = not in_domain and draw(st.booleans()) if kind != "cluster" else False
    inside = in_domain or domain
    kids: list[Block] = []
    if depth > 0:
        allowed = ALLOWED_BLOCKS[kind]
        for kid_kind in draw(st.lists(st.sampled_from(allowed), max_size=3)) if allowed else []:
            kids.append(draw(blocks(kid_kind, part_ids, chip_ids, depth - 1, inside)))
    kids.sort(key=lambda b: ("cluster", "pod", "supernode", "cabinet", "server").index(b.kind))
    fields: dict[str, object] = {}
    parts: tuple[PartCount, ...] = ()
    if kind in ("cabinet", "server"):
        parts = _parts(draw, part_ids, chip_ids, inside)
        fields["power_overhead"] = draw(_floats(0, 1, allow_nan=False))
        fields["price_usd"] = draw(st.none() | _floats(0, 1e5))
        fields["weight_kg"] = draw(st.none() | _floats(0, 2000))
        estimable = ["power_overhead", "price_usd", "weight_kg"]
        fields["estimated"] = tuple(draw(st.lists(st.sampled_from(estimable), unique=True)))
    if kind == "cabinet":
        fields.update(
            role=draw(st.sampled_from(["compute", "network", "storage", "infrastructure"])),
            cooling=draw(st.sampled_from(sorted(CATALOG.cooling))),
            footprint_m2=draw(st.just(0.0) | _floats(0.1, 50)),
            power_capacity_kw=draw(st.sampled_from([0.0, 20.0, 150.0])),
            estimated=tuple(
                draw(st.lists(st.sampled_from(["footprint_m2", "power_overhead", "weight_kg"]), unique=True))
            ),
        )
    return Block(
        kind, draw(names), draw(counts if depth else st.integers(1, 40)), scaleup=domain,
        blocks=tuple(kids), parts=parts, source=draw(st.text(max_size=20)), **fields,  # type: ignore[arg-type]
    )  # fmt: skip


@st.composite
def facilities(draw: st.DrawFn) -> Facility:
    """Some facility settings stated, plain or as estimates with a range, the rest defaulted."""
    figures = {}
    for setting in draw(st.lists(st.sampled_from(SETTINGS), unique=True, max_size=6)):
        top = min(setting.maximum, 1e8)
        value = draw(
            st.integers(int(setting.minimum), int(top)) if setting.whole else _floats(setting.minimum, top)
        )
        figures[setting.name] = Figure(float(value), source="test")
    return Facility(
        figures,
        draw(st.none() | st.sampled_from(REDUNDANCY)),
        draw(st.none() | st.sampled_from(["cdu-in-rack-100kw", "cdu-facility-2300kw"])),
    )


@st.composite
def designs(draw: st.DrawFn) -> Design:
    custom = draw(custom_parts())
    part_ids = PART_IDS + sorted(custom)
    chip_ids = set(CHIP_IDS) | {pid for pid, p in custom.items() if p.base in CHIP_IDS}
    kind = draw(st.sampled_from(["cluster", "pod", "supernode", "cabinet", "server"]))
    root = draw(blocks(kind, part_ids, chip_ids, draw(st.integers(0, 3)), in_domain=False))
    floor = draw(
        st.none()
        | st.builds(FloorLayout, st.integers(1, 64), _floats(0.3, 2), _floats(0.5, 2), _floats(0.5, 3))
    )
    return Design(
        floor=floor,
        name=draw(names),
        root=root,
        pue=draw(st.none() | _floats(1.0, 2.0, allow_nan=False)),
        facility=draw(facilities()),
        notes=draw(st.text(max_size=40)),
        parts=custom,
        targets=draw(
            st.dictionaries(
                st.sampled_from(["min_fp8_ef", "max_it_power_kw"]),
                _floats(0, 1e6, allow_nan=False),
                max_size=2,
            )
        ),
    )
