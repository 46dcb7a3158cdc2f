"""Per-sample cell QC: too few genes or counts, high mitochondrial share, doublets.

Each threshold is judged on every cell; doublets are called (scanpy's scrublet, per sample) only
among the cells that pass the thresholds, as damaged droplets would distort the simulated doublets.
"""

import anndata as ad
import pandas as pd
import scanpy as sc

from ire1seq.errors import InputError
from ire1seq.sc.cluster import highly_variable
from ire1seq.sc.settings import QcThresholds

REASONS = ("fail_min_genes", "fail_min_counts", "fail_pct_mt", "fail_doublet")


def qc_metrics(adata: ad.AnnData) -> None:
    """Genes, counts and mitochondrial share (MT-/mt- symbols) per cell into `obs`."""
    adata.var["mt"] = adata.var_names.str.upper().str.startswith("MT-")
    sc.pp.calculate_qc_metrics(adata, qc_vars=["mt"], percent_top=None, log1p=False, inplace=True)


def filter_cells(adata: ad.AnnData, thresholds: QcThresholds) -> tuple[ad.AnnData, pd.DataFrame]:
    """Cells passing QC, and a table per sample of cells removed by each reason and kept."""
    qc_metrics(adata)
    obs = adata.obs
    flags = pd.DataFrame(
        {
            "fail_min_genes": obs["n_genes_by_counts"] < thresholds.min_genes,
            "fail_min_counts": obs["total_counts"] < thresholds.min_counts,
            "fail_pct_mt": obs["pct_counts_mt"] > thresholds.max_pct_mt,
        }
    )
    flags["fail_doublet"] = False
    if thresholds.doublets:
        _call_doublets(adata, ~flags.any(axis=1), thresholds)
        flags["fail_doublet"] = adata.obs["predicted_doublet"].fillna(False).astype(bool)
    table = _qc_table(adata.obs["sample"], flags)
    _check_samples_kept(table, thresholds)
    return adata[~flags.any(axis=1).to_numpy()].copy(), table


def _call_doublets(adata: ad.AnnData, passing: pd.Series, thresholds: QcThresholds) -> None:
    """Scrublet per sample on raw counts of passing cells, on the same genes clustering uses.

    Neighbours are exact (scikit-learn): for scrublet's large k (1.5 sqrt(n) among n cells and 2n
    simulated doublets) this is faster than approximate search (pynndescent), per sample.
    """
    scores = []
    for _, cells in adata.obs[passing].groupby("sample", observed=True):
        sample = ad.AnnData(adata[cells.index].X.copy(), obs=pd.DataFrame(index=cells.index))
        sc.pp.filter_genes(sample, min_cells=3)
        sample = sample[:, _doublet_genes(sample)].copy()
        simulated = sc.pp.scrublet_simulate_doublets(sample, random_seed=0)
        sc.pp.normalize_total(sample, target_sum=1e6)
        sc.pp.normalize_total(simulated, target_sum=1e6)
        sc.pp.scrublet(
            sample,
            adata_sim=simulated,
            threshold=thresholds.doublet_threshold,
            expected_doublet_rate=thresholds.expected_doublet_rate,
            n_prin_comps=min(30, sample.n_vars - 1, sample.n_obs - 1),
            use_approx_neighbors=False,
            verbose=False,
        )
        scores.append(sample.obs[["doublet_score", "predicted_doublet"]])
    calls = pd.concat(scores).reindex(adata.obs_names)
    adata.obs["doublet_score"] = calls["doublet_score"]
    adata.obs["predicted_doublet"] = calls["predicted_doublet"].astype("boolean")


def _doublet_genes(counts: ad.AnnData):
    """Highly variable genes of log-normalised counts (all genes in small panels)."""
    logged = counts.copy()
    sc.pp.normalize_total(logged)
    sc.pp.log1p(logged)
    return highly_variable(logged)


def _qc_table(samples: pd.Series, flags: pd.DataFrame) -> pd.DataFrame:
    table = flags.groupby(samples.to_numpy(), observed=True).sum()
    table.insert(0, "n_cells", samples.value_counts().reindex(table.index))
    table["n_removed"] = flags.any(axis=1).groupby(samples.to_numpy(), observed=True).sum()
    table["n_kept"] = table["n_cells"] - table["n_removed"]
    return table.rename_axis("sample").reset_index()


def _check_samples_kept(table: pd.DataFrame, thresholds: QcThresholds) -> None:
    empty = table[table["n_kept"] == 0]
    if len(empty):
        row = empty.iloc[0]
        reasons = ", ".join(f"{reason[5:]}: {row[reason]}" for reason in REASONS)
        raise InputError(
            f"sample {row['sample']}: all {row['n_cells']} cells fail QC ({reasons}; thresholds "
            f"min_genes={thresholds.min_genes}, min_counts={thresholds.min_counts}, "
            f"max_pct_mt={thresholds.max_pct_mt}); check that sample's matrix or relax the sc qc "
            "thresholds in the config."
        )
