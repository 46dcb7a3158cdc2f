"""FASTQ files before they are aligned: their first records, and a check of a sample's units.

STAR reports a truncated gzip, a missing mate record or a bad quality line as "quality string
length is not equal to sequence length" with no file named, and maps mates that are out of order
without complaint. `check_units` finds these first and names the file and the record.
"""

import gzip
import re
import zlib
from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.io import is_gzipped

HEAD_BYTES = 1 << 20
CHUNK = 1 << 23


class NotFastq(Exception):
    """The file is not (readable) FASTQ; the message says why, without the file's name."""


def head(path, records: int, max_bytes: int = HEAD_BYTES) -> list[tuple[str, int]]:
    """(read name, sequence length) of up to `records` first records, gzip or plain (sniffed).

    The name is the header's first word without a /1 or /2 suffix, so mates give the same name.
    """
    try:
        with (gzip.open if is_gzipped(path) else open)(path, "rb") as handle:
            chunk = handle.read(max_bytes)
    except (OSError, EOFError, zlib.error) as err:
        raise NotFastq(f"cannot be read ({err}); re-copy or re-compress it") from None
    lines = chunk.split(b"\n")
    if len(chunk) == max_bytes:
        lines.pop()  # possibly cut short
    lines = [line.rstrip(b"\r") for line in lines[: 4 * records]]
    if len(lines) < 4:
        raise NotFastq("holds no complete FASTQ record (empty or cut short)")
    found = []
    for start in range(0, 4 * (len(lines) // 4), 4):
        title, sequence, plus, quality = lines[start : start + 4]
        if not title.startswith(b"@") or not plus.startswith(b"+") or not sequence or len(sequence) != len(quality):
            raise NotFastq(
                f"is not FASTQ at record {start // 4 + 1} (lines {start + 1}-{start + 4}): a record is "
                "'@name / sequence / + / qualities' with as many qualities as bases"
            )
        words = title[1:].split(maxsplit=1)
        name = re.sub(rb"/[12]$", b"", words[0]) if words else b""
        found.append((name.decode("ascii", "replace"), len(sequence)))
    return found


def count_lines(path) -> int:
    """Lines of a whole FASTQ (decompressing it: a truncated or corrupt gzip fails here)."""
    if is_gzipped(path):
        from isal import igzip as opener
    else:
        opener = None
    lines = 0
    try:
        with opener.open(path, "rb") if opener else open(path, "rb") as handle:
            while chunk := handle.read(CHUNK):
                lines += chunk.count(b"\n")
                last = chunk[-1:]
    except EOFError:
        raise InputError(
            f"FASTQ file {path} is truncated: its gzip stream ends without an end marker after line "
            f"{lines}. Copy or download the file again."
        ) from None
    except (OSError, zlib.error) as err:
        raise InputError(
            f"FASTQ file {path} could not be decompressed near line {lines} ({err}); copy it again."
        ) from None
    return lines + (lines > 0 and last != b"\n")


def check_units(units, prefix: int = 2_000) -> list[dict]:
    """One row per unit (`fq1`, `fq2` or None): reads, and a problem that does not stop alignment.

    Refused (InputError): unreadable or truncated files, a line count that is not four per read,
    mates with different read counts, a malformed record among the first `prefix`. Reported in
    `problem` (the sample is flagged by QC): mates whose read names differ, i.e. out of order.
    """
    rows = []
    for fq1, fq2 in units:
        lines = {fq: count_lines(fq) for fq in (fq1, fq2) if fq}
        for fq, n in lines.items():
            if n % 4:
                raise InputError(
                    f"FASTQ file {fq} has {n} lines, not four per read: it is cut short or damaged. Copy it again."
                )
        if fq2 and lines[fq1] != lines[fq2]:
            raise InputError(
                f"FASTQ files {fq1} and {fq2} have different numbers of reads ({lines[fq1] // 4} and "
                f"{lines[fq2] // 4}); give the two complete mate files of one unit."
            )
        heads = {}
        for fq in lines:
            try:
                heads[fq] = head(fq, prefix)
            except NotFastq as why:
                raise InputError(f"FASTQ file {fq} {why}.") from None
        problem = None
        if fq2:
            for i, ((name1, _), (name2, _)) in enumerate(zip(heads[fq1], heads[fq2])):
                if name1 != name2:
                    problem = (
                        f"read {i + 1} (line {4 * i + 1}) is {name1} in {Path(fq1).name} but {name2} in "
                        f"{Path(fq2).name}: mates out of order, or not the mates of one unit"
                    )
                    break
        rows.append({"fq1": fq1, "fq2": fq2 or "", "reads": lines[fq1] // 4, "problem": problem})
    return rows
