"""Rule clinical_tables: readouts joined to the clinical sheet, outcomes and association models."""

from pathlib import Path

from ire1seq.step import run_step

params = snakemake.params
run_step(
    snakemake,
    "ire1seq.clinical.pipeline.run_clinical_tables",
    clinical=snakemake.input.clinical,
    samples=snakemake.input.samples,
    scores=snakemake.input.scores,
    qc=snakemake.input.qc,
    outdir=Path(snakemake.output.association).parent,
    baseline_visit=params.baseline_visit,
    on_treatment_visit=params.on_treatment_visit,
    covariates=params.covariates,
    sample_covariates=params.sample_covariates,
    readouts=params.readouts,
    sample_filter=params.sample_filter,
    primary=params.primary,
    exclude_baseline_grade_ge2=params.exclude_baseline_grade_ge2,
    change_adjusts_for_baseline=params.change_adjusts_for_baseline,
    bootstrap=params.bootstrap,
    seed=params.seed,
)
