"""A reduced demo under `--profile profiles/slurm` on a real one-node SLURM cluster matches the local run.

Bulk (paired-end, two lanes) and single-cell samples go through alignment, counting and the XBP1
readout as SLURM jobs; their per-sample results equal those of the local demo run, row for row.

tests/cluster/slurm_up.sh installs (apt-get) and starts munged, slurmctld and slurmd on this machine,
so the test needs root on Debian/Ubuntu; otherwise it is skipped with the reason. The daemons it
started are stopped by pid at the end, whatever the outcome.
"""

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from conftest import REPO, reduced_demo, run_workflow

pytestmark = pytest.mark.slow

CLUSTER = REPO / "tests" / "cluster"
JOB_MEM_MB = 1000  # what each job asks SLURM for here (the node does not enforce memory: no cgroups)
SAMPLES_PER_GROUP_JOB = 2  # per-sample alignment jobs batched into one SLURM job
SAMPLES = ["P01_baseline", "DRG_WT_ptx_2", "SC_veh_1"]
BULK = SAMPLES[:2]
TARGETS = ["results/counts/bulk_counts.tsv", "results/xbp1/bulk.tsv", "results/xbp1/cells/SC_veh_1.tsv"]


def why_no_slurm() -> str | None:
    if os.geteuid() != 0:
        return "SLURM test needs root: it installs and starts munged, slurmctld and slurmd"
    if not shutil.which("slurmctld") and not shutil.which("apt-get"):
        return "SLURM test needs Debian/Ubuntu apt-get to install slurmctld, slurmd and munge"
    if importlib.util.find_spec("snakemake_executor_plugin_slurm") is None:
        return "snakemake-executor-plugin-slurm is not installed in this environment"
    return None


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    reason = why_no_slurm()
    if reason:
        pytest.skip(reason)
    state = tmp_path_factory.mktemp("slurm")
    try:
        up = subprocess.run([CLUSTER / "slurm_up.sh", state], capture_output=True, text=True)
        if up.returncode == 77:
            pytest.skip(up.stderr.strip())
        assert up.returncode == 0, f"slurm_up.sh failed:\n{up.stdout}{up.stderr}"
        yield state
    finally:
        subprocess.run([CLUSTER / "slurm_down.sh", state], check=True)


def node_fitting_options(workdir: Path) -> list[str]:
    """The rules ask for up to 32 GB per STAR job; this test node has only what the machine has."""
    listing = run_workflow(workdir, "--list-rules")
    assert listing.returncode == 0, listing.stderr
    cpus = subprocess.run(["sinfo", "-h", "-o", "%c"], capture_output=True, text=True, check=True).stdout
    return [
        "--max-threads",
        cpus.split()[0],
        "--groups",
        "star_align=per_sample",
        "--group-components",
        f"per_sample={SAMPLES_PER_GROUP_JOB}",
        "--set-resources",
        *(f"{rule}:mem_mb={JOB_MEM_MB}" for rule in listing.stdout.split()),
    ]


@pytest.fixture(scope="module")
def slurm_run(slurm_cluster, tmp_path_factory) -> Path:
    workdir = reduced_demo(tmp_path_factory.mktemp("slurm") / "run", SAMPLES)
    result = run_workflow(
        workdir,
        "--profile",
        str(REPO / "profiles" / "slurm"),
        "--slurm-init-seconds-before-status-checks",
        "5",
        *node_fitting_options(workdir),
        "--",
        *TARGETS,
    )
    assert result.returncode == 0, f"workflow under SLURM failed:\n{result.stderr[-6000:]}"
    return workdir


def test_jobs_ran_as_slurm_jobs(slurm_run):
    log = max((slurm_run / ".snakemake" / "log").glob("*.snakemake.log")).read_text()
    assert "has been submitted with SLURM jobid" in log
    assert not list(slurm_run.glob("slurm-*.out")), "sbatch output landed in the working directory"


def read(path: Path, index: str) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t").set_index(index)


def test_slurm_run_gives_each_sample_the_results_of_the_local_run(slurm_run, demo_run):
    counts, local_counts = (read(run / TARGETS[0], "gene_id") for run in (slurm_run, demo_run))
    assert list(counts.columns) == ["gene_name", *BULK]
    pd.testing.assert_frame_equal(counts, local_counts.loc[counts.index, counts.columns])
    xbp1, local_xbp1 = (read(run / TARGETS[1], "sample") for run in (slurm_run, demo_run))
    assert list(xbp1.index) == BULK
    pd.testing.assert_frame_equal(xbp1, local_xbp1.loc[BULK])
    assert (slurm_run / TARGETS[2]).read_bytes() == (demo_run / TARGETS[2]).read_bytes()
