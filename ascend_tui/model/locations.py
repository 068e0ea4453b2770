"""Where ascend-tui keeps the user's own files, decided in one place.

Folders follow the platform's conventions (platformdirs); ASCEND_TUI_DATA_DIR moves the data
folder, and everything kept in it, elsewhere. Package data (the catalog, the presets) is read
with importlib.resources, not from here.
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "ascend-tui"


def data_dir() -> Path:
    """The user's data folder: autosaves and designs recovered from them."""
    override = os.environ.get("ASCEND_TUI_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def autosave_dir(data: Path | None = None) -> Path:
    """Where running apps autosave their designs, one slot each (see model/autosave.py)."""
    return (data or data_dir()) / "autosave"


def part_library_dir(data: Path | None = None) -> Path:
    """Where a user's own parts live, shared by all their designs (see model/library.py)."""
    return (data or data_dir()) / "parts"


def cache_dir() -> Path:
    """The user's cache folder for ascend-tui (NUMBA_CACHE_DIR, if set, still decides where
    compiled kernels go)."""
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
