"""The clinical step end to end: read and check the sheets, derive outcomes, join readouts, test, write."""

import logging
from pathlib import Path

import pandas as pd

from ire1seq.clinical import association, join, outcomes, validate
from ire1seq.io import write_table

log = logging.getLogger(__name__)
PATIENT_BLOOD = {"organism": "human", "assay": "bulk"}
TABLES = ("visits", "patients", "tte", "association", "unmatched")


def build_tables(
    clinical_path,
    samples_path,
    scores_path,
    *,
    baseline_visit: str = "baseline",
    on_treatment_visit: str | None = None,
    covariates=(),
    readouts=None,
    sample_filter: dict | None = None,
    bootstrap: int = 2000,
    seed: int = 1,
) -> dict[str, pd.DataFrame]:
    """The five clinical tables (SPEC §5), keyed visits, patients, tte, association, unmatched."""
    clinical = validate.read_clinical(clinical_path, covariates)
    samples = validate.read_patient_samples(
        samples_path, PATIENT_BLOOD if sample_filter is None else sample_filter
    )
    validate.check_visit_labels(samples, clinical, samples_path, clinical_path)
    validate.check_visit_in_clinical(baseline_visit, clinical, "baseline_visit", clinical_path)
    scores, readouts = validate.read_scores(scores_path, readouts)

    visits = outcomes.score_visits(clinical)
    joined, unmatched = join.join_visits(visits, samples, scores)
    if on_treatment_visit is None:
        on_treatment_visit = join.on_treatment_label(joined, baseline_visit)
        log.info("on-treatment visit: %s (first sampled visit after %s)", on_treatment_visit, baseline_visit)
    else:
        validate.check_visit_in_clinical(on_treatment_visit, clinical, "on_treatment_visit", clinical_path)
    per_patient = outcomes.patient_outcomes(visits)
    patients = join.patient_table(
        joined, per_patient, readouts, covariates, baseline_visit, on_treatment_visit
    )
    tte = outcomes.time_to_grade2(visits)
    return {
        "visits": joined,
        "patients": patients,
        "tte": tte,
        "association": association.associate(patients, tte, readouts, covariates, bootstrap, seed),
        "unmatched": unmatched,
    }


def write_tables(tables: dict[str, pd.DataFrame], outdir) -> None:
    """Each table as OUTDIR/<name>.tsv and .parquet."""
    for name in TABLES:
        write_table(tables[name], Path(outdir) / f"{name}.tsv", parquet=True)
