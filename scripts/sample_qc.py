"""Rule sample_qc: the per-sample QC table."""

import sys

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.qc import run_sample_qc  # noqa: E402

run_sample_qc(
    samples=snakemake.input.samples,
    mapping_logs=snakemake.params.mapping_logs,
    counts=snakemake.input.counts,
    strandedness=snakemake.input.strandedness,
    xbp1=snakemake.input.xbp1,
    reads_checks=snakemake.params.reads_checks,
    thresholds=snakemake.params.thresholds,
    out=snakemake.output[0],
)
