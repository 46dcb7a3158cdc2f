"""Hand-built references and BAMs around the XBP1 site, for tests with exact expected counts."""

import random
from pathlib import Path

import pysam

from ire1seq.xbp1.known import known_sites
from ire1seq.xbp1.site import INTRON, revcomp

PAIRED, PROPER, REVERSE, MATE_REVERSE, FIRST, SECOND = 0x1, 0x2, 0x10, 0x20, 0x40, 0x80


def background(length: int, seed: int = 0) -> str:
    rng = random.Random(seed)
    return "".join(rng.choice("ACGT") for _ in range(length))


def xbp1_window(organism="human") -> tuple:
    """Left flank, intron, right flank in mRNA orientation (resources/xbp1/sites.tsv)."""
    known = known_sites()[organism]
    return known.left, known.intron, known.right


def xbp1_contig(organism="human", strand="-", flank=1500, seed=0) -> tuple:
    """A contig with the organism's known XBP1 window planted; returns (sequence, canonical gap start)."""
    left, intron, right = xbp1_window(organism)
    window = left + intron + right
    before = len(left) if strand == "+" else len(right)
    if strand == "-":
        window = revcomp(window)
    return background(flank, seed) + window + background(flank, seed + 1), flank + before


def write_fasta(path, contigs: dict, width: int = 60) -> Path:
    path = Path(path)
    with open(path, "w") as handle:
        for name, seq in contigs.items():
            handle.write(f">{name} test contig\n")
            handle.writelines(seq[i : i + width] + "\n" for i in range(0, len(seq), width))
    return path


def make_reference(directory, organism="human", strand="-", contig="22", name="ref.fa") -> Path:
    seq, _ = xbp1_contig(organism, strand)
    return write_fasta(Path(directory) / name, {"1": background(800, 7), contig: seq})


def spliced_seq(site, start: int, end: int) -> str:
    """Bases of the spliced molecule between reference positions start (< union) and end (> union)."""
    first = site.window[0]
    return site.bases(start, first) + site.bases(first + INTRON, end)


def spliced_read(site, name, gap, left, right, op="N", **fields) -> dict:
    """A read with `left` aligned bases, the 26-nt gap starting at `gap`, then `right` bases."""
    seq = site.bases(gap - left, gap) + site.bases(gap + INTRON, gap + INTRON + right)
    return read(name, gap - left, f"{left}M{INTRON}{op}{right}M", seq, **fields)


def unspliced_read(site, name, start, length, **fields) -> dict:
    return read(name, start, f"{length}M", site.bases(start, start + length), **fields)


def read(name, start, cigar, seq, flag=0, mapq=60, tags=None) -> dict:
    return {"name": name, "start": start, "cigar": cigar, "seq": seq, "flag": flag, "mapq": mapq, "tags": tags or {}}


def pair(first: dict, second: dict) -> list:
    """Two reads as mates of one fragment (first forward, second reverse)."""
    first = {**first, "flag": first["flag"] | PAIRED | PROPER | FIRST | MATE_REVERSE, "mate": second["start"]}
    second = {
        **second,
        "name": first["name"],
        "flag": second["flag"] | PAIRED | PROPER | SECOND | REVERSE,
        "mate": first["start"],
    }
    return [first, second]


def write_bam(path, contigs: dict, reads, index=True, sort_order="coordinate", reference=None) -> Path:
    """Write reads (dicts from read()/pair()) sorted by position; CRAM if path ends in .cram."""
    path = Path(path)
    header = {"HD": {"VN": "1.6", "SO": sort_order}, "SQ": [{"SN": n, "LN": n_len} for n, n_len in contigs.items()]}
    mode = "wc" if path.suffix == ".cram" else "wb"
    names = list(contigs)
    contig = names[-1]
    if sort_order == "coordinate":
        reads = sorted(reads, key=lambda r: (r["start"] < 0, r["start"]))
    with pysam.AlignmentFile(str(path), mode, header=header, reference_filename=reference and str(reference)) as out:
        for spec in reads:
            segment = pysam.AlignedSegment(out.header)
            segment.query_name = spec["name"]
            segment.flag = spec["flag"]
            segment.query_sequence = spec["seq"]
            segment.query_qualities = pysam.qualitystring_to_array("I" * len(spec["seq"]))
            if spec["start"] >= 0:
                segment.reference_id = names.index(spec.get("contig", contig))
                segment.reference_start = spec["start"]
                segment.mapping_quality = spec["mapq"]
                if spec["cigar"]:
                    segment.cigarstring = spec["cigar"]
            else:
                segment.reference_id = -1
                segment.reference_start = -1
            if "mate" in spec:
                segment.next_reference_id = segment.reference_id
                segment.next_reference_start = spec["mate"]
            for tag, value in spec["tags"].items():
                segment.set_tag(tag, value)
            out.write(segment)
    if index:
        pysam.index(str(path))
    return path
