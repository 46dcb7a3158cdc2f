"""End-to-end demo wall time, and the per-rule benchmark files summarised.

    .venv/bin/python bench/demo/run.py [--workdir DIR]

Runs the whole workflow on the demo cohort in a fresh working directory (the demo FASTQ must
exist: `make demo-data`), then prints one row per rule: jobs, wall seconds (mean, total), CPU
seconds (total) and peak RSS, from Snakemake's `benchmarks/<rule>/*.tsv`.
"""

import argparse
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests"))
from conftest import link_inputs, run_workflow  # noqa: E402


def summarise(workdir: Path) -> pd.DataFrame:
    rows = []
    for rule_dir in sorted((workdir / "benchmarks").iterdir()):
        table = pd.concat(pd.read_csv(path, sep="\t") for path in rule_dir.glob("*.tsv"))
        rows.append(
            {
                "rule": rule_dir.name,
                "jobs": len(table),
                "wall_mean_s": table["s"].mean(),
                "wall_total_s": table["s"].sum(),
                "cpu_total_s": table["cpu_time"].sum(),
                "max_rss_mb": table["max_rss"].max(),
            }
        )
    return pd.DataFrame(rows).sort_values("wall_total_s", ascending=False)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="ire1seq_demo_bench_"))
    workdir.mkdir(parents=True, exist_ok=True)
    link_inputs(workdir)
    start = time.perf_counter()
    result = run_workflow(workdir)  # 2 cores, as the demo target
    wall = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"demo workflow failed:\n{result.stderr[-4000:]}")
    table = summarise(workdir)
    print(table.to_string(index=False, float_format=lambda x: f"{x:.2f}"))
    print(f"\nend-to-end wall time: {wall:.1f} s; sum of job CPU time: {table['cpu_total_s'].sum():.1f} s")
    print(f"working directory: {workdir}")


if __name__ == "__main__":
    main()
