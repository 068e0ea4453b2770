"""Autosave slots: one per design file or per instance, locked while their app runs, offered back
when it is gone, never overwritten or deleted by another app."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ascend_tui.model import locations, presets
from ascend_tui.model.autosave import Autosave
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import load_design

POD = presets.load("gb200-nvl72")
CM = presets.load("cloudmatrix-384")


def test_a_design_file_has_one_slot_and_a_second_app_on_it_gets_its_own(tmp_path):
    first, second = Autosave(tmp_path), Autosave(tmp_path)
    mine = first.claim(tmp_path / "pod.toml")
    theirs = second.claim(tmp_path / "pod.toml")
    assert mine.key.startswith("file-") and theirs.key.startswith("new-")
    assert Autosave(tmp_path).claim(tmp_path / "other.toml").key.startswith("file-")


def test_unsaved_designs_get_a_slot_per_instance(tmp_path):
    a, b = Autosave(tmp_path).claim(None), Autosave(tmp_path).claim(None)
    a.write(POD, None, "preset gb200-nvl72", 1)
    b.write(CM, None, "preset cloudmatrix-384", 1)
    b.release(keep=False)  # a clean quit of one
    assert load_design(a.design_file) == POD  # leaves the other's work alone
    assert not b.design_file.exists()


def test_a_running_apps_slot_is_not_an_orphan_and_a_released_one_is(tmp_path):
    running = Autosave(tmp_path).claim(None)
    running.write(POD, None, "preset gb200-nvl72", 1)
    gone = Autosave(tmp_path).claim(tmp_path / "cm.toml")
    gone.write(CM, tmp_path / "cm.toml", str(tmp_path / "cm.toml"), 1)
    gone.release(keep=True)
    [orphan] = Autosave(tmp_path).orphans()
    assert orphan.design == CM and orphan.note.file == tmp_path / "cm.toml"
    assert orphan.note.describe() == str(tmp_path / "cm.toml")
    assert Autosave(tmp_path).orphans() == []  # offered by one app at a time: it holds the lock
    orphan.slot.release(keep=True)
    assert [o.design for o in Autosave(tmp_path).orphans()] == [CM]


def test_an_older_design_never_overwrites_a_newer_one(tmp_path):
    slot = Autosave(tmp_path).claim(None)
    assert slot.write(CM, None, "x", 5)
    assert not slot.write(POD, None, "x", 4)  # a worker that finished late
    assert load_design(slot.design_file) == CM
    slot.clear(upto=4)  # a save of version 4 does not clear the newer autosave
    assert slot.design_file.exists()
    slot.clear(upto=5)
    assert not slot.design_file.exists()
    slot.release(keep=False)
    assert not slot.write(POD, None, "x", 9)  # nothing is written after the slot is released
    assert list(slot.folder.iterdir()) == []


def test_setting_aside_never_replaces_another_file(tmp_path):
    kept = []
    for design in (POD, CM, POD):
        slot = Autosave(tmp_path).claim(None)
        slot.write(design, None, "x", 1)
        os.utime(slot.design_file, (1_700_000_000, 1_700_000_000))  # all from the same second
        kept.append(slot.set_aside(tmp_path))
    assert len(set(kept)) == 3
    assert [load_design(k) for k in kept] == [POD, CM, POD]
    assert kept[1].name.endswith("-2.toml")


def test_the_note_is_written_atomically(tmp_path, monkeypatch):
    slot = Autosave(tmp_path).claim(None)
    slot.write(POD, None, "preset gb200-nvl72", 1)
    note = slot.note_file.read_text()
    real_replace = os.replace

    def fail_on_the_note(src: str, dst: str) -> None:
        if str(dst).endswith(".json"):
            raise OSError(28, "No space left on device")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", fail_on_the_note)
    with pytest.raises(DesignError, match="cannot save the autosave note: No space left on device"):
        slot.write(CM, None, "preset cloudmatrix-384", 2)
    assert slot.note_file.read_text() == note
    assert sorted(p.suffix for p in slot.folder.iterdir()) == [".json", ".lock", ".toml"]


def test_an_unreadable_autosave_is_an_orphan_with_its_problem(tmp_path):
    slot = Autosave(tmp_path).claim(None)
    slot.design_file.write_text("format = 1\n[cabinet\n")
    slot.note_file.write_text("[" * 100_000)  # a note that is not JSON, or too deep for it
    slot.release(keep=True)
    [orphan] = Autosave(tmp_path).orphans()
    assert orphan.design is None and "TOML syntax error" in orphan.problem
    assert orphan.note.source == "an earlier session"


def test_the_autosave_of_an_earlier_version_is_adopted(tmp_path):
    (tmp_path / "autosave.toml").write_text((presets.presets_dir() / "gb200-nvl72.toml").read_text())
    (tmp_path / "autosave.json").write_text('{"file": "/home/me/pod.toml"}')
    [orphan] = Autosave(tmp_path).orphans()
    assert orphan.design == POD and orphan.note.file == Path("/home/me/pod.toml")
    assert not (tmp_path / "autosave.toml").exists()


def test_folders_are_decided_in_one_place(tmp_path, monkeypatch):
    monkeypatch.setenv("ASCEND_TUI_DATA_DIR", str(tmp_path / "mine"))
    assert locations.data_dir() == tmp_path / "mine"
    assert Autosave().folder == locations.autosave_dir() == tmp_path / "mine" / "autosave"
    assert locations.part_library_dir() == tmp_path / "mine" / "parts"
    monkeypatch.delenv("ASCEND_TUI_DATA_DIR")
    assert locations.data_dir().name == locations.cache_dir().name == "ascend-tui"
