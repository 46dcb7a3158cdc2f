"""The clinical models against an independent implementation: R's glm and survival::coxph, fed by an
R script written from the rules in docs/clinical.md (tests/r/clinical_rules.R), on a longitudinal
cohort holding every trap: pre-existing neuropathy, events at the first on-treatment visit,
low-coverage and missing samples."""

import shutil
import subprocess
from pathlib import Path

import pandas as pd
import pytest

from ire1seq.clinical.pipeline import build_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort
from ire1seq.io import read_tsv

R_RULES = Path(__file__).with_name("r") / "clinical_rules.R"
ROWS = [
    ("baseline", "logistic"),
    ("baseline", "cox"),
    ("baseline", "cox_dose"),
    ("change", "logistic"),
    ("change", "cox"),
    ("change", "cox_dose"),
    ("longitudinal", "cox_tv"),
]


@pytest.fixture(scope="module")
def cohort():
    return simulate_cohort(n=80, log_hr=0.8, seed=3, preexisting=0.08, low_coverage=0.08, missing=0.08)


def test_the_cohort_holds_every_trap(cohort):
    truth, scores = cohort["truth"], cohort["scores"]
    assert truth["preexisting"].sum() >= 2
    assert (truth["onset_visit"] == "cycle1").sum() >= 5
    assert (scores["xbp1_status"] != "ok").sum() >= 10
    assert len(cohort["samples"]) <= 4 * len(truth) - 10


def test_fraction_spliced_rows_match_r(cohort, tmp_path):
    rscript = shutil.which("Rscript")
    assert rscript, (
        "Rscript not found: install R's survival package (Debian: apt-get install r-cran-survival; make setup does)"
    )
    paths = write_cohort(cohort, tmp_path)
    ours = build_tables(
        paths["clinical"],
        paths["samples"],
        paths["scores"],
        covariates=["age", "bmi"],
        readouts=["fraction_spliced"],
        bootstrap=100,
    )["association"].set_index(["timepoint", "model"])
    command = [rscript, str(R_RULES), paths["clinical"], paths["samples"], paths["scores"]]
    subprocess.run([*command, "fraction_spliced", "baseline", "cycle1", str(tmp_path / "r.tsv")], check=True)
    theirs = read_tsv(tmp_path / "r.tsv").set_index(["timepoint", "model"])
    for row in ROWS:  # issue 12 asks for 5% (estimate) and 10% (p); the same rules agree far closer
        assert ours.loc[row, "n"] == theirs.loc[row, "n"], row
        assert ours.loc[row, "estimate"] == pytest.approx(theirs.loc[row, "estimate"], rel=1e-3), row
        assert ours.loc[row, "p_value"] == pytest.approx(theirs.loc[row, "p_value"], rel=1e-3), row
    print(pd.concat({"ire1seq": ours.loc[ROWS, ["n", "estimate", "p_value"]], "R": theirs}, axis=1).to_string())
