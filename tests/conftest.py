"""Shared fixtures: one full workflow run on the demo cohort, reused by every demo-level test."""

import contextlib
import logging
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

REPO = Path(__file__).resolve().parents[1]
SNAKEMAKE = Path(sys.executable).with_name("snakemake")
# The demo's config and sheets (config/ is the template for a real cohort; no test reads it).
DEMO_CONFIG = Path("resources/demo/config")


def link_inputs(workdir: Path) -> None:
    """The demo's relative paths (resources/, its config among them) resolve in the temporary
    working dir."""
    (workdir / "resources").mkdir()
    for entry in (REPO / "resources").iterdir():
        if entry.name != "star":
            (workdir / "resources" / entry.name).symlink_to(entry)


SHARED_RUNS = {"demo_run", "laptop_sc_run", "sc_run"}


def pytest_collection_modifyitems(items):
    """xdist groups (used by `--dist loadgroup` in make test): the tests of the shared workflow runs,
    and every other test of their modules, on one worker, so each run is made once; the tests of
    any other module together, so its module fixtures are made once too."""
    shared = {item.module.__name__ for item in items if SHARED_RUNS & set(getattr(item, "fixturenames", ()))}
    for item in items:
        module = item.module.__name__
        item.add_marker(pytest.mark.xdist_group("shared_runs" if module in shared else module))


@contextlib.contextmanager
def logs_warning(pattern: str):
    """Assert that the block logs a warning matching `pattern` (the package's diagnostics channel)."""
    records = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = records.append
    logging.getLogger().addHandler(handler)
    try:
        yield
    finally:
        logging.getLogger().removeHandler(handler)
    messages = [record.getMessage() for record in records]
    assert any(re.search(pattern, m) for m in messages), f"no warning /{pattern}/ among {messages}"


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
    shutil.copytree(REPO / DEMO_CONFIG, workdir / "config")
    for sheet in ("samples.tsv", "units.tsv"):
        edit_sheet(workdir / "config" / sheet, lambda table: table[table["sample"].isin(samples)])
    config = yaml.safe_load((workdir / "config" / "config.yaml").read_text())
    for key in ("samples", "units", "clinical_table"):
        config[key] = f"config/{Path(config[key]).name}"
    config["de"]["designs"], config["sc"]["datasets"], config["plots"]["xbp1_reads"] = {}, {}, []
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    return workdir


def workflow_env() -> dict:
    """The environment of an activated .venv: its `ire1seq` command is what the shell rules run."""
    return {**os.environ, "PATH": f"{SNAKEMAKE.parent}{os.pathsep}{os.environ['PATH']}", "PYTHONHASHSEED": "0"}


def run_workflow(workdir: Path, *args: str) -> subprocess.CompletedProcess:
    """Snakemake in `workdir` on its own config/config.yaml (a reduced demo), else the demo's."""
    own = workdir / "config" / "config.yaml"
    configfile = own if own.exists() else workdir / DEMO_CONFIG / "config.yaml"
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "2",
               f"--configfile={configfile}", *args]  # fmt: skip
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
    config = yaml.safe_load((REPO / DEMO_CONFIG / "config.yaml").read_text())
    targets = [*sc_targets(config["sc"]), "results/xbp1/pseudobulk.tsv"]
    result = run_workflow(workdir, "--config", "mode=laptop", "--", *targets)
    if result.returncode != 0:
        pytest.fail(f"laptop-mode single-cell run failed:\n{result.stderr[-6000:]}")
    return workdir
