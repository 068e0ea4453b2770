"""Presets: TOML designs of real systems, named by file stem."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design
from ascend_tui.model.problems import DesignError, Problem, did_you_mean
from ascend_tui.model.toml_format import load_design

DEFAULT_PRESET = "atlas-950-superpod"


def presets_dir() -> Path:
    """The presets shipped inside the package (`ascend_tui/presets`), read like the catalog, with
    importlib.resources; a source checkout's top-level `presets/` is a link to the same folder."""
    folder = resources.files("ascend_tui.presets")
    if not isinstance(folder, Path):  # e.g. imported from a zip: presets are opened as files
        raise RuntimeError(f"ascend-tui must be installed as files to open its presets, not from {folder}")
    return folder


def preset_names() -> list[str]:
    """Every preset's name (file stem), sorted."""
    return sorted(p.stem for p in presets_dir().glob("*.toml"))


def resolve(name_or_path: str) -> Path:
    """A design file from a preset name or a path; DesignError names the presets if neither."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            raise DesignError([Problem("", "no such file")], str(path))
        return path
    preset = presets_dir() / f"{name_or_path}.toml"
    if preset.is_file():
        return preset
    hint = did_you_mean(name_or_path, preset_names(), "`ascend-tui presets` lists them")
    raise DesignError([Problem("", f"no preset or file named {name_or_path!r}; {hint}")])


def load(name_or_path: str, catalog: Catalog | None = None) -> Design:
    """Load a preset by name, or a design file by path."""
    return load_design(resolve(name_or_path), catalog)
