"""Rule xbp1_plot_reads: the reads at the XBP1 site of one sample."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.plots.run_plot_reads",
    bam=snakemake.input.bam,
    index=snakemake.input.index,
    site=snakemake.input.site,
    fasta=snakemake.input.fasta,
    settings=snakemake.params.settings,
    sample=snakemake.wildcards.sample,
    out=snakemake.output[0],
)
