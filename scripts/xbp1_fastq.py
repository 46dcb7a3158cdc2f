"""Rule xbp1_fastq: one sample's XBP1 readout straight from its FASTQ (laptop mode)."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.fastq.run_fastq",
    fq1s=snakemake.input.fq1,
    fq2s=snakemake.input.fq2,
    site=snakemake.input.site,
    sample=snakemake.wildcards.sample,
    min_overhang=snakemake.params.settings["min_overhang"],
    min_informative=snakemake.params.settings["min_informative"],
    threads=snakemake.threads,
    read_starts=snakemake.params.settings["read_starts"],
    out=snakemake.output[0],
)
