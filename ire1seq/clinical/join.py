"""Per-sample readouts joined to patients' visits by subject + visit, and per-patient summaries."""

import logging

import pandas as pd

from ire1seq.errors import InputError

log = logging.getLogger(__name__)
UNMATCHED_COLUMNS = ["subject", "visit", "sample", "reason"]
XBP1_READOUTS = ("fraction_spliced", "log2_spliced_ratio", "molecular_fraction")
USABLE = "ok"


def is_xbp1(column: str) -> bool:
    """An XBP1 splicing readout or a column derived from one (its interval bounds, molecule-level values)."""
    return column in XBP1_READOUTS or column.startswith("molecular_") or column in ("ci_low", "ci_high")


def mask_unusable_xbp1(scores: pd.DataFrame, path) -> pd.DataFrame:
    """XBP1 readouts set missing for every sample whose xbp1_status is not `ok` (too few informative
    fragments: the fraction is imprecise, and per-SD scaling would let it dominate)."""
    xbp1 = [c for c in scores.columns if is_xbp1(c)]
    if not xbp1:
        return scores
    if "xbp1_status" not in scores.columns:
        raise InputError(
            f"readout table {path}, line 1 (header): it has XBP1 readouts ({', '.join(xbp1)}) but no "
            f"'xbp1_status' column, so imprecise readouts cannot be told apart. Add xbp1_status (ok, "
            f"low_coverage, no_reads) from the XBP1 table, as results/scores/samples.tsv has it."
        )
    unusable = scores["xbp1_status"] != USABLE
    masked = scores.copy()
    masked.loc[unusable, xbp1] = float("nan")
    log.info("XBP1 readouts set missing for %d sample(s) whose xbp1_status is not ok", int(unusable.sum()))
    return masked


def mask_failed_qc(scores: pd.DataFrame, qc_path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every readout set missing for the samples that failed QC (results/qc/samples.tsv:
    qc_status fail), and the sample, reason rows that say so in unmatched.tsv."""
    from ire1seq.io import read_tsv

    qc = read_tsv(qc_path, "QC table", dtype=str, keep_default_na=False)
    missing = {"sample", "qc_status", "qc_reasons"} - set(qc.columns)
    if missing:
        raise InputError(
            f"QC table {qc_path}, line 1 (header): column(s) {sorted(missing)} missing; rerun rule sample_qc."
        )
    failed = qc[(qc["qc_status"] == "fail") & qc["sample"].isin(scores["sample"])]
    masked = scores.copy()
    values = masked.select_dtypes("number").columns  # every readout and its interval bounds
    masked.loc[masked["sample"].isin(failed["sample"]), values] = float("nan")
    if len(failed):
        log.warning(
            "%d sample(s) failed QC and enter no model (%s); they are listed in unmatched.tsv.",
            len(failed),
            ", ".join(failed["sample"]),
        )
    rows = pd.DataFrame(
        {"sample": failed["sample"], "reason": "failed QC (" + failed["qc_reasons"] + "); readouts left out"}
    )
    return masked, rows


def masked_readouts(joined: pd.DataFrame, readouts) -> pd.DataFrame:
    """subject, visit, readout of each patient sample whose XBP1 readout was set missing."""
    xbp1 = [r for r in readouts if is_xbp1(r)]
    if not xbp1 or "xbp1_status" not in joined.columns:
        return pd.DataFrame(columns=["subject", "visit", "readout"])
    status = joined["xbp1_status"]
    unusable = joined.loc[status.notna() & (status != USABLE), ["subject", "visit"]]
    return pd.concat([unusable.assign(readout=r) for r in xbp1], ignore_index=True)


def excluded(outcomes: pd.DataFrame) -> pd.DataFrame:
    """unmatched.tsv rows for the patients left out of every outcome model, with the reason."""
    left_out = outcomes["exclusion"].dropna()
    if len(left_out):
        log.warning(
            "%d patient(s) left out of every outcome model (%s); they are listed in unmatched.tsv.",
            len(left_out),
            ", ".join(f"{k} {reason}" for reason, k in left_out.value_counts(sort=False).items()),
        )
    table = pd.DataFrame({"subject": left_out.index, "reason": left_out.to_numpy()})
    return table.reindex(columns=UNMATCHED_COLUMNS)


def join_visits(visits: pd.DataFrame, samples: pd.DataFrame, scores: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Visits with their sample's readouts (NA where a visit was not sampled), and what did not match.

    Nothing is dropped silently: subjects with no patient sample, samples whose subject or
    subject × visit is absent from the clinical sheet, and samples with no readout row are listed
    in the second table, and a warning counts them.
    """
    sampled = samples[["sample", "subject", "visit"]].merge(scores, on="sample", how="left", indicator="_scored")
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
    known_visit = sampled.set_index(["subject", "visit"]).index.isin(visits.set_index(["subject", "visit"]).index)
    no_samples = sorted(clinical_subjects - set(sampled["subject"]))
    parts = [
        pd.DataFrame({"subject": no_samples, "reason": "in clinical table; no patient sample in the sample sheet"}),
        sampled[~sampled["subject"].isin(clinical_subjects)].assign(
            reason="in sample sheet; subject absent from the clinical table"
        ),
        sampled[sampled["subject"].isin(clinical_subjects) & ~known_visit].assign(
            reason="in sample sheet; the clinical table has no row for this subject at this visit"
        ),
        sampled[sampled["_scored"] == "left_only"].assign(reason="in sample sheet; no row in the readout table"),
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
