"""Rule scores: per-sample gene-set scores and blood composition beside the XBP1 splicing readout."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.de.composition import for_subset  # noqa: E402
from ire1seq.de.scores import sample_scores  # noqa: E402
from ire1seq.io import write_table  # noqa: E402

settings = snakemake.params.composition
reference = (snakemake.input.reference_counts, snakemake.input.reference_sheet) if "reference_counts" in snakemake.input.keys() else None
write_table(
    sample_scores(
        snakemake.input.counts,
        snakemake.input.genesets,
        snakemake.input.samples,
        snakemake.input.xbp1,
        min_cpm=snakemake.params.min_cpm,
        control_genes=snakemake.params.control_genes,
        composition=for_subset(snakemake.input.markers, settings["subset"], reference) if settings else None,
    ),
    snakemake.output[0],
)
