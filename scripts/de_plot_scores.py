"""Rule de_plot_scores: the per-sample scores by the groups of one design."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.de.plots import plot_scores  # noqa: E402

plot_scores(
    snakemake.input.scores,
    snakemake.input.samples,
    snakemake.wildcards.design,
    snakemake.params.design,
    snakemake.output[0],
)
