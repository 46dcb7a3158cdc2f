"""Rule sc_pseudobulk_de: pydeseq2 on one cell type's pseudobulk counts, one contrast."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.sc.pseudobulk.pseudobulk_de",
    counts_path=snakemake.input.counts,
    sheet_path=snakemake.input.sheet,
    spec=snakemake.params.spec,
    contrast=snakemake.wildcards.sc_contrast,
    results_out=snakemake.output.results,
    genesets_out=snakemake.output.genesets,
    genesets_dir=snakemake.input.genesets,
    alpha=snakemake.params.alpha,
    threads=snakemake.threads,
)
