"""Bulk RNA-seq of one sample: negative-binomial gene counts, fragments, reads, FASTQ.

Fragments are uniform along transcripts (length ~ N(250, 40) in [150, 500], never beyond the
transcript); reads are 100 nt from each end with 0.1% substitutions. XBP1 fragments come from the
spliced isoform with the sample's planted probability.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ire1seq.demo.dna import substitute
from ire1seq.demo.fastq import fastq_records, write_gzip
from ire1seq.demo.seeds import stream
from ire1seq.demo.transcriptome import Transcriptome

READ_LENGTH = 100
ERROR_RATE = 0.001
DISPERSION = 0.05
FRAGMENT_MEAN, FRAGMENT_SD, FRAGMENT_MIN, FRAGMENT_MAX = 250, 40, 150, 500


@dataclass(frozen=True)
class BulkSample:
    sample: str
    organism: str
    means: np.ndarray  # expected fragments per gene (catalogue order), planted effects applied
    fraction: float  # planted probability that an XBP1 fragment is spliced
    paired: bool
    strandedness: str  # reverse (dUTP: read 1 antisense) or none (orientation random)
    units: tuple[str, ...] = ("L1",)


@dataclass(frozen=True)
class Fragments:
    index: np.ndarray  # transcript
    start: np.ndarray
    size: np.ndarray


def draw_fragments(sample: BulkSample, tx: Transcriptome) -> Fragments:
    rng = stream("fragments", sample.sample)
    counts = rng.negative_binomial(1 / DISPERSION, 1 / (1 + DISPERSION * sample.means))
    index = np.repeat(np.arange(counts.size), counts)
    xbp1 = np.flatnonzero(index == tx.xbp1u)
    index[xbp1[: rng.binomial(xbp1.size, sample.fraction)]] = tx.xbp1s
    index = index[rng.permutation(index.size)]
    size = np.clip(np.rint(rng.normal(FRAGMENT_MEAN, FRAGMENT_SD, index.size)), FRAGMENT_MIN, FRAGMENT_MAX)
    size = np.minimum(size.astype(int), tx.lengths[index])
    start = np.floor(rng.random(index.size) * (tx.lengths[index] - size + 1)).astype(int)
    return Fragments(index, start, size)


def simulate_bulk(sample: BulkSample, tx: Transcriptome, fastq_dir: Path | None) -> dict:
    """Simulate one sample, write its FASTQ (unless fastq_dir is None), return its XBP1 site truth."""
    frags = draw_fragments(sample, tx)
    flip = stream("orientation", sample.sample).random(frags.index.size) < 0.5
    read1_is_five = flip if sample.strandedness == "none" else np.zeros(frags.index.size, bool)
    five_start, three_start = frags.start, frags.start + frags.size - READ_LENGTH
    starts = [five_start, three_start] if sample.paired else [np.where(read1_is_five, five_start, three_start)]
    spliced, unspliced = tx.informative(frags.index, starts, READ_LENGTH)
    if fastq_dir is not None:
        write_sample_fastq(sample, tx, frags, read1_is_five, fastq_dir)
    return {
        "sample": sample.sample,
        "site_spliced": int(spliced.sum()),
        "site_unspliced": int(unspliced.sum()),
    }


def write_sample_fastq(sample: BulkSample, tx: Transcriptome, frags: Fragments, read1_is_five, fastq_dir: Path):
    rng = stream("errors", sample.sample)
    five, three = tx.fragment_ends(frags.index, frags.start, frags.size, READ_LENGTH)
    mates = [np.where(read1_is_five[:, None], five, three), np.where(read1_is_five[:, None], three, five)]
    mates = [substitute(rng, reads, ERROR_RATE) for reads in mates[: 1 + sample.paired]]
    bounds = np.linspace(0, frags.index.size, len(sample.units) + 1).astype(int)
    for unit, first, last in zip(sample.units, bounds[:-1], bounds[1:]):
        for mate, reads in enumerate(mates, start=1):
            data = fastq_records(sample.sample, reads[first:last], first=first + 1)
            write_gzip(fastq_dir / fastq_name(sample.sample, unit, mate), data)


def fastq_name(sample: str, unit: str, mate: int) -> str:
    return f"{sample}_{unit}_R{mate}.fastq.gz"
