"""Figures of the single-cell step, and the pooled XBP1 table the splicing figure shows.

XBP1 splicing is pooled per cell type x condition (molecules summed over cells): 3' kits cover
the site in few cells, so each group also reports how many cells had an informative molecule.
"""

import anndata as ad
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import scanpy as sc

from ire1seq.io import write_table
from ire1seq.plotting import save_figure
from ire1seq.xbp1.stats import READOUT, add_readout, pooled_ratio


def condition_of(adata: ad.AnnData, condition: str) -> str:
    """The `obs` column to split by: the configured condition if the sheet has it, else sample."""
    return condition if condition in adata.obs else "sample"


def xbp1_by_celltype(adata: ad.AnnData, condition: str, min_informative: int = 10) -> pd.DataFrame:
    """Per cell type x condition: cells, cells with an informative molecule, and the pooled readout."""
    if "xbp1_spliced" not in adata.obs:  # no XBP1 cell table: the header alone
        counts = ["cell_type", "condition", "n_cells", "n_informative_cells", "spliced", "unspliced", "detection_ratio"]
        return pd.DataFrame(
            columns=[*counts, *(c for c in READOUT if c not in ("log2_spliced_ratio", "detection_ratio"))]
        )
    obs = adata.obs.assign(informative_cell=adata.obs["xbp1_informative"] > 0)
    if "xbp1_detection_ratio" not in obs:
        obs["xbp1_detection_ratio"] = np.nan
    groups = obs.groupby(["cell_type", condition], observed=True)
    table = groups.agg(
        n_cells=("barcode", "size"),
        n_informative_cells=("informative_cell", "sum"),
        spliced=("xbp1_spliced", "sum"),
        unspliced=("xbp1_unspliced", "sum"),
    )
    table["detection_ratio"] = groups.apply(
        lambda cells: pooled_ratio(cells["xbp1_spliced"], cells["xbp1_unspliced"], cells["xbp1_detection_ratio"]),
        include_groups=False,
    )
    table = add_readout(table.reset_index(), min_informative).drop(columns="log2_spliced_ratio")
    return table.rename(columns={condition: "condition"})


def plot_umap(adata: ad.AnnData, path, condition: str) -> None:
    """UMAP coloured by cell type, condition, and whether a cell had an informative XBP1 molecule."""
    obs = adata.obs[["cell_type", condition]].copy()
    colours = ["cell_type", condition]
    if "xbp1_informative" in adata.obs:
        informative = np.where(adata.obs["xbp1_informative"] > 0, "informative", "none")
        obs["XBP1 molecules"] = pd.Categorical(informative, categories=["none", "informative"])
        colours.append("XBP1 molecules")
    view = ad.AnnData(obs=obs, obsm={"X_umap": adata.obsm["X_umap"]})
    fig = sc.pl.umap(view, color=colours, show=False, return_fig=True, sort_order=True, wspace=0.4)
    save_figure(fig, path)


def plot_xbp1(table: pd.DataFrame, path) -> None:
    """Fraction of XBP1 molecules spliced (molecular_fraction: corrected for read length) with 95% CI
    per cell type and condition (n = informative cells)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    if table.empty or table["informative"].sum() == 0:
        ax.text(0.5, 0.5, "no informative XBP1 molecules", ha="center", va="center")
        ax.set_axis_off()
    else:
        types = sorted(table["cell_type"].unique())
        conditions = sorted(table["condition"].astype(str).unique())
        width = 0.8 / len(conditions)
        for i, (level, rows) in enumerate(table.groupby(table["condition"].astype(str))):
            x = np.array([types.index(t) for t in rows["cell_type"]]) + (i - (len(conditions) - 1) / 2) * width
            y = rows["molecular_fraction"].to_numpy()
            errors = np.abs(rows[["molecular_ci_low", "molecular_ci_high"]].to_numpy().T - y)
            ax.errorbar(x, y, yerr=errors, fmt="o", capsize=3, label=level)
            for xi, yi, n in zip(x, y, rows["n_informative_cells"]):
                if np.isfinite(yi):
                    ax.annotate(f"n={n}", (xi, yi), textcoords="offset points", xytext=(4, 4), fontsize=7)
        ax.set_xticks(range(len(types)), types, rotation=45, ha="right")
        ax.set_ylabel("XBP1 molecules spliced (95% CI)")
        ax.set_ylim(0, 1)
        ax.legend(title="condition", frameon=False)
    save_figure(fig, path)


def plot_programs(adata: ad.AnnData, path) -> None:
    """Dot plot of the program genes (uns["programs"]) by cell type."""
    programs = {name: genes for name, genes in adata.uns.get("programs", {}).items() if len(genes)}
    if not programs:
        fig, ax = plt.subplots(figsize=(4, 2))
        ax.text(0.5, 0.5, "no program genes in the matrix", ha="center", va="center")
        ax.set_axis_off()
        save_figure(fig, path)
        return
    dots = sc.pl.dotplot(
        adata, var_names=programs, groupby="cell_type", standard_scale="var", show=False, return_fig=True
    )
    save_figure(dots, path)


def plot_all(
    adata: ad.AnnData, condition: str, *, min_informative: int = 10, umap_out, xbp1_out, programs_out, table_out
) -> None:
    """The three figures and the pooled XBP1 table of one dataset."""
    condition = condition_of(adata, condition)
    table = xbp1_by_celltype(adata, condition, min_informative)
    write_table(table, table_out)
    plot_umap(adata, umap_out, condition)
    plot_xbp1(table, xbp1_out)
    plot_programs(adata, programs_out)
