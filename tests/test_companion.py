"""The columnar companion of a large design file: it gives back exactly the design and packing the
TOML gives, is used only while it belongs to the TOML beside it, and is ignored with a note (never
a crash) when it does not."""

from __future__ import annotations

import io
import json
import shutil
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from ascend_tui.cli import main
from ascend_tui.engine import companion
from ascend_tui.engine.evaluate import evaluate, run
from ascend_tui.engine.pack import pack
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.design import Block, Design, FloorLayout, PartCount, replace_at
from ascend_tui.model.toml_format import dumps_design, parse_design, save_design
from ascend_tui.model.validate import resolve_parts
from tests.strategies import designs


@pytest.fixture(autouse=True)
def every_design_gets_one(monkeypatch):
    monkeypatch.setattr(companion, "MIN_BLOCKS", 1)


def round_trip(design: Design, folder) -> companion.Opened:  # type: ignore[no-untyped-def]
    """Save a design, open it (writing its companion), then open it again through the companion."""
    catalog = load_catalog()
    path = folder / "design.toml"
    save_design(design, path)
    first = companion.load(str(path), catalog)
    assert companion.companion_path(path).exists()
    second = companion.load(str(path), catalog)
    assert second.note == "" and second.packed is not None
    assert second.design == first.design == parse_design(path.read_text(), catalog=catalog)
    again = pack(second.design, resolve_parts(second.design, catalog)[0], catalog)
    for name in companion.PACKED_ARRAYS:
        assert np.array_equal(getattr(second.packed, name), getattr(again, name)), name
    assert (second.packed.derived, second.packed.fabric_names) == (again.derived, again.fabric_names)
    assert [p.id for p in second.packed.parts] == [p.id for p in again.parts]
    assert run(second.packed).totals().as_dict() == run(again).totals().as_dict()
    return second


@pytest.mark.parametrize("name", ["atlas-950-superpod", "cloudmatrix-384", "gb200-nvl72", "h100-8gpu-server"])
def test_presets_come_back_exactly(name, tmp_path):
    design = presets.load(name)
    # a row layout, stated prices and weights, targets and a PUE travel too
    design = replace(design, floor=FloorLayout(cabinets_per_row=10), pue=1.3, targets={"min_fp8_ef": 1.0})
    round_trip(design, tmp_path)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(designs())
def test_random_designs_come_back_exactly(tmp_path, design):
    round_trip(design, tmp_path)
    for leftover in tmp_path.iterdir():
        leftover.unlink()


def a_layout(cabinets: int = 300) -> Design:
    cabs = tuple(
        Block(
            "cabinet",
            f"cab {i}\\n\u202e",  # names from files come back as written
            scaleup=True,
            cooling="liquid",
            footprint_m2=1.0 + i % 7,
            price_usd=None if i % 2 else 1000.0 + i,
            estimated=("footprint_m2",) if i % 3 else (),
            source="survey" if i % 5 else "",
            parts=(PartCount("ascend-950dt", 8 + i % 4), PartCount("kunpeng-920", 4)),
        )
        for i in range(cabinets)
    )
    return Design("layout", Block("cluster", "layout", blocks=(Block("pod", "p", 2, blocks=cabs),)))


def test_a_changed_toml_makes_its_companion_ignored_with_a_note_and_rewritten(tmp_path):
    catalog = load_catalog()
    path = tmp_path / "layout.toml"
    save_design(a_layout(), path)
    companion.load(str(path), catalog)
    old = companion.companion_path(path).read_bytes()
    changed = replace_at(a_layout(), (0, 0), lambda n: replace(n, count=5))
    path.write_text(dumps_design(changed))  # edited by hand, the companion left as it was
    opened = companion.load(str(path), catalog)
    assert opened.note.startswith("layout.columns.npz was ignored: the design file has changed since")
    assert opened.design == parse_design(path.read_text(), catalog=catalog)
    # the pod twice over, its first cabinet five times instead of once
    assert evaluate(opened.design).totals()["chips"] == 2 * (sum(8 + i % 4 for i in range(300)) + 4 * 8)
    assert companion.companion_path(path).read_bytes() != old  # written anew for the new text
    assert companion.load(str(path), catalog).note == ""


def tampered(path, change) -> None:  # type: ignore[no-untyped-def]
    """Rewrite one column of a companion, keeping its hash."""
    with np.load(io.BytesIO(path.read_bytes())) as npz:
        columns = {name: npz[name] for name in npz.files}
    change(columns)
    out = io.BytesIO()
    np.savez(out, **columns)
    path.write_bytes(out.getvalue())


@pytest.mark.parametrize(
    ("change", "why"),
    [
        (lambda c: c.update(p_leaf_part=c["p_leaf_part"] + 10**6), "its packed arrays are inconsistent"),
        (lambda c: c.update(p_kids=c["p_kids"][::-1].copy()), "its packed arrays are inconsistent"),
        (lambda c: c.update(p_count=c["p_count"] * 0), "its packed arrays are inconsistent"),
        (lambda c: c.update(b_blocks=c["b_blocks"] + 1), "it does not hold a design"),
        (lambda c: c.pop("names"), "it does not hold a design"),
        (lambda c: c.update(meta=np.frombuffer(json.dumps({"format": 99}).encode(), np.uint8)), "format 99"),
        (
            lambda c: c.update(
                meta=np.frombuffer(
                    json.dumps({**json.loads(c["meta"].tobytes()), "catalog_version": 1}).encode(), np.uint8
                )
            ),
            "written with catalog 1",
        ),
    ],
)
def test_a_companion_that_does_not_hold_together_is_ignored(tmp_path, change, why):
    catalog = load_catalog()
    path = tmp_path / "layout.toml"
    save_design(a_layout(), path)
    companion.load(str(path), catalog)
    tampered(companion.companion_path(path), change)
    opened = companion.load(str(path), catalog)
    assert why in opened.note
    assert opened.design == parse_design(path.read_text(), catalog=catalog)


@pytest.mark.parametrize("content", [b"", b"not a zip", b"PK\x03\x04" + b"\0" * 100])
def test_a_companion_that_is_not_one_is_ignored(tmp_path, content):
    path = tmp_path / "layout.toml"
    save_design(a_layout(), path)
    companion.companion_path(path).write_bytes(content)
    opened = companion.load(str(path), load_catalog())
    assert "was ignored: it cannot be read" in opened.note


def test_a_design_that_reuses_a_file_gets_no_companion(tmp_path):
    shutil.copy(presets.presets_dir() / "atlas-950-superpod.toml", tmp_path / "pod.toml")
    path = tmp_path / "cluster.toml"
    path.write_text(
        'format = 2\nname = "c"\n[cluster]\nname = "c"\n[[cluster.supernodes]]\nuse = "pod.toml"\ncount = 2\n'
    )
    opened = companion.load(str(path), load_catalog())
    assert opened.packed is None and not companion.companion_path(path).exists()


def test_eval_reads_through_the_companion_and_says_when_it_ignores_one(tmp_path, capsys):
    path = tmp_path / "layout.toml"
    save_design(a_layout(), path)
    assert main(["eval", str(path), "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert companion.companion_path(path).exists()
    assert main(["eval", str(path), "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == first and out.err == ""
    path.write_text(path.read_text() + "\n# a comment\n")
    assert main(["eval", str(path), "--json"]) == 0
    out = capsys.readouterr()
    assert json.loads(out.out) == first
    assert "note: layout.columns.npz was ignored: the design file has changed" in out.err
