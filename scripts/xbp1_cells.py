import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_table
from ire1seq.xbp1.alignments import Options
from ire1seq.xbp1.cells import quant_cells, read_barcodes
from ire1seq.xbp1.site import load_site

settings = snakemake.params.settings
table = quant_cells(
    snakemake.input.bam,
    load_site(snakemake.input.site),
    snakemake.wildcards.sample,
    Options.from_settings(settings),
    cell_tag=settings["cell_tag"],
    umi_tag=settings["umi_tag"],
    barcodes=read_barcodes(snakemake.input.barcodes),
    indexes=[snakemake.input.index],
    reference=snakemake.input.fasta,
)
write_table(table, snakemake.output[0])
