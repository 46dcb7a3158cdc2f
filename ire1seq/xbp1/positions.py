"""Informative read positions: from fractions of fragments to the fraction of XBP1 molecules.

A read of L nt is informative at fewer start positions on a spliced molecule than on an unspliced
one (the junction needs `min_overhang` nt on both sides; the unspliced read may cover either end of
the core), so spliced molecules are under-counted among informative fragments, more so the shorter
the reads. As rMATS normalises inclusion and skipping reads by their effective lengths, each
informative read is weighted by the inverse of the positions at which its molecule could have given
it (docs/xbp1.md, "Molecules").

Reads, not fragments, are weighted: under uniform read starts each mate of a pair is itself a
uniformly placed read, so the expected number of informative reads per molecule is the sum over
mates of their positions, whatever the fragment length; the fragment length only decides how often
both mates of one fragment are informative, and that enters through the fragment counts. Per cell,
the same holds for the reads of a UMI, however many copies were sequenced.

Standard library only (the XBP1 counting path stays lean).
"""

import math
from functools import lru_cache

from ire1seq.xbp1.classify import SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.site import INTRON

READ_STARTS = ("uniform", "anchored")


def _interval(first: int, last: int) -> tuple:
    return (first, last) if last >= first else None


@lru_cache(maxsize=4096)
def read_starts(g: Geometry, length: int) -> tuple:
    """(spliced, unspliced): start positions at which a read of `length` nt is informative.

    Molecule coordinates of the unspliced molecule (reference bases, 0-based). Spliced: the read
    spans `min_overhang` nt left of the union, the bases left of the removed 26 nt and
    `min_overhang` nt right of the union. Unspliced: it covers `min_overhang` nt of the core and
    reaches `min_overhang` nt beyond the union on the left (starts in `left`) or on the right
    (starts in `right`); a start in both is counted once. The same landmarks as classify_read and
    the FASTQ probes, so the counts are those of the classifier (tests/test_xbp1_positions.py).
    """
    if length <= 0:
        return 0, 0
    span = (g.reach_right - INTRON) - g.reach_left
    spliced = max(0, length - span + 1)
    if g.core_end - g.core_start < g.overhang:
        return spliced, 0
    left = _interval(g.core_start + g.overhang - length, g.reach_left)
    right = _interval(g.reach_right - length, g.core_end - g.overhang)
    parts = sorted(p for p in (left, right) if p)
    unspliced = sum(last - first + 1 for first, last in parts)
    if len(parts) == 2 and parts[1][0] <= parts[0][1]:
        unspliced -= parts[0][1] - parts[1][0] + 1
    return spliced, unspliced


def length_reader():
    """read -> (read length, mate length; 0 when unpaired) of aligned reads of one file, soft clips
    included.

    The mate's length comes from its CIGAR in the MC tag when the file has them (judged on its first
    paired read: an aligner writes MC on every pair or on none), else it is taken to equal the
    read's own. One call per informative read, so it stays cheap.
    """
    has_mc = None

    def lengths(read) -> tuple:
        nonlocal has_mc
        length = read.query_length or read.infer_query_length() or 0  # no SEQ: from the CIGAR
        if not read.flag & 1:
            return length, 0
        if has_mc is None:
            has_mc = read.has_tag("MC")
        if has_mc and read.has_tag("MC"):
            return length, _cigar_query_length(read.get_tag("MC"))
        return length, length

    return lengths


def _cigar_query_length(cigar: str) -> int:
    total, number = 0, 0
    for char in cigar:
        if char.isdigit():
            number = number * 10 + ord(char) - 48
        else:
            total += number if char in "MIS=X" else 0
            number = 0
    return total


def fragment_starts(g: Geometry, length: int, mate: int) -> tuple:
    """(spliced, unspliced) informative reads expected per molecule and position: both mates' starts."""
    one, two = read_starts(g, length), read_starts(g, mate)
    return one[0] + two[0], one[1] + two[1]


def sample_ratio(g: Geometry, units: dict, reads: dict, read_starts: str = "uniform") -> float:
    """The detection ratio of a sample whose reads start `uniform`ly around the site (the usual
    random fragmentation: detection_ratio), or at fixed places that span it (`anchored`: targeted or
    amplicon designs, where either isoform is seen alike: 1)."""
    if read_starts not in READ_STARTS:
        raise ValueError(f"read_starts must be one of {READ_STARTS}, not {read_starts!r}")
    return 1.0 if read_starts == "anchored" else detection_ratio(g, units, reads)


def detection_ratio(g: Geometry, units: dict, reads: dict) -> float:
    """ρ: informative units (fragments, UMIs) per spliced molecule over those per unspliced one.

    `units`: class -> informative units; `reads`: (class, length, mate length) -> informative reads
    of units of that class (mate length 0 for single reads). Per class, Ē = units / Σ reads/positions
    (the units a molecule yields, Horvitz-Thompson); ρ = Ē_spliced / Ē_unspliced. When one class
    has no units its reads cannot say how it is sampled: ρ then comes from the other class's read
    lengths (same lengths, same units per read). NaN without reads.
    """
    weights = {SPLICED: 0.0, UNSPLICED: 0.0}
    cross = {SPLICED: 0.0, UNSPLICED: 0.0}  # Σ n · positions of the other class / own positions
    counted = {SPLICED: 0, UNSPLICED: 0}
    for (cls, length, mate), n in reads.items():
        positions = fragment_starts(g, length, mate)
        own, other = (positions[0], positions[1]) if cls == SPLICED else (positions[1], positions[0])
        if own <= 0:
            continue  # a read shorter than any informative geometry (e.g. hard-clipped): no weight
        weights[cls] += n / own
        cross[cls] += n * other / own
        counted[cls] += n
    spliced, unspliced = units.get(SPLICED, 0), units.get(UNSPLICED, 0)
    if spliced and unspliced and weights[SPLICED] and weights[UNSPLICED]:
        return (spliced / weights[SPLICED]) / (unspliced / weights[UNSPLICED])
    if counted[UNSPLICED] and cross[UNSPLICED]:
        return cross[UNSPLICED] / counted[UNSPLICED]
    if counted[SPLICED] and cross[SPLICED]:
        return counted[SPLICED] / cross[SPLICED]
    return math.nan
