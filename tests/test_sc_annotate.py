"""Cell-type labels against planted truth, with the bundled mouse DRG marker list."""

import pandas as pd
import pytest

from ire1seq.errors import InputError
from ire1seq.markers import read_markers
from ire1seq.sc.annotate import UNASSIGNED, annotate, assign_clusters
from ire1seq.sc.cluster import cluster, normalise
from ire1seq.sc.settings import DEFAULT_MARKERS
from ire1seq.sc.simulate import simulate_counts

from conftest import logs_warning

DEMO_TYPES = ["macrophage", "monocyte", "neuron", "satellite_glia", "schwann", "fibroblast", "endothelial"]


@pytest.fixture(scope="module")
def markers():
    return read_markers(DEFAULT_MARKERS["mouse"], "mouse")


def planted(markers, types, n_genes=150, seed=0, **kwargs):
    chosen = {t: list(markers.loc[markers["cell_type"] == t, "gene"]) for t in types}
    cells = simulate_counts(chosen, ["S1", "S2"], 40, n_genes=n_genes, seed=seed, marker_fold=6, **kwargs)
    normalise(cells)
    cluster(cells)
    return cells


@pytest.fixture(scope="module")
def demo_like(markers):
    cells = planted(markers, DEMO_TYPES)
    with logs_warning("not scored: b_cell"):
        annotate(cells, markers, organism="mouse")
    return cells


def test_planted_types_are_recovered(demo_like):
    agreement = (demo_like.obs["cell_type"].astype(str) == demo_like.obs["true_type"]).mean()
    assert agreement >= 0.9
    assert set(demo_like.obs["cell_type"]) == set(DEMO_TYPES)
    assert demo_like.obs["confidence"].min() >= 0.7
    assert "marker_neuron" in demo_like.obs


def test_resident_macrophages_get_their_subtype(markers):
    subset = markers[markers["cell_type"].isin(["macrophage", "macrophage_resident", "neuron", "fibroblast"])]
    genes = {t: list(subset.loc[subset["cell_type"] == t, "gene"]) for t in ("macrophage", "neuron", "fibroblast")}
    genes["resident"] = genes["macrophage"] + list(subset.loc[subset["cell_type"] == "macrophage_resident", "gene"])
    cells = simulate_counts(genes, ["S1"], 60, n_genes=150, seed=3, marker_fold=6)
    normalise(cells)
    cluster(cells, resolution=0.5)
    annotate(cells, subset, organism="mouse")
    obs = cells.obs
    assert (obs.loc[obs["true_type"] == "resident", "cell_type"] == "macrophage").mean() >= 0.9
    assert (obs.loc[obs["true_type"] == "resident", "cell_subtype"] == "macrophage_resident").mean() >= 0.9
    assert (obs.loc[obs["true_type"] == "macrophage", "cell_subtype"] == "macrophage").mean() >= 0.9


def test_two_sets_with_the_same_genes_leave_their_cells_unassigned(demo_like, markers):
    twin = markers[markers["cell_type"] == "neuron"].assign(cell_type="neuron_twin")
    scores = pd.DataFrame({t: demo_like.obs[f"marker_{t}"] for t in DEMO_TYPES})
    scores["neuron_twin"] = scores["neuron"]
    labels = assign_clusters(scores, demo_like.obs["leiden"], 0.7)
    neuron_clusters = demo_like.obs.loc[demo_like.obs["true_type"] == "neuron", "leiden"].unique()
    assert (labels.loc[neuron_clusters, "label"] == UNASSIGNED).all()
    assert (labels.loc[~labels.index.isin(neuron_clusters), "label"] != UNASSIGNED).all()
    assert len(twin)


def test_cluster_expressing_no_marker_set_is_unassigned():
    scores = pd.DataFrame({"a": [1.0, 1.2, -0.5, -0.4], "b": [0.1, 0.0, -0.6, -0.3]})
    labels = assign_clusters(scores, pd.Series(["0", "0", "1", "1"]), 0.7)
    assert labels["label"].to_dict() == {"0": "a", "1": UNASSIGNED}
    assert labels.loc["0", "confidence"] == 1.0


def test_human_symbols_against_mouse_markers_name_organism_and_symbols(demo_like, markers):
    human = demo_like[:, :50].copy()
    human.var_names = [f"GENE{i}" for i in range(50)]
    with pytest.raises(InputError, match=r"none of the \d+ mouse marker genes .*\(e\.g\. Cx3cr1.*GENE0"):
        annotate(human, markers, organism="mouse")


def test_marker_list_errors(tmp_path):
    path = tmp_path / "markers.tsv"
    pd.DataFrame({"cell_type": ["a"], "gene": ["X"], "organism": ["mouse"]}).to_csv(path, sep="\t", index=False)
    with pytest.raises(InputError, match="lacks column.*source, confidence"):
        read_markers(path, "mouse")
    with pytest.raises(InputError, match="no rows for organism human"):
        read_markers(DEFAULT_MARKERS["mouse"], "human")
