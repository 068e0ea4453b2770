"""Shared fixtures: the catalog and the presets."""

from __future__ import annotations

import pytest

from ascend_tui.model import presets
from ascend_tui.model.catalog import Catalog, load_catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture(params=presets.preset_names())
def preset_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
