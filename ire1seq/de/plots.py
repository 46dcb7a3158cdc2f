"""Figures for a contrast (volcano) and a design (PCA, program heatmap, scores by group).

Drawn by the steps that computed the data (de_fit, de_contrast), from what they hold in memory.
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from ire1seq.de.design import Design, design_samples  # noqa: E402
from ire1seq.de.genesets import load_genesets  # noqa: E402
from ire1seq.de.inputs import read_samples  # noqa: E402
from ire1seq.io import read_tsv  # noqa: E402
from ire1seq.plotting import save_figure  # noqa: E402

MAX_LABELS = 30
MAX_LEGEND = 12


def volcano(results: pd.DataFrame, program: pd.Series, alpha: float, title: str, path) -> None:
    """log2FC against -log10 p; program genes (gene symbol → set) coloured, significant ones labelled."""
    table = results.dropna(subset=["pvalue"])
    y = -np.log10(table["pvalue"].clip(lower=1e-300))
    in_program = table["gene_name"].isin(program.index)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.scatter(table["log2FoldChange"], y, s=4, c=np.where(table["padj"] < alpha, "0.4", "0.8"), linewidths=0)
    for name, genes in table[in_program].groupby(table["gene_name"].map(program)):
        ax.scatter(genes["log2FoldChange"], y[genes.index], s=14, label=name)
    labelled = table[in_program & (table["padj"] < alpha)].nsmallest(MAX_LABELS, "pvalue")
    for _, gene in labelled.iterrows():
        ax.annotate(gene["gene_name"], (gene["log2FoldChange"], y[gene.name]), fontsize=6)
    ax.set(xlabel="log2 fold change", ylabel="-log10 p-value", title=title)
    if in_program.any():
        ax.legend(fontsize=6, frameon=False)
    save_figure(fig, path)


def pca(vst: pd.DataFrame, meta: pd.DataFrame, title: str, path) -> None:
    """PC1/PC2 of the 500 most variable VST genes, one panel per design variable."""
    from sklearn.decomposition import PCA

    top = vst.loc[vst.var(axis=1).nlargest(500).index]
    model = PCA(n_components=2).fit(top.T.to_numpy())
    coords = model.transform(top.T.to_numpy())
    fig, axes = plt.subplots(1, len(meta.columns), figsize=(4 * len(meta.columns), 3.6), squeeze=False)
    for ax, variable in zip(axes[0], meta.columns):
        for level, idx in meta.groupby(variable, observed=True).indices.items():
            ax.scatter(coords[idx, 0], coords[idx, 1], s=18, label=level)
        ax.set(
            title=f"{title}: {variable}",
            xlabel=f"PC1 ({model.explained_variance_ratio_[0]:.0%})",
            ylabel=f"PC2 ({model.explained_variance_ratio_[1]:.0%})",
        )
        if meta[variable].nunique() <= MAX_LEGEND:
            ax.legend(fontsize=6, frameon=False)
    save_figure(fig, path)


HEATMAP_SAMPLES = 40  # more samples: one column per group of samples (the mean z), not per sample
BLOCKING_LEVELS = 12  # design variables with more levels (a subject factor) do not define the groups


def heatmap(vst: pd.DataFrame, program: pd.Series, meta: pd.DataFrame, title: str, path) -> None:
    """Row z-scores of the program genes present, samples ordered by the design variables; beyond
    HEATMAP_SAMPLES samples, the mean z of each group of the design variables with few levels."""
    order = meta.sort_values(list(meta.columns)).index
    vst = vst[~vst.index.duplicated()]
    genes = [g for g in program.index if g in vst.index]
    values = vst.loc[genes, order]
    spread = values.std(axis=1).replace(0, np.nan)
    z = values.sub(values.mean(axis=1), axis=0).div(spread, axis=0)
    labels = ["/".join(map(str, meta.loc[s])) for s in order]
    grouping = [c for c in meta.columns if meta[c].nunique() <= BLOCKING_LEVELS]
    if len(order) > HEATMAP_SAMPLES and grouping:
        group = meta.loc[order, grouping].astype(str).agg("/".join, axis=1)
        sizes = group.value_counts()
        z = z.T.groupby(group.to_numpy(), sort=False).mean().T
        labels = [f"{g} (n={sizes[g]})" for g in z.columns]
        title = f"{title}: mean z per {' × '.join(grouping)}"
    fig, ax = plt.subplots(figsize=(max(4, 0.25 * len(labels) + 2), max(3, 0.18 * len(genes) + 1.5)))
    image = ax.imshow(z.to_numpy(dtype=float), aspect="auto", cmap="RdBu_r", vmin=-2.5, vmax=2.5)
    ax.set_yticks(range(len(genes)), [f"{g} ({program[g]})" for g in genes], fontsize=6)
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=5 if len(labels) > HEATMAP_SAMPLES else 7)
    ax.set_title(title)
    fig.colorbar(image, ax=ax, label="z (VST)")
    save_figure(fig, path)


def scores_by_group(scores: pd.DataFrame, meta: pd.DataFrame, title: str, path) -> None:
    """Each score_<set> by the combination of design variables (points over box)."""
    columns = [c for c in scores.columns if c.startswith("score_")]
    group = meta.astype(str).agg("/".join, axis=1)
    data = scores.set_index("sample").loc[meta.index, columns]
    ncols = min(4, len(columns))
    nrows = -(-len(columns) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3 * ncols, 3.6 * nrows), squeeze=False)
    for ax in axes.flat[len(columns) :]:
        ax.set_visible(False)
    levels = sorted(group.unique())
    for ax, column in zip(axes.flat, columns):
        per_group = [data.loc[group == level, column].dropna() for level in levels]
        ax.boxplot(per_group, showfliers=False)
        for i, values in enumerate(per_group, start=1):
            ax.scatter(np.full(len(values), i), values, s=8, zorder=3)
        ax.set_xticks(range(1, len(levels) + 1), levels, rotation=90, fontsize=6)
        ax.set_title(column, fontsize=8)
    fig.suptitle(title)
    save_figure(fig, path)


def program_genes(genesets_dir) -> pd.Series:
    """gene symbol → first set naming it, over all sets (both organisms' symbols)."""
    sets = load_genesets(genesets_dir).drop_duplicates("gene")
    return pd.Series(sets["set"].to_numpy(), index=sets["gene"].to_numpy())


def plot_contrast(results: pd.DataFrame, genesets_dir, alpha: float, name: str, volcano_out) -> None:
    """Volcano of one contrast's results table."""
    volcano(results, program_genes(genesets_dir), alpha, name, volcano_out)


def _design_columns(design: Design) -> tuple[list, list]:
    """(variables given a base level — not subject/batch —, every design variable with those first)."""
    of_interest = list(design.levels) or design.variables
    return of_interest, of_interest + [v for v in design.variables if v not in of_interest]


def plot_expression(
    vst: pd.DataFrame, samples: pd.DataFrame, design: Design, genesets_dir, *, pca_out, heatmap_out
) -> None:
    """PCA and program heatmap of one design's VST table (gene_id, gene_name, <samples>)."""
    values = vst.set_index("gene_id")
    names = values.pop("gene_name")
    _, columns = _design_columns(design)
    meta = samples.loc[values.columns, columns]
    pca(values, meta, design.name, pca_out)
    heatmap(values.set_axis(names), program_genes(genesets_dir), meta, design.name, heatmap_out)


def plot_scores(*, scores_path, samples_path, name: str, spec: dict, scores_out) -> None:
    """Workflow step: each per-sample score by the groups of the design's samples."""
    design = Design.from_config(name, spec)
    of_interest, _ = _design_columns(design)
    meta = design_samples(read_samples(samples_path), design, samples_path)[of_interest]
    scores = read_tsv(scores_path, "scores table", dtype={"sample": str})
    scores_by_group(scores, meta, name, scores_out)
