"""Where XBP1's 26-nt intron lies in one reference (`Site`), and its files (site.json, junctions).

The site is found by `ire1seq.xbp1.locate`.

The 26-nt gap has seven equivalent placements (a repeated GCAGCA lets it slide), so a site is a
window of gap starts, not one coordinate. All coordinates here are 0-based, half-open, on the
reference's plus strand.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.io import output_file

INTRON = 26
_COMPLEMENT = bytes.maketrans(b"ACGTN", b"TGCAN")


def revcomp(seq: str) -> str:
    return seq.encode().translate(_COMPLEMENT)[::-1].decode()


@dataclass(frozen=True)
class Site:
    """Where XBP1's 26-nt intron lies in one reference, with the bases around it."""

    organism: str
    contig: str
    contig_length: int
    strand: str  # XBP1's transcription strand
    window: tuple  # first and last start of the seven equivalent gaps
    canonical: int  # gap start of the canonical CCG|CAG...CTG|CAG placement
    sequence_start: int
    sequence: str  # reference bases (plus strand) from sequence_start
    source: str  # "scan" or "builtin:<build>"
    reference: dict = field(default_factory=dict)  # path, size, mtime of the FASTA
    contigs: dict = field(default_factory=dict)  # every reference contig: name -> length
    other_hits: tuple = ()

    @property
    def placements(self):
        return [(start, start + INTRON) for start in range(self.window[0], self.window[1] + 1)]

    @property
    def union(self):
        """Bases removed by at least one placement."""
        return self.window[0], self.window[1] + INTRON

    @property
    def core(self):
        """Bases removed by every placement (20 nt for XBP1)."""
        return self.window[1], self.window[0] + INTRON

    def bases(self, start: int, end: int) -> str:
        """Unspliced reference bases in [start, end)."""
        if start < self.sequence_start or end > self.sequence_start + len(self.sequence):
            raise ValueError(f"{start}-{end} lies outside the stored sequence of the site")
        return self.sequence[start - self.sequence_start : end - self.sequence_start]

    def sjdb_line(self) -> str:
        """STAR --sjdbFileChrStartEnd: 1-based first and last intron base, leftmost placement.

        One line only: STAR shifts every junction to its leftmost placement itself, so listing the
        seven placements would only add duplicates.
        """
        start = self.window[0]
        return f"{self.contig}\t{start + 1}\t{start + INTRON}\t{self.strand}\n"

    def splice_site_line(self) -> str:
        """HISAT2 --known-splicesite-infile: 0-based last exon base before and first base after."""
        start = self.window[0]
        return f"{self.contig}\t{start - 1}\t{start + INTRON}\t{self.strand}\n"

    def to_dict(self) -> dict:
        placements = self.placements
        return {
            "organism": self.organism,
            "coordinates": "0-based, half-open, reference plus strand",
            "contig": self.contig,
            "contig_length": self.contig_length,
            "strand": self.strand,
            "intron_length": INTRON,
            "window": list(self.window),
            "placements": [list(p) for p in placements],
            "union": list(self.union),
            "core": list(self.core),
            "canonical": [self.canonical, self.canonical + INTRON],
            "sjdb_1based": self.sjdb_line().split(),
            "sequence_start": self.sequence_start,
            "sequence": self.sequence,
            "source": self.source,
            "reference": self.reference,
            "other_hits": list(self.other_hits),
            "contigs": self.contigs,
        }

    @classmethod
    def from_dict(cls, data: dict, origin="site") -> "Site":
        try:
            return cls(
                organism=data["organism"],
                contig=str(data["contig"]),
                contig_length=int(data["contig_length"]),
                strand=data["strand"],
                window=tuple(int(x) for x in data["window"]),
                canonical=int(data["canonical"][0]),
                sequence_start=int(data["sequence_start"]),
                sequence=data["sequence"],
                source=data["source"],
                reference=data.get("reference", {}),
                contigs=data.get("contigs", {}),
                other_hits=tuple(data.get("other_hits", ())),
            )
        except (KeyError, TypeError, ValueError) as err:
            raise InputError(
                f"{origin} is not an XBP1 site file written by `ire1seq xbp1 locate` (missing or "
                f"bad field {err}); make it again with `ire1seq xbp1 locate --reference REF.fa -o site.json`."
            ) from None


def load_site(path) -> Site:
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        raise InputError(f"XBP1 site file {path} does not exist; make it with `ire1seq xbp1 locate`.") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(
            f"XBP1 site file {path} is not JSON ({err}); make it again with `ire1seq xbp1 locate`."
        ) from None
    return Site.from_dict(data, origin=f"XBP1 site file {path}")


def as_site(site) -> Site:
    """A Site, given as one or as the path of its site.json."""
    return site if isinstance(site, Site) else load_site(site)


def site_paths(path) -> list:
    """site.json and, beside it, the STAR (.sjdb.tsv) and HISAT2 (.ss.tsv) junction files."""
    path = Path(path)
    stem = path.with_suffix("") if path.suffix == ".json" else path
    return [path, Path(f"{stem}.sjdb.tsv"), Path(f"{stem}.ss.tsv")]


def write_site(site: Site, path) -> list:
    """Write site.json plus the STAR and HISAT2 junction files beside it (site_paths)."""
    paths = site_paths(path)
    for target, text in zip(
        paths, (json.dumps(site.to_dict(), indent=1) + "\n", site.sjdb_line(), site.splice_site_line())
    ):
        with output_file(target) as handle:
            handle.write(text)
    return paths
