"""Bulk XBP1 splicing: spliced / unspliced / ambiguous fragments per sample (docs/xbp1.md).

A fragment (read pair or single read) is counted once: its class is the OR of its mates'
classes, so overlapping mates that agree count once and mates that disagree are ambiguous.
"""

from ire1seq.xbp1.alignments import Options, as_list, classified_reads, mate_key, open_alignment, reading, resolve_contig
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.stats import READOUT, readout

COUNTS = ["sample", "spliced", "unspliced", "ambiguous"]
BULK_COLUMNS = COUNTS + READOUT


def fragment_counts(bam_path, site, options: Options, index=None, reference=None, g=None) -> dict:
    """class -> fragments in one file; whole fragments are counted directly, mates via their name."""
    g = g or Geometry.of(site, options.min_overhang)
    counts, mates, key = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}, {}, mate_key(g, options)
    with open_alignment(bam_path, index, reference) as bam, reading(bam_path):
        contig = resolve_contig(bam, site, bam_path)
        for read, cls in classified_reads(bam, contig, g, options):
            name = key(read)
            if name is None:
                counts[cls] += 1
            else:
                mates[name] = mates.get(name, 0) | cls
    for cls in mates.values():
        counts[cls] += 1
    return counts


def bulk_row(sample: str, totals: dict, min_informative: int = 10) -> dict:
    """One sample's row of the bulk table from its class -> fragments totals."""
    counts = {"sample": sample, "spliced": totals[SPLICED], "unspliced": totals[UNSPLICED], "ambiguous": totals[AMBIGUOUS]}
    return counts | readout(totals[SPLICED], totals[UNSPLICED], min_informative)


def quant_bulk(bams, site, sample: str, options: Options = Options(), indexes=None, reference=None, min_informative: int = 10) -> dict:
    """One sample's row (BULK_COLUMNS) from one or more BAM/CRAM files of that sample."""
    bams = as_list(bams, 1)
    g = Geometry.of(site, options.min_overhang)
    totals = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}
    for bam, index in zip(bams, as_list(indexes, len(bams))):
        for cls, count in fragment_counts(bam, site, options, index, reference, g).items():
            totals[cls] += count
    return bulk_row(sample, totals, min_informative)
