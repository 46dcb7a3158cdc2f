"""Competitive gene-set test that allows for inter-gene correlation (CAMERA, Wu & Smyth 2012 NAR).

Follows limma::camera (use.ranks = FALSE, inter.gene.cor estimated): genes of a set are correlated,
so their mean statistic varies more than for independent genes; the variance inflation factor (VIF)
is estimated from the residual effects of the design's linear model on the VST. No Python library
ships CAMERA, hence this short port. The per-gene statistics are pydeseq2's Wald statistics, and
each gene's statistic and residuals are multiplied by its set direction (+1 up, -1 down), as
limma's signed gene weights do.
"""

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.multitest import multipletests

COLUMNS = [
    "set",
    "n_genes",
    "correlation",
    "statistic",
    "p_value",
    "q_value",
    "direction",
    "share_up",
    "share_down",
    "mean_log2fc",
]


def residual_effects(expression: np.ndarray, design: np.ndarray) -> np.ndarray:
    """Residual effects (df_residual × genes) of a least-squares fit, each gene scaled to unit mean square."""
    q, _ = np.linalg.qr(design, mode="complete")
    effects = (q.T @ expression)[np.linalg.matrix_rank(design) :]
    scale = np.sqrt(np.maximum((effects**2).mean(axis=0), 1e-8))
    return effects / scale


def camera(statistics: pd.Series, effects: pd.DataFrame, members: pd.Series) -> dict:
    """CAMERA for one set: `members` maps gene ids of the set to +1/-1; `effects` columns are gene ids."""
    stat = statistics.copy()
    stat[members.index] *= members
    n_genes, m = len(stat), len(members)
    set_effects = effects[members.index].to_numpy() * members.to_numpy()
    vif = m * np.mean(set_effects.mean(axis=1) ** 2)
    delta = n_genes / (n_genes - m) * (stat[members.index].mean() - stat.mean())
    pooled = ((n_genes - 1) * stat.var() - delta**2 * m * (n_genes - m) / n_genes) / (n_genes - 2)
    t = delta / np.sqrt(pooled * (vif / m + 1 / (n_genes - m)))
    df = min(len(effects), n_genes - 2)
    return {
        "correlation": (vif - 1) / (m - 1) if m > 1 else np.nan,
        "statistic": t,
        "p_value": 2 * stats.t.sf(abs(t), df),
        "direction": "up" if t > 0 else "down",
    }


def camera_table(results: pd.DataFrame, effects: pd.DataFrame, sets: dict, alpha: float) -> pd.DataFrame:
    """One row per set: CAMERA on the Wald statistics, BH q-value, and shares of set genes up/down.

    `results` is indexed by gene id with gene_name, stat, padj, log2FoldChange; `sets` maps set
    name → Series(gene symbol → ±1). share_up/share_down: fraction of the set's tested genes with
    padj < alpha and a positive/negative log2 fold change (raw direction, not flipped).
    """
    tested = results[np.isfinite(results["stat"])]
    tested = tested[tested.index.isin(effects.columns)]
    rows = []
    for name, signs in sets.items():
        members = pd.Series(tested["gene_name"].map(signs).dropna())
        genes = tested.loc[members.index]
        significant = genes["padj"] < alpha
        row = {"set": name, "n_genes": len(members)}
        if len(members) >= 2 and len(tested) - len(members) >= 2:  # CAMERA needs genes on both sides
            row |= camera(tested["stat"], effects, members)
        row |= {
            "share_up": (significant & (genes["log2FoldChange"] > 0)).mean() if len(genes) else np.nan,
            "share_down": (significant & (genes["log2FoldChange"] < 0)).mean() if len(genes) else np.nan,
            "mean_log2fc": genes["log2FoldChange"].mean(),
        }
        rows.append(row)
    table = pd.DataFrame(rows).reindex(columns=COLUMNS)
    has_p = table["p_value"].notna()
    if has_p.any():
        table.loc[has_p, "q_value"] = multipletests(table.loc[has_p, "p_value"], method="fdr_bh")[1]
    return table
