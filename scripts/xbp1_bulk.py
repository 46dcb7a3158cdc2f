"""Rule xbp1_bulk: the cohort's XBP1 table, its MultiQC twin and the fraction-spliced figure."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.xbp1.summary import run_bulk  # noqa: E402

run_bulk(
    tables=snakemake.input.tables,
    order=snakemake.params.order,
    samples=snakemake.input.samples,
    table_out=snakemake.output.table,
    multiqc_out=snakemake.output.multiqc,
    plot_out=snakemake.output.plot,
)
