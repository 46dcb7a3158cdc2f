"""Readout from counts, pseudobulk pooling and the cohort/MultiQC tables, against hand-computed values."""

import math

import pandas as pd
import pytest

from ire1seq.errors import InputError
from ire1seq.xbp1.pseudobulk import pseudobulk
from ire1seq.xbp1.stats import add_readout, wilson
from ire1seq.xbp1.summary import combine_bulk, write_multiqc


def readout(spliced, unspliced, min_informative=10):
    table = pd.DataFrame({"sample": ["s"], "spliced": [spliced], "unspliced": [unspliced]})
    return add_readout(table, min_informative).iloc[0]


def test_wilson_interval_ratio_and_status():
    half = readout(5, 5)
    # Wilson 95%: centre (5 + z²/2) / (10 + z²) = 0.5, half-width z·sqrt(10·0.25 + z²/4) / (10 + z²)
    assert half["ci_low"] == pytest.approx(0.23659, abs=1e-5) and half["ci_high"] == pytest.approx(0.76341, abs=1e-5)
    assert (half["fraction_spliced"], half["log2_spliced_ratio"], half["status"]) == (0.5, 0.0, "ok")
    none = readout(0, 5)
    assert none["ci_low"] == pytest.approx(0) and none["ci_high"] == pytest.approx(1.96**2 / (5 + 1.96**2), rel=1e-3)
    assert none["log2_spliced_ratio"] == pytest.approx(math.log2(0.5 / 5.5))
    assert none["status"] == "low_coverage"
    empty = readout(0, 0)
    assert empty["status"] == "no_reads" and empty["informative"] == 0
    assert math.isnan(empty["fraction_spliced"]) and math.isnan(empty["log2_spliced_ratio"])


def test_wilson_interval_equals_statsmodels():
    from statsmodels.stats.proportion import proportion_confint

    for trials in (1, 2, 3, 7, 10, 57, 250, 10_000):
        for successes in sorted({0, 1, trials // 3, trials // 2, trials - 1, trials}):
            expected = proportion_confint(successes, trials, alpha=0.05, method="wilson")
            assert wilson(successes, trials) == tuple(map(float, expected))  # to the last bit


def cells_table():
    rows = [
        ("s1", "A", 3, 1, 0), ("s1", "B", 1, 1, 1), ("s1", "C", 0, 2, 0), ("s1", "D", 4, 0, 0),
        ("s2", "A", 0, 5, 0),
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=["sample", "barcode", "spliced", "unspliced", "ambiguous"])


def test_pseudobulk_sums_per_sample_and_group():
    groups = pd.DataFrame(
        [("s1", "A", "mac"), ("s1", "B", "mac"), ("s1", "C", "T"), ("s1", "E", "T"), ("s2", "A", "mac")],
        columns=["sample", "barcode", "cell_type"],
    )  # D has no cell type; E has no XBP1 counts
    table = pseudobulk(cells_table(), groups, min_informative=5)
    assert list(table.columns) == [
        "sample", "cell_type", "n_cells", "spliced", "unspliced", "informative",
        "fraction_spliced", "ci_low", "ci_high", "molecular_fraction", "molecular_ci_low",
        "molecular_ci_high", "detection_ratio", "status",
    ]  # fmt: skip
    got = {(r.sample, r.cell_type): (r.n_cells, r.spliced, r.unspliced, r.status) for r in table.itertuples()}
    assert got == {
        ("s1", "T"): (2, 0, 2, "low_coverage"),
        ("s1", "mac"): (2, 4, 2, "ok"),
        ("s2", "mac"): (1, 0, 5, "ok"),
    }


def test_pseudobulk_without_sample_column_and_with_mismatched_barcodes():
    one = cells_table()[lambda t: t["sample"] == "s1"]
    groups = pd.DataFrame({"barcode": ["A", "B", "C"], "cluster": ["0", "0", "1"]})
    table = pseudobulk(one, groups, group_column="cluster")
    assert table.set_index("cluster")["spliced"].to_dict() == {"0": 4, "1": 0}
    suffixed = groups.assign(barcode=groups["barcode"] + "-1")
    with pytest.raises(InputError, match="sample s1: none of its cell barcodes"):
        pseudobulk(one, suffixed, group_column="cluster")


def test_cohort_table_and_multiqc_file(tmp_path):
    for sample, spliced, unspliced in (("a", 3, 1), ("b", 0, 1)):
        counts = {
            "sample": [sample],
            "spliced": [spliced],
            "unspliced": [unspliced],
            "ambiguous": [0],
            "detection_ratio": [0.75],
        }
        row = add_readout(pd.DataFrame(counts))
        row.to_csv(tmp_path / f"{sample}.tsv", sep="\t", index=False)
    table = combine_bulk([tmp_path / "a.tsv", tmp_path / "b.tsv"])
    assert list(table["sample"]) == ["a", "b"] and list(table["informative"]) == [4, 1]
    write_multiqc(table, tmp_path / "xbp1_mqc.tsv")
    lines = (tmp_path / "xbp1_mqc.tsv").read_text().splitlines()
    assert '# plot_type: "generalstats"' in lines
    data = [line for line in lines if not line.startswith("#")]
    assert data == [
        "Sample\txbp1_molecular_pct\txbp1_spliced_pct\txbp1_informative",
        "a\t80.0\t75.0\t4",
        "b\t0.0\t0.0\t1",
    ]  # 0.75 / (0.75 + 0.75 * 0.25)
    (tmp_path / "bad.tsv").write_text("sample\tspliced\n")
    with pytest.raises(InputError, match="lacks column"):
        combine_bulk([tmp_path / "bad.tsv"])
