"""Seeded simulated patient cohorts with blood at every cycle and a planted time-varying hazard.

Each patient has a latent IRE1α activity z ~ N(0, 1). Blood is drawn at baseline and cycles 1–3;
the logit of the XBP1s fraction at a draw is `-2.2 + rise + 0.5 z + e` (e ~ N(0, 0.3) per draw), so
activity varies between draws as well as between patients. The hazard of a first CTCAE grade ≥ 2
between two assessments is `exp(intercept + log_hr * a)`, where `a` is the standardised activity
at the earlier assessment's draw (the last draw once blood is no longer taken); `log_hr = 0` is
the null. The traps a real cohort holds are planted on request: grade ≥ 2 already at baseline
(`preexisting`), low-coverage readouts whose few informative fragments give a wild fraction
(`low_coverage`), and draws that are missing (`missing`). `score_noise` is unrelated to anything.
"""

import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit

from ire1seq.io import write_table

VISITS = (
    ("baseline", 0, 0.0),
    ("cycle1", 21, 175.0),
    ("cycle2", 42, 350.0),
    ("cycle3", 63, 525.0),
    ("cycle4", 84, 700.0),
    ("followup", 168, 700.0),
)
DRAWS = ("baseline", "cycle1", "cycle2", "cycle3")
RISE = (0.0, 0.5, 0.7, 0.8)  # logit rise of the XBP1s fraction on treatment, shared by everyone
Z_WEIGHT, DRAW_SD = 0.5, 0.3
ACTIVITY_SD = np.hypot(Z_WEIGHT, DRAW_SD)
DEPTH, LOW_DEPTH, MIN_INFORMATIVE = 150, 4, 10  # informative fragments per draw (Poisson means)
SENSORY = (31, 32, 33, 34, 35, 36, 39, 40, 48)


def _grades(onset: int | None, preexisting: bool, rng: np.random.Generator) -> np.ndarray:
    """A grade per visit: ≥ 2 from the onset visit (or from baseline if pre-existing), else at most 1."""
    grades = np.zeros(len(VISITS), dtype=int)
    first_symptom = rng.integers(1, len(VISITS))
    grades[first_symptom:] = rng.random() < 0.7
    if preexisting:
        grades[:] = 2
    if onset is not None:
        grades[onset:] = rng.choice([2, 3], p=[0.7, 0.3])
        grades[onset - 1] = max(grades[onset - 1], int(onset > 1 and rng.random() < 0.5))
    return grades


def _onset(activity: np.ndarray, log_hr: float, intercept: float, rng) -> int | None:
    """Visit index at which grade ≥ 2 is first found, or None: one cloglog draw per interval."""
    for k in range(1, len(VISITS)):
        covariate = activity[min(k - 1, len(DRAWS) - 1)]
        if rng.random() < 1 - np.exp(-np.exp(intercept + log_hr * covariate)):
            return k
    return None


def _cipn20(grade: int, driver: bool, male: bool, rng: np.random.Generator) -> dict:
    """Items 1-4 rising with the grade (sensory most); q49 only for drivers, q50 only for men."""
    answers = {}
    for q in range(31, 51):
        slope = 0.8 if q in SENSORY else 0.3
        answers[f"cipn20_q{q}"] = float(np.clip(np.rint(1 + slope * grade + rng.normal(0, 0.5)), 1, 4))
    answers["cipn20_q49"] = answers["cipn20_q49"] if driver else np.nan
    answers["cipn20_q50"] = answers["cipn20_q50"] if male else np.nan
    return answers


def _readout(fraction: float, depth: float, rng: np.random.Generator) -> dict:
    """What the XBP1 quantifier reports for a draw: fraction, log2 ratio and status from counts."""
    informative = rng.poisson(depth)
    spliced = rng.binomial(informative, fraction)
    status = "no_reads" if informative == 0 else "low_coverage" if informative < MIN_INFORMATIVE else "ok"
    return {
        "fraction_spliced": spliced / informative if informative else np.nan,
        "log2_spliced_ratio": (np.log2((spliced + 0.5) / (informative - spliced + 0.5)) if informative else np.nan),
        "xbp1_status": status,
    }


def simulate_cohort(
    n: int = 60,
    log_hr: float = 1.0,
    seed: int = 0,
    *,
    intercept: float = -2.15,
    preexisting: float = 0.0,
    low_coverage: float = 0.0,
    missing: float = 0.0,
) -> dict[str, pd.DataFrame]:
    """Tables `clinical`, `samples`, `scores` (as the workflow would read them) and `truth` (one row per patient).

    preexisting, low_coverage and missing are the chances that a patient has grade 2 at baseline,
    that a draw has too few informative fragments, and that a draw is missing.
    """
    rng = np.random.default_rng(seed)
    subjects = [f"P{i:02d}" for i in range(1, n + 1)]
    clinical, samples, scores, truth = [], [], [], []
    for subject in subjects:
        z = rng.normal()
        person = {
            "age": np.rint(rng.normal(58, 10)),
            "bmi": round(rng.normal(27, 4), 1),
            "sex": rng.choice(["F", "M"]),
            "driver": int(rng.random() < 0.7),
        }
        activity = (Z_WEIGHT * z + rng.normal(0, DRAW_SD, len(DRAWS))) / ACTIVITY_SD
        fractions = expit(-2.2 + np.array(RISE) + ACTIVITY_SD * activity)
        pre = bool(rng.random() < preexisting)
        onset = None if pre else _onset(activity, log_hr, intercept, rng)
        grades = _grades(onset, pre, rng)
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
        for visit, fraction in zip(DRAWS, fractions):
            low, absent = rng.random() < low_coverage, rng.random() < missing
            readout = _readout(fraction, LOW_DEPTH if low else DEPTH, rng)
            if absent:
                continue
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
            scores.append({"sample": sample, **readout, "score_noise": rng.normal()})
        truth.append(
            {
                "subject": subject,
                "latent_risk": z,
                "preexisting": int(pre),
                "onset_visit": VISITS[onset][0] if onset is not None else None,
                "grade_ge2": int(onset is not None),
                "peak_grade": grades.max(),
                **{f"{visit}_fraction": f for visit, f in zip(DRAWS, fractions)},
            }
        )
    tables = {"clinical": clinical, "samples": samples, "scores": scores, "truth": truth}
    return {name: pd.DataFrame(rows) for name, rows in tables.items()}


def write_cohort(cohort: dict[str, pd.DataFrame], directory) -> dict[str, str]:
    """Write the simulated sheets as TSV files; return their paths by table name."""
    paths = {name: str(Path(directory) / f"{name}.tsv") for name in cohort}
    for name, table in cohort.items():
        write_table(table, paths[name])
    return paths


def null_rejection_rates(
    n_cohorts: int = 500,
    n_patients: int = 60,
    *,
    alpha: float = 0.05,
    seed: int = 0,
    covariates=("age", "bmi"),
    readout: str = "fraction_spliced",
    traps: float = 0.05,
) -> pd.DataFrame:
    """Share of null cohorts (log_hr = 0) with p < alpha, per model and timepoint: the tests' calibration.

    Each cohort carries the traps (pre-existing neuropathy, low-coverage and missing draws) at rate `traps`.
    """
    from ire1seq.clinical.pipeline import build_tables

    p_values = []
    with tempfile.TemporaryDirectory() as directory:
        for k in range(n_cohorts):
            cohort = simulate_cohort(
                n_patients, log_hr=0.0, seed=seed + k, preexisting=traps, low_coverage=traps, missing=traps
            )
            paths = write_cohort(cohort, directory)
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
    rates = tests.groupby(["timepoint", "model"], sort=False)["p_value"].agg(
        tested="count", rejected=lambda p: int((p < alpha).sum())
    )
    rates["rate"] = rates["rejected"] / rates["tested"]
    return rates.reset_index()
