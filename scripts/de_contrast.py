"""Rule de_contrast: Wald test, shrinkage, gene-set test and volcano of one contrast from its design's fit."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.de.fit import run_contrast  # noqa: E402

run_contrast(
    fit=snakemake.input.fit,
    name=snakemake.wildcards.contrast,
    spec=snakemake.params.contrast,
    genesets=snakemake.input.genesets,
    alpha=snakemake.params.alpha,
    threads=snakemake.threads,
    results_out=snakemake.output.results,
    genesets_out=snakemake.output.genesets,
    volcano_out=snakemake.output.volcano,
)
