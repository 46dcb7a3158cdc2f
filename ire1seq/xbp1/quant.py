"""Bulk XBP1 splicing: spliced / unspliced / ambiguous fragments per sample (docs/xbp1.md).

A fragment (read pair or single read) is counted once: its class is the OR of its mates'
classes, so overlapping mates that agree count once and mates that disagree are ambiguous. The
informative reads of spliced and unspliced fragments are tallied by length too: they turn the
fraction of fragments into the fraction of molecules (ire1seq.xbp1.positions).
"""

from ire1seq.xbp1.alignments import (
    Options,
    as_list,
    classified_reads,
    mate_key,
    open_alignment,
    reading,
    resolve_contig,
)
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.positions import length_reader, sample_ratio
from ire1seq.xbp1.stats import READOUT, readout

BULK_COUNT_COLUMNS = ["sample", "spliced", "unspliced", "ambiguous"]
BULK_COLUMNS = BULK_COUNT_COLUMNS + READOUT


def bam_fragment_counts(bam_path, site, options: Options, *, index=None, reference=None, g=None, reads=None) -> dict:
    """class -> fragments in one file; whole fragments are counted directly, mates via their name.

    `reads` (a dict, added to in place when given): (class, read length, mate length) -> informative
    reads of the spliced and unspliced fragments; a read of an ambiguous fragment is not tallied.
    """
    g = g or Geometry.of(site, options.min_overhang)
    reads = {} if reads is None else reads
    counts, mates, key = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}, {}, mate_key(g, options)
    lengths = length_reader()
    with open_alignment(bam_path, index, reference) as bam, reading(bam_path):
        contig = resolve_contig(bam, site, bam_path)
        for read, cls in classified_reads(bam, contig, g, options):
            name = key(read)
            if name is None:
                counts[cls] += 1
                if cls != AMBIGUOUS:
                    tally(reads, (cls, *lengths(read)))
            elif name in mates:
                entry = mates[name]
                entry[0] |= cls
                entry.append((cls, *lengths(read)))
            else:
                mates[name] = [cls, (cls, *lengths(read))]
    for cls, *keys in mates.values():
        counts[cls] += 1
        for read_key in keys:
            if cls != AMBIGUOUS and read_key[0] == cls:
                tally(reads, read_key)
    return counts


def tally(reads: dict, key, n: int = 1) -> None:
    reads[key] = reads.get(key, 0) + n


def bulk_row(
    sample: str,
    totals: dict,
    min_informative: int = 10,
    *,
    g: Geometry = None,
    reads=None,
    read_starts: str = "uniform",
) -> dict:
    """One sample's row of the bulk table from its class -> fragments totals and, for the molecular
    columns, the site geometry, its informative-read tally (see bam_fragment_counts) and where reads
    start (positions.sample_ratio)."""
    counts = {
        "sample": sample,
        "spliced": totals[SPLICED],
        "unspliced": totals[UNSPLICED],
        "ambiguous": totals[AMBIGUOUS],
    }
    ratio = sample_ratio(g, totals, reads, read_starts) if g is not None and reads is not None else float("nan")
    return counts | readout(totals[SPLICED], totals[UNSPLICED], min_informative, ratio)


def quant_bulk(
    bams,
    site,
    sample: str,
    options: Options = Options(),
    *,
    indexes=None,
    reference=None,
    min_informative: int = 10,
    read_starts: str = "uniform",
) -> dict:
    """One sample's row (BULK_COLUMNS) from one or more BAM/CRAM files of that sample."""
    bams = as_list(bams, 1)
    g = Geometry.of(site, options.min_overhang)
    totals, reads = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}, {}
    for bam, index in zip(bams, as_list(indexes, len(bams))):
        for cls, count in bam_fragment_counts(
            bam, site, options, index=index, reference=reference, g=g, reads=reads
        ).items():
            totals[cls] += count
    return bulk_row(sample, totals, min_informative, g=g, reads=reads, read_starts=read_starts)
