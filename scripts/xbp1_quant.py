import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.io import write_table
from ire1seq.xbp1.alignments import Options
from ire1seq.xbp1.quant import bulk_table, quant_bulk
from ire1seq.xbp1.site import load_site

settings = snakemake.params.settings
row = quant_bulk(
    snakemake.input.bam,
    load_site(snakemake.input.site),
    snakemake.wildcards.sample,
    Options.from_settings(settings),
    indexes=[snakemake.input.index],
    reference=snakemake.input.fasta,
    min_informative=settings["min_informative"],
)
write_table(bulk_table([row]), snakemake.output[0])
