"""Demo generator: deterministic, a correct XBP1 reference, FASTQ that agrees with the planted truth."""

import functools
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
import pytest
from sklearn.metrics import roc_auc_score

from ire1seq.demo.__main__ import main
from ire1seq.demo.dna import decode, encode, reverse_complement
from ire1seq.demo.xbp1 import find_site, probes

REPO = Path(__file__).resolve().parents[1]
SCALE = "0.03"
# Literal sequences from the shared reference-data (mRNA sense): the 26-nt intron with 16 nt of
# flank each side, and the published XBP1s-specific primer TGCTGAGTCCGCAG|CAGGTG (PMID 22038282),
# which spans the spliced junction.
INTRON = {"human": "CAGCACTCAGACTACGTGCACCTCTG", "mouse": "CAGCACTCAGACTATGTGCACCTCTG"}
FLANKS = ("GGGTCTGCTGAGTCCG", "CAGCAGGTGCAGGCCC")
SPLICED_PRIMER = "TGCTGAGTCCGCAGCAGGTG"
XBP1_NAME = {"human": "XBP1", "mouse": "Xbp1"}


def run(root: Path, *options: str) -> Path:
    assert (
        main(
            [
                "--out",
                str(root / "resources" / "demo"),
                "--sheets",
                str(root / "config"),
                "--workdir",
                str(root),
                *options,
            ]
        )
        == 0
    )
    return root


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return run(tmp_path_factory.mktemp("demo_a"), "--scale", SCALE)


def files(root: Path, only: tuple[str, ...] = ()) -> dict[str, bytes]:
    """Relative path -> bytes of every file under root (or under its subdirectories `only`)."""
    paths = [p for part in only for p in (root / part).rglob("*")] if only else root.rglob("*")
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(paths) if p.is_file()}


def rc(seq: str) -> str:
    return decode(reverse_complement(encode(seq)))


def test_two_runs_write_identical_bytes(demo, tmp_path):
    again = files(run(tmp_path, "--scale", SCALE))
    first = files(demo)
    assert any(name.endswith("fastq.gz") for name in first)
    assert sorted(again) == sorted(first)
    assert [name for name in first if first[name] != again[name]] == []


def test_without_fastq_the_truth_is_unchanged(demo, tmp_path):
    run(tmp_path, "--scale", SCALE, "--no-fastq")
    assert not (tmp_path / "resources" / "demo" / "fastq").exists()
    truth = files(tmp_path / "resources" / "demo" / "truth")
    assert truth == files(demo / "resources" / "demo" / "truth")


def gtf(path: Path) -> pd.DataFrame:
    names = ["contig", "source", "feature", "start", "end", "score", "strand", "frame", "attributes"]
    table = pd.read_csv(path, sep="\t", comment="#", header=None, names=names)
    return table.assign(gene_name=table["attributes"].str.extract(r'gene_name "([^"]+)"', expand=False))


@pytest.mark.parametrize("organism, strand", [("human", "-"), ("mouse", "+")])
def test_xbp1_intron_lies_unannotated_inside_exon4_once_per_genome(demo, organism, strand):
    reference = demo / "resources" / "demo" / "reference"
    table = gtf(reference / f"{organism}.gtf")
    exons = table[(table["feature"] == "exon") & (table["gene_name"] == XBP1_NAME[organism])]
    assert set(exons["strand"]) == {strand} and len(exons) == 5
    probe = FLANKS[0] + INTRON[organism] + FLANKS[1]
    hits = []
    with pysam.FastaFile(str(reference / f"{organism}.fa")) as fasta:
        for contig in fasta.references:
            sequence = fasta.fetch(contig)
            assert SPLICED_PRIMER not in sequence and rc(SPLICED_PRIMER) not in sequence
            for hit_strand, pattern in (("+", probe), ("-", rc(probe))):
                position = sequence.find(pattern)
                while position >= 0:
                    hits.append((contig, hit_strand, position))
                    position = sequence.find(pattern, position + 1)
    assert len(hits) == 1
    contig, hit_strand, position = hits[0]
    intron_start = position + 1 + len(FLANKS[0 if strand == "+" else 1])  # 1-based, on the contig
    intron_end = intron_start + len(INTRON[organism]) - 1
    exon4 = exons.iloc[3]  # GTF exons are in transcript order
    assert (contig, hit_strand) == (exon4["contig"], strand)
    assert exon4["start"] + 16 <= intron_start and intron_end + 16 <= exon4["end"]
    bounds = np.sort(exons[["start", "end"]].to_numpy().ravel())
    assert (bounds[2::2] - bounds[1:-1:2] - 1 >= 150).all()  # annotated introns: only the canonical ones


def test_human_xbp1_carries_the_real_primer_sites(demo):
    """Published RT-PCR primers (CCTTGTAGTTGAGAACCAGG / GGGGCTTGGTATATATGTGG) give the 442-bp
    unspliced product on the demo XBP1 transcript: the real sequence went in unchanged."""
    transcripts = demo / "resources" / "demo" / "reference" / "human.transcripts.fa"
    with pysam.FastxFile(str(transcripts)) as records:
        xbp1 = next(r.sequence for r in records if "gene_name=XBP1" in r.comment)
    forward, reverse = xbp1.find("CCTTGTAGTTGAGAACCAGG"), xbp1.find(rc("GGGGCTTGGTATATATGTGG"))
    assert forward >= 0 and reverse + 20 - forward == 442


@functools.cache
def fastq_reads(path: Path) -> dict[str, str]:
    """Read name (without @) -> sequence (cached: several tests scan the same files)."""
    with gzip.open(path, "rt") as handle:
        lines = handle.read().split("\n")
    return dict(zip((name[1:] for name in lines[::4]), lines[1::4]))


def read_names_with(path: Path, patterns: list[str]) -> set[str]:
    return {name for name, seq in fastq_reads(path).items() if any(p in seq for p in patterns)}


def site_probes(demo: Path, organism: str) -> dict[str, list[str]]:
    transcripts = demo / "resources" / "demo" / "reference" / f"{organism}.transcripts.fa"
    with pysam.FastxFile(str(transcripts)) as records:
        xbp1 = next(r.sequence for r in records if f"gene_name={XBP1_NAME[organism]}" in r.comment)
    site = find_site(encode(xbp1), xbp1.find(INTRON[organism]))
    return {kind: [decode(p) for p in found] for kind, found in probes(encode(xbp1), site).items()}


def test_bulk_fastq_agrees_with_site_truth(demo):
    """Fragments whose reads contain the spliced / unspliced junction sequence = truth's site counts
    (a few lost to the 0.1% sequencing errors)."""
    units = pd.read_csv(demo / "config" / "units.tsv", sep="\t", dtype=str).query("chemistry != '10xv3'")
    samples = pd.read_csv(demo / "config" / "samples.tsv", sep="\t").set_index("sample")
    truth = pd.read_csv(demo / "resources" / "demo" / "truth" / "xbp1.tsv", sep="\t").set_index("sample")
    seen = pd.DataFrame(0, index=units["sample"].unique(), columns=["site_spliced", "site_unspliced"])
    for organism in ("human", "mouse"):
        found = site_probes(demo, organism)
        for sample, sample_units in units[units["sample"].map(samples["organism"]) == organism].groupby("sample"):
            for column, kind in (("site_spliced", "spliced"), ("site_unspliced", "unspliced")):
                patterns = found[kind] + [rc(p) for p in found[kind]]
                names = set()
                for fq in sample_units[["fq1", "fq2"]].stack():
                    names |= read_names_with(demo / fq, patterns)
                seen.loc[sample, column] = len(names)
    expected = truth.loc[seen.index, seen.columns]
    assert (seen <= expected).all().all()
    assert (seen.sum() >= 0.9 * expected.sum()).all() and expected.sum().min() > 50


def test_library_strandedness(demo):
    """Human read 1 is antisense to XBP1 (dUTP); mouse bulk mixes both; 10x read 2 is sense."""

    def orientations(fq: Path, organism: str) -> tuple[int, int]:
        found = sum(site_probes(demo, organism).values(), [])
        return len(read_names_with(fq, found)), len(read_names_with(fq, [rc(p) for p in found]))

    fastq = demo / "resources" / "demo" / "fastq"
    human_sense, human_anti = np.sum([orientations(fq, "human") for fq in fastq.glob("P*_R1.fastq.gz")], axis=0)
    mouse_sense, mouse_anti = np.sum([orientations(fq, "mouse") for fq in fastq.glob("DRG*_R1.fastq.gz")], axis=0)
    sc_sense, sc_anti = np.sum(
        [orientations(fq, "mouse") for fq in (fastq.parent / "sc_fastq").glob("*_R2.fastq.gz")], axis=0
    )
    assert human_sense == 0 and human_anti > 200
    assert min(mouse_sense, mouse_anti) > 0.35 * (mouse_sense + mouse_anti)
    assert sc_anti == 0 and sc_sense > 50


def test_sc_molecules_agree_with_cell_truth(demo):
    """R1 = whitelisted barcode + UMI; molecules (CB+UMI) whose R2 spans the site match cells.tsv."""
    whitelist = set((demo / "resources" / "demo" / "sc" / "whitelist.txt").read_text().split())
    cells = pd.read_csv(demo / "resources" / "demo" / "truth" / "cells.tsv", sep="\t").set_index("barcode")
    found = site_probes(demo, "mouse")
    sc = demo / "resources" / "demo" / "sc_fastq"
    observed, expected = [], []
    for sample, truth in cells.groupby("sample"):
        r1, r2 = (fastq_reads(sc / f"{sample}_L1_R{mate}.fastq.gz") for mate in (1, 2))
        barcodes = {seq[:16] for seq in r1.values()}
        assert {len(seq) for seq in r1.values()} == {28} and barcodes <= whitelist
        assert barcodes == set(truth.index) and len(whitelist) == 5000
        for kind in ("spliced", "unspliced"):
            molecules = {r1[name] for name, seq in r2.items() if any(p in seq for p in found[kind])}
            per_cell = pd.Series([m[:16] for m in molecules]).value_counts()
            observed.append(per_cell.reindex(truth.index, fill_value=0))
            expected.append(truth[f"xbp1_{kind}"])
    observed, expected = pd.concat(observed), pd.concat(expected)
    assert (observed <= expected).all() and observed.sum() >= 0.95 * expected.sum() > 50


def test_whitelist_barcodes_differ_by_three_or_more(demo):
    text = (demo / "resources" / "demo" / "sc" / "whitelist.txt").read_text()
    codes = encode(text.replace("\n", "")).reshape(-1, 16).astype(np.uint32)
    packed = (codes << (2 * np.arange(16, dtype=np.uint32))).sum(axis=1, dtype=np.uint32)  # 2 bits per base
    assert len(np.unique(packed)) == len(packed) == 5000
    for first in range(0, len(packed), 1000):
        diff = packed[first : first + 1000, None] ^ packed[None, :]
        mismatches = np.bitwise_count((diff | diff >> 1) & 0x55555555)  # one bit per differing base
        mismatches[np.arange(mismatches.shape[0]), np.arange(first, first + mismatches.shape[0])] = 16
        assert mismatches.min() >= 3


def read_sheet(demo: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(demo / "config" / f"{name}.tsv", sep="\t", dtype=str, keep_default_na=False)


def test_sheets_reference_existing_files_and_each_other(demo):
    samples, units, clinical = (read_sheet(demo, name) for name in ("samples", "units", "clinical"))
    paths = [p for p in units[["fq1", "fq2"]].to_numpy().ravel() if p]
    assert paths and all((demo / p).is_file() for p in paths)
    assert set(units["sample"]) == set(samples["sample"]) and samples["sample"].is_unique
    units = units.merge(samples, on="sample")
    assert sorted(units.groupby("sample").size().value_counts().items()) == [(1, 141), (2, 2)]
    human = units[units["organism"] == "human"]
    assert len(human) == 115 and set(human["visit"]) == {"baseline", "cycle1", "cycle2", "cycle3"}
    assert set(human["strandedness"]) == {"reverse"}
    assert set(human.loc[human["fq2"] == "", "subject"]) == {f"P{i}" for i in range(25, 31)}
    mouse = units[(units["organism"] == "mouse") & (units["assay"] == "bulk")]
    assert set(mouse["strandedness"]) == {"auto"} and (mouse["fq2"] != "").all()
    sc = units[units["assay"] == "sc"]
    assert set(sc["strandedness"]) == {"forward"} and set(sc["chemistry"]) == {"10xv3"} and len(sc) == 4
    visits = set(zip(clinical["subject"], clinical["visit"]))
    assert set(zip(human["subject"], human["visit"])) <= visits
    assert clinical["subject"].nunique() == 30


def test_planted_outcomes_traps_and_effects(demo):
    truth = demo / "resources" / "demo" / "truth"
    patients = pd.read_csv(truth / "patients.tsv", sep="\t").set_index("subject")
    emergent = patients[patients["preexisting"] == 0]
    assert emergent["grade_ge2"].notna().all() and 0.35 <= emergent["grade_ge2"].mean() <= 0.55
    assert roc_auc_score(emergent["grade_ge2"], emergent["cycle2_fraction"]) >= 0.8
    clinical = pd.read_csv(demo / "config" / "clinical.tsv", sep="\t")
    grades = clinical.pivot(index="subject", columns="visit", values="ctcae_sensory_grade")
    assert (grades.max(axis=1) == patients["peak_grade"]).all()
    assert set(grades.index[grades["baseline"] >= 2]) == set(patients.index[patients["preexisting"] == 1])
    assert patients["preexisting"].sum() == 2 and (patients["onset_visit"] == "cycle1").sum() >= 2
    for subject, onset in emergent["onset_visit"].dropna().items():  # first visit after baseline at grade ≥ 2
        ordered = clinical[clinical["subject"] == subject].sort_values("day").set_index("visit")
        assert ordered.index[ordered["ctcae_sensory_grade"].to_numpy() >= 2][0] == onset
    samples = set(pd.read_csv(demo / "config" / "samples.tsv", sep="\t")["sample"])
    absent = pd.concat([patients["missed_visit"], patients["missing_draw"]]).dropna()
    assert len(absent) == 6 and not {f"{s}_{v}" for s, v in absent.items()} & samples
    xbp1 = pd.read_csv(truth / "xbp1.tsv", sep="\t").set_index("sample")
    informative = xbp1["site_spliced"] + xbp1["site_unspliced"]
    low = [f"{s}_{v}" for s, v in patients["low_coverage_draw"].dropna().items()]
    assert len(low) == 3 and (informative[low] < 10).all()
    assert (clinical.groupby("subject")["cum_dose_mg_m2"].diff().dropna() >= 0).all()
    assert clinical["cipn20_q50"].isna().all() and clinical.loc[clinical["driver"] == 0, "cipn20_q49"].isna().all()
    de = pd.read_csv(truth / "de.tsv", sep="\t").set_index(["contrast", "gene_name"])["planted_log2fc"]
    assert de["paclitaxel_vs_vehicle_WT", "Tnf"] == 2 and de["paclitaxel_vs_vehicle_WT", "Bloc1s1"] == -1
    assert de["knockout_abolishes_paclitaxel", "Ptgs2"] == -2 and de["inhibitor_abolishes_paclitaxel", "Ptgs2"] == -2
    assert de["paclitaxel_vs_vehicle_WT", "Il10"] == 0 and de["sc_macrophage_paclitaxel_vs_vehicle", "Dnajb9"] == 0
    assert 0.5 < de["cycle1_vs_baseline", "TNF"] < 1.2 and de["cycle1_vs_baseline", "ACTB"] == 0


def test_committed_demo_matches_the_generator(tmp_path):
    """resources/demo (references, truth, whitelist) is what the generator writes at full scale."""
    run(tmp_path, "--no-fastq")
    parts = ("reference", "truth", "sc")
    fresh, stored = files(tmp_path / "resources" / "demo", parts), files(REPO / "resources" / "demo", parts)
    assert sorted(stored) == sorted(fresh) and [name for name in fresh if fresh[name] != stored[name]] == []
