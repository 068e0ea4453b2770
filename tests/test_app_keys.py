"""Keys never go to the wrong place: after every edit and dialog the editor shows the selected
node, its fields take what is typed, and focus comes back to the tree (issue 10)."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ascend_tui.model import presets
from ascend_tui.model.design import node_at
from ascend_tui.model.toml_format import save_design
from ascend_tui.ui.app import AscendApp
from ascend_tui.ui.dialogs import Confirm, PartPicker
from ascend_tui.ui.widgets import DesignTree
from tests.test_app import SIZE, make_app, settled


def screen_text(app: AscendApp) -> str:
    """What the terminal shows, as plain lines."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def tree(app: AscendApp) -> DesignTree:
    return app.main_screen.query_one(DesignTree)


def field(app: AscendApp, name: str) -> Input:
    return app.main_screen.query_one(f"#field-{name}", Input)


async def type_count(pilot: Pilot[None], text: str) -> AscendApp:
    await pilot.press("c", *text, "enter")
    return await settled(pilot)


async def test_after_adding_a_block_r_renames_it_and_nothing_else_happens(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.click("#choice-cabinet")
        app = await settled(pilot)
        new = app.selected
        await pilot.press("r", *"annex", "enter")  # letters that are also commands: a, n, x
        app = await settled(pilot)
        assert app.screen is app.main_screen  # no dialog opened by the letters
        assert node_at(app.session.design, new).name == "annex"  # type: ignore[union-attr]
        assert len(app.session.undo_stack) == 2  # the add and the rename, nothing else
        assert set(app.session.design.parts) == set()


@pytest.mark.parametrize("edit", ["d", "x", "u", "p"])
async def test_after_each_edit_c_types_the_count_of_the_selected_node(tmp_path, edit):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")  # something to undo
        app = await settled(pilot)
        if edit == "p":  # a part picked for the 950DT entry
            await pilot.press("down", "p")
            await pilot.pause()
            assert isinstance(app.screen, PartPicker)
            app.screen.query_one("#filter", Input).value = "ascend-960"
            await pilot.pause()
            await pilot.press("enter")
        else:
            await pilot.press(edit)
        app = await settled(pilot)
        selected = app.selected
        assert field(app, "count").value == str(node_at(app.session.design, selected).count)
        app = await type_count(pilot, "7")
        assert node_at(app.session.design, selected).count == 7
        assert app.screen is app.main_screen


async def test_after_a_typed_count_focus_is_back_on_the_tree_and_arrows_move_in_it(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")
        app = await type_count(pilot, "100")
        assert app.session.design.root.blocks[0].count == 100
        assert app.focused is tree(app)
        await pilot.press("down")
        app = await settled(pilot)
        assert app.selected == (0, 0)


async def test_escape_in_a_field_reverts_it_and_returns_to_the_tree(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "c", "5", "escape")
        app = await settled(pilot)
        assert app.focused is tree(app)
        assert field(app, "count").value == "128"
        assert app.session.design.root.blocks[0].count == 128 and not app.session.undo_stack


async def test_a_refused_value_does_not_stay_in_the_field(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")
        app = await type_count(pilot, "0")
        assert "count must be at least 1" in app.main_screen.last_error
        assert field(app, "count").value == "128"
        assert app.focused is tree(app)


@pytest.mark.parametrize(
    ("typed", "count", "why"),
    [
        ("2.5", None, "a whole number"),
        ("abc", None, "a whole number"),
        ("1e3", 1000, ""),
        ("1k", 1000, ""),
        ("2,048", 2048, ""),
    ],
)
async def test_a_count_field_takes_what_people_type(tmp_path, typed, count, why):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "c", *typed)
        await pilot.pause()
        assert field(app, "count").value == typed  # shown as typed, letters too
        await pilot.press("enter")
        app = await settled(pilot)
        cabinets = app.session.design.root.blocks[0]
        if count is None:
            assert cabinets.count == 128
            assert why in app.main_screen.last_error and repr(typed) in app.main_screen.last_error
        else:
            assert cabinets.count == count and not app.main_screen.last_error
            assert field(app, "count").value == f"{count:,}"  # written as the tree writes it


async def test_left_and_right_collapse_expand_and_move_between_parent_and_child(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")  # the compute cabinets, expanded
        await settled(pilot)
        compute = tree(app).cursor_node
        assert compute is not None and compute.is_expanded
        await pilot.press("left")  # collapses
        await pilot.pause()
        assert not compute.is_expanded and app.selected == (0,)
        await pilot.press("left")  # already collapsed: to the parent
        app = await settled(pilot)
        assert app.selected == ()
        await pilot.press("down", "right")  # expands
        await pilot.pause()
        assert compute.is_expanded and app.selected == (0,)
        await pilot.press("right")  # already expanded: to its first child
        app = await settled(pilot)
        assert app.selected == (0, 0)


async def test_the_unsaved_changes_question_defaults_to_the_safe_answer(tmp_path):
    path = tmp_path / "pod.toml"
    save_design(presets.load("atlas-950-superpod"), path)
    before = path.read_text()
    async with make_app(tmp_path, str(path)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        app = await settled(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")  # a stray Enter
        app = await settled(pilot)
        assert app.is_running and app.session.dirty
        assert path.read_text() == before


async def test_undo_of_a_duplicate_selects_the_node_that_was_there_before(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")
        for _ in range(3):
            await pilot.press("d")
            app = await settled(pilot)
            assert app.selected == (1,)  # the copy
            await pilot.press("u")
            app = await settled(pilot)
            assert app.selected == (0,)
            assert tree(app).cursor_node is not None and tree(app).cursor_node.data == (0,)


async def test_the_focused_panel_is_marked(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        editor = app.main_screen.query_one("#editor")
        focused_tree = (tree(app).styles.border_top[0], editor.styles.border_top[0])
        await pilot.press("r")
        await pilot.pause()
        focused_editor = (tree(app).styles.border_top[0], editor.styles.border_top[0])
        assert focused_tree[0] != focused_editor[0] and focused_tree[1] != focused_editor[1]


async def burst(pilot: Pilot[None], *keys: str) -> AscendApp:
    """Keys arriving together, as a paste or a fast typist sends them: each posted to the app at
    once, with no pause for the app to act on one before the next arrives."""
    from textual import events

    for key in keys:
        char = key if len(key) == 1 else None
        pilot.app.post_message(events.Key(key, char))
    return await settled(pilot)


async def test_keys_typed_in_one_burst_go_where_they_would_one_by_one(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        app = await burst(pilot, "down", "c", "1", "0", "0", "enter")
        assert app.session.design.root.blocks[0].count == 100
        app = await burst(pilot, "r", *"annex", "enter")
        assert app.session.design.root.blocks[0].name == "annex"  # type: ignore[union-attr]
        assert app.screen is app.main_screen and len(app.session.undo_stack) == 2
