import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import read_tsv
from ire1seq.xbp1.plots import plot_fraction

plot_fraction(
    read_tsv(snakemake.input.bulk, what="XBP1 bulk table"),
    read_tsv(snakemake.input.samples, what="sample sheet", dtype=str),
    snakemake.output[0],
)
