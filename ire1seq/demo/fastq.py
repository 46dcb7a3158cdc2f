"""FASTQ records built as one byte matrix per name width, gzipped byte-identically run to run."""

import gzip
from pathlib import Path

import numpy as np

from ire1seq.demo.dna import ASCII

QUALITY = ord("I")


def fastq_records(prefix: str, reads: np.ndarray, first: int = 1) -> bytes:
    """Records `@<prefix>:<n>` (n = first, first + 1, ...) for a matrix of base codes, quality `I`."""
    count, length = reads.shape
    numbers = np.arange(first, first + count)
    head = np.frombuffer(f"@{prefix}:".encode(), dtype=np.uint8)
    chunks = []
    for digits in range(len(str(first)), len(str(first + count - 1)) + 1):
        rows = slice(max(first, 10 ** (digits - 1)) - first, min(first + count, 10**digits) - first)
        records = np.empty((rows.stop - rows.start, head.size + digits + length * 2 + 5), dtype=np.uint8)
        records[:, : head.size] = head
        for place in range(digits):
            records[:, head.size + place] = 48 + numbers[rows] // 10 ** (digits - 1 - place) % 10
        col = head.size + digits
        records[:, col] = ord("\n")
        records[:, col + 1 : col + 1 + length] = ASCII[reads[rows]]
        col += 1 + length
        records[:, col : col + 3] = np.frombuffer(b"\n+\n", dtype=np.uint8)
        records[:, col + 3 : col + 3 + length] = QUALITY
        records[:, -1] = ord("\n")
        chunks.append(records.tobytes())
    return b"".join(chunks)


def write_gzip(path: Path, data: bytes) -> None:
    """gzip level 1 with no name and mtime 0 in the header, so equal input gives equal bytes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with (
        open(path, "wb") as raw,
        gzip.GzipFile(filename="", mode="wb", compresslevel=1, fileobj=raw, mtime=0) as out,
    ):
        out.write(data)
