"""Reading and writing the tidy tables every step shares.

Outputs are written to a temporary name beside their target and renamed once complete, so a
failed or interrupted step never leaves half a table, and never replaces one of its inputs.
Nothing here imports pandas at module level: the XBP1 commands write their rows without it.
"""

import math
import os
import sys
from contextlib import contextmanager
from pathlib import Path

from ire1seq.errors import InputError


def is_gzipped(path) -> bool:
    """Sniffed by the magic bytes, whatever the file's name says."""
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def read_tsv(path, what="table", **kwargs):
    """Read a tab-separated table, turning pandas' errors into one clear message."""
    import pandas as pd

    path = Path(path)
    if not path.is_file():
        raise InputError(f"{what} {path} does not exist; check the path in your config or command line.")
    try:
        return pd.read_csv(path, sep="\t", **{"comment": None, **kwargs})
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise InputError(
            f"{what} {path} is not a readable tab-separated table with a header ({err}); "
            "save it as TSV (tabs between columns, one header line)."
        ) from None


def _same_file(one: Path, other: Path) -> bool:
    try:
        if one.exists() and other.exists():
            return os.path.samefile(one, other)
    except OSError:
        pass
    return one.resolve() == other.resolve()


def refuse_overwrite(outputs, inputs) -> None:
    """Stop before anything is read when an output would replace an input (same path or link) or
    land inside an input folder (a folder of gene sets or a matrix directory is read whole)."""
    for output in filter(None, outputs):
        for given in filter(None, inputs):
            output, given = Path(output), Path(given)
            if _same_file(output, given):
                raise InputError(
                    f"output {output} is the input {given}: writing it would destroy that input. "
                    "Give an output path (-o) that is not one of the command's input files."
                )
            if given.is_dir() and output.resolve().is_relative_to(given.resolve()):
                raise InputError(
                    f"output {output} lies inside the input folder {given}, which is read whole; "
                    "give an output path (-o) outside it."
                )


@contextmanager
def output_path(path):
    """`path`'s temporary twin (for writers that take a path), renamed to `path` when the block
    completes. Errors creating or writing the file become an InputError naming the path."""
    path = Path(path)
    part = path.with_name(f".part{os.getpid()}.{path.name}")  # same suffix: writers that check it
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        yield part
        os.replace(part, path)
    except OSError as err:
        raise InputError(
            f"cannot write {path} ({err.strerror or err}); give a writable output path with free space."
        ) from None
    finally:
        if part.exists():
            part.unlink()


@contextmanager
def output_file(path, mode: str = "w"):
    """A handle on `path`'s temporary twin, renamed to `path` when the block completes."""
    with output_path(path) as part, open(part, mode) as handle:
        yield handle


def write_table(df, path=None, parquet: bool = False) -> None:
    """Write TSV with a header, empty cells for NA, to `path` or stdout; optionally the same table
    as Parquet beside it."""
    if path is None:
        df.to_csv(sys.stdout, sep="\t", index=False, na_rep="")
        return
    path = Path(path)
    with output_file(path) as handle:
        df.to_csv(handle, sep="\t", index=False, na_rep="")
    if parquet:
        with output_file(path.with_suffix(".parquet"), "wb") as handle:
            df.to_parquet(handle, index=False)


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return str(value)


def write_rows(rows, columns, path=None) -> None:
    """Rows (dicts keyed by column) as a TSV table like write_table's, to `path` or stdout."""
    lines = ["\t".join(columns)] + ["\t".join(_cell(row[c]) for c in columns) for row in rows]
    text = "\n".join(lines) + "\n"
    if path is None:
        sys.stdout.write(text)
        return
    with output_file(path) as handle:
        handle.write(text)
