"""Per-draw covariates (clinical.sample_covariates, e.g. blood composition): adjusted for at the same
draw in every model, checked against direct fits of statsmodels and lifelines."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from lifelines import CoxTimeVaryingFitter

from ire1seq.clinical.pipeline import build_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort
from ire1seq.errors import InputError

COVARIATE = "composition_plasmablast"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A cohort whose XBP1 readout is in part the plasmablast share of the same draw."""
    cohort = simulate_cohort(n=60, seed=5)
    scores = cohort["scores"]
    noise = np.random.default_rng(1).normal(0, scores["fraction_spliced"].std(), len(scores))
    scores[COVARIATE] = scores["fraction_spliced"] + noise
    paths = write_cohort(cohort, tmp_path_factory.mktemp("covariates"))
    tables = build_tables(
        paths["clinical"], paths["samples"], paths["scores"], bootstrap=100, sample_covariates=[COVARIATE]
    )
    plain = build_tables(paths["clinical"], paths["samples"], paths["scores"], bootstrap=100)
    return tables, plain


def row(tables, timepoint, model, readout="fraction_spliced"):
    table = tables["association"].set_index(["readout", "timepoint", "model"])
    return table.loc[(readout, timepoint, model)]


def per_sd(x):
    return (x - x.mean()) / x.std(ddof=1)


def test_composition_is_no_default_readout(run):
    tables, plain = run
    assert COVARIATE not in set(plain["association"]["readout"])
    assert COVARIATE not in set(tables["association"]["readout"])


@pytest.mark.parametrize("timepoint", ["baseline", "change"])
def test_logistic_adjusts_for_the_covariate_at_the_same_draw(run, timepoint):
    tables, _ = run
    patients = tables["patients"].set_index("subject")
    if timepoint == "baseline":
        used = patients[patients["exclusion"].isna()]
        outcome = used["grade_ge2"]
    else:
        used = patients[patients["landmark_exclusion"].isna()]
        outcome = used["landmark_grade_ge2"]
    data = pd.DataFrame(
        {"x": used[f"{timepoint}_fraction_spliced"], "c": used[f"{timepoint}_{COVARIATE}"], "y": outcome}
    ).dropna()
    fit = sm.Logit(data["y"].astype(int), sm.add_constant(pd.DataFrame({"x": per_sd(data["x"]), "c": data["c"]}))).fit(
        disp=0
    )
    ours = row(tables, timepoint, "logistic")
    assert ours["n"] == len(data)
    assert ours["estimate"] == pytest.approx(np.exp(fit.params["x"]), rel=1e-6)
    assert ours["p_value"] == pytest.approx(fit.pvalues["x"], rel=1e-6)


def test_time_varying_cox_adjusts_for_the_covariate_at_each_visit(run):
    tables, plain = run
    visits = tables["visits"]
    patients = tables["patients"].set_index("subject")
    analysed = patients.index[patients["exclusion"].isna()]
    rows = []
    for subject, draws in visits[visits["subject"].isin(analysed)].sort_values("day").groupby("subject"):
        origin = draws.loc[draws["visit"] == "baseline", "day"].iloc[0]
        draws = draws[draws["day"] >= origin].assign(
            x=lambda d: d["fraction_spliced"].ffill(), c=lambda d: d[COVARIATE].ffill()
        )
        for (_, here), (_, after) in zip(draws.iloc[:-1].iterrows(), draws.iloc[1:].iterrows()):
            rows.append(dict(subject=subject, start=here["day"] - origin, stop=after["day"] - origin,
                             event=int(after["ctcae_sensory_grade"] >= 2), x=here["x"], c=here["c"]))  # fmt: skip
            if after["ctcae_sensory_grade"] >= 2:
                break
    intervals = pd.DataFrame(rows).dropna()
    intervals["x"] = per_sd(intervals["x"])
    fit = CoxTimeVaryingFitter().fit(intervals, id_col="subject", event_col="event", start_col="start", stop_col="stop")
    ours = row(tables, "longitudinal", "cox_tv")
    assert ours["estimate"] == pytest.approx(np.exp(fit.params_["x"]), rel=1e-4)
    assert ours["estimate"] != pytest.approx(row(plain, "longitudinal", "cox_tv")["estimate"], rel=1e-3)


def test_a_column_both_tested_and_adjusted_for_is_refused(tmp_path):
    cohort = simulate_cohort(n=10, seed=1)
    paths = write_cohort(cohort, tmp_path)
    with pytest.raises(InputError, match="both name score_noise"):
        build_tables(
            paths["clinical"],
            paths["samples"],
            paths["scores"],
            readouts=["score_noise"],
            sample_covariates=["score_noise"],
        )
    with pytest.raises(InputError, match="column 'composition_x' named in config clinical.sample_covariates"):
        build_tables(paths["clinical"], paths["samples"], paths["scores"], sample_covariates=["composition_x"])
