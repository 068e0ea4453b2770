"""The working design autosaved to the user's data folder, to offer back after a crash."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design
from ascend_tui.model.presets import load_file
from ascend_tui.model.problems import DesignError
from ascend_tui.model.toml_format import save_design


def data_dir() -> Path:
    """The user's data folder for ascend-tui (ASCEND_TUI_DATA_DIR overrides it)."""
    override = os.environ.get("ASCEND_TUI_DATA_DIR")
    return Path(override) if override else Path(platformdirs.user_data_dir("ascend-tui", appauthor=False))


@dataclass(frozen=True)
class Recovered:
    """An autosaved design and the file it was editing, if any."""

    design: Design
    file: Path | None
    saved_at: float


class Autosave:
    """One autosave slot: a design file plus a small note of which file it belongs to."""

    def __init__(self, folder: Path | None = None) -> None:
        self.folder = folder or data_dir()
        self.design_file = self.folder / "autosave.toml"
        self.note_file = self.folder / "autosave.json"

    def write(self, design: Design, file: Path | None) -> None:
        """Save the working design (atomically); errors are the caller's to show."""
        self.folder.mkdir(parents=True, exist_ok=True)
        save_design(design, self.design_file)
        note = json.dumps({"file": str(file) if file else None})
        tmp = self.note_file.with_suffix(".tmp")
        tmp.write_text(note, encoding="utf-8")
        os.replace(tmp, self.note_file)

    def read(self, catalog: Catalog | None = None) -> Recovered | None:
        """The autosaved design, or None if there is none (or it cannot be read)."""
        if not self.design_file.is_file():
            return None
        try:
            design = load_file(self.design_file, catalog)  # with the designs it reuses
            note = json.loads(self.note_file.read_text(encoding="utf-8")) if self.note_file.is_file() else {}
        except (DesignError, OSError, ValueError):
            return None
        file = note.get("file") if isinstance(note, dict) else None
        return Recovered(design, Path(file) if file else None, self.design_file.stat().st_mtime)

    def set_aside(self) -> Path:
        """Move the autosaved design to a file of its own (named for its time) and return it."""
        stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(self.design_file.stat().st_mtime))
        kept = self.folder / f"recovered-{stamp}.toml"
        os.replace(self.design_file, kept)
        self.note_file.unlink(missing_ok=True)
        return kept

    def clear(self) -> None:
        """Forget the autosave (after a save or a clean quit)."""
        for path in (self.design_file, self.note_file):
            path.unlink(missing_ok=True)
