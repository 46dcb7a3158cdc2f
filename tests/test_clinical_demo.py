"""On the demo cohort, the clinical step recovers the planted outcomes and time-varying effect and
handles the planted traps (pre-existing neuropathy, events at the first on-treatment visit,
low-coverage and missing draws)."""

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
        "visits": table("results/clinical/visits.tsv"),
        "association": table("results/clinical/association.tsv").set_index(["readout", "timepoint", "model"]),
        "unmatched": table("results/clinical/unmatched.tsv"),
        "xbp1": table("results/xbp1/bulk.tsv").set_index("sample"),
        "truth_patients": table("resources/demo/truth/patients.tsv").set_index("subject"),
        "truth_association": table("resources/demo/truth/association.tsv"),
    }


def test_pre_existing_neuropathy_left_out_and_listed(results):
    truth = results["truth_patients"]
    preexisting = sorted(truth.index[truth["preexisting"] == 1])
    unmatched = results["unmatched"]
    assert sorted(unmatched["subject"]) == preexisting and set(unmatched["reason"]) == {"grade >= 2 at baseline"}
    patients = results["patients"]
    assert sorted(patients.index[patients["exclusion"].notna()]) == preexisting
    assert results["association"]["n"].max() == len(truth) - len(preexisting)


def test_treatment_emergent_outcomes_are_the_planted_ones(results):
    truth = results["truth_patients"]
    truth = truth[truth["preexisting"] == 0]
    patients = results["patients"].loc[truth.index]
    assert (patients["peak_grade"] == truth["peak_grade"]).all()
    assert (patients["grade_ge2"] == truth["grade_ge2"]).all()
    assert patients["onset_visit"].fillna("").tolist() == truth["onset_visit"].fillna("").tolist()


def test_events_at_the_first_on_treatment_visit_left_out_of_change_models(results):
    truth, patients = results["truth_patients"], results["patients"]
    early = sorted(truth.index[truth["onset_visit"] == "cycle1"])
    assert len(early) >= 2
    assert sorted(patients.index[patients["landmark_exclusion"] == "grade >= 2 at or before cycle1"]) == early
    change = results["association"].loc[("fraction_spliced", "change", "cox")]
    assert change["n"] <= len(truth) - truth["preexisting"].sum() - len(early)
    assert f"{len(early)} grade >= 2 at or before cycle1" in change["note"]


def test_low_coverage_readouts_left_out_and_counted(results):
    xbp1, truth = results["xbp1"], results["truth_patients"]
    planted = [f"{s}_{v}" for s, v in truth["low_coverage_draw"].dropna().items()]
    assert len(planted) == 3 and (xbp1.loc[planted, "status"] == "low_coverage").all()
    visits = results["visits"].set_index("sample")
    assert visits.loc[planted, ["fraction_spliced", "log2_spliced_ratio"]].isna().all().all()
    patient_samples = xbp1.index.isin(visits.index) & ~xbp1.index.str.split("_").str[0].isin(
        truth.index[truth["preexisting"] == 1]
    )
    unusable = int((xbp1.loc[patient_samples, "status"] != "ok").sum())
    primary = results["association"].loc[("fraction_spliced", "longitudinal", "cox_tv")]
    assert f"{unusable} sample(s) not used: xbp1_status not ok" in primary["note"]


def test_measured_fractions_follow_the_planted_ones(results):
    truth, visits = results["truth_patients"], results["visits"].dropna(subset=["fraction_spliced"])
    planted = [truth.loc[row.subject, f"{row.visit}_fraction"] for row in visits.itertuples()]
    assert len(visits) >= 100
    assert stats.spearmanr(visits["fraction_spliced"], planted)[0] > 0.9


def test_primary_endpoint_recovers_the_planted_time_varying_effect(results):
    association = results["association"]
    primary = association[association["role"] == "primary"]
    assert primary.index.tolist() == [("molecular_fraction", "longitudinal", "cox_tv")]  # the default primary readout
    assert primary["estimate"].iloc[0] > 1 and primary["ci_low"].iloc[0] > 1 and primary["p_value"].iloc[0] < 0.05


def test_planted_associations_found_and_absent_ones_not(results):
    association = results["association"]
    for row in results["truth_association"].itertuples():
        found = association.loc[(row.readout, row.timepoint, row.model)]
        if row.expected_direction == "positive":
            assert found["estimate"] > 1 and found["p_value"] < 0.05, row
        else:  # "none": nothing planted, so nothing survives the multiple-testing correction
            assert found["q_value"] > 0.05, row
