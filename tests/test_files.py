"""Reading and writing user files: only regular files, sizes and depth checked before parsing,
UTF-8 (with or without a byte-order mark), and atomic saves that keep what users have."""

from __future__ import annotations

import os
import stat
import threading
import tomllib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascend_tui.model import presets
from ascend_tui.model.files import MAX_DEPTH, read_text, read_toml, too_deep, write_text
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import dumps_design, load_design, save_design

PRESET = presets.presets_dir() / "gb200-nvl72.toml"


def message(error: pytest.ExceptionInfo[DesignError]) -> str:
    return str(error.value)


# --- reading ---------------------------------------------------------------------------------


def test_a_folder_is_named_as_a_folder_not_a_missing_file(tmp_path):
    with pytest.raises(DesignError) as caught:
        load_design(tmp_path)
    assert message(caught) == f"{tmp_path}: this is a folder, not a design file; give the path of a file"


def test_a_named_pipe_is_refused_without_waiting_for_a_writer(tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    with pytest.raises(DesignError, match=r"this is a named pipe \(FIFO\), not a design file"):
        load_design(fifo)


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(DesignError) as caught:
        load_design(tmp_path / "absent.toml")
    assert message(caught) == f"{tmp_path / 'absent.toml'}: no such file"


def test_a_utf8_byte_order_mark_is_accepted(tmp_path):
    marked = tmp_path / "bom.toml"
    marked.write_bytes(b"\xef\xbb\xbf" + PRESET.read_bytes())
    assert load_design(marked) == load_design(PRESET)


@pytest.mark.parametrize(("encoding", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_other_encodings_are_named(tmp_path, encoding, name):
    other = tmp_path / "wide.toml"
    other.write_bytes(PRESET.read_text(encoding="utf-8").encode(encoding))  # with its byte-order mark
    with pytest.raises(DesignError) as caught:
        load_design(other)
    assert message(caught) == (
        f"{other}: the design file is {name} text (it starts with a {name} byte-order mark); save it as UTF-8"
    )


def test_bytes_that_are_not_utf8_are_placed(tmp_path):
    bad = tmp_path / "latin1.toml"
    bad.write_bytes(b'format = 1\nname = "caf\xe9"\n')
    with pytest.raises(DesignError) as caught:
        load_design(bad)
    assert message(caught) == (
        f"{bad}:2: not a text file in UTF-8: byte 0xe9 in column 12 cannot be read; "
        "save the design file as UTF-8 text"
    )


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(tmp_path):
    big = tmp_path / "big.toml"
    with big.open("wb") as f:
        f.truncate(300 * 2**20)  # sparse: no disk used
    with pytest.raises(DesignError) as caught:
        load_design(big)
    assert message(caught) == (
        f"{big}: the design file is 300.0 MB, more than the 256.0 MB ascend-tui reads; is it the right file?"
    )
    with pytest.raises(DesignError, match="the sweep spec is 1,000 bytes, more than the 100 bytes"):
        read_text(_file(tmp_path, "x" * 1000), "sweep spec", 100)


def _file(folder: Path, text: str) -> Path:
    path = folder / "f.toml"
    path.write_text(text)
    return path


def test_read_toml_gives_data_and_names_the_file_in_syntax_errors(tmp_path):
    assert read_toml(_file(tmp_path, "a = 1\n[b]\nc = [1, 2]\n")) == {"a": 1, "b": {"c": [1, 2]}}
    with pytest.raises(DesignError) as caught:
        read_toml(_file(tmp_path, "a = 1\nb = [\n"), "price table")
    assert message(caught) == f"{tmp_path / 'f.toml'}:2: end of file: TOML syntax error: Invalid value"


# --- nesting depth, measured before any parser runs ------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "a = " + "[" * 5000 + "]" * 5000 + "\n",
        "a = " + "{b = " * 5000 + "1" + "}" * 5000 + "\n",
        "a" + ".a" * 5000 + " = 1\n",
        "[" + ".".join(["t"] * 5000) + "]\n",
        "x = 1\n\ny = [\n" + "[\n" * 3000 + "]\n" * 3000 + "]\n",
    ],
    ids=["arrays", "inline-tables", "dotted-key", "table-header", "multi-line"],
)
def test_deep_nesting_is_refused_before_parsing(tmp_path, text, monkeypatch):
    def no_parser(*args: object) -> None:
        raise AssertionError("the parser ran")

    monkeypatch.setattr(tomllib, "loads", no_parser)
    with pytest.raises(DesignError) as caught:
        read_toml(_file(tmp_path, text))
    line = 66 if text.startswith("x") else 1  # where the 65th level opens
    assert message(caught) == (
        f"{tmp_path / 'f.toml'}:{line}: nested more than 64 levels deep "
        "(arrays, inline tables and dotted keys); no design needs that many"
    )


def test_brackets_in_strings_and_comments_do_not_count():
    text = (
        'a = "' + "[" * 5000 + '"\n'
        "b = '''" + "{" * 5000 + "\n]]]'''\n"
        "# " + "[" * 5000 + "\n"
        'c = """ \\""" [[[[ """\n'
        "d = [" * 1 + "[" * 10 + "]" * 10 + "]\n"
    )
    assert too_deep(text) is None
    assert tomllib.loads(text)["d"] == [[[[[[[[[[[]]]]]]]]]]]


def depth(value: Any) -> int:
    """How many containers deep a parsed value goes (the document itself is level 0)."""
    if isinstance(value, dict):
        return 1 + max((depth(v) for v in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(v) for v in value), default=0)
    return 0


keys = st.lists(st.sampled_from(["a", "b", '"q.x"', "'l[it]'", "c-d"]), min_size=1, max_size=4).map(".".join)
scalars = st.sampled_from(["1", "2.5", '"s]"', "'t{'", "true", '"""m\n[[\n"""', "1979-05-27"])


@st.composite
def values(draw: st.DrawFn, budget: int = 8) -> str:
    if budget <= 0:
        return draw(scalars)
    kind = draw(st.sampled_from(["scalar", "array", "table"]))
    if kind == "scalar":
        return draw(scalars)
    items = draw(st.lists(values(budget - 1), max_size=3))
    if kind == "array":
        sep = draw(st.sampled_from([", ", ",\n  # [[ comment\n  "]))
        return "[" + sep.join(items) + "]"
    # inline tables: unique single-segment keys, so that the table is valid
    return "{" + ", ".join(f"k{i}.{'x.' * i}v = {v}" for i, v in enumerate(items)) + "}"


@st.composite
def documents(draw: st.DrawFn) -> str:
    lines = []
    for i in range(draw(st.integers(1, 3))):
        header = draw(st.sampled_from(["", f"[t{i}]", f"[t{i}.{'u.' * i}w]", f"[[a{i}.r]]"]))
        if header:
            lines.append(header)
        lines.append(f"{draw(keys)}x{i} = {draw(values())}")
    return "\n".join(lines) + "\n"


@settings(max_examples=300, deadline=None)
@given(documents())
def test_the_depth_found_without_parsing_is_the_depth_parsed(text):
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return  # e.g. a dotted key that redefines a table: the parser's own error stands
    actual = depth(data)
    for limit in (actual - 1, actual):
        assert (too_deep(text, limit) is None) == (actual <= limit), (limit, actual)


def test_every_preset_is_well_within_the_depth_limit():
    for name in presets.preset_names():
        text = (presets.presets_dir() / f"{name}.toml").read_text(encoding="utf-8")
        assert too_deep(text, 8) is None
        assert depth(tomllib.loads(text)) <= 8 < MAX_DEPTH


# --- writing ---------------------------------------------------------------------------------


def test_a_saved_file_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "shared.toml"
    target.write_text("old")
    target.chmod(0o664)
    save_design(presets.load("gb200-nvl72"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o664
    target.chmod(0o600)
    save_design(presets.load("gb200-nvl72"), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o077, 0o600), (0o002, 0o664)])
def test_a_new_file_gets_the_users_umask(tmp_path, umask, mode):
    old = os.umask(umask)
    try:
        written = save_design(presets.load("gb200-nvl72"), tmp_path / "new.toml")
    finally:
        os.umask(old)
    assert stat.S_IMODE(written.stat().st_mode) == mode


def test_saving_through_a_symbolic_link_writes_the_file_it_names(tmp_path):
    real = tmp_path / "real" / "design.toml"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "link.toml"
    link.symlink_to(real)
    written = save_design(presets.load("gb200-nvl72"), link)
    assert link.is_symlink() and written == real.resolve()
    assert load_design(real) == presets.load("gb200-nvl72")


@pytest.mark.parametrize("kind", ["folder", "fifo"])
def test_saving_onto_something_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    target = tmp_path / "target.toml"
    if kind == "folder":
        target.mkdir()
    else:
        os.mkfifo(target)
    with pytest.raises(DesignError) as caught:
        save_design(presets.load("gb200-nvl72"), target)
    what = "a folder" if kind == "folder" else "a named pipe (FIFO)"
    assert message(caught) == f"{target}: this is {what}, not a file; save the design under another name"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["target.toml"]


def test_a_250_character_file_name_can_be_saved(tmp_path):
    target = tmp_path / ("d" * 245 + ".toml")
    written = save_design(presets.load("gb200-nvl72"), target)
    assert load_design(written) == presets.load("gb200-nvl72")
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_the_folder_is_flushed_after_the_rename(tmp_path, monkeypatch):
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync folder" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: Any, dst: Any) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(os, "replace", replace)
    write_text(tmp_path / "note.json", "{}", "note")
    assert events == ["fsync file", "rename", "fsync folder"]


def test_a_failed_save_leaves_the_old_file_whole_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "design.toml"
    target.write_text("my work")

    def broken_replace(src: str, dst: str) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(DesignError) as caught:
        save_design(presets.load("gb200-nvl72"), target)
    assert message(caught) == f"{target}: cannot save the design: No space left on device"
    assert target.read_text() == "my work"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.toml"]


def test_concurrent_saves_of_one_file_leave_one_whole_design(tmp_path):
    target = tmp_path / "design.toml"
    texts = [dumps_design(presets.load(name)) for name in ("gb200-nvl72", "cloudmatrix-384")]
    threads = [threading.Thread(target=write_text, args=(target, t)) for t in texts * 4]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert target.read_text() in texts
    assert [p.name for p in tmp_path.iterdir()] == ["design.toml"]


def test_the_command_line_names_a_folder_and_a_fifo(tmp_path, capsys):
    from ascend_tui.cli import main

    os.mkfifo(tmp_path / "pipe")
    assert main(["eval", str(tmp_path)]) == 2
    assert (
        capsys.readouterr().err
        == f"ascend-tui: {tmp_path}: this is a folder, not a design file; give the path of a file\n"
    )
    assert main(["eval", str(tmp_path / "pipe")]) == 2
    assert "this is a named pipe (FIFO), not a design file" in capsys.readouterr().err


def test_export_follows_a_link_and_refuses_a_folder_even_with_force(tmp_path, capsys):
    from ascend_tui.cli import main

    (tmp_path / "real.toml").write_text("old")
    (tmp_path / "link.toml").symlink_to(tmp_path / "real.toml")
    assert main(["export", "gb200-nvl72", "-o", str(tmp_path / "link.toml")]) == 2  # it exists: --force
    assert main(["export", "gb200-nvl72", "-o", str(tmp_path / "link.toml"), "--force"]) == 0
    assert (tmp_path / "link.toml").is_symlink()
    assert load_design(tmp_path / "real.toml") == presets.load("gb200-nvl72")
    (tmp_path / "folder.toml").mkdir()
    capsys.readouterr()
    assert main(["export", "gb200-nvl72", "-o", str(tmp_path / "folder.toml"), "--force"]) == 2
    assert "this is a folder, not a file; save the design under another name" in capsys.readouterr().err
