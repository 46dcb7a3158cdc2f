"""Normalise, pick genes, embed and cluster: scanpy's standard steps, safe on small gene panels."""

import importlib.util

import anndata as ad
import numpy as np
import scanpy as sc

from ire1seq.errors import InputError

N_TOP_GENES = 2000
INTEGRATIONS = ("none", "harmony")


def highly_variable(adata: ad.AnnData, n_top_genes: int = N_TOP_GENES) -> np.ndarray:
    """Mask of highly variable genes of log-normalised `X`; every gene in a panel this small."""
    if adata.n_vars <= n_top_genes:
        return np.ones(adata.n_vars, bool)
    table = sc.pp.highly_variable_genes(adata, n_top_genes=n_top_genes, inplace=False)
    return table["highly_variable"].to_numpy()


def normalise(adata: ad.AnnData) -> None:
    """Keep raw counts in `layers["counts"]`; `X` becomes log1p of counts per 10,000."""
    adata.layers["counts"] = adata.X.copy()
    sc.pp.normalize_total(adata, target_sum=1e4)
    sc.pp.log1p(adata)


def cluster(
    adata: ad.AnnData,
    resolution: float = 1.0,
    integration: str = "none",
    batch_key: str = "sample",
    n_pcs: int = 30,
    seed: int = 0,
) -> None:
    """PCA on highly variable genes, optional harmony, neighbours, Leiden (`obs["leiden"]`), UMAP."""
    adata.var["highly_variable"] = highly_variable(adata)
    n_comps = min(n_pcs, int(adata.var["highly_variable"].sum()) - 1, adata.n_obs - 1)
    sc.pp.pca(adata, n_comps=n_comps, mask_var="highly_variable", random_state=seed)
    representation = _integrate(adata, integration, batch_key)
    sc.pp.neighbors(adata, use_rep=representation, random_state=seed)
    sc.tl.leiden(adata, resolution=resolution, flavor="igraph", n_iterations=2, directed=False, random_state=seed)
    sc.tl.umap(adata, random_state=seed)


def _integrate(adata: ad.AnnData, integration: str, batch_key: str) -> str:
    """The embedding neighbours are built on: PCA, or PCA corrected for `batch_key` by harmony."""
    if integration not in INTEGRATIONS:
        raise InputError(f"sc integration '{integration}' is unknown; use one of {', '.join(INTEGRATIONS)}.")
    if integration == "none":
        return "X_pca"
    if importlib.util.find_spec("harmonypy") is None:
        raise InputError(
            "sc integration 'harmony' needs the harmonypy package, which is not installed; "
            "install it (pip install harmonypy) or set integration to none."
        )
    if batch_key not in adata.obs or adata.obs[batch_key].nunique() < 2:
        raise InputError(
            f"sc integration 'harmony' corrects for '{batch_key}', but the cells have "
            f"{'no such column' if batch_key not in adata.obs else 'a single value'}; "
            "name a samples.tsv column with at least two batches, or set integration to none."
        )
    sc.external.pp.harmony_integrate(adata, key=batch_key)
    return "X_pca_harmony"
