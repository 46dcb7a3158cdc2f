"""Gene selection on small panels and the integration option's errors."""

import importlib.util

import pytest

from ire1seq.errors import InputError
from ire1seq.sc import cluster as cluster_module
from ire1seq.sc.cluster import cluster, highly_variable, normalise
from ire1seq.sc.simulate import simulate_counts


@pytest.fixture(scope="module")
def cells():
    cells = simulate_counts(
        {"neuron": ["Snap25", "Prph"], "fibroblast": ["Dcn", "Lum"]}, ["S1"], 40, n_genes=300, seed=12
    )
    normalise(cells)
    return cells


def test_small_panels_keep_every_gene_and_large_ones_the_top_n(cells):
    assert highly_variable(cells, n_top_genes=300).all()
    assert highly_variable(cells, n_top_genes=50).sum() == 50


def test_counts_are_kept_raw_beside_the_log_normalised_values(cells):
    assert (cells.layers["counts"].data == cells.layers["counts"].data.round()).all()
    assert cells.X.max() < 12 and "log1p" in cells.uns


def test_harmony_without_harmonypy_is_a_clear_error(cells, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(
        cluster_module.importlib.util, "find_spec", lambda name: None if name == "harmonypy" else real(name)
    )
    with pytest.raises(InputError, match="needs the harmonypy package.*set integration to none"):
        cluster(cells.copy(), integration="harmony")
    with pytest.raises(InputError, match="'bbknn' is unknown"):
        cluster(cells.copy(), integration="bbknn")
