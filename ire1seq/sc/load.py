"""Filtered feature-barcode matrices (STARsolo, Cell Ranger) into one AnnData of raw counts.

Cells are named `<sample>:<barcode>` so barcodes may repeat across samples; `obs` holds `sample`
and `barcode`, `var` is indexed by gene symbol (made unique) with the `gene_id` beside it.
"""

from collections.abc import Mapping
from pathlib import Path

import anndata as ad
import pandas as pd
import scanpy as sc
from scipy import sparse

from ire1seq.errors import InputError
from ire1seq.sheets import read_sheet

# STARsolo writes plain files, Cell Ranger gzipped ones; Cell Ranger 2 calls features "genes".
MTX_FILES = {
    "matrix": ("matrix.mtx", "matrix.mtx.gz"),
    "features": ("features.tsv", "features.tsv.gz", "genes.tsv", "genes.tsv.gz"),
    "barcodes": ("barcodes.tsv", "barcodes.tsv.gz"),
}


def read_matrix(path, sample: str) -> ad.AnnData:
    """One sample's filtered matrix: a 10x `.h5`, an mtx directory, or the `matrix.mtx` in one."""
    path = Path(path)
    if path.is_file() and path.name.startswith("matrix.mtx"):
        path = path.parent
    if path.is_file() and path.suffix == ".h5":
        adata = _read_h5(path, sample)
    elif path.is_dir():
        adata = _read_mtx_dir(path, sample)
    else:
        raise InputError(
            f"matrix {path} of sample {sample} is neither a 10x .h5 file nor a directory with "
            "matrix.mtx, features.tsv and barcodes.tsv; point to the filtered feature-barcode matrix."
        )
    _check_cells(adata, path, sample)
    barcodes = adata.obs_names.astype(str)
    adata.obs = pd.DataFrame(
        {"sample": pd.Categorical([sample] * len(barcodes)), "barcode": barcodes},
        index=sample + ":" + barcodes,
    )
    adata.X = sparse.csr_matrix(adata.X, dtype="float32")
    return adata


def _read_h5(path: Path, sample: str) -> ad.AnnData:
    try:
        adata = sc.read_10x_h5(path)
    except (OSError, KeyError, ValueError) as err:
        raise InputError(
            f"matrix {path} of sample {sample} is not a readable 10x feature-barcode .h5 ({err}); "
            "give Cell Ranger's filtered_feature_bc_matrix.h5 or the mtx directory."
        ) from None
    adata.var = pd.DataFrame({"gene_id": adata.var["gene_ids"].to_numpy()}, index=adata.var_names)
    adata.var_names_make_unique()
    return adata


def _find(directory: Path, kind: str, sample: str) -> Path:
    for name in MTX_FILES[kind]:
        if (directory / name).is_file():
            return directory / name
    raise InputError(
        f"matrix directory {directory} of sample {sample} has no {' or '.join(MTX_FILES[kind])}; "
        "point to the filtered matrix directory (e.g. Solo.out/Gene/filtered)."
    )


def _read_mtx_dir(directory: Path, sample: str) -> ad.AnnData:
    matrix, features, barcodes = (_find(directory, kind, sample) for kind in MTX_FILES)
    try:
        adata = ad.io.read_mtx(matrix).T
        genes, cells = _read_list(features), _read_list(barcodes)
    except (ValueError, OSError, pd.errors.ParserError) as err:
        raise InputError(
            f"matrix directory {directory} of sample {sample} could not be read ({err}); "
            "check that matrix.mtx, features.tsv and barcodes.tsv come from the same run."
        ) from None
    if (len(cells), len(genes)) != adata.shape:
        raise InputError(
            f"matrix directory {directory} of sample {sample}: matrix.mtx is {adata.n_vars} genes x "
            f"{adata.n_obs} cells but features.tsv lists {len(genes)} and barcodes.tsv {len(cells)}; "
            "the three files must come from the same run."
        )
    adata.obs_names = cells[0].to_numpy()
    symbols = genes[1] if genes.shape[1] > 1 else genes[0]
    adata.var = pd.DataFrame({"gene_id": genes[0].to_numpy()}, index=symbols.to_numpy())
    if genes.shape[1] > 2:
        adata = adata[:, (genes[2] == "Gene Expression").to_numpy()].copy()
    adata.var_names_make_unique()
    return adata


def _read_list(path: Path) -> pd.DataFrame:
    """A header-less features/barcodes list; an empty file is an empty list (0 cells)."""
    try:
        return pd.read_csv(path, sep="\t", header=None, dtype=str)
    except pd.errors.EmptyDataError:
        return pd.DataFrame({0: pd.Series(dtype=str), 1: pd.Series(dtype=str)})


def _check_cells(adata: ad.AnnData, path: Path, sample: str) -> None:
    if adata.n_obs == 0 or adata.n_vars == 0 or adata.X.sum() == 0:
        raise InputError(
            f"matrix {path} of sample {sample} is empty ({adata.n_obs} cells, {adata.n_vars} genes, "
            "no counts); check the cell filter of STARsolo/Cell Ranger or drop the sample."
        )
    duplicated = adata.obs_names[adata.obs_names.duplicated()]
    if len(duplicated):
        raise InputError(
            f"matrix {path} of sample {sample} lists barcode {duplicated[0]} more than once; "
            "each barcode must be one cell."
        )


def read_matrices(matrices: Mapping[str, str]) -> ad.AnnData:
    """All samples' matrices stacked; every sample must share one genome's gene list."""
    adatas = {sample: read_matrix(path, sample) for sample, path in matrices.items()}
    first, reference = next(iter(adatas.items()))
    for sample, adata in adatas.items():
        if not adata.var["gene_id"].equals(reference.var["gene_id"]):
            raise InputError(
                f"matrix {matrices[sample]} of sample {sample} lists other genes than sample {first} "
                f"({adata.n_vars} vs {reference.n_vars}); a dataset's samples must be quantified "
                "against one annotation."
            )
    return ad.concat(adatas.values(), merge="same")


def add_sample_sheet(adata: ad.AnnData, sheet_path) -> None:
    """Copy each sample's design columns (treatment, batch, …) from samples.tsv into `obs`."""
    sheet = read_sheet(sheet_path, "sample sheet").set_index("sample")
    missing = sorted(set(adata.obs["sample"]) - set(sheet.index))
    if missing:
        raise InputError(
            f"sample sheet {sheet_path} has no row for sample(s) {', '.join(missing)} of the matrices; "
            "add them or rename the matrices' samples."
        )
    columns = [column for column in sheet.columns if column not in adata.obs.columns]
    for column in columns:
        adata.obs[column] = pd.Categorical(adata.obs["sample"].map(sheet[column]))
    adata.uns["sample_columns"] = columns
