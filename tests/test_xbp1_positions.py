"""Molecule-level XBP1 splicing: informative positions derived from the geometry equal what the
classifiers call, and the molecular fraction recovers the planted fraction at every read length."""

import math

import pysam
import pytest
import xbp1_bams as fx

from ire1seq.xbp1 import simulate
from ire1seq.xbp1.cells import quant_cells
from ire1seq.xbp1.classify import NEITHER, SPLICED, UNSPLICED, Geometry, classify_read, classify_sequence
from ire1seq.xbp1.fastq import quant_fastq
from ire1seq.xbp1.locate import locate
from ire1seq.xbp1.positions import detection_ratio, read_starts
from ire1seq.xbp1.quant import quant_bulk
from ire1seq.xbp1.stats import molecular, pooled_ratio, readout, wilson

PLANTED = 0.40


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    fasta = fx.make_reference(tmp_path_factory.mktemp("ref"), "human", "-")
    site = locate(fasta, use_cache=False)
    return site, fasta, simulate.Molecules.of(site, fasta)


def classified(molecules, site, g, spliced, start, length):
    """The class classify_read gives the read [start, start + length) of a molecule, truly aligned,
    and the class classify_sequence gives its bases."""
    header = pysam.AlignmentHeader.from_dict({"SQ": [{"SN": n, "LN": n_len} for n, n_len in site.contigs.items()]})
    read = pysam.AlignedSegment(header)
    read.reference_id = list(site.contigs).index(site.contig)
    read.reference_start, read.cigarstring = molecules.alignment(spliced, start, length)
    read.query_sequence = molecules.bases(spliced, start, start + length)
    return classify_read(read, g, rescue=False), classify_sequence(read.query_sequence, g)


@pytest.mark.parametrize("overhang", [4, 8, 12, 20])  # up to the 20-nt core (beyond it BAM and FASTQ differ)
@pytest.mark.parametrize("length", [20, 22, 30, 46, 47, 48, 50, 76, 100, 151])
def test_positions_are_the_starts_the_classifiers_call(reference, length, overhang):
    """Every start around the site, on both molecules: the aligned read (CIGAR) and its sequence
    (FASTQ probes) are informative exactly at read_starts() positions."""
    site, _, molecules = reference
    g = Geometry.of(site, overhang)
    found = {SPLICED: [0, 0], UNSPLICED: [0, 0]}
    for spliced, cls in ((True, SPLICED), (False, UNSPLICED)):
        for start in range(site.union[0] - length - 40, site.union[1] + 40):
            by_cigar, by_sequence = classified(molecules, site, g, spliced, start, length)
            assert by_cigar in (NEITHER, cls) and by_sequence in (NEITHER, cls)
            found[cls][0] += by_cigar == cls
            found[cls][1] += by_sequence == cls
    expected = read_starts(g, length)
    assert found[SPLICED] == [expected[0]] * 2 and found[UNSPLICED] == [expected[1]] * 2


def test_positions_of_the_documented_example(reference):
    site, _, _ = reference
    g = Geometry.of(site, 8)
    assert read_starts(g, 100) == (79, 105)  # docs/xbp1.md and resources/demo/README.md
    assert read_starts(g, 50) == (29, 55) and read_starts(g, 150) == (129, 155)
    assert read_starts(g, 21) == (0, 0) and read_starts(g, 22) == (1, 2)


def test_ratio_from_units_and_read_lengths(reference):
    site, _, _ = reference
    g = Geometry.of(site, 8)
    # single-end 100 nt: every read is a unit, so ρ is the ratio of positions, 79 / 105
    assert detection_ratio(
        g, {SPLICED: 34, UNSPLICED: 66}, {(SPLICED, 100, 0): 34, (UNSPLICED, 100, 0): 66}
    ) == pytest.approx(79 / 105)
    # pairs of 100 nt whose 40 spliced and 60 unspliced fragments came from 50 and 90 informative reads
    reads = {(SPLICED, 100, 100): 50, (UNSPLICED, 100, 100): 90}
    assert detection_ratio(g, {SPLICED: 40, UNSPLICED: 60}, reads) == pytest.approx(
        (40 / (50 / 158)) / (60 / (90 / 210))
    )
    # one class absent: the other's read lengths say how it would be sampled
    assert detection_ratio(g, {SPLICED: 0, UNSPLICED: 5}, {(UNSPLICED, 100, 0): 5}) == pytest.approx(79 / 105)
    assert math.isnan(detection_ratio(g, {SPLICED: 0, UNSPLICED: 0}, {}))


def test_worked_example_of_the_docs():
    """docs/xbp1.md: 34 spliced and 66 unspliced single-end 100-nt fragments."""
    row = readout(34, 66, ratio=79 / 105)
    assert row["fraction_spliced"] == 0.34
    assert row["molecular_fraction"] == pytest.approx((34 / 79) / (34 / 79 + 66 / 105))
    low, high = wilson(34, 100)
    assert (row["molecular_ci_low"], row["molecular_ci_high"]) == (molecular(low, 79 / 105), molecular(high, 79 / 105))
    assert round(row["molecular_fraction"], 3) == 0.406 and row["ci_low"] < row["molecular_ci_low"]


def test_pooled_ratio_weights_spliced_units_of_each_sample():
    assert pooled_ratio([10, 10], [5, 5], [0.5, 0.5]) == pytest.approx(0.5)
    # 10 spliced at ρ 0.5 = 20 molecule-equivalents, 30 at ρ 0.75 = 40: ρ = 40 / 60
    assert pooled_ratio([10, 30], [1, 1], [0.5, 0.75]) == pytest.approx(40 / 60)
    assert pooled_ratio([0, 0], [1, 3], [0.5, 0.9]) == pytest.approx(0.8)
    assert math.isnan(pooled_ratio([1], [1], [float("nan")]))


@pytest.mark.parametrize("paired", [False, True], ids=["single", "paired"])
@pytest.mark.parametrize("length", [50, 100, 150])
def test_molecular_fraction_recovers_the_planted_fraction(tmp_path, reference, length, paired):
    """Reads from molecules 40% spliced at their true alignments: the fragment-level fraction is
    below 0.40 (more so for short reads), the molecular one within 0.02 with a 95% CI covering it."""
    site, _, molecules = reference
    # about 6,000 informative fragments each (molecular SE ~0.006, so 0.02 is > 3 SE)
    count = {
        (50, False): 20000,
        (100, False): 13000,
        (150, False): 10500,
        (50, True): 40000,
        (100, True): 20000,
        (150, True): 15000,
    }
    fragments = simulate.draw(
        molecules,
        fraction=PLANTED,
        fragments=count[length, paired],
        read_length=length,
        paired=paired,
        seed=length + paired,
    )
    bam = simulate.write_bam(molecules, site, fragments, length, paired, tmp_path / "reads.bam")
    row = quant_bulk(bam, site, "sim")
    assert row["fraction_spliced"] == row["spliced"] / row["informative"] < PLANTED - 0.02
    assert abs(row["molecular_fraction"] - PLANTED) < 0.02
    assert row["molecular_ci_low"] < PLANTED < row["molecular_ci_high"]


def test_fastq_mode_gives_the_bam_readout(tmp_path, reference):
    site, _, molecules = reference
    fragments = simulate.draw(molecules, fraction=PLANTED, fragments=3000, read_length=150, paired=True, seed=7)
    bam = simulate.write_bam(molecules, site, fragments, 150, True, tmp_path / "reads.bam")
    fq1, fq2 = simulate.write_fastq(molecules, fragments, 150, True, tmp_path / "reads")
    from_bam, from_fastq = quant_bulk(bam, site, "sim"), quant_fastq(fq1, fq2, site, "sim")
    assert from_bam == from_fastq


@pytest.mark.parametrize("reads_per_umi", [1, 20], ids=["sparse", "saturated"])
def test_per_cell_molecules_with_few_or_many_reads_per_umi(tmp_path, reference, reads_per_umi):
    """10x-style UMIs of 91-nt cDNA reads: with one read per UMI the UMI fraction is biased like a
    fragment fraction; with 20 both isoforms are seen almost surely (ρ near 1). The molecular
    fraction of the pooled cells recovers the planted fraction in both regimes."""
    site, _, molecules = reference
    reads = simulate.draw_umis(
        molecules,
        fraction=PLANTED,
        umis=12000 if reads_per_umi == 1 else 4000,
        reads_per_umi=reads_per_umi,
        read_length=91,
        seed=reads_per_umi,
    )
    tags = [{"CB": f"CELL{umi % 50:02d}", "UB": f"U{umi:08d}"} for umi, _ in reads]
    bam = simulate.write_bam(
        molecules, site, [fragment for _, fragment in reads], 91, False, tmp_path / "cells.bam", tags
    )
    rows = quant_cells(bam, site, "sc")
    spliced, unspliced = sum(r["spliced"] for r in rows), sum(r["unspliced"] for r in rows)
    pooled = readout(spliced, unspliced, ratio=rows[0]["detection_ratio"])
    assert abs(pooled["molecular_fraction"] - PLANTED) < 0.02
    assert pooled["molecular_ci_low"] < PLANTED < pooled["molecular_ci_high"]
    if reads_per_umi == 1:
        # ρ of one read per UMI would be 70 / 96 (91-nt positions); some UMIs have two reads
        assert pooled["fraction_spliced"] < PLANTED - 0.05 and 70 / 96 - 0.01 < rows[0]["detection_ratio"] < 0.9
    else:
        assert abs(pooled["fraction_spliced"] - PLANTED) < 0.03 and rows[0]["detection_ratio"] > 0.95


def test_anchored_reads_are_not_corrected(tmp_path, reference):
    """Targeted or amplicon reads all span the site: either isoform is seen alike, ρ = 1."""
    site, _, molecules = reference
    fragments = simulate.draw(molecules, fraction=PLANTED, fragments=2000, read_length=100, paired=False, seed=3)
    bam = simulate.write_bam(molecules, site, fragments, 100, False, tmp_path / "reads.bam")
    row = quant_bulk(bam, site, "sim", read_starts="anchored")
    assert row["detection_ratio"] == 1 and row["molecular_fraction"] == row["fraction_spliced"]
    tags = [{"CB": "CELL1", "UB": f"U{n}"} for n in range(len(fragments))]
    cells = quant_cells(
        simulate.write_bam(molecules, site, fragments, 100, False, tmp_path / "c.bam", tags),
        site,
        "sc",
        read_starts="anchored",
    )
    assert cells[0]["detection_ratio"] == 1
