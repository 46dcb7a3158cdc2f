import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_table
from ire1seq.xbp1.pseudobulk import pseudobulk_files

table = pseudobulk_files(
    snakemake.input.cells,
    snakemake.input.groups,
    min_informative=snakemake.params.min_informative,
)
write_table(table, snakemake.output[0])
