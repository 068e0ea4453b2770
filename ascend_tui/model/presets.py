"""Presets: TOML designs of real systems, named by file stem."""

from __future__ import annotations

from pathlib import Path

from ascend_tui.model.catalog import Catalog
from ascend_tui.model.design import Design
from ascend_tui.model.files import file_problem
from ascend_tui.model.problems import DesignError, Problem, did_you_mean
from ascend_tui.model.text import quoted
from ascend_tui.model.toml_format import load_design

DEFAULT_PRESET = "atlas-950-superpod"


def presets_dir() -> Path:
    """Where presets live: inside the installed package, or at the top of a source checkout."""
    here = Path(__file__).resolve().parent.parent
    for candidate in (here / "presets", here.parent / "presets"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("no presets folder found beside the ascend_tui package")


def preset_names() -> list[str]:
    """Every preset's name (file stem), sorted."""
    return sorted(p.stem for p in presets_dir().glob("*.toml"))


def resolve(name_or_path: str) -> Path:
    """A design file from a preset name or a path; DesignError names the presets if neither, or
    says what is wrong with the path (missing, a folder, a FIFO...)."""
    path = Path(name_or_path)
    if path.suffix == ".toml" or path.exists():
        why = file_problem(path)
        if why:
            raise DesignError([Problem("", why)], str(path))
        return path
    preset = presets_dir() / f"{name_or_path}.toml"
    if preset.is_file():
        return preset
    hint = did_you_mean(name_or_path, preset_names(), "`ascend-tui presets` lists them")
    raise DesignError([Problem("", f"no preset or file named {quoted(name_or_path)}; {hint}")])


def load(name_or_path: str, catalog: Catalog | None = None) -> Design:
    """Load a preset by name, or a design file by path."""
    return load_design(resolve(name_or_path), catalog)
