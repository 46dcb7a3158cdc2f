import sys

sys.stderr = open(snakemake.log[0], "w")

import pandas as pd

from ire1seq.counts import genes_from_gtf
from ire1seq.io import write_table

tables = [genes_from_gtf(gtf, genome) for gtf, genome in zip(snakemake.input.gtfs, snakemake.params.genomes)]
write_table(pd.concat(tables, ignore_index=True), snakemake.output[0])
