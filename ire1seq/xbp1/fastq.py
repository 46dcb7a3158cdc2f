"""XBP1 splicing straight from FASTQ: every read classified by its sequence, no aligner.

The counting rules of docs/xbp1.md translated to the transcript. With the site's Geometry (min_overhang m), a read is
spliced when it contains the spliced probe (m bases before the union, the repeat, m bases after
it: the junction with ≥ m nt on each side) and unspliced when it contains a left or right
unspliced probe (m bases of the 20-nt core with the repeat and m bases beyond the union). Reads
are matched on both strands with at most one mismatch over the probe, so sequencing
errors cost about as many spliced as unspliced reads. Mates are OR-ed as in BAM mode: a pair whose
mates disagree is ambiguous. Per cell (10x: R1 = barcode + UMI, R2 = cDNA) each molecule takes
the majority class of its reads, as in `quant --per-cell`.

Reading and matching reads is ire1seq.xbp1.fastq_scan; this module turns its classes into
the bulk and per-cell readouts.
"""

from collections import defaultdict

import numpy as np

from ire1seq.chemistry import CHEMISTRY
from ire1seq.errors import InputError
from ire1seq.xbp1.cells import cell_table
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED
from ire1seq.xbp1.fastq_scan import Probes, as_units, scan
from ire1seq.xbp1.quant import bulk_row, tally
from ire1seq.xbp1.site import Site, as_site


def fastq_fragment_counts(fq1, fq2, probes: Probes, threads: int = 1, reads=None) -> dict:
    """class -> fragments (read pairs or single reads) of one unit; `reads` (added to in place when
    given) gets (class, read length, mate length) -> informative reads of spliced and unspliced
    fragments, as in BAM mode."""
    totals = np.zeros(4, dtype=np.int64)
    reads = {} if reads is None else reads
    for rows, _ in scan(fq1, fq2, probes, threads=threads):
        totals += np.bincount(rows[:, 1], minlength=4)
        for mate, length, other in ((3, 5, 6), (4, 6, 5)):
            agree = (rows[:, mate] == rows[:, 1]) & (rows[:, 1] != AMBIGUOUS)
            keys, n = np.unique(rows[agree][:, [1, length, other]], axis=0, return_counts=True)
            for (cls, read_length, mate_length), count in zip(keys.tolist(), n.tolist()):
                tally(reads, (cls, read_length, mate_length), count)
    return {SPLICED: int(totals[SPLICED]), UNSPLICED: int(totals[UNSPLICED]), AMBIGUOUS: int(totals[AMBIGUOUS])}


def quant_fastq(
    fq1s,
    fq2s,
    site: Site,
    sample: str,
    *,
    min_overhang: int = 8,
    min_informative: int = 10,
    threads: int = 1,
    read_starts: str = "uniform",
) -> dict:
    """One sample's row (the columns of `xbp1 quant`) from its units' FASTQ files."""
    probes = Probes(site, min_overhang)
    totals, reads = {SPLICED: 0, UNSPLICED: 0, AMBIGUOUS: 0}, {}
    for fq1, fq2 in as_units(fq1s, fq2s):
        for cls, count in fastq_fragment_counts(fq1, fq2, probes, threads, reads).items():
            totals[cls] += count
    return bulk_row(sample, totals, min_informative, g=probes.geometry, reads=reads, read_starts=read_starts)


def _barcode_lookup(barcodes) -> dict:
    """Listed barcode without a `-1`-style suffix -> barcode as listed."""
    return {b.split("-")[0]: b for b in barcodes}


def _correct(barcode: str, listed: dict):
    """The listed barcode, exactly or at the single substitution that makes it unique, else None."""
    if barcode in listed:
        return listed[barcode]
    near = {
        listed[v]
        for i in range(len(barcode))
        for base in "ACGT"
        if (v := barcode[:i] + base + barcode[i + 1 :]) in listed
    }
    return near.pop() if len(near) == 1 else None


def umi_classes(
    fq1, fq2, probes: Probes, *, chemistry: str = "10xv3", listed=None, threads: int = 1, umis=None, reads=None
) -> dict:
    """(barcode, UMI) -> reads per class [_, spliced, unspliced, ambiguous] of one 10x unit, added to
    `umis` when given; `reads` gets (barcode, UMI, class, cDNA read length, 0) -> reads."""
    if chemistry not in CHEMISTRY:
        raise InputError(
            f"chemistry {chemistry!r} is not one of {', '.join(CHEMISTRY)}; set it in units.tsv or --chemistry."
        )
    if fq2 is None:
        raise InputError(f"per-cell mode needs R1 (barcode + UMI) and R2 (cDNA); only {fq1} was given.")
    cb, umi = CHEMISTRY[chemistry]
    umis = defaultdict(lambda: [0, 0, 0, 0]) if umis is None else umis
    reads = {} if reads is None else reads
    for rows, buf in scan(fq1, fq2, probes, classify=(False, True), threads=threads):
        for _, cls, start, _, _, _, length in rows.tolist():
            tag = bytes(buf[start : start + cb + umi]).decode("ascii", "replace")
            barcode = tag[:cb] if listed is None else _correct(tag[:cb], listed)
            if barcode is not None and len(tag) == cb + umi:
                umis[barcode, tag[cb:]][cls] += 1
                tally(reads, (barcode, tag[cb:], cls, length, 0))
    return umis


def quant_fastq_cells(
    fq1s,
    fq2s,
    site: Site,
    sample: str,
    *,
    chemistry: str = "10xv3",
    barcodes=None,
    min_overhang: int = 8,
    threads: int = 1,
    read_starts: str = "uniform",
) -> list:
    """Per-cell UMI counts (columns of `quant --per-cell`): each UMI takes its reads' majority class.

    Barcodes are matched to the list (exactly, or at one unique substitution); without a list,
    every barcode seen at the site is reported as read.
    """
    probes = Probes(site, min_overhang)
    listed = None if barcodes is None else _barcode_lookup(barcodes)
    umis, reads = defaultdict(lambda: [0, 0, 0, 0]), {}
    for fq1, fq2 in as_units(fq1s, fq2s):
        umi_classes(fq1, fq2, probes, chemistry=chemistry, listed=listed, threads=threads, umis=umis, reads=reads)
    return cell_table(umis, sample, barcodes, g=probes.geometry, reads=reads, read_starts=read_starts)


def run_fastq(*, fq1s, fq2s, site, sample: str, min_overhang: int = 8, min_informative: int = 10,
              threads: int = 1, read_starts: str = "uniform", out=None) -> None:  # fmt: skip
    """Workflow step (and `ire1seq xbp1 fastq`): one sample's bulk row, to `out` or stdout."""
    from ire1seq.io import write_rows
    from ire1seq.xbp1.quant import BULK_COLUMNS

    row = quant_fastq(
        fq1s,
        fq2s,
        as_site(site),
        sample,
        min_overhang=min_overhang,
        min_informative=min_informative,
        threads=threads,
        read_starts=read_starts,
    )
    write_rows([row], BULK_COLUMNS, out)


def run_fastq_cells(*, fq1s, fq2s, site, sample: str, chemistry: str, barcodes=None, min_overhang: int = 8,
                    threads: int = 1, read_starts: str = "uniform", out=None) -> None:  # fmt: skip
    """Workflow step (and `ire1seq xbp1 fastq --per-cell`): UMIs per cell (`barcodes`: the list's file)."""
    from ire1seq.io import write_rows
    from ire1seq.xbp1.cells import CELL_COLUMNS, read_barcodes

    listed = read_barcodes(barcodes) if barcodes else None
    rows = quant_fastq_cells(
        fq1s,
        fq2s,
        as_site(site),
        sample,
        chemistry=chemistry,
        barcodes=listed,
        min_overhang=min_overhang,
        threads=threads,
        read_starts=read_starts,
    )
    write_rows(rows, CELL_COLUMNS, out)
