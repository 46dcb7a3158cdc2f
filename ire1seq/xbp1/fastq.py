"""XBP1 splicing straight from FASTQ: every read classified by its sequence, no aligner.

The counting rules of docs/xbp1.md translated to the transcript. With the site's Geometry (min_overhang m), a read is
spliced when it contains the spliced probe (m bases before the union, the repeat, m bases after
it: the junction with ≥ m nt on each side) and unspliced when it contains a left or right
unspliced probe (m bases of the 20-nt core with the repeat and m bases beyond the union). Reads
are matched on both strands with at most one mismatch over the probe, so sequencing
errors cost about as many spliced as unspliced reads. Mates are OR-ed as in BAM mode: a pair whose
mates disagree is ambiguous. Per cell (10x: R1 = barcode + UMI, R2 = cDNA) each molecule takes
the majority class of its reads, as in `quant --per-cell`.

Speed: one compiled pass per file pair parses the records (checking their structure and the
mates' names) and tests every k-mer of the sequence lines against a bitmap of the probes' k-mers
(pigeonhole: a probe with one mismatch keeps one half exact); quality lines are skipped by length,
never read. Only the rare candidate reads are compared base by base with the probes.
"""

import functools
import tempfile
from collections import defaultdict
from pathlib import Path

import numpy as np
from isal import igzip, igzip_threaded
from numpy.lib.stride_tricks import sliding_window_view

from ire1seq.chemistry import CHEMISTRY
from ire1seq.errors import InputError
from ire1seq.io import is_gzipped
from ire1seq.xbp1.cells import cell_table
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.quant import bulk_row, tally
from ire1seq.xbp1.site import Site, as_site, known_sites, load_site, locate, revcomp

MIN_OVERHANG = 4  # probes of 2 * 4 + 6 = 14 nt at least
BLOCK = 1 << 23  # decompressed bytes read per refill (8 MB per file)
CAPACITY = 1 << 16  # candidate reads returned per kernel call

_LUT = np.full(256, 255, dtype=np.uint8)
for _code, _bases in enumerate((b"Aa", b"Cc", b"Gg", b"Tt")):
    _LUT[list(_bases)] = _code
_NL = ord("\n")


# --- the site and its probes ----------------------------------------------------------------


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


class Probes:
    """The three probes on both strands as base codes, and the bitmap of their k-mers.

    Pigeonhole: a probe with one mismatch keeps an exact run of half its length; a run of k + 3
    bases holds a k-mer at one of every four positions, so the filter tests every fourth.
    """

    def __init__(self, site: Site, min_overhang: int = 8):
        if min_overhang < MIN_OVERHANG:
            raise InputError(
                f"--min-overhang {min_overhang} is below {MIN_OVERHANG}: probes that short match unrelated reads; use 8."
            )
        g = self.geometry = Geometry.of(site, min_overhang)
        named = [(g.spliced_probe, SPLICED), (g.left_probe, UNSPLICED), (g.right_probe, UNSPLICED)]
        oriented = [(seq.encode(), kind) for probe, kind in named for seq in (probe, revcomp(probe))]
        self.codes = np.array([_LUT[np.frombuffer(s, np.uint8)] for s, _ in oriented], dtype=np.uint8)
        self.kinds = np.array([kind for _, kind in oriented], dtype=np.uint8)
        self.k = 8 if self.codes.shape[1] // 2 >= 11 else 4
        weights = 4 ** np.arange(self.k - 1, -1, -1, dtype=np.int64)
        grid = [(np.frombuffer(seq, np.uint8) >> 1) & 3 for seq, _ in oriented]  # filter code: A0 C1 T2 G3
        self.kmers = np.array([sliding_window_view(g, self.k) @ weights for g in grid], dtype=np.int64)
        self.table = np.zeros(4**self.k // 8, dtype=np.uint8)
        np.bitwise_or.at(self.table, self.kmers.ravel() >> 3, (1 << (self.kmers.ravel() & 7)).astype(np.uint8))


# --- reading files --------------------------------------------------------------------------


def _open(path: Path, threads: int):
    if not is_gzipped(path):
        return open(path, "rb")
    return igzip_threaded.open(path, "rb", threads=1) if threads > 1 else igzip.open(path, "rb")


class _Fastq:
    """One FASTQ file (plain or gzip) read in blocks into one reusable buffer."""

    def __init__(self, path, threads: int = 1):
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(
                f"FASTQ file {self.path} does not exist; check the path (units.tsv fq1/fq2 or the command line)."
            )
        self.handle = _open(self.path, threads)
        self.buf = np.empty(2 * BLOCK, dtype=np.uint8)
        self.start = self.end = self.records = 0
        self.eof = False

    def close(self):
        self.handle.close()

    def line(self, record: int, line: int = 0) -> int:
        """1-based line number of a record's line, `record` counted from the buffer's start."""
        return 4 * (self.records + record) + line

    def refill(self) -> None:
        """Move the unparsed tail to the front and read up to a block more."""
        tail = self.end - self.start
        if tail + BLOCK > len(self.buf):
            self.buf = np.concatenate([self.buf, np.empty(len(self.buf), dtype=np.uint8)])
        self.buf[:tail] = self.buf[self.start : self.end]
        self.start, self.end = 0, tail
        view = memoryview(self.buf)
        try:
            while self.end < tail + BLOCK and (n := self.handle.readinto(view[self.end : tail + BLOCK])):
                self.end += n
            else:
                self.eof = self.end < tail + BLOCK
        except EOFError:
            raise InputError(
                f"FASTQ file {self.path} is truncated: its gzip stream ends without an end marker "
                f"after line {self._lines_read()}. Copy or download the file again."
            ) from None
        except (OSError, ValueError) as err:
            raise InputError(
                f"FASTQ file {self.path} could not be decompressed near line {self._lines_read()} ({err}); "
                "give a plain or gzipped FASTQ file."
            ) from None
        if self.eof and self.end > tail and self.buf[self.end - 1] != _NL:
            self.buf[self.end] = _NL  # a last line without its newline
            self.end += 1

    def _lines_read(self) -> int:
        return 4 * self.records + int(np.count_nonzero(self.buf[self.start : self.end] == _NL))

    def exhausted(self) -> bool:
        """At the end of the file with nothing but whitespace left."""
        while not self.eof and self.start == self.end:
            self.refill()
        return self.eof and not bytes(self.buf[self.start : self.end]).strip()


_PROBLEMS = (
    "does not start with '@' (a FASTQ record has 4 lines: @name, sequence, +, qualities)",
    "is not the '+' separator line of a FASTQ record",
    "has a quality line whose length differs from the sequence's",
)  # kernel statuses BAD_HEADER, BAD_PLUS, BAD_QUALITY


def _format_error(status, fastq: _Fastq, record: int, line: int, mate1: _Fastq) -> InputError:
    from ire1seq.xbp1 import fastq_kernel as kernel

    at = fastq.line(record, line)
    if status == kernel.BAD_NAMES:
        return InputError(
            f"FASTQ files {mate1.path} and {fastq.path} disagree at line {at}: read names differ, so the "
            "mates are out of order or the files are not the two mates of one unit. Give R1 and R2 of "
            "the same unit, both in their original order."
        )
    return InputError(
        f"FASTQ file {fastq.path}: line {at} {_PROBLEMS[status - kernel.BAD_HEADER]}. The file is not a FASTQ file or is "
        "damaged; give a (gzipped) FASTQ with four lines per read."
    )


def _ended(first: _Fastq, other: _Fastq, paired: bool) -> bool:
    """`first` has no complete record left: True at its clean end, else refill it (or raise)."""
    if not first.eof:
        first.refill()
        return False
    if not first.exhausted():
        raise InputError(
            f"FASTQ file {first.path} ends in the middle of a read at line {first.line(0, 1)}: the file is "
            "truncated. Copy or download it again."
        )
    if paired and not other.exhausted():
        raise InputError(
            f"FASTQ files {first.path} and {other.path} have different numbers of reads: {first.path} "
            f"ends after {first.records} reads (line {first.line(0)}) while {other.path} goes on at line "
            f"{other.line(0, 1)}. Give the two complete mate files of one unit."
        )
    return True


def scan(fq1, fq2, probes: Probes, classify=(True, True), threads: int = 1):
    """Yield (candidates, mate-1 buffer) per pass: rows (record, class, mate-1 sequence start, class
    of mate 1, of mate 2, length of mate 1, of mate 2 or 0)."""
    from ire1seq.xbp1 import fastq_kernel as kernel

    paired = fq2 is not None
    files = [_Fastq(fq1, threads)] + ([_Fastq(fq2, threads)] if paired else [])
    one, two = files[0], files[-1]
    empty = np.empty(0, dtype=np.uint8)
    out = np.empty((CAPACITY, 7), dtype=np.int64)
    try:
        while True:
            status, mate, line, s1, s2, parsed, found = kernel.scan(
                one.buf, one.start, one.end, two.buf if paired else empty, two.start, two.end, paired,
                classify[0], classify[1] and paired, _LUT, probes.table, probes.k, probes.kmers, probes.codes, probes.kinds, out,
            )  # fmt: skip
            rows = out[:found].copy()
            rows[:, 0] += one.records
            yield rows, one.buf
            one.start = s1
            if status > kernel.FULL:
                raise _format_error(status, files[mate - 1], parsed, line, one)
            one.records += parsed
            if paired:
                two.start = s2
                two.records += parsed
            if status == kernel.NEED1 and _ended(one, two, paired):
                return
            if status == kernel.NEED2 and _ended(two, one, paired):
                return
    finally:
        for f in files:
            f.close()


def _as_units(fq1s, fq2s) -> list:
    fq1s = [fq1s] if isinstance(fq1s, (str, Path)) else list(fq1s)
    fq2s = [None] * len(fq1s) if not fq2s else [fq2s] if isinstance(fq2s, (str, Path)) else list(fq2s)
    if len(fq2s) != len(fq1s):
        raise InputError(
            f"{len(fq1s)} R1 files but {len(fq2s)} R2 files were given; give one R2 per R1, in the same order."
        )
    return list(zip(fq1s, fq2s))


# --- bulk and per-cell readouts -------------------------------------------------------------


def fragment_counts(fq1, fq2, probes: Probes, threads: int = 1, reads=None) -> dict:
    """class -> fragments (read pairs or single reads) of one unit; `reads` (added to in place when
    given) gets (class, read length, mate length) -> informative reads of spliced and unspliced
    fragments, as in BAM mode."""
    totals = np.zeros(4, dtype=np.int64)
    reads = {} if reads is None else reads
    for rows, _ in scan(fq1, fq2, probes, threads=threads):
        totals += np.bincount(rows[:, 1], minlength=4)
        for mate, length, other in ((3, 5, 6), (4, 6, 5)):
            agree = (rows[:, mate] == rows[:, 1]) & (rows[:, 1] != AMBIGUOUS)
            keys, n = np.unique(rows[agree][:, [1, length, other]], axis=0, return_counts=True)
            for (cls, read_length, mate_length), count in zip(keys.tolist(), n.tolist()):
                tally(reads, (cls, read_length, mate_length), count)
    return {SPLICED: int(totals[SPLICED]), UNSPLICED: int(totals[UNSPLICED]), AMBIGUOUS: int(totals[AMBIGUOUS])}


def quant_fastq(
    fq1s,
    fq2s,
    site: Site,
    sample: str,
    min_overhang: int = 8,
    min_informative: int = 10,
    threads: int = 1,
    read_starts: str = "uniform",
) -> dict:
    """One sample's row (the columns of `xbp1 quant`) from its units' FASTQ files."""
    probes = Probes(site, min_overhang)
    totals, reads = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}, {}
    for fq1, fq2 in _as_units(fq1s, fq2s):
        for cls, count in fragment_counts(fq1, fq2, probes, threads, reads).items():
            totals[cls] += count
    return bulk_row(sample, totals, min_informative, g=probes.geometry, reads=reads, read_starts=read_starts)


def _barcode_lookup(barcodes) -> dict:
    """Listed barcode without a `-1`-style suffix -> barcode as listed."""
    return {b.split("-")[0]: b for b in barcodes}


def _correct(barcode: str, listed: dict):
    """The listed barcode, exactly or at the single substitution that makes it unique, else None."""
    if barcode in listed:
        return listed[barcode]
    near = {
        listed[v]
        for i in range(len(barcode))
        for base in "ACGT"
        if (v := barcode[:i] + base + barcode[i + 1 :]) in listed
    }
    return near.pop() if len(near) == 1 else None


def umi_classes(
    fq1, fq2, probes: Probes, chemistry: str = "10xv3", listed=None, threads: int = 1, umis=None, reads=None
) -> dict:
    """(barcode, UMI) -> reads per class [_, spliced, unspliced, ambiguous] of one 10x unit, added to
    `umis` when given; `reads` gets (barcode, UMI, class, cDNA read length, 0) -> reads."""
    if chemistry not in CHEMISTRY:
        raise InputError(
            f"chemistry {chemistry!r} is not one of {', '.join(CHEMISTRY)}; set it in units.tsv or --chemistry."
        )
    if fq2 is None:
        raise InputError(f"per-cell mode needs R1 (barcode + UMI) and R2 (cDNA); only {fq1} was given.")
    cb, umi = CHEMISTRY[chemistry]
    umis = defaultdict(lambda: [0, 0, 0, 0]) if umis is None else umis
    reads = {} if reads is None else reads
    for rows, buf in scan(fq1, fq2, probes, classify=(False, True), threads=threads):
        for _, cls, start, _, _, _, length in rows.tolist():
            tag = bytes(buf[start : start + cb + umi]).decode("ascii", "replace")
            barcode = tag[:cb] if listed is None else _correct(tag[:cb], listed)
            if barcode is not None and len(tag) == cb + umi:
                umis[barcode, tag[cb:]][cls] += 1
                tally(reads, (barcode, tag[cb:], cls, length, 0))
    return umis


def quant_fastq_cells(
    fq1s,
    fq2s,
    site: Site,
    sample: str,
    chemistry: str = "10xv3",
    barcodes=None,
    min_overhang: int = 8,
    threads: int = 1,
    read_starts: str = "uniform",
) -> list:
    """Per-cell UMI counts (columns of `quant --per-cell`): each UMI takes its reads' majority class.

    Barcodes are matched to the list (exactly, or at one unique substitution); without a list,
    every barcode seen at the site is reported as read.
    """
    probes = Probes(site, min_overhang)
    listed = None if barcodes is None else _barcode_lookup(barcodes)
    umis, reads = defaultdict(lambda: [0, 0, 0, 0]), {}
    for fq1, fq2 in _as_units(fq1s, fq2s):
        umi_classes(fq1, fq2, probes, chemistry, listed, threads, umis, reads)
    return cell_table(umis, sample, barcodes, g=probes.geometry, reads=reads, read_starts=read_starts)


def run_fastq(*, fq1s, fq2s, site, sample: str, min_overhang: int = 8, min_informative: int = 10,
              threads: int = 1, read_starts: str = "uniform", out=None) -> None:  # fmt: skip
    """Workflow step (and `ire1seq xbp1 fastq`): one sample's bulk row, to `out` or stdout."""
    from ire1seq.io import write_rows
    from ire1seq.xbp1.quant import BULK_COLUMNS

    row = quant_fastq(fq1s, fq2s, as_site(site), sample, min_overhang, min_informative, threads, read_starts)
    write_rows([row], BULK_COLUMNS, out)


def run_fastq_cells(*, fq1s, fq2s, site, sample: str, chemistry: str, barcodes=None, min_overhang: int = 8,
                    threads: int = 1, read_starts: str = "uniform", out=None) -> None:  # fmt: skip
    """Workflow step (and `ire1seq xbp1 fastq --per-cell`): UMIs per cell (`barcodes`: the list's file)."""
    from ire1seq.io import write_rows
    from ire1seq.xbp1.cells import CELL_COLUMNS, read_barcodes

    listed = read_barcodes(barcodes) if barcodes else None
    rows = quant_fastq_cells(fq1s, fq2s, as_site(site), sample, chemistry, listed, min_overhang, threads, read_starts)
    write_rows(rows, CELL_COLUMNS, out)
