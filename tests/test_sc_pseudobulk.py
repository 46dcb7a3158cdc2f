"""Pseudobulk sums per sample x cell type, and DE finding planted program genes in one cell type."""

import numpy as np
import pandas as pd
import pytest

from ire1seq.de.inputs import read_counts, read_samples
from ire1seq.sc.annotate import UNASSIGNED
from ire1seq.sc.cluster import normalise
from ire1seq.sc.pseudobulk import pseudobulk, pseudobulk_de, write_pseudobulk
from ire1seq.sc.simulate import simulate_counts

from conftest import logs_warning

PROGRAM = [f"Gene{i}" for i in range(8)]
SPEC = {
    "cell_type": "macrophage",
    "formula": "~ treatment",
    "levels": {"treatment": "vehicle"},
    "contrasts": {"ptx": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}},
}


@pytest.fixture(scope="module")
def cells():
    """Macrophages of the paclitaxel samples carry the program genes 4-fold up."""
    samples = ["V1", "V2", "P1", "P2"]
    cells = simulate_counts({"macrophage": ["Cx3cr1"], "neuron": ["Snap25"]}, samples, 30, n_genes=150, seed=9)
    treated = cells.obs["sample"].isin(["P1", "P2"]).to_numpy()
    active = treated & (cells.obs["true_type"] == "macrophage").to_numpy()
    columns = [cells.var_names.get_loc(g) for g in PROGRAM]
    x = cells.X.toarray()
    x[np.ix_(active, columns)] = np.random.default_rng(1).poisson(4 * x[np.ix_(active, columns)])
    cells.X = type(cells.X)(x)
    cells.obs["treatment"] = pd.Categorical(np.where(treated, "paclitaxel", "vehicle"))
    cells.uns["sample_columns"] = ["treatment"]
    cells.obs["cell_type"] = cells.obs["true_type"]
    normalise(cells)
    return cells


def test_sums_match_the_cells_and_sheet_carries_sample_columns(cells):
    counts, sheet = pseudobulk(cells)
    one = cells[(cells.obs["sample"] == "P1").to_numpy() & (cells.obs["cell_type"] == "neuron").to_numpy()]
    expected = np.asarray(one.layers["counts"].sum(axis=0)).ravel()
    assert (counts["P1.neuron"].to_numpy() == expected).all()
    assert list(counts.columns[:2]) == ["gene_id", "gene_name"]
    row = sheet.set_index("sample").loc["P1.neuron"]
    assert (row["sc_sample"], row["cell_type"], row["n_cells"], row["treatment"]) == ("P1", "neuron", 30, "paclitaxel")


def test_small_groups_and_unassigned_cells_are_left_out(cells):
    relabelled = cells.copy()
    relabelled.obs["cell_type"] = relabelled.obs["cell_type"].astype(str)
    relabelled.obs.loc[relabelled.obs_names[:30], "cell_type"] = UNASSIGNED
    with logs_warning("fewer than 31 cells left out"):
        counts, sheet = pseudobulk(relabelled, min_cells=31)
    assert sheet.empty and list(counts.columns) == ["gene_id", "gene_name"]
    counts, sheet = pseudobulk(relabelled)
    assert "V1.macrophage" not in set(sheet["sample"]) and "V1.neuron" in set(sheet["sample"])


def test_macrophage_de_finds_the_planted_program_genes(cells, tmp_path):
    write_pseudobulk(cells, counts_out=tmp_path / "counts.tsv", sheet_out=tmp_path / "sheet.tsv")
    assert read_counts(tmp_path / "counts.tsv").shape[1] == 1 + 8
    assert read_samples(tmp_path / "sheet.tsv").index[0] == "P1.macrophage"
    pseudobulk_de(
        counts_path=tmp_path / "counts.tsv", sheet_path=tmp_path / "sheet.tsv", spec=SPEC, contrast="ptx",
        results_out=tmp_path / "ptx" / "results.tsv",
    )  # fmt: skip
    results = pd.read_csv(tmp_path / "ptx" / "results.tsv", sep="\t").set_index("gene_name")
    planted = results.loc[PROGRAM]
    assert (planted["padj"] < 0.05).all() and (planted["log2FoldChange"] > 1).all()
    others = results.drop(index=PROGRAM)
    assert (others["padj"] < 0.05).mean() < 0.05
