import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_table
from ire1seq.xbp1.summary import combine_bulk, write_multiqc

table = combine_bulk(snakemake.input)
write_table(table, snakemake.output.table)
write_multiqc(table, snakemake.output.multiqc)
