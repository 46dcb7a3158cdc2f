"""XBP1 straight from FASTQ: hand-built reads with exact classes, simulated cohorts at known
fractions (the demo generator, 0.5% errors), agreement with `xbp1 quant` on STAR BAMs, bad input."""

import gzip
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from ire1seq.cli import main
from ire1seq.demo import bulk, singlecell
from ire1seq.demo.bulk import BulkSample, simulate_bulk
from ire1seq.demo.genes import CATALOGUE
from ire1seq.demo.genome import build_genome
from ire1seq.demo.reference import write_reference
from ire1seq.demo.transcriptome import transcriptome
from ire1seq.errors import InputError
from ire1seq.xbp1 import fastq_scan
from ire1seq.xbp1.alignments import Options
from ire1seq.xbp1.fastq import quant_fastq, quant_fastq_cells
from ire1seq.xbp1.locate import locate, organism_site
from ire1seq.xbp1.quant import quant_bulk
from ire1seq.xbp1.site import INTRON, revcomp, write_site

M = 8  # min_overhang


@pytest.fixture(scope="module")
def site():
    return organism_site("human")


def spliced(site, left, right):
    """Spliced-molecule bases: `left` before the union, the repeat, `right` after it."""
    u0, u1 = site.union
    return site.bases(u0 - left, u0) + site.bases(site.window[0] + INTRON, u1 + right)


def write_fastq(path, reads, names=None, gz=True):
    names = names or [f"r{i}" for i in range(len(reads))]
    text = "".join(f"@{n} extra\n{s}\n+\n{'I' * len(s)}\n" for n, s in zip(names, reads))
    with (gzip.open if gz else open)(path, "wt") as out:
        out.write(text)
    return path


def classes(tmp_path, site, r1, r2=None, **kwargs):
    fq1 = write_fastq(tmp_path / "r1.fq.gz", r1)
    fq2 = write_fastq(tmp_path / "r2.fq.gz", r2) if r2 is not None else None
    row = quant_fastq(fq1, fq2, site, "s", **kwargs)
    return row["spliced"], row["unspliced"], row["ambiguous"]


def mutate(seq, position):
    return seq[:position] + {"A": "C", "C": "G", "G": "T", "T": "A"}[seq[position]] + seq[position + 1 :]


# --- definitions on hand-built reads --------------------------------------------------------


def test_junction_with_overhang_on_each_side_is_spliced_on_either_strand(tmp_path, site):
    junction = spliced(site, 30, 30)
    reads = [junction, revcomp(junction), spliced(site, M, M), spliced(site, M - 1, 30), spliced(site, 30, M - 1)]
    assert classes(tmp_path, site, reads) == (3, 0, 0)


def test_unspliced_needs_core_and_reach_beyond_the_union(tmp_path, site):
    (u0, u1), (c0, c1) = site.union, site.core
    reads = [
        site.bases(u0 - 30, u1 + 30),  # across the whole intron
        revcomp(site.bases(u0 - M, c0 + M)),  # exactly the left probe
        site.bases(c1 - M, u1 + M),  # exactly the right probe
        site.bases(u0 - M, c0 + M - 1),  # one core base short
        site.bases(u0 - M + 1, c0 + M),  # one base short of the reach
        site.bases(c0 + 2, c1 - 2),  # inside the core only
    ]
    assert classes(tmp_path, site, reads) == (0, 3, 0)


def test_one_mismatch_is_tolerated_two_are_not(tmp_path, site):
    probe = spliced(site, M, M)
    one = [mutate(probe, i) for i in range(len(probe))]
    two = [mutate(mutate(probe, i), len(probe) - 1 - i) for i in range(len(probe) // 2 - 1)]
    with_n = [probe[:5] + "N" + probe[6:], probe.lower()]
    assert classes(tmp_path, site, one + with_n) == (len(one) + 2, 0, 0)
    assert classes(tmp_path, site, two) == (0, 0, 0)


def test_mates_combine_and_disagreeing_mates_are_ambiguous(tmp_path, site):
    (u0, u1) = site.union
    junction, across = spliced(site, 20, 20), site.bases(u0 - 20, u1 + 20)
    filler = "ACGT" * 10
    r1 = [junction, junction, filler, junction]
    r2 = [revcomp(junction), filler, revcomp(across), revcomp(across)]
    assert classes(tmp_path, site, r1, r2) == (2, 1, 1)


def test_min_overhang_is_honoured(tmp_path, site):
    reads = [spliced(site, 12, 12), spliced(site, 10, 30)]
    assert classes(tmp_path, site, reads, min_overhang=12) == (1, 0, 0)
    with pytest.raises(InputError, match="min-overhang 3"):
        classes(tmp_path, site, reads, min_overhang=3)


def test_records_split_across_blocks_and_longer_than_a_block(tmp_path, site, monkeypatch):
    rng = np.random.default_rng(1)
    background = ["".join(rng.choice(list("ACGT"), rng.integers(30, 300))) for _ in range(400)]
    junction, across = spliced(site, 40, 40), site.bases(site.union[0] - 40, site.union[1] + 40)
    r1 = background[:200] + [junction] * 7 + background[200:] + [across * 30]  # last read > a block
    r2 = [revcomp(s) for s in r1]
    monkeypatch.setattr(fastq_scan, "BLOCK", 997)
    assert classes(tmp_path, site, r1, r2) == (7, 1, 0)


# --- simulated libraries at known fractions (demo generator, 0.5% errors) --------------------


@pytest.fixture(scope="module")
def transcriptomes():
    return {organism: transcriptome(build_genome(organism)) for organism in ("human", "mouse")}


def simulate(directory, organism, paired, fraction, tx, monkeypatch):
    """One library with XBP1 boosted; returns (truth, fq1, fq2)."""
    monkeypatch.setattr(bulk, "ERROR_RATE", 0.005)
    means = np.array([4000.0 if g.category == "xbp1" else g.level for g in CATALOGUE[organism]])
    name = f"{organism}_{'pe' if paired else 'se'}"
    truth = simulate_bulk(BulkSample(name, organism, means, fraction, paired, "none"), tx, directory)
    fq = [directory / bulk.fastq_name(name, "L1", mate) for mate in (1, 2)]
    return truth, fq[0], fq[1] if paired else None


CASES = [("human", False, 0.1), ("human", True, 0.35), ("mouse", False, 0.6), ("mouse", True, 0.2)]


@pytest.mark.parametrize("organism,paired,fraction", CASES)
def test_simulated_reads_give_the_planted_counts(tmp_path, transcriptomes, monkeypatch, organism, paired, fraction):
    truth, fq1, fq2 = simulate(tmp_path, organism, paired, fraction, transcriptomes[organism], monkeypatch)
    row = quant_fastq(fq1, fq2, organism_site(organism), "s")
    spliced_true, unspliced_true = truth["site_spliced"], truth["site_unspliced"]
    realized = spliced_true / (spliced_true + unspliced_true)
    assert row["ci_low"] <= realized <= row["ci_high"]
    # ~0.5% of reads carry 2 errors within a 22-nt probe; nothing is gained or misclassified
    assert 0.98 * spliced_true - 2 <= row["spliced"] <= spliced_true
    assert 0.98 * unspliced_true - 2 <= row["unspliced"] <= unspliced_true
    assert row["ambiguous"] <= 2


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("STAR") is None, reason="STAR is not installed")
@pytest.mark.parametrize("organism,paired,fraction", CASES)
def test_fastq_and_star_bam_readouts_agree(tmp_path, transcriptomes, monkeypatch, organism, paired, fraction):
    genome = build_genome(organism)
    write_reference(genome, tmp_path / "ref")
    fasta, gtf = tmp_path / "ref" / f"{organism}.fa", tmp_path / "ref" / f"{organism}.gtf"
    site = locate(fasta, use_cache=False)
    write_site(site, tmp_path / "site.json")
    index, out = tmp_path / "star", tmp_path / "aln"
    index.mkdir()
    subprocess.run(
        ["STAR", "--runMode", "genomeGenerate", "--genomeDir", index, "--genomeFastaFiles", fasta, "--sjdbGTFfile", gtf,
         "--sjdbFileChrStartEnd", tmp_path / "site.sjdb.tsv", "--sjdbOverhang", "99", "--genomeSAindexNbases", "8",
         "--runThreadN", "2", "--outFileNamePrefix", f"{tmp_path}/idx_"],
        check=True, capture_output=True,
    )  # fmt: skip
    truth, fq1, fq2 = simulate(tmp_path, organism, paired, fraction, transcriptomes[organism], monkeypatch)
    subprocess.run(
        ["STAR", "--genomeDir", index, "--readFilesIn", fq1, *([fq2] if fq2 else []), "--readFilesCommand", "gzip -cd",
         "--outSAMtype", "BAM", "SortedByCoordinate", "--outSAMunmapped", "Within", "--runThreadN", "2",
         "--outFileNamePrefix", f"{out}_"],
        check=True, capture_output=True,
    )  # fmt: skip
    bam = f"{out}_Aligned.sortedByCoord.out.bam"
    subprocess.run(["samtools", "index", bam], check=True)
    from_bam = quant_bulk(bam, site, "s", Options())
    from_fastq = quant_fastq(fq1, fq2, site, "s")
    assert from_bam["ci_low"] <= from_fastq["fraction_spliced"] <= from_bam["ci_high"]
    assert from_fastq["ci_low"] <= from_bam["fraction_spliced"] <= from_fastq["ci_high"]
    assert from_fastq["spliced"] >= from_bam["spliced"] - 2  # no spliced read lost to an aligner
    assert from_fastq["informative"] >= 0.97 * from_bam["informative"]


# --- per cell -------------------------------------------------------------------------------


def test_per_cell_counts_umis_by_majority_with_barcode_correction(tmp_path, site):
    junction, across = spliced(site, 30, 30), site.bases(site.union[0] - 30, site.union[1] + 30)
    a, b, c = "AAAACCCCGGGGTTTT", "CCCCAAAATTTTGGGG", "GGGGTTTTAAAACCCC"
    umi1, umi2 = "A" * 12, "C" * 12
    # cell a: one spliced UMI read twice, one unspliced; b: one UMI split 1:1; c: one error in
    # the barcode (corrected); an unlisted barcode (dropped)
    r1 = [a + umi1, a + umi1, a + umi2, b + umi1, b + umi1, mutate(c, 3) + umi1, "T" * 16 + umi1]
    r2 = [junction, junction, across, junction, across, revcomp(junction), junction]
    fq1 = write_fastq(tmp_path / "r1.fq.gz", r1)
    fq2 = write_fastq(tmp_path / "r2.fq.gz", r2)
    table = quant_fastq_cells(fq1, fq2, site, "s", barcodes=[a + "-1", b + "-1", c + "-1"])
    assert [list(row.values())[:5] for row in table] == [
        ["s", a + "-1", 1, 1, 0],
        ["s", b + "-1", 0, 0, 1],
        ["s", c + "-1", 1, 0, 0],
    ]
    # 2 spliced UMIs from 3 reads of 66 nt (45 positions each), 1 unspliced UMI from 1 read of 92 nt
    # (97 positions): ρ = (2 / (3 / 45)) / (1 / (1 / 97))
    assert all(row["detection_ratio"] == pytest.approx(30 / 97) for row in table)
    unlisted = quant_fastq_cells(fq1, fq2, site, "s")
    assert [row["barcode"] for row in unlisted] == sorted({s[:16] for s in r1})


# --- bad input --------------------------------------------------------------------------------


def pair_files(tmp_path, site, n=50):
    reads = [spliced(site, 20, 20)] * n
    return write_fastq(tmp_path / "a_R1.fq.gz", reads), write_fastq(tmp_path / "a_R2.fq.gz", reads)


def test_truncated_gzip_names_the_file_and_line(tmp_path, site):
    fq1, _ = pair_files(tmp_path, site, 5000)
    data = fq1.read_bytes()
    cut = tmp_path / "cut.fq.gz"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match=r"cut\.fq\.gz is truncated.*after line \d+"):
        quant_fastq(cut, None, site, "s")
    assert fq1.read_bytes() == data  # inputs are never modified


def test_mates_of_different_lengths_or_names_are_rejected(tmp_path, site):
    fq1, fq2 = pair_files(tmp_path, site)
    short = write_fastq(tmp_path / "short.fq.gz", [spliced(site, 20, 20)] * 49)
    with pytest.raises(
        InputError, match=r"different numbers of reads.*short\.fq\.gz ends after 49 reads \(line 196\).*line 197"
    ):
        quant_fastq(fq1, short, site, "s")
    renamed = write_fastq(
        tmp_path / "renamed.fq.gz",
        [spliced(site, 20, 20)] * 50,
        [f"r{i}" for i in range(30)] + [f"x{i}" for i in range(20)],
    )
    with pytest.raises(InputError, match=r"renamed\.fq\.gz disagree at line 121: read names differ"):
        quant_fastq(fq1, renamed, site, "s")
    slash = write_fastq(tmp_path / "slash.fq.gz", [spliced(site, 20, 20)] * 50, [f"r{i}/2" for i in range(50)])
    assert quant_fastq(fq1, slash, site, "s")["spliced"] == 50


def test_files_that_are_not_fastq_name_the_line(tmp_path, site):
    fasta = tmp_path / "ref.fa"
    fasta.write_text(">chr1\nACGT\n")
    with pytest.raises(InputError, match=r"ref\.fa: line 1 does not start with '@'"):
        quant_fastq(fasta, None, site, "s")
    broken = tmp_path / "broken.fq"
    broken.write_text("@a\nACGT\n+\nIIII\n@b\nACGT\n+\nIII\n@c\nACGT\n+\nIIII\n")
    with pytest.raises(InputError, match=r"broken\.fq: line 8 has a quality line whose length differs"):
        quant_fastq(broken, None, site, "s")
    cut = tmp_path / "cut.fq"
    cut.write_text("@a\nACGT\n+\nIIII\n@b\nACG")
    with pytest.raises(InputError, match=r"cut\.fq ends in the middle of a read at line 5"):
        quant_fastq(cut, None, site, "s")
    with pytest.raises(InputError, match="does not exist"):
        quant_fastq(tmp_path / "missing.fq.gz", None, site, "s")


def test_cli_writes_the_quant_columns_and_reports_errors(tmp_path, site, capsys):
    fq1, fq2 = pair_files(tmp_path, site)
    out = tmp_path / "out.tsv"
    assert main(["xbp1", "fastq", str(fq1), str(fq2), "--organism", "human", "-o", str(out)]) == 0
    header, row = out.read_text().splitlines()
    assert header.split("\t")[:4] == ["sample", "spliced", "unspliced", "ambiguous"]
    assert row.split("\t")[:5] == ["a", "50", "0", "0", "50"]
    assert main(["xbp1", "fastq", str(fq1), str(tmp_path / "nope.fq.gz"), "--organism", "human"]) == 2
    assert "nope.fq.gz does not exist" in capsys.readouterr().err


def test_per_cell_on_simulated_10x_reads_matches_the_planted_molecules(tmp_path, transcriptomes):
    whitelist = singlecell.make_whitelist()
    cells = singlecell.draw_cells("sc1", 0.3, whitelist)
    truth = singlecell.simulate_sc("sc1", "paclitaxel", cells, transcriptomes["mouse"], tmp_path)
    fq1, fq2 = (tmp_path / bulk.fastq_name("sc1", "L1", mate) for mate in (1, 2))
    table = pd.DataFrame(
        quant_fastq_cells(fq1, fq2, organism_site("mouse"), "sc1", chemistry="10xv3", barcodes=list(truth["barcode"]))
    )
    assert table["spliced"].tolist() == truth["xbp1_spliced"].tolist()
    assert table["unspliced"].tolist() == truth["xbp1_unspliced"].tolist()
    assert table["spliced"].sum() > 50
