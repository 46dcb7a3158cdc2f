"""Locating XBP1's 26-nt intron in a FASTA by sequence: strands, placements, junction files, cache."""

import gzip
import json
import os

import pysam
import pytest
import xbp1_bams as fx

from ire1seq.errors import InputError
from ire1seq.xbp1 import locate as locate_module
from ire1seq.xbp1.known import known_sites
from ire1seq.xbp1.locate import locate
from ire1seq.xbp1.site import INTRON, load_site, revcomp, write_site


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IRE1SEQ_CACHE_DIR", str(tmp_path / "cache"))


def spliced_by(seq, gap):
    return seq[:gap] + seq[gap + INTRON :]


@pytest.mark.parametrize("organism,strand", [("human", "-"), ("mouse", "+"), ("human", "+"), ("mouse", "-")])
def test_site_has_seven_equivalent_placements(tmp_path, organism, strand):
    seq, canonical = fx.xbp1_contig(organism, strand)
    reference = fx.write_fasta(tmp_path / "ref.fa", {"1": fx.background(500, 3), "22": seq})
    site = locate(reference, use_cache=False)
    assert (site.organism, site.contig, site.strand, site.canonical) == (organism, "22", strand, canonical)
    first, last = site.window
    assert last - first == 6
    assert len({spliced_by(seq, g) for g in range(first, last + 1)}) == 1
    assert spliced_by(seq, first - 1) != spliced_by(seq, first) != spliced_by(seq, last + 1)
    assert site.union == (first, last + INTRON) and site.core == (last, first + INTRON)
    assert site.core[1] - site.core[0] == 20
    assert site.bases(*site.union) == seq[first : last + INTRON]
    # the canonical CCG|CAG...CTG|CAG cut is the 2nd placement from the mRNA 5' end
    assert canonical == (first + 1 if strand == "+" else last - 1)


def test_human_minus_strand_junction_files(tmp_path):
    seq, _ = fx.xbp1_contig("human", "-")
    reference = fx.write_fasta(tmp_path / "ref.fa", {"chr22": seq})
    site = locate(reference)
    written = write_site(site, tmp_path / "out" / "human.json")
    assert [p.name for p in written] == ["human.json", "human.sjdb.tsv", "human.ss.tsv"]
    first = site.window[0]
    assert (tmp_path / "out" / "human.sjdb.tsv").read_text() == f"chr22\t{first + 1}\t{first + 26}\t-\n"
    assert (tmp_path / "out" / "human.ss.tsv").read_text() == f"chr22\t{first - 1}\t{first + 26}\t-\n"
    # removing the sjdb intron (1-based, inclusive) leaves the XBP1s junction, read on the minus strand
    left, _, right = fx.xbp1_window("human")
    assert left[-20:] + right[:20] in revcomp(spliced_by(seq, first))
    again = load_site(tmp_path / "out" / "human.json")
    assert again == site
    assert json.loads((tmp_path / "out" / "human.json").read_text())["placements"][0] == [first, first + 26]


def test_organism_choice_and_missing_site(tmp_path):
    reference = fx.make_reference(tmp_path, "mouse", "+")
    assert locate(reference, organism="mouse").organism == "mouse"
    with pytest.raises(InputError) as err:
        locate(reference, organism="human")
    message = str(err.value)
    assert "human" in message and known_sites()["human"].searched in message and str(reference) in message
    empty = fx.write_fasta(tmp_path / "none.fa", {"1": fx.background(3000, 9)})
    with pytest.raises(InputError, match="no XBP1 site found"):
        locate(empty)


def test_gzip_and_chunk_boundaries_give_the_same_site(tmp_path, monkeypatch):
    reference = fx.make_reference(tmp_path, "human", "-")
    expected = locate(reference, use_cache=False)
    packed = tmp_path / "ref.fa.gz"
    packed.write_bytes(gzip.compress(reference.read_bytes()))
    assert locate(packed, use_cache=False).window == expected.window
    for chunk in (997, 1601, 1650):  # headers and the seed split across reads
        monkeypatch.setattr(locate_module, "CHUNK", chunk)
        got = locate(reference, use_cache=False)
        assert (got.window, got.sequence, got.contigs) == (expected.window, expected.sequence, expected.contigs)


def test_cache_is_used_keyed_by_file_and_never_beside_input(tmp_path, monkeypatch):
    reference = fx.make_reference(tmp_path, "human", "-")
    before = sorted(os.listdir(tmp_path))
    first = locate(reference)
    monkeypatch.setattr(locate_module, "scan_fasta", lambda *a: pytest.fail("scanned although cached"))
    assert locate(reference) == first
    assert sorted(p for p in os.listdir(tmp_path) if p != "cache") == before
    os.utime(reference, ns=(1, 1))
    with pytest.raises(pytest.fail.Exception, match="scanned although cached"):
        locate(reference)


def test_builtin_grch38_coordinates_are_verified(tmp_path):
    """A chr22 of GRCh38's length with XBP1 where GRCh38 has it: fast path, same site as a scan."""
    window = revcomp("".join(fx.xbp1_window("human")))
    leftmost = 28796122 - 1  # builtin_sites.tsv, 0-based
    canonical = leftmost + 5  # minus strand: the canonical cut is the 6th placement on the plus strand
    start = canonical - 60
    length = 50818468
    seq = "N" * start + window + "N" * (length - start - len(window))
    reference = fx.write_fasta(tmp_path / "grch38.fa", {"chr22": seq}, width=80)
    scanned = locate(reference, use_cache=False)
    pysam.faidx(str(reference))
    fast = locate(reference, use_cache=False)
    assert fast.source == "builtin:GRCh38" and scanned.source == "scan"
    assert fast.window == scanned.window == (leftmost, leftmost + 6)
    assert fast.sequence == scanned.sequence
    moved = fx.write_fasta(tmp_path / "moved.fa", {"chr22": "N" * 100 + seq[: length - 100]}, width=80)
    pysam.faidx(str(moved))
    fallback = locate(moved, use_cache=False)
    assert fallback.source == "scan" and fallback.window == (leftmost + 100, leftmost + 106)


def test_primary_contig_wins_over_an_identical_alt_copy(tmp_path):
    seq, canonical = fx.xbp1_contig("human", "-")
    reference = fx.write_fasta(tmp_path / "ref.fa", {"chr22_KI270879v1_alt": seq, "chr22": seq})
    site = locate(reference, use_cache=False)
    assert (site.contig, site.canonical) == ("chr22", canonical)
    assert len(site.other_hits) == 1 and site.other_hits[0].startswith("human chr22_KI270879v1_alt:")
