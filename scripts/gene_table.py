"""Rule gene_table: every genome's genes, its GTF checked against its FASTA and pre-aligned files."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.references import run_gene_table  # noqa: E402

run_gene_table(
    gtfs=dict(zip(snakemake.params.genomes, snakemake.input.gtfs)),
    sites=dict(zip(snakemake.params.genomes, snakemake.input.sites)),
    alignments=snakemake.params.alignments,
    out=snakemake.output[0],
)
