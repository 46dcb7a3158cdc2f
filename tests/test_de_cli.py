"""`ire1seq de` and `ire1seq score` end to end on small files; bad input → exit 2 and one message."""

import pandas as pd
import pytest

from ire1seq.cli import main
from ire1seq.de.cli import parse_contrast
from ire1seq.de.simulate import counts_table, factorial_samples, simulate_counts
from ire1seq.io import read_tsv, write_table

UP = [f"G{i}" for i in range(8)]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("cli")
    samples = factorial_samples({"treatment": ["paclitaxel", "vehicle"]}, replicates=4)
    samples["organism"] = "human"
    effects = pd.DataFrame(0.0, index=UP + [f"N{i}" for i in range(72)], columns=samples.index)
    effects.loc[UP, samples["treatment"] == "paclitaxel"] = 2.5
    write_table(counts_table(simulate_counts(effects, seed=4)), tmp / "counts.tsv")
    samples.reset_index().to_csv(tmp / "samples.tsv", sep="\t", index=False)
    (tmp / "sets").mkdir()
    pd.DataFrame({"set": "up", "gene": UP, "organism": "human"}).to_csv(tmp / "sets" / "up.tsv", sep="\t", index=False)
    return tmp


def test_de_writes_spec_tables(inputs):
    out = inputs / "out"
    status = main(
        [
            "de",
            "--counts",
            str(inputs / "counts.tsv"),
            "--samples",
            str(inputs / "samples.tsv"),
            "--design",
            "~ batch + treatment",
            "--contrast",
            "treatment,paclitaxel,vehicle",
            "--genesets",
            str(inputs / "sets"),
            "-o",
            str(out),
        ]
    )
    assert status == 0
    results = read_tsv(out / "treatment_paclitaxel_vs_vehicle" / "results.tsv").set_index("gene_id")
    assert (results.loc[UP, "padj"] < 0.05).all()
    assert results["log2FoldChange_shrunk"].notna().all()  # base level taken from the contrast
    sets = read_tsv(out / "treatment_paclitaxel_vs_vehicle" / "genesets.tsv")
    assert sets.loc[0, "direction"] == "up"
    assert (out / "vst.tsv").is_file() and (out / "normalized_counts.tsv").is_file()


def test_score_writes_table(inputs):
    out = inputs / "scores.tsv"
    assert (
        main(["score", "--counts", str(inputs / "counts.tsv"), "--genesets", str(inputs / "sets"), "-o", str(out)]) == 0
    )
    scores = read_tsv(out, dtype={"sample": str}).set_index("sample")
    paclitaxel = scores.index.isin([f"s{i:03d}" for i in range(4)])
    assert scores.loc[paclitaxel, "score_up"].min() > scores.loc[~paclitaxel, "score_up"].max()


@pytest.mark.parametrize(
    "design, contrast, message",
    [
        ("~ genotype + treatment", "treatment,paclitaxel,vehicle", "genotype, which is not a column"),
        ("~ treatment", "treatment,cisplatin,vehicle", "no sample with treatment=cisplatin"),
        ("~ treatment", "treatment+paclitaxel", "is not understood"),
    ],
)
def test_bad_input_exits_2_with_one_message(inputs, capsys, design, contrast, message):
    status = main(
        [
            "de",
            "--counts",
            str(inputs / "counts.tsv"),
            "--samples",
            str(inputs / "samples.tsv"),
            "--design",
            design,
            "--contrast",
            contrast,
            "-o",
            str(inputs / "bad"),
        ]
    )
    err = capsys.readouterr().err
    assert status == 2 and err.startswith("ire1seq: error: ") and message in err
    assert "Traceback" not in err


def test_contrast_forms():
    assert parse_contrast("genotype=KO,treatment=paclitaxel") == (
        "genotype_KO_x_treatment_paclitaxel",
        {"interaction": {"genotype": "KO", "treatment": "paclitaxel"}},
    )
    assert parse_contrast("coef:treatment[T.paclitaxel]") == (
        "treatment_T_paclitaxel",
        {"coef": "treatment[T.paclitaxel]"},
    )
