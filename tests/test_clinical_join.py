"""Readouts joined to visits by subject + visit; baseline, on-treatment and change; nothing dropped silently."""

import logging

import numpy as np
import pandas as pd
import pytest

from ire1seq.clinical.pipeline import build_tables, write_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort
from ire1seq.io import read_tsv


@pytest.fixture
def cohort():
    return simulate_cohort(n=8, seed=2)


def tables(cohort, directory, **options):
    paths = write_cohort(cohort, directory)
    return build_tables(paths["clinical"], paths["samples"], paths["scores"], bootstrap=100, **options)


def measured(cohort, visit) -> pd.Series:
    scores = cohort["scores"].set_index("sample")["fraction_spliced"]
    return scores[[f"{subject}_{visit}" for subject in cohort["truth"]["subject"]]].set_axis(cohort["truth"]["subject"])


def test_baseline_on_treatment_and_change_per_patient(cohort, tmp_path):
    patients = tables(cohort, tmp_path)["patients"].set_index("subject")
    baseline, cycle1 = measured(cohort, "baseline"), measured(cohort, "cycle1")
    assert np.allclose(patients["baseline_fraction_spliced"], baseline)
    assert np.allclose(patients["on_treatment_fraction_spliced"], cycle1)  # first sampled after baseline
    assert np.allclose(patients["change_fraction_spliced"], cycle1 - baseline)
    every_draw = pd.concat([measured(cohort, v) for v in ("baseline", "cycle1", "cycle2", "cycle3")], axis=1)
    assert np.allclose(patients["peak_fraction_spliced"], every_draw.max(axis=1))
    assert patients["peak_grade"].tolist() == cohort["truth"]["peak_grade"].tolist()


def test_on_treatment_visit_can_be_chosen(cohort, tmp_path):
    patients = tables(cohort, tmp_path, on_treatment_visit="cycle2")["patients"].set_index("subject")
    assert np.allclose(patients["on_treatment_fraction_spliced"], measured(cohort, "cycle2"))
    patients = tables(cohort, tmp_path, on_treatment_visit="cycle4")["patients"]
    assert patients["on_treatment_fraction_spliced"].isna().all()  # no sample at cycle4
    assert patients["baseline_fraction_spliced"].notna().all()


def test_visits_carry_the_sample_readouts_at_sampled_visits_only(cohort, tmp_path):
    visits = tables(cohort, tmp_path)["visits"]
    assert len(visits) == len(cohort["clinical"])
    sampled = visits.dropna(subset=["sample"])
    assert set(sampled["visit"]) == {"baseline", "cycle1", "cycle2", "cycle3"} and len(sampled) == 32
    expected = cohort["scores"].set_index("sample")["fraction_spliced"]
    assert np.allclose(sampled["fraction_spliced"], expected[sampled["sample"]])
    assert {"cipn20_sensory", "cipn20_motor", "cipn20_autonomic", "xbp1_status"} <= set(visits.columns)


def test_xbp1_readouts_of_imprecise_samples_missing_and_counted(cohort, tmp_path):
    status = cohort["scores"]["xbp1_status"].astype(object)
    status[cohort["scores"]["sample"].isin(["P02_baseline", "P04_cycle2"])] = "low_coverage"
    cohort["scores"]["xbp1_status"] = status
    result = tables(cohort, tmp_path)
    visits = result["visits"].set_index("sample")
    assert visits.loc[["P02_baseline", "P04_cycle2"], ["fraction_spliced", "log2_spliced_ratio"]].isna().all().all()
    assert visits.loc[["P02_baseline", "P04_cycle2"], "score_noise"].notna().all()  # not an XBP1 readout
    patients = result["patients"].set_index("subject")
    assert np.isnan(patients.loc["P02", "change_fraction_spliced"])
    association = result["association"].set_index(["readout", "timepoint", "model"])
    assert (
        "1 sample(s) not used: xbp1_status not ok" in association.loc[("fraction_spliced", "baseline", "cox"), "note"]
    )
    assert "2 sample(s) not used" in association.loc[("log2_spliced_ratio", "longitudinal", "cox_tv"), "note"]
    assert "xbp1_status" not in str(association.loc[("score_noise", "baseline", "cox"), "note"])
    assert association.loc[("fraction_spliced", "baseline", "cox"), "n"] == 7


def test_samples_that_failed_qc_enter_no_model_and_are_listed(cohort, tmp_path):
    failed, warned = "P03_cycle1", "P05_baseline"
    qc = cohort["scores"][["sample"]].assign(qc_status="pass", qc_reasons="")
    qc.loc[qc["sample"] == failed, ["qc_status", "qc_reasons"]] = ["fail", "mapping rate 21% below 50%"]
    qc.loc[qc["sample"] == warned, ["qc_status", "qc_reasons"]] = ["warn", "XBP1 readout not ok"]
    qc.to_csv(tmp_path / "qc.tsv", sep="\t", index=False)
    result = tables(cohort, tmp_path, qc_path=tmp_path / "qc.tsv")
    visits = result["visits"].set_index("sample")
    assert visits.loc[failed, ["fraction_spliced", "log2_spliced_ratio", "score_noise"]].isna().all()  # every readout
    assert visits.loc[warned, ["fraction_spliced", "score_noise"]].notna().all()  # a warning keeps the sample
    unmatched = result["unmatched"]
    row = unmatched[unmatched["sample"] == failed]
    assert row[["subject", "visit"]].values.tolist() == [["P03", "cycle1"]]
    assert row["reason"].item() == "failed QC (mapping rate 21% below 50%); readouts left out"
    assert np.isnan(result["patients"].set_index("subject").loc["P03", "change_fraction_spliced"])


def test_patients_with_grade2_at_baseline_left_out_and_listed(cohort, tmp_path):
    clinical = cohort["clinical"]
    clinical.loc[(clinical["subject"] == "P04") & (clinical["visit"] == "baseline"), "ctcae_sensory_grade"] = 2
    result = tables(cohort, tmp_path)
    unmatched = result["unmatched"]
    assert unmatched[["subject", "reason"]].values.tolist() == [["P04", "grade >= 2 at baseline"]]
    assert result["patients"].set_index("subject").loc["P04", "exclusion"] == "grade >= 2 at baseline"
    association = result["association"]
    assert (association.loc[association["readout"] == "fraction_spliced", "n"] <= 7).all()
    assert "1 grade >= 2 at baseline" in association["note"].iloc[0]
    kept = tables(cohort, tmp_path, exclude_baseline_grade_ge2=False)
    assert kept["unmatched"].empty and kept["association"]["n"].iloc[0] == 8


def test_unmatched_subjects_listed_and_counted(cohort, tmp_path, caplog):
    cohort["clinical"] = cohort["clinical"][cohort["clinical"]["subject"] != "P03"]  # samples, no clinical rows
    drop = cohort["samples"]["subject"] == "P05"  # clinical rows, no samples
    cohort["samples"] = cohort["samples"][~drop]
    cohort["scores"] = cohort["scores"][cohort["scores"]["sample"] != "P07_cycle1"]  # sample without readout
    with caplog.at_level(logging.WARNING):
        result = tables(cohort, tmp_path)
    unmatched = result["unmatched"]
    assert sorted(unmatched["subject"]) == ["P03"] * 4 + ["P05", "P07"]
    assert set(unmatched.loc[unmatched["subject"] == "P03", "sample"]) == {
        f"P03_{visit}" for visit in ("baseline", "cycle1", "cycle2", "cycle3")
    }
    assert "3 subject(s) / 6 row(s)" in caplog.text
    patients = result["patients"].set_index("subject")
    assert "P03" not in patients.index and np.isnan(patients.loc["P05", "baseline_fraction_spliced"])
    assert np.isnan(patients.loc["P07", "change_fraction_spliced"])
    logistic = result["association"].query("model == 'logistic' and readout == 'fraction_spliced'")
    assert logistic["n"].tolist() == [6, 5]  # P05 lacks both, P07 the change
    assert "1 of 7 patients lack" in logistic["note"].iloc[0]


def test_sample_at_visit_the_subject_lacks_is_unmatched(cohort, tmp_path):
    cohort["clinical"] = cohort["clinical"].drop(
        index=cohort["clinical"].query("subject == 'P02' and visit == 'cycle1'").index
    )
    unmatched = tables(cohort, tmp_path)["unmatched"]
    assert unmatched[["subject", "visit", "sample"]].values.tolist() == [["P02", "cycle1", "P02_cycle1"]]


def test_all_tables_written_as_tsv_and_parquet(cohort, tmp_path):
    result = tables(cohort, tmp_path / "in")
    write_tables(result, tmp_path / "out")
    for name, table in result.items():
        assert read_tsv(tmp_path / "out" / f"{name}.tsv").shape == table.shape
        assert pd.read_parquet(tmp_path / "out" / f"{name}.parquet").shape == table.shape
    tte = read_tsv(tmp_path / "out" / "tte.tsv")
    assert list(tte.columns) == [
        "subject",
        "time_days",
        "time_cum_dose",
        "event",
        "landmark_time_days",
        "landmark_time_cum_dose",
        "landmark_event",
    ]
