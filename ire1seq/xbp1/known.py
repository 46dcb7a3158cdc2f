"""XBP1's intron and flanks as they are known for each organism (ire1seq/data/xbp1/sites.tsv),
and the seed the FASTA scan looks for."""

import csv
from dataclasses import dataclass

from ire1seq.data import XBP1
from ire1seq.errors import InputError

# Exact seed CCG|CAGCAC (3 flank + 6 intron nt, the same in human and mouse): it lacks T, so
# bytes.find can skip ahead at every T of the genome (about twice as fast as a longer seed).
SEED_FLANK, SEED_INTRON = 3, 6
SEARCH_FLANK = (17, 20)  # flank bases checked around the seed (left, right; mRNA orientation)


@dataclass(frozen=True)
class Known:
    """An organism's XBP1 intron and flanks in mRNA orientation (ire1seq/data/xbp1/sites.tsv)."""

    organism: str
    left: str
    intron: str
    right: str

    @property
    def seed(self) -> str:
        return self.left[-SEED_FLANK:] + self.intron[:SEED_INTRON]

    @property
    def searched(self) -> str:
        return self.left[-SEARCH_FLANK[0] :] + self.intron + self.right[: SEARCH_FLANK[1]]


def resource_rows(name: str) -> list:
    with open(XBP1 / name, newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


def known_sites() -> dict:
    return {
        row["organism"]: Known(
            row["organism"], row["left_flank"].upper(), row["intron"].upper(), row["right_flank"].upper()
        )
        for row in resource_rows("sites.tsv")
    }


def wanted_sites(organism) -> list:
    known = known_sites()
    if organism is None:
        return list(known.values())
    if organism not in known:
        raise InputError(
            f"--organism {organism!r} is not one of {', '.join(known)}; XBP1 sequences are known for those only."
        )
    return [known[organism]]
