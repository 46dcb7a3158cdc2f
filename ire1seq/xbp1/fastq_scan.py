"""Reading FASTQ for `xbp1 fastq`: the probes of the site, and one pass per file pair.

Speed: one compiled pass per file pair parses the records (checking their structure and the
mates' names) and tests every k-mer of the sequence lines against a bitmap of the probes' k-mers
(pigeonhole: a probe with one mismatch keeps one half exact); quality lines are skipped by length,
never read. Only the rare candidate reads are compared base by base with the probes.
"""

from pathlib import Path

import numpy as np
from isal import igzip, igzip_threaded
from numpy.lib.stride_tricks import sliding_window_view

from ire1seq.errors import InputError
from ire1seq.io import is_gzipped
from ire1seq.xbp1.classify import SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.site import Site, revcomp

MIN_OVERHANG = 4  # probes of 2 * 4 + 6 = 14 nt at least
BLOCK = 1 << 23  # decompressed bytes read per refill (8 MB per file)
CAPACITY = 1 << 16  # candidate reads returned per kernel call

_LUT = np.full(256, 255, dtype=np.uint8)
for _code, _bases in enumerate((b"Aa", b"Cc", b"Gg", b"Tt")):
    _LUT[list(_bases)] = _code
_NL = ord("\n")


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


def as_units(fq1s, fq2s) -> list:
    fq1s = [fq1s] if isinstance(fq1s, (str, Path)) else list(fq1s)
    fq2s = [None] * len(fq1s) if not fq2s else [fq2s] if isinstance(fq2s, (str, Path)) else list(fq2s)
    if len(fq2s) != len(fq1s):
        raise InputError(
            f"{len(fq1s)} R1 files but {len(fq2s)} R2 files were given; give one R2 per R1, in the same order."
        )
    return list(zip(fq1s, fq2s))
