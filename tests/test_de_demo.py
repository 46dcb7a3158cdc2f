"""Demo cohort end to end: DE and gene-set results against resources/demo/truth/de.tsv."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from ire1seq.de.composition import for_subset
from ire1seq.de.genesets import load_genesets
from ire1seq.de.scores import sample_scores

from conftest import DEMO_CONFIG

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
TRUTH = pd.read_csv(REPO / "resources" / "demo" / "truth" / "de.tsv", sep="\t")
PROGRAM = set(load_genesets(REPO / "resources" / "genesets").query("set == 'inflammatory'")["gene"])
BULK = [
    "paclitaxel_vs_vehicle_WT",
    "knockout_abolishes_paclitaxel",
    "inhibitor_abolishes_paclitaxel",
    "cycle1_vs_baseline",
]
# In the mouse arms the planted change is the program's sign; the interactions reverse it.
PROGRAM_DIRECTION = {
    "paclitaxel_vs_vehicle_WT": "up",
    "knockout_abolishes_paclitaxel": "down",
    "inhibitor_abolishes_paclitaxel": "down",
    "cycle1_vs_baseline": "up",
}


def results(demo_run: Path, contrast: str) -> pd.DataFrame:
    table = pd.read_csv(demo_run / "results" / "de" / contrast / "results.tsv", sep="\t")
    truth = TRUTH[TRUTH["contrast"] == contrast].set_index("gene_name")
    return table.set_index("gene_name").join(truth[["planted_log2fc", "direction"]], how="inner")


@pytest.mark.parametrize("contrast", BULK)
def test_program_genes_found_with_planted_direction(demo_run, contrast):
    table = results(demo_run, contrast)
    planted = table[table["planted_log2fc"] != 0]
    program = planted[planted.index.isin(PROGRAM)]
    assert len(program) >= 14
    assert (program["padj"] < 0.05).all()
    assert (np.sign(program["log2FoldChange"]) == np.sign(program["planted_log2fc"])).all()
    # XBP1s targets and RIDD (|log2FC| 0.4-1, 4 replicates per arm) are at the edge of power:
    # their direction must be right, and most of them found.
    assert (np.sign(planted["log2FoldChange"]) == np.sign(planted["planted_log2fc"])).all()
    assert (planted["padj"] < 0.05).mean() >= 0.6


@pytest.mark.parametrize(
    "contrast, max_share",
    [
        ("cycle1_vs_baseline", 0.05),
        # 16 mouse samples and 7 housekeeping genes for the size factors: a shared normalisation error
        # (~0.25 log2) moves the unplanted genes together, so a few pass 0.05.
        ("paclitaxel_vs_vehicle_WT", 0.15),
        ("knockout_abolishes_paclitaxel", 0.1),
        ("inhibitor_abolishes_paclitaxel", 0.1),
    ],
)
def test_unplanted_genes_rarely_called(demo_run, contrast, max_share):
    table = results(demo_run, contrast)
    null = table[table["planted_log2fc"] == 0]
    assert (null["padj"] < 0.05).mean() <= max_share


@pytest.mark.parametrize("contrast", BULK)
def test_inflammatory_set_called_in_planted_direction(demo_run, contrast):
    sets = pd.read_csv(demo_run / "results" / "de" / contrast / "genesets.tsv", sep="\t").set_index("set")
    assert sets.loc["inflammatory", "q_value"] < 0.05
    assert sets.loc["inflammatory", "direction"] == PROGRAM_DIRECTION[contrast]
    assert sets.loc["perk", "q_value"] > 0.05 and sets.loc["atf6", "q_value"] > 0.05


def test_scores_rise_with_paclitaxel(demo_run):
    scores = pd.read_csv(demo_run / "results" / "scores" / "samples.tsv", sep="\t").set_index("sample")
    wt = scores.index.str.startswith("DRG_WT_")
    paclitaxel = scores.index.str.contains("_ptx_")
    assert (
        scores.loc[wt & paclitaxel, "score_inflammatory"].min()
        > scores.loc[wt & ~paclitaxel, "score_inflammatory"].max()
    )
    cycle1 = scores.loc[scores.index.str.endswith("_cycle1"), "score_inflammatory"]
    baseline = scores.loc[cycle1.index.str.replace("_cycle1", "_baseline"), "score_inflammatory"]
    assert (cycle1.to_numpy() > baseline.to_numpy()).mean() > 0.8
    assert list(scores.columns[:5]) == [
        "fraction_spliced",
        "log2_spliced_ratio",
        "molecular_fraction",
        "molecular_ci_low",
        "molecular_ci_high",
    ]
    blood = scores.index.str.startswith("P")
    assert (
        scores.loc[blood, "composition_plasmablast"].notna().all()
        and scores.loc[~blood, "composition_plasmablast"].isna().all()
    )


@pytest.mark.parametrize("sample", ["P07_baseline", "DRG_KO_ptx_2"])
def test_a_sample_scored_alone_equals_its_score_in_the_cohort(demo_run, tmp_path, sample):
    """The demo's bulk counts with one sample only: the same set scores and composition."""
    cohort = pd.read_csv(demo_run / "results" / "scores" / "samples.tsv", sep="\t").set_index("sample")
    counts = pd.read_csv(demo_run / "results" / "counts" / "bulk_counts.tsv", sep="\t")
    counts[["gene_id", "gene_name", sample]].to_csv(tmp_path / "counts.tsv", sep="\t", index=False)
    composition = for_subset(REPO / "resources" / "markers" / "human_blood.tsv", {"organism": "human", "assay": "bulk"})
    controls = yaml.safe_load((REPO / DEMO_CONFIG / "config.yaml").read_text())["de"]["control_genes"]
    alone = sample_scores(
        tmp_path / "counts.tsv", REPO / "resources" / "genesets", REPO / DEMO_CONFIG / "samples.tsv",
        control_genes=controls, composition=composition,
    )  # fmt: skip
    alone = alone.set_index("sample").loc[sample]
    columns = [c for c in cohort.columns if c.startswith(("score_", "composition_"))]
    assert np.allclose(
        alone[columns].astype(float), cohort.loc[sample, columns].astype(float), equal_nan=True, rtol=0, atol=1e-12
    )
