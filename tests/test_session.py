"""The editing session: checked edits, undo and redo, and whether the design is saved."""

from __future__ import annotations

import textwrap

import pytest

from ascend_tui.model.design import CustomPart, PartCount
from ascend_tui.model.figures import Figure
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Session
from ascend_tui.model.toml_format import parse_design

POD = textwrap.dedent("""\
    format = 2
    name = "pod"

    [supernode]
    name = "pod"
    scaleup = true

    [[supernode.cabinets]]
    name = "compute"
    count = 12
    cooling = "liquid"

    [[supernode.cabinets.servers]]
    name = "node"
    count = 4

    [supernode.cabinets.servers.parts]
    ascend-910c = 8
    kunpeng-920 = 4

    [[supernode.cabinets]]
    name = "network"
    role = "network"

    [supernode.cabinets.parts]
    ub-switch-l2 = 28
    """)


@pytest.fixture
def session(catalog) -> Session:
    return Session(parse_design(POD), catalog)


def test_count_edits_undo_and_redo(session):
    change = session.set_count((0,), 20)
    assert change.count_only == (0,)
    assert session.design.root.blocks[0].count == 20 and session.dirty
    undone = session.undo()
    assert undone is not None and undone.count_only == (0,)
    assert session.design.root.blocks[0].count == 12 and not session.dirty
    redone = session.redo()
    assert redone is not None and redone.count_only == (0,)
    assert session.design.root.blocks[0].count == 20


def test_an_edit_never_changes_a_design_handed_out_before_it(session):
    before = session.design
    frozen = parse_design(POD)
    session.set_count((0,), 20)
    session.rename((1,), "switches")
    session.duplicate((0,))
    session.add_part((1, 0), "nvidia-grace")
    session.set_part((0, 0, 0), "ascend-950dt")
    session.swap_part("kunpeng-920", "nvidia-grace")
    session.remove((2,))
    assert before == frozen
    # only the path to what changed is rebuilt: the untouched network cabinet is shared
    session.set_count((0,), 30)
    assert session.undo_stack[-1].design.root.blocks[1] is session.design.root.blocks[1]


def test_a_refused_edit_changes_nothing_and_records_nothing(session):
    before = session.design
    with pytest.raises(DesignError, match="count must be at least 1"):
        session.set_count((0,), 0)
    with pytest.raises(DesignError, match="footprint_m2 must be between 0 and 1000"):
        session.set_field((0,), "footprint_m2", -1.0)
    with pytest.raises(DesignError, match="name must not be empty"):
        session.rename((1,), "  ")
    with pytest.raises(DesignError, match="the top of the design cannot be removed"):
        session.remove(())
    with pytest.raises(DesignError, match="only cabinets have cooling"):
        session.set_field((0, 0), "cooling", "air")
    with pytest.raises(DesignError, match="a scale-up domain inside another one"):
        session.set_field((0, 0), "scaleup", True)
    assert session.design is before
    assert session.undo_stack == [] and not session.dirty


def test_structural_edits_undo_in_order(session):
    session.duplicate((0,))
    session.remove((2,))
    _, path = session.add_part((0, 0), "nvidia-grace")
    assert path == (0, 0, 2)
    _, server = session.add_block((0,), "server")
    assert server == (0, 1)
    assert [c.name for c in session.design.root.blocks] == ["compute", "compute (copy)"]
    for _ in range(4):
        session.undo()
    assert session.design == parse_design(POD)
    assert not session.dirty


def test_new_blocks_go_among_their_kind(session):
    _, pod = session.add_block((), "pod")
    assert pod == (0,)  # pods come before cabinets
    assert [b.kind for b in session.design.root.blocks] == ["pod", "cabinet", "cabinet"]
    with pytest.raises(DesignError, match="a server cannot hold a cabinet"):
        session.add_block((1, 0), "cabinet")


def test_swapping_a_part_merges_counts_where_a_block_has_both(session):
    session.add_part((0, 0), "ascend-950dt")
    session.set_count((0, 0, 2), 8)
    _, places = session.swap_part("ascend-910c", "ascend-950dt")
    assert places == 1
    node = session.design.root.blocks[0].blocks[0]
    assert node.parts[0] == PartCount("ascend-950dt", 16)
    assert all(pc.part != "ascend-910c" for pc in node.parts)


def test_a_part_cannot_be_listed_twice_in_a_block(session):
    with pytest.raises(DesignError, match="already in server 'node'"):
        session.add_part((0, 0), "kunpeng-920")
    with pytest.raises(DesignError, match="already in server 'node'"):
        session.set_part((0, 0, 0), "kunpeng-920")


def test_chips_added_outside_every_domain_are_refused(catalog):
    lone = Session(parse_design('format = 2\nname = "x"\n[cabinet]\nname = "rack"\n'), catalog)
    with pytest.raises(DesignError, match="in no scale-up domain"):
        lone.add_part((), "ascend-950dt")


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
    assert session.design.root.blocks[0].count == 12
    assert session.redo() is None


# --- where the user is, the design as a whole, copy and paste ------------------------------


def test_an_edit_moves_the_user_and_undo_goes_back_to_where_they_were(session):
    heard = []
    session.listen(heard.append)
    session.select((0,))
    session.duplicate((0,))
    assert session.selected == (1,)  # the copy
    session.undo()
    assert session.selected == (0,)  # the block copied, every time
    session.redo()
    assert session.selected == (1,)
    session.remove((1,))
    assert session.selected == ()
    assert [c.label for c in heard] == [
        "select",
        "duplicate cabinet 'compute'",
        "undo duplicate cabinet 'compute'",
        "redo duplicate cabinet 'compute'",
        "remove cabinet 'compute (copy)'",
    ]
    assert [c.edited for c in heard] == [False, True, True, True, True]


def test_a_selection_that_is_gone_falls_back_to_its_nearest_ancestor(session):
    session.select((0, 0, 1))
    session.remove((0, 0))
    assert session.selected == (0,)
    session.select((5, 2))
    assert session.selected == ()


def test_renaming_the_top_block_renames_the_design(session):
    session.rename((), "Pod A")
    assert session.design.name == session.design.root.name == "Pod A"
    session.rename((0,), "racks")
    assert session.design.name == "Pod A"
    session.undo()
    session.undo()
    assert session.design.name == "pod"


def test_notes_are_an_edit(session):
    session.set_notes("Assumed: 4 NPUs per node.")
    assert session.design.notes == "Assumed: 4 NPUs per node."
    session.undo()
    assert session.design.notes == ""


def test_a_new_cabinet_starts_from_marked_defaults_never_0_m2(session):
    _, path = session.add_block((), "cabinet")
    cabinet = session.design.root.blocks[path[0]]
    assert cabinet.footprint_m2 == 1.44  # 0.6 m × (1.2 m + 1.2 m of aisle)
    assert cabinet.power_overhead == 0.05 and cabinet.cooling == "air"
    assert cabinet.estimated == ("footprint_m2", "power_overhead")
    session.set_field(path, "footprint_m2", 2.0)  # a value typed is the user's, no longer a default
    assert session.design.root.blocks[path[0]].estimated == ("power_overhead",)


def test_copy_and_paste_a_subtree_with_the_parts_it_uses_into_another_design(session, catalog):
    session.define_part(CustomPart("big-910c", base="ascend-910c", figures={"hbm_gb": Figure(256.0)}))
    session.set_part((0, 0, 0), "big-910c")
    clip = session.copy((0,))
    assert set(clip.parts) == {"big-910c"}
    session.paste((), clip)  # into the supernode, last among its cabinets
    assert [b.name for b in session.design.root.blocks] == ["compute", "network", "compute"]
    hall = 'format = 2\nname = "hall"\n[supernode]\nname = "hall"\nscaleup = true\n'
    other = Session(parse_design(hall), catalog)
    _, path = other.paste((), clip)
    assert path == (0,) and other.selected == (0,)
    assert other.design.parts["big-910c"] == session.design.parts["big-910c"]  # the part came along
    assert other.parts()["big-910c"].value("hbm_gb") == 256.0
    clash = CustomPart("big-910c", base="ascend-910b")
    other.define_part(clash)
    with pytest.raises(DesignError, match="defines its own part 'big-910c' differently"):
        other.paste((), clip)


def test_paste_goes_into_the_selected_block_or_beside_the_selected_node(session):
    server = session.copy((0, 0))
    _, path = session.paste((1,), server)  # a network cabinet holds servers: into it
    assert path == (1, 0)
    _, path = session.paste((0, 0), server)  # a server holds no server: beside it
    assert path == (0, 1)
    part = session.copy((0, 0, 0))
    with pytest.raises(DesignError, match="already in it; change its count instead"):
        session.paste((0, 0), part)
    with pytest.raises(DesignError, match="a part goes into a cabinet or server"):
        session.paste((), part)
