"""Reading and writing the tidy tables every step shares."""

from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError


def is_gzipped(path) -> bool:
    """Sniffed by the magic bytes, whatever the file's name says."""
    with open(path, "rb") as handle:
        return handle.read(2) == b"\x1f\x8b"


def read_tsv(path, what="table", **kwargs) -> pd.DataFrame:
    """Read a tab-separated table, turning pandas' errors into one clear message."""
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


def write_table(df: pd.DataFrame, path, parquet: bool = False) -> None:
    """Write TSV with a header, empty cells for NA; optionally the same table as Parquet beside it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(path, sep="\t", index=False, na_rep="")
    if parquet:
        df.to_parquet(path.with_suffix(".parquet"), index=False)
