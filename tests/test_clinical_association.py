"""Association statistics: a planted effect is found, a null one is not, separation is reported."""

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.multitest import multipletests

from ire1seq.clinical import association
from ire1seq.clinical.pipeline import build_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort


def analyse(log_or, seed, directory):
    paths = write_cohort(simulate_cohort(n=40, log_or=log_or, seed=seed), directory)
    result = build_tables(
        paths["clinical"], paths["samples"], paths["scores"], covariates=["age", "bmi"], bootstrap=500
    )
    return result["association"].set_index(["readout", "timepoint", "model"])


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return analyse(1.5, 1, tmp_path_factory.mktemp("planted"))


@pytest.fixture(scope="module")
def null(tmp_path_factory):
    return analyse(0.0, 3, tmp_path_factory.mktemp("null"))


def test_planted_association_found_in_the_right_direction(planted):
    row = planted.loc[("fraction_spliced", "baseline")]
    assert row.loc["logistic", "estimate"] > 1 and row.loc["logistic", "p_value"] < 0.05
    assert row.loc["logistic", "ci_low"] > 1
    assert row.loc["auc", "estimate"] > 0.5 and row.loc["auc", "ci_low"] > 0.5
    assert row.loc["spearman_grade", "estimate"] > 0 and row.loc["spearman_grade", "p_value"] < 0.05
    assert row.loc["spearman_cipn20", "estimate"] > 0 and row.loc["spearman_cipn20", "p_value"] < 0.05
    assert row.loc["cox", "estimate"] > 1 and row.loc["cox", "p_value"] < 0.05
    assert (row["n"] == 40).all() and (row["note"].fillna("") == "").all()


def test_unrelated_readout_not_significant(planted):
    row = planted.loc[("score_noise", "baseline")]
    assert (row["q_value"] > 0.05).all()
    assert row.loc["auc", "ci_low"] < 0.5 < row.loc["auc", "ci_high"]


def test_null_cohort_not_significant(null):
    row = null.loc[("fraction_spliced", "baseline")]
    assert (row["p_value"] > 0.05).all()
    assert row.loc["auc", "ci_low"] < 0.5 < row.loc["auc", "ci_high"]
    assert row.loc["logistic", "ci_low"] < 1 < row.loc["logistic", "ci_high"]


def test_q_values_are_bh_across_readouts_per_model_and_timepoint(planted):
    table = planted.reset_index()
    assert len(table) == 3 * 2 * 5
    for _, group in table.groupby(["model", "timepoint"]):
        assert len(group) == 3
        assert np.allclose(group["q_value"], multipletests(group["p_value"], method="fdr_bh")[1])


def patients(x, y) -> tuple[pd.Series, pd.Series]:
    return pd.Series(x, dtype=float), pd.Series(y)


def test_complete_separation_reported_not_estimated():
    x, y = patients(np.arange(20), [0] * 10 + [1] * 10)
    result = association.logistic(x, y, pd.DataFrame(index=x.index))
    assert np.isnan(result["estimate"]) and np.isnan(result["p_value"])
    assert "complete separation" in result["note"] and "quasi" not in result["note"]


def test_quasi_complete_separation_reported():
    x, y = patients([0, 0] + list(range(1, 10)) + list(range(-9, 0)), [0, 1] + [1] * 9 + [0] * 9)
    result = association.logistic(x, y, pd.DataFrame(index=x.index))
    assert np.isnan(result["estimate"]) and "quasi-complete separation" in result["note"]


def test_separation_through_a_covariate_reported():
    rng = np.random.default_rng(0)
    y = pd.Series([0] * 15 + [1] * 15)
    covariates = pd.DataFrame({"diabetes": ["no"] * 15 + ["yes"] * 15})
    result = association.logistic(pd.Series(rng.normal(size=30)), y, covariates)
    assert "separation" in result["note"]


def test_overlapping_groups_not_flagged():
    rng = np.random.default_rng(1)
    y = pd.Series(rng.integers(0, 2, 40))
    result = association.logistic(pd.Series(rng.normal(size=40) + y), y, pd.DataFrame(index=y.index))
    assert result["note"] == "" and np.isfinite(result["estimate"])


def test_effects_are_per_sd_so_the_readout_scale_does_not_matter():
    rng = np.random.default_rng(2)
    y = pd.Series(rng.integers(0, 2, 40))
    x = pd.Series(rng.normal(size=40) + y)
    covariates = pd.DataFrame({"age": rng.normal(60, 10, 40)})
    assert association.logistic(x, y, covariates)["estimate"] == pytest.approx(
        association.logistic(100 * x + 7, y, covariates)["estimate"]
    )
    time, event = pd.Series(rng.integers(20, 200, 40)), y
    assert association.cox(x, time, event, covariates)["estimate"] == pytest.approx(
        association.cox(100 * x, time, event, covariates)["estimate"], rel=1e-4
    )


def test_auc_bootstrap_is_seeded_and_mirrors_under_sign_flip():
    rng = np.random.default_rng(3)
    y = pd.Series(rng.integers(0, 2, 40))
    x = pd.Series(rng.normal(size=40) + y)
    first, again = association.auc(x, y, 300, seed=7), association.auc(x, y, 300, seed=7)
    assert first == again
    flipped = association.auc(-x, y, 300, seed=7)
    assert flipped["estimate"] == pytest.approx(1 - first["estimate"])
    assert first["ci_low"] <= first["estimate"] <= first["ci_high"]


def test_cox_without_events_says_so():
    x = pd.Series(np.arange(10.0))
    result = association.cox(x, pd.Series([100] * 10), pd.Series([0] * 10), pd.DataFrame(index=x.index))
    assert np.isnan(result["estimate"]) and "event" in result["note"]
