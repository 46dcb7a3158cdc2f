"""Rule sample_qc: the per-sample QC table."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.qc.run_sample_qc",
    samples=snakemake.input.samples,
    mapping_logs=snakemake.params.mapping_logs,
    counts=snakemake.input.counts,
    strandedness=snakemake.input.strandedness,
    xbp1=snakemake.input.xbp1,
    reads_checks=snakemake.params.reads_checks,
    alignments=snakemake.params.alignments,
    xbp1_settings=snakemake.params.xbp1_settings,
    thresholds=snakemake.params.thresholds,
    out=snakemake.output[0],
)
