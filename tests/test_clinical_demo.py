"""On the demo cohort, the clinical step recovers the planted patients and association."""

import pytest
from scipy import stats

from ire1seq.io import read_tsv

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def results(demo_run):
    def table(path):
        return read_tsv(demo_run / path, dtype={"subject": str})

    return {
        "patients": table("results/clinical/patients.tsv").set_index("subject"),
        "association": table("results/clinical/association.tsv").set_index(["readout", "timepoint", "model"]),
        "unmatched": table("results/clinical/unmatched.tsv"),
        "truth_patients": table("resources/demo/truth/patients.tsv").set_index("subject"),
        "truth_association": table("resources/demo/truth/association.tsv"),
    }


def test_every_patient_matched_with_planted_outcome(results):
    patients, truth = results["patients"], results["truth_patients"]
    assert results["unmatched"].empty
    assert sorted(patients.index) == sorted(truth.index)
    assert (patients.loc[truth.index, "peak_grade"] == truth["peak_grade"]).all()
    assert (patients.loc[truth.index, "grade_ge2"] == truth["grade_ge2"]).all()


def test_measured_fractions_follow_the_planted_ones(results):
    patients, truth = results["patients"].loc[results["truth_patients"].index], results["truth_patients"]
    assert stats.spearmanr(patients["baseline_fraction_spliced"], truth["baseline_fraction"])[0] > 0.8
    on_treatment = patients["on_treatment_fraction_spliced"]
    assert stats.spearmanr(on_treatment, truth["cycle1_fraction"])[0] > 0.8


def test_planted_associations_found_in_the_planted_direction(results):
    association = results["association"]
    for row in results["truth_association"].itertuples():
        logistic = association.loc[(row.readout, row.timepoint, "logistic")]
        auc = association.loc[(row.readout, row.timepoint, "auc")]
        if row.expected_direction == "positive":
            assert logistic["estimate"] > 1 and logistic["p_value"] < 0.05, row
            assert auc["ci_low"] > 0.5, row
        elif row.expected_direction == "negative":
            assert logistic["estimate"] < 1 and logistic["p_value"] < 0.05, row
            assert auc["ci_high"] < 0.5, row
        else:  # "none": nothing planted, so nothing survives the multiple-testing correction
            assert logistic["q_value"] > 0.05, row
