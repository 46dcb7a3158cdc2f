import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.salmon import star_like_counts, write_star_like

table = star_like_counts(snakemake.input.quant, snakemake.input.library, snakemake.input.gtf)
write_star_like(table, snakemake.output[0])
