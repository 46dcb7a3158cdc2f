"""Paired-end XBP1 reads at a planted spliced fraction, with the realized truth of docs/xbp1.md.

Built from the demo generator's own parts (genome, transcriptome, fragment draw, substitutions,
FASTQ writer), so the reads come from the same XBP1u / XBP1s transcripts as the demo cohort and the
truth is counted with the same definition of "informative" (`Transcriptome.informative`).
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ire1seq.demo.bulk import READ_LENGTH, BulkSample, draw_fragments
from ire1seq.demo.dna import substitute
from ire1seq.demo.fastq import fastq_records, write_gzip
from ire1seq.demo.genome import build_genome
from ire1seq.demo.reference import write_reference
from ire1seq.demo.seeds import stream
from ire1seq.demo.transcriptome import Transcriptome, transcriptome


@dataclass(frozen=True)
class Truth:
    planted: float
    fragments: int  # XBP1 fragments simulated
    spliced: int  # informative fragments of XBP1s (docs/xbp1.md, transcript coordinates)
    unspliced: int  # informative fragments of XBP1u

    @property
    def realized(self) -> float:
        informative = self.spliced + self.unspliced
        return self.spliced / informative if informative else float("nan")


def reference(organism: str, directory: Path) -> tuple[Path, Path, Transcriptome]:
    """The demo genome of `organism` written to `directory`: FASTA, GTF and its transcriptome."""
    genome = build_genome(organism)
    write_reference(genome, directory)
    return directory / f"{organism}.fa", directory / f"{organism}.gtf", transcriptome(genome)


def simulate(
    name: str, organism: str, tx: Transcriptome, fraction: float, fragments: int, error_rate: float, out: Path
) -> tuple[list[Path], dict]:
    """Write `{name}_R1/R2.fastq.gz` (dUTP-stranded pairs, 100 nt) of XBP1 fragments only.

    `fragments` is the mean of the demo's negative-binomial draw; each fragment is XBP1s with
    probability `fraction`. Reads carry uniform substitutions at `error_rate`. Returns the FASTQ
    paths and the truth for the pairs ("pairs") and for read 1 alone ("read1", single-end use).
    """
    means = np.zeros(tx.lengths.size - 1)  # the catalogue's genes; the last transcript is XBP1s
    means[tx.xbp1u] = fragments
    sample = BulkSample(name, organism, means, fraction, paired=True, strandedness="reverse")
    frags = draw_fragments(sample, tx)
    five, three = tx.fragment_ends(frags.index, frags.start, frags.size, READ_LENGTH)
    rng = stream("accuracy-errors", name)
    paths = []
    for mate, reads in enumerate((three, five), start=1):  # dUTP: read 1 antisense to XBP1
        path = out / f"{name}_R{mate}.fastq.gz"
        write_gzip(path, fastq_records(name, substitute(rng, reads, error_rate)))
        paths.append(path)
    three_start = frags.start + frags.size - READ_LENGTH
    truths = {}
    for mates, starts in (("pairs", [frags.start, three_start]), ("read1", [three_start])):
        spliced, unspliced = tx.informative(frags.index, starts, READ_LENGTH)
        truths[mates] = Truth(fraction, int(frags.index.size), int(spliced.sum()), int(unspliced.sum()))
    return paths, truths
