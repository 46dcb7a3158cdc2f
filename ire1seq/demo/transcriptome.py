"""All transcripts of a demo genome in one array, so reads for a whole sample are one fancy index."""

from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ire1seq.demo.dna import reverse_complement
from ire1seq.demo.genome import Genome
from ire1seq.demo.xbp1 import DemoSite, splice, spliced_informative, unspliced_informative


@dataclass(frozen=True)
class Transcriptome:
    """Transcripts in catalogue order, then spliced XBP1 (not annotated, but expressed)."""

    codes: np.ndarray
    offsets: np.ndarray
    lengths: np.ndarray
    xbp1u: int
    xbp1s: int
    site: DemoSite

    def reads(self, index: np.ndarray, start: np.ndarray, length: int) -> np.ndarray:
        """Sense-strand reads: `length` bases of transcript `index` from `start`."""
        return sliding_window_view(self.codes, length)[self.offsets[index] + start]

    def fragment_ends(self, index, start, size, read_length) -> tuple[np.ndarray, np.ndarray]:
        """The read from a fragment's 5' end (sense) and from its 3' end (antisense)."""
        five = self.reads(index, start, read_length)
        three = reverse_complement(self.reads(index, start + size - read_length, read_length))
        return five, three

    def informative(
        self, index: np.ndarray, starts: list[np.ndarray], read_length: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Per fragment: has a read informative for the spliced / for the unspliced isoform.

        `starts` holds the transcript start of every read each fragment has (one array per read).
        """
        spliced = np.zeros(index.size, bool)
        unspliced = np.zeros(index.size, bool)
        for start in starts:
            spliced |= spliced_informative(start, start + read_length, self.site)
            unspliced |= unspliced_informative(start, start + read_length, self.site)
        return spliced & (index == self.xbp1s), unspliced & (index == self.xbp1u)


def transcriptome(genome: Genome) -> Transcriptome:
    transcripts = [model.transcript for model in genome.models]
    xbp1u = next(i for i, model in enumerate(genome.models) if model.gene.category == "xbp1")
    transcripts.append(splice(transcripts[xbp1u], genome.site))
    lengths = np.array([len(t) for t in transcripts])
    offsets = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    return Transcriptome(np.concatenate(transcripts), offsets, lengths, xbp1u, len(transcripts) - 1, genome.site)
