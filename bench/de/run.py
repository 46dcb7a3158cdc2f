"""Benchmark: one pydeseq2 design fit and one contrast on 20 k genes × 200 samples (two factors).

    .venv/bin/python bench/de/run.py [--genes 20000] [--samples 200] [--threads 2]

Prints wall time of the fit (size factors, dispersions, LFCs, Cook's refit, VST), of one contrast
(Wald test, filtering, apeGLM shrinkage), recall/false-discovery on the planted genes, and peak
resident memory (resource.getrusage).
"""

import argparse
import resource
import time

import numpy as np
import pandas as pd

from ire1seq.de.design import Design
from ire1seq.de.fit import fit_design, test_contrast
from ire1seq.de.simulate import counts_table, factorial_samples, simulate_counts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--genes", type=int, default=20_000)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    samples = factorial_samples({"genotype": ["KO", "WT"], "treatment": ["paclitaxel", "vehicle"]}, args.samples // 4)
    genes = [f"g{i:05d}" for i in range(args.genes)]
    effects = pd.DataFrame(0.0, index=genes, columns=samples.index)
    planted = genes[: args.genes // 20]  # 5% of genes: ±1 log2 with paclitaxel in WT only
    responders = (samples["treatment"] == "paclitaxel") & (samples["genotype"] == "WT")
    effects.loc[planted, responders] = np.where(np.arange(len(planted)) % 2, -1.0, 1.0)[:, None]
    counts = counts_table(simulate_counts(effects, seed=0, mean_range=(5, 5000))).set_index("gene_id")

    design = Design("bench", "~ batch + genotype * treatment", levels={"genotype": "WT", "treatment": "vehicle"})
    start = time.perf_counter()
    dds = fit_design(counts, samples, design, threads=args.threads)
    fitted = time.perf_counter()
    spec = {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}
    results = test_contrast(dds, design, "bench", spec, threads=args.threads).set_index("gene_id")
    tested = time.perf_counter()

    called = results["padj"] < 0.05
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"genes {args.genes}  samples {len(samples)}  threads {args.threads}")
    print(f"fit (deseq2 + vst): {fitted - start:.1f} s")
    print(f"contrast (wald + filtering + apeglm): {tested - fitted:.1f} s")
    print(
        f"recall of planted genes: {called[planted].mean():.3f}  "
        f"false discovery: {(~results.index[called].isin(planted)).mean():.3f}"
    )
    print(f"peak RSS: {peak_mb:.0f} MB")
    error = results.loc[planted, "log2FoldChange"].abs() - 1
    print(f"|log2FC| of planted genes minus 1: median {np.median(error):.3f}")


if __name__ == "__main__":
    main()
