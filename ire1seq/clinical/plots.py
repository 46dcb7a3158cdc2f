"""Figures of the clinical step, drawn from its written tables so a re-plot needs no re-analysis."""

import itertools
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from scipy import stats
from sklearn.metrics import auc, roc_curve
from statsmodels.duration.survfunc import SurvfuncRight

from ire1seq.clinical.association import TIMEPOINTS
from ire1seq.io import read_tsv

GROUPS = {0: "grade < 2", 1: "grade ≥ 2"}
COLOURS = {0: "tab:blue", 1: "tab:red"}
TERTILES = ("low", "middle", "high")
PLOTS = ("readout_by_outcome.png", "roc.png", "km_baseline_tertile.png", "trajectories.png")


def _grid(n_rows: int, n_cols: int) -> tuple[Figure, np.ndarray]:
    fig = Figure(figsize=(3.2 * n_cols, 3.0 * n_rows), layout="constrained")
    return fig, np.atleast_2d(fig.subplots(n_rows, n_cols, squeeze=False))


def readout_by_outcome(patients: pd.DataFrame, association: pd.DataFrame, readouts) -> Figure:
    """Each readout (baseline, change) by outcome group: patients as points, mean with 95% t-interval."""
    fig, axes = _grid(len(TIMEPOINTS), len(readouts))
    rng = np.random.default_rng(0)
    for (row, timepoint), (col, readout) in itertools.product(enumerate(TIMEPOINTS), enumerate(readouts)):
        ax = axes[row, col]
        for group, label in GROUPS.items():
            values = patients.loc[patients["grade_ge2"] == group, f"{timepoint}_{readout}"].dropna()
            ax.scatter(
                group + rng.uniform(-0.12, 0.12, len(values)), values, s=12, alpha=0.6, color=COLOURS[group]
            )
            if len(values) > 1:
                half = stats.t.ppf(0.975, len(values) - 1) * stats.sem(values)
                ax.errorbar(group + 0.25, values.mean(), yerr=half, fmt="o", color="black", capsize=3)
        fit = association.query("readout == @readout and timepoint == @timepoint and model == 'logistic'")
        ax.set_title(
            f"{readout}\nOR/SD {fit['estimate'].iloc[0]:.2g}, p {fit['p_value'].iloc[0]:.2g}", fontsize=8
        )
        ax.set_xticks(list(GROUPS), list(GROUPS.values()))
        ax.set_ylabel(f"{timepoint}", fontsize=8)
    return fig


def roc(patients: pd.DataFrame, readouts) -> Figure:
    """ROC curves of each readout for grade ≥ 2, one panel per timepoint."""
    fig, axes = _grid(1, len(TIMEPOINTS))
    for ax, timepoint in zip(axes[0], TIMEPOINTS):
        for readout in readouts:
            data = patients[["grade_ge2", f"{timepoint}_{readout}"]].dropna()
            if data["grade_ge2"].nunique() == 2:
                fpr, tpr, _ = roc_curve(data["grade_ge2"], data.iloc[:, 1])
                ax.plot(fpr, tpr, label=f"{readout} (AUC {auc(fpr, tpr):.2f})")
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":")
        ax.set(title=timepoint, xlabel="1 − specificity", ylabel="sensitivity")
        ax.legend(fontsize=7)
    return fig


def km_by_tertile(patients: pd.DataFrame, tte: pd.DataFrame, readouts) -> Figure:
    """Kaplan–Meier curves of freedom from grade ≥ 2 by tertile of each baseline readout."""
    data = patients.merge(tte, on="subject")
    fig, axes = _grid(1, len(readouts))
    for ax, readout in zip(axes[0], readouts):
        x = data[f"baseline_{readout}"]
        tertile = pd.qcut(x.rank(method="first"), 3, labels=TERTILES) if x.notna().sum() >= 3 else None
        for label in TERTILES if tertile is not None else ():
            group = data[tertile == label]
            curve = SurvfuncRight(group["time_days"], group["event"])
            prob = np.r_[1, curve.surv_prob]
            times = np.r_[0, curve.surv_times, group["time_days"].max()]  # flat to the last censoring
            ax.step(times, np.r_[prob, prob[-1]], where="post", label=f"{label} (n={len(group)})")
        ax.set(
            title=f"baseline {readout}",
            xlabel="days since first dose",
            ylabel="free of grade ≥ 2",
            ylim=(0, 1.05),
        )
        ax.legend(fontsize=7)
    return fig


def trajectories(visits: pd.DataFrame, patients: pd.DataFrame, readout: str) -> Figure:
    """Per-patient CTCAE grade and readout over time, coloured by whether grade ≥ 2 was reached."""
    fig, axes = _grid(1, 2)
    outcome = patients.set_index("subject")["grade_ge2"]
    rng = np.random.default_rng(0)
    for subject, rows in visits.sort_values("day").groupby("subject"):
        colour = COLOURS[outcome[subject]]
        jitter = rng.uniform(-0.1, 0.1)
        axes[0, 0].plot(
            rows["day"], rows["ctcae_sensory_grade"] + jitter, color=colour, alpha=0.4, marker="."
        )
        sampled = rows.dropna(subset=[readout])
        axes[0, 1].plot(sampled["day"], sampled[readout], color=colour, alpha=0.4, marker=".")
    axes[0, 0].set(
        xlabel="days since first dose", ylabel="CTCAE sensory grade", title="grade (red: reached ≥ 2)"
    )
    axes[0, 1].set(xlabel="days since first dose", ylabel=readout, title=readout)
    return fig


def plot_clinical(tables_dir, plot_dir, dpi: int = 120) -> list[Path]:
    """Draw the four clinical figures from the tables in tables_dir; return their paths."""
    tables = {
        name: read_tsv(
            Path(tables_dir) / f"{name}.tsv", what=f"clinical {name} table", dtype={"subject": str}
        )
        for name in ("visits", "patients", "tte", "association")
    }
    readouts = list(dict.fromkeys(tables["association"]["readout"]))
    figures = [
        readout_by_outcome(tables["patients"], tables["association"], readouts),
        roc(tables["patients"], readouts),
        km_by_tertile(tables["patients"], tables["tte"], readouts),
        trajectories(tables["visits"], tables["patients"], readouts[0]),
    ]
    paths = [Path(plot_dir) / name for name in PLOTS]
    Path(plot_dir).mkdir(parents=True, exist_ok=True)
    for fig, path in zip(figures, paths):
        fig.savefig(path, dpi=dpi)
    return paths
