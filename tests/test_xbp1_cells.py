"""Per-cell XBP1 counting: UMIs collapse PCR copies, take their reads' majority class."""

import gzip

import h5py
import pytest
import xbp1_bams as fx

from ire1seq.errors import InputError
from ire1seq.xbp1.cells import quant_cells, read_barcodes
from ire1seq.xbp1.locate import locate


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return locate(fx.make_reference(tmp_path_factory.mktemp("ref"), "human", "-"), use_cache=False)


def tagged(read, cell, umi):
    return {**read, "tags": {"CB": cell, "UB": umi}}


@pytest.fixture
def umis_bam(tmp_path, site):
    first, u0 = site.window[0], site.union[0]
    n = iter(range(1000))

    def spliced(cell, umi):
        return tagged(fx.spliced_read(site, f"r{next(n)}", first, 40, 40), cell, umi)

    def unspliced(cell, umi):
        return tagged(fx.unspliced_read(site, f"r{next(n)}", u0 - 30, 80), cell, umi)

    reads = [spliced("AAAC", "u1") for _ in range(3)]  # PCR copies of one spliced molecule
    reads += [spliced("AAAC", "u2"), spliced("AAAC", "u2"), unspliced("AAAC", "u2")]  # majority spliced
    reads += [spliced("AAAC", "u3"), unspliced("AAAC", "u3")]  # split evenly: ambiguous
    reads += [unspliced("AAAC", "u4"), unspliced("AAAC", "u4")]
    reads += [unspliced("GGGT", "u1")]  # same UMI, other cell: another molecule
    reads += [spliced("TTTT", "u9")]
    reads += fx.pair(spliced("CCGA", "u5"), {**unspliced("CCGA", "u5")})  # mates disagree
    reads += [spliced("-", "u7"), fx.spliced_read(site, "untagged", first, 40, 40)]  # no usable barcode
    return fx.write_bam(tmp_path / "cells.bam", site.contigs, reads)


def as_dict(rows):
    return {row["barcode"]: (row["spliced"], row["unspliced"], row["ambiguous"]) for row in rows}


def test_umis_collapse_with_majority_class(umis_bam, site):
    table = quant_cells(umis_bam, site, "sc1")
    assert all(
        list(row) == ["sample", "barcode", "spliced", "unspliced", "ambiguous", "detection_ratio"] for row in table
    )
    assert {row["sample"] for row in table} == {"sc1"}
    assert as_dict(table) == {"AAAC": (2, 1, 1), "CCGA": (0, 0, 1), "GGGT": (0, 1, 0), "TTTT": (1, 0, 0)}
    # 3 spliced UMIs with 6 reads that agree with them (u2's unspliced read does not), 2 unspliced
    # UMIs with 3 reads; every read is 80 nt: 80 - 21 = 59 spliced, 80 + 5 = 85 unspliced positions.
    expected = (3 / (6 / 59)) / (2 / (3 / 85))
    assert all(row["detection_ratio"] == pytest.approx(expected) for row in table)


def test_barcode_list_restricts_and_lists_every_cell(umis_bam, site):
    table = quant_cells(umis_bam, site, "sc1", barcodes=["GGGT", "AAAC", "CCCC"])
    assert [row["barcode"] for row in table] == ["GGGT", "AAAC", "CCCC"]
    assert as_dict(table) == {"GGGT": (0, 1, 0), "AAAC": (2, 1, 1), "CCCC": (0, 0, 0)}


@pytest.mark.parametrize("missing", ["CB", "UB"])
def test_bam_without_the_tags_is_rejected_naming_the_tag(tmp_path, site, missing):
    read = fx.spliced_read(site, "r", site.window[0], 40, 40)
    read["tags"] = {t: "AAAC" for t in ("CB", "UB") if t != missing}
    bam = fx.write_bam(tmp_path / "untagged.bam", site.contigs, [read])
    with pytest.raises(InputError, match=f"no {missing} tag"):
        quant_cells(bam, site, "sc1")


def test_barcode_lists_in_their_usual_forms(tmp_path):
    (tmp_path / "plain.tsv").write_text("AAAC-1\nGGGT-1\n")
    assert read_barcodes(tmp_path / "plain.tsv") == ["AAAC-1", "GGGT-1"]
    matrix = tmp_path / "filtered"
    matrix.mkdir()
    with gzip.open(matrix / "barcodes.tsv.gz", "wt") as handle:
        handle.write("barcode\nAAAC-1\n")
    (matrix / "matrix.mtx.gz").write_bytes(b"")
    assert read_barcodes(matrix) == read_barcodes(matrix / "matrix.mtx.gz") == ["AAAC-1"]
    with h5py.File(tmp_path / "m.h5", "w") as h5:
        h5.create_dataset("matrix/barcodes", data=[b"CCCC-1", b"GGGG-1"])
    assert read_barcodes(tmp_path / "m.h5") == ["CCCC-1", "GGGG-1"]
    with pytest.raises(InputError, match="does not exist"):
        read_barcodes(tmp_path / "nothing.tsv")
