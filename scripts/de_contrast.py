"""Rule de_contrast: Wald test, shrinkage and gene-set test of one contrast from its design's fit."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.de.fit import run_contrast  # noqa: E402

run_contrast(
    snakemake.input.fit,
    snakemake.wildcards.contrast,
    snakemake.params.contrast,
    snakemake.input.genesets,
    snakemake.params.alpha,
    snakemake.threads,
    snakemake.output.results,
    snakemake.output.genesets,
)
