"""Association of each readout (baseline, change) with CIPN outcomes: one row per readout × timepoint × model.

Effects are per standard deviation of the readout in the patients analysed, so readouts on
different scales (fraction, log2 ratio, set score) are comparable. Patients lacking the readout
or a covariate are left out of that test only; `n` and `note` say so.
"""

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.multitest import multipletests

TIMEPOINTS = ("baseline", "change")
COLUMNS = [
    "readout",
    "timepoint",
    "model",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "q_value",
    "n",
    "note",
]
Z95 = stats.norm.ppf(0.975)
DIVERGED = 10.0  # |log effect per SD| beyond this means the fit ran off to infinity


def _result(estimate=np.nan, ci=(np.nan, np.nan), p=np.nan, n=0, note="") -> dict:
    return {"estimate": estimate, "ci_low": ci[0], "ci_high": ci[1], "p_value": p, "n": n, "note": note}


def _complete(frame: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """Rows with every value present, and a note when some were left out."""
    kept = frame.dropna()
    left_out = len(frame) - len(kept)
    return kept, (
        f"{left_out} of {len(frame)} patients lack the readout, outcome or a covariate" if left_out else ""
    )


def _per_sd(x: pd.Series) -> pd.Series:
    return (x - x.mean()) / x.std(ddof=1)


def covariate_design(covariates: pd.DataFrame) -> pd.DataFrame:
    """Numeric covariates as they are; categorical ones (sex, regimen) as 0/1 indicators."""
    if covariates.columns.empty:
        return pd.DataFrame(index=covariates.index)
    return pd.get_dummies(covariates, drop_first=True, dtype=float).astype(float)


def separation(design: np.ndarray, y: np.ndarray) -> str | None:
    """'complete' / 'quasi-complete' if some direction splits the outcome groups (no finite MLE), else None.

    Linear-programming check of Konis (2007, detectseparation): maximise Σ s_i x_i·b subject to
    s_i x_i·b ≥ 0 (s = ±1 for the outcome) with b in a box; a positive optimum means separation.
    """
    scaled = design / np.maximum(np.abs(design).max(axis=0), 1e-300)
    signed = scaled * np.where(y == 1, 1.0, -1.0)[:, None]
    zeros = np.zeros(len(y))
    box = optimize.linprog(-signed.sum(axis=0), A_ub=-signed, b_ub=zeros, bounds=(-1, 1))
    if not box.success or -box.fun <= 1e-6 * len(y):
        return None
    strict = optimize.linprog(np.zeros(scaled.shape[1]), A_ub=-signed, b_ub=zeros - 1, bounds=(None, None))
    return "complete" if strict.success else "quasi-complete"


def logistic(x: pd.Series, y: pd.Series, covariates: pd.DataFrame) -> dict:
    """Odds ratio of grade ≥ 2 per SD of the readout, adjusted for covariates (Wald CI and p)."""
    data, note = _complete(pd.concat([x.rename("x"), y.rename("y"), covariates], axis=1))
    n = len(data)
    if data["y"].nunique() < 2 or data["x"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs both outcome groups and a varying readout"))
    design = sm.add_constant(
        pd.concat([_per_sd(data["x"]), covariate_design(data[covariates.columns])], axis=1),
        has_constant="add",
    )
    split = separation(design.to_numpy(), data["y"].to_numpy())
    if split:
        return _result(
            n=n, note=_join(note, f"{split} separation of the outcome groups: odds ratio not estimable")
        )
    try:
        fit = sm.Logit(data["y"], design).fit(disp=0, maxiter=200)
    except np.linalg.LinAlgError:
        return _result(n=n, note=_join(note, "covariates are collinear"))
    if not fit.mle_retvals["converged"]:
        return _result(n=n, note=_join(note, "logistic fit did not converge"))
    ci = fit.conf_int().loc["x"]
    return _result(np.exp(fit.params["x"]), tuple(np.exp(ci)), fit.pvalues["x"], n, note)


def _auc_statistic(cases, controls, axis=-1):
    return stats.mannwhitneyu(cases, controls, axis=axis, method="asymptotic").statistic / (
        cases.shape[axis] * controls.shape[axis]
    )


def auc(x: pd.Series, y: pd.Series, bootstrap: int, seed: int) -> dict:
    """ROC AUC of the readout for grade ≥ 2 (Mann–Whitney p; percentile CI of a stratified bootstrap)."""
    data, note = _complete(pd.concat([x.rename("x"), y.rename("y")], axis=1))
    cases, controls = data.loc[data["y"] == 1, "x"].to_numpy(), data.loc[data["y"] == 0, "x"].to_numpy()
    if len(cases) < 2 or len(controls) < 2:
        return _result(n=len(data), note=_join(note, "needs at least two patients in each outcome group"))
    p = stats.mannwhitneyu(cases, controls).pvalue
    boot = stats.bootstrap(
        (cases, controls),
        _auc_statistic,
        n_resamples=bootstrap,
        method="percentile",
        rng=np.random.default_rng(seed),
    )
    ci = boot.confidence_interval
    return _result(_auc_statistic(cases, controls), (ci.low, ci.high), p, len(data), note)


def spearman(x: pd.Series, outcome: pd.Series) -> dict:
    """Spearman rho with a Fisher-z CI (Bonett & Wright 2000 variance)."""
    data, note = _complete(pd.concat([x.rename("x"), outcome.rename("o")], axis=1))
    n = len(data)
    if n < 4 or data["x"].nunique() < 2 or data["o"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs four patients and varying values"))
    rho, p = stats.spearmanr(data["x"], data["o"])
    half = Z95 * np.sqrt((1 + rho**2 / 2) / (n - 3))
    return _result(
        rho, tuple(np.tanh(np.arctanh(np.clip(rho, -0.9999999, 0.9999999)) + [-half, half])), p, n, note
    )


def cox(x: pd.Series, time: pd.Series, event: pd.Series, covariates: pd.DataFrame) -> dict:
    """Hazard ratio of first grade ≥ 2 per SD of the readout (Cox PH, Efron ties, censored at last visit)."""
    data, note = _complete(
        pd.concat([x.rename("x"), time.rename("t"), event.rename("e"), covariates], axis=1)
    )
    n = len(data)
    if data["e"].sum() == 0 or data["x"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs at least one event and a varying readout"))
    design = pd.concat([_per_sd(data["x"]), covariate_design(data[covariates.columns])], axis=1)
    model = PHReg(data["t"], design, status=data["e"], ties="efron")
    # BFGS, not statsmodels' default Newton, which overshoots with the many ties of visit-day times.
    fit = model.fit(method="bfgs", maxiter=500, disp=0)
    log_hr, se = fit.params[0], fit.bse[0]
    if not np.isfinite(se) or abs(log_hr) > DIVERGED or np.abs(model.score(fit.params)).max() > 1e-3:
        return _result(
            n=n,
            note=_join(note, "Cox fit did not converge (monotone likelihood?): hazard ratio not estimable"),
        )
    return _result(
        np.exp(log_hr), (np.exp(log_hr - Z95 * se), np.exp(log_hr + Z95 * se)), fit.pvalues[0], n, note
    )


def _join(*notes) -> str:
    return "; ".join(n for n in notes if n)


def associate(
    patients: pd.DataFrame, tte: pd.DataFrame, readouts, covariates=(), bootstrap=2000, seed=1
) -> pd.DataFrame:
    """Every readout × timepoint × model, with Benjamini–Hochberg q-values across readouts per model and timepoint."""
    data = patients.merge(tte, on="subject", how="left")
    covars = data[list(covariates)]
    rows = []
    for readout in readouts:
        for timepoint in TIMEPOINTS:
            x = data[f"{timepoint}_{readout}"]
            tests = {
                "logistic": logistic(x, data["grade_ge2"], covars),
                "auc": auc(x, data["grade_ge2"], bootstrap, seed),
                "spearman_grade": spearman(x, data["peak_grade"]),
                "spearman_cipn20": spearman(x, data["peak_cipn20_sensory"]),
                "cox": cox(x, data["time_days"], data["event"], covars),
            }
            rows += [{"readout": readout, "timepoint": timepoint, "model": m, **r} for m, r in tests.items()]
    table = pd.DataFrame(rows)
    table["q_value"] = table.groupby(["model", "timepoint"], sort=False)["p_value"].transform(_bh)
    return table[COLUMNS]


def _bh(p: pd.Series) -> pd.Series:
    q = pd.Series(np.nan, index=p.index)
    tested = p.notna()
    if tested.any():
        q[tested] = multipletests(p[tested], method="fdr_bh")[1]
    return q
