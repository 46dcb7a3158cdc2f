import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_rows
from ire1seq.xbp1.cells import CELL_COLUMNS, read_barcodes
from ire1seq.xbp1.fastq import quant_fastq_cells
from ire1seq.xbp1.site import load_site

rows = quant_fastq_cells(
    snakemake.input.fq1,
    snakemake.input.fq2,
    load_site(snakemake.input.site),
    snakemake.wildcards.sample,
    chemistry=snakemake.params.chemistry,
    barcodes=read_barcodes(snakemake.input.barcodes),
    min_overhang=snakemake.params.settings["min_overhang"],
    threads=snakemake.threads,
    read_starts=snakemake.params.settings["cell_read_starts"],
)
write_rows(rows, CELL_COLUMNS, snakemake.output[0])
