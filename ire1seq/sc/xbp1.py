"""Per-cell XBP1 molecule counts (from `ire1seq xbp1 quant --per-cell`) joined into `obs`.

A cell without a row in the table had no XBP1 molecule: its counts are 0. No per-cell fraction is
made: with one or two molecules per cell it would be noise; fractions are pooled per group.
"""

import logging

import anndata as ad
import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.xbp1.cells import CELL_COLUMNS, CELL_COUNTS

log = logging.getLogger(__name__)

XBP1_CLASSES = ("spliced", "unspliced", "ambiguous")


def read_cell_tables(paths) -> pd.DataFrame:
    """Concatenate per-sample XBP1 cell tables, checking their columns and counts."""
    tables = []
    for path in paths:
        table = read_tsv(path, "XBP1 cell table", dtype={"sample": str, "barcode": str})
        missing = [column for column in CELL_COUNTS if column not in table.columns]
        if missing:
            raise InputError(
                f"XBP1 cell table {path} lacks column(s) {', '.join(missing)}; it needs "
                f"{', '.join(CELL_COUNTS)} (as written by ire1seq xbp1 quant --per-cell)."
            )
        if "detection_ratio" not in table.columns:  # written before molecular fractions: left empty
            table["detection_ratio"] = float("nan")
        counts = table[list(XBP1_CLASSES)].apply(pd.to_numeric, errors="coerce")
        bad = counts.isna().any(axis=1) | (counts < 0).any(axis=1)
        if bad.any():
            row = bad.to_numpy().nonzero()[0][0]
            raise InputError(
                f"XBP1 cell table {path}, line {row + 2}: spliced/unspliced/ambiguous must be "
                "counts (whole numbers >= 0); fix or regenerate the table."
            )
        table[list(XBP1_CLASSES)] = counts.astype(int)
        tables.append(table[CELL_COLUMNS].assign(source=str(path)))
    return pd.concat(tables, ignore_index=True)


def join_xbp1(adata: ad.AnnData, cells: pd.DataFrame) -> None:
    """Add `xbp1_spliced/_unspliced/_ambiguous/_informative` to `obs`, matching sample + barcode, and
    `xbp1_detection_ratio` (the sample's, for molecular fractions of pooled cells).

    A sample whose table shares no barcode with its matrix is an error (wrong sample or barcode
    format); a partial overlap is a warning with the numbers.
    """
    _check_overlap(adata.obs, cells)
    key = cells["sample"] + ":" + cells["barcode"]
    counts = cells.set_index(key)[list(XBP1_CLASSES)].groupby(level=0).sum()
    joined = counts.reindex(adata.obs_names, fill_value=0)
    for column in XBP1_CLASSES:
        adata.obs[f"xbp1_{column}"] = joined[column].to_numpy()
    adata.obs["xbp1_informative"] = adata.obs["xbp1_spliced"] + adata.obs["xbp1_unspliced"]
    ratios = cells.groupby("sample")["detection_ratio"].first()
    adata.obs["xbp1_detection_ratio"] = adata.obs["sample"].map(ratios).astype(float).to_numpy()


def _check_overlap(obs: pd.DataFrame, cells: pd.DataFrame) -> None:
    unknown = sorted(set(cells["sample"]) - set(obs["sample"]))
    if unknown:
        raise InputError(
            f"XBP1 cell table {cells['source'].iloc[0]} names sample(s) {', '.join(unknown)}, which "
            f"have no matrix (matrices: {', '.join(map(str, obs['sample'].unique()))}); give each "
            "matrix its sample name (SAMPLE=PATH) or the matching table."
        )
    for sample, table in cells.groupby("sample"):
        in_matrix = obs.loc[obs["sample"] == sample, "barcode"]
        matrix, listed = set(in_matrix), set(table["barcode"])
        shared = len(matrix & listed)
        if shared == 0:
            raise InputError(
                f"XBP1 cell table {table['source'].iloc[0]}: none of its {len(listed)} barcodes of "
                f"sample {sample} is a cell of that sample's matrix (table: {table['barcode'].iloc[0]}, "
                f"matrix: {in_matrix.iloc[0]}); check the sample names and the barcode format "
                "(e.g. a '-1' suffix)."
            )
        if shared < len(listed):
            log.warning(
                f"sample {sample}: {len(listed) - shared} of {len(listed)} barcodes of the XBP1 cell "
                f"table are not cells of the matrix and are ignored; {shared} of the matrix's "
                f"{len(matrix)} cells are in the table."
            )
