"""Benchmark of the whole single-cell step (`ire1seq sc`) on simulated sparse counts.

Simulates N cells x G genes (gamma-Poisson, 7 planted DRG cell types, ~3,000 UMIs per cell) as
STARsolo mtx directories, one per sample, plus per-cell XBP1 tables; then runs `ire1seq sc` in a
child process (QC with scrublet, clustering, annotation, XBP1 join, h5ad, plots, pseudobulk) and
prints its wall time, CPU time and peak resident memory, with a time-stamped log of its phases.
Targets: 50,000 cells x 20,000 genes in <= 5 min and <= 8 GB on 2 cores.

    .venv/bin/python bench/sc/bench_sc.py [--cells 50000] [--genes 20000] [--workdir DIR]

A --workdir that already holds simulated inputs (inputs.txt) is reused.
"""

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ire1seq.sc.annotate import read_markers
from ire1seq.sc.settings import DEFAULT_MARKERS
from ire1seq.sc.simulate import simulate_counts, write_mtx_dir

TYPES = ["macrophage", "monocyte", "neuron", "satellite_glia", "schwann", "fibroblast", "endothelial"]
SAMPLES = ["SC_veh_1", "SC_veh_2", "SC_ptx_1", "SC_ptx_2"]
# The child logs each phase with a time stamp (ire1seq.sc.analyse logs at INFO).
CHILD = (
    "import logging, sys; logging.basicConfig(level=logging.INFO, format='%(asctime)s %(message)s'); "
    "from ire1seq.cli import main; sys.exit(main(sys.argv[1:]))"
)


def simulate(workdir: Path, n_cells: int, n_genes: int) -> list[str]:
    """Write one mtx dir and one XBP1 table per sample; return the `ire1seq sc` input arguments."""
    markers = read_markers(DEFAULT_MARKERS["mouse"], "mouse")
    chosen = {t: list(markers.loc[markers["cell_type"] == t, "gene"]) for t in TYPES}
    per_type = n_cells // (len(SAMPLES) * len(TYPES))
    doublets = int(0.04 * per_type * len(TYPES))
    cells = simulate_counts(chosen, SAMPLES, per_type, n_genes, high_mito=doublets, doublets=doublets, seed=1)
    rng = np.random.default_rng(2)
    matrices, tables = [], []
    for sample in SAMPLES:
        one = cells[(cells.obs["sample"] == sample).to_numpy()]
        matrices.append(f"{sample}={write_mtx_dir(one, workdir / sample)}")
        barcodes = one.obs["barcode"].sample(frac=0.3, random_state=3)
        xbp1 = pd.DataFrame(
            {
                "sample": sample,
                "barcode": barcodes,
                "spliced": rng.poisson(0.5, len(barcodes)),
                "unspliced": rng.poisson(1.5, len(barcodes)),
                "ambiguous": 0,
            }
        )
        xbp1.to_csv(workdir / f"{sample}.xbp1.tsv", sep="\t", index=False)
        tables.append(str(workdir / f"{sample}.xbp1.tsv"))
    sheet = pd.DataFrame({"sample": SAMPLES, "organism": "mouse", "treatment": ["vehicle"] * 2 + ["paclitaxel"] * 2})
    sheet.to_csv(workdir / "samples.tsv", sep="\t", index=False)
    print(
        f"simulated {cells.n_obs} cells x {cells.n_vars} genes, {cells.X.nnz / cells.n_obs:.0f} "
        f"non-zero genes and {cells.X.sum() / cells.n_obs:.0f} UMIs per cell",
        flush=True,
    )
    return ["--matrix", *matrices, "--xbp1-cells", *tables, "--samples", str(workdir / "samples.tsv")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cells", type=int, default=50_000)
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, help="keep inputs and outputs here (default: a temporary dir)")
    args = parser.parse_args()
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench_sc_"))
    workdir.mkdir(parents=True, exist_ok=True)
    saved = workdir / "inputs.txt"
    if saved.exists():
        inputs = saved.read_text().split("\n")
    else:
        start = time.perf_counter()
        inputs = simulate(workdir, args.cells, args.genes)
        saved.write_text("\n".join(inputs))
        print(f"simulation and writing: {time.perf_counter() - start:.0f} s", flush=True)
    command = [
        sys.executable,
        "-c",
        CHILD,
        "sc",
        *inputs,
        "--organism",
        "mouse",
        "-o",
        str(workdir / "out" / "bench.h5ad"),
        "--plots",
        str(workdir / "out" / "plots"),
        "--pseudobulk",
        str(workdir / "out" / "pseudobulk"),
    ]
    start = time.perf_counter()
    subprocess.run(command, check=True)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak_gb, cpu = usage.ru_maxrss / 1024**2, usage.ru_utime + usage.ru_stime
    qc = pd.read_csv(workdir / "out" / "bench_qc.tsv", sep="\t")
    print(qc.to_string(index=False))
    print(
        f"ire1seq sc: {args.cells} cells x {args.genes} genes: wall {wall:.0f} s, CPU {cpu:.0f} s, "
        f"peak RSS {peak_gb:.2f} GB, load average {os.getloadavg()[0]:.1f} "
        f"(targets 300 s, 8 GB); outputs in {workdir / 'out'}"
    )


if __name__ == "__main__":
    main()
