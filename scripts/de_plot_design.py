"""Rule de_plot_design: PCA, program heatmap and scores by group for one design."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.de.plots import plot_design  # noqa: E402

plot_design(
    snakemake.input.vst,
    snakemake.input.samples,
    snakemake.input.scores,
    snakemake.input.genesets,
    snakemake.wildcards.design,
    snakemake.params.design,
    snakemake.output.pca,
    snakemake.output.heatmap,
    snakemake.output.scores,
)
