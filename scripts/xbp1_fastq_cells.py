"""Rule xbp1_fastq_cells: UMIs per cell at the XBP1 site straight from a 10x sample's FASTQ (laptop mode)."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.fastq.run_fastq_cells",
    fq1s=snakemake.input.fq1,
    fq2s=snakemake.input.fq2,
    site=snakemake.input.site,
    sample=snakemake.wildcards.sample,
    chemistry=snakemake.params.chemistry,
    barcodes=snakemake.input.barcodes,
    min_overhang=snakemake.params.settings["min_overhang"],
    threads=snakemake.threads,
    read_starts=snakemake.params.settings["cell_read_starts"],
    out=snakemake.output[0],
)
