"""Sample and unit sheets scaffolded from folders of reads (`ire1seq init`).

Every entry of a folder ends up in one of three lists: placed (a unit of a sample), ignored with a
reason (index reads, BAM indexes, files that are not reads, subfolders) or refused with a reason
(reads that cannot be placed); nothing is dropped unreported. The name gives sample, lane and mate;
the content decides the rest: mates must start with the same read, a read 1 of 26 or 28 nt makes a
10x unit, and BAM/CRAM are recognised by their magic bytes, since the workflow trusts the extension.
"""

import gzip
import os
import re
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

from ire1seq.chemistry import CHEMISTRY
from ire1seq.errors import InputError
from ire1seq.io import write_rows
from ire1seq.reads import NotFastq, head

FASTQ_SUFFIX = re.compile(r"\.(fastq|fq)(\.gz)?$")
ALIGNMENT_SUFFIX = re.compile(r"\.(bam|cram)$")
INDEX_SUFFIXES = (".bai", ".crai", ".csi")
# {sample}_S{n}_L{lane}_R1_{set}: sample sheet number and lane optional (bcl2fastq --no-lane-splitting);
# the file set is 001 but for old CASAVA, which cut a lane's reads into files 001, 002, ...
ILLUMINA = re.compile(r"^(?P<sample>.+?)(?:_S\d+)?(?:_L(?P<lane>\d+))?_(?P<read>[RI]\d)_(?P<set>\d{3})$")
MARKED = re.compile(r"^(?P<sample>.+)[._](?P<read>[RrIi][12])$")
NUMBERED = re.compile(r"^(?P<sample>.+)_(?P<read>[12])$")
SAMPLE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")  # as in workflow/schemas/samples.schema.yaml
WHOLE_RUN = "1"  # unit id of files whose name carries no lane
CHEMISTRY_BY_LENGTH = {barcode + umi: name for name, (barcode, umi) in CHEMISTRY.items()}
HEAD_RECORDS = 8
DESIGN_COLUMNS = ("treatment", "genotype", "inhibitor", "batch")
SAMPLE_COLUMNS = ("sample", "subject", "organism", "tissue", "assay", "visit", *DESIGN_COLUMNS)
UNIT_COLUMNS = ("sample", "unit", "fq1", "fq2", "bam", "strandedness", "chemistry", "matrix")


class _Refused(Exception):
    """Reads (or a file named as reads) that cannot be placed; the message says why."""


class _Ignored(Exception):
    """Not a unit's reads; the message says what it is."""


@dataclass(frozen=True)
class Fastq:
    """A FASTQ file as its name places it, with the (name, length) of its first reads."""

    path: str
    sample: str
    unit: str
    mate: int | None  # 1 or 2 from an R1/R2 or _1/_2 mark; None when the name has no mark
    numbered: bool  # the mark was a bare _1/_2, which may instead end the sample's name
    head: tuple


@dataclass(frozen=True)
class Unit:
    sample: str
    unit: str
    fq1: str | None = None
    fq2: str | None = None
    bam: str | None = None
    chemistry: str | None = None

    @property
    def files(self) -> list[str]:
        return [path for path in (self.fq1, self.fq2, self.bam) if path]

    @property
    def layout(self) -> str:
        if self.bam:
            return "pre-aligned"
        if self.chemistry:
            return self.chemistry
        return "paired-end" if self.fq2 else "single-end"


@dataclass
class Scan:
    units: list = field(default_factory=list)
    ignored: list = field(default_factory=list)  # (path, reason)
    refused: list = field(default_factory=list)  # (path, reason)
    notes: list = field(default_factory=list)  # (path, how a bare _1/_2 was read)


def scan_folders(folders) -> Scan:
    """Place every file directly inside the folders; raise if a folder holds no reads at all."""
    scan = Scan()
    listed = [(folder, _folder_files(folder, scan)) for folder in _distinct_folders(folders)]
    distinct = _drop_same_files([path for _, paths in listed for path in paths], scan)
    for folder, paths in listed:
        placed = [item for item in (_place(path, scan) for path in paths if path in distinct) if item]
        _require_reads(folder, paths, scan)
        scan.units += [item for item in placed if isinstance(item, Unit)]
        scan.units += _pair([item for item in placed if isinstance(item, Fastq)], scan)
    scan.units = _consistent_samples(scan.units, scan)
    return scan


def _distinct_folders(folders) -> list[str]:
    seen = {}
    for folder in folders:
        path = os.path.abspath(folder)
        if not os.path.isdir(path):
            raise InputError(f"--reads {folder}: no such folder; give the folder that holds the FASTQ/BAM/CRAM files.")
        key = os.path.realpath(path)
        if key in seen:
            raise InputError(f"--reads {folder} is the same folder as --reads {seen[key]}; give each folder once.")
        seen[key] = folder
    return [os.path.abspath(folder) for folder in folders]


def _folder_files(folder: str, scan: Scan) -> list[str]:
    """Absolute paths of the regular files in `folder`; subfolders and broken entries are reported."""
    paths = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if os.path.isdir(path):
            scan.ignored.append((path, "a folder: not searched (give it with its own --reads to include it)"))
        elif os.path.isfile(path):
            paths.append(path)
        else:
            scan.refused.append((path, "cannot be read (a broken link or not a regular file)"))
    return paths


def _drop_same_files(paths: list[str], scan: Scan) -> set[str]:
    """Paths of distinct files; a file reached under two names (links) is refused under both."""
    by_file = defaultdict(list)
    for path in paths:
        stat = os.stat(path)
        by_file[(stat.st_dev, stat.st_ino)].append(path)
    for names in by_file.values():
        if len(names) > 1:
            scan.refused += [
                (path, f"the same file as {' and '.join(p for p in names if p != path)}") for path in names
            ]
    return {names[0] for names in by_file.values() if len(names) == 1}


def _require_reads(folder: str, paths: list[str], scan: Scan) -> None:
    ignored = {path for path, _ in scan.ignored}
    refused = any(os.path.dirname(path) == folder for path, _ in scan.refused)
    if not refused and all(path in ignored for path in paths):
        others = sorted(os.path.basename(path) for path in ignored if os.path.dirname(path) == folder)
        listing = f" (it holds only: {', '.join(others)})" if others else " (it is empty)"
        raise InputError(
            f"--reads {folder} holds no FASTQ (.fastq/.fq, optionally .gz), BAM or CRAM files{listing}; "
            "give the folder the reads are in."
        )


def _place(path: str, scan: Scan):
    """A Fastq, a pre-aligned Unit, or None once the file is listed as ignored or refused."""
    try:
        return _classify(path)
    except _Ignored as why:
        scan.ignored.append((path, str(why)))
    except _Refused as why:
        scan.refused.append((path, str(why)))
    except OSError as err:
        scan.refused.append((path, f"cannot be read ({err.strerror or err})"))
    return None


def _classify(path: str):
    name = os.path.basename(path)
    if name.startswith("."):
        raise _Ignored("a hidden file")
    if name.endswith(INDEX_SUFFIXES):
        raise _Ignored("an index of a BAM/CRAM (the workflow finds it beside its BAM)")
    kind = alignment_kind(path)
    suffix = ALIGNMENT_SUFFIX.search(name)
    if suffix:
        if kind != suffix.group(1):
            raise _Refused(f"named .{suffix.group(1)} but its content is {_describe(kind)}; rename or replace it")
        return Unit(sample=name[: suffix.start()], unit=WHOLE_RUN, bam=path)
    if kind:
        raise _Refused(f"a {kind.upper()} file whose name does not end in .{kind}; rename it")
    fastq = FASTQ_SUFFIX.search(name)
    if not fastq:
        if _holds_fastq(path):
            raise _Refused("holds FASTQ reads but its name does not end in .fastq or .fq (optionally .gz); rename it")
        raise _Ignored("not FASTQ, BAM or CRAM")
    return _fastq(path, name[: fastq.start()])


def _describe(kind: str | None) -> str:
    return f"a {kind.upper()} file" if kind else "neither BAM nor CRAM"


def _fastq(path: str, stem: str) -> Fastq:
    sample, unit, read, numbered = parse_stem(stem)
    if sample == "Undetermined":
        raise _Ignored("reads bcl2fastq could not assign to any sample")
    if read in ("I1", "I2"):
        raise _Ignored(f"index read {read}")
    if read not in (None, "R1", "R2", "1", "2"):
        raise _Refused(f"read {read}: only reads R1 and R2 (and index reads I1/I2, ignored) are known")
    mate = int(read[-1]) if read else None
    return Fastq(path=path, sample=sample, unit=unit, mate=mate, numbered=numbered, head=fastq_head(path))


def parse_stem(stem: str) -> tuple[str, str, str | None, bool]:
    """(sample, unit, read mark or None, whether the mark is a bare _1/_2) from a FASTQ name's stem."""
    if match := ILLUMINA.match(stem):
        parts = [f"L{match['lane']}" if match["lane"] else None, match["set"] if match["set"] != "001" else None]
        return match["sample"], "_".join(filter(None, parts)) or WHOLE_RUN, match["read"], False
    if match := MARKED.match(stem):
        return match["sample"], WHOLE_RUN, match["read"].upper(), False
    if match := NUMBERED.match(stem):
        return match["sample"], WHOLE_RUN, match["read"], True
    return stem, WHOLE_RUN, None, False


def alignment_kind(path) -> str | None:
    """'bam' (BGZF holding BAM\\1), 'cram' (starts with CRAM) or None, by the magic bytes."""
    with open(path, "rb") as handle:
        head = handle.read(18)
    if head.startswith(b"CRAM"):
        return "cram"
    if head[:4] != b"\x1f\x8b\x08\x04" or head[12:14] != b"BC":  # gzip with BGZF's extra field
        return None
    try:
        with gzip.open(path, "rb") as handle:
            return "bam" if handle.read(4) == b"BAM\x01" else None
    except (OSError, EOFError, zlib.error):
        return None


def fastq_head(path, records: int = HEAD_RECORDS) -> tuple:
    """(read name, length) of the first records (ire1seq.reads.head), refused if not FASTQ."""
    try:
        return tuple(head(path, records))
    except NotFastq as why:
        raise _Refused(str(why)) from None


def _holds_fastq(path) -> bool:
    try:
        fastq_head(path)
    except _Refused:
        return False
    return True


def _pair(fastqs: list[Fastq], scan: Scan) -> list[Unit]:
    """One unit per (sample, unit) of one folder: read 1 [and read 2], confirmed mates by content."""
    groups = defaultdict(list)
    for fastq in _resolve_numbered(fastqs, scan):
        groups[(fastq.sample, fastq.unit)].append(fastq)
    units = []
    for (sample, unit), files in groups.items():
        try:
            units.append(_unit_of(sample, unit, files))
        except _Refused as why:
            scan.refused += [(fastq.path, str(why)) for fastq in files]
    return units


def _resolve_numbered(fastqs: list[Fastq], scan: Scan) -> list[Fastq]:
    """A bare _1/_2 marks a mate only when the other mate is there and starts with the same read;
    otherwise it ends the sample's name (replicates 1 and 2 of single-end samples)."""
    numbered = defaultdict(list)
    for fastq in fastqs:
        if fastq.numbered:
            numbered[(fastq.sample, fastq.mate)].append(fastq)
    resolved = []
    for fastq in fastqs:
        if not fastq.numbered:
            resolved.append(fastq)
            continue
        other = 3 - fastq.mate
        partner = next(iter(numbered[(fastq.sample, other)]), None)
        if partner and partner.head[0][0] == fastq.head[0][0]:
            resolved.append(fastq)
            continue
        sample = f"{fastq.sample}_{fastq.mate}"
        if partner is None:
            why = f"no {fastq.sample}_{other} beside it"
        else:
            why = f"{os.path.basename(partner.path)} starts with another read"
        scan.notes.append((fastq.path, f"taken as single-end sample {sample} ({why})"))
        resolved.append(replace(fastq, sample=sample, mate=None, numbered=False))
    return resolved


def _unit_of(sample: str, unit: str, files: list[Fastq]) -> Unit:
    by_mate = defaultdict(list)
    for fastq in files:
        by_mate[fastq.mate].append(fastq)
    if len(files) > len(by_mate) or (None in by_mate and len(by_mate) > 1):
        names = ", ".join(os.path.basename(fastq.path) for fastq in files)
        raise _Refused(f"sample {sample}, unit {unit} has more than one file for the same read ({names}); keep one")
    if None not in by_mate and 1 not in by_mate:
        raise _Refused(f"read 2 of sample {sample}, unit {unit} without its read 1")
    first = (by_mate.get(1) or by_mate[None])[0]
    if 2 not in by_mate:
        return Unit(sample=sample, unit=unit, fq1=first.path)
    second = by_mate[2][0]
    if first.head[0][0] != second.head[0][0]:
        raise _Refused(
            f"not mates: read 1 starts with read {first.head[0][0]!r}, read 2 with {second.head[0][0]!r} "
            f"(sample {sample}, unit {unit})"
        )
    return Unit(sample=sample, unit=unit, fq1=first.path, fq2=second.path, chemistry=chemistry_of(first.head))


def chemistry_of(head: tuple) -> str | None:
    """10x chemistry when every first read 1 is exactly barcode + UMI long (26 nt v2, 28 nt v3)."""
    lengths = {length for _, length in head}
    return CHEMISTRY_BY_LENGTH.get(lengths.pop()) if len(lengths) == 1 else None


def _consistent_samples(units: list[Unit], scan: Scan) -> list[Unit]:
    """Units of samples the workflow can run; the files of any other sample are refused."""
    by_sample = defaultdict(list)
    for unit in units:
        by_sample[unit.sample].append(unit)
    kept = []
    for sample, group in sorted(by_sample.items()):
        problem = _sample_problem(sample, group)
        if problem:
            scan.refused += [(path, problem) for unit in group for path in unit.files]
        else:
            kept += sorted(group, key=lambda unit: unit.unit)
    return kept


def _sample_problem(sample: str, units: list[Unit]) -> str | None:
    if not SAMPLE_ID.match(sample):
        return (
            f"sample id {sample!r} (from the file name) is not valid: letters, digits, _ . - only, "
            "starting with a letter or digit; rename the file"
        )
    layouts = sorted({unit.layout for unit in units})
    if len(layouts) > 1:
        return (
            f"sample {sample} mixes {' and '.join(layouts)} units, which are never aligned together; "
            "keep one kind or give the others another sample name"
        )
    repeated = [unit for unit, count in Counter(unit.unit for unit in units).items() if count > 1]
    if repeated:
        files = ", ".join(path for unit in units if unit.unit == repeated[0] for path in unit.files)
        return (
            f"sample {sample} has unit {repeated[0]} more than once ({files}); keep one, or for a top-up "
            "run give its files another sample name and make them a unit of this sample by hand"
        )
    return None


def refuse_existing(outdir, force: bool) -> tuple[Path, Path]:
    """The two sheet paths in `outdir`; stop if one exists and --force was not given."""
    paths = (Path(outdir) / "samples.tsv", Path(outdir) / "units.tsv")
    for path in paths:
        if path.exists() and not force:
            raise InputError(f"{path} already exists; pass --force to replace it, or choose another -o folder.")
    return paths


def sheet_rows(units: list[Unit], *, organism: str, tissue: str) -> tuple[list[dict], list[dict]]:
    """Rows of samples.tsv (subject = sample, design columns empty) and units.tsv (strandedness auto)."""
    assays = {unit.sample: "sc" if unit.chemistry else "bulk" for unit in units}
    samples = [
        {**dict.fromkeys(SAMPLE_COLUMNS), "sample": sample, "subject": sample, "organism": organism,
         "tissue": tissue, "assay": assay}
        for sample, assay in sorted(assays.items())
    ]  # fmt: skip
    rows = [
        {"sample": unit.sample, "unit": unit.unit, "fq1": unit.fq1, "fq2": unit.fq2, "bam": unit.bam,
         "strandedness": "auto", "chemistry": unit.chemistry, "matrix": None}
        for unit in sorted(units, key=lambda unit: (unit.sample, unit.unit))
    ]  # fmt: skip
    return samples, rows


def write_sheets(units: list[Unit], paths: tuple[Path, Path], *, organism: str, tissue: str) -> None:
    samples, rows = sheet_rows(units, organism=organism, tissue=tissue)
    write_rows(samples, SAMPLE_COLUMNS, paths[0])
    write_rows(rows, UNIT_COLUMNS, paths[1])


def summary(units: list[Unit]) -> str:
    """'3 samples (1 10xv3, 2 paired-end), 5 units'."""
    layouts = Counter({unit.sample: unit.layout for unit in units}.values())
    kinds = ", ".join(f"{count} {layout}" for layout, count in sorted(layouts.items()))
    return f"{sum(layouts.values())} samples ({kinds}), {len(units)} units"
