"""The network view: fabrics drawn, edited live, and the bill of materials exported."""

from __future__ import annotations

from textual.widgets import DataTable, Input

from ascend_tui.report import bill_csv
from ascend_tui.ui.network import FabricDialog, NetworkScreen
from tests.test_app import SIZE, make_app, settled


def bill_rows(screen: NetworkScreen) -> dict[tuple[str, str], list[str]]:
    table = screen.query_one(DataTable)
    rows = [[str(cell) for cell in table.get_row_at(i)] for i in range(table.row_count)]
    return {(row[0], row[5]): row for row in rows}


async def test_b_draws_the_fabrics_and_lists_the_bill(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        await settled(pilot)
        await pilot.press("b")
        screen = pilot.app.screen
        assert isinstance(screen, NetworkScreen)
        drawn = screen.drawn
        assert "336 × ub-switch-l1, 16 ports" in drawn and "56 × ub-switch-l2, 48 ports" in drawn
        rows = bill_rows(screen)
        up = "scale-up fabric of supernode 'CloudMatrix 384': transceivers"
        out = "scale-out network of supernode 'CloudMatrix 384': transceivers"
        assert rows[("optic-400g-lpo", up)][1] == "5,376"  # one per end of 2,688 optical links
        assert rows[("optic-400g-lpo", out)][1] == "1,536"
        assert rows[("ascend-910c", "typed")][1:4] == ["384", "~307 kW", "~$10.8 M"]
        assert rows[("cdu-in-row-800kw", "cooling plant")][1] == "2"
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, NetworkScreen)


async def test_editing_a_fabric_recomputes_at_once_and_a_bad_value_keeps_the_dialog(tmp_path):
    async with make_app(tmp_path, "cloudmatrix-384").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("b", "o")  # the scale-out network of the selected (top) block
        dialog = app.screen
        assert isinstance(dialog, FabricDialog)
        dialog.query_one("#form-tiers", Input).value = "5"
        await pilot.click("#form-ok")
        assert "a fat tree here has 2 or 3 tiers" in str(dialog.query_one("#form-error").render())
        await pilot.pause(0.3)  # two clicks in quick succession would be a double click
        dialog.query_one("#form-tiers", Input).value = "2"
        dialog.query_one("#form-oversubscription", Input).value = "3"
        await pilot.click("#form-ok")
        app = await settled(pilot)
        fabric = app.session.design.root.scaleout_fabric
        assert fabric is not None and fabric.oversubscription == (3.0,)
        screen = app.screen
        assert isinstance(screen, NetworkScreen)
        # 384 ports, 96 down and 32 up per 128-port leaf: 4 leaves, 128 uplinks, 1 spine.
        drawn = screen.drawn
        assert "4 × nvidia-sn5600, 128 ports, 3:1 down:up" in drawn
        assert "128 links between tiers" in drawn
        await pilot.press("escape", "u")  # one undo takes the edit back
        app = await settled(pilot)
        back = app.session.design.root.scaleout_fabric
        assert back is not None and back.oversubscription == (1.0,)


async def test_x_exports_the_bill_as_csv_in_a_worker(tmp_path):
    async with make_app(tmp_path, "gb200-nvl72").run_test(size=SIZE) as pilot:
        app = await settled(pilot)
        await pilot.press("b", "x")
        target = tmp_path / "bill.csv"
        prompt = app.screen
        field = prompt.query_one(Input)
        field.value = str(target)
        field.focus()
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.01)
            if target.exists():
                break
        assert app.evaluation is not None
        assert target.read_text() == bill_csv(app.evaluation.bill())
        assert target.read_text().splitlines()[0].startswith("part,name,kind,derived_by,count,unit_price_usd")
        # Again, onto the file now there: the default answer keeps it.
        target.write_text("mine")
        await pilot.press("x")
        field = app.screen.query_one(Input)
        field.value = str(target)
        field.focus()
        await pilot.press("enter")
        for _ in range(200):
            await pilot.pause(0.01)
            if app.screen.query("#choice-cancel"):
                break
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert target.read_text() == "mine"
