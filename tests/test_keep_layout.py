"""Saving over a file a person wrote keeps their comments and layout; what cannot keep them is
written afresh, and the text saved always reads back as the design."""

from __future__ import annotations

import difflib
import re
import textwrap
from dataclasses import replace

import pytest

from ascend_tui.model import toml_format
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import CustomPart, FloorLayout
from ascend_tui.model.session import Session
from ascend_tui.model.toml_format import (
    design_text,
    dumps_design,
    format_of,
    load_design,
    parse_design,
    save_design,
)

HAND = textwrap.dedent("""\
    # My test pod: two supernodes of 950DT racks.
    format = 2
    catalog_version = 2
    name = "Test pod"   # what the app shows
    pue = 1.25          # measured at the site, 2025

    # Our own chip: a 950DT with more memory.
    [parts.my-chip]
    base = "ascend-950dt"
    hbm_gb = 256        # the 256 GB option

    [supernode]
    name = "pod"
    count = 2           # two halls
    scaleup = true

    # Compute racks
    [[supernode.cabinets]]
    name = "compute"
    count = 4
    cooling = "liquid"  # role defaults to compute
    footprint_m2 = 2.5
    parts = { my-chip = 8, kunpeng-920 = 2 }   # inline, on purpose

    # Network racks
    [[supernode.cabinets]]
    name = "network"
    count = 1
    role = "network"

    [supernode.cabinets.parts]
    optic-800g = 16     # one per port
    """)
COMMENTS = [m.group(0) for m in re.finditer(r"#.*", HAND)]


def edited(edit) -> Session:  # type: ignore[no-untyped-def]
    session = Session(parse_design(HAND), load_catalog())
    edit(session)
    return session


def changes(before: str, after: str) -> tuple[list[str], list[str]]:
    """The lines taken away and the lines added."""
    diff = list(difflib.ndiff(before.splitlines(), after.splitlines()))
    return [d[2:] for d in diff if d.startswith("- ")], [d[2:] for d in diff if d.startswith("+ ")]


def test_a_count_edit_changes_one_line_and_nothing_else():
    session = edited(lambda s: s.set_count((0,), 5))
    text = design_text(session.design, HAND)
    assert changes(HAND, text) == (["count = 4"], ["count = 5"])
    assert parse_design(text) == session.design


NETWORK = ["[[supernode.cabinets]]", 'name = "network"', "count = 1", 'role = "network"', ""]
COPY = [
    'name = "compute (copy)"',
    "count = 4",
    'role = "compute"',
    'cooling = "liquid"',
    "footprint_m2 = 2.5",
]


@pytest.mark.parametrize(
    ("edit", "taken", "added", "lost"),
    [
        (
            lambda s: s.set_count((), 3),
            ["count = 2           # two halls"],
            ["count = 3           # two halls"],
            [],
        ),
        (lambda s: s.rename((1,), "net"), ['name = "network"'], ['name = "net"'], []),
        (
            lambda s: s.set_pue(1.5),
            ["pue = 1.25          # measured at the site, 2025"],
            ["pue = 1.5          # measured at the site, 2025"],
            [],
        ),
        (
            lambda s: s.remove((1,)),
            [*NETWORK, "[supernode.cabinets.parts]", "optic-800g = 16     # one per port"],
            [],
            ["# one per port"],
        ),
        (
            lambda s: s.duplicate((0,)),
            [],
            [
                *COPY,
                "power_overhead = 0.0",
                "",
                "[supernode.cabinets.parts]",
                "my-chip = 8",
                "kunpeng-920 = 2",
                "[[supernode.cabinets]]",
            ],
            [],
        ),
        (lambda s: s.add_part((1,), "kunpeng-920"), [], ["kunpeng-920 = 1"], []),
        (
            lambda s: s.set_part((1, 0), "optic-400g-lpo"),
            ["optic-800g = 16     # one per port"],
            ["optic-400g-lpo = 16"],
            ["# one per port"],  # the line it was on is another part's now
        ),
        (lambda s: s.set_targets({"min_fp8_ef": 0.1}), [], ["", "[targets]", "min_fp8_ef = 0.1"], []),
        (
            lambda s: s.set_floor(FloorLayout(cabinets_per_row=8)),
            [],
            [
                "",
                "[floor]",
                "cabinets_per_row = 8",
                "cabinet_width_m = 0.6",
                "cabinet_depth_m = 1.2",
                "aisle_m = 1.2",
            ],
            [],
        ),
        (
            lambda s: s.define_part(CustomPart("other", base="ascend-960")),
            [],
            ["[parts.other]", 'base = "ascend-960"'],
            [],
        ),
        (
            lambda s: s.swap_part("kunpeng-920", "nvidia-grace"),
            ["parts = { my-chip = 8, kunpeng-920 = 2 }   # inline, on purpose"],
            ["parts = { my-chip = 8,  nvidia-grace = 2}   # inline, on purpose"],
            [],
        ),
    ],
)
def test_every_edit_changes_only_its_own_lines_and_keeps_the_other_comments(edit, taken, added, lost):
    session = edited(edit)
    text = design_text(session.design, HAND)
    assert parse_design(text) == session.design
    assert changes(HAND, text) == (taken, added)
    assert [c for c in COMMENTS if c not in text] == lost


def test_several_edits_in_a_row_keep_the_comments_and_read_back():
    def edits(s: Session) -> None:
        s.set_count((0,), 6)
        s.rename((0,), "racks")
        s.set_pue(1.4)
        s.set_targets({"max_it_power_kw": 500.0})

    session = edited(edits)
    session.design = replace(session.design, notes="Two lines\nof notes.\n")
    text = design_text(session.design, HAND)
    assert parse_design(text) == session.design
    assert all(c in text for c in COMMENTS)
    assert 'notes = """Two lines\nof notes.\n"""' in text  # written as a person would


def test_a_file_without_a_catalog_version_gets_one_after_its_format():
    original = HAND.replace("catalog_version = 2\n", "")
    session = edited(lambda s: s.set_count((0,), 5))
    assert changes(original, design_text(session.design, original)) == (
        ["count = 4"],
        ["catalog_version = 2", "count = 5"],
    )
    assert design_text(session.design, original).startswith(
        "# My test pod: two supernodes of 950DT racks.\nformat = 2\ncatalog_version = 2\n"
    )


def test_without_a_file_an_older_format_or_a_large_one_the_text_is_written_afresh(monkeypatch):
    session = edited(lambda s: s.set_count((0,), 5))
    fresh = dumps_design(session.design)
    assert design_text(session.design) == fresh
    assert design_text(session.design, "this is not TOML [") == fresh
    monkeypatch.setattr(toml_format, "KEEP_LAYOUT_MAX_BYTES", len(HAND.encode()) - 1)
    assert design_text(session.design, HAND) == fresh
    monkeypatch.undo()
    old = HAND.replace("format = 2\n", "format = 1\n").replace("scaleup = true\n", "")
    assert format_of(old) == 1
    rewritten = design_text(parse_design(old), old)  # a format 1 file is written as format 2
    assert rewritten.startswith("format = 2\n") and "#" not in rewritten


def test_saving_over_a_file_keeps_its_comments(tmp_path):
    path = tmp_path / "pod.toml"
    path.write_text(HAND)
    session = edited(lambda s: s.set_count((0,), 5))
    save_design(session.design, path, path.read_text())
    assert path.read_text() == HAND.replace("count = 4\n", "count = 5\n")
    assert load_design(path) == session.design
