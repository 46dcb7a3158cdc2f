"""Opening a user's BAM/CRAM safely and reading only the reads at the XBP1 site.

Everything that can be wrong with an alignment file is checked once, before the read loop, and
reported as an InputError that says what to do. Nothing is ever written beside the input.
"""

from contextlib import contextmanager
from dataclasses import dataclass, fields, replace
from pathlib import Path

import pysam

from ire1seq.errors import InputError
from ire1seq.xbp1.classify import Geometry, classify_read, classify_sequence

PAIRED, UNMAPPED, MATE_UNMAPPED = 0x1, 0x4, 0x8
SECONDARY, QCFAIL, DUPLICATE, SUPPLEMENTARY = 0x100, 0x200, 0x400, 0x800
MATE_DISTANCE = 1000  # when scanning, unmapped mates placed this far from the site are read too


@dataclass(frozen=True)
class Options:
    """Which reads count and how they are classified (definitions and defaults in docs/xbp1.md)."""

    min_mapq: int = 10
    min_overhang: int = 8
    include_duplicates: bool = False
    keep_secondary: bool = False
    keep_supplementary: bool = False
    keep_qcfail: bool = False
    rescue_softclip: bool = True
    scan_unmapped: bool = False

    @classmethod
    def from_settings(cls, settings: dict) -> "Options":
        """From the workflow's `xbp1:` config section (keys not about reads are ignored)."""
        return cls(**{f.name: settings[f.name] for f in fields(cls) if f.name in settings})

    def excluded_flags(self) -> int:
        flags = 0 if self.scan_unmapped else UNMAPPED
        flags |= 0 if self.keep_secondary else SECONDARY
        flags |= 0 if self.keep_supplementary else SUPPLEMENTARY
        flags |= 0 if self.keep_qcfail else QCFAIL
        flags |= 0 if self.include_duplicates else DUPLICATE
        return flags


def as_list(value, count: int) -> list:
    """A path or a list of paths (or None: `count` Nones) as a list."""
    if value is None:
        return [None] * count
    return [value] if isinstance(value, (str, Path)) else list(value)


def _is_cram(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(4) == b"CRAM"


@contextmanager
def open_alignment(path, index=None, reference=None):
    """An indexed, coordinate-sorted BAM/CRAM, or an InputError saying how to get one."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"alignment file {path} does not exist; check the BAM/CRAM path.")
    if index is not None and not Path(index).is_file():
        raise InputError(
            f"index {index} given for {path} does not exist; make it with `samtools index {path} -o {index}`."
        )
    if _is_cram(path) and reference is None:
        raise InputError(
            f"{path} is a CRAM file: decoding it needs the FASTA it was compressed against; "
            "pass it with --reference REF.fa (config: the genome's fasta)."
        )
    try:
        bam = pysam.AlignmentFile(
            str(path), "r", index_filename=None if index is None else str(index),
            reference_filename=None if reference is None else str(reference),
        )  # fmt: skip
    except (OSError, ValueError) as err:
        raise InputError(
            f"{path} could not be read as BAM/CRAM ({err}): the file is truncated or not an "
            "alignment file; copy it again or re-create it."
        ) from None
    with bam:
        order = bam.header.to_dict().get("HD", {}).get("SO")
        if order in ("unsorted", "queryname"):
            raise InputError(
                f"{path} is sorted by {order} (@HD SO), not by coordinate; sort and index it: "
                f"`samtools sort -o sorted.bam {path} && samtools index sorted.bam`."
            )
        if not bam.has_index():
            raise InputError(
                f"{path} has no index (.bai/.csi/.crai beside it): make one with `samtools index {path}`, "
                f"or, where you cannot write beside it, `samtools index {path} -o OTHER_DIR/{path.name}.bai` "
                "and pass that file with --index. ire1seq never writes beside an input."
            )
        yield bam


def resolve_contig(bam, site, path) -> str:
    """The BAM's name for the site's contig (`22` and `chr22` are the same), checked by length."""
    contig = site.contig
    aliases = [contig, contig[3:] if contig.startswith("chr") else f"chr{contig}"]
    for name in aliases:
        if name in bam.references:
            length = bam.get_reference_length(name)
            if length != site.contig_length:
                raise InputError(
                    f"{path} and reference {site.reference.get('path', '?')} disagree on contig {name}: "
                    f"{length} bp in the BAM header, {site.contig_length} bp in the reference. Quantify "
                    "against the reference (genome build) the reads were aligned to."
                )
            return name
    raise InputError(
        f"{path} has no contig matching the reference's XBP1 contig {contig} (tried {', '.join(aliases)}). "
        f"BAM contigs: {_listing(bam.references)}. Reference contigs: {_listing(site.contigs)}. "
        "Use the reference the reads were aligned to."
    )


def _listing(names) -> str:
    names = list(names)
    shown = ", ".join(names[:12])
    return f"{shown}, … ({len(names)} in all)" if len(names) > 12 else shown or "(none)"


def site_region(g: Geometry, options: Options) -> tuple:
    """The reference interval fetched: the union ± min_overhang (± MATE_DISTANCE when scanning)."""
    pad = MATE_DISTANCE if options.scan_unmapped else g.overhang
    return max(0, g.union[0] - pad), g.union[1] + pad


def classified_reads(bam, contig: str, g: Geometry, options: Options):
    """(read, class) for every read at the site that passes the filters and is informative.

    Only the site's region is fetched from the index, so the cost does not grow with the BAM;
    reads are skipped by flag and MAPQ before anything else is looked at. Unmapped reads are
    searched for the junction sequences only when scanning.
    """
    exclude = options.excluded_flags()
    min_mapq, rescue = options.min_mapq, options.rescue_softclip
    for read in bam.fetch(contig, *site_region(g, options)):
        flag = read.flag
        if flag & exclude:
            continue
        if flag & UNMAPPED:  # placed at its mate's position; only reached when scanning
            cls = classify_sequence(read.query_sequence, g)
        elif read.mapping_quality < min_mapq:
            continue
        else:
            cls = classify_read(read, g, rescue)
        if cls:
            yield read, cls
    if options.scan_unmapped:
        for read in bam.fetch("*"):
            if not read.flag & exclude:
                cls = classify_sequence(read.query_sequence, g)
                if cls:
                    yield read, cls


def reads_left_out(bam_path, site, options: Options, *, index=None, reference=None) -> tuple[int, int]:
    """(mapped reads in the site's region, those of them the filters leave out: secondary,
    supplementary, QC-fail or duplicate flags, or MAPQ below options.min_mapq), for the QC table:
    a BAM of secondary alignments, or one aligner's MAPQ scale, reads as no XBP1 coverage otherwise."""
    g = Geometry.of(site, options.min_overhang)
    exclude = options.excluded_flags() & ~UNMAPPED
    mapped = left_out = 0
    with open_alignment(bam_path, index, reference) as bam, reading(bam_path):
        contig = resolve_contig(bam, site, bam_path)
        for read in bam.fetch(contig, *site_region(g, replace(options, scan_unmapped=False))):
            if read.flag & UNMAPPED:
                continue
            mapped += 1
            left_out += bool(read.flag & exclude) or read.mapping_quality < options.min_mapq
    return mapped, left_out


def mate_key(g: Geometry, options: Options):
    """key(read) -> the name to combine a read with its mate under, or None if it is a whole fragment.

    A read is a whole fragment when unpaired or when its mate is mapped where the fetch cannot
    reach (another contig, or starting past the region's end): most reads at the site, which are
    then counted without building a table of names. With secondary or supplementary records kept,
    one read can appear twice, so every paired read is combined by name.
    """
    end = site_region(g, options)[1]
    if options.keep_secondary or options.keep_supplementary:
        return lambda read: read.query_name if read.flag & PAIRED else None

    def key(read):
        flag = read.flag
        if not flag & PAIRED:
            return None
        if not flag & MATE_UNMAPPED and (
            read.next_reference_start >= end or read.next_reference_id != read.reference_id
        ):
            return None
        return read.query_name

    return key


def first_reads(bam, count: int = 1000) -> list:
    """The first reads of the file (for checks such as per-cell tags)."""
    reads = []
    for read in bam.fetch(until_eof=True):
        reads.append(read)
        if len(reads) == count:
            break
    return reads


@contextmanager
def reading(path):
    """Turn htslib read errors mid-file into one clear message."""
    try:
        yield
    except OSError as err:
        raise InputError(
            f"{path} could not be read to the end ({err}): the file is truncated or corrupt; copy it again or re-create it."
        ) from None
