import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.sc.kallisto import transcripts_to_genes, write_t2g

table = transcripts_to_genes(snakemake.input.transcripts, snakemake.input.gtf, snakemake.wildcards.genome)
write_t2g(table, snakemake.output[0])
