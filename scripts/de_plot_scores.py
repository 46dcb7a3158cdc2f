"""Rule de_plot_scores: the per-sample scores by the groups of one design."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.de.plots.plot_scores",
    scores_path=snakemake.input.scores,
    samples_path=snakemake.input.samples,
    name=snakemake.wildcards.design,
    spec=snakemake.params.design,
    scores_out=snakemake.output[0],
)
