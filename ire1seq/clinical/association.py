"""Association of each readout with treatment-emergent CIPN: one row per readout × timepoint × model.

Timepoints: `baseline` (the baseline sample; outcomes after the baseline visit), `change`
(on-treatment − baseline; a landmark analysis from the on-treatment visit) and `longitudinal`
(every draw, as a time-varying covariate of a Cox model). Effects are per standard deviation of
the readout over the rows entering that model, so readouts on different scales (fraction, log2
ratio, set score) are comparable. Patients lacking the readout or a covariate are left out of that
test only; `n` and `note` say so. Rules and sources: docs/clinical.md.
"""

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, stats
from statsmodels.duration.hazard_regression import PHReg
from statsmodels.stats.multitest import multipletests

TIMEPOINTS = ("baseline", "change")  # patient-level timepoints (one value per patient)
COLUMNS = [
    "readout",
    "timepoint",
    "model",
    "role",
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
FIRTH_ITERATIONS = 100


def _result(estimate=np.nan, ci=(np.nan, np.nan), p=np.nan, n=0, note="") -> dict:
    return {"estimate": estimate, "ci_low": ci[0], "ci_high": ci[1], "p_value": p, "n": n, "note": note}


def _complete(frame: pd.DataFrame, unit: str = "patients") -> tuple[pd.DataFrame, str]:
    """Rows with every value present, and a note when some were left out."""
    kept = frame.dropna()
    left_out = len(frame) - len(kept)
    return kept, (f"{left_out} of {len(frame)} {unit} lack the readout, outcome or a covariate" if left_out else "")


def _per_sd(x: pd.Series) -> pd.Series:
    return (x - x.mean()) / x.std(ddof=1)


def _wald(log_effect: float, se: float, p: float, n: int, note: str) -> dict:
    ci = (np.exp(log_effect - Z95 * se), np.exp(log_effect + Z95 * se))
    return _result(np.exp(log_effect), ci, p, n, note)


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
    """Odds ratio of grade ≥ 2 per SD of the readout, adjusted for covariates (Wald CI and p).

    Under (quasi-)complete separation the maximum-likelihood estimate is infinite; Firth's
    penalised likelihood is used instead (see `firth`).
    """
    data, note = _complete(pd.concat([x.rename("x"), y.rename("y"), covariates], axis=1))
    n = len(data)
    if data["y"].nunique() < 2 or data["x"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs both outcome groups and a varying readout"))
    design = pd.concat([_per_sd(data["x"]), covariate_design(data[covariates.columns])], axis=1)
    y = data["y"].astype(int)
    split = separation(sm.add_constant(design, has_constant="add").to_numpy(), y.to_numpy())
    if split:
        return firth(design, y, note=_join(note, f"{split} separation of the outcome groups"))
    try:
        fit = sm.Logit(y, sm.add_constant(design, has_constant="add")).fit(disp=0, maxiter=200)
    except np.linalg.LinAlgError:
        return _result(n=n, note=_join(note, "covariates are collinear"))
    if not fit.mle_retvals["converged"]:
        return _result(n=n, note=_join(note, "logistic fit did not converge"))
    return _wald(fit.params["x"], fit.bse["x"], fit.pvalues["x"], n, note)


def firth(design: pd.DataFrame, y: pd.Series, *, note: str = "") -> dict:
    """Firth's penalised-likelihood logistic regression (Firth 1993; Heinze & Schemper 2002, for
    separation): odds ratio of the first column, profile penalised-likelihood 95% CI and
    penalised likelihood-ratio p, which stay finite and agree with each other where Wald's do not."""
    from firthmodels import FirthLogisticRegression

    fit = FirthLogisticRegression(max_iter=FIRTH_ITERATIONS).fit(design.to_numpy(), y.to_numpy())
    if not fit.converged_:
        return _result(n=len(y), note=_join(note, "Firth fit did not converge: odds ratio not estimable"))
    ci = fit.conf_int(method="pl", features=0, max_iter=FIRTH_ITERATIONS)[0]
    p = fit.lrt(0).lrt_pvalues_[0]
    note = _join(note, "Firth penalised likelihood (profile-likelihood CI, likelihood-ratio p)")
    return _result(np.exp(fit.coef_[0]), tuple(np.exp(ci)), p, len(y), note)


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
    data, note = _complete(pd.concat([x.rename("x"), outcome.rename("o")], axis=1).astype(float))
    n = len(data)
    if n < 4 or data["x"].nunique() < 2 or data["o"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs four patients and varying values"))
    rho, p = stats.spearmanr(data["x"], data["o"])
    half = Z95 * np.sqrt((1 + rho**2 / 2) / (n - 3))
    return _result(rho, tuple(np.tanh(np.arctanh(np.clip(rho, -0.9999999, 0.9999999)) + [-half, half])), p, n, note)


def cox(x: pd.Series, time: pd.Series, event: pd.Series, covariates: pd.DataFrame) -> dict:
    """Hazard ratio of first grade ≥ 2 per SD of the readout (Cox PH, Efron ties, censored at last visit)."""
    data, note = _complete(pd.concat([x.rename("x"), time.rename("t"), event.rename("e"), covariates], axis=1))
    n = len(data)
    if data["e"].sum() == 0 or data["x"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs at least one event and a varying readout"))
    design = pd.concat([_per_sd(data["x"]), covariate_design(data[covariates.columns])], axis=1)
    model = PHReg(data["t"].astype(float), design, status=data["e"].astype(int), ties="efron")
    # BFGS, not statsmodels' default Newton, which overshoots with the many ties of visit-day times.
    fit = model.fit(method="bfgs", maxiter=500, disp=0)
    log_hr, se = fit.params[0], fit.bse[0]
    if not np.isfinite(se) or abs(log_hr) > DIVERGED or np.abs(model.score(fit.params)).max() > 1e-3:
        return _result(
            n=n,
            note=_join(note, "Cox fit did not converge (monotone likelihood?): hazard ratio not estimable"),
        )
    return _wald(log_hr, se, fit.pvalues[0], n, note)


def cox_tv(intervals: pd.DataFrame, covariates: pd.DataFrame, carried=()) -> dict:
    """Hazard ratio of first grade ≥ 2 per SD of the readout as a time-varying covariate (Cox PH on
    counting-process intervals, Efron ties; lifelines, whose risk sets follow R's survival:
    an interval (start, stop] is at risk at t when start < t ≤ stop). `n` counts patients.

    `intervals` come from ire1seq.clinical.intervals.counting_process; `covariates` are indexed by
    subject; `carried` are interval columns adjusted for as they are (per-draw covariates).
    """
    from lifelines import CoxTimeVaryingFitter
    from lifelines.exceptions import ConvergenceError

    data, note = _complete(intervals.join(covariates, on="subject"), unit="intervals")
    n = data["subject"].nunique()
    if data["event"].sum() == 0 or data["value"].nunique() < 2:
        return _result(n=n, note=_join(note, "needs at least one event and a varying readout"))
    design = pd.concat(
        [
            data[["subject", "start", "stop", "event"]],
            _per_sd(data["value"]).rename("x"),
            covariate_design(data[covariates.columns]),
            data[list(carried)],
        ],
        axis=1,
    )
    try:
        fit = CoxTimeVaryingFitter().fit(
            design, id_col="subject", event_col="event", start_col="start", stop_col="stop"
        )
    except ConvergenceError:
        return _result(n=n, note=_join(note, "time-varying Cox fit did not converge: hazard ratio not estimable"))
    log_hr, se = fit.params_["x"], fit.standard_errors_["x"]
    if not np.isfinite(se) or abs(log_hr) > DIVERGED:
        return _result(n=n, note=_join(note, "time-varying Cox fit diverged (monotone likelihood?): not estimable"))
    return _wald(log_hr, se, fit.summary.loc["x", "p"], n, note)


def _join(*notes) -> str:
    return "; ".join(n for n in notes if n)


def _left_out(reasons: pd.Series) -> str:
    """'left out: 2 grade >= 2 at baseline, 1 no assessment after ...' from per-patient reasons."""
    counts = reasons.dropna().value_counts(sort=False)
    return "left out: " + ", ".join(f"{k} {reason}" for reason, k in counts.items()) if len(counts) else ""


def _unusable(quality: pd.DataFrame, subjects, visits=None) -> str:
    """How many of these patients' samples (at these visits) had their XBP1 readout set missing."""
    rows = quality[quality["subject"].isin(subjects)]
    if visits is not None:
        rows = rows[rows["visit"].isin(visits)]
    return f"{len(rows)} sample(s) not used: xbp1_status not ok" if len(rows) else ""


def patient_tests(
    x: pd.Series,
    outcomes: pd.DataFrame,
    covariates: pd.DataFrame,
    *,
    bootstrap: int,
    seed: int,
) -> dict[str, dict]:
    """The patient-level models of one readout value; `outcomes` has grade_ge2, peak_grade,
    peak_cipn20_sensory, time_days, time_cum_dose and event over the same patients."""
    return {
        "logistic": logistic(x, outcomes["grade_ge2"], covariates),
        "auc": auc(x, outcomes["grade_ge2"], bootstrap, seed),
        "spearman_grade": spearman(x, outcomes["peak_grade"]),
        "spearman_cipn20": spearman(x, outcomes["peak_cipn20_sensory"]),
        "cox": cox(x, outcomes["time_days"], outcomes["event"], covariates),
        "cox_dose": cox(x, outcomes["time_cum_dose"], outcomes["event"], covariates),
    }


def associate(
    patients: pd.DataFrame,
    intervals: dict[str, pd.DataFrame],
    readouts,
    *,
    primary: dict,
    quality: pd.DataFrame,
    visits: dict[str, tuple],
    covariates=(),
    sample_covariates=(),
    change_adjusts_for_baseline: bool = False,
    bootstrap: int = 2000,
    seed: int = 1,
) -> pd.DataFrame:
    """Every readout × timepoint × model, the primary one marked, with Benjamini–Hochberg q-values
    over the exploratory rows of each model × timepoint.

    patients: one row per subject with exclusion, landmark_exclusion, the outcomes from baseline and
    (prefix landmark_) from the landmark, covariates and baseline_/change_ readouts. intervals: per
    readout, the counting-process table of the analysed patients. quality: subject, visit and
    readout of every patient sample whose XBP1 readout was set missing. visits: the visit labels
    each timepoint uses (baseline; baseline and on-treatment). sample_covariates: readout-table
    columns measured at each draw (blood composition), adjusted for at the same draw: their baseline
    value in baseline rows, their change in change rows, their value at each interval's visit in
    cox_tv (patients carries baseline_/change_ columns of them, intervals the columns themselves).
    """
    data = patients.set_index("subject")
    analysed = data[data["exclusion"].isna()]
    landmark = data[data["landmark_exclusion"].isna()]
    landmark_outcomes = landmark.filter(like="landmark_").rename(columns=lambda c: c.removeprefix("landmark_"))
    rows = []
    at_baseline = {f"baseline_{c}": c for c in sample_covariates}
    changed = {f"change_{c}": c for c in sample_covariates}
    baseline_covariates = analysed[[*covariates, *at_baseline]].rename(columns=at_baseline)
    for readout in readouts:
        unusable = quality[quality["readout"] == readout]
        change_covariates = landmark[[*covariates, *changed]].rename(columns=changed)
        ancova = ""
        if change_adjusts_for_baseline:
            change_covariates = change_covariates.assign(baseline_readout=landmark[f"baseline_{readout}"])
            ancova = "adjusted for the baseline value (ANCOVA; logistic and Cox models)"
        runs = {
            "baseline": (
                patient_tests(
                    analysed[f"baseline_{readout}"],
                    analysed,
                    baseline_covariates,
                    bootstrap=bootstrap,
                    seed=seed,
                ),
                _join(_left_out(data["exclusion"]), _unusable(unusable, analysed.index, visits["baseline"])),
            ),
            "change": (
                patient_tests(
                    landmark[f"change_{readout}"],
                    landmark_outcomes,
                    change_covariates,
                    bootstrap=bootstrap,
                    seed=seed,
                ),
                _join(
                    ancova,
                    _left_out(data["landmark_exclusion"]),
                    _unusable(unusable, landmark.index, visits["change"]),
                ),
            ),
            "longitudinal": (
                {"cox_tv": cox_tv(intervals[readout], analysed[list(covariates)], sample_covariates)},
                _join(_left_out(data["exclusion"]), _unusable(unusable, analysed.index)),
            ),
        }
        for timepoint, (tests, context) in runs.items():
            rows += [
                {
                    "readout": readout,
                    "timepoint": timepoint,
                    "model": model,
                    **result,
                    "note": _join(result["note"], context),
                }
                for model, result in tests.items()
            ]
    table = pd.DataFrame(rows)
    is_primary = (
        (table["readout"] == primary["readout"])
        & (table["timepoint"] == primary["timepoint"])
        & (table["model"] == primary["model"])
    )
    table["role"] = np.where(is_primary, "primary", "exploratory")
    exploratory = table[~is_primary]
    table["q_value"] = exploratory.groupby(["model", "timepoint"], sort=False)["p_value"].transform(_bh)
    return table[COLUMNS]


def _bh(p: pd.Series) -> pd.Series:
    q = pd.Series(np.nan, index=p.index)
    tested = p.notna()
    if tested.any():
        q[tested] = multipletests(p[tested], method="fdr_bh")[1]
    return q
