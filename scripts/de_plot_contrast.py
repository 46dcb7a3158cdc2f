"""Rule de_plot_contrast: volcano plot of one contrast, program genes labelled."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.de.plots import plot_contrast  # noqa: E402

plot_contrast(
    snakemake.input.results,
    snakemake.input.genesets,
    snakemake.params.alpha,
    snakemake.wildcards.contrast,
    snakemake.output[0],
)
