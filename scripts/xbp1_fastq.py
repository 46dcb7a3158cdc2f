import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_rows
from ire1seq.xbp1.fastq import quant_fastq
from ire1seq.xbp1.quant import BULK_COLUMNS
from ire1seq.xbp1.site import load_site

settings = snakemake.params.settings
row = quant_fastq(
    snakemake.input.fq1,
    snakemake.input.fq2,
    load_site(snakemake.input.site),
    snakemake.wildcards.sample,
    min_overhang=settings["min_overhang"],
    min_informative=settings["min_informative"],
    threads=snakemake.threads,
    read_starts=settings["read_starts"],
)
write_rows([row], BULK_COLUMNS, snakemake.output[0])
