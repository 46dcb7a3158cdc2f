"""One read against the XBP1 site: spliced, unspliced, both (ambiguous) or neither.

Classes are bit flags so that a fragment's class is the OR of its reads' classes: a pair whose
mates disagree becomes AMBIGUOUS without extra logic.

Overhangs are measured outside the union of removed bases, so a read gets the same class
whichever of the seven equivalent placements its aligner chose for the 26-nt gap.
"""

from dataclasses import dataclass

from ire1seq.errors import InputError
from ire1seq.xbp1.site import INTRON, Site, revcomp

NEITHER, SPLICED, UNSPLICED, AMBIGUOUS = 0, 1, 2, 3
_MATCH, _INS, _DEL, _SKIP, _SOFT, _HARD, _EQUAL, _DIFF = 0, 1, 2, 3, 4, 5, 7, 8
_ALIGNED = (_MATCH, _EQUAL, _DIFF)
_CLIPS = (_SOFT, _HARD)
MAX_PROBE_MISMATCHES = 1


@dataclass(frozen=True, slots=True)
class Geometry:
    """The site's integer landmarks for one min_overhang, and the sequences rescue compares."""

    first: int  # first gap start of the window
    last: int  # last gap start
    union: tuple
    core_start: int  # the 20-nt core removed by every placement
    core_end: int
    overhang: int
    reach_left: int  # a block must start at or before this to reach `overhang` left of the union
    reach_right: int  # ... and end at or after this to reach `overhang` right of it
    spliced_probe: str  # spliced molecule: overhang + repeat + overhang around the junction
    left_probe: str  # unspliced: overhang left of the union + repeat + overhang of core
    right_probe: str  # unspliced: overhang of core + repeat + overhang right of the union

    @classmethod
    def of(cls, site: Site, min_overhang: int) -> "Geometry":
        (u0, u1), m = site.union, min_overhang
        first, last = site.window
        if not 1 <= min_overhang <= 100:
            raise InputError(f"--min-overhang {min_overhang} is outside 1-100; use a value such as 8.")
        try:
            spliced = site.bases(u0 - m, u0) + site.bases(first + INTRON, u1 + m)
            left, right = site.bases(u0 - m, last + m), site.bases(u1 - (last - first) - m, u1 + m)
        except ValueError:
            raise InputError(
                f"the XBP1 site on {site.contig} lies within {m} nt of the contig end; "
                "lower --min-overhang or use a reference with the whole XBP1 gene."
            ) from None
        return cls(first, last, (u0, u1), *site.core, m, u0 - m, u1 + m, spliced, left, right)

    @property
    def core(self) -> tuple:
        return self.core_start, self.core_end


def classify_read(read, g: Geometry, rescue: bool = True) -> int:
    """Class of one aligned read, from its CIGAR (then, if clipped and undecided, its sequence).

    The hot loop of quant: integer arithmetic on pysam's CIGAR tuples, one aligned block (the
    commonest read at the site) decided without walking the CIGAR, the sequence never fetched
    unless a soft clip could hide the junction.
    """
    cigar = read.cigartuples
    pos = block_start = read.reference_start
    if len(cigar) == 1:
        return _judge_block(pos, pos + cigar[0][1], False, g)
    after_gap = False
    cls = NEITHER
    for op, length in cigar:
        if op in _ALIGNED:
            pos += length
        elif op == _DEL or op == _SKIP:
            cls |= _judge_block(block_start, pos, after_gap, g)
            after_gap = length == INTRON and g.first <= pos <= g.last and block_start <= g.reach_left
            pos += length
            block_start = pos
    cls |= _judge_block(block_start, pos, after_gap, g)
    if cls == NEITHER and rescue and (cigar[0][0] in _CLIPS or cigar[-1][0] in _CLIPS):
        return rescue_clipped(read, g)
    return cls


def _judge_block(start: int, end: int, after_gap: bool, g: Geometry) -> int:
    """A reference-contiguous aligned block: right arm of a spliced read, or unspliced coverage."""
    reaches = end >= g.reach_right
    covered = (end if end < g.core_end else g.core_end) - (start if start > g.core_start else g.core_start)
    cls = UNSPLICED if covered >= g.overhang and (reaches or start <= g.reach_left) else NEITHER
    return (cls | SPLICED) if after_gap and reaches else cls


def rescue_clipped(read, g: Geometry) -> int:
    """Soft-clipped at the junction: compare aligned + clipped bases with both molecules.

    A right clip is anchored `overhang` bases left of the union, a left clip `overhang` bases right
    of it; the bases from there across the repeat must match the spliced (or unspliced) molecule.
    """
    cigar = [c for c in read.cigartuples if c[0] != _HARD]
    seq = read.query_sequence
    if not seq or not cigar:
        return NEITHER
    cls = NEITHER
    size = len(g.spliced_probe)
    if cigar[-1][0] == _SOFT:
        ref, query, end = _aligned_runs(cigar, read.reference_start)[-1]
        anchor = g.reach_left
        if ref <= anchor < end:
            start = query + anchor - ref
            cls |= _compare(seq[start : start + size], g.spliced_probe, g.left_probe)
    if cigar[0][0] == _SOFT:
        ref, query, end = _aligned_runs(cigar, read.reference_start)[0]
        anchor = g.reach_right
        if ref < anchor <= end and query + anchor - ref >= size:
            stop = query + anchor - ref
            cls |= _compare(seq[stop - size : stop], g.spliced_probe, g.right_probe)
    return cls


def _aligned_runs(cigar, start: int) -> list:
    """(reference start, query start, reference end) of each run of consecutive aligned ops."""
    runs, ref, query, previous = [], start, 0, None
    for op, length in cigar:
        if op in _ALIGNED:
            if previous in _ALIGNED:
                runs[-1][2] += length
            else:
                runs.append([ref, query, ref + length])
            ref += length
            query += length
        elif op in (_INS, _SOFT):
            query += length
        elif op in (_DEL, _SKIP):
            ref += length
        previous = op
    return runs or [[start, 0, start]]


def _compare(segment: str, spliced: str, unspliced: str) -> int:
    if len(segment) != len(spliced):
        return NEITHER
    to_spliced = sum(a != b for a, b in zip(segment, spliced))
    to_unspliced = sum(a != b for a, b in zip(segment, unspliced))
    if to_spliced <= MAX_PROBE_MISMATCHES and to_spliced < to_unspliced:
        return SPLICED
    if to_unspliced <= MAX_PROBE_MISMATCHES and to_unspliced < to_spliced:
        return UNSPLICED
    return NEITHER


def classify_sequence(seq: str, g: Geometry) -> int:
    """An unmapped read: does it contain a junction probe (either orientation)?"""
    if not seq:
        return NEITHER
    cls = NEITHER
    if g.spliced_probe in seq or revcomp(g.spliced_probe) in seq:
        cls |= SPLICED
    for probe in (g.left_probe, g.right_probe):
        if probe in seq or revcomp(probe) in seq:
            cls |= UNSPLICED
    return cls
