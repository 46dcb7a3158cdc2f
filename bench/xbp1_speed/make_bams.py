"""Synthetic coordinate-sorted, indexed BAMs for the XBP1 speed benchmark, without an aligner.

A 2-Mb contig `22` carries the human XBP1 window (minus strand, as in GRCh38); the header adds the
other GRCh38 chromosomes at their real lengths. Background fragments (pairs of 100M reads, 250-nt
inserts) fall uniformly on the genome except within 2 kb of XBP1; 2% are unmapped pairs at the end
of the file, as STAR writes them. XBP1 fragments start 10–90 nt left of the site so that read 1 crosses it: spliced (26N at a
random equivalent placement, or soft-clipped at the junction for rescue), or unspliced; 10% are
flagged duplicates. The XBP1 reads depend only on `seed`, so BAMs with different background depth
share the same reads at the site. SAM text is piped to `samtools view` (level-1 compression).
"""

import subprocess
from pathlib import Path

import numpy as np
import pysam

from ire1seq.xbp1.known import known_sites
from ire1seq.xbp1.locate import locate
from ire1seq.xbp1.site import INTRON, revcomp, write_site

GRCH38 = {
    "1": 248956422,
    "2": 242193529,
    "3": 198295559,
    "4": 190214555,
    "5": 181538259,
    "6": 170805979,
    "7": 159345973,
    "8": 145138636,
    "9": 138394717,
    "10": 133797422,
    "11": 135086622,
    "12": 133275309,
    "13": 114364328,
    "14": 107043718,
    "15": 101991189,
    "16": 90338345,
    "17": 83257441,
    "18": 80373285,
    "19": 58617616,
    "20": 64444167,
    "21": 46709983,
    "22": 2_000_000,
    "X": 156040895,
    "Y": 57227415,
}  # fmt: skip  (22 is the synthetic contig holding XBP1)
XBP1_CONTIG, XBP1_AT = "22", 1_000_000
CLEAR = 2_000  # no background read starts within this distance of the XBP1 window
READ, INSERT = 100, 250
SEQ, QUAL = "ACGT" * (READ // 4), "I" * READ
CHUNK = 1_000_000
SPLICED, SOFT_CLIPPED, DUPLICATED = 0.3, 0.1, 0.1  # XBP1 fragments: spliced share; of those clipped; duplicates


def make_reference(directory: Path):
    """FASTA with the human XBP1 window planted on the minus strand of contig 22; its site.json."""
    directory.mkdir(parents=True, exist_ok=True)
    known = known_sites()["human"]
    window = revcomp(known.left + known.intron + known.right)
    rng = np.random.default_rng(0)
    sequence = np.frombuffer(b"ACGT", dtype=np.uint8)[rng.integers(0, 4, GRCH38[XBP1_CONTIG])].tobytes().decode()
    sequence = sequence[:XBP1_AT] + window + sequence[XBP1_AT + len(window) :]
    fasta = directory / "ref.fa"
    with open(fasta, "w") as out:
        out.write(f">{XBP1_CONTIG}\n")
        out.writelines(sequence[i : i + 60] + "\n" for i in range(0, len(sequence), 60))
    site = locate(fasta, use_cache=False)
    write_site(site, directory / "site.json")
    return site


def _header() -> str:
    lines = ["@HD\tVN:1.6\tSO:coordinate"] + [f"@SQ\tSN:{name}\tLN:{length}" for name, length in GRCH38.items()]
    return "\n".join(lines) + "\n"


def _tags(cells, umis, rng, count: int) -> list:
    """`\\tCB:Z:..\\tUB:Z:..` for `count` reads of random cells (empty list: no tags)."""
    if cells is None:
        return [""] * count
    return [
        f"\tCB:Z:{cells[c]}\tUB:Z:{umis[u]}"
        for c, u in zip(rng.integers(0, len(cells), count), rng.integers(0, len(umis), count))
    ]


def _background(contig: str, fragments: int, paired: bool, rng, cells=None, umis=None):
    """SAM text chunks of uniform background fragments on one contig, sorted by position."""
    starts = np.sort(rng.integers(1, GRCH38[contig] - INSERT, fragments))
    if contig == XBP1_CONTIG:  # reads at the site are XBP1's own, the same in every BAM
        starts = starts[np.abs(starts - XBP1_AT) > CLEAR]
        fragments = starts.size
    ids = np.arange(fragments)
    if paired:
        pos = np.concatenate([starts, starts + INSERT - READ])
        mate = np.concatenate([starts + INSERT - READ, starts])
        first = np.concatenate([np.ones(fragments, bool), np.zeros(fragments, bool)])
        order = np.argsort(pos, kind="stable")
        pos, mate, first, ids = pos[order], mate[order], first[order], np.concatenate([ids, ids])[order]
    for at in range(0, len(pos if paired else starts), CHUNK):
        if paired:
            part = zip(
                ids[at : at + CHUNK].tolist(),
                pos[at : at + CHUNK].tolist(),
                mate[at : at + CHUNK].tolist(),
                first[at : at + CHUNK].tolist(),
            )
            yield "".join(
                f"bg{contig}_{i}\t{99 if f else 147}\t{contig}\t{p}\t60\t{READ}M\t=\t{m}\t{INSERT if f else -INSERT}\t{SEQ}\t{QUAL}\n"
                for i, p, m, f in part
            )
        else:
            chunk = starts[at : at + CHUNK].tolist()
            tags = _tags(cells, umis, rng, len(chunk))
            yield "".join(
                f"bg{contig}_{at + k}\t0\t{contig}\t{p}\t255\t{READ}M\t*\t0\t0\t{SEQ}\t{QUAL}{t}\n"
                for k, (p, t) in enumerate(zip(chunk, tags))
            )


def xbp1_reads(site, fragments: int, seed: int) -> list:
    """(0-based start, cigar, sequence, duplicate) of read 1 of each XBP1 fragment, in order drawn."""
    rng = np.random.default_rng(seed)
    (u0, _), (first, last) = site.union, site.window
    reads = []
    for start in rng.integers(u0 - 90, u0 - 10, fragments).tolist():
        draw = rng.random()
        if draw < SPLICED * SOFT_CLIPPED:  # aligner clipped at the junction; rescue reads the sequence
            aligned = u0 - start
            seq = site.bases(start, first) + site.bases(first + INTRON, first + INTRON + READ - aligned)
            cigar = f"{aligned}M{READ - aligned}S"
        elif draw < SPLICED:
            gap = int(rng.integers(first, last + 1))
            left = gap - start
            seq = site.bases(start, gap) + site.bases(gap + INTRON, gap + INTRON + READ - left)
            cigar = f"{left}M{INTRON}N{READ - left}M"
        else:
            seq, cigar = site.bases(start, start + READ), f"{READ}M"
        reads.append((start, cigar, seq, rng.random() < DUPLICATED))
    return reads


def _xbp1_records(site, fragments: int, seed: int, paired: bool, cells=None, umis=None) -> list:
    """(1-based position, SAM line) of the XBP1 reads (and their mates), unsorted."""
    records = []
    for n, (start, cigar, seq, duplicate) in enumerate(xbp1_reads(site, fragments, seed)):
        dup = 0x400 if duplicate else 0
        pos, mate = start + 1, start + 1 + INSERT - READ
        if paired:
            records.append(
                (pos, f"x{n}\t{99 | dup}\t{XBP1_CONTIG}\t{pos}\t60\t{cigar}\t=\t{mate}\t{INSERT}\t{seq}\t{QUAL}\n")
            )
            records.append(
                (mate, f"x{n}\t{147 | dup}\t{XBP1_CONTIG}\t{mate}\t60\t{READ}M\t=\t{pos}\t{-INSERT}\t{SEQ}\t{QUAL}\n")
            )
        else:  # 10x: each molecule read twice (PCR copies: same cell and UMI), 4 molecules per cell
            cell, umi = cells[n // 4 % len(cells)], umis[n % 4]
            for copy in range(2):
                records.append(
                    (
                        pos,
                        f"x{n}_{copy}\t0\t{XBP1_CONTIG}\t{pos}\t255\t{cigar}\t*\t0\t0\t{seq}\t{QUAL}\tCB:Z:{cell}\tUB:Z:{umi}\n",
                    )
                )
    return records


def write_bam(path: Path, site, background: int, xbp1: int, paired: bool = True, cells=None, seed: int = 1) -> Path:
    """`background` fragments on the genome plus `xbp1` fragments (10x: molecules) at the site."""
    rng = np.random.default_rng(seed + background)
    umis = _barcodes(rng, 4096, 12) if cells is not None else None
    lengths = np.array(list(GRCH38.values()), dtype=float)
    mapped = int(background * 0.98)
    per_contig = rng.multinomial(mapped, lengths / lengths.sum())
    with open(path.with_suffix(".log"), "w") as log:
        sam = subprocess.Popen(
            ["samtools", "view", "-1", "-b", "--no-PG", "-o", str(path), "-"], stdin=subprocess.PIPE, stderr=log
        )
        sam.stdin.write(_header().encode())
        for contig, count in zip(GRCH38, per_contig):
            chunks = _background(contig, int(count), paired, rng, cells, umis)
            if contig == XBP1_CONTIG:  # few enough to sort in memory with the XBP1 reads
                lines = [(int(line.split("\t", 4)[3]), line + "\n") for chunk in chunks for line in chunk.splitlines()]
                lines += _xbp1_records(site, xbp1, seed, paired, cells, umis)
                chunks = ["".join(line for _, line in sorted(lines, key=lambda item: item[0]))]
            for chunk in chunks:
                sam.stdin.write(chunk.encode())
        unmapped = background - mapped
        for at in range(0, unmapped, CHUNK):
            count = min(CHUNK, unmapped - at)
            tags = _tags(cells, umis, rng, count)
            flags = (77, 141) if paired else (4,)
            sam.stdin.write(
                "".join(
                    f"un{at + k}\t{flag}\t*\t0\t0\t*\t*\t0\t0\t{SEQ}\t{QUAL}{tags[k]}\n"
                    for k in range(count)
                    for flag in flags
                ).encode()
            )
        sam.stdin.close()
        if sam.wait():
            raise RuntimeError(f"samtools view failed writing {path}; see {path.with_suffix('.log')}")
    pysam.index(str(path))
    return path


def _barcodes(rng, count: int, length: int) -> list:
    codes = rng.integers(0, 4, (count, length))
    return sorted({"".join("ACGT"[c] for c in row) for row in codes})


def cell_barcodes(count: int, seed: int = 7) -> list:
    """`count` distinct 16-nt cell barcodes with Cell Ranger's `-1` suffix."""
    rng = np.random.default_rng(seed)
    cells = set()
    while len(cells) < count:
        cells.update(_barcodes(rng, count - len(cells), 16))
    return [f"{cell}-1" for cell in sorted(cells)]
