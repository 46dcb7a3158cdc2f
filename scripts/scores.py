"""Rule scores: per-sample gene-set scores beside the XBP1 splicing readout."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.de.scores import sample_scores  # noqa: E402
from ire1seq.io import write_table  # noqa: E402

write_table(
    sample_scores(
        snakemake.input.counts,
        snakemake.input.genesets,
        snakemake.input.samples,
        snakemake.input.xbp1,
        snakemake.threads,
        snakemake.params.control_genes,
    ),
    snakemake.output[0],
)
