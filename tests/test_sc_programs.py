"""Program scores per cell: planted program genes up in one cell type, RIDD-like genes down."""

import numpy as np
import pandas as pd
import pytest

from ire1seq.sc.cluster import normalise
from ire1seq.sc.programs import score_programs
from ire1seq.sc.simulate import simulate_counts

from conftest import logs_warning

PROGRAM = ["Gene0", "Gene1", "Gene2", "Gene3", "Gene4"]


@pytest.fixture(scope="module")
def cells():
    cells = simulate_counts({"macrophage": ["Cx3cr1"], "neuron": ["Snap25"]}, ["S1"], 60, n_genes=200, seed=8)
    active = (cells.obs["true_type"] == "macrophage").to_numpy()
    columns = [cells.var_names.get_loc(g) for g in PROGRAM]
    x = cells.X.toarray()
    x[np.ix_(active, columns)] = np.random.default_rng(0).poisson(6 * x[np.ix_(active, columns)] + 3)
    cells.X = type(cells.X)(x)
    normalise(cells)
    return cells


def genesets(rows):
    return pd.DataFrame(rows, columns=["set", "gene", "organism", "direction", "source", "confidence"])


def test_program_genes_up_score_higher_in_the_planted_type(cells):
    sets = genesets([("inflammatory", g, "mouse", "up", "test", "U") for g in PROGRAM])
    score_programs(cells, sets, "mouse")
    by_type = cells.obs.groupby("true_type")["score_inflammatory"].mean()
    assert by_type["macrophage"] > by_type["neuron"] + 1
    assert cells.uns["programs"]["inflammatory"] == PROGRAM


def test_down_genes_are_flipped_and_other_organisms_rows_ignored(cells):
    sets = genesets(
        [("ridd", g, "mouse", "down", "test", "U") for g in PROGRAM] + [("ridd", "CX3CR1", "human", "up", "t", "U")]
    )
    score_programs(cells, sets, "mouse")
    by_type = cells.obs.groupby("true_type")["score_ridd"].mean()
    assert by_type["macrophage"] < by_type["neuron"] - 1
    assert cells.uns["programs"]["ridd"] == PROGRAM


def test_a_set_with_no_gene_in_the_matrix_is_skipped_with_a_warning(cells):
    sets = genesets([("absent", "Nope", "mouse", "up", "test", "U"), ("present", "Gene0", "mouse", "up", "t", "U")])
    with logs_warning("gene set absent"):
        score_programs(cells, sets, "mouse")
    assert "score_absent" not in cells.obs and "score_present" in cells.obs
