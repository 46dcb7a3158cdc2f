import logging
import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.clinical.pipeline import build_tables, write_tables

params = snakemake.params
tables = build_tables(
    snakemake.input.clinical,
    snakemake.input.samples,
    snakemake.input.scores,
    baseline_visit=params.baseline_visit,
    on_treatment_visit=params.on_treatment_visit,
    covariates=params.covariates,
    readouts=params.readouts,
    sample_filter=params.sample_filter,
    primary=params.primary,
    exclude_baseline_grade_ge2=params.exclude_baseline_grade_ge2,
    change_adjusts_for_baseline=params.change_adjusts_for_baseline,
    bootstrap=params.bootstrap,
    seed=params.seed,
)
write_tables(tables, Path(snakemake.output.association).parent)
