"""Per-sample scores: ranks follow planted program activity, per organism, joined to XBP1; a sample's
score depends on its own counts only."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import spearmanr

from ire1seq.de.scores import sample_scores
from ire1seq.de.simulate import counts_table, simulate_counts
from ire1seq.errors import InputError
from ire1seq.io import write_table

from conftest import logs_warning

MOUSE = [f"Mg{i}" for i in range(150)]
HUMAN = [f"HG{i}" for i in range(150)]


def organism_counts(genes, samples, activity, seed):
    effects = pd.DataFrame(0.0, index=genes, columns=samples)
    effects.iloc[:15] = 0.4 * activity  # program genes rise with activity
    effects.iloc[15:25] = -0.4 * activity  # decay targets fall with it
    return simulate_counts(effects, seed=seed)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scores")
    rng = np.random.default_rng(3)
    mouse, human = [f"m{i}" for i in range(10)], [f"h{i}" for i in range(6)]
    activity = pd.Series(np.r_[rng.permutation(10), rng.permutation(6)].astype(float), index=mouse + human)
    counts = (
        pd.concat(
            [
                organism_counts(MOUSE, mouse, activity[mouse].to_numpy(), 1),
                organism_counts(HUMAN, human, activity[human].to_numpy(), 2),
            ]
        )
        .fillna(0)
        .astype(int)
    )  # union of genes, 0 where a gene is not in the sample's genome
    write_table(counts_table(counts), tmp / "counts.tsv")
    pd.DataFrame({"sample": mouse + human, "organism": ["mouse"] * 10 + ["human"] * 6}).to_csv(
        tmp / "samples.tsv", sep="\t", index=False
    )
    rows = [("program", g, org, "up") for org, genes in (("mouse", MOUSE), ("human", HUMAN)) for g in genes[:15]]
    rows += [("ridd", g, org, "down") for org, genes in (("mouse", MOUSE), ("human", HUMAN)) for g in genes[15:25]]
    rows += [("background", g, "mouse", "up") for g in MOUSE[100:120]]
    rows += [("absent", "Tnf", "mouse", "up"), ("absent", "TNF", "human", "up")]
    (tmp / "sets").mkdir()
    pd.DataFrame(rows, columns=["set", "gene", "organism", "direction"]).to_csv(
        tmp / "sets" / "s.tsv", sep="\t", index=False
    )
    pd.DataFrame(
        {
            "sample": ["m0", "h0", "extra"],
            "fraction_spliced": [0.2, 0.5, 0.1],
            "log2_spliced_ratio": [-2.0, 0.0, -3.2],
            "ci_low": [0.1, 0.3, 0.0],
            "ci_high": [0.3, 0.7, 0.2],
            "status": ["ok", "ok", "low_coverage"],
        }
    ).to_csv(tmp / "bulk.tsv", sep="\t", index=False)
    return tmp, activity


@pytest.fixture(scope="module")
def scores(files):
    tmp, _ = files
    with logs_warning("gene set absent"):
        return sample_scores(tmp / "counts.tsv", tmp / "sets", tmp / "samples.tsv", tmp / "bulk.tsv").set_index(
            "sample"
        )


def test_columns_follow_spec(scores):
    assert list(scores.reset_index().columns) == [
        "sample",
        "fraction_spliced",
        "log2_spliced_ratio",
        "molecular_fraction",
        "molecular_ci_low",
        "molecular_ci_high",
        "score_program",
        "score_ridd",
        "score_background",
        "score_absent",
        "organism",
        "xbp1_status",
    ]


@pytest.mark.parametrize("organism, prefix", [("mouse", "m"), ("human", "h")])
def test_scores_rank_samples_as_planted_within_each_organism(files, scores, organism, prefix):
    _, activity = files
    chosen = [s for s in activity.index if s.startswith(prefix)]
    assert spearmanr(scores.loc[chosen, "score_program"], activity[chosen]).statistic > 0.9
    assert spearmanr(scores.loc[chosen, "score_ridd"], activity[chosen]).statistic > 0.9  # flipped
    assert scores.loc[chosen, "organism"].eq(organism).all()


def test_background_set_does_not_track_activity(files, scores):
    _, activity = files
    mouse = [s for s in activity.index if s.startswith("m")]
    assert abs(spearmanr(scores.loc[mouse, "score_background"], activity[mouse]).statistic) < 0.7
    assert scores.loc[[s for s in activity.index if s.startswith("h")], "score_background"].isna().all()


def test_xbp1_joined_and_no_sample_dropped(scores):
    assert scores.loc["m0", "fraction_spliced"] == 0.2 and scores.loc["h0", "xbp1_status"] == "ok"
    assert np.isnan(scores.loc["m0", "molecular_fraction"])  # a bulk table without molecular columns
    assert np.isnan(scores.loc["m1", "fraction_spliced"])
    assert "extra" in scores.index and np.isnan(scores.loc["extra", "score_program"])
    assert scores["score_absent"].isna().all()


def test_organism_inferred_without_sheet(files, scores):
    tmp, _ = files
    with logs_warning("gene set"):
        inferred = sample_scores(tmp / "counts.tsv", tmp / "sets").set_index("sample")
    assert inferred["organism"].equals(scores["organism"].drop("extra"))
    assert np.allclose(inferred["score_program"], scores.loc[inferred.index, "score_program"])


def test_a_sample_scored_alone_gets_its_cohort_score(files, scores):
    tmp, _ = files
    counts = pd.read_csv(tmp / "counts.tsv", sep="\t")
    for sample in ("m3", "h2"):
        counts[["gene_id", "gene_name", sample]].to_csv(tmp / f"{sample}.tsv", sep="\t", index=False)
        with logs_warning("gene set"):
            alone = sample_scores(tmp / f"{sample}.tsv", tmp / "sets", tmp / "samples.tsv").set_index("sample")
        columns = ["score_program", "score_ridd", "score_background"]
        assert np.allclose(
            alone.loc[sample, columns].astype(float), scores.loc[sample, columns].astype(float), equal_nan=True
        )


def test_score_is_the_set_mean_above_the_expressed_background(tmp_path):
    """Hand-computed: log2(CPM + 1) of genes with CPM >= 1; the unexpressed gene enters neither side."""
    counts = pd.DataFrame(
        {"gene_id": list("abcde"), "gene_name": ["A", "B", "C", "D", "E"], "s": [300, 100, 500, 100, 0]}
    )
    write_table(counts, tmp_path / "counts.tsv")
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "s.tsv").write_text(
        "set\tgene\torganism\tdirection\nup\tA\thuman\tup\nup\tE\thuman\tup\ndown\tB\thuman\tdown\n"
    )
    pd.DataFrame({"sample": ["s"], "organism": ["human"]}).to_csv(tmp_path / "samples.tsv", sep="\t", index=False)
    table = sample_scores(tmp_path / "counts.tsv", tmp_path / "sets", tmp_path / "samples.tsv").set_index("sample")
    value = {gene: np.log2(n / 1000 * 1e6 + 1) for gene, n in zip("ABCD", (300, 100, 500, 100))}
    assert table.loc["s", "score_up"] == pytest.approx(value["A"] - np.mean([value["B"], value["C"], value["D"]]))
    assert table.loc["s", "score_down"] == pytest.approx(-(value["B"] - np.mean([value["A"], value["C"], value["D"]])))


def test_score_against_control_genes_is_a_delta_to_them(tmp_path):
    """With control genes, the reference is those genes only (a ΔCt): a program that is a large share
    of a small panel does not move the other sets' scores."""
    counts = pd.DataFrame(
        {"gene_id": list("abcde"), "gene_name": ["A", "B", "C", "H1", "H2"], "s": [800, 100, 5000, 100, 300]}
    )
    write_table(counts, tmp_path / "counts.tsv")
    (tmp_path / "sets").mkdir()
    (tmp_path / "sets" / "s.tsv").write_text("set\tgene\torganism\nup\tA\thuman\nup\tB\thuman\n")
    pd.DataFrame({"sample": ["s"], "organism": ["human"]}).to_csv(tmp_path / "samples.tsv", sep="\t", index=False)
    table = sample_scores(
        tmp_path / "counts.tsv", tmp_path / "sets", tmp_path / "samples.tsv", control_genes=["H1", "H2", "Actb"]
    )
    value = {
        gene: np.log2(n / 6300 * 1e6 + 1) for gene, n in zip(["A", "B", "C", "H1", "H2"], (800, 100, 5000, 100, 300))
    }
    expected = np.mean([value["A"], value["B"]]) - np.mean([value["H1"], value["H2"]])  # C is not a reference
    assert table.set_index("sample").loc["s", "score_up"] == pytest.approx(expected)
    with pytest.raises(InputError, match="none of the control genes"):
        sample_scores(tmp_path / "counts.tsv", tmp_path / "sets", tmp_path / "samples.tsv", control_genes=["Actb"])
