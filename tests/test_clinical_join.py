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


def test_baseline_on_treatment_and_change_per_patient(cohort, tmp_path):
    patients = tables(cohort, tmp_path)["patients"].set_index("subject")
    truth = cohort["truth"].set_index("subject")
    assert np.allclose(patients["baseline_fraction_spliced"], truth["baseline_fraction"])
    assert np.allclose(
        patients["on_treatment_fraction_spliced"], truth["cycle1_fraction"]
    )  # first sampled after baseline
    assert np.allclose(
        patients["change_fraction_spliced"], truth["cycle1_fraction"] - truth["baseline_fraction"]
    )
    assert np.allclose(
        patients["peak_fraction_spliced"], truth[["baseline_fraction", "cycle1_fraction"]].max(axis=1)
    )
    assert patients["peak_grade"].tolist() == truth["peak_grade"].tolist()


def test_on_treatment_visit_can_be_chosen(cohort, tmp_path):
    patients = tables(cohort, tmp_path, on_treatment_visit="cycle2")["patients"]
    assert patients["on_treatment_fraction_spliced"].isna().all()  # no sample at cycle2
    assert patients["baseline_fraction_spliced"].notna().all()


def test_visits_carry_the_sample_readouts_at_sampled_visits_only(cohort, tmp_path):
    visits = tables(cohort, tmp_path)["visits"]
    assert len(visits) == len(cohort["clinical"])
    sampled = visits.dropna(subset=["sample"])
    assert set(sampled["visit"]) == {"baseline", "cycle1"} and len(sampled) == 16
    expected = cohort["scores"].set_index("sample")["fraction_spliced"]
    assert np.allclose(sampled["fraction_spliced"], expected[sampled["sample"]])
    assert {"cipn20_sensory", "cipn20_motor", "cipn20_autonomic"} <= set(visits.columns)


def test_unmatched_subjects_listed_and_counted(cohort, tmp_path, caplog):
    cohort["clinical"] = cohort["clinical"][
        cohort["clinical"]["subject"] != "P03"
    ]  # samples, no clinical rows
    drop = cohort["samples"]["subject"] == "P05"  # clinical rows, no samples
    cohort["samples"] = cohort["samples"][~drop]
    cohort["scores"] = cohort["scores"][cohort["scores"]["sample"] != "P07_cycle1"]  # sample without readout
    with caplog.at_level(logging.WARNING):
        result = tables(cohort, tmp_path)
    unmatched = result["unmatched"]
    assert sorted(unmatched["subject"]) == ["P03", "P03", "P05", "P07"]
    assert set(unmatched.loc[unmatched["subject"] == "P03", "sample"]) == {"P03_baseline", "P03_cycle1"}
    assert "3 subject(s) / 4 row(s)" in caplog.text
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
    assert list(tte.columns) == ["subject", "time_days", "time_cum_dose", "event"]
