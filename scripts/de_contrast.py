"""Rule de_contrast: Wald test, shrinkage, gene-set test and volcano of one contrast from its design's fit."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.de.fit.run_contrast",
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
