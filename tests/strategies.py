"""Hypothesis strategies for random, valid designs."""

from __future__ import annotations

from hypothesis import strategies as st

from ascend_tui.model.catalog import Figure, load_catalog
from ascend_tui.model.design import Cabinet, Cluster, CustomPart, Design, FloorLayout, PartCount, Supernode

CATALOG = load_catalog()
PART_IDS = sorted(CATALOG.parts)
names = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0-9 ._'\"é", min_size=1, max_size=12).filter(
    lambda s: s.strip() != ""
)
counts = st.integers(min_value=1, max_value=300)
figures = st.floats(min_value=0, max_value=1e5, allow_nan=False, allow_infinity=False)


@st.composite
def custom_parts(draw: st.DrawFn) -> dict[str, CustomPart]:
    out: dict[str, CustomPart] = {}
    for i in range(draw(st.integers(0, 2))):
        base = draw(st.sampled_from(PART_IDS))
        chosen = draw(st.lists(st.sampled_from(["fp8_tflops", "hbm_gb", "power_w"]), unique=True))
        figs = {
            name: Figure(draw(figures), estimate=draw(st.booleans()), rationale="test") for name in chosen
        }
        out[f"custom-{i}"] = CustomPart(f"custom-{i}", base=base, name=draw(st.none() | names), figures=figs)
    return out


@st.composite
def cabinets(draw: st.DrawFn, part_ids: list[str]) -> Cabinet:
    chosen = draw(st.lists(st.sampled_from(part_ids), min_size=0, max_size=4, unique=True))
    return Cabinet(
        name=draw(names),
        count=draw(counts),
        role=draw(st.sampled_from(["compute", "network"])),
        cooling=draw(st.sampled_from(sorted(CATALOG.cooling))),
        footprint_m2=draw(st.floats(0, 50, allow_nan=False)),
        power_overhead=draw(st.floats(0, 1, allow_nan=False)),
        estimated=draw(st.lists(st.sampled_from(["footprint_m2", "power_overhead"]), unique=True)),
        source=draw(st.text(max_size=20)),
        parts=[PartCount(p, draw(st.integers(1, 1000))) for p in chosen],
    )


@st.composite
def designs(draw: st.DrawFn) -> Design:
    custom = draw(custom_parts())
    part_ids = PART_IDS + sorted(custom)

    def supernode() -> Supernode:
        return Supernode(draw(names), draw(counts), draw(st.lists(cabinets(part_ids), max_size=3)))

    kind = draw(st.sampled_from(["cluster", "supernode", "cabinet"]))
    root: Cluster | Supernode | Cabinet
    if kind == "cluster":
        root = Cluster(
            draw(names), draw(st.integers(1, 3)), [supernode() for _ in range(draw(st.integers(0, 3)))]
        )
    elif kind == "supernode":
        root = supernode()
    else:
        root = draw(cabinets(part_ids))
    floor = draw(
        st.none()
        | st.builds(FloorLayout, st.integers(1, 64), st.floats(0.3, 2), st.floats(0.5, 2), st.floats(0.5, 3))
    )
    return Design(
        floor=floor,
        name=draw(names),
        root=root,
        pue=draw(st.floats(1.0, 2.0, allow_nan=False)),
        notes=draw(st.text(max_size=40)),
        parts=custom,
        targets=draw(
            st.dictionaries(
                st.sampled_from(["min_fp8_ef", "max_it_power_kw"]),
                st.floats(0, 1e6, allow_nan=False),
                max_size=2,
            )
        ),
    )
