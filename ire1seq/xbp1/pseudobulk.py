"""Pseudobulk XBP1 splicing: per-cell UMI counts summed per sample × group (cell type, cluster).

The molecular fraction of a group uses its sample's detection ratio (the same for all its cells).
"""

import logging

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv, write_table
from ire1seq.xbp1.alignments import as_list
from ire1seq.xbp1.cells import CELL_COUNTS
from ire1seq.xbp1.stats import READOUT, add_readout

log = logging.getLogger(__name__)


def _require(table: pd.DataFrame, columns, what: str):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        raise InputError(f"{what} lacks column(s) {', '.join(missing)}; it has {', '.join(map(str, table.columns))}.")


def pseudobulk(
    cells: pd.DataFrame, groups: pd.DataFrame, group_column: str = "cell_type", min_informative: int = 10
) -> pd.DataFrame:
    """Sum cells' spliced/unspliced UMIs per sample × group; n_cells counts the group's cells.

    `groups` maps barcode (and sample, if it has that column) to a group. Cells without a group
    are left out and counted on stderr; a sample none of whose barcodes match is an error
    (usually a barcode suffix such as `-1` present in one table only).
    """
    _require(cells, CELL_COUNTS, "per-cell XBP1 table")
    if "detection_ratio" not in cells.columns:
        cells = cells.assign(detection_ratio=float("nan"))
    _require(groups, ["barcode", group_column], "cell group table")
    keys = ["sample", "barcode"] if "sample" in groups.columns else ["barcode"]
    cells = cells.astype({"sample": str, "barcode": str})
    groups = groups.astype({k: str for k in keys}).drop_duplicates(keys)
    if "sample" not in groups.columns:
        groups = cells[["sample"]].drop_duplicates().merge(groups, how="cross")
    groups = groups[groups["sample"].isin(cells["sample"])]
    for sample in cells["sample"].unique():
        wanted = groups["barcode"][groups["sample"] == sample]
        if len(wanted) and not cells["barcode"][cells["sample"] == sample].isin(wanted).any():
            raise InputError(
                f"sample {sample}: none of its cell barcodes in the per-cell XBP1 table appear in the "
                f"cell group table (e.g. {wanted.iloc[0]!r} there); make both use the same barcode form."
            )
    joined = groups.merge(cells, on=["sample", "barcode"], how="left")
    left_out = len(cells) - joined["spliced"].notna().sum()
    if left_out:
        log.warning("%d cells with XBP1 counts have no %s; left out of the pseudobulk", left_out, group_column)
    joined[["spliced", "unspliced"]] = joined[["spliced", "unspliced"]].fillna(0).astype(int)
    joined["detection_ratio"] = joined["sample"].map(cells.groupby("sample")["detection_ratio"].first())
    table = (
        joined.groupby(["sample", group_column], sort=True)
        .agg(
            n_cells=("barcode", "size"),
            spliced=("spliced", "sum"),
            unspliced=("unspliced", "sum"),
            detection_ratio=("detection_ratio", "first"),
        )
        .reset_index()
    )
    return add_readout(table, min_informative)[
        ["sample", group_column, "n_cells", "spliced", "unspliced"] + [c for c in READOUT if c != "log2_spliced_ratio"]
    ]


def pseudobulk_files(
    cell_tables, group_tables, group_column: str = "cell_type", min_informative: int = 10
) -> pd.DataFrame:
    """pseudobulk() over per-cell tables and group tables (e.g. one per single-cell dataset)."""
    cells = pd.concat(
        [read_tsv(path, what="per-cell XBP1 table") for path in as_list(cell_tables, 0)], ignore_index=True
    )
    groups = pd.concat(
        [read_tsv(path, what="cell group table") for path in as_list(group_tables, 0)], ignore_index=True
    )
    return pseudobulk(cells, groups, group_column, min_informative)


def run_pseudobulk(*, cells, groups, group_column: str = "cell_type", min_informative: int = 10, out=None) -> None:
    """Workflow step (and `ire1seq xbp1 pseudobulk`): pooled per-cell counts, to `out` or stdout."""
    write_table(pseudobulk_files(cells, groups, group_column, min_informative), out)
