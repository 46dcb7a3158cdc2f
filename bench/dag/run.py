"""Benchmark: how long Snakemake takes to build the DAG of a 1000-bulk + 20-sc cohort (dry run).

    .venv/bin/python bench/dag/run.py [--bulk 1000] [--sc 20] [--workdir DIR] [--profile-top 25]

Writes sheets made by repeating the demo cohort's rows (its design, so every DE design and the
clinical join resolve), one placeholder FASTQ per mate holding a single valid record (the sheet
check reads only the first record), then times `snakemake --dry-run` on the real Snakefile: wall
time, peak resident memory of the Snakemake process, jobs in the DAG. Target: ≤ 30 s.
With --profile-top N it runs the dry run once more under cProfile and prints, by cumulative
time, the N slowest of the workflow's own functions and of Snakemake's DAG steps.
"""

import argparse
import gzip
import itertools
import pstats
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "resources" / "demo" / "config"
RECORD = gzip.compress(b"@r1\nACGTACGTAC\n+\nIIIIIIIIII\n", mtime=0)


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)


def write_cohort(workdir: Path, n_bulk: int, n_sc: int) -> None:
    """config/ with n_bulk + n_sc samples tiled from the demo sheets; resources/ linked from the repo."""
    (workdir / "config").mkdir(parents=True)
    (workdir / "resources").mkdir()
    for entry in (REPO / "resources").iterdir():
        if entry.name != "star":
            (workdir / "resources" / entry.name).symlink_to(entry)
    config = yaml.safe_load((DEMO / "config.yaml").read_text())
    for key in ("samples", "units", "clinical_table"):
        config[key] = f"config/{Path(config[key]).name}"
    (workdir / "config" / "config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))
    demo = read(DEMO / "samples.tsv")
    samples = pd.concat([tile(demo[demo["assay"] == "bulk"], n_bulk), tile(demo[demo["assay"] == "sc"], n_sc)])
    samples.drop(columns="template").to_csv(workdir / "config" / "samples.tsv", sep="\t", index=False)
    write_units(workdir, samples, read(DEMO / "units.tsv"))
    write_clinical(workdir, samples, read(DEMO / "clinical.tsv"))


def tile(template: pd.DataFrame, n: int) -> pd.DataFrame:
    """n rows cycling through template. Copy 0 keeps the demo's ids (config.yaml names some samples);
    copy k > 0 renames sample and subject with a _k suffix."""
    rows = []
    for i, (_, row) in zip(range(n), itertools.cycle(template.iterrows())):
        suffix = f"_{i // len(template)}" if i >= len(template) else ""
        rows.append(
            {
                **row,
                "template": row["sample"],
                "sample": row["sample"] + suffix,
                "subject": row["subject"] + suffix,
            }
        )
    return pd.DataFrame(rows)


def write_units(workdir: Path, samples: pd.DataFrame, demo_units: pd.DataFrame) -> None:
    """Each sample gets its template's units, every FASTQ a one-record placeholder of its own."""
    fastq = workdir / "fastq"
    fastq.mkdir()
    units = samples[["sample", "template"]].merge(demo_units.rename(columns={"sample": "template"}))
    for column in ("fq1", "fq2"):
        has_file = units[column] != ""
        units.loc[has_file, column] = [
            f"fastq/{sample}_{unit}_{column}.fastq.gz"
            for sample, unit in zip(units.loc[has_file, "sample"], units.loc[has_file, "unit"])
        ]
        for path in units.loc[has_file, column]:
            (workdir / path).write_bytes(RECORD)
    units.drop(columns="template").to_csv(workdir / "config" / "units.tsv", sep="\t", index=False)


def write_clinical(workdir: Path, samples: pd.DataFrame, demo_clinical: pd.DataFrame) -> None:
    """The template subject's visits for every subject copy that has samples."""
    subjects = samples[["subject"]].drop_duplicates()
    subjects["template"] = subjects["subject"].str.replace(r"_\d+$", "", regex=True)
    clinical = subjects.merge(demo_clinical.rename(columns={"subject": "template"}))
    clinical[demo_clinical.columns].to_csv(workdir / "config" / "clinical.tsv", sep="\t", index=False)


def dry_run_command(workdir: Path) -> list[str]:
    snakemake = Path(sys.executable).with_name("snakemake")
    return [str(snakemake), "-s", str(REPO / "Snakefile"), "-d", str(workdir), "--cores", "2", "--dry-run"]


def time_dry_run(workdir: Path) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) of the Snakemake process, and jobs in the DAG."""
    start = time.perf_counter()
    result = subprocess.run(dry_run_command(workdir), capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"dry run failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    jobs = int(re.search(r"^total\s+(\d+)$", result.stdout, re.MULTILINE).group(1))
    return wall, peak_mb, jobs


def profile_dry_run(workdir: Path, top: int) -> None:
    """The same dry run under cProfile. Prints the workflow's own functions (input functions in
    common.smk, sheet loading) and Snakemake's DAG and job-printing steps by cumulative time."""
    stats = workdir / "dry_run.prof"
    command = [sys.executable, "-m", "cProfile", "-o", str(stats), "-m", "snakemake"]
    subprocess.run([*command, *dry_run_command(workdir)[1:]], capture_output=True, check=True)
    profile = pstats.Stats(str(stats)).sort_stats("cumulative")
    profile.print_stats(r"workflow/rules/|/ire1seq/", top)
    profile.print_stats(r"snakemake/(dag|jobs|rules|workflow)\.py", top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bulk", type=int, default=1000)
    parser.add_argument("--sc", type=int, default=20)
    parser.add_argument("--workdir", type=Path, help="kept afterwards; default: a temporary directory")
    parser.add_argument("--profile-top", type=int, default=0, metavar="N")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench_dag_") as tmp:
        workdir = args.workdir or Path(tmp) / "cohort"
        start = time.perf_counter()
        write_cohort(workdir, args.bulk, args.sc)
        print(f"bench/dag: wrote {args.bulk} bulk + {args.sc} sc samples in {time.perf_counter() - start:.1f} s")
        wall, peak_mb, jobs = time_dry_run(workdir)
        print(f"dry run: {jobs} jobs, wall {wall:.1f} s, peak RSS {peak_mb:.0f} MB (target: wall <= 30 s)")
        if args.profile_top:
            profile_dry_run(workdir, args.profile_top)


if __name__ == "__main__":
    main()
