"""The app driven by key presses: real flows, exact figures shown, nothing lost."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from ascend_tui.model.autosave import Autosave
from ascend_tui.model.design import Design
from ascend_tui.model.toml_format import load_design
from ascend_tui.ui.app import AscendApp
from ascend_tui.ui.dialogs import Confirm, PartPicker, PathPrompt, PresetPicker
from ascend_tui.ui.widgets import DesignTree

SIZE = (120, 36)


def make_app(tmp_path: Path, target: str | None = None) -> AscendApp:
    return AscendApp(target, autosave=Autosave(tmp_path / "data"))


async def settled(pilot: Pilot[None]) -> AscendApp:
    """Wait until the figures shown are those of the design as it now is."""
    app = pilot.app
    assert isinstance(app, AscendApp)
    for _ in range(500):
        await pilot.pause(0.01)
        if app.evaluated_version == app.session.version and not app.workers:
            break
    await pilot.pause()
    assert app.evaluated_version == app.session.version
    return app


def shown(app: AscendApp, key: str) -> str:
    return app.metrics_panel.shown[key]


async def test_opens_on_the_atlas_950_superpod_with_its_figures(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert app.session.design.name == "Atlas 950 SuperPoD"
        assert shown(app, "fp8_pflops") == "8.19 EF"
        assert shown(app, "fp4_pflops") == "16.4 EF"
        assert shown(app, "chips") == "8,192"
        assert shown(app, "floor_area_m2") == "~1,000 m²"  # the footprint is fitted to it
        assert shown(app, "it_power_kw") == "~10.7 MW"
        from tests.test_app_planning import plain

        assert "7.88–15.6 MW" in plain(app.metrics_panel)  # the range, on a line of its own


async def test_plus_and_minus_change_the_selected_count_and_the_figures(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down")  # the compute cabinets
        await pilot.press("plus", "plus")
        app = await settled(pilot)
        assert app.session.design.root.blocks[0].count == 130  # type: ignore[union-attr]
        assert shown(app, "chips") == "8,320"
        assert shown(app, "fp8_pflops") == "8.32 EF"
        assert app.metrics_panel.changes["fp8_pflops"] == "+128 PF"
        await pilot.press("minus")
        app = await settled(pilot)
        assert shown(app, "chips") == "8,256"


async def test_a_typed_count_applies_and_a_zero_count_is_refused_in_place(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "c")
        await pilot.pause()
        await pilot.press(*"100", "enter")
        app = await settled(pilot)
        assert shown(app, "chips") == "6,400"
        await pilot.press("c")
        await pilot.pause()
        await pilot.press("0", "enter")
        app = await settled(pilot)
        assert app.main_screen.last_error == "count must be at least 1, got 0 (remove the node instead)"
        assert "count must be at least 1" in str(app.screen.query_one("#editor-error").render())
        assert app.session.design.root.blocks[0].count == 100  # type: ignore[union-attr]
        assert shown(app, "chips") == "6,400"


async def test_undo_and_redo_every_edit(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus", "d")  # +1 cabinet, then duplicate the compute cabinets
        app = await settled(pilot)
        assert shown(app, "chips") == "16,512"  # 129 compute cabinets, twice
        await pilot.press("u")
        app = await settled(pilot)
        assert shown(app, "chips") == "8,256"
        await pilot.press("u")
        app = await settled(pilot)
        assert shown(app, "chips") == "8,192"
        assert not app.session.dirty
        await pilot.press("U")
        app = await settled(pilot)
        assert shown(app, "chips") == "8,256"


async def test_save_as_then_reload_gives_the_same_design(tmp_path):
    target = tmp_path / "pod.toml"
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        await pilot.press("ctrl+s")  # a preset has no file yet: Save asks where
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        field = app.screen.query_one(Input)
        field.value = str(target)
        await pilot.press("enter")
        app = await settled(pilot)
        assert not app.session.dirty
        assert load_design(target) == app.session.design
        assert str(target) in app.sub_title
        # the change column now measures from the saved state
        await pilot.press("plus")
        app = await settled(pilot)
        assert app.metrics_panel.changes["fp8_pflops"] == "+64.0 PF"
    async with make_app(tmp_path, str(target)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert shown(app, "chips") == "8,256"


async def test_save_as_with_shift_s_and_open_with_ctrl_o(tmp_path):
    target = tmp_path / "copy.toml"
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("S")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        app.screen.query_one(Input).value = str(tmp_path / "copy")  # .toml is added
        await pilot.press("enter")
        app = await settled(pilot)  # the save runs in a worker
        assert target.is_file() and app.session.file == target.resolve()
        await pilot.press("ctrl+o")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PathPrompt)
        prompt.query_one(Input).value = str(tmp_path / "missing.toml")
        await pilot.press("enter")
        await pilot.pause()
        assert str(prompt.query_one("#path-error").render()) == f"{tmp_path / 'missing.toml'}: no such file"
        prompt.query_one(Input).value = str(Path(__file__).parent.parent / "presets" / "cloudmatrix-384.toml")
        await pilot.press("enter")
        app = await settled(pilot)
        assert app.session.design.name == "CloudMatrix 384"
        assert app.session.file is not None and app.session.file.name == "cloudmatrix-384.toml"


async def test_a_failed_save_is_reported_in_the_app_and_keeps_the_edits(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        app.save_to(tmp_path / "no-such-folder" / "pod.toml")
        app = await settled(pilot)
        assert app.session.dirty
        folder = tmp_path / "no-such-folder"
        expected = (
            f"Could not save: {folder / 'pod.toml'}: cannot save the design: there is no folder {folder}"
        )
        assert expected in [n.message for n in app._notifications]


async def test_quitting_with_unsaved_changes_asks_first(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.press("escape")  # cancel: nothing lost
        await pilot.pause()
        assert app.is_running and app.session.dirty
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#choice-discard")
        await pilot.pause()
        assert not app.is_running


async def test_loading_a_preset_from_the_picker(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, PresetPicker)
        names = [str(r.value) for r in app.screen.query_one("DataTable").rows]  # type: ignore[attr-defined]
        for _ in range(names.index("gb200-nvl72")):
            await pilot.press("down")
        await pilot.press("enter")
        app = await settled(pilot)
        assert app.session.design.name == "GB200 NVL72"
        assert shown(app, "fp8_pflops") == "360 PF"
        assert shown(app, "fp4_pflops") == "720 PF"
        assert shown(app, "hbm_capacity_tb") == "13.4 TB"


async def test_swapping_910c_for_950dt_across_cloudmatrix(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert shown(app, "fp8_pflops") == "no FP8 units"
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, PartPicker)
        app.screen.query_one("#filter", Input).value = "910c"
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#filter", Input).value = "950dt"
        await pilot.pause()
        await pilot.press("enter")
        app = await settled(pilot)
        assert shown(app, "fp8_pflops") == "384 PF"
        assert shown(app, "hbm_capacity_tb") == "55.3 TB"


async def test_adding_a_part_from_the_catalog_browser(tmp_path):
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("p")  # on the rack at the top: p adds a part
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PartPicker)
        picker.query_one("#filter", Input).value = "800g twin optical"
        await pilot.pause()
        assert picker.query_one("DataTable").row_count == 1  # type: ignore[attr-defined]
        await pilot.press("enter")
        app = await settled(pilot)
        rack = app.session.design.root
        assert [p.part for p in rack.parts] == ["optic-800g"]
        assert app.screen.query_one(DesignTree).selected_path == (1,)  # after the compute trays


async def test_removing_and_adding_nodes(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "x")  # remove the compute cabinets
        app = await settled(pilot)
        assert shown(app, "chips") == "0"
        assert shown(app, "cabinets") == "0"  # no chips: the UB fabric derives no switches
        await pilot.press("a")  # selection moved to the supernode: what to add?
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        await pilot.click("#choice-cabinet")
        app = await settled(pilot)
        assert [c.name for c in app.session.design.root.blocks] == ["cabinet 1"]
        assert shown(app, "cabinets") == "1"


async def autosaved_then_crashed(tmp_path: Path) -> Design:
    """Edit, let the autosave write, and leave without saving; the edited design."""
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        app.autosave_now()
        await settled(pilot)
        edited = app.session.design
        app.exit()  # not a clean quit
    assert len(list((tmp_path / "data" / "autosave").glob("new-*.toml"))) == 1
    return edited


async def recovery_question(pilot: Pilot[None]) -> Confirm:
    from tests.test_app_safety import asked

    return await asked(pilot)


async def test_autosave_is_offered_back_after_a_crash(tmp_path):
    edited = await autosaved_then_crashed(tmp_path)
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        await recovery_question(pilot)
        await pilot.click("#choice-restore")
        app = await settled(pilot)
        assert app.session.design == edited
        assert app.session.dirty
        assert shown(app, "chips") == "8,256"


async def test_an_autosave_not_restored_is_kept_aside_not_overwritten(tmp_path):
    edited = await autosaved_then_crashed(tmp_path)
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        await recovery_question(pilot)
        await pilot.press("escape")  # dismissed without an answer
        await pilot.pause()
    [kept] = (tmp_path / "data").glob("recovered-*.toml")
    assert load_design(kept) == edited
    assert list((tmp_path / "data" / "autosave").iterdir()) == []


async def test_a_bad_design_file_is_reported_in_the_app_not_as_a_traceback(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nname = "x"\n[cabinet]\nname = "c"\ncount = -1\n')
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        app.load(bad, str(bad), True)
        app = await settled(pilot)  # the file is read in a worker
        assert app.session.design.name == "Atlas 950 SuperPoD"
        assert any("count must be at least 1, got -1" in n.message for n in app._notifications)


async def test_defining_a_custom_part(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "down", "n")  # on the 950DT entry
        await pilot.pause()
        app.screen.query_one("#form-id", Input).value = "my-950"
        app.screen.query_one("#form-hbm_gb", Input).value = "256"
        await pilot.click("#form-ok")
        await pilot.pause()
        assert app.session.design.parts["my-950"].figures["hbm_gb"].value == 256.0
        assert "my-950" in app.session.parts()


async def test_rename_with_r_and_a_count_typed_then_left_is_applied(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "r")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "field-name"
        await pilot.press(*"racks", "enter")  # the name is selected on focus: typing replaces it
        app = await settled(pilot)
        assert app.session.design.root.blocks[0].name == "racks"  # type: ignore[union-attr]
        await pilot.press("c")
        await pilot.pause()
        await pilot.press(*"200", "tab")  # leaving the field applies it: nothing typed is lost
        app = await settled(pilot)
        assert app.session.design.root.blocks[0].count == 200  # type: ignore[union-attr]
        assert len(app.session.undo_stack) == 2


async def test_the_command_palette_lists_every_action_once_and_matches_names(tmp_path):
    from textual.binding import Binding

    from ascend_tui.ui.commands import DesignCommands
    from ascend_tui.ui.main_screen import MainScreen

    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        provider = DesignCommands(app.screen)
        names = [name for name, _, _ in provider.commands()]
        assert len(names) == len(set(names))  # no duplicates
        bound = [b for b in [*MainScreen.BINDINGS, *AscendApp.BINDINGS] if isinstance(b, Binding)]
        assert len(names) == len(bound)  # every action of the screen and the app
        for wanted in ("Compare", "Targets", "Scale", "Chart", "Floor", "Rename", "Remove", "Count", "New"):
            assert wanted in names
        assert "Double the count" in names  # ×2 is named for what it does
        system = [c.title for c in app.get_system_commands(app.screen)]
        assert "Quit" not in system and "Keys" not in system  # listed once, from the keys
        matcher = provider.matcher("flo")
        assert [n for n in names if matcher.match(n) > 0] == ["Floor"]  # the help text is not matched


async def test_the_binary_memory_figure_is_shown_beside_the_decimal_one(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert shown(app, "hbm_capacity_tb") == "1.18 PB"
        from tests.test_app_planning import plain

        assert "1,152 TB" in plain(app.metrics_panel, 60)


async def test_pue_is_edited_on_the_top_node_and_the_notes_are_shown(tmp_path):
    async with make_app(tmp_path).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        assert "Huawei Atlas 950 SuperPoD" in str(app.screen.query_one("#design-notes").render())
        app.screen.query_one("#field-pue", Input).focus()
        await pilot.press(*"1.5", "enter")
        app = await settled(pilot)
        assert app.session.design.pue == 1.5
        assert shown(app, "facility_power_kw") == "~16.1 MW"
        app.screen.query_one("#field-pue", Input).focus()
        await pilot.press(*"0.5", "enter")
        app = await settled(pilot)
        assert app.main_screen.last_error == "pue must be between 1 and 5, got 0.5"
        assert app.session.design.pue == 1.5


def test_a_missing_file_fails_before_the_screen_opens(tmp_path):
    from ascend_tui.model.problems import DesignError

    with pytest.raises(DesignError, match="no preset or file named"):
        make_app(tmp_path, "nope")


async def test_a_design_saved_with_another_catalog_version_is_noted_on_opening(tmp_path):
    later = tmp_path / "later.toml"
    later.write_text('format = 1\ncatalog_version = 7\nname = "Later"\n[cabinet]\nname = "c"\n')
    async with make_app(tmp_path, str(later)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        [note] = [n for n in app._notifications if n.title == "Another catalog version"]
        assert note.message.startswith("'Later' was saved with catalog version 7, newer than this")


async def test_saving_a_hand_written_file_keeps_its_comments(tmp_path):
    from tests.test_keep_layout import HAND

    path = tmp_path / "pod.toml"
    path.write_text(HAND)
    async with make_app(tmp_path, str(path)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")  # the compute cabinets: 4 -> 5
        await settled(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not app.session.dirty
    assert path.read_text() == HAND.replace("count = 4\n", "count = 5\n")


async def test_a_file_in_an_older_format_is_rewritten_only_after_asking(tmp_path):
    from tests.test_keep_layout import HAND

    old = HAND.replace("format = 2\n", "format = 1\n").replace("scaleup = true\n", "")
    path = tmp_path / "pod.toml"
    path.write_text(old)
    async with make_app(tmp_path, str(path)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus")
        await settled(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, Confirm)
        assert app.screen.message == (
            f"{path} is a format 1 design file. Saving rewrites it as format 2, which versions of "
            "ascend-tui before it cannot open, and without its comments."
        )
        await pilot.click("#choice-cancel")
        await pilot.pause()
        assert path.read_text() == old and app.session.dirty
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.click("#choice-rewrite")
        await pilot.pause()
        assert not app.session.dirty
    assert path.read_text().startswith("format = 2\n")
    assert load_design(path) == app.session.design


async def test_saving_a_large_file_afresh_says_its_comments_went(tmp_path, monkeypatch):
    from ascend_tui.model import toml_format
    from ascend_tui.ui import app as app_module
    from tests.test_keep_layout import HAND

    limit = len(HAND.encode()) - 1  # as if the hand-written file were over the limit
    monkeypatch.setattr(toml_format, "KEEP_LAYOUT_MAX_BYTES", limit)
    monkeypatch.setattr(app_module, "KEEP_LAYOUT_MAX_BYTES", limit)
    path = tmp_path / "pod.toml"
    path.write_text(HAND)
    async with make_app(tmp_path, str(path)).run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("down", "plus", "ctrl+s")
        await pilot.pause()
        assert any("written afresh, without comments it had" in n.message for n in app._notifications)
    assert "#" not in path.read_text() and load_design(path) == app.session.design


async def test_save_as_over_another_file_replaces_it_whole(tmp_path):
    from tests.test_keep_layout import HAND

    other = tmp_path / "other.toml"
    other.write_text(HAND)  # someone else's design, with its comments
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("S")
        await pilot.pause()
        app.screen.query_one(Input).value = str(other)
        await pilot.press("enter")
        await pilot.pause()
        await recovery_question(pilot)  # it exists: replace it? (the same kind of question)
        await pilot.click("#choice-replace")
        app = await settled(pilot)  # the save runs in a worker
    assert "#" not in other.read_text() and load_design(other) == app.session.design


async def test_dollar_shows_the_costs_with_their_change_since_the_save(tmp_path):
    from ascend_tui.ui.widgets import CostPanel, MetricsPanel

    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        costs = app.main_screen.query_one(CostPanel)
        assert not costs.display and app.main_screen.query_one(MetricsPanel).display
        await pilot.press("dollar_sign")
        assert costs.display and not app.main_screen.query_one(MetricsPanel).display
        # 72 B200 at $35k; the NVL72 preset's plant is an in-rack CDU and its spare.
        assert costs.shown["capex_accelerators_usd"] == "~$2.52 M"
        assert costs.shown["pue"].endswith(" plant")
        await pilot.press("down", "minus")  # 17 compute trays: four B200 fewer
        app = await settled(pilot)
        assert costs.shown["capex_accelerators_usd"] == "~$2.38 M"
        assert costs.changes["capex_accelerators_usd"] == "−$140 k"
        assert costs.changes["capex_cabinets_usd"] == ""
        await pilot.press("dollar_sign")
        assert not costs.display


async def test_the_costs_say_what_span_the_tco_covers(tmp_path):
    """TCO counts the facility's build for the equipment's years only, so it can be below capex,
    which counts all of it: the panel says so, with the lives in force."""
    from ascend_tui.ui.widgets import CostPanel
    from tests.test_app_planning import plain

    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("dollar_sign")
        costs = app.main_screen.query_one(CostPanel)
        text = " ".join(plain(costs, costs.scrollable_content_region.width).split())
        assert "TCO spans the equipment's 5 years: the facility's build for 5 of its 15 years" in text


async def test_the_facility_dialog_states_a_setting_and_the_costs_follow(tmp_path):
    from ascend_tui.ui.views import FacilityDialog

    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        before = app.figures.totals if app.figures else None
        await pilot.press("F")
        dialog = app.screen
        assert isinstance(dialog, FacilityDialog)
        assert dialog.query_one("#form-electricity_usd_per_kwh", Input).placeholder == "0.081 US$/kWh"
        dialog.query_one("#form-electricity_usd_per_kwh", Input).value = "0.05"
        dialog.query_one("#form-redundancy", Input).value = "3N"
        await pilot.click("#form-ok")
        assert "Redundancy must be one of N, N+1, 2N" in str(dialog.query_one("#form-error").render())
        await pilot.pause(0.3)  # two clicks in quick succession would be a double click
        dialog.query_one("#form-redundancy", Input).value = "2N"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        facility = app.session.design.facility
        assert facility.figures["electricity_usd_per_kwh"].value == 0.05 and facility.redundancy == "2N"
        assert facility.cdu == "cdu-in-rack-100kw"  # the preset's own, kept
        after = app.figures.totals if app.figures else None
        assert before is not None and after is not None
        assert after["energy_cost_usd_per_year"] == pytest.approx(
            before["energy_cost_usd_per_year"] * 0.05 / 0.081
        )
        await pilot.press("u")  # one undo step takes it all back
        app = await settled(pilot)
        assert app.session.design.facility.redundancy is None
