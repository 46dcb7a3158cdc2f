"""Per-cell XBP1 splicing: molecules (cell barcode + UMI), each with the majority class of its reads.

PCR copies of one molecule share barcode and UMI, so they count once; a UMI whose reads split
evenly between spliced and unspliced is ambiguous.
"""

import gzip
from collections import defaultdict
from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.xbp1.alignments import Options, as_list, classified_reads, first_reads, mate_key, open_alignment, reading, resolve_contig
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry

CELL_COLUMNS = ["sample", "barcode", "spliced", "unspliced", "ambiguous"]
MISSING = (None, "-", "")


def read_barcodes(path) -> list:
    """Cell barcodes from a barcodes.tsv(.gz), a 10x/STARsolo matrix (mtx file or dir) or a 10x .h5."""
    path = Path(path)
    if path.is_dir():
        path = next((path / n for n in ("barcodes.tsv.gz", "barcodes.tsv") if (path / n).is_file()), path / "barcodes.tsv")
    elif path.name.startswith("matrix.mtx"):
        path = next((path.with_name(n) for n in ("barcodes.tsv.gz", "barcodes.tsv") if path.with_name(n).is_file()), path.with_name("barcodes.tsv"))
    if not path.is_file():
        raise InputError(f"barcode list {path} does not exist; give a barcodes.tsv (one barcode per line) or the filtered matrix.")
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
    raise InputError(f"{path} has no barcodes dataset (matrix/barcodes); give a 10x feature-barcode .h5 or a barcodes.tsv.")


def _require_tags(bam, path, tags):
    reads = first_reads(bam)
    for tag in tags:
        if reads and not any(read.has_tag(tag) for read in reads):
            raise InputError(
                f"{path} has no {tag} tag on its first {len(reads)} reads; per-cell mode needs a cell "
                "barcode and a UMI tag on each read (STARsolo: --outSAMattributes CB UB; Cell Ranger "
                "writes CB and UB). Pass the tags your BAM uses with --cell-tag / --umi-tag."
            )


def umi_class_counts(bam_path, site, options: Options, cell_tag="CB", umi_tag="UB", barcodes=None, index=None, reference=None, g=None, umis=None) -> dict:
    """(cell, umi) -> fragments per class [_, spliced, unspliced, ambiguous] in one file, added to
    `umis` when given (so the units of a sample accumulate without merging tables).

    Single reads (10x cDNA) count directly; mates are combined by name first, as in bulk.
    """
    g = g or Geometry.of(site, options.min_overhang)
    umis = {} if umis is None else umis
    mates, key = {}, mate_key(g, options)
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
            if name is None:
                _add(umis, cell, umi, cls)
            elif name in mates:
                mates[name][0] |= cls
            else:
                mates[name] = [cls, cell, umi]
    for cls, cell, umi in mates.values():
        _add(umis, cell, umi, cls)
    return umis


def _add(umis: dict, cell, umi, cls: int) -> None:
    counts = umis.get((cell, umi))
    if counts is None:
        umis[cell, umi] = counts = [0, 0, 0, 0]
    counts[cls] += 1


def quant_cells(bams, site, sample: str, options: Options = Options(), cell_tag="CB", umi_tag="UB", barcodes=None, indexes=None, reference=None) -> list:
    """Per-cell UMI counts (rows keyed by CELL_COLUMNS); one per listed barcode, or per barcode seen."""
    bams = as_list(bams, 1)
    wanted = None if barcodes is None else set(barcodes)
    g = Geometry.of(site, options.min_overhang)
    umis = {}
    for bam, index in zip(bams, as_list(indexes, len(bams))):
        umi_class_counts(bam, site, options, cell_tag, umi_tag, wanted, index, reference, g, umis)
    return cell_table(umis, sample, barcodes)


def cell_table(umis: dict, sample: str, barcodes=None) -> list:
    """(cell, UMI) → class counts into one row per cell: each UMI takes its reads' majority class."""
    cells = defaultdict(lambda: [0, 0, 0, 0])
    for (cell, _), counts in umis.items():
        spliced, unspliced = counts[SPLICED], counts[UNSPLICED]
        cells[cell][SPLICED if spliced > unspliced else UNSPLICED if unspliced > spliced else AMBIGUOUS] += 1
    order = list(dict.fromkeys(barcodes)) if barcodes is not None else sorted(cells)
    return [dict(zip(CELL_COLUMNS, (sample, cell, cells[cell][SPLICED], cells[cell][UNSPLICED], cells[cell][AMBIGUOUS]))) for cell in order]
