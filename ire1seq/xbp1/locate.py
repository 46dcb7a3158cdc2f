"""Find the XBP1 26-nt intron in a reference FASTA by sequence (or at built-in coordinates of
known builds), with a cache keyed by the FASTA's path, size and mtime."""

import functools
import gzip
import hashlib
import json
import logging
import os
import re
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.io import is_gzipped
from ire1seq.xbp1.known import SEARCH_FLANK, SEED_FLANK, SEED_INTRON, Known, known_sites, resource_rows, wanted_sites
from ire1seq.xbp1.site import INTRON, Site, load_site, revcomp, write_site

log = logging.getLogger(__name__)

MAX_FLANK_MISMATCHES = 2
CONTEXT = 256  # reference bases kept on each side of a hit
STORED_FLANK = 150  # reference bases stored on each side of the union (bounds min_overhang)
CHUNK = 1 << 25  # 32 MB reads: buffers this large are mmapped by malloc, so memory stays flat
CACHE_VERSION = "1"


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
    for row in resource_rows("builtin_sites.tsv"):
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
    knowns = wanted_sites(organism)
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


# --- the site for `xbp1 fastq` ---------------------------------------------------------------


@functools.cache
def organism_site(organism: str) -> Site:
    """The site in the organism's built-in mRNA window (resources/xbp1/sites.tsv)."""
    known = known_sites()
    if organism not in known:
        raise InputError(f"--organism {organism!r} is not one of {', '.join(known)}; give --reference REF.fa instead.")
    k = known[organism]
    with tempfile.TemporaryDirectory() as tmp:
        fasta = Path(tmp) / f"{organism}_xbp1.fa"
        fasta.write_text(f">XBP1_{organism}_mRNA\n{k.left}{k.intron}{k.right}\n")
        return locate(fasta, organism=organism, use_cache=False)


def site_for(organism=None, reference=None, site=None) -> Site:
    """The site from site.json, a reference FASTA (located, cached) or the organism's window."""
    if site:
        return load_site(site)
    if reference:
        return locate(reference, organism=organism)
    if organism:
        return organism_site(organism)
    raise InputError(
        "xbp1 fastq needs --organism human|mouse, --reference REF.fa or --site site.json to know the XBP1 sequence."
    )
