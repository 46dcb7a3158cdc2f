"""Cell types from marker lists: marker scores per cell, one label per cluster, with a confidence.

A cluster takes the cell type whose mean score is highest; its confidence is the share of the
cluster's cells that score that type above the runner-up. Below `min_confidence`, or when no
marker set is expressed above background, the cluster is `unassigned`. Rows with a `parent`
(e.g. resident macrophages under macrophage) refine clusters already given that parent.
"""

import logging

import anndata as ad
import pandas as pd
import scanpy as sc

from ire1seq.errors import InputError

log = logging.getLogger(__name__)

UNASSIGNED = "unassigned"


def present_markers(markers: pd.DataFrame, genes, source, organism: str) -> pd.DataFrame:
    """The marker rows whose gene is in the matrix; none at all means the wrong organism or list."""
    present = markers[markers["gene"].isin(genes)]
    if present.empty:
        raise InputError(
            f"none of the {markers['gene'].nunique()} {organism} marker genes of {source} (e.g. "
            f"{', '.join(markers['gene'].head(4))}) is among the matrix's gene symbols (e.g. "
            f"{', '.join(list(genes)[:4])}); check --organism and the genome the matrix was "
            "counted against, or give a marker list for that organism."
        )
    return present


def score_markers(adata: ad.AnnData, markers: pd.DataFrame, source, organism: str) -> pd.DataFrame:
    """Per-cell score of each marker set (`sc.tl.score_genes` on log-normalised `X`)."""
    present = present_markers(markers, adata.var_names, source, organism)
    absent = sorted(set(markers["cell_type"]) - set(present["cell_type"]))
    if absent:
        log.warning(f"marker sets with no gene in the matrix, not scored: {', '.join(absent)}")
    scores = {}
    for cell_type, genes in present.groupby("cell_type", sort=False)["gene"]:
        sc.tl.score_genes(adata, list(genes), score_name="marker_score", random_state=0)
        scores[cell_type] = adata.obs.pop("marker_score")
    return pd.DataFrame(scores)


def assign_clusters(scores: pd.DataFrame, clusters: pd.Series, min_confidence: float) -> pd.DataFrame:
    """Per cluster: `label` (a column of `scores` or unassigned) and its `confidence`."""
    rows = {}
    for cluster, cells in scores.groupby(clusters.to_numpy(), observed=True):
        ranked = cells.mean().sort_values(ascending=False)
        best = ranked.index[0]
        rival = cells[ranked.index[1]] if len(ranked) > 1 else 0.0
        confidence = float((cells[best] > rival).mean())
        clear = confidence >= min_confidence and ranked.iloc[0] > 0
        rows[cluster] = (best if clear else UNASSIGNED, confidence)
    return pd.DataFrame.from_dict(rows, orient="index", columns=["label", "confidence"])


def annotate(
    adata: ad.AnnData,
    markers: pd.DataFrame,
    *,
    source: str = "marker list",
    organism: str = "",
    min_confidence: float = 0.7,
    cluster_key: str = "leiden",
) -> None:
    """Write `cell_type`, `confidence` and `cell_subtype` per cell into `obs` (scores as `marker_<type>`)."""
    scores = score_markers(adata, markers, source, organism)
    parents = markers.drop_duplicates("cell_type").set_index("cell_type")["parent"].reindex(scores.columns)
    if not (parents == "").any():
        raise InputError(
            f"marker list {source}: only subtypes ({', '.join(scores.columns)}) have genes in the matrix, "
            "none of their parent cell types; add marker genes of the parents that the matrix has."
        )
    clusters = adata.obs[cluster_key]
    top = assign_clusters(scores.loc[:, parents == ""], clusters, min_confidence)
    adata.obs["cell_type"] = clusters.map(top["label"]).astype(str)
    adata.obs["confidence"] = clusters.map(top["confidence"]).astype(float)
    adata.obs["cell_subtype"] = adata.obs["cell_type"]
    subtypes = parents[parents != ""]
    for parent, children in subtypes.groupby(subtypes).groups.items():
        inside = (adata.obs["cell_type"] == parent).to_numpy()
        if inside.any():
            sub = assign_clusters(scores.loc[inside, list(children)], clusters[inside], min_confidence)
            label = clusters[inside].map(sub["label"]).astype(str)
            adata.obs.loc[inside, "cell_subtype"] = label.where(label != UNASSIGNED, parent)
    for column in ("cell_type", "cell_subtype"):
        adata.obs[column] = pd.Categorical(adata.obs[column])
    for cell_type in scores.columns:
        adata.obs[f"marker_{cell_type}"] = scores[cell_type]
