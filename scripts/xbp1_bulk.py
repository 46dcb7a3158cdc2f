"""Rule xbp1_bulk: the cohort's XBP1 table, its MultiQC twin and the fraction-spliced figure."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.summary.run_bulk",
    tables=snakemake.input.tables,
    order=snakemake.params.order,
    samples=snakemake.input.samples,
    table_out=snakemake.output.table,
    multiqc_out=snakemake.output.multiqc,
    plot_out=snakemake.output.plot,
)
