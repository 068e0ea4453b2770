"""Lint, types, import layers, and the engine suite with the JIT off, as part of the test run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    found = shutil.which(name, path=str(BIN)) or shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed: pip install -e '.[test]' --group dev")
    return found


def check(*command: str, env: dict[str, str] | None = None) -> None:
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]


def test_ruff_lint():
    check(tool("ruff"), "check", ".")


def test_ruff_format():
    check(tool("ruff"), "format", "--check", ".")


def test_mypy_strict_on_the_package():
    check(tool("mypy"))


def test_import_layers():
    check(tool("lint-imports"))


def test_the_suite_passes_with_the_jit_off():
    env = {**os.environ, "NUMBA_DISABLE_JIT": "1"}
    check(
        sys.executable,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:cacheprovider",
        "--ignore=tests/test_quality.py",
        env=env,
    )
