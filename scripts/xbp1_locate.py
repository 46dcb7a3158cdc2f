import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.xbp1.site import locate, write_site

write_site(locate(snakemake.input.fasta, organism=snakemake.params.organism), snakemake.output.site)
