"""A run killed halfway resumes without redoing finished jobs; a sheet edit reruns only what it touches.

All on a reduced demo (three bulk samples and one single-cell sample, targets up to the bulk count
matrix and the XBP1 table) in a temporary working directory with its own, editable config/.
"""

import os
import re
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from conftest import REPO, SNAKEMAKE, edit_sheet, reduced_demo, run_workflow, workflow_env

pytestmark = pytest.mark.slow

SAMPLES = ["P01_baseline", "P01_cycle1", "P02_baseline", "SC_veh_1"]
TARGETS = ["results/counts/bulk_counts.tsv", "results/xbp1/bulk.tsv"]
BLOCK = re.compile(r"^(?:local)?rule (\w+):\n((?:    .*\n)+)", re.MULTILINE)
FINISHED = re.compile(r"^Finished jobid: (\d+) ", re.MULTILINE)


@pytest.fixture(scope="module", autouse=True)
def own_tmpdir(tmp_path_factory):
    """Jobs' temporary dirs (STAR's are named after the sample) stay apart from other runs' here,
    so what a killed run leaves in them cannot reach another test."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(tmp_path_factory.mktemp("tmpdir")))
        yield


def jobs_in(log: str) -> dict[str, tuple[str, str, list[str]]]:
    """Job blocks of a Snakemake log or dry run: jobid -> (rule, wildcards, outputs)."""
    jobs = {}
    for rule, body in BLOCK.findall(log):
        fields = dict(line.strip().split(": ", 1) for line in body.splitlines() if ": " in line)
        jobs[fields["jobid"]] = (rule, fields.get("wildcards", ""), fields["output"].split(", "))
    return jobs


def planned(workdir: Path) -> set[tuple[str, str]]:
    """(rule, wildcards) of every job a dry run would execute, under the shipped rerun triggers."""
    result = run_workflow(workdir, "--dry-run", *TARGETS)
    assert result.returncode == 0, result.stderr[-4000:]
    return {(rule, wildcards) for rule, wildcards, _ in jobs_in(result.stdout).values()}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory) -> Path:
    """The reduced demo run once, uninterrupted: the reference for every test here."""
    workdir = reduced_demo(tmp_path_factory.mktemp("resume") / "clean", SAMPLES)
    result = run_workflow(workdir, *TARGETS)
    assert result.returncode == 0, result.stderr[-6000:]
    return workdir


def interrupt_mid_alignment(workdir: Path, log: Path, signum: int) -> None:
    """Start the workflow, and once one alignment has finished and another runs, signal its process group."""
    command = [str(SNAKEMAKE), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "2", *TARGETS]
    with log.open("w") as stream:
        process = subprocess.Popen(
            command,
            stdout=stream,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            env=workflow_env(),
        )
    try:
        deadline = time.monotonic() + 300
        while not aligning_after_an_alignment(log.read_text()):
            assert process.poll() is None, f"workflow ended before it could be interrupted:\n{log.read_text()[-4000:]}"
            assert time.monotonic() < deadline, "no second alignment started within 300 s"
            time.sleep(0.2)
        time.sleep(0.5)
        os.killpg(process.pid, signum)
        process.wait(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def incomplete_outputs(workdir: Path) -> list[Path]:
    """Snakemake's markers of outputs whose job started but never finished."""
    return [path for path in (workdir / ".snakemake" / "incomplete").rglob("*") if path.is_file()]


def aligning_after_an_alignment(log: str) -> bool:
    jobs, finished = jobs_in(log), set(FINISHED.findall(log))
    done = [jobs[j][0] for j in finished if j in jobs]
    running = [jobs[j][0] for j in set(jobs) - finished]
    return "star_align" in done and "star_align" in running


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_interrupted_run_resumes_without_redoing_finished_jobs(clean_run, tmp_path, signum):
    workdir = reduced_demo(tmp_path / "run", SAMPLES)
    first_log = tmp_path / "first.log"
    interrupt_mid_alignment(workdir, first_log, signum)
    first = jobs_in(first_log.read_text())
    finished = set(FINISHED.findall(first_log.read_text()))
    assert set(first) - finished, "nothing was running when the workflow was interrupted"
    done = {first[j][:2] for j in finished}
    kept = {path: os.stat(workdir / path).st_mtime_ns for j in finished for path in first[j][2]}

    if signum == signal.SIGKILL:  # a killed Snakemake leaves its lock behind: the documented --unlock
        assert incomplete_outputs(workdir), "the killed run left no half-written job behind"
        assert run_workflow(workdir, "--unlock").returncode == 0
    second = run_workflow(workdir, *TARGETS)
    assert second.returncode == 0, second.stderr[-6000:]

    redone = {job[:2] for job in jobs_in(second.stderr).values()}
    assert not redone & done, f"finished jobs ran again: {sorted(redone & done)}"
    assert {path: os.stat(workdir / path).st_mtime_ns for path in kept} == kept
    assert "Nothing to be done" in run_workflow(workdir, "--dry-run", *TARGETS).stdout
    assert not incomplete_outputs(workdir)
    for table in TARGETS:
        assert (workdir / table).read_bytes() == (clean_run / table).read_bytes(), table


def copy_of(clean_run: Path, tmp_path: Path) -> Path:
    workdir = tmp_path / "run"
    shutil.copytree(clean_run, workdir, symlinks=True)
    return workdir


def test_unchanged_copy_plans_nothing(clean_run, tmp_path):
    assert planned(copy_of(clean_run, tmp_path)) == set()


def test_new_fastq_for_one_sample_reruns_only_that_sample_and_the_tables(clean_run, tmp_path):
    workdir = copy_of(clean_run, tmp_path)
    moved = workdir / "resequenced"
    moved.mkdir()

    def new_fastq(units):
        row = units["sample"] == "P01_cycle1"
        for column in ("fq1", "fq2"):
            source = workdir / units.loc[row, column].item()
            shutil.copy(source, moved / source.name)
            units.loc[row, column] = f"resequenced/{source.name}"
        return units

    edit_sheet(workdir / "config" / "units.tsv", new_fastq)
    assert planned(workdir) == {
        ("star_align", "sample=P01_cycle1"),
        ("xbp1_quant", "genome=human"),
        ("count_matrix", ""),
        ("xbp1_bulk", ""),
    }


def test_other_organism_for_one_sample_reruns_only_that_sample_and_the_tables(clean_run, tmp_path):
    workdir = copy_of(clean_run, tmp_path)

    def to_mouse(samples):
        samples.loc[samples["sample"] == "P02_baseline", "organism"] = "mouse"
        return samples

    edit_sheet(workdir / "config" / "samples.tsv", to_mouse)
    assert planned(workdir) == {
        ("star_index", "genome=mouse"),
        ("star_align", "sample=P02_baseline"),
        ("xbp1_quant", "genome=human"),
        ("xbp1_quant", "genome=mouse"),
        ("count_matrix", ""),
        ("xbp1_bulk", ""),
    }


def test_design_edit_reruns_no_alignment_or_quantification(clean_run, tmp_path):
    workdir = copy_of(clean_run, tmp_path)

    def rebatch(samples):
        samples.loc[samples["sample"] == "P01_baseline", "batch"] = "b9"
        return samples

    edit_sheet(workdir / "config" / "samples.tsv", rebatch)
    assert planned(workdir) == {("xbp1_bulk", "")}  # its figure groups samples by the sheet
