"""Find the XBP1 26-nt intron in a reference FASTA by sequence, and describe it as a `Site`.

The 26-nt gap has seven equivalent placements (a repeated GCAGCA lets it slide), so a site is a
window of gap starts, not one coordinate. All coordinates here are 0-based, half-open, on the
reference's plus strand.
"""

import csv
import gzip
import hashlib
import json
import logging
import os
import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from ire1seq.data import XBP1
from ire1seq.errors import InputError
from ire1seq.io import is_gzipped, output_file

log = logging.getLogger(__name__)

INTRON = 26
# Exact seed CCG|CAGCAC (3 flank + 6 intron nt, the same in human and mouse): it lacks T, so
# bytes.find can skip ahead at every T of the genome (about twice as fast as a longer seed).
SEED_FLANK, SEED_INTRON = 3, 6
SEARCH_FLANK = (17, 20)  # flank bases checked around the seed (left, right; mRNA orientation)
MAX_FLANK_MISMATCHES = 2
CONTEXT = 256  # reference bases kept on each side of a hit
STORED_FLANK = 150  # reference bases stored on each side of the union (bounds min_overhang)
CHUNK = 1 << 25  # 32 MB reads: buffers this large are mmapped by malloc, so memory stays flat
CACHE_VERSION = "1"
_COMPLEMENT = bytes.maketrans(b"ACGTN", b"TGCAN")


def revcomp(seq: str) -> str:
    return seq.encode().translate(_COMPLEMENT)[::-1].decode()


@dataclass(frozen=True)
class Site:
    """Where XBP1's 26-nt intron lies in one reference, with the bases around it."""

    organism: str
    contig: str
    contig_length: int
    strand: str  # XBP1's transcription strand
    window: tuple  # first and last start of the seven equivalent gaps
    canonical: int  # gap start of the canonical CCG|CAG...CTG|CAG placement
    sequence_start: int
    sequence: str  # reference bases (plus strand) from sequence_start
    source: str  # "scan" or "builtin:<build>"
    reference: dict = field(default_factory=dict)  # path, size, mtime of the FASTA
    contigs: dict = field(default_factory=dict)  # every reference contig: name -> length
    other_hits: tuple = ()

    @property
    def placements(self):
        return [(start, start + INTRON) for start in range(self.window[0], self.window[1] + 1)]

    @property
    def union(self):
        """Bases removed by at least one placement."""
        return self.window[0], self.window[1] + INTRON

    @property
    def core(self):
        """Bases removed by every placement (20 nt for XBP1)."""
        return self.window[1], self.window[0] + INTRON

    def bases(self, start: int, end: int) -> str:
        """Unspliced reference bases in [start, end)."""
        if start < self.sequence_start or end > self.sequence_start + len(self.sequence):
            raise ValueError(f"{start}-{end} lies outside the stored sequence of the site")
        return self.sequence[start - self.sequence_start : end - self.sequence_start]

    def sjdb_line(self) -> str:
        """STAR --sjdbFileChrStartEnd: 1-based first and last intron base, leftmost placement.

        One line only: STAR shifts every junction to its leftmost placement itself, so listing the
        seven placements would only add duplicates.
        """
        start = self.window[0]
        return f"{self.contig}\t{start + 1}\t{start + INTRON}\t{self.strand}\n"

    def splice_site_line(self) -> str:
        """HISAT2 --known-splicesite-infile: 0-based last exon base before and first base after."""
        start = self.window[0]
        return f"{self.contig}\t{start - 1}\t{start + INTRON}\t{self.strand}\n"

    def to_dict(self) -> dict:
        placements = self.placements
        return {
            "organism": self.organism,
            "coordinates": "0-based, half-open, reference plus strand",
            "contig": self.contig,
            "contig_length": self.contig_length,
            "strand": self.strand,
            "intron_length": INTRON,
            "window": list(self.window),
            "placements": [list(p) for p in placements],
            "union": list(self.union),
            "core": list(self.core),
            "canonical": [self.canonical, self.canonical + INTRON],
            "sjdb_1based": self.sjdb_line().split(),
            "sequence_start": self.sequence_start,
            "sequence": self.sequence,
            "source": self.source,
            "reference": self.reference,
            "other_hits": list(self.other_hits),
            "contigs": self.contigs,
        }

    @classmethod
    def from_dict(cls, data: dict, origin="site") -> "Site":
        try:
            return cls(
                organism=data["organism"],
                contig=str(data["contig"]),
                contig_length=int(data["contig_length"]),
                strand=data["strand"],
                window=tuple(int(x) for x in data["window"]),
                canonical=int(data["canonical"][0]),
                sequence_start=int(data["sequence_start"]),
                sequence=data["sequence"],
                source=data["source"],
                reference=data.get("reference", {}),
                contigs=data.get("contigs", {}),
                other_hits=tuple(data.get("other_hits", ())),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(
                f"{origin} is not an XBP1 site file written by `ire1seq xbp1 locate` (missing or "
                f"bad field {err}); make it again with `ire1seq xbp1 locate --reference REF.fa -o site.json`."
            ) from None


def load_site(path) -> Site:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"XBP1 site file {path} does not exist; make it with `ire1seq xbp1 locate`.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"XBP1 site file {path} is not JSON ({err}); make it again with `ire1seq xbp1 locate`."
        ) from None
    return Site.from_dict(data, origin=f"XBP1 site file {path}")


def as_site(site) -> Site:
    """A Site, given as one or as the path of its site.json."""
    return site if isinstance(site, Site) else load_site(site)


def site_paths(path) -> list:
    """site.json and, beside it, the STAR (.sjdb.tsv) and HISAT2 (.ss.tsv) junction files."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix == ".json" else path
    return [path, Path(f"{stem}.sjdb.tsv"), Path(f"{stem}.ss.tsv")]


def write_site(site: Site, path) -> list:
    """Write site.json plus the STAR and HISAT2 junction files beside it (site_paths)."""
    paths = site_paths(path)
    for target, text in zip(
        paths, (json.dumps(site.to_dict(), indent=1) + "\n", site.sjdb_line(), site.splice_site_line())
    ):
        with output_file(target) as handle:
            handle.write(text)
    return paths


# --- known sequences -----------------------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """An organism's XBP1 intron and flanks in mRNA orientation (resources/xbp1/sites.tsv)."""

    organism: str
    left: str
    intron: str
    right: str

    @property
    def seed(self) -> str:
        return self.left[-SEED_FLANK:] + self.intron[:SEED_INTRON]

    @property
    def searched(self) -> str:
        return self.left[-SEARCH_FLANK[0] :] + self.intron + self.right[: SEARCH_FLANK[1]]


def _resource_rows(name: str) -> list:
    with open(XBP1 / name, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def known_sites() -> dict:
    return {
        row["organism"]: Known(
            row["organism"], row["left_flank"].upper(), row["intron"].upper(), row["right_flank"].upper()
        )
        for row in _resource_rows("sites.tsv")
    }


def _wanted(organism) -> list:
    known = known_sites()
    if organism is None:
        return list(known.values())
    if organism not in known:
        raise InputError(
            f"--organism {organism!r} is not one of {', '.join(known)}; XBP1 sequences are known for those only."
        )
    return [known[organism]]


# --- scanning a FASTA ----------------------------------------------------------------------


@dataclass
class _Hit:
    strand: str
    contig: str
    seed_start: int
    context_start: int
    context: bytes
    needed: int  # context length once CONTEXT bases follow the seed


class _Scanner:
    """One pass over a FASTA: seeds found on both strands with bytes.find, context kept per hit.

    The seed is shared by the organisms, so a genome is read with two finds whatever is searched.
    """

    def __init__(self, knowns):
        seeds = {k.seed for k in knowns}
        self.seeds = [(s.encode(), "+") for s in seeds] + [(revcomp(s).encode(), "-") for s in seeds]
        self.seed_len = max(len(s) for s, _ in self.seeds)
        self.contigs, self.hits, self.open_hits = {}, [], []
        self.name = None

    def start_contig(self, name: str):
        self.end_contig()
        self.name, self.length, self.tail = name, 0, b""

    def end_contig(self):
        if self.name is not None:
            self.contigs[self.name] = self.length
            self.hits += self.open_hits
            self.open_hits = []

    def feed(self, seq: bytes):
        if self.name is None:
            if seq:
                raise InputError("sequence before the first '>' header")
            return
        wanted = CONTEXT + self.seed_len
        for hit in self.open_hits:
            hit.context += seq[: hit.needed - len(hit.context)]
        self.hits += [h for h in self.open_hits if len(h.context) >= h.needed]
        self.open_hits = [h for h in self.open_hits if len(h.context) < h.needed]
        window = self.tail + seq
        origin = self.length - len(self.tail)
        first = max(0, len(self.tail) - self.seed_len + 1)
        for seed, strand in self.seeds:
            at = window.find(seed, first)
            while at >= 0:
                left = max(0, at - CONTEXT)
                hit = _Hit(
                    strand, self.name, origin + at, origin + left, window[left : at + wanted], at - left + wanted
                )
                (self.hits if len(hit.context) >= hit.needed else self.open_hits).append(hit)
                at = window.find(seed, at + 1)
        self.tail = window[-wanted:]
        self.length += len(seq)


def _open_fasta(path: Path):
    return gzip.open(path, "rb") if is_gzipped(path) else open(path, "rb")


def scan_fasta(path, knowns):
    """All seed hits in a FASTA (plain or gzip), and every contig's length."""
    scanner = _Scanner(knowns)
    strip = b"\r\n\t "
    upper = bytes.maketrans(b"acgtnrykmswbdhv", b"ACGTNRYKMSWBDHV")
    pending = b""
    try:
        with _open_fasta(path) as handle:
            while chunk := handle.read(CHUNK):
                data, pending, start = pending + chunk, b"", 0
                while (header := data.find(b">", start)) >= 0:
                    scanner.feed(data[start:header].translate(upper, strip))
                    line_end = data.find(b"\n", header)
                    if line_end < 0:
                        pending = data[header:]
                        break
                    name = data[header + 1 : line_end].split(maxsplit=1)
                    scanner.start_contig(name[0].decode() if name else "")
                    start = line_end + 1
                else:
                    scanner.feed(data[start:].translate(upper, strip))
    except (OSError, EOFError, UnicodeDecodeError, InputError) as err:
        raise InputError(
            f"reference {path} could not be read as FASTA ({err}); give a plain or gzipped FASTA file."
        ) from None
    scanner.end_contig()
    return scanner.hits, scanner.contigs


# --- from a hit to a site ------------------------------------------------------------------


def _oriented(known: Known, strand: str):
    """Left flank, intron, right flank as they read on the reference's plus strand."""
    if strand == "+":
        return known.left, known.intron, known.right
    return revcomp(known.right), revcomp(known.intron), revcomp(known.left)


def _mismatches(expected: str, context: str, offset: int) -> int:
    """Mismatches of `expected` placed at context[offset:]; bases off the contig count as mismatches."""
    count = 0
    for i, base in enumerate(expected):
        j = offset + i
        count += not (0 <= j < len(context) and context[j] == base)
    return count


def _site_from_hit(hit: _Hit, known: Known, source: str, reference: dict, contigs: dict):
    """The Site of a seed hit if the organism's whole intron is there, with its flank mismatches
    (over the searched flanks and over the whole known window); None otherwise."""
    context = hit.context.decode()
    left, intron, right = _oriented(known, hit.strand)
    gap = hit.seed_start + (SEED_FLANK if hit.strand == "+" else SEED_INTRON - INTRON)  # canonical cut
    offset = gap - hit.context_start
    if context[offset : offset + INTRON] != intron:
        return None
    near = SEARCH_FLANK if hit.strand == "+" else SEARCH_FLANK[::-1]
    searched = _mismatches(left[-near[0] :], context, offset - near[0]) + _mismatches(
        right[: near[1]], context, offset + INTRON
    )
    whole = _mismatches(left, context, offset - len(left)) + _mismatches(right, context, offset + INTRON)
    first = last = offset
    while first > 0 and context[first - 1] == context[first - 1 + INTRON]:
        first -= 1
    while last + INTRON < len(context) and context[last] == context[last + INTRON]:
        last += 1
    begin = max(0, first - STORED_FLANK)
    site = Site(
        organism=known.organism,
        contig=hit.contig,
        contig_length=contigs.get(hit.contig, 0),
        strand=hit.strand,
        window=(hit.context_start + first, hit.context_start + last),
        canonical=gap,
        sequence_start=hit.context_start + begin,
        sequence=context[begin : last + INTRON + STORED_FLANK],
        source=source,
        reference=reference,
        contigs=contigs,
    )
    return site, searched, whole


_SECONDARY_CONTIG = re.compile(r"_alt$|_random$|_fix$|^(chr)?un_|_decoy$|^hla-|^ki\d|^gl\d", re.IGNORECASE)


def _is_primary(contig: str) -> bool:
    """Not an alternate haplotype, patch, unplaced or decoy contig (GRC/UCSC/Ensembl names)."""
    return not _SECONDARY_CONTIG.search(contig)


def _choose(candidates, path: Path, knowns):
    """The best hit: fewest mismatches over the known window, then primary contigs, then first."""
    good = [c for c in candidates if c[1] <= MAX_FLANK_MISMATCHES]
    if not good:
        searched = "; ".join(f"{k.organism}: {k.searched} (or its reverse complement)" for k in knowns)
        raise InputError(
            f"no XBP1 site found in reference {path}: searched both strands of every contig for the "
            f"XBP1 26-nt intron with its flanks ({searched}; mRNA orientation, the intron exactly, at most "
            f"{MAX_FLANK_MISMATCHES} mismatches in the flanks). Check --organism and that this FASTA is "
            "the genome the reads were aligned to."
        )
    good.sort(key=lambda c: (c[2], not _is_primary(c[0].contig)))
    best = good[0][0]
    others = tuple(
        f"{s.organism} {s.contig}:{s.window[0] + 1}-{s.window[0] + INTRON} ({s.strand})" for s, _, _ in good[1:]
    )
    if others:
        log.warning("XBP1 also matches %s; using %s", ", ".join(others), best.contig)
    return replace(best, other_hits=others)


# --- built-in coordinates (fast path) ------------------------------------------------------


def _builtin(path: Path, knowns, reference: dict):
    """A verified built-in site when the FASTA has a .fai and a chr22 of a known build, else None."""
    fai = Path(f"{path}.fai")
    if not fai.is_file() or path.suffix == ".gz":
        return None
    import pysam

    with open(fai) as handle:
        contigs = {name: int(length) for name, length, *_ in (line.split("\t") for line in handle if line.strip())}
    wanted = {k.organism: k for k in knowns}
    for row in _resource_rows("builtin_sites.tsv"):
        intron_start, build = int(row["leftmost_intron_start"]), row["build"]
        for name in (row["contig"], f"chr{row['contig']}"):
            if row["organism"] not in wanted or contigs.get(name) != int(row["contig_length"]):
                continue
            start = intron_start - 1 - CONTEXT
            with pysam.FastaFile(str(path)) as fasta:
                context = fasta.fetch(name, start, start + 2 * CONTEXT + INTRON).upper().encode()
            known = wanted[row["organism"]]
            scanner = _Scanner([known])
            scanner.start_contig(name)
            scanner.length = start
            scanner.feed(context)
            scanner.end_contig()
            for hit in scanner.hits:
                found = _site_from_hit(hit, known, f"builtin:{build}", reference, contigs)
                if found and found[1] <= MAX_FLANK_MISMATCHES and found[0].window[0] == intron_start - 1:
                    return found[0]
    return None


# --- locate, with a cache ------------------------------------------------------------------


def cache_dir() -> Path:
    """User cache (IRE1SEQ_CACHE_DIR, else XDG_CACHE_HOME/ire1seq): never beside the input."""
    if os.environ.get("IRE1SEQ_CACHE_DIR"):
        return Path(os.environ["IRE1SEQ_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ire1seq"


def _cache_file(path: Path, organism) -> tuple:
    stat = path.stat()
    reference = {"path": str(path.resolve()), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    key = json.dumps([CACHE_VERSION, reference, organism]).encode()
    return cache_dir() / f"xbp1-site-{hashlib.sha256(key).hexdigest()[:20]}.json", reference


def locate(reference, organism=None, use_cache=True) -> Site:
    """Find XBP1's 26-nt intron in a FASTA (cached by path, size and mtime)."""
    path = Path(reference)
    if not path.is_file():
        raise InputError(f"reference FASTA {path} does not exist; check --reference or config genomes.")
    knowns = _wanted(organism)
    cached, identity = _cache_file(path, organism)
    if use_cache and cached.is_file():
        try:
            return Site.from_dict(json.loads(cached.read_text()))
        except (InputError, json.JSONDecodeError):
            pass
    site = _builtin(path, knowns, identity)
    if site is None:
        hits, contigs = scan_fasta(path, knowns)
        found = (_site_from_hit(hit, known, "scan", identity, contigs) for hit in hits for known in knowns)
        candidates = [c for c in found if c]
        site = _choose(candidates, path, knowns)
    if use_cache:
        try:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_text(json.dumps(site.to_dict()))
        except OSError:
            pass  # an unwritable cache only costs time
    return site


def run_locate(*, fasta, organism=None, out, use_cache: bool = True) -> None:
    """Workflow step (and `ire1seq xbp1 locate -o`): the site of a FASTA and its junction files."""
    write_site(locate(fasta, organism=organism, use_cache=use_cache), out)
