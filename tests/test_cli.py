"""The headless command line: output, exit codes, and a --help that does not load numba."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

import ascend_tui
from ascend_tui.cli import COMMANDS, JSON_SCHEMA, _command_parser, main
from ascend_tui.model import presets
from ascend_tui.model.catalog import load_catalog
from ascend_tui.model.metrics import METRICS
from ascend_tui.model.toml_format import load_design

ROOT = Path(__file__).resolve().parent.parent
REQUIRED_KEYS = (
    "chips",
    "cpus",
    "cabinets",
    "supernodes",
    "fp8_pflops",
    "fp4_pflops",
    "bf16_pflops",
    "hbm_capacity_tb",
    "hbm_bandwidth_tbps",
    "scaleup_bandwidth_tbps",
    "it_power_kw",
    "facility_power_kw",
    "floor_area_m2",
)


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_eval_json_has_the_documented_keys_and_exact_figures(capsys):
    code, out, _ = run_cli(capsys, "eval", "atlas-950-superpod", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(REQUIRED_KEYS) <= set(data)
    assert data["design"] == "Atlas 950 SuperPoD"
    assert (data["chips"], data["cabinets"], data["supernodes"]) == (8192, 160, 1)
    assert data["fp8_pflops"] == 8192.0
    assert data["floor_area_m2"] == 1000.0
    assert data["hbm_capacity_tb_binary"] == 1152.0
    assert "it_power_kw" in data["estimated"]


def test_eval_reads_a_design_file_by_path(capsys, tmp_path):
    assert run_cli(capsys, "export", "gb200-nvl72", "-o", str(tmp_path / "nvl.toml"))[0] == 0
    code, out, _ = run_cli(capsys, "eval", str(tmp_path / "nvl.toml"), "--json")
    assert code == 0 and json.loads(out)["chips"] == 72


def test_eval_prints_a_readable_table(capsys):
    code, out, _ = run_cli(capsys, "eval", "cloudmatrix-384")
    assert code == 0
    assert "no FP8 units" in out
    assert "300 PF" in out
    assert "~501 kW (380–599 kW)" in out  # IT power with the range its estimates give


def test_eval_reports_targets_and_check_fails_when_one_is_missed(capsys, tmp_path):
    design = replace(
        presets.load("atlas-950-superpod"), targets={"min_fp8_ef": 8.0, "max_floor_area_m2": 900.0}
    )
    path = tmp_path / "pod.toml"
    from ascend_tui.model.toml_format import save_design

    save_design(design, path)
    code, out, _ = run_cli(capsys, "eval", str(path), "--json")
    assert code == 0  # without --check a missed target is reported, not an error
    targets = {t["key"]: t for t in json.loads(out)["targets"]}
    assert targets["min_fp8_ef"]["met"] is True and targets["min_fp8_ef"]["value"] == 8.192
    assert targets["max_floor_area_m2"] == {
        "key": "max_floor_area_m2",
        "goal": 900.0,
        "value": 1000.0,
        "met": False,
        "margin": -100.0,
        "node": "supernode 'Atlas 950 SuperPoD' > cabinet 'compute'",
    }
    assert run_cli(capsys, "eval", str(path), "--check")[0] == 3
    code, out, _ = run_cli(capsys, "eval", str(path))
    assert "Target: Floor area ≤ 900 m²: missed, over by 100 m²; look at supernode" in out
    save_design(replace(design, targets={"min_fp8_ef": 8.0}), path)
    assert run_cli(capsys, "eval", str(path), "--check")[0] == 0


def test_export_writes_an_editable_design_equal_to_the_preset(capsys, tmp_path):
    target = tmp_path / "pod.toml"
    code, _, err = run_cli(capsys, "export", "atlas-950-superpod", "-o", str(target))
    assert code == 0 and "wrote" in err
    assert load_design(target) == presets.load("atlas-950-superpod")


def test_export_will_not_overwrite_without_force(capsys, tmp_path):
    target = tmp_path / "mine.toml"
    target.write_text("my work")
    code, _, err = run_cli(capsys, "export", "gb200-nvl72", "-o", str(target))
    assert code == 2 and "pass --force" in err
    assert target.read_text() == "my work"
    assert run_cli(capsys, "export", "gb200-nvl72", "-o", str(target), "--force")[0] == 0


def test_bad_input_exits_2_with_the_message_on_stderr(capsys, tmp_path):
    code, out, err = run_cli(capsys, "eval", "atlas-95-superpod")
    assert (code, out) == (2, "")
    assert "did you mean 'atlas-950-superpod'" in err
    bad = tmp_path / "bad.toml"
    bad.write_text('format = 1\nname = "x"\n[cabinet]\nname = "c"\ncount = 0\n')
    code, _, err = run_cli(capsys, "eval", str(bad))
    assert code == 2
    assert (
        err.strip()
        == f"ascend-tui: {bad}:5: cabinet 'c': count must be at least 1, got 0 (remove the node instead)"
    )
    assert "Traceback" not in err


def test_unknown_options_exit_2(capsys):
    assert run_cli(capsys, "eval", "--bogus")[0] == 2


def test_presets_lists_every_preset_with_headline_figures(capsys):
    code, out, _ = run_cli(capsys, "presets", "--json")
    rows = {r["preset"]: r for r in json.loads(out)["presets"]}
    assert code == 0 and set(rows) == set(presets.preset_names())
    assert rows["gb200-nvl72"]["fp4_pflops"] == 720.0
    code, out, _ = run_cli(capsys, "presets")
    assert "cloudmatrix-384" in out and "524 EF" in out


def test_parts_lists_the_catalog_with_sources(capsys):
    code, out, _ = run_cli(capsys, "parts", "--json")
    data = json.loads(out)
    assert code == 0
    assert data["parts"]["ascend-910c"]["figures"]["bf16_tflops"]["basis"].startswith("SemiAnalysis")
    assert data["parts"]["ascend-910c"]["figures"]["fp8_tflops"]["supported"] is False
    power = data["parts"]["ascend-950dt"]["figures"]["power_w"]
    assert power["basis"].startswith("estimate:") and (power["low"], power["high"]) == (500.0, 900.0)
    assert data["parts"]["ascend-910d"]["figures"]["fp8_tflops"] == {
        "value": None,
        "supported": True,
        "published": False,
        "estimate": False,
        "basis": "not published: No figure published (WSJ, Apr 2025)",
    }
    code, out, _ = run_cli(capsys, "parts")
    assert "ascend-950dt" in out and "cooling 'air'" in out and "switch parts" in out


def test_one_part_with_its_sources(capsys):
    code, out, _ = run_cli(capsys, "parts", "ascend-910c")
    assert code == 0
    assert "SemiAnalysis, 'Huawei AI CloudMatrix 384" in out and "752 TF" in out
    assert "estimate: Not published; two 910B-class dies" in out
    code, out, _ = run_cli(capsys, "parts", "ascend-910c", "--json")
    assert list(json.loads(out)["parts"]) == ["ascend-910c"]
    code, _, err = run_cli(capsys, "parts", "ascend-91oc")
    assert code == 2 and "did you mean 'ascend-910c'" in err


def test_help_answers_without_importing_numba_or_textual():
    probe = (
        "import sys\nfrom ascend_tui.cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('numba', 'textual')))"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert result.stdout.strip().endswith("[]")
    assert "usage: ascend-tui" in result.stdout


def test_the_console_script_runs_as_a_module():
    result = subprocess.run(
        [sys.executable, "-m", "ascend_tui", "eval", "gb200-nvl72", "--json"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["chips"] == 72


def test_scale_finds_the_count_for_a_target_by_block_name(capsys):
    code, out, _ = run_cli(capsys, "scale", "atlas-950-superpod", "compute", "min_fp8_ef=8", "--json")
    data = json.loads(out)
    assert code == 0 and data["count"] == 125 and data["reason"] is None
    assert data["block"] == "supernode 'Atlas 950 SuperPoD' > cabinet 'compute'"
    assert data["after"]["fp8_pflops"] == 125 * 64
    code, out, _ = run_cli(
        capsys, "scale", "atlas-950-superpod", "Atlas 950 SuperPoD/compute", "min_fp8_ef=8"
    )
    assert "Count needed: 125" in out
    # 157 cabinets would give 10 EF, but the UB fabric connects 128 at most
    code, out, _ = run_cli(capsys, "scale", "atlas-950-superpod", "compute", "min_fp8_ef=10", "--json")
    data = json.loads(out)
    assert code == 0 and data["count"] is None
    assert data["reason"].startswith("157 would reach it, but then the scale-up fabric of supernode")
    assert data["reason"].endswith("use the 256-port switch ub-switch-960 or serve at most 8,192 chips")
    code, out, _ = run_cli(
        capsys, "scale", "atlas-950-superpod", "Atlas 950 SuperPoD", "min_fp8_ef=20", "--json"
    )
    assert json.loads(out)["count"] == 3  # the top supernode itself, three times


def test_scale_refuses_unknown_blocks_and_goals(capsys):
    code, _, err = run_cli(capsys, "scale", "atlas-950-superpod", "comp", "min_fp8_ef=10")
    assert code == 2 and "'comp' names no block; use one of: Atlas 950 SuperPoD, " in err
    code, _, err = run_cli(capsys, "scale", "atlas-950-superpod", "compute", "fp8=10")
    assert code == 2 and "KEY=VALUE with KEY one of min_fp8_ef" in err
    code, _, err = run_cli(capsys, "scale", "atlas-950-superpod", "compute", "min_fp8_ef=lots")
    assert code == 2 and "'lots' is not a number" in err


@pytest.mark.parametrize(
    "argv",
    [
        ["eval", "gb200-nvl72", "--json"],
        ["presets", "--json"],
        ["parts", "--json"],
        ["parts", "nvidia-b200", "--json"],
        ["compare", "gb200-nvl72", "h100-8gpu-server", "--json"],
        ["scale", "gb200-nvl72", "GB200 NVL72", "min_fp8_ef=1", "--json"],
        ["metrics", "--json"],
    ],
)
def test_every_json_output_carries_the_schema_and_catalog_versions(capsys, argv):
    code, out, _ = run_cli(capsys, *argv)
    data = json.loads(out)
    assert code == 0
    assert list(data)[:2] == ["schema", "catalog_version"]
    assert data["schema"] == JSON_SCHEMA == 1
    assert data["catalog_version"] == load_catalog().version == 3


def test_version_comes_from_the_installed_package_metadata(capsys):
    import tomllib
    from importlib.metadata import version

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert run_cli(capsys, "--version") == (0, f"ascend-tui {version('ascend-tui')}\n", "")
    assert version("ascend-tui") == pyproject["project"]["version"]
    assert not hasattr(ascend_tui, "__version__")  # one version, in pyproject.toml


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_help_ends_with_an_example_that_works(capsys, tmp_path, monkeypatch, command):
    with pytest.raises(SystemExit):
        _command_parser().parse_args([command, "--help"])
    lines = capsys.readouterr().out.rstrip("\n").splitlines()
    assert lines[-2] == "example:"
    example = lines[-1].strip().split()
    assert example[:2] == ["ascend-tui", command]
    monkeypatch.chdir(tmp_path)  # `export` writes its file here
    shutil.copytree(Path(__file__).resolve().parent.parent / "examples", tmp_path / "examples")
    code, out, err = run_cli(capsys, *example[1:])
    assert code == 0, err
    assert out or command == "export"


def test_the_main_help_ends_with_an_example(capsys):
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and out.endswith("example:\n  ascend-tui cloudmatrix-384\n")


def test_metrics_lists_every_registry_entry(capsys):
    code, out, _ = run_cli(capsys, "metrics", "--json")
    entries = json.loads(out)["metrics"]
    assert code == 0 and [e["key"] for e in entries] == [m.key for m in METRICS]
    fp8 = entries[0]
    assert fp8["label"] == "FP8 compute" and fp8["units"] == ["PF", "EF", "ZF"]
    assert fp8["targets"] == [{"key": "min_fp8_ef", "unit": "EF", "factor": 0.001}]
    code, out, _ = run_cli(capsys, "metrics")
    assert "fp8_pflops" in out and "min_fp8_ef" in out


def test_eval_notes_a_design_saved_with_another_catalog_version(capsys, tmp_path):
    path = tmp_path / "later.toml"
    path.write_text(
        'format = 2\ncatalog_version = 7\nname = "Later"\n'
        '[server]\nname = "c"\nscaleup = true\n[server.parts]\nnvidia-b200 = 8\n'
    )
    code, out, err = run_cli(capsys, "eval", str(path), "--json")
    assert code == 0 and json.loads(out)["chips"] == 8
    assert err == (
        "ascend-tui: note: 'Later' was saved with catalog version 7, newer than this ascend-tui's (3); "
        "its figures may differ from the ones it was made with (upgrade ascend-tui)\n"
    )


def complete(line: str, cwd: Path = ROOT) -> list[str]:
    """What shell completion offers for a command line typed so far: the command run as a shell
    runs it for completion (argcomplete's protocol), its answer read from a file."""
    import os
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        answer = Path(folder) / "answer"
        env = {
            **os.environ,
            "_ARGCOMPLETE": "1",
            "COMP_LINE": line,
            "COMP_POINT": str(len(line)),
            "_ARGCOMPLETE_IFS": "\n",
            "_ARGCOMPLETE_STDOUT_FILENAME": str(answer),
        }
        result = subprocess.run([sys.executable, "-m", "ascend_tui"], env=env, cwd=cwd, capture_output=True)
        assert result.returncode == 0, result.stderr
        return sorted(word.rstrip(" ") for word in answer.read_text().split("\n"))  # one gets a space


def test_shell_completion_offers_commands_and_preset_names(tmp_path):
    assert complete("ascend-tui ") == sorted(["--help", "-h", *COMMANDS])
    assert complete("ascend-tui ev") == ["eval"]
    assert complete("ascend-tui eval atlas-95") == ["atlas-950-supercluster", "atlas-950-superpod"]
    assert complete("ascend-tui eval --") == ["--check", "--help", "--json"]
    (tmp_path / "mine.toml").write_text("")
    (tmp_path / "notes.txt").write_text("")
    assert complete("ascend-tui compare gb200-nvl72 m", cwd=tmp_path) == ["mine.toml"]


def test_the_bill_of_materials_tells_derived_parts_from_typed_ones(capsys):
    code, out, _ = run_cli(capsys, "bom", "cloudmatrix-384", "--json")
    lines = {(line["part"], line["derived_by"]): line for line in json.loads(out)["parts"]}
    assert code == 0
    assert lines[("ascend-910c", "")]["count"] == 384
    optics = "scale-up fabric of supernode 'CloudMatrix 384': transceivers"
    assert lines[("optic-400g-lpo", optics)]["count"] == 5376
    assert lines[("optic-400g-lpo", optics)]["power_kw"] == pytest.approx(5376 * 5 / 1000)
    rdma = lines[("ascend-910c-rdma-port", "scale-out network of supernode 'CloudMatrix 384': NICs")]
    assert (rdma["count"], rdma["power_kw"]) == (384, None)  # its power is not published
    chips = lines[("ascend-910c", "")]
    assert (chips["price_usd"], chips["price_low_usd"], chips["price_high_usd"]) == (
        384 * 28_000,
        384 * 20_000,
        384 * 30_000,
    )
    plant = lines[("cdu-in-row-800kw", "cooling plant")]  # 426 kW of liquid heat: one CDU and a spare
    assert plant["count"] == 2 and plant["price_usd"] == 2 * 150_000
    code, out, _ = run_cli(capsys, "bom", "gb200-nvl72", "--csv")
    assert out.splitlines()[0] == (
        "part,name,kind,derived_by,count,unit_price_usd,price_usd,price_low_usd,price_high_usd,"
        "power_kw,power_low_kw,power_high_kw"
    )
    assert 'nvlink-switch-tray,"NVLink switch tray (2 NVLink 5 switch chips, 1U)",switch,' in out


@pytest.mark.parametrize(
    "argv", [("parts", "ascend-950dt"), ("parts",), ("eval", "gb200-nvl72"), ("presets",)]
)
def test_piped_output_is_not_padded_to_the_console_width(capsys, argv):
    code, out, _ = run_cli(capsys, *argv)
    assert code == 0
    lines = out.splitlines()
    assert all(line == line.rstrip() for line in lines)
    assert max(len(line) for line in lines) < 200 or argv == ("parts",)  # only the catalog's sources run long
