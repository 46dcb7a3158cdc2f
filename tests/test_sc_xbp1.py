"""Joining per-cell XBP1 molecule counts to the matrix's cells."""

import pandas as pd
import pytest

from ire1seq.errors import InputError
from ire1seq.sc.simulate import simulate_counts
from ire1seq.sc.xbp1 import join_xbp1, read_cell_tables

from conftest import logs_warning


@pytest.fixture
def cells():
    return simulate_counts({"neuron": ["Snap25"], "fibroblast": ["Dcn"]}, ["S1", "S2"], 10, n_genes=20, seed=7)


def table(tmp_path, sample, barcodes, spliced, name=None):
    path = tmp_path / f"{name or sample}.tsv"
    rows = pd.DataFrame({"sample": sample, "barcode": barcodes, "spliced": spliced, "unspliced": 1, "ambiguous": 0})
    rows.to_csv(path, sep="\t", index=False)
    return path


def barcodes(cells, sample):
    return list(cells.obs.loc[cells.obs["sample"] == sample, "barcode"])


def test_counts_land_on_their_cells_and_absent_cells_get_zero(cells, tmp_path):
    s1, s2 = barcodes(cells, "S1"), barcodes(cells, "S2")
    paths = [table(tmp_path, "S1", s1[:3], [2, 0, 5]), table(tmp_path, "S2", s2[:1], [7])]
    join_xbp1(cells, read_cell_tables(paths))
    obs = cells.obs.set_index(["sample", "barcode"])
    assert obs.loc[("S1", s1[2]), "xbp1_spliced"] == 5
    assert obs.loc[("S1", s1[2]), "xbp1_informative"] == 6
    assert obs.loc[("S2", s2[0]), "xbp1_spliced"] == 7
    assert obs.loc[("S1", s1[5]), ["xbp1_spliced", "xbp1_unspliced", "xbp1_informative"]].tolist() == [0, 0, 0]
    assert cells.obs["xbp1_spliced"].sum() == 14
    assert cells.obs["xbp1_unspliced"].sum() == 4


def test_no_shared_barcode_is_an_error_naming_the_sample(cells, tmp_path):
    path = table(tmp_path, "S1", [b + "-1" for b in barcodes(cells, "S1")], 1)
    with pytest.raises(InputError, match=r"none of its 20 barcodes of sample S1 is a cell .*'-1' suffix"):
        join_xbp1(cells, read_cell_tables([path]))


def test_partial_overlap_warns_with_numbers(cells, tmp_path):
    path = table(tmp_path, "S1", barcodes(cells, "S1")[:15] + ["ACGTACGTACGTACGT", "TTTTCCCCGGGGAAAA"], 1)
    with logs_warning(r"sample S1: 2 of 17 barcodes .* ignored; 15 of the matrix.s 20 cells"):
        join_xbp1(cells, read_cell_tables([path]))
    assert (cells.obs["xbp1_unspliced"] > 0).sum() == 15


def test_unknown_sample_and_bad_counts(cells, tmp_path):
    with pytest.raises(InputError, match="names sample.* S9, which have no matrix"):
        join_xbp1(cells, read_cell_tables([table(tmp_path, "S9", barcodes(cells, "S1"), 1)]))
    path = table(tmp_path, "S1", barcodes(cells, "S1")[:2], ["x", 1], name="bad")
    with pytest.raises(InputError, match="bad.tsv, line 2: spliced/unspliced/ambiguous must be counts"):
        read_cell_tables([path])
    pd.DataFrame({"sample": ["S1"], "barcode": ["A"]}).to_csv(tmp_path / "cols.tsv", sep="\t", index=False)
    with pytest.raises(InputError, match="lacks column.* spliced, unspliced, ambiguous"):
        read_cell_tables([tmp_path / "cols.tsv"])
