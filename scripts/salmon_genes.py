"""Rule salmon_genes: one salmon sample's gene counts in STAR's ReadsPerGene layout."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.salmon.run_salmon_genes",
    quant=snakemake.input.quant,
    library=snakemake.input.library,
    gtf=snakemake.input.gtf,
    out=snakemake.output[0],
)
