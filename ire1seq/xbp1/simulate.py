"""Reads from XBP1 molecules at a planted spliced fraction: true alignments (BAM) and FASTQ.

For tests and benchmarks of the molecular fraction (tests/test_xbp1_positions.py,
bench/xbp1_molecular). Fragments start uniformly (in molecule coordinates) over a window wide
enough that every read informative at the site can occur; each comes from a spliced molecule with
the planted probability. Reads are error-free and aligned where they truly lie (the 26-nt gap as
`N` at the canonical placement), so the counts measure the estimator, not an aligner.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pysam

from ire1seq.xbp1.site import INTRON, Site, revcomp

PAIRED, PROPER, REVERSE, MATE_REVERSE, FIRST, SECOND = 0x1, 0x2, 0x10, 0x20, 0x40, 0x80


@dataclass(frozen=True)
class Fragment:
    spliced: bool
    start: int  # molecule coordinates (spliced molecules: the reference with the gap removed)
    size: int


@dataclass(frozen=True)
class Molecules:
    """The unspliced molecule (a reference contig around the site) and where the gap is cut."""

    contig: str
    sequence: str  # the contig's bases (unspliced molecule)
    cut: int  # canonical gap start

    @classmethod
    def of(cls, site: Site, fasta) -> "Molecules":
        with pysam.FastaFile(str(fasta)) as handle:
            sequence = handle.fetch(site.contig).upper()
        return cls(site.contig, sequence, site.canonical)

    def bases(self, spliced: bool, start: int, end: int) -> str:
        if not spliced:
            return self.sequence[start:end]
        return (self.sequence[: self.cut] + self.sequence[self.cut + INTRON :])[start:end]

    def alignment(self, spliced: bool, start: int, length: int) -> tuple:
        """(reference start, CIGAR) of the read [start, start + length) of a molecule."""
        end = start + length
        if not spliced or end <= self.cut:
            return start, f"{length}M"
        if start >= self.cut:
            return start + INTRON, f"{length}M"
        return start, f"{self.cut - start}M{INTRON}N{end - self.cut}M"


def draw(molecules: Molecules, *, fraction: float, fragments: int, read_length: int, paired: bool, seed: int,
         fragment_mean: float = 250, fragment_sd: float = 50, max_fragment: int = 600) -> list:  # fmt: skip
    """Fragments (spliced with probability `fraction`), starting uniformly where they can reach the site.

    Single-end fragments are one read long; paired ones ~N(mean, sd) clipped to [read_length,
    max_fragment], so short ones have overlapping mates.
    """
    rng = np.random.default_rng(seed)
    spliced = rng.random(fragments) < fraction
    if paired:
        sizes = np.clip(np.rint(rng.normal(fragment_mean, fragment_sd, fragments)), read_length, max_fragment).astype(
            int
        )
    else:
        sizes = np.full(fragments, read_length)
    # Only fragments starting in [cut - longest fragment - margin, cut + margin] can have a read
    # over the site: drawing there is uniform sampling without the fragments that carry nothing.
    longest = max_fragment if paired else read_length
    starts = rng.integers(molecules.cut - longest - 2 * INTRON, molecules.cut + 2 * INTRON, fragments)
    if starts.min() < 0 or starts.max() + longest > len(molecules.sequence) - INTRON:
        raise ValueError(f"the contig is too short for fragments of up to {max_fragment} nt around the site")
    return [Fragment(bool(s), int(a), int(n)) for s, a, n in zip(spliced, starts, sizes)]


def draw_umis(
    molecules: Molecules, *, fraction: float, umis: int, reads_per_umi: float, read_length: int, seed: int
) -> list:
    """Single cDNA reads of 10x-style molecules: (UMI index, Fragment) for each read.

    Each molecule (UMI) is spliced with the planted probability and has Poisson(`reads_per_umi`)
    reads starting uniformly where they can reach the site (fragments of one molecule after cDNA
    amplification, and their PCR copies).
    """
    rng = np.random.default_rng(seed)
    spliced = rng.random(umis) < fraction
    counts = rng.poisson(reads_per_umi, umis)
    owner = np.repeat(np.arange(umis), counts)
    starts = rng.integers(molecules.cut - read_length - 2 * INTRON, molecules.cut + 2 * INTRON, owner.size)
    return [(int(u), Fragment(bool(spliced[u]), int(a), read_length)) for u, a in zip(owner, starts)]


def _mates(fragment: Fragment, read_length: int, paired: bool) -> list:
    """(molecule start, reverse) of each read of a fragment."""
    if not paired:
        return [(fragment.start, False)]
    return [(fragment.start, False), (fragment.start + fragment.size - read_length, True)]


def write_fastq(molecules: Molecules, fragments, read_length: int, paired: bool, stem) -> list:
    """`{stem}_R1.fastq` [and `_R2`]: mate 1 forward, mate 2 the reverse complement of the end."""
    paths = [Path(f"{stem}_R{mate}.fastq") for mate in (1, 2)[: 1 + paired]]
    handles = [open(path, "w") for path in paths]
    try:
        for n, fragment in enumerate(fragments):
            for handle, (start, reverse) in zip(handles, _mates(fragment, read_length, paired)):
                seq = molecules.bases(fragment.spliced, start, start + read_length)
                handle.write(f"@f{n}\n{revcomp(seq) if reverse else seq}\n+\n{'I' * read_length}\n")
    finally:
        for handle in handles:
            handle.close()
    return paths


def write_bam(molecules: Molecules, site: Site, fragments, read_length: int, paired: bool, path, tags=None) -> Path:
    """A coordinate-sorted, indexed BAM of the reads at their true alignments (no MC tag, as STAR);
    `tags`, when given, holds each fragment's tags (e.g. CB and UB)."""
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": n, "LN": length} for n, length in site.contigs.items()],
    }
    tid = list(site.contigs).index(molecules.contig)
    records = []
    for n, fragment in enumerate(fragments):
        placed = [(*molecules.alignment(fragment.spliced, start, read_length), start, reverse)
                  for start, reverse in _mates(fragment, read_length, paired)]  # fmt: skip
        for i, (ref_start, cigar, start, reverse) in enumerate(placed):
            flag = REVERSE if reverse else 0
            mate_start = ref_start
            if paired:
                flag |= PAIRED | PROPER | (SECOND if i else FIRST) | (0 if reverse else MATE_REVERSE)
                mate_start = placed[1 - i][0]
            seq = molecules.bases(fragment.spliced, start, start + read_length)
            records.append((ref_start, f"f{n}", flag, cigar, seq, mate_start, tags[n] if tags else {}))
    records.sort(key=lambda record: record[:2])
    path = Path(path)
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for ref_start, name, flag, cigar, seq, mate_start, fields in records:
            read = pysam.AlignedSegment(bam.header)
            read.query_name, read.flag, read.reference_id, read.reference_start = name, flag, tid, ref_start
            read.mapping_quality, read.cigarstring, read.query_sequence = 60, cigar, seq
            read.query_qualities = pysam.qualitystring_to_array("I" * len(seq))
            if flag & PAIRED:
                read.next_reference_id, read.next_reference_start = tid, mate_start
            for tag, value in fields.items():
                read.set_tag(tag, value)
            bam.write(read)
    pysam.index(str(path))
    return path
