"""Rule count_matrix: per-sample gene tables into the genes × samples matrix, with the strandedness used."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.counts.run_count_matrix",
    tables=snakemake.params.tables,
    declared=snakemake.params.declared,
    genes=snakemake.input.genes,
    counts_out=snakemake.output.counts,
    strandedness_out=snakemake.output.strandedness,
)
