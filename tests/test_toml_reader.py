"""The TOML reader (rtoml, with the standard library's reader for what it refuses) reads exactly
what the standard library reads: the same values, of the same types, in the same key order, and
the same errors with their lines. The fast writer for large designs writes what reads back as the
design."""

from __future__ import annotations

import math
import tomllib
from dataclasses import replace
from pathlib import Path

import pytest
import tomli_w
from hypothesis import given, settings
from hypothesis import strategies as st

from ascend_tui.model import files, presets, toml_format
from ascend_tui.model.problems import DesignError
from tests.strategies import designs

ROOT = Path(__file__).resolve().parent.parent
TOML_FILES = sorted(
    [
        *ROOT.glob("ascend_tui/presets/*.toml"),
        *ROOT.glob("tests/format1/*.toml"),
        *ROOT.glob("examples/*.toml"),
        ROOT / "ascend_tui/data/catalog.toml",
    ]
)


def exact(value: object) -> object:
    """A value with its types and key order made part of it (1 and 1.0, {a, b} and {b, a} differ)."""
    if isinstance(value, dict):
        return ("table", [(key, exact(v)) for key, v in value.items()])
    if isinstance(value, list):
        return ("array", [exact(v) for v in value])
    if isinstance(value, float):
        return ("float", "nan" if math.isnan(value) else value.hex())
    return (type(value).__name__, value)


@pytest.mark.parametrize("path", TOML_FILES, ids=lambda p: p.name)
def test_every_shipped_file_reads_as_the_standard_library_reads_it(path):
    text = path.read_text(encoding="utf-8")
    assert exact(files.loads(text)) == exact(tomllib.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        "a = 1\nb = 1.0\nc = -0.0\nd = inf\ne = nan\nf = 1e308\ng = 0.1\nh = 5e-324\n",
        "big = 99999999999999999999\n",  # past 64 bits: the standard library reads it
        "huge = 1e400\n",  # overflows to infinity in the standard library
        "x = 1_000\ny = 0x1F\nz = 0o17\nw = 0b101\n",
        's = "a\\tb\\u00e9\\U0001F600"\nm = """\nline\\\n  cont"""\nl = \'lit\\\'\n',
        "[z]\nb = 1\na = 2\n[z.y]\nc = 3\n[[arr]]\nx = 2\n[[arr]]\nx = 1\n",
        "p = { z = 1, a = 2 }\nq.r.s = 3\n",
        "d = 1979-05-27T07:32:00Z\nt = 07:32:00\nday = 1979-05-27\n",
    ],
)
def test_edge_values_read_exactly(text):
    assert exact(files.loads(text)) == exact(tomllib.loads(text))


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("a = 1\nb = \n", 2, 5),
        ("a = 1\na = 2\n", 2, 6),
        ("[a]\n[a]\n", 2, 3),
        ('x = "unterminated\n', 1, 18),
        ("a = 1\nx = 01\n", 2, 6),
        ("\n\n\nkey = value\n", 4, 7),
    ],
)
def test_errors_keep_the_standard_library_s_line_and_column(text, line, column):
    with pytest.raises(DesignError) as error:
        files.parse_toml(text, "bad.toml")
    problem = error.value.problems[0]
    assert (problem.line, problem.where) == (line, f"column {column}")
    with pytest.raises(tomllib.TOMLDecodeError) as stdlib:
        tomllib.loads(text)
    assert problem.message == f"TOML syntax error: {stdlib.value.args[0].rsplit(' (at', 1)[0]}"


keys = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
scalars = (
    st.integers(-(2**63), 2**63 - 1)
    | st.floats(allow_nan=False)
    | st.booleans()
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
)
documents = st.recursive(
    st.dictionaries(keys, scalars, max_size=4),
    lambda inner: st.dictionaries(
        keys, inner | st.lists(inner, max_size=3) | st.lists(scalars, max_size=3), max_size=4
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(documents)
def test_random_documents_read_as_the_standard_library_reads_them(document):
    text = tomli_w.dumps(document)
    assert exact(files.loads(text)) == exact(tomllib.loads(text))


@settings(max_examples=60, deadline=None)
@given(designs())
def test_large_designs_are_written_by_the_fast_writer_and_read_back_equal(design):
    fast = toml_format.FAST_WRITE_BLOCKS
    toml_format.FAST_WRITE_BLOCKS = 1  # every design counts as large
    try:
        text = toml_format.dumps_design(design)
    finally:
        toml_format.FAST_WRITE_BLOCKS = fast
    assert toml_format.parse_design(text) == design


@pytest.mark.parametrize("name", ["a\x1bb", "line\nbreak", "cr\r\nlf", 'q"uote\\', "\u202e", "[/]", "tab\t"])
def test_the_fast_writer_keeps_names_and_notes_exactly(monkeypatch, name):
    monkeypatch.setattr(toml_format, "FAST_WRITE_BLOCKS", 1)
    design = presets.load("gb200-nvl72")
    design = replace(design, name=name, notes=f"notes {name}\nmore", root=replace(design.root, name=name))
    assert toml_format.parse_design(toml_format.dumps_design(design)) == design
