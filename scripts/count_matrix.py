import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.counts import merge_counts, read_featurecounts, read_star_counts
from ire1seq.io import read_tsv, write_table


def read_counts(paths):
    if len(paths) == 1:
        return read_star_counts(paths[0])
    return read_featurecounts(dict(zip(("none", "forward", "reverse"), paths)))


tables = {sample: read_counts(paths) for sample, paths in snakemake.params.tables.items()}
genes = read_tsv(snakemake.input.genes, "gene table")
matrix, strandedness = merge_counts(tables, snakemake.params.declared, genes)
write_table(matrix, snakemake.output.counts)
write_table(strandedness, snakemake.output.strandedness)
