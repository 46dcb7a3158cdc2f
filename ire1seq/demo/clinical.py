"""clinical.tsv for the demo patients: 6 visits, cumulative dose, CTCAE grade, QLQ-CIPN20, covariates.

The sensory grade at each visit is the planted one (ire1seq.demo.patients: a time-varying hazard of
grade ≥ 2 driven by the XBP1s fraction at the latest draw; two patients with grade 2 already at
baseline). CIPN20 items follow the grade of the visit (sensory items most). Covariates are
independent of the risk, but for diabetes, which the patients with pre-existing neuropathy have.
"""

import numpy as np
import pandas as pd

from ire1seq.demo.patients import VISITS
from ire1seq.demo.seeds import stream

DOSE = 175.0  # mg/m² every 3 weeks
DOSE_REDUCTION = 0.8  # from the third dose on, for a few patients reaching grade ≥ 2
N_REDUCED = 4
SENSORY = (31, 32, 33, 34, 35, 36, 39, 40, 48)
MOTOR = (37, 38, 41, 42, 43, 44, 45, 49)
ITEM_SLOPE = {**{q: 0.75 for q in SENSORY}, **{q: 0.4 for q in MOTOR}, 46: 0.2, 47: 0.2, 50: 0.2}
ITEM_MISSING = 0.02
ITEMS = [f"cipn20_q{q}" for q in range(31, 51)]


def clinical_table(patients: pd.DataFrame) -> pd.DataFrame:
    rng = stream("clinical")
    covariates = _covariates(rng, patients)
    reduced = rng.choice(np.flatnonzero(patients["grade_ge2"] == 1), N_REDUCED, replace=False)
    rows = []
    for i, patient in enumerate(patients.itertuples()):
        doses = np.array([DOSE, DOSE] + [DOSE * (DOSE_REDUCTION if i in reduced else 1)] * 2)
        cum_dose = np.rint(np.concatenate([[0.0], np.cumsum(doses), [doses.sum()]])).astype(int)
        for (visit, day), dose in zip(VISITS, cum_dose):
            day = day + int(rng.integers(-10, 15)) if visit == "followup" else day
            if visit == patient.missed_visit:
                continue
            rows.append(
                dict(
                    subject=patient.subject,
                    visit=visit,
                    day=day,
                    cum_dose_mg_m2=dose,
                    ctcae_sensory_grade=getattr(patient, f"grade_{visit}"),
                )
            )
    table = pd.DataFrame(rows)
    table = pd.concat([table, _cipn20(rng, table["ctcae_sensory_grade"].to_numpy())], axis=1)
    table = table.merge(covariates, on="subject", how="left")
    table.loc[table["driver"] == 0, "cipn20_q49"] = pd.NA  # drivers only
    table["cipn20_q50"] = pd.NA  # men only; all patients are women (gynaecological cancers)
    return table


def _cipn20(rng, grade: np.ndarray) -> pd.DataFrame:
    slopes = np.array([ITEM_SLOPE.get(q, 0.3) for q in range(31, 51)])
    items = np.clip(np.rint(1 + grade[:, None] * slopes + rng.normal(0, 0.5, (grade.size, slopes.size))), 1, 4)
    items = pd.DataFrame(items, columns=ITEMS).astype("Int64")
    return items.mask(rng.random(items.shape) < ITEM_MISSING)


def _covariates(rng, patients: pd.DataFrame) -> pd.DataFrame:
    n = len(patients)
    return pd.DataFrame(
        {
            "subject": patients["subject"],
            "age": np.clip(np.rint(rng.normal(57, 10, n)), 30, 80).astype(int),
            "bmi": np.round(np.clip(rng.normal(27, 4.5, n), 18, 45), 1),
            "diabetes": ((rng.random(n) < 0.15) | (patients["preexisting"] == 1)).astype(int),
            "sex": "F",
            "driver": (rng.random(n) < 0.7).astype(int),
            "regimen": "paclitaxel_q3w",
        }
    )
