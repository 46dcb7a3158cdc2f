"""Reading filtered matrices: STARsolo and Cell Ranger layouts, and the errors users meet."""

import gzip
import shutil

import h5py
import numpy as np
import pandas as pd
import pytest

from ire1seq.errors import InputError
from ire1seq.sc.load import add_sample_sheet, read_matrices, read_matrix
from ire1seq.sc.simulate import simulate_counts, write_mtx_dir

MARKERS = {"neuron": ["Snap25", "Prph"], "fibroblast": ["Dcn", "Lum"]}


@pytest.fixture(scope="module")
def cells():
    return simulate_counts(MARKERS, ["A", "B"], 20, n_genes=40, seed=1)


def one(cells, sample):
    return cells[(cells.obs["sample"] == sample).to_numpy()].copy()


def test_starsolo_dir_and_its_matrix_file_read_the_same_counts(cells, tmp_path):
    directory = write_mtx_dir(one(cells, "A"), tmp_path / "A")
    for path in (directory, directory / "matrix.mtx"):
        adata = read_matrix(path, "A")
        assert adata.shape == (40, 40)
        assert (adata.X != one(cells, "A").X).nnz == 0
        assert list(adata.obs["barcode"]) == list(one(cells, "A").obs["barcode"])
        assert adata.obs_names[0] == "A:" + adata.obs["barcode"].iloc[0]
        assert list(adata.var["gene_id"][:2]) == ["SIM000000", "SIM000001"]
        assert adata.var_names[0] == "Snap25"


def test_cellranger_gzipped_dir(cells, tmp_path):
    directory = write_mtx_dir(one(cells, "A"), tmp_path / "A")
    for name in ("matrix.mtx", "features.tsv", "barcodes.tsv"):
        with open(directory / name, "rb") as plain, gzip.open(directory / f"{name}.gz", "wb") as packed:
            shutil.copyfileobj(plain, packed)
        (directory / name).unlink()
    assert read_matrix(directory, "A").X.sum() == one(cells, "A").X.sum()


def write_10x_h5(adata, path):
    """Cell Ranger v3 filtered_feature_bc_matrix.h5 layout (CSC genes x cells)."""
    matrix = adata.X.T.tocsc().astype(np.int32)
    with h5py.File(path, "w") as h5:
        group = h5.create_group("matrix")
        group["data"], group["indices"], group["indptr"] = matrix.data, matrix.indices, matrix.indptr
        group["shape"] = np.array(matrix.shape)
        group["barcodes"] = adata.obs["barcode"].to_numpy().astype("S")
        features = group.create_group("features")
        features["id"] = adata.var["gene_id"].to_numpy().astype("S")
        features["name"] = adata.var_names.to_numpy().astype("S")
        features["feature_type"] = np.array([b"Gene Expression"] * adata.n_vars)
        features["genome"] = np.array([b"mm39"] * adata.n_vars)
        features["_all_tag_keys"] = np.array([b"genome"])


def test_cellranger_h5(cells, tmp_path):
    write_10x_h5(one(cells, "B"), tmp_path / "B.h5")
    adata = read_matrix(tmp_path / "B.h5", "B")
    assert (adata.X != one(cells, "B").X).nnz == 0
    assert adata.var["gene_id"].iloc[0] == "SIM000000"
    assert set(adata.obs["sample"]) == {"B"}


def test_samples_are_stacked_and_sheet_columns_copied(cells, tmp_path):
    paths = {s: write_mtx_dir(one(cells, s), tmp_path / s) for s in ("A", "B")}
    adata = read_matrices(paths)
    assert adata.obs["sample"].value_counts().to_dict() == {"A": 40, "B": 40}
    sheet = tmp_path / "samples.tsv"
    pd.DataFrame({"sample": ["A", "B"], "treatment": ["vehicle", "paclitaxel"]}).to_csv(sheet, sep="\t", index=False)
    add_sample_sheet(adata, sheet)
    assert adata.obs.groupby("sample", observed=True)["treatment"].first().to_dict() == {
        "A": "vehicle",
        "B": "paclitaxel",
    }
    assert adata.uns["sample_columns"] == ["treatment"]


def test_sheet_without_a_matrix_sample_is_named(cells, tmp_path):
    adata = read_matrices({"A": write_mtx_dir(one(cells, "A"), tmp_path / "A")})
    sheet = tmp_path / "samples.tsv"
    pd.DataFrame({"sample": ["Z"], "treatment": ["vehicle"]}).to_csv(sheet, sep="\t", index=False)
    with pytest.raises(InputError, match="no row for sample.* A"):
        add_sample_sheet(adata, sheet)


def test_empty_matrix_is_an_error_naming_sample_and_file(cells, tmp_path):
    empty = one(cells, "A")[:0].copy()
    directory = write_mtx_dir(empty, tmp_path / "A")
    with pytest.raises(InputError, match=r"matrix .*A of sample A is empty \(0 cells"):
        read_matrix(directory, "A")


def test_missing_file_and_wrong_path(cells, tmp_path):
    directory = write_mtx_dir(one(cells, "A"), tmp_path / "A")
    (directory / "barcodes.tsv").unlink()
    with pytest.raises(InputError, match="has no barcodes.tsv"):
        read_matrix(directory, "A")
    with pytest.raises(InputError, match="neither a 10x .h5 file nor a directory"):
        read_matrix(tmp_path / "nothing", "A")


def test_samples_counted_against_different_genes_are_refused(cells, tmp_path):
    other = one(cells, "B")[:, :30].copy()
    paths = {"A": write_mtx_dir(one(cells, "A"), tmp_path / "A"), "B": write_mtx_dir(other, tmp_path / "B")}
    with pytest.raises(InputError, match="sample B lists other genes than sample A"):
        read_matrices(paths)
