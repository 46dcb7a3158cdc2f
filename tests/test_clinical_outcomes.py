"""CIPN outcome derivations on hand-made patients with exact expected values."""

import numpy as np
import pandas as pd
import pytest

from ire1seq.clinical.outcomes import cipn20_scales, patient_outcomes, score_visits

SENSORY = (31, 32, 33, 34, 35, 36, 39, 40, 48)
MOTOR = (37, 38, 41, 42, 43, 44, 45)  # without q49 (drivers only)
AUTONOMIC = (46, 47)  # without q50 (men only)


def items(value, questions) -> dict:
    return {f"cipn20_q{q}": value for q in questions}


def visit(subject, name, day, dose, grade, **cells) -> dict:
    return {
        "subject": subject,
        "visit": name,
        "day": day,
        "cum_dose_mg_m2": dose,
        "ctcae_sensory_grade": grade,
        **cells,
    }


def test_every_item_2_scores_one_third():
    row = visit("A", "baseline", 0, 0, 0, sex="M", driver="yes", **items(2, range(31, 51)))
    scales = cipn20_scales(pd.DataFrame([row]))
    assert scales.iloc[0].tolist() == pytest.approx([100 / 3] * 3)


def test_q49_and_q50_ignored_for_non_driving_woman():
    row = visit(
        "B",
        "baseline",
        0,
        0,
        0,
        sex="F",
        driver=0,
        **items(1, SENSORY),
        **items(3, MOTOR),
        cipn20_q46=1,
        cipn20_q47=4,
        cipn20_q49=4,
        cipn20_q50=4,
    )
    scales = cipn20_scales(pd.DataFrame([row])).iloc[0]
    assert scales["cipn20_sensory"] == 0
    assert scales["cipn20_motor"] == pytest.approx(200 / 3)  # q49 = 4 not counted
    assert scales["cipn20_autonomic"] == pytest.approx(50)  # (1 + 4) / 2, q50 = 4 not counted


def test_q49_and_q50_count_for_driving_man_and_sex_recorded_once_applies_to_all_visits():
    first = visit(
        "C",
        "baseline",
        0,
        0,
        0,
        sex="male",
        driver=1,
        **items(1, MOTOR),
        **items(1, AUTONOMIC),
        cipn20_q49=4,
        cipn20_q50=4,
    )
    later = visit("C", "cycle1", 21, 175, 1, **items(1, MOTOR), **items(1, AUTONOMIC), cipn20_q49=4, cipn20_q50=4)
    scales = cipn20_scales(pd.DataFrame([first, later]))
    assert scales["cipn20_motor"].tolist() == pytest.approx([(4 - 1) / 8 / 3 * 100] * 2)
    assert scales["cipn20_autonomic"].tolist() == pytest.approx([100 / 3] * 2)


@pytest.mark.parametrize(
    "answered, sex, driver, scale, scored",
    [
        ({q: 2 for q in SENSORY[:5]}, "M", 1, "cipn20_sensory", True),  # 5 of 9
        ({q: 2 for q in SENSORY[:4]}, "M", 1, "cipn20_sensory", False),  # 4 of 9
        ({q: 2 for q in MOTOR[:4]}, "F", 0, "cipn20_motor", True),  # 4 of 7 applicable
        ({q: 2 for q in MOTOR[:3]}, "F", 0, "cipn20_motor", False),  # 3 of 7
        ({q: 2 for q in MOTOR[:3]}, "F", 1, "cipn20_motor", False),  # 3 of 8 (driver)
        ({46: 2}, "F", 0, "cipn20_autonomic", True),  # 1 of 2 (woman)
        ({46: 2}, "M", 0, "cipn20_autonomic", False),  # 1 of 3 (man)
        ({46: 2, 50: 2}, "M", 0, "cipn20_autonomic", True),  # 2 of 3
    ],
)
def test_scale_needs_half_of_applicable_items(answered, sex, driver, scale, scored):
    row = visit("D", "baseline", 0, 0, 0, sex=sex, driver=driver, **{f"cipn20_q{q}": v for q, v in answered.items()})
    value = cipn20_scales(pd.DataFrame([row]))[scale].iloc[0]
    assert (value == pytest.approx(100 / 3)) if scored else np.isnan(value)


def test_no_cipn20_columns_gives_na_scales():
    scales = cipn20_scales(pd.DataFrame([visit("E", "baseline", 0, 0, 1)]))
    assert scales.isna().all().all() and list(scales.columns) == [
        "cipn20_sensory",
        "cipn20_motor",
        "cipn20_autonomic",
    ]


@pytest.fixture
def cohort() -> pd.DataFrame:
    rows = [
        visit("S1", "baseline", 0, 0, 0, **items(1, SENSORY)),
        visit("S1", "cycle1", 21, 175, 1, **items(2, SENSORY)),
        visit("S1", "cycle2", 42, 350, 2, **items(3, SENSORY)),
        visit("S1", "cycle3", 63, 500, 3, **items(4, SENSORY)),
        visit("S2", "baseline", 0, 0, 0),
        visit("S2", "cycle1", 21, 175, 1),
        visit("S2", "cycle2", 45, 300, 1),
        visit("S3", "cycle2", 40, 320, 2),  # rows out of time order
        visit("S3", "baseline", 0, 0, 0),
        visit("S3", "cycle1", 20, 160, 1),
        visit("S4", "baseline", -2, 0, 2, **items(4, SENSORY)),  # pre-existing neuropathy
        visit("S4", "cycle1", 21, 175, 3),
        visit("S5", "baseline", 0, 0, 1),
        visit("S5", "cycle1", 21, 175, 2),  # grade 2 found at the landmark visit itself
        visit("S5", "cycle2", 42, 350, 2),
        visit("S6", "cycle1", 21, 175, 0),  # no baseline assessment
        visit("S6", "cycle2", 42, 350, 0),
        visit("S7", "baseline", 0, 0, 0),  # nothing after baseline
        visit("S8", "baseline", 0, 0, 0),
        visit("S8", "cycle1", 21, 175, 0),  # nothing after the landmark
    ]
    return score_visits(pd.DataFrame(rows))


def outcomes_of(cohort, **options) -> pd.DataFrame:
    return patient_outcomes(cohort, baseline_visit="baseline", landmark_visit="cycle1", **options)


def test_treatment_emergent_peak_grade_and_grade_ge2(cohort):
    outcomes = outcomes_of(cohort)
    assert outcomes["peak_grade"].dropna().to_dict() == {"S1": 3, "S2": 1, "S3": 2, "S5": 2, "S8": 0}
    assert outcomes.loc[["S4", "S6", "S7"], "peak_grade"].isna().all()  # left out: see the next test
    assert outcomes.loc["S1", "peak_cipn20_sensory"] == 100  # the baseline items (all 1) are not counted
    assert outcomes.loc["S1", "onset_visit"] == "cycle2" and pd.isna(outcomes.loc["S2", "onset_visit"])
    assert outcomes["grade_ge2"].dropna().to_dict() == {"S1": 1, "S2": 0, "S3": 1, "S5": 1, "S8": 0}


def test_patients_left_out_of_every_outcome_model_say_why(cohort):
    exclusion = outcomes_of(cohort)["exclusion"]
    assert exclusion.dropna().to_dict() == {
        "S4": "grade >= 2 at baseline",
        "S6": "no assessment at the baseline visit",
        "S7": "no assessment after the baseline visit",
    }


def test_pre_existing_neuropathy_kept_when_asked_with_post_baseline_outcomes(cohort):
    outcomes = outcomes_of(cohort, exclude_baseline_grade_ge2=False)
    assert pd.isna(outcomes.loc["S4", "exclusion"])
    assert outcomes.loc["S4", ["peak_grade", "grade_ge2", "time_days", "event"]].tolist() == [3, 1, 23, 1]
    assert outcomes.loc["S4", "peak_cipn20_sensory"] != 100  # only the post-baseline visit


def test_time_to_first_grade2_from_baseline_in_days_and_dose(cohort):
    tte = outcomes_of(cohort)[["time_days", "time_cum_dose", "event"]]
    assert tte.loc["S1"].tolist() == [42, 350, 1]  # first grade ≥ 2, not the peak (day 63)
    assert tte.loc["S2"].tolist() == [45, 300, 0]  # censored at the last assessment
    assert tte.loc["S3"].tolist() == [40, 320, 1]  # found although listed first
    assert tte.loc["S5"].tolist() == [21, 175, 1]


def test_landmark_leaves_out_onset_at_or_before_it_and_restarts_the_clock(cohort):
    outcomes = outcomes_of(cohort)
    assert outcomes["landmark_exclusion"].dropna().to_dict() == {
        "S4": "grade >= 2 at baseline",
        "S5": "grade >= 2 at or before cycle1",
        "S6": "no assessment at the baseline visit",
        "S7": "no assessment after the baseline visit",
        "S8": "no assessment after the cycle1 visit",
    }
    landmark = outcomes[["landmark_time_days", "landmark_time_cum_dose", "landmark_event", "landmark_grade_ge2"]]
    assert landmark.loc["S1"].tolist() == [21, 175, 1, 1]  # cycle2 (day 42) − cycle1 (day 21)
    assert landmark.loc["S2"].tolist() == [24, 125, 0, 0]
    assert landmark.loc["S3"].tolist() == [20, 160, 1, 1]
    assert landmark.loc["S5"].isna().all()
