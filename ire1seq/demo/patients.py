"""The demo patients: IRE1α activity at every blood draw, a time-varying hazard of CIPN, the CTCAE
grade at every visit, and the traps a real cohort holds.

A latent risk z ~ N(0, 1) per patient sets the XBP1s fraction at baseline (0.10 + 0.03 z) and its
rise on treatment ((0.12 + 0.08 z) × 1, 1.25, 1.4 at cycles 1–3, plus N(0, 0.02) per draw). The
hazard of a first grade ≥ 2 between two visits is exp(α + β (f − 0.10) / 0.08), f the fraction at
the last draw at or before the earlier visit (cloglog, one draw per interval): activity at a draw
predicts neuropathy found at the next visit. Traps, each on different patients: grade 2 already at
baseline (pre-existing neuropathy), a missed visit (no row, no draw), a missing draw (visit
assessed, no sample) and a low-coverage draw (library at 2% depth: too few XBP1 fragments).
"""

import numpy as np
import pandas as pd

from ire1seq.demo.seeds import stream

VISITS = (("baseline", 0), ("cycle1", 21), ("cycle2", 42), ("cycle3", 63), ("cycle4", 84), ("followup", 180))
DRAWS = ("baseline", "cycle1", "cycle2", "cycle3")  # blood at every infusion
N_PATIENTS = 30
ACTIVATION = (0.0, 1.0, 1.25, 1.4)  # the on-treatment rise at each draw, relative to cycle 1
RISE = (0.12, 0.06)  # at cycle 1: 0.12 + 0.06 z
DRAW_SD = np.array([0.015, 0.04, 0.04, 0.04])  # draw-to-draw variation at baseline and on treatment
HAZARD_INTERCEPT = (
    -2.4,
    -4.1,
    -4.1,
    -4.1,
    -4.6,
)  # cloglog intercept of each interval (to cycle 1, …, follow-up)
LOG_HR, FRACTION_UNIT = 1.0, 0.08  # hazard ratio e per 0.08 of fraction spliced
N_PREEXISTING, N_MISSED_VISITS, N_MISSING_DRAWS, N_LOW_COVERAGE = 2, 3, 3, 3
LATER_VISITS = ("cycle2", "cycle3", "followup")  # where visits are missed (baseline and cycle 1 never)
LATER_DRAWS = ("cycle2", "cycle3")
LOW_DEPTH = 0.02


def _onset(fractions: np.ndarray, rng: np.random.Generator) -> int | None:
    """Index of the visit at which grade ≥ 2 is first reached, or None."""
    for k in range(1, len(VISITS)):
        fraction = fractions[min(k - 1, len(DRAWS) - 1)]
        hazard = np.exp(HAZARD_INTERCEPT[k - 1] + LOG_HR * (fraction - 0.10) / FRACTION_UNIT)
        if rng.random() < 1 - np.exp(-hazard):
            return k
    return None


def _grades(onset: int | None, preexisting: bool, rng: np.random.Generator) -> np.ndarray:
    """Grades at the 6 visits: from the onset (or baseline, if pre-existing) 2 rising to a peak of 2–3
    by cycle 4, possibly one grade lower at follow-up; before it 0, with grade 1 on the way."""
    grades = np.zeros(len(VISITS), dtype=int)
    first = 0 if preexisting else onset
    if first is None:
        grades[rng.integers(1, len(VISITS)) :] = rng.random() < 0.6  # peak 0 or 1
        return grades
    peak = rng.choice([2, 3], p=[0.7, 0.3])
    grades[first:] = np.maximum.accumulate(np.clip(np.arange(len(VISITS) - first) + 2, 2, peak))
    recovered = peak - int(rng.random() < 0.4)
    grades[-1] = recovered if first < len(VISITS) - 1 else max(2, recovered)
    if first > 1:
        grades[first - 1] = int(rng.random() < 0.6)
    return grades


def _traps(rng: np.random.Generator) -> pd.DataFrame:
    """Which patients carry which trap (each patient at most one)."""
    order = rng.permutation(N_PATIENTS)
    counts = (N_PREEXISTING, N_MISSED_VISITS, N_MISSING_DRAWS, N_LOW_COVERAGE)
    groups = np.split(order[: sum(counts)], np.cumsum(counts)[:-1])
    traps = pd.DataFrame(index=range(N_PATIENTS), columns=["missed_visit", "missing_draw", "low_coverage_draw"])
    traps["preexisting"] = np.isin(np.arange(N_PATIENTS), groups[0]).astype(int)
    for column, patients, choices in zip(traps.columns[:3], groups[1:], (LATER_VISITS, LATER_DRAWS, LATER_DRAWS)):
        traps.loc[patients, column] = rng.choice(choices, len(patients))
    return traps


def draw_patients() -> pd.DataFrame:
    """One row per patient: latent risk, fraction at each draw, grade at each visit, onset, traps."""
    rng = stream("patients")
    z = rng.normal(size=N_PATIENTS)
    noise = stream("draws").normal(0, 1, (N_PATIENTS, len(DRAWS))) * DRAW_SD
    baseline = 0.10 + 0.03 * z
    fractions = np.clip(baseline[:, None] + np.outer(RISE[0] + RISE[1] * z, ACTIVATION) + noise, 0.02, 0.9)
    outcomes = stream("outcomes")
    traps = _traps(outcomes)
    grades = np.array(
        [
            _grades(None if pre else _onset(f, outcomes), bool(pre), outcomes)
            for f, pre in zip(fractions, traps["preexisting"])
        ]
    )
    table = pd.DataFrame(
        {
            "subject": [f"P{i:02d}" for i in range(1, N_PATIENTS + 1)],
            "latent_risk": z,
            "inflammatory_log2fc": 0.8 + 0.5 * z,  # at cycle 1, scaled by ACTIVATION at the other draws
            **{f"{draw}_fraction": fractions[:, k] for k, draw in enumerate(DRAWS)},
            **{f"grade_{visit}": grades[:, k] for k, (visit, _) in enumerate(VISITS)},
        }
    )
    table = pd.concat([table, traps], axis=1)
    return pd.concat([table, table.apply(_recorded_outcome, axis=1)], axis=1)


def _recorded_outcome(patient: pd.Series) -> pd.Series:
    """What the clinical sheet will show: peak grade, and the first visit after baseline with grade ≥ 2."""
    recorded = [v for v, _ in VISITS if v != patient["missed_visit"]]
    grades = pd.Series([patient[f"grade_{v}"] for v in recorded], index=recorded)
    onset = grades.index[1:][grades.iloc[1:].to_numpy() >= 2]
    emergent = not patient["preexisting"]
    return pd.Series(
        {
            "peak_grade": int(grades.max()),
            "onset_visit": onset[0] if emergent and len(onset) else None,
            "grade_ge2": int(len(onset) > 0) if emergent else None,
        }
    )
