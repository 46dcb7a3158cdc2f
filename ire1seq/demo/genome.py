"""Mini genomes: one nuclear contig carrying the demo genes and one mitochondrial contig.

Every gene has one transcript. Other genes are random sequence (GC 48%) split into 2–5 exons by
canonical GT…AG introns; XBP1 is built from the real sequence (see `xbp1.py`) with its 26-nt
intron inside exon 4 and NOT annotated, as in common annotations.
"""

from dataclasses import dataclass, field

import numpy as np

from ire1seq.demo.dna import decode, encode, random_sequence, reverse_complement
from ire1seq.demo.genes import CATALOGUE, Gene
from ire1seq.demo.seeds import stream
from ire1seq.demo.xbp1 import (
    CANONICAL_START,
    EXON_ENDS,
    INTRON,
    DemoSite,
    find_site,
    human_mrna,
    mouse_mrna,
    splice,
)

CONTIGS = {"human": ("22", "MT"), "mouse": ("chr11", "chrM")}
XBP1_STRAND = {"human": "-", "mouse": "+"}
ID_PREFIX = {"human": "DEMOH", "mouse": "DEMOM"}
SITE_FLANK = 12  # nt each side of the intron in the uniqueness check


@dataclass
class GeneModel:
    gene: Gene
    contig: str
    strand: str
    exons: list[np.ndarray]
    introns: list[np.ndarray]
    start: int = 0  # 0-based position of the gene's leftmost base on the contig
    gene_id: str = ""
    transcript_id: str = ""

    @property
    def transcript(self) -> np.ndarray:
        return np.concatenate(self.exons)

    @property
    def premrna(self) -> np.ndarray:
        """Exons and introns on the gene's own strand."""
        parts = [self.exons[0]]
        for intron, exon in zip(self.introns, self.exons[1:]):
            parts += [intron, exon]
        return np.concatenate(parts)

    def exon_spans(self) -> list[tuple[int, int]]:
        """0-based half-open contig intervals of the exons, in transcript order."""
        spans, offset, length = [], 0, len(self.premrna)
        for exon, intron in zip(self.exons, [*self.introns, np.empty(0)]):
            left, right = offset, offset + len(exon)
            spans.append(
                (self.start + left, self.start + right)
                if self.strand == "+"
                else (self.start + length - right, self.start + length - left)
            )
            offset = right + len(intron)
        return spans

    def to_contig(self, position: int) -> int:
        """0-based contig position of 0-based transcript position `position`."""
        for left, right in self.exon_spans():
            if position < right - left:
                return left + position if self.strand == "+" else right - 1 - position
            position -= right - left
        raise IndexError("position beyond the transcript")


@dataclass
class Genome:
    organism: str
    models: list[GeneModel]  # in catalogue order
    contigs: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def xbp1(self) -> GeneModel:
        return next(model for model in self.models if model.gene.category == "xbp1")

    @property
    def site(self) -> DemoSite:
        return find_site(self.xbp1.transcript, CANONICAL_START)


def build_genome(organism: str) -> Genome:
    rng = stream("genome", organism)
    nuclear, mito = CONTIGS[organism]
    models = [_model(rng, gene, organism, nuclear, mito) for gene in CATALOGUE[organism]]
    genome = Genome(organism, models)
    for contig, spacer in ((nuclear, (1000, 3000)), (mito, (100, 400))):
        genome.contigs[contig] = _lay_out(rng, [m for m in models if m.contig == contig], spacer)
    for number, model in enumerate(sorted(models, key=lambda m: (m.contig != nuclear, m.start)), start=1):
        model.gene_id = f"{ID_PREFIX[organism]}{number:05d}"
        model.transcript_id = f"{ID_PREFIX[organism]}T{number:05d}"
    check_site(genome)
    return genome


def _model(rng, gene: Gene, organism: str, nuclear: str, mito: str) -> GeneModel:
    if gene.category == "xbp1":
        mrna = human_mrna(rng) if organism == "human" else mouse_mrna(rng)
        exons = np.split(mrna, EXON_ENDS)
        return GeneModel(gene, nuclear, XBP1_STRAND[organism], exons, [_intron(rng) for _ in exons[1:]])
    if gene.category == "mito":
        return GeneModel(gene, mito, "+", [random_sequence(rng, int(rng.integers(800, 1600)))], [])
    n_exons, length = int(rng.integers(2, 6)), int(rng.integers(800, 2501))
    cuts = np.sort(rng.choice(np.arange(100, length - 100, 100), size=n_exons - 1, replace=False))
    exons = np.split(random_sequence(rng, length), cuts)
    return GeneModel(gene, nuclear, str(rng.choice(["+", "-"])), exons, [_intron(rng) for _ in exons[1:]])


def _intron(rng) -> np.ndarray:
    """Canonical GT…AG intron of 150–800 nt."""
    return np.concatenate([encode("GT"), random_sequence(rng, int(rng.integers(146, 797))), encode("AG")])


def _lay_out(rng, models: list[GeneModel], spacer: tuple[int, int]) -> np.ndarray:
    """Genes in random order separated by random spacers; sets each model's start."""
    parts, position = [], 0
    for index in rng.permutation(len(models)):
        model = models[index]
        gap = random_sequence(rng, int(rng.integers(*spacer)))
        model.start = position + len(gap)
        body = model.premrna if model.strand == "+" else reverse_complement(model.premrna)
        parts += [gap, body]
        position = model.start + len(body)
    parts.append(random_sequence(rng, int(rng.integers(*spacer))))
    return np.concatenate(parts)


def site_sequences(genome: Genome) -> tuple[str, str]:
    """The 26-nt intron with flanks (unspliced) and the spliced junction with the same flanks."""
    site, mrna = genome.site, genome.xbp1.transcript
    unspliced = decode(mrna[site.first - SITE_FLANK : site.last + INTRON + SITE_FLANK])
    spliced = decode(splice(mrna, site)[site.first - SITE_FLANK : site.last + SITE_FLANK])
    return unspliced, spliced


def count_occurrences(text: str, pattern: str) -> int:
    """Overlapping occurrences of pattern in text."""
    count, position = 0, text.find(pattern)
    while position >= 0:
        count, position = count + 1, text.find(pattern, position + 1)
    return count


def check_site(genome: Genome) -> None:
    """The intron + flanks occur once on either strand and the spliced junction nowhere.

    The fixed seed satisfies this; the check guards against edits to the generator.
    """
    strands = [decode(seq) for seq in genome.contigs.values()]
    strands += [decode(reverse_complement(seq)) for seq in genome.contigs.values()]
    strands += [decode(m.transcript) for m in genome.models]
    text = "|".join(strands)
    unspliced, spliced = site_sequences(genome)
    found = count_occurrences(text, unspliced), count_occurrences(text, spliced)
    if found != (2, 0):  # once in the contig, once in the XBP1 transcript
        raise RuntimeError(f"{genome.organism} demo genome: XBP1 site found {found}, expected (2, 0)")
