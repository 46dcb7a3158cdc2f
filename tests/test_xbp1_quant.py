"""Bulk XBP1 counting on hand-built BAMs: every counting rule of docs/xbp1.md with exact expected counts."""

import math
import os

import pysam
import pytest
import xbp1_bams as fx

from ire1seq.errors import InputError
from ire1seq.io import write_rows
from ire1seq.xbp1.alignments import Options
from ire1seq.xbp1.locate import locate
from ire1seq.xbp1.quant import BULK_COLUMNS, quant_bulk
from ire1seq.xbp1.site import revcomp


@pytest.fixture(scope="module")
def human(tmp_path_factory):
    directory = tmp_path_factory.mktemp("human")
    reference = fx.make_reference(directory, "human", "-")
    return locate(reference, use_cache=False), reference


def counts(tmp_path, site, reads, options=Options(), name="s.bam", **kwargs):
    bam = fx.write_bam(tmp_path / name, site.contigs, reads)
    row = quant_bulk(bam, site, "s", options, **kwargs)
    return row["spliced"], row["unspliced"], row["ambiguous"]


def test_26n_at_each_of_the_seven_placements_is_spliced(tmp_path, human):
    site, _ = human
    reads = [fx.spliced_read(site, f"n{g}", g, 40, 40) for g, _ in site.placements]
    assert counts(tmp_path, site, reads) == (7, 0, 0)


def test_26d_is_spliced_too(tmp_path, human):
    site, _ = human
    reads = [fx.spliced_read(site, f"d{g}", g, 40, 40, op="D") for g, _ in site.placements]
    assert counts(tmp_path, site, reads) == (7, 0, 0)


def test_gaps_outside_the_window_or_of_other_lengths_are_not_spliced(tmp_path, human):
    site, _ = human
    first, last = site.window
    reads = [
        fx.spliced_read(site, "left_of_window", first - 1, 60, 60),
        fx.spliced_read(site, "right_of_window", last + 1, 60, 60),
    ]
    for length in (25, 27):
        seq = site.bases(first - 60, first) + site.bases(first + length, first + length + 60)
        reads.append(fx.read(f"gap{length}", first - 60, f"60M{length}N60M", seq))
    assert counts(tmp_path, site, reads) == (0, 0, 0)


def test_overhang_is_counted_outside_the_union(tmp_path, human):
    site, _ = human
    (first, last), m = site.window, 8
    u0 = site.union[0]
    reads = [
        fx.spliced_read(site, "left_enough", last, last - u0 + m, 40),
        fx.spliced_read(site, "left_short", last, last - u0 + m - 1, 40),
        fx.spliced_read(site, "right_enough", first, 40, (last - first) + m),
        fx.spliced_read(site, "right_short", first, 40, (last - first) + m - 1),
    ]
    assert counts(tmp_path, site, reads) == (2, 0, 0)
    assert counts(tmp_path, site, reads, Options(min_overhang=5), name="m5.bam") == (4, 0, 0)


def test_soft_clipped_junction_reads_are_rescued_by_sequence(tmp_path, human):
    site, _ = human
    u0, u1 = site.union
    first = site.window[0]
    through_repeat = fx.spliced_seq(site, u0 - 40, u1 + 30)
    left_clipped = fx.spliced_seq(site, u0 - 30, u1 + 40)
    unspliced = site.bases(u0 - 40, u0 + 36)
    reads = [
        fx.read("clip_after_repeat", u0 - 40, "46M30S", through_repeat),
        fx.read("clip_at_junction", u0 - 40, "40M36S", through_repeat),
        fx.read("left_clip", first + 26, "30S46M", left_clipped),
        fx.read("clipped_but_unspliced", u0 - 40, "46M30S", unspliced),
        fx.read("clipped_adapter", u0 - 40, "46M30S", through_repeat[:46] + fx.background(30, 5)),
    ]
    assert counts(tmp_path, site, reads) == (3, 1, 0)
    assert counts(tmp_path, site, reads, Options(rescue_softclip=False), name="off.bam") == (0, 0, 0)


def test_unspliced_needs_core_and_reach_beyond_the_union(tmp_path, human):
    site, _ = human
    (u0, u1), (c0, c1), m = site.union, site.core, 8
    spans = {
        "through": (u0 - 30, u1 + 30),
        "min_left": (u0 - m, c0 + m),
        "min_right": (c1 - m, u1 + m),
        "short_reach": (u0 - m + 1, c0 + m),
        "short_core": (c1 - m + 1, u1 + m),
        "stops_in_union_left": (u0 - 40, c0 - 2),
        "stops_in_union_right": (c1 + 2, u1 + 40),
    }
    reads = [fx.unspliced_read(site, name, start, end - start) for name, (start, end) in spans.items()]
    assert counts(tmp_path, site, reads) == (0, 3, 0)


def test_fragments_combine_mates(tmp_path, human):
    site, _ = human
    first = site.window[0]
    u0, u1 = site.union
    spliced = fx.spliced_read(site, "x", first, 40, 40)
    unspliced = fx.unspliced_read(site, "x", u0 - 30, 80)
    elsewhere = fx.unspliced_read(site, "x", u1 + 60, 60)
    reads = (
        fx.pair({**spliced, "name": "agree"}, fx.spliced_read(site, "agree", first + 3, 30, 50))
        + fx.pair({**spliced, "name": "disagree"}, unspliced)
        + fx.pair({**unspliced, "name": "one_informative"}, elsewhere)
        + [{**spliced, "name": "single"}]
    )
    assert counts(tmp_path, site, reads) == (2, 1, 1)


def test_flag_and_mapq_filters(tmp_path, human):
    site, _ = human
    base = fx.spliced_read(site, "r", site.window[0], 40, 40)
    flagged = {"dup": 0x400, "secondary": 0x100, "supplementary": 0x800, "qcfail": 0x200}
    reads = [{**base, "name": name, "flag": flag} for name, flag in flagged.items()]
    reads += [{**base, "name": "mapq5", "mapq": 5}, {**base, "name": "mapq10", "mapq": 10}, {**base, "name": "plain"}]
    assert counts(tmp_path, site, reads)[0] == 2
    for option in ("include_duplicates", "keep_secondary", "keep_supplementary", "keep_qcfail"):
        assert counts(tmp_path, site, reads, Options(**{option: True}), name=f"{option}.bam")[0] == 3
    assert counts(tmp_path, site, reads, Options(min_mapq=0), name="mapq0.bam")[0] == 3


def test_mouse_plus_strand_site(tmp_path):
    reference = fx.make_reference(tmp_path, "mouse", "+")
    site = locate(reference, use_cache=False)
    assert (site.organism, site.strand) == ("mouse", "+")
    u0, u1 = site.union
    reads = [fx.spliced_read(site, f"s{g}", g, 30, 30) for g, _ in site.placements[:3]]
    reads += [fx.unspliced_read(site, "u", u0 - 20, 70)]
    assert counts(tmp_path, site, reads) == (3, 1, 0)


@pytest.mark.parametrize("site_name,bam_name", [("22", "chr22"), ("chr22", "22")])
def test_chr_prefix_differences_are_bridged(tmp_path, site_name, bam_name):
    seq, _ = fx.xbp1_contig("human", "-")
    reference = fx.write_fasta(tmp_path / "ref.fa", {site_name: seq})
    site = locate(reference, use_cache=False)
    reads = [{**fx.spliced_read(site, "s", site.window[0], 40, 40), "contig": bam_name}]
    bam = fx.write_bam(tmp_path / "s.bam", {bam_name: len(seq)}, reads)
    assert quant_bulk(bam, site, "s")["spliced"] == 1


def test_cram_needs_and_uses_the_reference(tmp_path, human):
    site, reference = human
    reads = [fx.spliced_read(site, "s", site.window[0], 40, 40), fx.unspliced_read(site, "u", site.union[0] - 20, 70)]
    cram = fx.write_bam(tmp_path / "s.cram", site.contigs, reads, reference=reference)
    assert quant_bulk(cram, site, "s", reference=reference)["informative"] == 2
    with pytest.raises(InputError, match="CRAM.*--reference"):
        quant_bulk(cram, site, "s")


def test_empty_bam_reports_no_reads_with_empty_fraction(tmp_path, human):
    site, _ = human
    bam = fx.write_bam(tmp_path / "empty.bam", site.contigs, [])
    row = quant_bulk(bam, site, "empty")
    assert (row["informative"], row["status"]) == (0, "no_reads")
    empty = (
        "fraction_spliced",
        "ci_low",
        "ci_high",
        "log2_spliced_ratio",
        "molecular_fraction",
        "molecular_ci_low",
        "molecular_ci_high",
        "detection_ratio",
    )
    assert all(math.isnan(row[c]) for c in empty)
    write_rows([row], BULK_COLUMNS, tmp_path / "out.tsv")
    assert (tmp_path / "out.tsv").read_text().splitlines()[1] == "empty\t0\t0\t0\t0" + "\t" * 8 + "\tno_reads"


def test_unmapped_reads_are_scanned_only_on_request(tmp_path, human):
    site, _ = human
    u0, u1 = site.union
    spliced = fx.spliced_seq(site, u0 - 40, u1 + 40)
    reads = [
        fx.read("unplaced_spliced", -1, "", revcomp(spliced), flag=0x4),
        fx.read("unplaced_unspliced", -1, "", site.bases(u0 - 40, u1 + 40), flag=0x4),
        fx.read("unplaced_other", -1, "", fx.background(80, 11), flag=0x4),
        {**fx.read("placed_spliced", u0 - 500, "", spliced, flag=0x4), "mapq": 0},
    ]
    assert counts(tmp_path, site, reads) == (0, 0, 0)
    assert counts(tmp_path, site, reads, Options(scan_unmapped=True), name="scan.bam") == (2, 1, 0)


def test_missing_index_is_explained_and_nothing_is_written_beside(tmp_path, human):
    site, _ = human
    inputs = tmp_path / "inputs"
    inputs.mkdir()
    bam = fx.write_bam(
        inputs / "s.bam", site.contigs, [fx.spliced_read(site, "s", site.window[0], 40, 40)], index=False
    )
    with pytest.raises(InputError, match="samtools index"):
        quant_bulk(bam, site, "s")
    assert os.listdir(inputs) == ["s.bam"]
    elsewhere = tmp_path / "s.bam.bai"
    pysam.index(str(bam), str(elsewhere))
    assert quant_bulk(bam, site, "s", indexes=[elsewhere])["spliced"] == 1


def test_unsorted_and_truncated_bams_are_rejected(tmp_path, human):
    site, _ = human
    reads = [fx.unspliced_read(site, f"u{i}", site.union[0] - 20 - i, 70) for i in range(50)]
    unsorted = fx.write_bam(tmp_path / "unsorted.bam", site.contigs, reads, index=False, sort_order="unsorted")
    with pytest.raises(InputError, match="not by coordinate.*samtools sort"):
        quant_bulk(unsorted, site, "s")
    good = fx.write_bam(tmp_path / "good.bam", site.contigs, reads)
    truncated = tmp_path / "truncated.bam"
    truncated.write_bytes(good.read_bytes()[:-60])
    os.link(f"{good}.bai", f"{truncated}.bai")
    with pytest.raises(InputError, match="truncated"):
        quant_bulk(truncated, site, "s")


def test_contigs_that_do_not_match_the_reference_are_listed(tmp_path, human):
    site, _ = human
    other = fx.write_bam(tmp_path / "other.bam", {"1": 800, "5": 5000}, [])
    with pytest.raises(InputError) as err:
        quant_bulk(other, site, "s")
    assert "BAM contigs: 1, 5" in str(err.value) and "Reference contigs: 1, 22" in str(err.value)
    longer = fx.write_bam(tmp_path / "longer.bam", {"1": 800, "22": site.contig_length + 1}, [])
    with pytest.raises(InputError, match="disagree on contig 22"):
        quant_bulk(longer, site, "s")
