"""Blood composition: on a simulated cohort where only the plasmablast share rises after treatment
(no cell type's XBP1 splicing changes), the estimates track the planted proportions and the bulk
XBP1 change is attributed to composition."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.formula.api as smf
from scipy.stats import spearmanr

from ire1seq.de.composition import for_subset
from ire1seq.de.scores import sample_scores
from ire1seq.de.simulate import blood_cohort, counts_table
from ire1seq.io import write_table
from ire1seq.markers import read_markers
from ire1seq.xbp1.stats import add_readout

MARKERS = Path(__file__).resolve().parents[1] / "resources" / "markers" / "human_blood.tsv"
SUBSET = {"organism": "human", "assay": "bulk"}


@pytest.fixture(scope="module")
def cohort(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("blood")
    data = blood_cohort(read_markers(MARKERS, "human"))
    write_table(counts_table(data["counts"]), tmp / "counts.tsv")
    write_table(data["sheet"], tmp / "samples.tsv")
    write_table(add_readout(data["xbp1"].assign(ambiguous=0)), tmp / "bulk.tsv")
    reference = data["reference"].rename_axis("gene_name").reset_index()
    reference.insert(0, "gene_id", reference["gene_name"])
    write_table(reference, tmp / "pseudobulk_counts.tsv")
    write_table(data["reference_sheet"], tmp / "pseudobulk_samples.tsv")
    (tmp / "sets").mkdir()
    (tmp / "sets" / "s.tsv").write_text("set\tgene\torganism\nbg\tBG1\thuman\nbg\tBG2\thuman\n")
    return tmp, data


def scores(tmp, reference=True):
    estimate = for_subset(
        MARKERS, SUBSET, (tmp / "pseudobulk_counts.tsv", tmp / "pseudobulk_samples.tsv") if reference else None
    )
    return sample_scores(
        tmp / "counts.tsv", tmp / "sets", tmp / "samples.tsv", tmp / "bulk.tsv", composition=estimate
    ).set_index("sample")


def changes(table: pd.DataFrame, columns) -> pd.DataFrame:
    """Per patient: cycle1 − baseline of each column."""
    subject = table.index.str.split("_").str[0]
    wide = table[columns].assign(subject=subject, visit=table.index.str.split("_").str[1])
    return wide.pivot(index="subject", columns="visit").pipe(
        lambda w: w.xs("cycle1", axis=1, level=1) - w.xs("baseline", axis=1, level=1)
    )


def test_nnls_proportions_track_the_planted_proportions(cohort):
    tmp, data = cohort
    table = scores(tmp)
    planted = data["proportions"]
    estimated = table[[f"composition_{t}" for t in planted.columns]]
    assert np.allclose(estimated.sum(axis=1), 1)
    both = pd.DataFrame(
        {"estimated": estimated.to_numpy().ravel(), "planted": planted.loc[estimated.index].to_numpy().ravel()}
    )
    assert both.corr().iloc[0, 1] >= 0.99  # every sample x type
    r = {t: np.corrcoef(estimated[f"composition_{t}"], planted.loc[estimated.index, t])[0, 1] for t in planted.columns}
    assert min(r.values()) >= 0.9, r  # across samples, type by type (plasmablasts 0.91 with this seed)
    assert list(table.columns[-2:]) == ["organism", "xbp1_status"]


def test_marker_scores_track_the_planted_plasmablast_share(cohort):
    """Without a reference, a log-scale abundance score: ranks, not proportions. XBP1, a listed
    plasmablast marker, is expressed by every type, so the score is noisier than NNLS."""
    tmp, data = cohort
    table = scores(tmp, reference=False)
    planted = data["proportions"].loc[table.index, "plasmablast"]
    assert spearmanr(table["composition_plasmablast"], planted).statistic >= 0.85


@pytest.mark.parametrize("reference", [True, False], ids=["nnls", "markers"])
def test_xbp1_change_is_attributed_to_composition(cohort, reference):
    """Unadjusted, the on-treatment rise of bulk XBP1 splicing is called; adjusted for the change in
    the plasmablast estimate, it is not (and composition is)."""
    tmp, _ = cohort
    delta = changes(scores(tmp, reference), ["fraction_spliced", "composition_plasmablast"])
    delta.columns = ["xbp1", "plasmablast"]
    unadjusted = smf.ols("xbp1 ~ 1", data=delta).fit()
    adjusted = smf.ols("xbp1 ~ 1 + plasmablast", data=delta).fit()
    assert unadjusted.params["Intercept"] > 0 and unadjusted.pvalues["Intercept"] < 0.001
    assert adjusted.pvalues["Intercept"] > 0.05 and adjusted.pvalues["plasmablast"] < 0.05
