"""Rule de_fit: one pydeseq2 fit per design (pickled), its normalised counts and VST."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.de.fit import run_design  # noqa: E402

run_design(
    snakemake.input.counts,
    snakemake.input.samples,
    snakemake.wildcards.design,
    snakemake.params.design,
    snakemake.threads,
    snakemake.output.fit,
    snakemake.output.normalized,
    snakemake.output.vst,
    snakemake.params.control_genes,
)
