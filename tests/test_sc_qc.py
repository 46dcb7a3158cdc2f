"""Cell QC against planted truth: high-mitochondrial cells, doublets, samples with no good cell."""

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from ire1seq.errors import InputError
from ire1seq.sc.qc import QcThresholds, filter_cells
from ire1seq.sc.simulate import simulate_counts

MARKERS = {
    "macrophage": ["Cx3cr1", "Csf1r", "C1qa", "Lyz2"],
    "neuron": ["Snap25", "Prph", "Avil"],
    "fibroblast": ["Dcn", "Lum", "Col1a1"],
    "endothelial": ["Pecam1", "Cdh5", "Cldn5"],
}
NO_DOUBLETS = QcThresholds(min_genes=10, min_counts=100, max_pct_mt=20, doublets=False)


def test_planted_high_mito_cells_are_exactly_the_ones_removed():
    cells = simulate_counts(MARKERS, ["S1", "S2"], 40, n_genes=200, high_mito=7, seed=2)
    kept, table = filter_cells(cells, NO_DOUBLETS)
    assert not kept.obs["high_mito"].any()
    assert kept.n_obs == cells.n_obs - 14
    assert table.set_index("sample")["fail_pct_mt"].to_dict() == {"S1": 7, "S2": 7}
    assert (table[["fail_min_genes", "fail_min_counts", "fail_doublet"]] == 0).all().all()
    assert (table["n_kept"] == 160 - 7).all()
    assert list(table.columns) == [
        "sample",
        "n_cells",
        "fail_min_genes",
        "fail_min_counts",
        "fail_pct_mt",
        "fail_doublet",
        "n_removed",
        "n_kept",
    ]


def test_count_and_gene_thresholds_count_each_reason():
    cells = simulate_counts(MARKERS, ["S1"], 40, n_genes=200, mean_umis=3000, seed=3)
    n_genes = np.asarray((cells.X > 0).sum(axis=1)).ravel()
    counts = np.asarray(cells.X.sum(axis=1)).ravel()
    thresholds = QcThresholds(min_genes=int(np.median(n_genes)), min_counts=int(np.median(counts)), doublets=False)
    kept, table = filter_cells(cells, thresholds)
    row = table.iloc[0]
    assert row["fail_min_genes"] == (n_genes < thresholds.min_genes).sum()
    assert row["fail_min_counts"] == (counts < thresholds.min_counts).sum()
    assert row["n_kept"] == kept.n_obs == ((n_genes >= thresholds.min_genes) & (counts >= thresholds.min_counts)).sum()


def test_scrublet_removes_planted_doublets_and_few_singlets():
    """Scores rank doublets first; the threshold is a config choice (0.12 suits this simulation)."""
    markers = {**MARKERS, "monocyte": ["Ly6c2", "Plac8"], "schwann": ["Mpz", "Prx"], "glia": ["Fabp7", "Glul"]}
    cells = simulate_counts(markers, ["S1", "S2"], 60, n_genes=1000, doublets=25, seed=4)
    kept, table = filter_cells(cells, QcThresholds(min_genes=10, min_counts=100, doublet_threshold=0.12))
    doublet = (cells.obs["true_type"] == "doublet").to_numpy()
    called = cells.obs["predicted_doublet"].to_numpy(dtype=bool)
    assert roc_auc_score(doublet, cells.obs["doublet_score"]) >= 0.95
    assert called[doublet].mean() >= 0.5
    assert called[~doublet].mean() <= 0.02
    assert table["fail_doublet"].sum() == called.sum()
    assert "doublet_score" in kept.obs


def test_sample_with_every_cell_failing_is_named():
    cells = simulate_counts(MARKERS, ["good", "bad"], 20, n_genes=100, seed=5)
    bad = (cells.obs["sample"] == "bad").to_numpy()
    cells.X[np.flatnonzero(bad)] = cells.X[np.flatnonzero(bad)] * 0.01
    with pytest.raises(InputError, match=r"sample bad: all 80 cells fail QC \(min_genes: \d+, min_counts: 80"):
        filter_cells(cells, NO_DOUBLETS)
