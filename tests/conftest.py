"""Shared fixtures: one full workflow run on the demo cohort, reused by every demo-level test."""

import os
import subprocess
import sys
from pathlib import Path

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
