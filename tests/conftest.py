"""Shared fixtures: the catalog and the presets."""

from __future__ import annotations

import os
import tomllib
from importlib import resources
from typing import Any

import pytest
from hypothesis import settings

from ascend_tui.model import presets
from ascend_tui.model.catalog import Catalog, load_catalog

# On CI the random designs are the same every run, so that a landing never hangs on a new draw;
# locally each run explores new ones (and keeps failures in .hypothesis/).
settings.register_profile("ci", derandomize=True, print_blob=True)
settings.load_profile("ci" if os.environ.get("CI") else "default")


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    return load_catalog()


@pytest.fixture
def shipped() -> dict[str, Any]:
    """The shipped catalog's TOML as data, for tests that change one part of it."""
    text = resources.files("ascend_tui.data").joinpath("catalog.toml").read_text(encoding="utf-8")
    return tomllib.loads(text)


@pytest.fixture(params=presets.preset_names())
def preset_name(request: pytest.FixtureRequest) -> str:
    return str(request.param)
