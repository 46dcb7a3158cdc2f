"""Reading the counts matrix and the sample sheet, refusing what DESeq2 cannot model."""

import numpy as np
import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.sheets import read_sheet


def read_counts(path) -> pd.DataFrame:
    """bulk_counts.tsv → frame indexed by gene_id: gene_name, then one integer column per sample."""
    table = read_tsv(path, "counts table", dtype={"gene_id": str, "gene_name": str})
    missing = [c for c in ("gene_id", "gene_name") if c not in table.columns]
    if missing or table.shape[1] < 3:
        raise InputError(
            f"counts table {path} needs columns gene_id, gene_name, then one column per sample "
            f"(it has {', '.join(map(str, table.columns))}); write it in that layout."
        )
    duplicated = table["gene_id"].duplicated()
    if duplicated.any():
        raise InputError(
            f"counts table {path}: gene_id {table['gene_id'][duplicated].iloc[0]} appears on more than "
            "one row; each gene needs one row."
        )
    table = table.set_index("gene_id")
    counts = table.drop(columns="gene_name")
    counts.columns = counts.columns.map(str)
    _check_counts(counts, path)
    return pd.concat([table[["gene_name"]], counts.astype(np.int64)], axis=1)


def _check_counts(counts: pd.DataFrame, path) -> None:
    numeric = counts.apply(pd.to_numeric, errors="coerce")
    values = numeric.to_numpy(dtype=float)
    bad = np.isnan(values) | (values < 0) | (values != np.round(values))
    if bad.any():
        row, col = (int(i[0]) for i in np.nonzero(bad))
        raise InputError(
            f"counts table {path}: gene {counts.index[row]}, sample {counts.columns[col]} has "
            f"'{counts.iat[row, col]}'; DESeq2 needs raw read counts (non-negative integers, no empty "
            "cells), not normalised values such as TPM or FPKM."
        )


def read_samples(path) -> pd.DataFrame:
    """samples.tsv as text, indexed by sample (design columns stay strings, never numbers)."""
    sheet = read_sheet(path, "sample sheet")
    if "sample" not in sheet.columns:
        raise InputError(f"sample sheet {path} has no 'sample' column; add one with the sample ids.")
    duplicated = sheet["sample"].duplicated()
    if duplicated.any():
        raise InputError(
            f"sample sheet {path}: sample {sheet['sample'][duplicated].iloc[0]} appears twice; "
            "each sample needs one row."
        )
    return sheet.set_index("sample", drop=False)


def counts_of(counts: pd.DataFrame, samples, path) -> pd.DataFrame:
    """The samples' integer columns (genes × samples); every sample must be in the table."""
    missing = [s for s in samples if s not in counts.columns]
    if missing:
        raise InputError(
            f"counts table {path} has no column for sample(s) {', '.join(missing)}; count them or "
            "leave them out of the design's subset."
        )
    return counts[list(samples)]
