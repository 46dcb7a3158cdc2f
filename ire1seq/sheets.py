"""Load and check the sample and unit sheets: schema first, then what a schema cannot say."""

from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.reads import NotFastq, head
from ire1seq.schemas import validate_row

FASTQ_COLUMNS = ("fq1", "fq2")


def read_sheet(path, what: str) -> pd.DataFrame:
    """Read a sheet as text (ids stay strings), empty cells as NA, cells stripped of spaces."""
    sheet = read_tsv(path, what, dtype=str, keep_default_na=False, na_values=[""])
    sheet.columns = [str(col).strip() for col in sheet.columns]
    return sheet.apply(lambda col: col.str.strip()).replace("", pd.NA)


def validate_rows(sheet: pd.DataFrame, schema, path, what: str) -> None:
    """Validate each row with snakemake's JSON-schema validator (fills defaults) and name the bad cell."""
    from snakemake.exceptions import WorkflowError
    from snakemake.utils import validate

    try:
        validate(sheet, str(schema))
    except WorkflowError:
        for line, row in enumerate(sheet.to_dict("records"), start=2):
            problem = validate_row({k: v for k, v in row.items() if pd.notna(v)}, schema)
            if problem:
                raise InputError(f"{what} {path}, line {line}, {problem}. Fix that cell.") from None
        raise


def check_unique(sheet: pd.DataFrame, columns: list[str], path, what: str) -> None:
    duplicated = sheet.duplicated(columns, keep="first")
    if duplicated.any():
        index = int(duplicated.to_numpy().nonzero()[0][0])
        key = ", ".join(f"{col}={sheet.iloc[index][col]}" for col in columns)
        raise InputError(
            f"{what} {path}, line {index + 2}: duplicate id ({key}) already used on an earlier line; "
            "each row needs its own id."
        )


def load_samples(path, schema, organisms) -> pd.DataFrame:
    """samples.tsv → validated frame indexed by sample id."""
    samples = read_sheet(path, "sample sheet")
    validate_rows(samples, schema, path, "sample sheet")
    check_unique(samples, ["sample"], path, "sample sheet")
    for line, row in enumerate(samples.itertuples(index=False), start=2):
        if row.organism not in organisms:
            raise InputError(
                f"sample sheet {path}, line {line}, column 'organism': sample {row.sample} is "
                f"'{row.organism}' but config 'genomes' only has {sorted(organisms)}; add a genome "
                "for it to the config or correct the organism."
            )
    return samples.set_index("sample", drop=False)


def load_units(path, schema, samples: pd.DataFrame) -> pd.DataFrame:
    """units.tsv → validated frame indexed by (sample, unit), cross-checked against samples."""
    units = read_sheet(path, "unit sheet")
    for column in ("fq1", "fq2", "bam", "chemistry", "matrix"):
        if column not in units:
            units[column] = pd.NA
    validate_rows(units, schema, path, "unit sheet")
    check_unique(units, ["sample", "unit"], path, "unit sheet")
    for line, unit in enumerate(units.to_dict("records"), start=2):
        check_unit(unit, samples, f"unit sheet {path}, line {line} (sample {unit['sample']}, unit {unit['unit']})")
    missing = sorted(set(samples.index) - set(units["sample"]))
    if missing:
        raise InputError(
            f"unit sheet {path} has no unit for sample(s) {', '.join(missing)} listed in the sample "
            "sheet; add their FASTQ/BAM rows or remove them from samples.tsv."
        )
    check_layouts(units, path)
    check_files_used_once(units, path)
    return units.set_index(["sample", "unit"], drop=False).sort_index()


def check_unit(unit: dict, samples: pd.DataFrame, where: str) -> None:
    """One unit row: known sample, FASTQ xor BAM, fq2 only with fq1, files readable."""
    if unit["sample"] not in samples.index:
        raise InputError(f"{where}: sample '{unit['sample']}' is not in the sample sheet; add it there or fix the id.")
    has_fastq = pd.notna(unit["fq1"]) or pd.notna(unit["fq2"])
    if pd.notna(unit["fq2"]) and pd.isna(unit["fq1"]):
        raise InputError(f"{where}: column 'fq2' is set but 'fq1' is empty; put the first mate in fq1.")
    if has_fastq and pd.notna(unit["bam"]):
        raise InputError(f"{where}: both FASTQ and 'bam' are given; a unit is either FASTQ or pre-aligned, keep one.")
    if not has_fastq and pd.isna(unit["bam"]):
        raise InputError(f"{where}: no input; fill 'fq1' (and 'fq2') or 'bam'.")
    assay = samples.loc[unit["sample"], "assay"]
    if assay == "sc" and has_fastq and (pd.isna(unit["fq2"]) or pd.isna(unit["chemistry"])):
        raise InputError(
            f"{where}: single-cell FASTQ needs fq1 (barcode+UMI read), fq2 (cDNA read) and 'chemistry' (10xv2|10xv3)."
        )
    if assay == "sc" and pd.notna(unit["bam"]) and pd.isna(unit["matrix"]):
        raise InputError(f"{where}: a pre-aligned single-cell BAM needs its filtered feature-barcode 'matrix'.")
    for column in ("fq1", "fq2", "bam", "matrix"):
        if pd.notna(unit[column]):
            check_file(unit[column], column, where)
    for column in FASTQ_COLUMNS:
        if pd.notna(unit[column]):
            check_fastq_head(unit[column], column, where)
    if pd.notna(unit["bam"]):
        check_alignment_head(unit["bam"], where)


def check_file(path, column: str, where: str) -> None:
    if not Path(path).exists():
        raise InputError(
            f"{where}, column '{column}': file {path} does not exist; fix the path (relative paths are from the working directory)."
        )


def check_fastq_head(path, column: str, where: str) -> None:
    """Read the first record: catches non-FASTQ, broken gzip and empty files before alignment."""
    try:
        head(path, 1)
    except NotFastq as why:
        raise InputError(f"{where}, column '{column}': {path} {why}; point the sheet at the FASTQ.") from None


def check_alignment_head(path, where: str) -> None:
    """A pre-aligned unit is BAM (BGZF) or CRAM, readable, and not sorted by name (checked at parse)."""
    import pysam

    with open(path, "rb") as handle:
        head = handle.read(18)
    if head[:4] != b"CRAM" and not (head[:4] == b"\x1f\x8b\x08\x04" and head[12:14] == b"BC"):
        kind = "a SAM text file" if head[:1] == b"@" else "neither BAM (BGZF) nor CRAM"
        raise InputError(
            f"{where}, column 'bam': {path} is {kind}; give a coordinate-sorted BAM or CRAM "
            f"(e.g. `samtools sort -o sample.bam {path}`)."
        )
    quiet = pysam.set_verbosity(0)  # htslib would warn that a CRAM has no index: the header is enough
    try:
        with pysam.AlignmentFile(str(path), "r", check_sq=False) as bam:
            order = bam.header.to_dict().get("HD", {}).get("SO")
    except (OSError, ValueError) as err:
        raise InputError(f"{where}, column 'bam': {path} cannot be read ({err}); copy or re-create it.") from None
    finally:
        pysam.set_verbosity(quiet)
    if order in ("unsorted", "queryname"):
        raise InputError(
            f"{where}, column 'bam': {path} is sorted by {order} (@HD SO), not by coordinate; "
            f"sort it (`samtools sort -o sorted.bam {path}`) and list the sorted file."
        )


def check_files_used_once(units: pd.DataFrame, path) -> None:
    """One file is one mate of one unit: the same FASTQ/BAM twice is a copy-paste slip."""
    seen = {}
    for line, unit in enumerate(units.to_dict("records"), start=2):
        for column in ("fq1", "fq2", "bam"):
            if pd.isna(unit[column]):
                continue
            key = Path(unit[column]).resolve()
            if key in seen:
                raise InputError(
                    f"unit sheet {path}, line {line}, column '{column}': {unit[column]} is already used at "
                    f"{seen[key]}; each FASTQ/BAM belongs to one mate of one unit. Fix the path."
                )
            seen[key] = f"line {line}, column '{column}'"


def check_layouts(units: pd.DataFrame, path) -> None:
    """Units of one sample are aligned together, so they must share one layout."""
    for sample, group in units.groupby("sample"):
        layouts = {layout(unit) for unit in group.to_dict("records")}
        if len(layouts) > 1:
            raise InputError(
                f"unit sheet {path}: sample {sample} mixes {', '.join(sorted(layouts))} units; "
                "split them into separate samples or make all its units the same layout."
            )
        if "bam" in layouts and len(group) > 1:
            raise InputError(
                f"unit sheet {path}: sample {sample} has {len(group)} pre-aligned units; merge them into one "
                "BAM first (samtools merge) and list that."
            )


def layout(unit: dict) -> str:
    if pd.notna(unit["bam"]):
        return "bam"
    return "paired-end" if pd.notna(unit["fq2"]) else "single-end"


def _matches(samples: pd.DataFrame, column: str, wanted, *, sheet, what: str) -> pd.Series:
    if column not in samples.columns:
        raise InputError(
            f"{what}: subset column '{column}' is not a column of {sheet} (columns: "
            f"{', '.join(map(str, samples.columns))}); correct the subset in the config."
        )
    values = [str(v) for v in (wanted if isinstance(wanted, list) else [wanted])]
    return samples[column].astype("string").isin(values).fillna(False).astype(bool)


def select_samples(samples: pd.DataFrame, subset: dict, *, sheet, what: str, required: bool = True) -> pd.DataFrame:
    """The rows whose columns hold the subset's values (a list means any of them).

    The one way every step selects samples: a column the sheet lacks is an error (a typo would
    otherwise select nothing), and so is a subset that matches no sample when one is `required`.
    """
    keep = pd.Series(True, index=samples.index)
    for column, wanted in subset.items():
        keep &= _matches(samples, column, wanted, sheet=sheet, what=what)
    if required and not keep.any():
        raise InputError(
            f"{what}: no sample of {sheet} matches subset {subset}; check the subset values against the sheet."
        )
    return samples[keep]


ENUM_COLUMNS = ("organism", "assay")  # the sheet schema allows a fixed set of values: no typo passes


def near_misses(samples: pd.DataFrame, subset: dict, *, sheet, what: str) -> dict:
    """Samples the subset misses in exactly one free-text column (as a label typo would):
    sample → 'column=value'. A sample of another organism or assay is never a near miss."""
    missed = {c: ~_matches(samples, c, wanted, sheet=sheet, what=what) for c, wanted in subset.items()}
    fixed = [missed.pop(c) for c in ENUM_COLUMNS if c in missed]
    if fixed:
        samples = samples[~pd.concat(fixed, axis=1).any(axis=1)]
    misses = {}
    for sample in samples.index:
        columns = [c for c, miss in missed.items() if miss[sample]]
        if len(columns) == 1:
            misses[sample] = f"{columns[0]}={samples.loc[sample, columns[0]]}"
    return misses
