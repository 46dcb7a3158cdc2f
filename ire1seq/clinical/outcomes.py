"""CIPN outcomes derived from the clinical sheet: QLQ-CIPN20 scales, peak grade, time to grade ≥ 2.

Outcomes are treatment-emergent: taken over the visits after a clock's start (the baseline visit,
or the on-treatment visit for a landmark analysis), never including it. Scoring rules and their
sources: docs/clinical.md.
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
BASELINE_GRADE_GE2 = "grade >= 2 at baseline"
CLOCK = ["day", "cum_dose_mg_m2"]
INTEGERS = ("peak_grade", "grade_ge2", "event")
OUTCOMES = [
    "peak_grade",
    "grade_ge2",
    "peak_cipn20_sensory",
    "onset_visit",
    "time_days",
    "time_cum_dose",
    "event",
]


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
        applicable = pd.DataFrame({q: applies_only_to.get(q, pd.Series(True, index=clinical.index)) for q in items})
        answers = answers.where(applicable).astype(float)
        enough = 2 * answers.notna().sum(axis=1) >= applicable.sum(axis=1)
        scales[scale] = ((answers.mean(axis=1) - 1) / 3 * 100).where(enough & answers.notna().any(axis=1))
    return pd.DataFrame(scales, index=clinical.index)


def score_visits(clinical: pd.DataFrame) -> pd.DataFrame:
    """The clinical sheet with the three CIPN20 scale scores added to every visit row."""
    return pd.concat([clinical, cipn20_scales(clinical)], axis=1)


def clock_start(visits: pd.DataFrame, visit: str) -> pd.DataFrame:
    """Each subject's day, cumulative dose and grade at `visit`, indexed by subject (absent if not assessed)."""
    return visits.loc[visits["visit"] == visit].set_index("subject")[CLOCK + ["ctcae_sensory_grade"]]


def outcomes_after(visits: pd.DataFrame, start: pd.DataFrame) -> pd.DataFrame:
    """Per subject of `start`: CIPN outcomes over the visits after its day, never including it.

    peak_grade, grade_ge2 and peak_cipn20_sensory over those visits; onset_visit, the first of them
    with grade ≥ 2; time_days and time_cum_dose from the start to it (event 1), else to the last
    of them (event 0). All NA for a subject with no visit after the start.
    """
    later = visits.join(start[CLOCK], on="subject", rsuffix="_start", how="inner")
    later = later[later["day"] > later["day_start"]].sort_values(["subject", "day"], kind="stable")
    by_subject = later.groupby("subject", sort=False)
    end = by_subject[CLOCK + [f"{c}_start" for c in CLOCK]].last()
    hits = later[later["ctcae_sensory_grade"] >= MODERATE].groupby("subject", sort=False)[["visit", *CLOCK]].first()
    end.loc[hits.index, CLOCK] = hits[CLOCK]
    peak = by_subject["ctcae_sensory_grade"].max()
    table = pd.DataFrame(
        {
            "peak_grade": peak,
            "grade_ge2": (peak >= MODERATE).astype(int),
            "peak_cipn20_sensory": by_subject["cipn20_sensory"].max(),
            "onset_visit": hits["visit"],
            "time_days": end["day"] - end["day_start"],
            "time_cum_dose": end["cum_dose_mg_m2"] - end["cum_dose_mg_m2_start"],
            "event": end.index.isin(hits.index).astype(int),
        }
    )
    return table.reindex(start.index).astype({c: "Int64" for c in INTEGERS})


def patient_outcomes(
    visits: pd.DataFrame,
    *,
    baseline_visit: str,
    landmark_visit: str | None,
    exclude_baseline_grade_ge2: bool = True,
) -> pd.DataFrame:
    """One row per subject: treatment-emergent outcomes from the baseline visit and from the landmark.

    `exclusion` says why a patient is in no outcome model (no baseline assessment, grade ≥ 2 at
    baseline, nothing assessed after baseline); `landmark_exclusion` why a patient is in no model of
    an on-treatment value (also: grade ≥ 2 at or before the landmark visit, the on-treatment visit).
    Outcomes of a left-out patient are NA. Columns from the landmark carry the prefix `landmark_`.
    """
    subjects = visits.groupby("subject", sort=False)
    table = pd.DataFrame({"n_visits": subjects.size(), "last_day": subjects["day"].max()})
    baseline = clock_start(visits, baseline_visit)
    table["baseline_grade"] = baseline["ctcae_sensory_grade"].reindex(table.index).astype("Int64")
    from_baseline = outcomes_after(visits, baseline).reindex(table.index)
    table["exclusion"] = _reasons(
        (table["baseline_grade"].isna(), f"no assessment at the {baseline_visit} visit"),
        (
            exclude_baseline_grade_ge2 & (table["baseline_grade"] >= MODERATE).fillna(False),
            BASELINE_GRADE_GE2,
        ),
        (from_baseline["time_days"].isna(), f"no assessment after the {baseline_visit} visit"),
    )
    from_landmark = _from_landmark(visits, table, landmark_visit, onset_day=_onset_day(baseline, from_baseline))
    return pd.concat(
        [table, from_baseline.where(table["exclusion"].isna()), from_landmark.add_prefix("landmark_")], axis=1
    )


def _onset_day(baseline: pd.DataFrame, from_baseline: pd.DataFrame) -> pd.Series:
    """Day of the first visit after baseline with grade ≥ 2 (NA if none)."""
    return (baseline["day"].reindex(from_baseline.index) + from_baseline["time_days"]).where(
        from_baseline["event"] == 1
    )


def _from_landmark(visits, table: pd.DataFrame, landmark_visit: str | None, *, onset_day) -> pd.DataFrame:
    """Outcomes after the landmark visit, with `exclusion` saying who is left out (NA outcomes)."""
    if landmark_visit is None:
        outcomes = pd.DataFrame(index=table.index, columns=OUTCOMES, dtype=float)
        return outcomes.assign(exclusion=table["exclusion"].fillna("no sampled on-treatment visit"))
    landmark = clock_start(visits, landmark_visit)
    landmark_day = landmark["day"].reindex(table.index)
    outcomes = outcomes_after(visits, landmark).reindex(table.index)
    exclusion = table["exclusion"].fillna(
        _reasons(
            (landmark_day.isna(), f"no assessment at the {landmark_visit} visit"),
            ((onset_day <= landmark_day).fillna(False), f"grade >= 2 at or before {landmark_visit}"),
            (outcomes["time_days"].isna(), f"no assessment after the {landmark_visit} visit"),
        )
    )
    return outcomes.where(exclusion.isna()).assign(exclusion=exclusion)


def _reasons(*conditions) -> pd.Series:
    """The first reason whose condition holds, per subject; NA where none does."""
    masks, reasons = zip(*conditions)
    chosen = pd.Series(pd.NA, index=masks[0].index, dtype=object)
    for mask, reason in reversed(list(zip(masks, reasons))):
        chosen[mask.to_numpy(dtype=bool)] = reason
    return chosen
