"""Rule xbp1_locate: the XBP1 site of a genome FASTA, with its STAR and HISAT2 junction files."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.locate.run_locate",
    fasta=snakemake.input.fasta,
    organism=snakemake.params.organism,
    out=snakemake.output.site,
)
