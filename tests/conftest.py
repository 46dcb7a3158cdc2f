"""Shared fixtures: one full workflow run on the demo cohort, reused by every demo-level test."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")


def link_inputs(workdir: Path) -> None:
    """The demo's relative paths (config/, resources/) resolve in the temporary working dir."""
    (workdir / "config").symlink_to(REPO / "config")
    (workdir / "resources").mkdir()
    for entry in (REPO / "resources").iterdir():
        if entry.name != "star":
            (workdir / "resources" / entry.name).symlink_to(entry)


def edit_sheet(path: Path, change) -> None:
    """Rewrite a sample sheet through `change` (a function of the table, as strings)."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    change(table).to_csv(path, sep="\t", index=False)


def reduced_demo(workdir: Path, samples) -> Path:
    """The demo's inputs in `workdir`, with a copied config/ whose sheets keep only `samples` and
    whose config has no DE designs, single-cell datasets or read plots (they need the whole demo)."""
    import yaml

    workdir.mkdir(parents=True)
    link_inputs(workdir)
    (workdir / "config").unlink()
    shutil.copytree(REPO / "config", workdir / "config")
    for sheet in ("samples.tsv", "units.tsv"):
        edit_sheet(workdir / "config" / sheet, lambda table: table[table["sample"].isin(samples)])
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    config["de"]["designs"], config["sc"]["datasets"], config["plots"]["xbp1_reads"] = {}, {}, []
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return workdir


def workflow_env() -> dict:
    """The environment of an activated .venv: its `ire1seq` command is what the shell rules run."""
    return {**os.environ, "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}", "PYTHONHASHSEED": "0"}


def run_workflow(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "2", *args]
    return subprocess.run(command, capture_output=True, text=True, env=workflow_env())


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory) -> Path:
    """Working directory of a complete run of the workflow on the demo cohort."""
    workdir = tmp_path_factory.mktemp("demo_run")
    link_inputs(workdir)
    result = run_workflow(workdir)
    if result.returncode != 0:
        pytest.fail(f"demo workflow failed:\n{result.stderr[-6000:]}")
    return workdir


@pytest.fixture(scope="session")
def laptop_sc_run(tmp_path_factory) -> Path:
    """Working directory of the single-cell targets run in laptop mode (kallisto | bustools, no STAR)."""
    import yaml

    from ire1seq.sc.settings import targets as sc_targets

    workdir = tmp_path_factory.mktemp("sc_laptop")
    link_inputs(workdir)
    config = yaml.safe_load((REPO / "config/config.yaml").read_text())
    targets = [*sc_targets(config["sc"]), "results/xbp1/pseudobulk.tsv"]
    result = run_workflow(workdir, "--config", "mode=laptop", "--", *targets)
    if result.returncode != 0:
        pytest.fail(f"laptop-mode single-cell run failed:\n{result.stderr[-6000:]}")
    return workdir
