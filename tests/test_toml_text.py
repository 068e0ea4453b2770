"""The direct TOML writer of large designs (model/toml_text.py, toml_format.design_chunks) writes
text that two TOML readers, the standard library's and rtoml, read back as exactly what was
written: the same strings, the same floats bit for bit, the same types; and a large design saved
through it, streamed to disk, loads back equal."""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ascend_tui.model import files, presets, toml_format, toml_text
from ascend_tui.model.design import Block, Design, PartCount
from ascend_tui.model.problems import DesignError
from tests.strategies import designs


def typed(value: object) -> object:
    """A value with its types and float bits made part of it (1 and 1.0, 0.0 and -0.0 differ);
    tables compare whatever their key order, as the writer puts values before subtables."""
    if isinstance(value, dict):
        return ("table", sorted((k, typed(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ("array", [typed(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    return (type(value).__name__, value)


def read_both(text: str) -> dict[str, Any]:
    """What both readers read, after checking they agree."""
    standard = tomllib.loads(text)
    assert typed(files.loads(text)) == typed(standard)
    return standard


STRINGS = [
    "",
    'a "quoted" name',
    "back\\slash \\n not a newline",
    "".join(chr(i) for i in range(32)) + "\x7f",  # every control character
    "tab\there",
    "line\nbreak\r\nand cr",
    "naïve café — 中文 😀 \u202e\u200d",
    "'single' and '''triple'''",
    '"""',
    "#not a comment",
    "\\u0041 stays six characters",
]
FLOATS = [0.1, 1e-300, 1e300, -0.0, 0.0, 5e-324, 1.7976931348623157e308, 1e16, 1e-5, 123456789.125, -2.5]


@pytest.mark.parametrize("value", STRINGS)
def test_strings_read_back_exactly(value):
    assert read_both(f"x = {toml_text.string(value)}\n") == {"x": value}


@pytest.mark.parametrize("value", [*FLOATS, math.inf, -math.inf])
def test_floats_read_back_bit_for_bit(value):
    read = read_both(f"x = {toml_text.value(value)}\n")["x"]
    assert type(read) is float and read.hex() == value.hex()


def test_nan_reads_back_as_nan():
    assert math.isnan(read_both(f"x = {toml_text.value(math.nan)}\n")["x"])


@pytest.mark.parametrize("value", [0, 1, -1, 2**63 - 1, -(2**63), True, False, [1, 2.5, "a", True], []])
def test_whole_numbers_booleans_and_arrays_keep_their_types(value):
    assert typed(read_both(f"x = {toml_text.value(value)}\n")["x"]) == typed(value)


@pytest.mark.parametrize("name", ["kunpeng-920", "a_b", "9", "", "a b", "a.b", 'q"', "é", "[x]", "a\nb"])
def test_keys_are_bare_only_where_toml_allows(name):
    written = toml_text.key(name)
    assert (written == name) == (name != "" and all(c.isascii() and (c.isalnum() or c in "-_") for c in name))
    assert read_both(f"{written} = 1\n") == {name: 1}


def test_a_value_of_another_type_is_refused():
    with pytest.raises(TypeError, match="no TOML text for a dict"):
        toml_text.value({"a": 1})


keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
scalars = (
    st.integers(-(2**63), 2**63 - 1)
    | st.floats()
    | st.booleans()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
)
tables = st.recursive(
    st.dictionaries(keys, scalars | st.lists(scalars, max_size=3), max_size=4),
    lambda inner: st.dictionaries(
        keys,
        inner | st.lists(inner, min_size=1, max_size=3) | scalars | st.lists(scalars, max_size=3),
        max_size=4,
    ),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_random_tables_read_back_exactly(data):
    lines: list[str] = []
    toml_text.table(lines, "root", data)
    assert typed(read_both("".join(lines))) == typed({"root": data})


@pytest.fixture
def every_design_is_large(monkeypatch):
    monkeypatch.setattr(toml_format, "FAST_WRITE_BLOCKS", 1)


def awkward_design() -> Design:
    """Names with quotes, backslashes, control characters and other scripts, and floats whose text
    is easy to get wrong."""
    cabinets = tuple(
        Block(
            "cabinet",
            name,
            scaleup=True,
            cooling="liquid",
            footprint_m2=0.1,
            power_overhead=-0.0 if i % 2 else 0.3,
            price_usd=1e-300 if i % 2 else 1e8,
            weight_kg=5e-324,
            parts=(PartCount("ascend-910c", 8),),
            source=name,
        )
        for i, name in enumerate(STRINGS[1:])
    )
    pod = Block("pod", 'pod "A"\\\x01', blocks=cabinets)
    return Design("awkward ☃", Block("cluster", "c\x1b[31m", blocks=(pod, replace(pod, name="pod B"))))


@pytest.mark.usefixtures("every_design_is_large")
def test_an_awkward_design_streams_to_disk_and_loads_back_equal(tmp_path):
    design = awkward_design()
    path = toml_format.save_design(design, tmp_path / "big.toml")
    text = path.read_text(encoding="utf-8")
    assert text == toml_format.dumps_design(design, tmp_path)
    assert toml_format.parse_design(text) == design
    cabinets = read_both(text)["cluster"]["pods"][0]["cabinets"]
    assert [c["name"] for c in cabinets] == STRINGS[1:]
    assert [c["power_overhead"].hex() for c in cabinets[:2]] == [(0.3).hex(), (-0.0).hex()]
    assert [c["price_usd"] for c in cabinets[:2]] == [1e8, 1e-300]
    assert cabinets[0]["weight_kg"] == 5e-324 and cabinets[0]["footprint_m2"] == 0.1


@settings(max_examples=60, deadline=None)
@given(designs())
def test_random_designs_stream_to_text_that_loads_back_equal(design):
    assert toml_format.parse_design("".join(toml_format.design_chunks(design))) == design


def test_a_large_design_is_written_in_pieces_of_bounded_size(monkeypatch):
    monkeypatch.setattr(toml_format, "CHUNK_LINES", 50)
    parts = (PartCount("ascend-910c", 8), PartCount("kunpeng-920", 2))
    cabinet = Block("cabinet", "c", scaleup=True, cooling="liquid", parts=parts)
    pods = tuple(Block("pod", f"pod {i}", blocks=(cabinet,) * 20) for i in range(10))
    design = Design("many", Block("cluster", "many", blocks=pods))
    chunks = list(toml_format.design_chunks(design))
    # the head, then pieces of 50 pieces of text (a header and its blank line are one) and at
    # most one block's more: a cabinet is 13 lines
    assert len(chunks) > 20 and all(50 <= c.count("\n") < 2 * (50 + 13) for c in chunks[1:-1])
    assert toml_format.parse_design("".join(chunks)) == design


@pytest.mark.usefixtures("every_design_is_large")
def test_a_failure_while_streaming_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    path = tmp_path / "big.toml"
    path.write_text("old text")

    def broken(design, folder=None):
        yield "format = 2\n"
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(toml_format, "design_chunks", broken)
    with pytest.raises(DesignError, match="cannot save the design: No space left on device"):
        toml_format.save_design(presets.load("gb200-nvl72"), path)
    assert path.read_text() == "old text" and [p.name for p in tmp_path.iterdir()] == ["big.toml"]


def test_streamed_text_past_the_size_limit_is_refused_and_the_old_file_stays(tmp_path):
    path = tmp_path / "big.toml"
    path.write_text("old text")
    with pytest.raises(DesignError, match="would be more than the 10 bytes ascend-tui reads"):
        files.write_chunks(path, iter(["12345", "678901"]), max_bytes=10)
    assert path.read_text() == "old text" and [p.name for p in tmp_path.iterdir()] == ["big.toml"]
