"""The clinical step end to end: read and check the sheets, derive outcomes, join readouts, test, write."""

import logging
from pathlib import Path

import pandas as pd

from ire1seq.clinical import PATIENT_BLOOD, association, join, outcomes, validate
from ire1seq.clinical.intervals import counting_process
from ire1seq.io import write_table

log = logging.getLogger(__name__)
TABLES = ("visits", "patients", "tte", "association", "unmatched")
TTE = ["time_days", "time_cum_dose", "event"]


def build_tables(
    clinical_path,
    samples_path,
    scores_path,
    *,
    baseline_visit: str = "baseline",
    on_treatment_visit: str | None = None,
    covariates=(),
    sample_covariates=(),
    readouts=None,
    qc_path=None,
    sample_filter: dict | None = None,
    primary: dict | None = None,
    exclude_baseline_grade_ge2: bool = True,
    change_adjusts_for_baseline: bool = False,
    bootstrap: int = 2000,
    seed: int = 1,
) -> dict[str, pd.DataFrame]:
    """The five clinical tables (docs/clinical.md), keyed visits, patients, tte, association, unmatched.

    primary: {readout, timepoint, model} of the primary endpoint (defaults: see validate.resolve_primary).
    qc_path: results/qc/samples.tsv; samples that failed QC enter no model (listed in unmatched).
    sample_covariates: readout-table columns measured at each draw (blood composition) every model
    adjusts for at the same draw (association.associate).
    """
    clinical, samples = validate.read_sheets(
        clinical_path,
        samples_path,
        covariates=covariates,
        sample_filter=PATIENT_BLOOD if sample_filter is None else sample_filter,
        baseline_visit=baseline_visit,
        on_treatment_visit=on_treatment_visit,
    )
    scores, readouts = validate.read_scores(scores_path, readouts, sample_covariates)
    primary = validate.resolve_primary(primary, readouts, scores_path)
    visits = outcomes.score_visits(clinical)
    scores = join.mask_unusable_xbp1(scores, scores_path)
    failed_qc = pd.DataFrame(columns=join.UNMATCHED_COLUMNS)
    if qc_path is not None:
        scores, failed_qc = join.mask_failed_qc(scores, qc_path)
        failed_qc = samples[["sample", "subject", "visit"]].merge(failed_qc, on="sample")
    joined, unmatched = join.join_visits(visits, samples, scores)
    if on_treatment_visit is None:
        on_treatment_visit = join.on_treatment_label(joined, baseline_visit)
        log.info("on-treatment visit: %s (first sampled visit after %s)", on_treatment_visit, baseline_visit)
    per_patient = outcomes.patient_outcomes(
        visits,
        baseline_visit=baseline_visit,
        landmark_visit=on_treatment_visit,
        exclude_baseline_grade_ge2=exclude_baseline_grade_ge2,
    )
    tte_columns = TTE + [f"landmark_{c}" for c in TTE]
    patients = join.patient_table(
        joined,
        per_patient.drop(columns=tte_columns),
        [*readouts, *sample_covariates],
        covariates,
        baseline_visit,
        on_treatment_visit,
    )
    analysed = per_patient.index[per_patient["exclusion"].isna()]
    origin = outcomes.clock_start(visits, baseline_visit)["day"].reindex(analysed)
    table = association.associate(
        patients.merge(per_patient[tte_columns], left_on="subject", right_index=True),
        {readout: counting_process(joined, readout, origin, sample_covariates) for readout in readouts},
        readouts,
        primary=primary,
        quality=join.masked_readouts(joined, readouts),
        visits={"baseline": (baseline_visit,), "change": (baseline_visit, on_treatment_visit)},
        covariates=covariates,
        sample_covariates=sample_covariates,
        change_adjusts_for_baseline=change_adjusts_for_baseline,
        bootstrap=bootstrap,
        seed=seed,
    )
    return {
        "visits": joined,
        "patients": patients,
        "tte": per_patient[tte_columns].rename_axis("subject").reset_index(),
        "association": table,
        "unmatched": pd.concat(
            [unmatched, failed_qc.reindex(columns=join.UNMATCHED_COLUMNS), join.excluded(per_patient)],
            ignore_index=True,
        ),
    }


def run_clinical_tables(*, clinical, samples, scores, qc, outdir, **settings) -> None:
    """Rule clinical_tables: the five tables into `outdir`; `settings` as in build_tables."""
    write_tables(build_tables(clinical, samples, scores, qc_path=qc, **settings), outdir)


def write_tables(tables: dict[str, pd.DataFrame], outdir) -> None:
    """Each table as OUTDIR/<name>.tsv and .parquet."""
    for name in TABLES:
        write_table(tables[name], Path(outdir) / f"{name}.tsv", parquet=True)
