"""Rule gene_table: every genome's genes, its GTF checked against its FASTA and pre-aligned files."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.references.run_gene_table",
    gtfs=dict(zip(snakemake.params.genomes, snakemake.input.gtfs)),
    sites=dict(zip(snakemake.params.genomes, snakemake.input.sites)),
    alignments=snakemake.params.alignments,
    out=snakemake.output[0],
)
