"""CIPN outcomes derived from the clinical sheet: QLQ-CIPN20 scales, peak grade, time to grade ≥ 2.

Scoring rules and their sources: docs/clinical.md.
"""

import pandas as pd

# EORTC QLQ-CIPN20 scales (items 31-50; Postma et al. 2005, Eur J Cancer 41:1135).
CIPN20_SCALES = {
    "cipn20_sensory": (31, 32, 33, 34, 35, 36, 39, 40, 48),
    "cipn20_motor": (37, 38, 41, 42, 43, 44, 45, 49),
    "cipn20_autonomic": (46, 47, 50),
}
DRIVERS_ONLY, MEN_ONLY = 49, 50
MALE = ("male", "M")
YES = (1, True, "yes")
MODERATE = 2  # CTCAE grade 2: moderate, limiting instrumental ADL


def _subject_flag(clinical: pd.DataFrame, column: str, yes) -> pd.Series:
    """A per-subject yes/no (sex, driver) on every visit row, even if recorded once; unknown = no."""
    if column not in clinical.columns:
        return pd.Series(False, index=clinical.index)
    return clinical.groupby("subject")[column].transform("first").isin(yes)


def cipn20_scales(clinical: pd.DataFrame) -> pd.DataFrame:
    """Scales 0-100 per visit: (mean of answered applicable items - 1) / 3 × 100, if ≥ half answered.

    Item 49 applies only to drivers and item 50 only to men (unknown sex or driving: not applicable).
    """
    applies_only_to = {
        DRIVERS_ONLY: _subject_flag(clinical, "driver", YES),
        MEN_ONLY: _subject_flag(clinical, "sex", MALE),
    }
    scales = {}
    for scale, items in CIPN20_SCALES.items():
        answers = pd.DataFrame(
            {q: clinical.get(f"cipn20_q{q}", pd.Series(float("nan"), index=clinical.index)) for q in items}
        )
        applicable = pd.DataFrame(
            {q: applies_only_to.get(q, pd.Series(True, index=clinical.index)) for q in items}
        )
        answers = answers.where(applicable).astype(float)
        enough = 2 * answers.notna().sum(axis=1) >= applicable.sum(axis=1)
        scales[scale] = ((answers.mean(axis=1) - 1) / 3 * 100).where(enough & answers.notna().any(axis=1))
    return pd.DataFrame(scales, index=clinical.index)


def score_visits(clinical: pd.DataFrame) -> pd.DataFrame:
    """The clinical sheet with the three CIPN20 scale scores added to every visit row."""
    return pd.concat([clinical, cipn20_scales(clinical)], axis=1)


def patient_outcomes(visits: pd.DataFrame) -> pd.DataFrame:
    """One row per subject: peak CTCAE sensory grade over all assessed visits, grade ≥ 2, peak CIPN20 sensory."""
    by_subject = visits.groupby("subject", sort=False)
    outcomes = pd.DataFrame(
        {
            "n_visits": by_subject.size(),
            "last_day": by_subject["day"].max(),
            "peak_grade": by_subject["ctcae_sensory_grade"].max().astype(int),
            "peak_cipn20_sensory": by_subject["cipn20_sensory"].max(),
        }
    )
    outcomes.insert(3, "grade_ge2", (outcomes["peak_grade"] >= MODERATE).astype(int))
    return outcomes


def time_to_grade2(visits: pd.DataFrame) -> pd.DataFrame:
    """Time to the first visit with grade ≥ 2 in days and in cumulative dose; else censored at the last visit.

    event is 1 when grade ≥ 2 was reached, 0 when censored (the reverse of CDISC ADTTE's CNSR).
    """
    ordered = visits.sort_values(["subject", "day"], kind="stable")
    at = ["day", "cum_dose_mg_m2"]
    last = ordered.groupby("subject", sort=False)[at].last()
    first_hit = ordered[ordered["ctcae_sensory_grade"] >= MODERATE].groupby("subject")[at].first()
    when = last.copy()
    when.loc[first_hit.index] = first_hit
    return pd.DataFrame(
        {
            "subject": last.index,
            "time_days": when["day"].to_numpy(),
            "time_cum_dose": when["cum_dose_mg_m2"].to_numpy(),
            "event": last.index.isin(first_hit.index).astype(int),
        }
    )
