"""The TOML format: round trips, and clear errors that say where and what."""

from __future__ import annotations

import textwrap
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from ascend_tui.engine.evaluate import evaluate
from ascend_tui.model import presets
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import dumps_design, load_design, parse_design, save_design
from tests.strategies import designs

GOOD = textwrap.dedent("""\
    format = 2
    name = "Test pod"
    pue = 1.25

    [parts.my-chip]
    base = "ascend-950dt"
    hbm_gb = 256

    [supernode]
    name = "pod"
    count = 2
    scaleup = true

    [[supernode.cabinets]]
    name = "compute"
    count = 4
    role = "compute"
    cooling = "liquid"
    footprint_m2 = 2.5
    power_overhead = 0.1

    [supernode.cabinets.parts]
    my-chip = 8
    kunpeng-920 = 2

    [[supernode.cabinets]]
    name = "network"
    count = 1
    role = "network"
    cooling = "air"

    [supernode.cabinets.parts]
    optic-800g = 16
    """)


def problems_of(text: str) -> list[str]:
    with pytest.raises(DesignError) as caught:
        parse_design(text, "design.toml")
    return [p.describe("design.toml") for p in caught.value.problems]


def test_a_hand_written_design_loads(catalog):
    design = parse_design(GOOD)
    assert design.root.count == 2
    m = evaluate(design).totals()
    assert m["chips"] == 2 * 4 * 8
    assert m["hbm_capacity_tb"] == pytest.approx(64 * 256 / 1000)  # the custom part's own HBM


def test_every_preset_round_trips_to_an_equal_design_and_evaluation(preset_name):
    file = presets.resolve(preset_name)
    design = presets.load(preset_name)
    again = parse_design(dumps_design(design), resolve_use=presets.use_resolver(file, None))
    assert again == design
    assert evaluate(again).totals().as_dict() == evaluate(design).totals().as_dict()


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(designs())
def test_random_designs_round_trip(design):
    again = parse_design(dumps_design(design))
    assert again == design
    assert evaluate(again).totals().as_dict() == evaluate(design).totals().as_dict()


def test_notes_with_carriage_returns_round_trip():
    design = replace(presets.load("gb200-nvl72"), notes="line one\r\nline two\n")
    assert parse_design(dumps_design(design)).notes == "line one\r\nline two\n"


def test_save_then_load_gives_the_same_design(tmp_path):
    design = presets.load("cloudmatrix-384")
    written = save_design(design, tmp_path / "cm.toml")
    assert load_design(written) == design


def test_syntax_errors_give_line_and_column():
    assert problems_of('format = 2\nname = "x"\n[cabinet\n') == [
        "design.toml:3: column 9: TOML syntax error: Expected ']' at the end of a table declaration"
    ]


def test_unknown_part_suggests_the_closest_ids():
    assert problems_of(GOOD.replace("kunpeng-920 = 2", "kunpeng-92O = 2")) == [
        "design.toml:24: supernode 'pod' > cabinet 'compute' > part 'kunpeng-92O': "
        "unknown part id 'kunpeng-92O'; did you mean 'kunpeng-920'?"
    ]


def test_all_problems_are_reported_together_with_their_paths_and_lines():
    text = (
        GOOD.replace("count = 4", "count = 0")
        .replace('cooling = "air"', 'cooling = "aır"')
        .replace("optic-800g = 16", "optic-800g = 2_000_000_000")
    )
    assert problems_of(text) == [
        "design.toml:16: supernode 'pod' > cabinet 'compute': "
        "count must be at least 1, got 0 (remove the node instead)",
        "design.toml:33: supernode 'pod' > cabinet 'network' > part 'optic-800g': "
        "count 2,000,000,000 is absurd (more than 1,000,000,000); check for a typo",
        "design.toml:30: supernode 'pod' > cabinet 'network': "
        "unknown cooling kind 'aır'; did you mean 'air'?",
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("count = 4", 'count = "four"'), "count must be a whole number, got 'four'"),
        (("count = 4", "count = -3"), "count must be at least 1, got -3"),
        (("count = 4", "count = 4.5"), "count must be a whole number, got 4.5"),
        (("footprint_m2 = 2.5", "footprint_m2 = inf"), "footprint_m2 must be a finite number, got inf"),
        (("footprint_m2 = 2.5", "footprint_m2 = nan"), "footprint_m2 must be a finite number, got nan"),
        (("power_overhead = 0.1", "power_overhead = -0.1"), "power_overhead must be between 0 and 10"),
        (("hbm_gb = 256", "hbm_gb = -256"), "`value` must be a finite number >= 0, got -256"),
        (("hbm_gb = 256", 'hbm_gb = "lots"'), "expected a number or a table, got str"),
        (("pue = 1.25", "pue = 0.5"), "pue must be between 1 and 5, got 0.5"),
        (('name = "compute"\n', ""), "missing `name`"),
        (
            ('role = "compute"', 'role = "kitchen"'),
            "role must be one of compute, network, storage, infrastructure",
        ),
        (("footprint_m2 = 2.5", "footprint = 2.5"), "unknown key 'footprint'; did you mean 'footprint_m2'"),
    ],
)
def test_bad_values_are_refused_with_a_clear_message(change, expected):
    old, new = change
    assert old in GOOD
    messages = problems_of(GOOD.replace(old, new, 1))
    assert any(expected in m for m in messages), messages


def test_problem_lines_point_at_the_offending_key():
    assert problems_of(GOOD.replace("footprint_m2 = 2.5", "footprint_m2 = inf")) == [
        "design.toml:19: supernode 'pod' > cabinet 'compute': footprint_m2 must be a finite number, got inf"
    ]
    assert problems_of(GOOD.replace('name = "compute"\n', "")) == [
        "design.toml:14: supernode 'pod' > cabinet: missing `name`"
    ]


def test_a_bad_row_layout_is_refused_with_its_line():
    text = GOOD.replace("[supernode]\n", "[floor]\ncabinets_per_row = 0\naisle_m = -1.0\n\n[supernode]\n")
    assert problems_of(text) == [
        "design.toml:10: floor: cabinets_per_row must be at least 1, got 0",
        "design.toml:11: floor: aisle_m must be between 0 and 20, got -1",
    ]


def test_base_references_that_loop_are_refused():
    text = GOOD.replace(
        '[parts.my-chip]\nbase = "ascend-950dt"',
        '[parts.a]\nbase = "b"\n[parts.b]\nbase = "a"\n[parts.my-chip]\nbase = "ascend-950dt"',
    )
    messages = problems_of(text)
    assert messages == [
        "design.toml:6: part 'a': `base` references loop: 'a' -> 'b' -> 'a'; make one of them a full part"
    ]


def test_a_design_part_may_not_silently_replace_a_catalog_part():
    text = GOOD.replace("[parts.my-chip]", "[parts.ascend-910c]").replace("my-chip = 8", "ascend-910c = 8")
    messages = problems_of(text)
    assert any("already in the catalog" in m and "base = 'ascend-910c'" in m for m in messages), messages


def test_a_newer_format_is_refused_with_advice():
    [message] = problems_of(GOOD.replace("format = 2", "format = 7"))
    assert "format 7 is newer than this ascend-tui understands" in message
    assert "upgrade" in message


def test_a_missing_format_is_refused():
    [message] = problems_of(GOOD.replace("format = 2\n", ""))
    assert "missing `format = 2`" in message


def test_two_roots_are_refused():
    messages = problems_of(GOOD + '\n[cabinet]\nname = "x"\n')
    assert any("exactly one of [cluster], [pod], [supernode], [cabinet], [server]" in m for m in messages)


def test_a_saved_design_records_the_catalog_version_it_was_made_with(tmp_path):
    design = presets.load("gb200-nvl72")
    assert design.catalog_version is None  # presets go with the catalog they ship with
    text = dumps_design(design)
    assert text.startswith("format = 2\ncatalog_version = 3\n")
    again = parse_design(text)
    assert again.catalog_version == 3 and again == design


def test_a_bad_catalog_version_is_refused_with_its_line():
    assert problems_of(GOOD.replace("format = 2\n", 'format = 2\ncatalog_version = "new"\n')) == [
        "design.toml:2: design: `catalog_version` must be a whole number, got 'new'; "
        "remove it if you do not know the version"
    ]
