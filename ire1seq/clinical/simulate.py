"""Seeded simulated patient cohorts with a planted readout–CIPN association, for tests and calibration.

Each patient has a latent IRE1α activity z ~ N(0, 1); the log-odds of ever reaching CTCAE grade ≥ 2
is `intercept + log_or * z` (+ a small age effect), so `log_or = 0` is the null. Blood samples at
baseline and cycle 1 carry XBP1 splicing fractions that rise with z; `score_noise` is unrelated to
anything.
"""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from ire1seq.clinical.pipeline import build_tables
from ire1seq.io import write_table

VISITS = (
    ("baseline", 0, 0.0),
    ("cycle1", 21, 175.0),
    ("cycle2", 42, 350.0),
    ("cycle3", 63, 525.0),
    ("cycle4", 84, 700.0),
    ("followup", 168, 700.0),
)
SAMPLED_VISITS = ("baseline", "cycle1")
SENSORY = (31, 32, 33, 34, 35, 36, 39, 40, 48)


def _grades(ge2: bool, rng: np.random.Generator) -> np.ndarray:
    """A grade per visit: 0 at baseline, then a rise that reaches 2-3 (cases) or at most 1 (controls)."""
    grades = np.zeros(len(VISITS), dtype=int)
    onset = rng.integers(2, len(VISITS) - 1)
    grades[onset - 1 :] = 1
    if ge2:
        grades[onset:] = rng.choice([2, 3], p=[0.7, 0.3])
    elif rng.random() < 0.3:
        grades[:] = 0
    return grades


def _cipn20(grade: int, driver: bool, male: bool, rng: np.random.Generator) -> dict:
    """Items 1-4 rising with the grade (sensory most); q49 only for drivers, q50 only for men."""
    answers = {}
    for q in range(31, 51):
        slope = 0.8 if q in SENSORY else 0.3
        answers[f"cipn20_q{q}"] = float(np.clip(np.rint(1 + slope * grade + rng.normal(0, 0.5)), 1, 4))
    answers["cipn20_q49"] = answers["cipn20_q49"] if driver else np.nan
    answers["cipn20_q50"] = answers["cipn20_q50"] if male else np.nan
    return answers


def simulate_cohort(
    n: int = 40, log_or: float = 1.5, seed: int = 0, intercept: float = -0.3
) -> dict[str, pd.DataFrame]:
    """Tables `clinical`, `samples`, `scores` (as the workflow would read them) and `truth` (one row per patient)."""
    rng = np.random.default_rng(seed)
    subjects = [f"P{i:02d}" for i in range(1, n + 1)]
    z = rng.normal(size=n)
    age = np.rint(rng.normal(58, 10, n))
    ge2 = rng.random(n) < expit(intercept + log_or * z + 0.02 * (age - 58))
    clinical, samples, scores, truth = [], [], [], []
    for i, subject in enumerate(subjects):
        person = {
            "age": age[i],
            "bmi": round(rng.normal(27, 4), 1),
            "sex": rng.choice(["F", "M"]),
            "driver": int(rng.random() < 0.7),
        }
        grades = _grades(ge2[i], rng)
        for (visit, day, dose), grade in zip(VISITS, grades):
            items = _cipn20(grade, person["driver"] == 1, person["sex"] == "M", rng)
            clinical.append(
                {
                    "subject": subject,
                    "visit": visit,
                    "day": day,
                    "cum_dose_mg_m2": dose,
                    "ctcae_sensory_grade": grade,
                    **items,
                    **person,
                }
            )
        fractions = expit(-2.0 + 0.6 * z[i] + np.array([0.0, 0.4]) + rng.normal(0, 0.15, 2))
        for visit, fraction in zip(SAMPLED_VISITS, fractions):
            sample = f"{subject}_{visit}"
            samples.append(
                {
                    "sample": sample,
                    "subject": subject,
                    "organism": "human",
                    "tissue": "leukocyte",
                    "assay": "bulk",
                    "visit": visit,
                }
            )
            scores.append(
                {
                    "sample": sample,
                    "fraction_spliced": fraction,
                    "log2_spliced_ratio": np.log2(fraction / (1 - fraction)),
                    "score_noise": rng.normal(),
                }
            )
        truth.append(
            {
                "subject": subject,
                "latent_risk": z[i],
                "peak_grade": grades.max(),
                "grade_ge2": int(ge2[i]),
                "baseline_fraction": fractions[0],
                "cycle1_fraction": fractions[1],
            }
        )
    return {
        name: pd.DataFrame(rows)
        for name, rows in (("clinical", clinical), ("samples", samples), ("scores", scores), ("truth", truth))
    }


def write_cohort(cohort: dict[str, pd.DataFrame], directory) -> dict[str, str]:
    """Write the simulated sheets as TSV files; return their paths by table name."""
    paths = {name: str(Path(directory) / f"{name}.tsv") for name in cohort}
    for name, table in cohort.items():
        write_table(table, paths[name])
    return paths


def null_rejection_rates(
    n_cohorts: int = 200,
    n_patients: int = 40,
    alpha: float = 0.05,
    seed: int = 0,
    covariates=("age", "bmi"),
    readout: str = "fraction_spliced",
) -> pd.DataFrame:
    """Share of null cohorts (log_or = 0) with p < alpha, per model and timepoint: the tests' calibration."""
    p_values = []
    with tempfile.TemporaryDirectory() as directory:
        for k in range(n_cohorts):
            paths = write_cohort(simulate_cohort(n_patients, log_or=0.0, seed=seed + k), directory)
            table = build_tables(
                paths["clinical"],
                paths["samples"],
                paths["scores"],
                covariates=list(covariates),
                readouts=[readout],
                bootstrap=100,
            )["association"]
            p_values.append(table.assign(cohort=k))
    tests = pd.concat(p_values)
    rates = tests.groupby(["model", "timepoint"])["p_value"].agg(
        tested="count", rejected=lambda p: int((p < alpha).sum())
    )
    rates["rate"] = rates["rejected"] / rates["tested"]
    return rates.reset_index()
