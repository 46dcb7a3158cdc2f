"""Molecule-level XBP1 splicing: molecular_fraction against the planted fraction of molecules.

Reads are simulated (ire1seq.xbp1.simulate) from XBP1 molecules of which `--fraction` are spliced,
at read lengths 50, 100 and 150, single-end and paired-end (fragments ~N(250, 50) in
[read length, 600]: short ones have overlapping mates), at their true alignments, and counted by
`quant_bulk` (BAM); every first replicate is also counted from FASTQ (`quant_fastq`) and must give
the same row. Per cell: 10x-style UMIs of 91-nt reads with 1 or 20 reads per UMI (Poisson).
Prints and writes results.tsv: per configuration, the mean fragment-level fraction, the mean and
largest error of molecular_fraction, and how often its 95% interval covers the truth.

    .venv/bin/python bench/xbp1_molecular/run.py [--replicates 100] [--fraction 0.4]
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "tests"))
import xbp1_bams as fx  # noqa: E402

from ire1seq.xbp1 import simulate  # noqa: E402
from ire1seq.xbp1.cells import quant_cells  # noqa: E402
from ire1seq.xbp1.fastq import quant_fastq  # noqa: E402
from ire1seq.xbp1.locate import locate  # noqa: E402
from ire1seq.xbp1.quant import quant_bulk  # noqa: E402
from ire1seq.xbp1.stats import readout  # noqa: E402

INFORMATIVE = 1500  # informative fragments aimed at per replicate


def fragments_for(length: int, paired: bool) -> int:
    """Fragments to draw for about INFORMATIVE informative ones (the draw window is known)."""
    window = (600 if paired else length) + 104
    per_read = (0.4 * (length - 21) + 0.6 * (length + 5)) / window
    return int(INFORMATIVE / (per_read * (1.6 if paired else 1)))


def bulk(work: Path, site, molecules, fraction: float, length: int, paired: bool, replicate: int) -> dict:
    fragments = simulate.draw(
        molecules,
        fraction=fraction,
        fragments=fragments_for(length, paired),
        read_length=length,
        paired=paired,
        seed=replicate,
    )
    bam = simulate.write_bam(molecules, site, fragments, length, paired, work / "reads.bam")
    row = quant_bulk(bam, site, "sim")
    if replicate == 0:
        fq = simulate.write_fastq(molecules, fragments, length, paired, work / "reads")
        assert quant_fastq(fq[0], fq[1] if paired else None, site, "sim") == row, "FASTQ and BAM modes differ"
    return row


def cells(work: Path, site, molecules, fraction: float, reads_per_umi: float, replicate: int) -> dict:
    umis = int(INFORMATIVE / min(1.0, 0.45 * reads_per_umi))
    reads = simulate.draw_umis(
        molecules, fraction=fraction, umis=umis, reads_per_umi=reads_per_umi, read_length=91, seed=replicate
    )
    tags = [{"CB": f"CELL{umi % 200:03d}", "UB": f"U{umi:08d}"} for umi, _ in reads]
    bam = simulate.write_bam(molecules, site, [f for _, f in reads], 91, False, work / "cells.bam", tags)
    rows = quant_cells(bam, site, "sc")
    return readout(sum(r["spliced"] for r in rows), sum(r["unspliced"] for r in rows), ratio=rows[0]["detection_ratio"])


def summarise(name: str, rows: list, truth: float) -> dict:
    table = pd.DataFrame(rows)
    error = table["molecular_fraction"] - truth
    return {
        "configuration": name,
        "replicates": len(table),
        "informative_mean": round(table["informative"].mean()),
        "fraction_spliced_mean": round(table["fraction_spliced"].mean(), 4),
        "detection_ratio_mean": round(table["detection_ratio"].mean(), 4),
        "molecular_mean": round(table["molecular_fraction"].mean(), 4),
        "molecular_bias": round(error.mean(), 4),
        "molecular_bias_se": round(error.std() / np.sqrt(len(table)), 4),
        "molecular_max_abs_error": round(error.abs().max(), 4),
        "ci_coverage": round(((table["molecular_ci_low"] <= truth) & (truth <= table["molecular_ci_high"])).mean(), 3),
        "fragment_ci_coverage": round(((table["ci_low"] <= truth) & (truth <= table["ci_high"])).mean(), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--replicates", type=int, default=100)
    parser.add_argument("--fraction", type=float, default=0.4)
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.tsv"))
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        fasta = fx.make_reference(work, "human", "-")
        site = locate(fasta, use_cache=False)
        molecules = simulate.Molecules.of(site, fasta)
        for paired in (False, True):
            for length in (50, 100, 150):
                rows = [bulk(work, site, molecules, args.fraction, length, paired, r) for r in range(args.replicates)]
                results.append(summarise(f"{'paired 2x' if paired else 'single '}{length}", rows, args.fraction))
                print(results[-1], flush=True)
        for reads_per_umi in (1, 20):
            rows = [cells(work, site, molecules, args.fraction, reads_per_umi, r) for r in range(args.replicates)]
            results.append(summarise(f"10x 91 nt, {reads_per_umi} reads/UMI", rows, args.fraction))
            print(results[-1], flush=True)
    table = pd.DataFrame(results)
    table.to_csv(args.out, sep="\t", index=False)
    print(table.to_string(index=False))


if __name__ == "__main__":
    main()
