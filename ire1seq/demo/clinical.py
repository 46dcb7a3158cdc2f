"""clinical.tsv for the demo patients: 6 visits, cumulative dose, CTCAE grade, QLQ-CIPN20, covariates.

The peak sensory grade is the planted one (from the latent risk); grades rise with cumulative dose
to the peak at cycle 4 and may recover by one grade at follow-up. CIPN20 items follow the grade of
the visit (sensory items most). Covariates are independent of the risk.
"""

import numpy as np
import pandas as pd

from ire1seq.demo.seeds import stream

VISITS = (("baseline", 0), ("cycle1", 21), ("cycle2", 42), ("cycle3", 63), ("cycle4", 84), ("followup", 180))
DOSE = 175.0  # mg/m² every 3 weeks
DOSE_REDUCTION = 0.8  # from the third dose on, for a few patients reaching grade ≥ 2
N_REDUCED, N_MISSED = 4, 4
SENSORY = (31, 32, 33, 34, 35, 36, 39, 40, 48)
MOTOR = (37, 38, 41, 42, 43, 44, 45, 49)
ITEM_SLOPE = {**{q: 0.75 for q in SENSORY}, **{q: 0.4 for q in MOTOR}, 46: 0.2, 47: 0.2, 50: 0.2}
ITEM_MISSING = 0.02
ITEMS = [f"cipn20_q{q}" for q in range(31, 51)]


def clinical_table(patients: pd.DataFrame) -> pd.DataFrame:
    rng = stream("clinical")
    covariates = _covariates(rng, patients["subject"])
    reduced = rng.choice(np.flatnonzero(patients["peak_grade"] >= 2), N_REDUCED, replace=False)
    missed = dict(
        zip(
            rng.choice(len(patients), N_MISSED, replace=False),
            rng.choice(["cycle2", "cycle3", "followup"], N_MISSED),
        )
    )
    rows = []
    for i, patient in enumerate(patients.itertuples()):
        doses = np.array([DOSE, DOSE] + [DOSE * (DOSE_REDUCTION if i in reduced else 1)] * 2)
        cum_dose = np.rint(np.concatenate([[0.0], np.cumsum(doses), [doses.sum()]])).astype(int)
        grades = _grades(rng, patient.peak_grade)
        for (visit, day), dose, grade in zip(VISITS, cum_dose, grades):
            if missed.get(i) == visit:
                continue
            day = day + int(rng.integers(-10, 15)) if visit == "followup" else day
            rows.append(
                dict(
                    subject=patient.subject,
                    visit=visit,
                    day=day,
                    cum_dose_mg_m2=dose,
                    ctcae_sensory_grade=grade,
                )
            )
    table = pd.DataFrame(rows)
    table = pd.concat([table, _cipn20(rng, table["ctcae_sensory_grade"].to_numpy())], axis=1)
    table = table.merge(covariates, on="subject", how="left")
    table.loc[table["driver"] == 0, "cipn20_q49"] = pd.NA  # drivers only
    table["cipn20_q50"] = pd.NA  # men only; all patients are women (gynaecological cancers)
    return table


def _grades(rng, peak: int) -> np.ndarray:
    """Grades at the 6 visits: 0 at baseline, rising with dose to `peak` at cycle 4, then follow-up."""
    rising = np.clip(np.rint(peak * np.arange(1, 4) / 4 + rng.uniform(-0.4, 0.4, 3)), 0, peak)
    followup = max(0, peak - int(rng.random() < 0.4))
    return np.concatenate([[0], np.maximum.accumulate(rising), [peak, followup]]).astype(int)


def _cipn20(rng, grade: np.ndarray) -> pd.DataFrame:
    slopes = np.array([ITEM_SLOPE.get(q, 0.3) for q in range(31, 51)])
    items = np.clip(
        np.rint(1 + grade[:, None] * slopes + rng.normal(0, 0.5, (grade.size, slopes.size))), 1, 4
    )
    items = pd.DataFrame(items, columns=ITEMS).astype("Int64")
    return items.mask(rng.random(items.shape) < ITEM_MISSING)


def _covariates(rng, subjects: pd.Series) -> pd.DataFrame:
    n = len(subjects)
    return pd.DataFrame(
        {
            "subject": subjects,
            "age": np.clip(np.rint(rng.normal(57, 10, n)), 30, 80).astype(int),
            "bmi": np.round(np.clip(rng.normal(27, 4.5, n), 18, 45), 1),
            "diabetes": (rng.random(n) < 0.15).astype(int),
            "sex": "F",
            "driver": (rng.random(n) < 0.7).astype(int),
            "regimen": "paclitaxel_q3w",
        }
    )
