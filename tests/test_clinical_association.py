"""Association statistics: a planted effect is found, a null one is not, separation gets Firth's estimate."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from statsmodels.stats.multitest import multipletests

from ire1seq.clinical import association
from ire1seq.clinical.intervals import counting_process
from ire1seq.clinical.pipeline import build_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort

TRAPS = {"preexisting": 0.05, "low_coverage": 0.05, "missing": 0.05}


def analyse(log_hr, seed, directory, **options):
    paths = write_cohort(simulate_cohort(n=60, log_hr=log_hr, seed=seed, **TRAPS), directory)
    result = build_tables(
        paths["clinical"],
        paths["samples"],
        paths["scores"],
        covariates=["age", "bmi"],
        bootstrap=300,
        **options,
    )
    return result["association"].set_index(["readout", "timepoint", "model"])


@pytest.fixture(scope="module")
def planted(tmp_path_factory):
    return analyse(1.0, 1, tmp_path_factory.mktemp("planted"))


@pytest.fixture(scope="module")
def null(tmp_path_factory):
    return analyse(0.0, 3, tmp_path_factory.mktemp("null"))


def test_planted_time_varying_effect_found_as_the_primary_endpoint(planted):
    row = planted.loc[("fraction_spliced", "longitudinal", "cox_tv")]
    assert row["role"] == "primary" and np.isnan(row["q_value"])
    assert row["estimate"] > 1 and row["ci_low"] > 1 and row["p_value"] < 0.01
    assert (planted["role"] == "primary").sum() == 1


def test_planted_effect_also_seen_from_baseline(planted):
    row = planted.loc[("fraction_spliced", "baseline")]
    assert row.loc["logistic", "estimate"] > 1 and row.loc["logistic", "p_value"] < 0.05
    assert row.loc["auc", "ci_low"] > 0.5
    assert row.loc["cox", "estimate"] > 1 and row.loc["cox", "p_value"] < 0.05


def test_unrelated_readout_not_significant(planted):
    row = planted.loc["score_noise"]
    assert (row["q_value"] > 0.05).all()
    assert row.loc[("baseline", "auc"), "ci_low"] < 0.5 < row.loc[("baseline", "auc"), "ci_high"]


def test_null_cohort_not_significant(null):
    assert null.loc[("fraction_spliced", "longitudinal", "cox_tv"), "p_value"] > 0.05
    row = null.loc[("fraction_spliced", "baseline")]
    assert (row["p_value"] > 0.05).all()
    assert row.loc["logistic", "ci_low"] < 1 < row.loc["logistic", "ci_high"]


def test_rows_per_readout_and_q_values_over_exploratory_rows_per_model_and_timepoint(planted):
    table = planted.reset_index()
    assert len(table) == 3 * 13
    exploratory = table[table["role"] == "exploratory"]
    for (model, timepoint), group in exploratory.groupby(["model", "timepoint"]):
        assert len(group) == (2 if (model, timepoint) == ("cox_tv", "longitudinal") else 3)
        assert np.allclose(group["q_value"], multipletests(group["p_value"], method="fdr_bh")[1])


def test_primary_endpoint_can_be_chosen(tmp_path):
    primary = {"readout": "log2_spliced_ratio", "timepoint": "change", "model": "cox"}
    table = analyse(1.0, 1, tmp_path, primary=primary).reset_index()
    assert table.loc[table["role"] == "primary", ["readout", "timepoint", "model"]].values.tolist() == [
        ["log2_spliced_ratio", "change", "cox"]
    ]


def test_change_models_adjusted_for_baseline_when_asked(tmp_path):
    paths = write_cohort(simulate_cohort(n=60, log_hr=1.0, seed=1, **TRAPS), tmp_path)
    result = build_tables(
        paths["clinical"],
        paths["samples"],
        paths["scores"],
        covariates=["age"],
        readouts=["fraction_spliced"],
        change_adjusts_for_baseline=True,
        bootstrap=100,
    )
    row = result["association"].set_index(["timepoint", "model"]).loc[("change", "logistic")]
    assert "adjusted for the baseline value" in row["note"]
    data = result["patients"].query("landmark_exclusion.isna()", engine="python")
    data = data[["landmark_grade_ge2", "change_fraction_spliced", "age", "baseline_fraction_spliced"]].dropna()
    change = data["change_fraction_spliced"]
    design = sm.add_constant(
        data[["age", "baseline_fraction_spliced"]].assign(x=(change - change.mean()) / change.std())
    )
    fit = sm.Logit(data["landmark_grade_ge2"].astype(int), design).fit(disp=0)
    assert row["n"] == len(data) and row["estimate"] == pytest.approx(np.exp(fit.params["x"]), rel=1e-6)


def patients(x, y) -> tuple[pd.Series, pd.Series]:
    return pd.Series(x, dtype=float), pd.Series(y)


def test_complete_separation_gets_firths_estimate():
    """Firth's estimate for a 2 × 2 table is the log odds ratio with 0.5 added to every cell
    (3 + 3 patients, split perfectly: log(3.5² / 0.5²) = log 49), here per SD of the 0/1 readout."""
    x, y = patients([0, 0, 0, 1, 1, 1], [0, 0, 0, 1, 1, 1])
    result = association.logistic(x, y, pd.DataFrame(index=x.index))
    assert result["estimate"] == pytest.approx(np.exp(np.log(49) * x.std()), rel=1e-4)
    assert result["ci_low"] < result["estimate"] < result["ci_high"] and 0 < result["p_value"] < 1
    assert "complete separation" in result["note"] and "quasi" not in result["note"] and "Firth" in result["note"]


def test_quasi_complete_separation_gets_firths_estimate():
    x, y = patients([0, 0] + list(range(1, 10)) + list(range(-9, 0)), [0, 1] + [1] * 9 + [0] * 9)
    result = association.logistic(x, y, pd.DataFrame(index=x.index))
    assert "quasi-complete separation" in result["note"] and "Firth" in result["note"]
    assert np.isfinite(result["estimate"]) and result["estimate"] > 1 and result["ci_low"] > 1


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


def test_time_varying_effect_per_sd_of_the_intervals_and_n_counts_patients():
    cohort = simulate_cohort(n=40, log_hr=1.0, seed=6)
    visits = cohort["clinical"].merge(cohort["samples"], on=["subject", "visit"], how="left")
    visits = visits.merge(cohort["scores"], on="sample", how="left")
    origin = pd.Series(0.0, index=cohort["clinical"]["subject"].unique())
    covariates = cohort["clinical"].groupby("subject")[["age"]].first()
    fits = []
    for scale in (1, 100):
        intervals = counting_process(visits.assign(x=scale * visits["fraction_spliced"] + 7), "x", origin)
        fits.append(association.cox_tv(intervals, covariates))
    assert fits[0]["estimate"] == pytest.approx(fits[1]["estimate"], rel=1e-6) and fits[0]["estimate"] > 1
    assert fits[0]["n"] == 40


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
