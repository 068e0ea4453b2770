"""A large design read in pieces (toml_format.read_in_pieces: one child of the top block at a
time, so that a million cabinets never sit in memory as TOML data at once) is exactly the design
the whole text reads as, and any text it cannot vouch for is read whole, with the same errors
and lines."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from ascend_tui.model import files, presets, toml_format
from ascend_tui.model.design import Block, Design, PartCount
from ascend_tui.model.problems import DesignError
from tests.strategies import designs
from tests.test_fuzz import TEXTS, mutations


def layout(pods: int = 4, cabinets: int = 3) -> Design:
    """A cluster of pods of distinct cabinets, as the large layouts are."""
    return Design(
        "layout",
        Block(
            "cluster",
            "layout",
            blocks=tuple(
                Block(
                    "pod",
                    f"pod {p}",
                    blocks=tuple(
                        Block(
                            "cabinet",
                            f"cab {p}-{c}",
                            scaleup=True,
                            cooling="liquid",
                            footprint_m2=1.5 + c,
                            parts=(PartCount("ascend-910c", 8 + c), PartCount("kunpeng-920", 2)),
                        )
                        for c in range(cabinets)
                    ),
                )
                for p in range(pods)
            ),
        ),
    )


def written(design: Design) -> str:
    """The design's text as a large design's (design_chunks)."""
    return "".join(toml_format.design_chunks(design))


def whole(text: str) -> Design | str:
    """What the whole text reads as (the design, or the error's message), pieces never tried."""
    saved = toml_format.PIECES_MIN_BYTES
    toml_format.PIECES_MIN_BYTES = 10**12
    try:
        return toml_format.parse_design(text, "x.toml")
    except DesignError as error:
        return str(error)
    finally:
        toml_format.PIECES_MIN_BYTES = saved


def in_pieces(text: str) -> Design | str:
    """What parse_design gives with every text large enough to be tried in pieces."""
    saved = toml_format.PIECES_MIN_BYTES
    toml_format.PIECES_MIN_BYTES = 0
    try:
        return toml_format.parse_design(text, "x.toml")
    except DesignError as error:
        return str(error)
    finally:
        toml_format.PIECES_MIN_BYTES = saved


@pytest.fixture
def pieces_always(monkeypatch):
    monkeypatch.setattr(toml_format, "PIECES_MIN_BYTES", 0)


@pytest.mark.usefixtures("pieces_always")
def test_a_layout_the_tool_wrote_is_read_in_pieces_as_the_design_it_was():
    design = layout()
    text = written(design)
    assert toml_format.read_in_pieces(text) == design == whole(text)


@pytest.mark.usefixtures("pieces_always")
def test_a_child_s_tables_may_be_written_in_any_valid_way():
    text = written(layout()).replace("[[cluster.pods.cabinets]]\n", "[[ cluster . pods . cabinets ]] # c\r\n")
    text = text.replace("[cluster.pods.cabinets.parts]\n", "parts = {}\n[cluster.pods.cabinets.parts]\n", 1)
    assert toml_format.read_in_pieces(text) is None  # the tables twice: refused, as whole
    text = text.replace("parts = {}\n", "", 1).replace("ascend-910c = 8", '"ascend-910c" = 8')
    assert toml_format.read_in_pieces(text) == whole(text) == layout()


def test_a_small_text_is_read_whole():
    assert toml_format.read_in_pieces(written(layout())) is None


@pytest.mark.usefixtures("pieces_always")
@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(designs())
def test_random_designs_read_in_pieces_as_they_read_whole(design):
    text = written(design)
    assert toml_format.parse_design(text) == design
    read = toml_format.read_in_pieces(text)
    assert read is None or read == design


TAIL = '\n[[cluster.pods]]\nname = "late"\n'


@pytest.mark.usefixtures("pieces_always")
@pytest.mark.parametrize(
    ("change", "why"),
    [
        (
            lambda t: t.replace('name = "layout"\n', f'name = "layout"\nnotes = """{TAIL}"""\n', 1),
            "a header in notes",
        ),
        (lambda t: t + "\n[targets]\nmin_fp8_ef = 1.0\n", "a table after the children"),
        (
            lambda t: t + '\n[cluster.scaleout_fabric]\ntopology = "fat-tree"\n',
            "the top block's table after them",
        ),
        (lambda t: t.replace("[cluster]\n", "[cluster]\npods = []\n", 1), "the children's key in the head"),
        (lambda t: t.replace("\n", "\r\n"), "CRLF line ends"),
        (lambda t: t.replace("format = 2", "format = 1", 1), "format 1"),
        (
            lambda t: t.replace('name = "cab 1-1"', 'name = """\n[[cluster.pods]]\n"""', 1),
            "a header inside a string",
        ),
        (
            lambda t: t.replace('name = "cab 1-1"', "name = [\n[[cluster.pods]]\n]", 1),
            "a header inside an array",
        ),
        (lambda t: t.replace("[[cluster.pods]]\n", "[[cluster.pods]] # a pod\n", 1), "a comment on a header"),
        (
            lambda t: t.replace('[cluster]\nname = "layout"\n', 'cluster = { name = "layout" }\n', 1),
            "inline top",
        ),
    ],
    ids=lambda x: x if isinstance(x, str) else "",
)
def test_text_not_in_the_written_form_is_read_whole(change, why):
    text = change(written(layout()))
    assert toml_format.read_in_pieces(text) is None, why
    assert in_pieces(text) == whole(text)


@pytest.mark.usefixtures("pieces_always")
@pytest.mark.parametrize(
    "change",
    [
        lambda t: t.replace("kunpeng-920 = 2", "kunpeng-92O = 2"),  # found by the checks
        lambda t: t.replace('name = "cab 2-1"\ncount = 1', 'name = "cab 2-1"\ncount = 0', 1),  # by the reader
        lambda t: t.replace('name = "cab 2-1"', 'name = "cab 2-1"\nname = "again"', 1),  # not TOML
        lambda t: t.replace('name = "pod 3"', 'name = "pod 3"\nwatts = 5', 1),  # an unknown key
        lambda t: t.replace('cooling = "liquid"', 'cooling = "liquid"\n[cluster.pods.cabinets.parts]', 1),
        lambda t: t + "\n[[cluster.pods.cabinets]]\n" + "x = " + "[" * 80 + "]" * 80 + "\n",  # too deep
        lambda t: t.replace("[cluster]\n", '[cluster]\nuse = "gb200-nvl72"\n', 1),
    ],
)
def test_a_bad_file_gives_the_same_problems_and_lines_either_way(change):
    text = change(written(layout()))
    assert isinstance(whole(text), str) and in_pieces(text) == whole(text)


def test_a_layout_checked_in_pieces_keeps_the_lines_of_its_problems(pieces_always):
    text = written(layout()).replace("kunpeng-920 = 2", "kunpeng-92O = 2")
    message = in_pieces(text)
    lines = [i + 1 for i, line in enumerate(text.splitlines()) if line == "kunpeng-92O = 2"]
    assert isinstance(message, str) and [f"x.toml:{n}:" in message for n in lines] == [True] * len(lines)


@settings(max_examples=150, deadline=None)
@given(mutations({**TEXTS, "layout": "".join(toml_format.design_chunks(layout(3, 2)))}))
def test_mutated_texts_read_the_same_in_pieces_and_whole(text):
    assert in_pieces(text) == whole(text)


def test_a_design_file_is_opened_in_pieces_through_the_usual_door(tmp_path, monkeypatch):
    monkeypatch.setattr(toml_format, "PIECES_MIN_BYTES", 0)
    calls = []
    real = toml_format.read_in_pieces
    monkeypatch.setattr(toml_format, "read_in_pieces", lambda *a: calls.append(1) or real(*a))
    design = replace(layout(), notes="two\nlines")
    path = tmp_path / "big.toml"
    files.write_text(path, written(design))
    assert presets.load_file(path) == design and calls == [1]
