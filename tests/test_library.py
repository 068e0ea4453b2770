"""The user's part library: parts kept in the data folder, offered to every design."""

from __future__ import annotations

import pytest

from ascend_tui.model import library, presets
from ascend_tui.model.design import CustomPart
from ascend_tui.model.figures import Figure
from ascend_tui.model.problems import DesignError
from ascend_tui.model.session import Session

MINE = CustomPart(
    "my-950",
    base="ascend-950dt",
    name="950DT, 256 GB",
    figures={
        "hbm_gb": Figure(256.0, source="vendor briefing, 2026"),
        "power_w": Figure(
            900.0, estimate=True, low=800.0, high=1000.0, rationale="guess from the 144 GB part"
        ),
    },
)


def test_a_kept_part_comes_back_with_its_sources_and_estimates(tmp_path, catalog):
    session = Session(presets.load("atlas-950-superpod"), catalog)
    session.define_part(MINE)
    file = library.keep("my-950", session.design, catalog, tmp_path)
    assert file == tmp_path / "parts" / "library.toml"
    kept = library.load_library(catalog, tmp_path)
    assert kept == {"my-950": MINE}
    assert kept["my-950"].figures["power_w"].rationale == "guess from the 144 GB part"
    assert kept["my-950"].figures["hbm_gb"].source == "vendor briefing, 2026"


def test_a_part_based_on_another_own_part_keeps_its_base(tmp_path, catalog):
    session = Session(presets.load("atlas-950-superpod"), catalog)
    session.define_part(MINE)
    bigger = CustomPart("my-950-big", base="my-950", figures={"hbm_gb": Figure(512.0)})
    session.define_part(bigger)
    library.keep("my-950-big", session.design, catalog, tmp_path)
    assert set(library.load_library(catalog, tmp_path)) == {"my-950", "my-950-big"}


def test_another_design_brings_what_it_needs_from_the_library(tmp_path, catalog):
    session = Session(presets.load("atlas-950-superpod"), catalog)
    session.define_part(MINE)
    library.keep("my-950", session.design, catalog, tmp_path)
    mine = library.load_library(catalog, tmp_path)
    other = Session(presets.load("cloudmatrix-384"), catalog)
    bring = library.bring(other.design, mine, "my-950")
    assert bring == {"my-950": MINE}
    other.set_part((0, 0, 0), "my-950", bring)  # one edit: the part and its use
    assert other.design.parts["my-950"] == MINE
    other.undo()
    assert "my-950" not in other.design.parts
    assert library.bring(other.design, mine, "ascend-950dt") == {}  # a catalog part: nothing to bring
    other.define_part(CustomPart("my-950", base="ascend-910c"))
    with pytest.raises(DesignError, match="has its own, different part 'my-950'"):
        library.bring(other.design, mine, "my-950")


def test_only_a_design_s_own_part_can_be_kept(tmp_path, catalog):
    design = presets.load("atlas-950-superpod")
    with pytest.raises(DesignError, match="only a design's own parts can be kept"):
        library.keep("ascend-950dt", design, catalog, tmp_path)
    assert library.load_library(catalog, tmp_path) == {}
