"""Per-sample readouts joined to patients' visits by subject + visit, and per-patient summaries."""

import logging

import pandas as pd

log = logging.getLogger(__name__)
UNMATCHED_COLUMNS = ["subject", "visit", "sample", "reason"]


def join_visits(
    visits: pd.DataFrame, samples: pd.DataFrame, scores: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Visits with their sample's readouts (NA where a visit was not sampled), and what did not match.

    Nothing is dropped silently: subjects with no patient sample, samples whose subject or
    subject × visit is absent from the clinical sheet, and samples with no readout row are listed
    in the second table, and a warning counts them.
    """
    sampled = samples[["sample", "subject", "visit"]].merge(
        scores, on="sample", how="left", indicator="_scored"
    )
    joined = visits.merge(sampled.drop(columns="_scored"), on=["subject", "visit"], how="left")
    unmatched = _unmatched(visits, sampled)
    if len(unmatched):
        log.warning(
            "%d subject(s) / %d row(s) could not be matched between the clinical sheet, the patient "
            "samples and the readouts; they are listed in unmatched.tsv.",
            unmatched["subject"].nunique(),
            len(unmatched),
        )
    return joined, unmatched


def _unmatched(visits: pd.DataFrame, sampled: pd.DataFrame) -> pd.DataFrame:
    clinical_subjects = set(visits["subject"])
    known_visit = sampled.set_index(["subject", "visit"]).index.isin(
        visits.set_index(["subject", "visit"]).index
    )
    no_samples = sorted(clinical_subjects - set(sampled["subject"]))
    parts = [
        pd.DataFrame(
            {"subject": no_samples, "reason": "in clinical table; no patient sample in the sample sheet"}
        ),
        sampled[~sampled["subject"].isin(clinical_subjects)].assign(
            reason="in sample sheet; subject absent from the clinical table"
        ),
        sampled[sampled["subject"].isin(clinical_subjects) & ~known_visit].assign(
            reason="in sample sheet; the clinical table has no row for this subject at this visit"
        ),
        sampled[sampled["_scored"] == "left_only"].assign(
            reason="in sample sheet; no row in the readout table"
        ),
    ]
    return pd.concat([p.reindex(columns=UNMATCHED_COLUMNS) for p in parts], ignore_index=True)


def on_treatment_label(joined: pd.DataFrame, baseline_visit: str) -> str | None:
    """The first sampled visit after baseline, ordering visit labels by their median day."""
    sampled = joined[joined["sample"].notna()]
    days = sampled.groupby("visit")["day"].median().sort_values()
    if baseline_visit in days.index:
        days = days[days > days[baseline_visit]]
    later = [v for v in days.index if v != baseline_visit]
    return later[0] if later else None


def patient_table(
    joined: pd.DataFrame,
    outcomes: pd.DataFrame,
    readouts,
    covariates,
    baseline_visit: str,
    on_treatment_visit: str | None,
) -> pd.DataFrame:
    """One row per patient: covariates, outcomes, then baseline, on-treatment, change and peak of each readout."""
    by_subject = joined.groupby("subject", sort=False)
    at_visit = {
        label: joined[joined["visit"] == label].set_index("subject")[list(readouts)].reindex(outcomes.index)
        for label in (baseline_visit, on_treatment_visit)
    }
    baseline, on_treatment = at_visit[baseline_visit], at_visit[on_treatment_visit]
    parts = [
        by_subject[list(covariates)].first().reindex(outcomes.index),
        outcomes,
        baseline.add_prefix("baseline_"),
        on_treatment.add_prefix("on_treatment_"),
        (on_treatment - baseline).add_prefix("change_"),
        by_subject[list(readouts)].max().reindex(outcomes.index).add_prefix("peak_"),
    ]
    table = pd.concat(parts, axis=1)
    table.index.name = "subject"
    return table.reset_index()
