"""pydeseq2 fit and contrasts on simulated counts with planted effects (through the workflow steps)."""

import numpy as np
import pandas as pd
import pytest

from ire1seq.de import fit as de_fit
from ire1seq.de.design import Design
from ire1seq.de.fit import fit_design, run_contrast, run_design
from ire1seq.de.inputs import read_counts
from ire1seq.de.simulate import counts_table, factorial_samples, simulate_counts
from ire1seq.errors import InputError
from ire1seq.io import read_tsv, write_table

from conftest import logs_warning

GENES = [f"g{i:03d}" for i in range(200)]
PROGRAM = GENES[:20]  # +2 with paclitaxel in WT, abolished in KO
SHARED = GENES[20:30]  # -1.5 with paclitaxel in both genotypes
DESIGN = {
    "subset": {"organism": "mouse"},
    "formula": "~ batch + genotype * treatment",
    "levels": {"genotype": "WT", "treatment": "vehicle"},
}
CONTRASTS = {
    "pac_wt": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"},
    "ko_abolishes": {"interaction": {"genotype": "KO", "treatment": "paclitaxel"}},
    "vehicle_vs_pac": {"variable": "treatment", "test": "vehicle", "base": "paclitaxel"},
}


def planted_effects(samples: pd.DataFrame) -> pd.DataFrame:
    effects = pd.DataFrame(0.0, index=GENES, columns=samples.index)
    paclitaxel = samples["treatment"] == "paclitaxel"
    effects.loc[PROGRAM, paclitaxel & (samples["genotype"] == "WT")] = 2.0
    effects.loc[SHARED, paclitaxel] = -1.5
    effects.loc[GENES[100:130], samples["batch"] == "b2"] = 0.7
    effects.loc[GENES[150:160], samples["genotype"] == "KO"] = 1.0
    return effects


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("de")
    samples = factorial_samples({"genotype": ["KO", "WT"], "treatment": ["paclitaxel", "vehicle"]}, replicates=4)
    samples["organism"] = "mouse"
    counts = simulate_counts(planted_effects(samples), seed=1)
    counts.loc["all_zero"] = 0
    samples.reset_index().to_csv(tmp / "samples.tsv", sep="\t", index=False)
    write_table(counts_table(counts), tmp / "counts.tsv")
    genesets = tmp / "genesets"
    genesets.mkdir()
    sets = pd.DataFrame(
        [("program", g, "mouse") for g in PROGRAM]
        + [("background", g, "mouse") for g in GENES[170:190]]
        + [("absent", "Tnf", "mouse"), ("absent", "Il6", "mouse")],
        columns=["set", "gene", "organism"],
    )
    sets.to_csv(genesets / "sets.tsv", sep="\t", index=False)
    run_design(
        counts=tmp / "counts.tsv", samples=tmp / "samples.tsv", name="drg", spec=DESIGN, threads=1,
        genesets=genesets, fit_out=tmp / "fit.pkl", normalized_out=tmp / "normalized.tsv", vst_out=tmp / "vst.tsv",
        pca_out=tmp / "pca.png", heatmap_out=tmp / "heatmap.png",
    )  # fmt: skip
    out = {}
    for name, spec in CONTRASTS.items():
        with logs_warning("gene set absent"):
            run_contrast(
                fit=tmp / "fit.pkl", name=name, spec=spec, genesets=genesets, alpha=0.05, threads=1,
                results_out=tmp / f"{name}.tsv", genesets_out=tmp / f"{name}.sets.tsv", volcano_out=tmp / f"{name}.png",
            )  # fmt: skip
        out[name] = read_tsv(tmp / f"{name}.tsv").set_index("gene_id")
        out[f"{name}.sets"] = read_tsv(tmp / f"{name}.sets.tsv").set_index("set")
    out["vst"] = read_tsv(tmp / "vst.tsv")
    out["normalized"] = read_tsv(tmp / "normalized.tsv")
    return out


def test_results_have_spec_columns(run):
    assert list(run["pac_wt"].reset_index().columns) == [
        "gene_id",
        "gene_name",
        "baseMean",
        "log2FoldChange",
        "lfcSE",
        "stat",
        "pvalue",
        "padj",
        "log2FoldChange_shrunk",
    ]


def test_planted_paclitaxel_genes_found_in_wild_type(run):
    res = run["pac_wt"]
    assert (res.loc[PROGRAM, "padj"] < 0.05).all() and (res.loc[PROGRAM, "log2FoldChange"] > 0).all()
    assert (res.loc[SHARED, "padj"] < 0.05).all() and (res.loc[SHARED, "log2FoldChange"] < 0).all()
    assert res.loc[PROGRAM, "log2FoldChange"].mean() == pytest.approx(2.0, abs=0.3)
    null = res.drop(PROGRAM + SHARED)
    assert (null["padj"] < 0.05).mean() < 0.05


def test_interaction_recovers_the_abolished_response(run):
    res = run["ko_abolishes"]
    # an interaction has half the precision of a main effect: most, not all, planted genes pass
    assert (res.loc[PROGRAM, "padj"] < 0.05).mean() >= 0.85 and (res.loc[PROGRAM, "log2FoldChange"] < 0).all()
    assert res.loc[PROGRAM, "log2FoldChange"].mean() == pytest.approx(-2.0, abs=0.4)
    assert (res.loc[SHARED, "padj"] < 0.05).sum() <= 1  # same response in both genotypes


def test_apeglm_shrinks_single_coefficient_contrasts_only(run):
    res = run["pac_wt"]
    null = res.drop(PROGRAM + SHARED)
    assert (null["log2FoldChange_shrunk"].abs() <= null["log2FoldChange"].abs() + 1e-6).mean() > 0.95
    assert res.loc[PROGRAM, "log2FoldChange_shrunk"].mean() == pytest.approx(2.0, abs=0.4)
    assert run["vehicle_vs_pac"]["log2FoldChange_shrunk"].isna().all()
    assert np.allclose(run["vehicle_vs_pac"]["log2FoldChange"], -res["log2FoldChange"])


def test_zero_gene_dropped_and_tables_written(run):
    assert "all_zero" not in run["pac_wt"].index
    assert run["vst"].shape == (200, 18) and run["normalized"].shape == (200, 18)


def test_cooks_outlier_p_value_is_removed():
    samples = factorial_samples({"treatment": ["paclitaxel", "vehicle"]}, replicates=4, batches=1)
    counts = simulate_counts(pd.DataFrame(0.0, index=GENES[:60], columns=samples.index), seed=2)
    counts.loc["g000", "s000"] = counts.loc["g000"].max() * 50
    design = Design("cooks", "~ treatment")
    dds = fit_design(counts_table(counts).set_index("gene_id"), samples, design)
    res = de_fit.test_contrast(dds, design, "p", CONTRASTS["pac_wt"]).set_index("gene_id")
    assert np.isnan(res.loc["g000", "pvalue"]) and res["pvalue"].drop("g000").notna().all()


def test_gene_set_test_calls_planted_set_up_and_null_not(run):
    sets = run["pac_wt.sets"]
    assert sets.loc["program", "direction"] == "up" and sets.loc["program", "p_value"] < 1e-4
    assert sets.loc["program", "share_up"] == 1.0 and sets.loc["program", "share_down"] == 0.0
    assert sets.loc["background", "p_value"] > 0.05
    assert "absent" not in sets.index
    assert run["ko_abolishes.sets"].loc["program", "direction"] == "down"


@pytest.mark.parametrize("value, problem", [("2.5", "2.5"), ("-3", "-3")])
def test_non_integer_or_negative_counts_name_gene_and_sample(tmp_path, value, problem):
    path = tmp_path / "counts.tsv"
    path.write_text(f"gene_id\tgene_name\tA\tB\ng1\tX\t1\t2\ng2\tY\t3\t{value}\n")
    with pytest.raises(InputError, match=f"gene g2, sample B has '{problem}'.*raw read counts"):
        read_counts(path)


def test_control_genes_remove_composition_bias():
    """Half the genes rise: all-gene size factors pull the rest down; housekeeping ones do not."""
    samples = factorial_samples({"treatment": ["paclitaxel", "vehicle"]}, replicates=4, batches=1)
    effects = pd.DataFrame(0.0, index=GENES[:60], columns=samples.index)
    effects.loc[GENES[:30], samples["treatment"] == "paclitaxel"] = 2.0
    counts = counts_table(simulate_counts(effects, seed=5, dispersion=0.01)).set_index("gene_id")
    null = GENES[30:60]

    def null_shift(control):
        design = Design("panel", "~ treatment", control_genes=control)
        table = de_fit.test_contrast(fit_design(counts, samples, design), design, "p", CONTRASTS["pac_wt"])
        return table.set_index("gene_id").loc[null, "log2FoldChange"].mean()

    assert null_shift([]) < -0.5
    assert null_shift(GENES[40:50]) == pytest.approx(0.0, abs=0.1)
    with pytest.raises(InputError, match="none of de.control_genes \\(ACTB\\) has reads"):
        fit_design(counts, samples, Design("panel", "~ treatment", control_genes=["ACTB"]))
