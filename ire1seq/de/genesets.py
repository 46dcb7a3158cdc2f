"""Gene sets: tidy TSV files (set, gene, organism, direction, source, confidence) in one folder.

`direction` says how a gene moves when the program is active: `up`, or `down` (e.g. RIDD targets,
decayed by IRE1α). Tests and scores flip `down` genes, so a higher score means a more active program.
"""

import logging
from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv

log = logging.getLogger(__name__)

REQUIRED = ["set", "gene", "organism"]
DIRECTIONS = {"up": 1, "down": -1}


def load_genesets(directory) -> pd.DataFrame:
    """Every *.tsv in the folder, stacked; direction defaults to up, source/confidence to empty."""
    files = sorted(Path(directory).glob("*.tsv"))
    if not files:
        raise InputError(
            f"gene-set folder {directory} has no .tsv files; point de.genesets (or --genesets) at a "
            "folder of tables with columns set, gene, organism[, direction, source, confidence]."
        )
    return pd.concat([_read_one(path) for path in files], ignore_index=True)


def _read_one(path: Path) -> pd.DataFrame:
    table = read_tsv(path, "gene-set file", dtype=str, keep_default_na=False)
    missing = [c for c in REQUIRED if c not in table.columns]
    if missing:
        raise InputError(
            f"gene-set file {path} lacks column(s) {', '.join(missing)}; a gene-set table has columns "
            "set, gene, organism and optionally direction, source, confidence."
        )
    table = table.apply(lambda col: col.str.strip())
    table["direction"] = table.get("direction", pd.Series("up", index=table.index)).replace("", "up")
    for column in ("source", "confidence"):
        table[column] = table.get(column, "")
    bad = ~table["direction"].isin(list(DIRECTIONS)) | (table["gene"] == "") | (table["set"] == "")
    if bad.any():
        line = int(bad.to_numpy().nonzero()[0][0]) + 2
        raise InputError(
            f"gene-set file {path}, line {line}: set and gene must be filled and direction must be "
            f"'up' or 'down' (got set='{table['set'].iloc[line - 2]}', gene='{table['gene'].iloc[line - 2]}', "
            f"direction='{table['direction'].iloc[line - 2]}'); correct that line."
        )
    return table[REQUIRED + ["direction", "source", "confidence"]]


def sets_for(genesets: pd.DataFrame, organism, present, where: str) -> dict[str, pd.Series]:
    """set → Series(gene symbol → +1/-1) for one organism, keeping genes in `present`.

    Sets with none of their genes present are warned about (naming the set) and left out.
    `organism=None` takes every organism's rows (symbols differ by case between human and mouse).
    """
    rows = genesets if organism is None else genesets[genesets["organism"] == organism]
    present = set(present)
    sets = {}
    for name in genesets["set"].unique():
        members = rows[rows["set"] == name].drop_duplicates("gene")
        kept = members[members["gene"].isin(present)]
        if kept.empty:
            log.warning(
                f"gene set {name}: none of its {len(members)} {organism or ''} genes is present in "
                f"{where}; it is skipped (no row or score for it)."
            )
            continue
        sets[name] = pd.Series(kept["direction"].map(DIRECTIONS).to_numpy(), index=kept["gene"].to_numpy())
    return sets
