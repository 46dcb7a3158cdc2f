import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.xbp1.alignments import Options
from ire1seq.xbp1.plots import plot_read_structure
from ire1seq.xbp1.site import load_site

plot_read_structure(
    snakemake.input.bam,
    load_site(snakemake.input.site),
    snakemake.output[0],
    Options.from_settings(snakemake.params.settings),
    sample=snakemake.wildcards.sample,
    index=snakemake.input.index,
    reference=snakemake.input.fasta,
)
