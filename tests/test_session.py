"""The editing session: checked edits, undo and redo, and whether the design is saved."""

from __future__ import annotations

import copy

import pytest

from ascend_tui.model import presets
from ascend_tui.model.catalog import Figure
from ascend_tui.model.design import CustomPart, PartCount
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Session


@pytest.fixture
def session(catalog) -> Session:
    return Session(presets.load("cloudmatrix-384"), catalog)


def test_count_edits_undo_and_redo(session):
    change = session.set_count((0,), 20)
    assert change.count_only == (0,)
    assert session.design.root.cabinets[0].count == 20 and session.dirty  # type: ignore[union-attr]
    undone = session.undo()
    assert undone is not None and undone.count_only == (0,)
    assert session.design.root.cabinets[0].count == 12 and not session.dirty  # type: ignore[union-attr]
    redone = session.redo()
    assert redone is not None and redone.count_only == (0,)
    assert session.design.root.cabinets[0].count == 20  # type: ignore[union-attr]


def test_an_edit_never_changes_a_design_handed_out_before_it(session):
    before = session.design
    frozen = copy.deepcopy(before)
    session.set_count((0,), 20)
    session.rename((1,), "switches")
    session.duplicate((0,))
    session.add_child((1,), "nvidia-grace")
    session.set_part((0, 0), "ascend-950dt")
    session.swap_part("kunpeng-920", "nvidia-grace")
    session.remove((2,))
    assert before == frozen
    # only the path to what changed is copied: the untouched network cabinet is shared
    session.set_count((0,), 30)
    assert session.undo_stack[-1].design.root.cabinets[1] is session.design.root.cabinets[1]  # type: ignore[union-attr]


def test_a_refused_edit_changes_nothing_and_records_nothing(session):
    before = copy.deepcopy(session.design)
    with pytest.raises(DesignError, match="count must be at least 1"):
        session.set_count((0,), 0)
    with pytest.raises(DesignError, match="footprint_m2 must be between 0 and 1000"):
        session.set_cabinet((0,), "footprint_m2", -1.0)
    with pytest.raises(DesignError, match="name must not be empty"):
        session.rename((1,), "  ")
    with pytest.raises(DesignError, match="the top of the design cannot be removed"):
        session.remove(())
    assert session.design == before
    assert session.undo_stack == [] and not session.dirty


def test_structural_edits_undo_in_order(session):
    session.duplicate((0,))
    session.remove((2,))
    _, path = session.add_child((0,), "nvidia-grace")
    assert path == (0, 4)
    assert [c.name for c in session.design.root.cabinets] == ["compute", "compute (copy)"]  # type: ignore[union-attr]
    session.undo()
    session.undo()
    session.undo()
    assert session.design == presets.load("cloudmatrix-384")
    assert not session.dirty


def test_swapping_a_part_merges_counts_where_a_cabinet_has_both(session):
    session.add_child((0,), "ascend-950dt")
    session.set_count((0, 4), 8)
    _, places = session.swap_part("ascend-910c", "ascend-950dt")
    assert places == 1
    compute = session.design.root.cabinets[0]  # type: ignore[union-attr]
    assert compute.parts[0] == PartCount("ascend-950dt", 40)
    assert all(pc.part != "ascend-910c" for pc in compute.parts)


def test_a_part_cannot_be_listed_twice_in_a_cabinet(session):
    with pytest.raises(DesignError, match="already in cabinet 'compute'"):
        session.add_child((0,), "kunpeng-920")
    with pytest.raises(DesignError, match="already in cabinet 'compute'"):
        session.set_part((0, 0), "kunpeng-920")


def test_custom_parts_may_not_take_a_catalog_id(session):
    with pytest.raises(DesignError, match="already in the catalog"):
        session.define_part(CustomPart("ascend-910c", base="ascend-910b"))
    session.define_part(CustomPart("big-910c", base="ascend-910c", figures={"hbm_gb": Figure(256.0)}))
    assert session.parts()["big-910c"].value("hbm_gb") == 256.0


def test_saving_marks_the_position_in_the_history(session, tmp_path):
    session.set_count((0,), 13)
    session.mark_saved(tmp_path / "x.toml")
    assert not session.dirty
    session.undo()
    assert session.dirty  # the saved file has 13
    session.redo()
    assert not session.dirty
    session.mark_unsaved()
    assert session.dirty


def test_drop_last_forgets_the_edit(session):
    session.set_count((0,), 99)
    session.drop_last()
    assert session.design.root.cabinets[0].count == 12  # type: ignore[union-attr]
    assert session.redo() is None
