"""XBP1: the real sequences the demo gene is built from, and the geometry of the 26-nt intron.

Sequences are copied from shared reference-data `xbp1_reconstructed_sequences.fa` (reconstructed
from published primers/probes and checked by translation; see resources/demo/README.md):
`hs_XBP1_unspliced_ATG_to_XBP1s_stop_reconstructed` (human, intron at nt 494-519) and
`mm_Xbp1u_local_17+26+57` (mouse, partial window, intron at nt 18-43).
"""

from dataclasses import dataclass

import numpy as np

from ire1seq.demo.dna import encode, random_sequence

HUMAN_ORF = (
    "ATGGTGGTGGTGGCAGCCGCGCCGAACCCGGCCGACGGGACCCCTAAAGTTCTGCTTCTGTCGGGGCAGCCCGCCTCCGCCGCCGGAGCCCCGG"
    "CCGGCCAGGCCCTGCCGCTCATGGTGCCAGCCCAGAGAGGGGCCAGCCCGGAGGCAGCGAGCGGGGGGCTGCCCCAGGCGCGCAAGCGACAGCG"
    "CCTCACGCACCTGAGCCCCGAGGAGAAGGCGCTGAGGAGGAAACTGAAAAACAGAGTAGCAGCTCAGACTGCCAGAGATCGAAAGAAGGCTCGA"
    "ATGAGTGAGCTGGAACAGCAAGTGGTAGATTTAGAAGAAGAGAACCAAAAACTTTTGCTAGAAAATCAGCTTTTACGAGAGAAAACTCATGGCC"
    "TTGTAGTTGAGAACCAGGAGTTAAGACAGCGCTTGGGGATGGATGCCCTGGTTGCTGAAGAGGAGGCGGAAGCCAAGGGGAATGAAGTGAGGCC"
    "AGTGGCCGGGTCTGCTGAGTCCGCAGCACTCAGACTACGTGCACCTCTGCAGCAGGTGCAGGCCCAGTTGTCACCCCTCCAGAACATCTCCCCA"
    "TGGATTCTGGCGGTATTGACTCTTCAGATTCAGAGTCTGATATCCTGTTGGGCATTCTGGACAACTTGGACCCAGTCATGTTCTTCAAATGCCC"
    "TTCCCCAGAGCCTGCCAGCCTGGAGGAGCTCCCAGAGGTCTACCCAGAAGGACCCAGTTCCTTACCAGCCTCCCTTTCTCTGTCAGTGGGGACG"
    "TCATCAGCCAAGCTGGAAGCCATTAATGAACTAATTCGTTTTGACCACATATATACCAAGCCCCTAGTCTTAGAGATACCCTCTGAGACAGAGA"
    "GCCAAGCTAATGTGGTAGTGAAAATCGAGGAAGCACCTCTCAGCCCCTCAGAGAATGATCACCCTGAATTCATTGTCTCAGTGAAGGAAGAACC"
    "TGTAGAAGATGACCTCGTTCCGGAGCTGGGTATCTCAAATCTGCTTTCATCCAGCCACTGCCCAAAGCCATCTTCCTGCCTACTGGATGCTTAC"
    "AGTGACTGTGGATACGGGGGTTCCCTTTCCCCATTCTCAGACATGTCCTCTCTGCTTGGTGTAAACCATTCTTGGGAGGACACTTTTGCCAATG"
    "AACTCTTTCCCCAGCTGATTAGTGTCTAA"
)
HUMAN_INTRON_START = 493  # 0-based, canonical placement CCG|CAG...CTG|CAG
MOUSE_WINDOW = "CGGGTCTGCTGAGTCCGCAGCACTCAGACTATGTGCACCTCTGCAGCAGGTGCAGGCCCAGTTGTCACCTCCCCAGAACATCTTCCCATGGACTCTGACA"
MOUSE_INTRON_START = 17

INTRON = 26
MIN_OVERHANG = 8
UTR5, UTR3 = 76, 200
# Real human exon boundaries (GRCh37 SpliceAI annotation + the hg19 26-nt junction) mapped onto the
# ORF: exon 1 ends at ORF nt 224, exon 2 at 321, exon 3 at 450, exon 4 at 596; the intron (494-519)
# lies 43 nt into exon 4. The mouse gene uses the same layout.
EXON_ENDS = (UTR5 + 224, UTR5 + 321, UTR5 + 450, UTR5 + 596)
CANONICAL_START = UTR5 + HUMAN_INTRON_START


@dataclass(frozen=True)
class DemoSite:
    """The 26-nt intron in 0-based coordinates of the unspliced mRNA.

    Because of a repeated GCAGCA the gap can start anywhere in [first, last] and give the same
    spliced sequence; `union` = [first, last + 26) is every base some placement removes, `core` =
    [last, first + 26) the bases every placement removes. In spliced coordinates the junction lies
    between first and last.
    """

    first: int
    last: int

    @property
    def union(self) -> tuple[int, int]:
        return self.first, self.last + INTRON

    @property
    def core(self) -> tuple[int, int]:
        return self.last, self.first + INTRON


def find_site(unspliced: np.ndarray, canonical: int) -> DemoSite:
    """All gap starts equivalent to the canonical one (same spliced sequence)."""
    first, last = canonical, canonical
    while unspliced[first - 1] == unspliced[first - 1 + INTRON]:
        first -= 1
    while unspliced[last] == unspliced[last + INTRON]:
        last += 1
    return DemoSite(first, last)


def splice(unspliced: np.ndarray, site: DemoSite) -> np.ndarray:
    return np.concatenate([unspliced[: site.first], unspliced[site.first + INTRON :]])


def human_mrna(rng: np.random.Generator) -> np.ndarray:
    """Unspliced human XBP1 mRNA: synthetic 5' UTR, the real ORF region, synthetic 3' UTR."""
    return np.concatenate([random_sequence(rng, UTR5), encode(HUMAN_ORF), random_sequence(rng, UTR3)])


def mouse_mrna(rng: np.random.Generator) -> np.ndarray:
    """Unspliced mouse Xbp1 mRNA: synthetic sequence with the real window at the human intron offset."""
    left = CANONICAL_START - MOUSE_INTRON_START
    right = UTR5 + len(HUMAN_ORF) + UTR3 - left - len(MOUSE_WINDOW)
    return np.concatenate([random_sequence(rng, left), encode(MOUSE_WINDOW), random_sequence(rng, right)])


def spliced_informative(start: np.ndarray, end: np.ndarray, site: DemoSite) -> np.ndarray:
    """Reads [start, end) in spliced coordinates with ≥ MIN_OVERHANG on each side of every placement."""
    return (start <= site.first - MIN_OVERHANG) & (end >= site.last + MIN_OVERHANG)


def unspliced_informative(start: np.ndarray, end: np.ndarray, site: DemoSite) -> np.ndarray:
    """Reads [start, end) in unspliced coordinates covering ≥ MIN_OVERHANG of the core and reaching
    ≥ MIN_OVERHANG beyond the union on at least one side (docs/xbp1.md)."""
    (core_start, core_end), (union_start, union_end) = site.core, site.union
    core_covered = np.minimum(end, core_end) - np.maximum(start, core_start) >= MIN_OVERHANG
    beyond = (start <= union_start - MIN_OVERHANG) | (end >= union_end + MIN_OVERHANG)
    return core_covered & beyond


def probes(unspliced: np.ndarray, site: DemoSite) -> dict[str, list[np.ndarray]]:
    """Sequences a read contains exactly when it is informative (the reads' sense strand)."""
    (core_start, core_end), (union_start, union_end) = site.core, site.union
    spliced = splice(unspliced, site)
    return {
        "spliced": [spliced[site.first - MIN_OVERHANG : site.last + MIN_OVERHANG]],
        "unspliced": [
            unspliced[union_start - MIN_OVERHANG : core_start + MIN_OVERHANG],
            unspliced[core_end - MIN_OVERHANG : union_end + MIN_OVERHANG],
        ],
    }
