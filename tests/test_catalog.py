"""The catalog: every figure sourced or an estimate, and the reference figures as published."""

from __future__ import annotations

from dataclasses import replace

import pytest

from ascend_tui.model import presets
from ascend_tui.model.catalog import ACCELERATOR_FIGURES, Catalog, CatalogChange, parse_catalog
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import parse_design
from ascend_tui.model.validate import catalog_figures_used, catalog_note

ASCEND = [
    "ascend-910b",
    "ascend-910c",
    "ascend-920",
    "ascend-950pr",
    "ascend-950dt",
    "ascend-960",
    "ascend-970",
]
NVIDIA = ["nvidia-h20", "nvidia-h100-sxm", "nvidia-h200-sxm", "nvidia-b200", "nvidia-b200-gb200"]


def test_every_chip_in_the_reference_file_is_in_the_catalog(catalog):
    for pid in [*ASCEND, *NVIDIA, "kunpeng-920", "nvidia-grace"]:
        assert pid in catalog.parts
    assert catalog.parts["ascend-920"].status == "rumoured"


def test_every_figure_has_a_source_or_is_an_estimate_with_a_rationale(catalog):
    for part in catalog.parts.values():
        for name, figure in part.figures.items():
            assert figure.source or (figure.estimate and figure.rationale), (part.id, name)
    for kind in catalog.cooling.values():
        assert kind.max_cabinet_kw.source or kind.max_cabinet_kw.rationale


def test_accelerators_state_every_figure(catalog):
    for part in catalog.parts.values():
        if part.kind == "accelerator":
            assert set(ACCELERATOR_FIGURES) <= set(part.figures), part.id


@pytest.mark.parametrize(
    ("pid", "figure", "value"),
    [
        # published-figures.md, Chips table
        ("ascend-910c", "bf16_tflops", 780.0),
        ("ascend-910c", "hbm_gb", 128.0),
        ("ascend-910c", "hbm_tbps", 3.2),
        ("ascend-910c", "scaleup_gbps", 784.0),
        ("ascend-950pr", "fp8_tflops", 1000.0),
        ("ascend-950pr", "hbm_gb", 128.0),
        ("ascend-950dt", "fp4_tflops", 2000.0),
        ("ascend-950dt", "hbm_gb", 144.0),
        ("ascend-950dt", "hbm_tbps", 4.0),
        ("ascend-960", "fp8_tflops", 2000.0),
        ("ascend-960", "hbm_gb", 288.0),
        ("ascend-960", "scaleup_gbps", 2200.0),
        ("ascend-970", "hbm_tbps", 14.4),
        ("nvidia-h100-sxm", "fp8_tflops", 1979.0),
        ("nvidia-h200-sxm", "hbm_gb", 141.0),
        ("nvidia-b200", "power_w", 1000.0),
        ("nvidia-b200-gb200", "fp4_tflops", 10000.0),
        ("nvidia-h20", "bf16_tflops", 148.0),
    ],
)
def test_published_chip_figures(catalog, pid, figure, value):
    f = catalog.parts[pid].figures[figure]
    assert f.value == value
    assert not f.estimate


def test_910c_records_the_other_published_bf16_values(catalog):
    note = catalog.parts["ascend-910c"].figures["bf16_tflops"].note
    assert "752" in note and "800" in note


def test_chips_without_fp8_units_say_so(catalog):
    for pid in ("ascend-910b", "ascend-910c"):
        assert not catalog.parts[pid].supports("fp8_tflops")
    assert not catalog.parts["nvidia-h100-sxm"].supports("fp4_tflops")
    assert catalog.parts["ascend-950dt"].supports("fp4_tflops")


def test_unpublished_huawei_power_is_marked_estimate(catalog):
    for pid in ASCEND:
        assert catalog.parts[pid].figures["power_w"].estimate, pid


def test_a_figure_without_source_or_estimate_is_refused():
    data = {"parts": {"x": {"kind": "cpu", "power_w": {"value": 10.0}}}}
    with pytest.raises(DesignError, match="needs a `source` or `estimate = true`"):
        parse_catalog(data, "test")


def test_an_estimate_without_rationale_is_refused():
    data = {"parts": {"x": {"kind": "cpu", "power_w": {"value": 10.0, "estimate": True}}}}
    with pytest.raises(DesignError, match="rationale"):
        parse_catalog(data, "test")


def test_the_catalog_records_the_figures_its_version_changed(catalog):
    assert catalog.version == 2
    assert [(c.part, c.figure, c.was) for c in catalog.changes] == [
        ("ub-switch-950", "power_w", 1000.0),
        ("optic-400g-lpo", "power_w", 8.0),
        ("optic-800g", "power_w", 14.0),
    ]


def with_change(catalog: Catalog, version: int, part: str, figure: str, was: float) -> Catalog:
    return replace(
        catalog, version=version, changes=(CatalogChange(version, part, figure, was, "new source"),)
    )


def test_recorded_changes_are_checked():
    base = {"version": 2, "parts": {"x": {"kind": "cpu", "power_w": {"value": 10.0, "source": "s"}}}}
    good = {"version": 2, "part": "x", "figure": "power_w", "was": 12, "why": "a datasheet"}
    catalog = parse_catalog({**base, "changes": [good]}, "test")
    assert catalog.changes == (CatalogChange(2, "x", "power_w", 12.0, "a datasheet"),)
    for bad, message in [
        ({**good, "version": 3}, "between 2 and the catalog's version"),
        ({**good, "part": "y"}, "no figure 'power_w' of a part 'y'"),
        ({**good, "was": "twelve"}, "`was` must be a number"),
        ({"version": 2, "part": "x"}, "exactly `version`, `part`, `figure`, `was` and `why`"),
    ]:
        with pytest.raises(DesignError, match=message):
            parse_catalog({**base, "changes": [bad]}, "test")


def test_a_design_from_another_catalog_version_says_which_figures_changed(catalog):
    design = presets.load("cloudmatrix-384")  # 910C, Kunpeng 920, UB switches, 400G LPO optics
    assert catalog_note(design, catalog) is None  # no version recorded: nothing to say
    assert catalog_note(replace(design, catalog_version=2), catalog) is None
    # Its fabrics derive 400G LPO optics, whose power catalog 2 changed.
    assert catalog_note(replace(design, catalog_version=1), catalog) == (
        "'CloudMatrix 384' was saved with catalog version 1; this is version 2, and figures it uses "
        "have changed: optic-400g-lpo Power, max: 8 -> 5 W (8 W is a DSP 400G module's power "
        "(NVIDIA's is 9 W); linear-drive modules draw about half an 800G LPO's ~8-9 W)"
    )
    unused = with_change(catalog, 3, "nvidia-b200", "power_w", 900.0)
    assert catalog_note(replace(design, catalog_version=2), unused) == (
        "'CloudMatrix 384' was saved with catalog version 2; this is version 3, "
        "and none of the figures it uses has changed since"
    )
    assert catalog_note(replace(design, catalog_version=3), catalog) == (
        "'CloudMatrix 384' was saved with catalog version 3, newer than this ascend-tui's (2); "
        "its figures may differ from the ones it was made with (upgrade ascend-tui)"
    )


def test_a_change_a_custom_part_overrides_is_not_reported(catalog):
    design = parse_design(
        'format = 2\ncatalog_version = 2\nname = "d"\n'
        '[parts.mine]\nbase = "ascend-950dt"\nhbm_gb = 256\n'
        '[cabinet]\nname = "c"\nscaleup = true\n[cabinet.parts]\nmine = 8\n'
    )
    assert design.catalog_version == 2
    assert ("ascend-950dt", "hbm_gb") not in catalog_figures_used(design, catalog)
    assert ("ascend-950dt", "fp8_tflops") in catalog_figures_used(design, catalog)
    hidden = with_change(catalog, 3, "ascend-950dt", "hbm_gb", 128.0)
    assert "none of the figures it uses has changed" in str(catalog_note(design, hidden))
    seen = with_change(catalog, 3, "ascend-950dt", "fp8_tflops", 900.0)
    assert "ascend-950dt FP8: 900 -> 1000 TFLOP/s" in str(catalog_note(design, seen))
