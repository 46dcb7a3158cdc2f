"""Per-cell XBP1 splicing: molecules (cell barcode + UMI), each with the majority class of its reads.

PCR copies of one molecule share barcode and UMI, so they count once; a UMI whose reads split
evenly between spliced and unspliced is ambiguous. The reads of each UMI are tallied by length
too, for the sample's detection ratio (ire1seq.xbp1.positions), a column of every row.
"""

import gzip
from collections import defaultdict
from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.xbp1.alignments import (
    Options,
    as_list,
    classified_reads,
    first_reads,
    mate_key,
    open_alignment,
    reading,
    resolve_contig,
)
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry
from ire1seq.xbp1.positions import length_reader, sample_ratio

CELL_COUNTS = ["sample", "barcode", "spliced", "unspliced", "ambiguous"]
CELL_COLUMNS = [*CELL_COUNTS, "detection_ratio"]  # tables without the ratio still read (molecular columns empty)
MISSING = (None, "-", "")


def read_barcodes(path) -> list:
    """Cell barcodes from a barcodes.tsv(.gz), a 10x/STARsolo matrix (mtx file or dir) or a 10x .h5."""
    path = Path(path)
    if path.is_dir():
        path = next(
            (path / n for n in ("barcodes.tsv.gz", "barcodes.tsv") if (path / n).is_file()), path / "barcodes.tsv"
        )
    elif path.name.startswith("matrix.mtx"):
        path = next(
            (path.with_name(n) for n in ("barcodes.tsv.gz", "barcodes.tsv") if path.with_name(n).is_file()),
            path.with_name("barcodes.tsv"),
        )
    if not path.is_file():
        raise InputError(
            f"barcode list {path} does not exist; give a barcodes.tsv (one barcode per line) or the filtered matrix."
        )
    if path.suffix == ".h5":
        return _h5_barcodes(path)
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt") as handle:
        barcodes = [line.split("\t")[0].strip() for line in handle if line.strip()]
    if barcodes and barcodes[0].lower() in ("barcode", "barcodes", "cell", "cell_barcode"):
        barcodes = barcodes[1:]
    if not barcodes:
        raise InputError(f"barcode list {path} is empty; give the filtered barcodes of this sample.")
    return barcodes


def _h5_barcodes(path: Path) -> list:
    import h5py

    with h5py.File(path, "r") as h5:
        groups = ["matrix"] if "matrix" in h5 else list(h5)
        for group in groups:
            if "barcodes" in h5[group]:
                return [b.decode() for b in h5[group]["barcodes"][:]]
    raise InputError(
        f"{path} has no barcodes dataset (matrix/barcodes); give a 10x feature-barcode .h5 or a barcodes.tsv."
    )


def _require_tags(bam, path, tags):
    reads = first_reads(bam)
    for tag in tags:
        if reads and not any(read.has_tag(tag) for read in reads):
            raise InputError(
                f"{path} has no {tag} tag on its first {len(reads)} reads; per-cell mode needs a cell "
                "barcode and a UMI tag on each read (STARsolo: --outSAMattributes CB UB; Cell Ranger "
                "writes CB and UB). Pass the tags your BAM uses with --cell-tag / --umi-tag."
            )


def umi_class_counts(
    bam_path,
    site,
    options: Options,
    *,
    cell_tag="CB",
    umi_tag="UB",
    barcodes=None,
    index=None,
    reference=None,
    g=None,
    umis=None,
    reads=None,
) -> dict:
    """(cell, umi) -> fragments per class [_, spliced, unspliced, ambiguous] in one file, added to
    `umis` when given (so the units of a sample accumulate without merging tables); `reads`, when
    given, gets (cell, umi, class, read length, mate length) -> informative reads.

    Single reads (10x cDNA) count directly; mates are combined by name first, as in bulk.
    """
    g = g or Geometry.of(site, options.min_overhang)
    umis = {} if umis is None else umis
    reads = {} if reads is None else reads
    mates, key, lengths = {}, mate_key(g, options), length_reader()
    with open_alignment(bam_path, index, reference) as bam, reading(bam_path):
        _require_tags(bam, bam_path, (cell_tag, umi_tag))
        contig = resolve_contig(bam, site, bam_path)
        for read, cls in classified_reads(bam, contig, g, options):
            try:
                cell, umi = read.get_tag(cell_tag), read.get_tag(umi_tag)
            except KeyError:
                continue
            if cell in MISSING or umi in MISSING or (barcodes is not None and cell not in barcodes):
                continue
            name = key(read)
            read_lengths = lengths(read)
            if name is None:
                _add(umis, cell, umi, cls)
                _tally(reads, (cell, umi, cls, *read_lengths))
            elif name in mates:
                mates[name][0] |= cls
                mates[name].append((cell, umi, cls, *read_lengths))
            else:
                mates[name] = [cls, cell, umi, (cell, umi, cls, *read_lengths)]
    for cls, cell, umi, *keys in mates.values():
        _add(umis, cell, umi, cls)
        for read_key in keys:
            if read_key[2] == cls:
                _tally(reads, read_key)
    return umis


def _add(umis: dict, cell, umi, cls: int) -> None:
    counts = umis.get((cell, umi))
    if counts is None:
        umis[cell, umi] = counts = [0, 0, 0, 0]
    counts[cls] += 1


def _tally(reads: dict, key) -> None:
    reads[key] = reads.get(key, 0) + 1


def quant_cells(
    bams,
    site,
    sample: str,
    options: Options = Options(),
    *,
    cell_tag="CB",
    umi_tag="UB",
    barcodes=None,
    indexes=None,
    reference=None,
    read_starts="uniform",
) -> list:
    """Per-cell UMI counts (rows keyed by CELL_COLUMNS); one per listed barcode, or per barcode seen."""
    bams = as_list(bams, 1)
    wanted = None if barcodes is None else set(barcodes)
    g = Geometry.of(site, options.min_overhang)
    umis, reads = {}, {}
    for bam, index in zip(bams, as_list(indexes, len(bams))):
        umi_class_counts(
            bam,
            site,
            options,
            cell_tag=cell_tag,
            umi_tag=umi_tag,
            barcodes=wanted,
            index=index,
            reference=reference,
            g=g,
            umis=umis,
            reads=reads,
        )
    return cell_table(umis, sample, barcodes, g=g, reads=reads, read_starts=read_starts)


def cell_table(
    umis: dict, sample: str, barcodes=None, *, g: Geometry, reads: dict, read_starts: str = "uniform"
) -> list:
    """(cell, UMI) → class counts into one row per cell: each UMI takes its reads' majority class.

    The sample's detection ratio counts the UMIs of each class and the reads that agree with
    their UMI's class (`reads`: (cell, umi, class, length, mate length) -> reads).
    """
    cells = defaultdict(lambda: [0, 0, 0, 0])
    classes = {}
    for (cell, umi), counts in umis.items():
        spliced, unspliced = counts[SPLICED], counts[UNSPLICED]
        classes[cell, umi] = SPLICED if spliced > unspliced else UNSPLICED if unspliced > spliced else AMBIGUOUS
        cells[cell][classes[cell, umi]] += 1
    units = {SPLICED: 0, UNSPLICED: 0}
    for cls in classes.values():
        units[cls] = units.get(cls, 0) + 1
    tallied = {}
    for (cell, umi, cls, length, mate), n in reads.items():
        if cls in (SPLICED, UNSPLICED) and classes.get((cell, umi)) == cls:
            tallied[cls, length, mate] = tallied.get((cls, length, mate), 0) + n
    ratio = sample_ratio(g, units, tallied, read_starts)
    order = list(dict.fromkeys(barcodes)) if barcodes is not None else sorted(cells)
    return [
        dict(
            zip(
                CELL_COLUMNS,
                (sample, cell, cells[cell][SPLICED], cells[cell][UNSPLICED], cells[cell][AMBIGUOUS], ratio),
            )
        )
        for cell in order
    ]
