"""What a professional expects of the editor: new designs, the design's name and notes, cut, copy
and paste between designs, a part library of their own, visible defaults, numbers for people
(issue 10)."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from ascend_tui.model import presets
from ascend_tui.model.design import PartCount, node_at
from ascend_tui.ui.app import AscendApp
from ascend_tui.ui.dialogs import Confirm, NotesDialog, PartPicker
from ascend_tui.ui.views import CompareScreen
from tests.test_app import SIZE, make_app, settled
from tests.test_app_keys import field


async def open_preset(pilot: Pilot[None], name: str) -> AscendApp:
    """Open a preset in place of the design (its figures worked out)."""
    app = pilot.app
    assert isinstance(app, AscendApp)
    app.load(presets.resolve(name), f"preset {name}", False)
    app = await settled(pilot)
    assert app.session.design == presets.load(name)
    return app


async def test_a_new_design_from_a_template(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        app = await settled(pilot)
        await pilot.press("ctrl+n")  # unsaved work: asked first, and the default keeps it
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and app.screen.title_text == "Unsaved changes"
        await pilot.press("enter")
        await pilot.pause()
        assert app.session.dirty and app.session.design.name == "Atlas 950 SuperPoD"
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.click("#choice-discard")
        await pilot.pause()
        assert isinstance(app.screen, Confirm) and app.screen.title_text == "New design"
        await pilot.click("#choice-rack")
        app = await settled(pilot)
        design = app.session.design
        assert design.name == "New rack" and design.root.kind == "cabinet"
        assert design.root.footprint_m2 == 1.44 and app.session.file is None
        assert "New rack — new design" in app.sub_title
        assert app.metrics_panel.shown["chips"] == "0"


async def test_the_top_block_names_the_design_in_the_title_and_the_comparison(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("r", *"Hall A", "enter")
        app = await settled(pilot)
        assert app.session.design.name == app.session.design.root.name == "Hall A"
        assert app.sub_title.startswith("Hall A — ")
        await pilot.press("m")
        await pilot.pause()
        await pilot.press("escape")  # no preset picked: the comparison shows this design alone
        await settled(pilot)
        screen = app.screen
        assert isinstance(screen, CompareScreen) and screen.comparison is not None
        assert screen.comparison.names == ["Hall A"]


async def test_the_notes_are_edited_in_the_app_and_undone_like_any_edit(tmp_path):
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("e")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, NotesDialog)
        area = dialog.query_one(TextArea)
        assert area.text == app.session.design.notes
        area.text = "Our rack: 72 GPUs, measured at 118 kW."
        await pilot.press("ctrl+s")
        app = await settled(pilot)
        assert app.session.design.notes == "Our rack: 72 GPUs, measured at 118 kW."
        assert "measured at 118 kW" in str(app.main_screen.query_one("#design-notes").render())
        await pilot.press("u")
        app = await settled(pilot)
        assert app.session.design.notes == presets.load("gb200-nvl72").notes


async def define_my_950(pilot: Pilot[None]) -> AscendApp:
    """On the Atlas 950 SuperPoD: define a 950DT with 256 GB and put it in the compute cabinets."""
    app = await settled(pilot)
    await pilot.press("down", "down", "n")  # on the 950DT entry
    await pilot.pause()
    app.screen.query_one("#form-id", Input).value = "my-950"
    app.screen.query_one("#form-hbm_gb", Input).value = "256"
    await pilot.click("#form-ok")
    await pilot.pause()
    await pilot.press("p")
    await pilot.pause()
    picker = app.screen
    assert isinstance(picker, PartPicker) and picker.origin == {"my-950": "design"}
    picker.query_one("#filter", Input).value = "my-950"
    await pilot.pause()
    await pilot.press("enter")
    return await settled(pilot)


async def test_copy_a_cabinet_and_paste_it_into_another_design_with_its_parts(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await define_my_950(pilot)
        await pilot.press("up", "ctrl+c")  # the compute cabinets, with the part of the design's own
        await pilot.pause()
        assert app.main_screen.clip is not None and set(app.main_screen.clip.parts) == {"my-950"}
        app.session.mark_saved()  # as if saved: opening another design asks nothing
        app = await open_preset(pilot, "cloudmatrix-384")
        await pilot.press("ctrl+v")  # into the supernode at the top
        app = await settled(pilot)
        design = app.session.design
        assert [b.name for b in design.root.blocks] == ["compute", "compute"]
        assert app.selected == (1,)  # the pasted cabinets
        assert design.parts["my-950"].figures["hbm_gb"].value == 256.0
        assert app.metrics_panel.shown["chips"] == f"{384 + 128 * 64:,}"


async def test_add_offers_the_kind_one_level_down_first(tmp_path):
    """Trial 2: on a supernode the Add question's default was `cluster`; Enter now adds what a
    supernode most often holds, a cabinet."""
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("a", "enter")  # on the Atlas 950 SuperPoD, a supernode
        app = await settled(pilot)
        assert [b.kind for b in app.session.design.root.blocks] == ["cabinet", "cabinet"]


async def test_cut_and_paste_moves_a_block(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.click("#choice-cabinet")  # a second cabinet to move the servers into
        app = await settled(pilot)
        while app.selected != (0, 0):  # up to the servers of the compute cabinets
            await pilot.press("up")
        await pilot.press("ctrl+x")
        await pilot.pause()
        assert app.session.design.root.blocks[0].blocks == ()
        assert app.selected == (0,)
        await pilot.press("down", "ctrl+v")  # the new cabinet
        app = await settled(pilot)
        assert [s.name for s in app.session.design.root.blocks[1].blocks] == ["node"]
        assert app.selected == (1, 0)


async def test_a_part_kept_in_the_library_is_offered_in_another_design(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await define_my_950(pilot)
        await pilot.press("k")  # keep it in the library (written in a worker)
        app = await settled(pilot)
        assert (tmp_path / "data" / "parts" / "library.toml").is_file()
        app.session.mark_saved()
        app = await open_preset(pilot, "cloudmatrix-384")
        await pilot.press("down", "down", "down", "p")  # the 910C entry of a node
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartPicker) and picker.origin == {"my-950": "yours"}
        picker.query_one("#filter", Input).value = "yours"  # the origin is searchable
        await pilot.pause()
        assert picker.query_one("DataTable").row_count == 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        app = await settled(pilot)
        node = node_at(app.session.design, (0, 0, 0))
        assert isinstance(node, PartCount) and node.part == "my-950"
        assert app.session.design.parts["my-950"].figures["hbm_gb"].value == 256.0


async def test_a_new_cabinet_shows_its_defaults_as_defaults(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.click("#choice-cabinet")
        app = await settled(pilot)
        assert field(app, "footprint_m2").value == "1.44"
        assert str(app.main_screen.query_one("#label-footprint_m2").render()) == "Footprint m² ~"
        notes = str(app.main_screen.query_one("#field-notes").render())
        assert notes == "~ defaults: footprint, overhead; type your own"
        assert app.metrics_panel.shown["floor_area_m2"] == "~1,001 m²"  # 1.44 m² more, an estimate


async def test_a_cooling_picked_applies_and_opening_a_cabinet_changes_nothing(tmp_path):
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)  # the top block is a liquid-cooled cabinet
        assert not app.session.undo_stack
        select = app.main_screen.query_one("#field-cooling")
        select.value = "air"  # type: ignore[attr-defined]
        app = await settled(pilot)
        assert app.session.design.root.cooling == "air" and len(app.session.undo_stack) == 1


async def test_targets_and_limits_are_written_for_people(tmp_path):
    from tests.test_app_planning import plain

    async with make_app(tmp_path, "atlas-950-supercluster").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        app.screen.query_one("#form-max_it_power_kw", Input).value = "20,000"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        text = plain(app.metrics_panel, 60)
        assert "✘ IT power ≤ 20.0 MW" in text and "e+" not in text
        assert "over by 723 MW" in text  # a limit broken is over it, not short of it
