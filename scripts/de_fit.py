"""Rule de_fit: one pydeseq2 fit per design (pickled), its normalised counts, VST, PCA and heatmap."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.de.fit.run_design",
    counts=snakemake.input.counts,
    samples=snakemake.input.samples,
    name=snakemake.wildcards.design,
    spec=snakemake.params.design,
    threads=snakemake.threads,
    control_genes=snakemake.params.control_genes,
    genesets=snakemake.input.genesets,
    fit_out=snakemake.output.fit,
    normalized_out=snakemake.output.normalized,
    vst_out=snakemake.output.vst,
    pca_out=snakemake.output.pca,
    heatmap_out=snakemake.output.heatmap,
)
