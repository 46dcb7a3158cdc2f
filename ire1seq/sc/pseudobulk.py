"""Pseudobulk counts per sample x cell type, and pydeseq2 DE for one cell type across samples.

Tables are laid out like the bulk ones, so `ire1seq de` reads them as they are: counts
`gene_id, gene_name, <sample>.<cell_type>...` and a sheet whose `sample` column holds those ids,
with `sc_sample`, `cell_type`, `n_cells` and the sample's own sheet columns.
"""

import logging

import anndata as ad
import numpy as np
import pandas as pd
import scanpy as sc

from ire1seq.de.design import Design
from ire1seq.de.fit import fit_design, gene_set_table, test_contrast
from ire1seq.de.genesets import load_genesets
from ire1seq.de.inputs import read_counts, read_samples
from ire1seq.errors import InputError
from ire1seq.io import write_table
from ire1seq.sc.annotate import UNASSIGNED

log = logging.getLogger(__name__)


def pseudobulk(adata: ad.AnnData, min_cells: int = 10) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(counts, sheet) summed from `layers["counts"]`; unassigned cells and groups under `min_cells` left out."""
    cells = adata[(adata.obs["cell_type"] != UNASSIGNED).to_numpy()]
    sums = sc.get.aggregate(cells, by=["sample", "cell_type"], func="sum", layer="counts")
    sheet = sums.obs[["sample", "cell_type"]].astype(str).reset_index(drop=True)
    sheet["n_cells"] = (
        cells.obs.groupby(["sample", "cell_type"], observed=True)
        .size()
        .reindex(pd.MultiIndex.from_frame(sheet[["sample", "cell_type"]]))
        .to_numpy()
    )
    small = sheet["n_cells"] < min_cells
    if small.any():
        dropped = ", ".join(f"{r.sample}/{r.cell_type} ({r.n_cells})" for r in sheet[small].itertuples())
        log.warning(f"pseudobulk groups with fewer than {min_cells} cells left out: {dropped}")
    ids = sheet["sample"] + "." + sheet["cell_type"]
    counts = pd.DataFrame(
        np.rint(np.asarray(sums.layers["sum"])).astype(np.int64).T[:, ~small.to_numpy()],
        columns=ids[~small].to_numpy(),
    )
    counts.insert(0, "gene_name", adata.var_names.to_numpy())
    counts.insert(0, "gene_id", adata.var["gene_id"].to_numpy())
    sheet = sheet[~small].rename(columns={"sample": "sc_sample"})
    sheet.insert(0, "sample", ids[~small])
    return counts, _with_sample_columns(sheet, adata)


def write_pseudobulk(adata: ad.AnnData, *, counts_out, sheet_out, min_cells: int = 10) -> None:
    """Write the pseudobulk counts and their sheet (see `pseudobulk`)."""
    counts, sheet = pseudobulk(adata, min_cells)
    write_table(counts, counts_out)
    write_table(sheet, sheet_out)


def _with_sample_columns(sheet: pd.DataFrame, adata: ad.AnnData) -> pd.DataFrame:
    """Add each sample's sheet columns (treatment, batch, …) copied into `obs` by `add_sample_sheet`."""
    columns = list(adata.uns.get("sample_columns", []))
    values = adata.obs.groupby("sample", observed=True)[columns].first()
    return sheet.join(values, on="sc_sample")


def pseudobulk_de(
    *,
    counts_path,
    sheet_path,
    spec: dict,
    contrast: str,
    results_out,
    genesets_out=None,
    genesets_dir=None,
    alpha: float = 0.05,
    threads=1,
) -> None:
    """One contrast of DE for `spec["cell_type"]` across samples: results.tsv (+ genesets.tsv).

    `spec` holds `cell_type`, `formula`, `levels` and `contrasts`, as a bulk design in `de: designs:`.
    """
    counts, sheet = read_counts(counts_path), read_samples(sheet_path)
    cell_type = spec["cell_type"]
    if not (sheet["cell_type"] == cell_type).any():
        raise InputError(
            f"pseudobulk sheet {sheet_path} has no cells of type '{cell_type}' (types: "
            f"{', '.join(sorted(sheet['cell_type'].unique()))}); set pseudobulk_de.cell_type to one of them."
        )
    design = Design.from_config(f"pseudobulk {cell_type}", {**spec, "subset": {"cell_type": cell_type}})
    dds = fit_design(counts, sheet, design, threads, counts_path, sheet_path)
    results = test_contrast(dds, design, contrast, design.contrasts[contrast], alpha=alpha, threads=threads)
    write_table(results, results_out)
    if genesets_out:
        write_table(gene_set_table(dds, results, load_genesets(genesets_dir), alpha), genesets_out)
