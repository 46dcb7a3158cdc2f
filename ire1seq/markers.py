"""Cell-type marker lists (resources/markers/*.tsv): read by the single-cell annotation and by the
bulk composition estimates, so they live apart from both (no scanpy import)."""

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv

MARKER_COLUMNS = ("cell_type", "gene", "organism", "source", "confidence")


def read_markers(path, organism: str) -> pd.DataFrame:
    """The organism's rows of a marker list: `cell_type, gene, parent` (parent empty at top level)."""
    table = read_tsv(path, "marker list", dtype=str, keep_default_na=False)
    missing = [column for column in MARKER_COLUMNS if column not in table.columns]
    if missing:
        raise InputError(
            f"marker list {path} lacks column(s) {', '.join(missing)}; it needs "
            f"{', '.join(MARKER_COLUMNS)} (and optionally parent)."
        )
    if "parent" not in table.columns:
        table["parent"] = ""
    rows = table[table["organism"] == organism]
    if rows.empty:
        raise InputError(
            f"marker list {path} has no rows for organism {organism} (it has: "
            f"{', '.join(sorted(table['organism'].unique()))}); give a list for {organism}."
        )
    orphans = set(rows["parent"]) - set(rows["cell_type"]) - {""}
    if orphans:
        raise InputError(
            f"marker list {path}: parent(s) {', '.join(sorted(orphans))} are not cell types of the "
            "list; a parent must have its own marker rows."
        )
    return rows[["cell_type", "gene", "parent"]].reset_index(drop=True)
