import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_table
from ire1seq.xbp1.cells import read_barcodes
from ire1seq.xbp1.fastq import quant_fastq_cells
from ire1seq.xbp1.site import load_site

table = quant_fastq_cells(
    snakemake.input.fq1,
    snakemake.input.fq2,
    load_site(snakemake.input.site),
    snakemake.wildcards.sample,
    chemistry=snakemake.params.chemistry,
    barcodes=read_barcodes(snakemake.input.barcodes),
    min_overhang=snakemake.params.settings["min_overhang"],
    threads=snakemake.threads,
)
write_table(table, snakemake.output[0])
