"""Figures of the clinical step, drawn from its written tables so a re-plot needs no re-analysis.

Only the patients the models analysed are drawn: baseline panels use the outcomes after the
baseline visit, change panels the outcomes after the landmark (on-treatment) visit.
"""

import itertools
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats
from sklearn.metrics import auc, roc_curve
from statsmodels.duration.survfunc import SurvfuncRight

from ire1seq.clinical.association import TIMEPOINTS
from ire1seq.io import read_tsv
from ire1seq.plotting import save_figure

GROUPS = {0: "grade < 2", 1: "grade ≥ 2"}
COLOURS = {0: "tab:blue", 1: "tab:red"}
TERTILES = ("low", "middle", "high")
PLOTS = ("readout_by_outcome.png", "roc.png", "km_baseline_tertile.png", "trajectories.png")
PER_ROW = 4  # panels to a row in the per-readout figures
MIN_FOR_MEAN = 4  # patients at a trajectory position for its mean and interval to be drawn
EFFECT = {"logistic": "OR", "cox": "HR", "cox_dose": "HR", "cox_tv": "HR", "auc": "AUC"}


def _grid(n_rows: int, n_cols: int, *, width: float = 3.2, height: float = 3.0) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(width * n_cols, height * n_rows), layout="constrained")
    return fig, np.atleast_2d(fig.subplots(n_rows, n_cols, squeeze=False))


def _panels(n: int, per_row: int, *, span: int = 1, **size) -> tuple[Figure, list]:
    """A figure of n panel groups (each `span` axes wide), at most `per_row` groups to a row, so a
    long list of readouts wraps instead of running off to the side; unused axes hidden."""
    columns = min(n, per_row)
    rows = -(-n // columns)
    fig, axes = _grid(rows, columns * span, **size)
    groups = [list(axes[i // columns, (i % columns) * span : (i % columns + 1) * span]) for i in range(n)]
    for ax in axes.ravel()[n * span :] if rows * columns > n else ():
        ax.set_visible(False)
    return fig, groups


def analysed(patients: pd.DataFrame, timepoint: str) -> pd.DataFrame:
    """The patients a timepoint's models use, with their outcome for it as `outcome`."""
    if timepoint == "baseline":
        return patients[patients["exclusion"].isna()].assign(outcome=patients["grade_ge2"])
    return patients[patients["landmark_exclusion"].isna()].assign(outcome=patients["landmark_grade_ge2"])


def _mean_interval(values: pd.Series) -> tuple[float, float]:
    """Mean and half-width of its 95% t-interval (NaN half-width for fewer than two values)."""
    if len(values) < 2:
        return values.mean(), np.nan
    return values.mean(), stats.t.ppf(0.975, len(values) - 1) * stats.sem(values)


def readout_by_outcome(patients: pd.DataFrame, association: pd.DataFrame, readouts) -> Figure:
    """Each readout (baseline, change) by outcome group: patients as points, mean with 95% t-interval."""
    fig, groups = _panels(len(readouts), PER_ROW // len(TIMEPOINTS), span=len(TIMEPOINTS))
    rng = np.random.default_rng(0)
    for readout, axes in zip(readouts, groups):
        for ax, timepoint in zip(axes, TIMEPOINTS):
            data = analysed(patients, timepoint)
            for group in GROUPS:
                values = data.loc[data["outcome"] == group, f"{timepoint}_{readout}"].dropna()
                jitter = rng.uniform(-0.12, 0.12, len(values))
                ax.scatter(group + jitter, values, s=12, alpha=0.6, color=COLOURS[group])
                if len(values) > 1:
                    mean, half = _mean_interval(values)
                    ax.errorbar(group + 0.25, mean, yerr=half, fmt="o", color="black", capsize=3)
            fit = association.query("readout == @readout and timepoint == @timepoint and model == 'logistic'")
            ax.set_title(f"{readout}, {timepoint}\n{_summary(fit.iloc[0])}", fontsize=8)
            ax.set_xticks(list(GROUPS), list(GROUPS.values()))
    return fig


def roc(patients: pd.DataFrame, readouts) -> Figure:
    """ROC curves of each readout for grade ≥ 2, one panel per timepoint, the legend beside it."""
    fig, axes = _grid(len(TIMEPOINTS), 1, width=7.6, height=3.4)
    colours = matplotlib.colormaps["tab20" if len(readouts) > 10 else "tab10"].colors
    for ax, timepoint in zip(axes[:, 0], TIMEPOINTS):
        for colour, readout in zip(itertools.cycle(colours), readouts):
            data = analysed(patients, timepoint)[["outcome", f"{timepoint}_{readout}"]].dropna()
            if data["outcome"].nunique() == 2:
                fpr, tpr, _ = roc_curve(data["outcome"].astype(int), data.iloc[:, 1])
                ax.plot(fpr, tpr, color=colour, label=f"{readout} (AUC {auc(fpr, tpr):.2f})")
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
        ax.set(title=timepoint, xlabel="1 − specificity", ylabel="sensitivity")
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1))
    return fig


def km_by_tertile(patients: pd.DataFrame, tte: pd.DataFrame, readouts) -> Figure:
    """Kaplan–Meier curves of freedom from grade ≥ 2 by tertile of each baseline readout."""
    data = analysed(patients, "baseline").merge(tte, on="subject")
    fig, groups = _panels(len(readouts), PER_ROW)
    for (ax,), readout in zip(groups, readouts):
        x = data[f"baseline_{readout}"]
        tertile = pd.qcut(x.rank(method="first"), 3, labels=TERTILES) if x.notna().sum() >= 3 else None
        for label in TERTILES if tertile is not None else ():
            group = data[tertile == label]
            curve = SurvfuncRight(group["time_days"], group["event"].astype(int))
            prob = np.r_[1, curve.surv_prob]
            times = np.r_[0, curve.surv_times, group["time_days"].max()]  # flat to the last censoring
            ax.step(times, np.r_[prob, prob[-1]], where="post", label=f"{label} (n={len(group)})")
        ax.set(xlabel="days since the baseline visit", ylabel="free of grade ≥ 2", ylim=(0, 1.05))
        ax.set_title(readout, fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle("Freedom from grade ≥ 2 by tertile of the baseline readout", fontsize=9)
    return fig


def _summary(row: pd.Series) -> str:
    """'HR/SD 2.1 (1.4–3.0), p 0.001, n 30' from an association row."""
    if pd.isna(row["estimate"]):
        return f"{row['model']}: not estimable (n {row['n']})"
    effect = EFFECT.get(row["model"], "ρ")
    per_sd = "/SD" if effect in ("OR", "HR") else ""
    return (
        f"{effect}{per_sd} {row['estimate']:.2g} ({row['ci_low']:.2g}–{row['ci_high']:.2g}), "
        f"p {row['p_value']:.2g}, n {row['n']} patients"
    )


def _aligned(visits: pd.DataFrame, patients: pd.DataFrame) -> pd.Series:
    """Each case visit's position relative to its onset visit (0 there, −1 the visit before, …)."""
    onset = patients.dropna(subset=["onset_visit"]).set_index("subject")["onset_visit"]
    rows = visits[visits["subject"].isin(onset.index)].sort_values(["subject", "day"], kind="stable")
    position = rows.groupby("subject").cumcount()
    at_onset = position[rows["visit"] == rows["subject"].map(onset)]
    return (position - rows["subject"].map(dict(zip(rows.loc[at_onset.index, "subject"], at_onset)))).rename("position")


def trajectories(visits: pd.DataFrame, patients: pd.DataFrame, primary: pd.Series) -> Figure:
    """The primary readout before and after onset (cases, aligned on the visit where grade ≥ 2 was
    first found) beside its course over the visits of patients who never reached grade ≥ 2; means
    where at least MIN_FOR_MEAN patients have a value."""
    readout = primary["readout"]
    fig, axes = _grid(1, 2, width=4.6, height=3.6)
    data = analysed(patients, "baseline")
    cases, controls = data.loc[data["outcome"] == 1, "subject"], data.loc[data["outcome"] == 0, "subject"]
    in_visits = visits[visits["subject"].isin(data["subject"])]
    sampled = in_visits.dropna(subset=[readout])
    order = sampled.groupby("visit")["day"].median().sort_values().index
    aligned = sampled.join(_aligned(in_visits, data[data["outcome"] == 1]), how="inner")
    by_visit = sampled[sampled["subject"].isin(controls)].assign(
        position=lambda t: t["visit"].map({v: i for i, v in enumerate(order)})
    )
    panels = (
        (axes[0, 0], aligned, 1, f"grade ≥ 2 (n={len(cases)}), aligned on onset"),
        (axes[0, 1], by_visit, 0, f"grade < 2 (n={len(controls)}), every visit"),
    )
    for ax, rows, group, title in panels:
        for _, patient in rows.groupby("subject"):
            ax.plot(patient["position"], patient[readout], color=COLOURS[group], alpha=0.25, marker=".")
        enough = rows.groupby("position")[readout].filter(lambda v: len(v) >= MIN_FOR_MEAN)
        means = enough.groupby(rows["position"]).apply(lambda v: pd.Series(_mean_interval(v))).unstack()
        ax.errorbar(means.index, means[0], yerr=means[1], color="black", marker="o", capsize=3, label="mean, 95% CI")
        ax.set_title(title, fontsize=9)
    axes[0, 0].axhline(by_visit[readout].mean(), color=COLOURS[0], linestyle="--", label="grade < 2, mean")
    for ax in axes[0]:
        ax.legend(fontsize=7, loc="upper left")
    axes[0, 0].set(xlabel="visits relative to onset (0 = grade ≥ 2 first found)", ylabel=readout)
    axes[0, 1].set(xlabel="visit", ylabel=readout)
    axes[0, 1].set_xticks(range(len(order)), order, rotation=30)
    low, high = sampled[readout].min(), sampled[readout].max()
    for ax in axes[0]:  # the patients' range: a wide interval of few patients is clipped, not the data
        ax.set_ylim(low - 0.05 * (high - low), high + 0.05 * (high - low))
    fig.suptitle(
        f"Primary endpoint: {readout}, {primary['timepoint']} {primary['model']} — {_summary(primary)}",
        fontsize=9,
    )
    return fig


def plot_clinical(*, tables_dir, plot_dir) -> list[Path]:
    """Draw the four clinical figures from the tables in tables_dir; return their paths."""
    tables = {
        name: read_tsv(Path(tables_dir) / f"{name}.tsv", what=f"clinical {name} table", dtype={"subject": str})
        for name in ("visits", "patients", "tte", "association")
    }
    association = tables["association"]
    readouts = list(dict.fromkeys(association["readout"]))
    primary = association[association["role"] == "primary"].iloc[0]
    figures = [
        readout_by_outcome(tables["patients"], association, readouts),
        roc(tables["patients"], readouts),
        km_by_tertile(tables["patients"], tables["tte"], readouts),
        trajectories(tables["visits"], tables["patients"], primary),
    ]
    paths = [Path(plot_dir) / name for name in PLOTS]
    Path(plot_dir).mkdir(parents=True, exist_ok=True)
    for fig, path in zip(figures, paths):
        save_figure(fig, path)
    return paths
