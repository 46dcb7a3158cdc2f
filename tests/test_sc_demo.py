"""The single-cell step on the demo cohort recovers what the generator planted (resources/demo/truth),
from STARsolo in standard mode and from kallisto | bustools and the FASTQ readout in laptop mode."""

import pandas as pd
import pytest

pytestmark = pytest.mark.slow

CONTRAST = "sc_macrophage_paclitaxel_vs_vehicle"


def read(path):
    return pd.read_csv(path, sep="\t")


@pytest.fixture(scope="module", params=["standard", "laptop"])
def sc_run(request):
    """Working directory holding the single-cell results of one mode."""
    workdir = request.getfixturevalue("demo_run" if request.param == "standard" else "laptop_sc_run")
    assert request.param == "standard" or not (workdir / "results/star").exists()
    return workdir


def test_planted_cell_types_are_recovered(sc_run):
    labels = read(sc_run / "results/sc/drg_celltypes.tsv")
    truth = read(sc_run / "resources/demo/truth/cells.tsv")
    joined = labels.merge(truth, on=["sample", "barcode"], suffixes=("", "_planted"))
    assert len(joined) == len(labels)
    assert (joined["cell_type"] == joined["cell_type_planted"]).mean() >= 0.9


def test_exactly_the_planted_high_mito_cells_fail_the_mito_threshold(sc_run):
    qc = read(sc_run / "results/sc/drg_qc.tsv").set_index("sample")
    truth = read(sc_run / "resources/demo/truth/cells.tsv")
    assert qc["fail_pct_mt"].to_dict() == truth.groupby("sample")["high_mito"].sum().to_dict()
    kept = read(sc_run / "results/sc/drg_celltypes.tsv").merge(truth, on=["sample", "barcode"])
    assert kept["high_mito"].sum() == 0


def test_macrophage_xbp1_splicing_is_higher_with_paclitaxel(sc_run):
    per_sample = read(sc_run / "results/xbp1/pseudobulk.tsv")
    macrophages = per_sample[per_sample["cell_type"] == "macrophage"].set_index("sample")["fraction_spliced"]
    assert macrophages[["SC_ptx_1", "SC_ptx_2"]].min() > macrophages[["SC_veh_1", "SC_veh_2"]].max()
    pooled = read(sc_run / "results/sc/drg/xbp1_by_celltype.tsv").set_index(["cell_type", "condition"])
    for condition, planted in (("paclitaxel", 0.45), ("vehicle", 0.05)):
        row = pooled.loc[("macrophage", condition)]
        assert row["ci_low"] <= planted <= row["ci_high"]
    assert pooled.loc[("macrophage", "paclitaxel"), "ci_low"] > pooled.loc[("macrophage", "vehicle"), "ci_high"]


def test_macrophage_pseudobulk_de_finds_the_planted_program(sc_run):
    results = read(sc_run / f"results/sc/drg/de/{CONTRAST}/results.tsv")
    truth = read(sc_run / "resources/demo/truth/de.tsv")
    truth = truth[truth["contrast"] == CONTRAST]
    joined = results.merge(truth, on="gene_name")
    planted = joined[joined["planted_log2fc"] != 0]
    assert len(planted) >= 10
    assert (planted["padj"] < 0.05).all()
    assert ((planted["log2FoldChange"] - planted["planted_log2fc"]).abs() < 0.75).all()
    assert (joined.loc[joined["planted_log2fc"] == 0, "padj"] < 0.05).mean() < 0.1


def test_plots_are_written(sc_run):
    for plot in ("umap", "xbp1", "programs"):
        assert (sc_run / f"results/plots/sc/drg_{plot}.png").stat().st_size > 10_000
