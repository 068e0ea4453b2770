"""Dialogs at 80×24 and 120×40: every field and button can be reached and seen, hints and errors
are whole, a new scale-out network starts from parts that work, and a refusal is said once
(new-user trial 2, items 4, 5, 6 and 14); in the part picker, ↓ chooses and typing filters, and a
figure not published is not 0 (items 7 and 8)."""

from __future__ import annotations

import pytest
from textual.widget import Widget
from textual.widgets import Button, DataTable, Input, Label

from ascend_tui.model.design import node_at
from ascend_tui.ui.app import AscendApp
from ascend_tui.ui.dialogs import FormDialog, PartPicker
from ascend_tui.ui.network import FabricDialog, NetworkScreen
from ascend_tui.ui.views import ScaleDialog, TargetsDialog
from tests.test_app import make_app, settled
from tests.test_app_keys import screen_text

SMALL = (80, 24)
LARGE = (120, 40)


def seen(app: AscendApp, widget: Widget) -> bool:
    """Whether the widget is on the screen, not scrolled away or below its edge."""
    region = widget.region
    if not region or region.bottom > app.size.height:
        return False
    found, _ = app.screen.get_widget_at(*region.center)
    return found is widget or widget in found.ancestors


def shown_in(app: AscendApp, widget: Widget) -> str:
    """The words the screen shows in the widget's region."""
    region = widget.region
    lines = screen_text(app).splitlines()[region.y : region.bottom]
    return " ".join(" ".join(line[region.x : region.right] for line in lines).split())


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_tab_reaches_and_shows_every_field_and_button_of_the_targets_dialog(tmp_path, size):
    async with make_app(tmp_path).run_test(size=size) as pilot:
        app = await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, TargetsDialog)
        wanted = {w.id for w in dialog.query(Input)} | {"form-ok", "form-cancel"}
        reached = set()
        for _ in range(len(wanted)):
            await pilot.pause()
            focused = app.focused
            assert focused is not None and seen(app, focused), focused
            reached.add(focused.id)
            await pilot.press("tab")
        assert reached == wanted


async def test_the_scale_dialogs_buttons_are_on_screen_at_80_by_24(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("t", *"8", "enter")  # FP8 ≥ 8 EF (10 EF is past what the UB fabric connects)
        app = await settled(pilot)
        await pilot.press("down", "s")
        for _ in range(300):
            await pilot.pause(0.01)
            if "Count needed" in screen_text(app):
                break
        assert isinstance(app.screen, ScaleDialog)
        for button in app.screen.query(Button):
            assert seen(app, button), button.id
        for _ in range(3):  # past the plan, which scrolls when it is taller than its room
            await pilot.press("tab")
            if app.focused is not None and app.focused.id == "apply":
                break
        assert app.focused is not None and app.focused.id == "apply" and seen(app, app.focused)
        await pilot.press("enter")
        app = await settled(pilot)
        assert node_at(app.session.design, (0,)).count == 125


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
async def test_the_fabric_dialogs_hints_and_the_target_dialogs_units_are_whole(tmp_path, size):
    async with make_app(tmp_path).run_test(size=size) as pilot:
        app = await settled(pilot)
        await pilot.press("t")
        await pilot.pause()
        for _ in range(12):  # every field, as it comes into view
            text = " ".join(screen_text(app).split())
            assert "…" not in text
            await pilot.press("tab")
            await pilot.pause()
        await pilot.press("escape", "down", "b", "e")
        await pilot.pause(0.2)
        assert isinstance(app.screen, FabricDialog)
        labels = {shown_in(app, label) for label in app.screen.query(".field-label") if seen(app, label)}
        for hint in ("topology (switched or mesh; fat-tree)", "tier 1 in (server, cabinet or network)"):
            assert hint in labels


async def test_an_error_under_a_form_wraps_whole(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("b", "o")
        dialog = app.screen
        assert isinstance(dialog, FabricDialog)
        dialog.query_one("#form-switch", Input).value = "ub-switch"
        await pilot.click("#form-ok")
        await pilot.pause()
        error = str(dialog.query_one("#form-error", Label).render())
        assert "`switch`: unknown part 'ub-switch'; did you mean" in error
        text = " ".join(screen_text(app).replace("█", " ").split())
        assert " ".join(error.split()) in text  # every word of it on the screen


async def test_a_new_scale_out_network_starts_from_parts_that_connect(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("b", "o")  # the SuperPoD has no scale-out network yet
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FabricDialog)
        values = {w.id: w.value for w in dialog.query(Input)}
        assert values["form-switch"] == "nvidia-sn5600"
        assert values["form-nic"] == "nic-400g" and values["form-nics_per_chip"] == "1"
        assert values["form-transceiver"] == "optic-400g-lpo"
        assert "with the Atlas 950 SuperCluster preset's parts as defaults" in " ".join(
            screen_text(app).split()
        )
        await pilot.click("#form-ok")
        app = await settled(pilot)
        assert isinstance(app.screen, NetworkScreen)
        assert "connects 8,192 NIC ports" in app.screen.drawn


async def test_a_scale_out_network_that_would_connect_nothing_is_refused_with_the_reason(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("b", "o")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FormDialog)
        dialog.query_one("#form-nic", Input).value = ""
        dialog.query_one("#form-nics_per_chip", Input).value = "0"
        await pilot.click("#form-ok")
        await pilot.pause()
        assert app.screen is dialog
        error = str(dialog.query_one("#form-error", Label).render())
        assert "the network would connect no NIC port" in error
        assert app.session.design.root.scaleout_fabric is None


async def test_a_refused_edit_is_said_once_whole_under_the_form(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "c", "0", "enter")
        app = await settled(pilot)
        await pilot.pause(0.2)
        assert not app._notifications  # no toast over the figures
        editor = app.main_screen.editor.region
        lines = [line[editor.x : editor.right] for line in screen_text(app).splitlines()]
        text = " ".join(" ".join(lines).replace("│", " ").split())
        assert "count must be at least 1, got 0 (remove the node instead)" in text


async def test_in_the_part_picker_arrows_choose_and_typing_always_filters(tmp_path):
    async with make_app(tmp_path).run_test(size=SMALL) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "p")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartPicker)
        table = picker.query_one("#part-table", DataTable)
        assert table.size.height >= 8  # room for the list at 80×24: its header and 7 parts or more
        await pilot.press(*"ascend")
        await pilot.pause()
        assert table.cursor_row == 0
        await pilot.press("down")
        assert table.cursor_row == 1  # the first ↓ moves the choice
        await pilot.press(*" 96", "tab")  # typed after ↓: still the filter; then Tab to the list
        await pilot.pause()
        assert picker.query_one("#filter", Input).value == "ascend 96"
        assert app.focused is table
        await pilot.press("0")  # typed in the list: it goes to the filter too
        await pilot.pause()
        assert picker.query_one("#filter", Input).value == "ascend 960"
        assert [str(k.value) for k in table.rows] == ["ascend-960"]
        await pilot.press("enter")
        app = await settled(pilot)
        assert node_at(app.session.design, (0, 0)).part == "ascend-960"


async def test_the_part_picker_writes_n_p_for_figures_not_published_never_0(tmp_path):
    async with make_app(tmp_path).run_test(size=LARGE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "p", *"ascend-9")
        await pilot.pause()
        table = app.screen.query_one("#part-table", DataTable)
        cells = {str(row.key.value): [str(c) for c in table.get_row(row.key)] for row in table.ordered_rows}
        assert cells["ascend-910d"][3:] == ["n/p", "n/p", "n/p"]
        assert cells["ascend-920"][3] == "n/p"
        assert cells["ascend-910c"][3] == "—"  # no FP8 units: not the same as not published
        assert "n/p not published" in screen_text(app)
