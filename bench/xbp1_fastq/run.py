"""Benchmark: `ire1seq xbp1 fastq` throughput on a ≥ 2 GB gzipped FASTQ beside decompression alone.

    .venv/bin/python bench/xbp1_fastq/run.py [--gb 2.0] [--dir /tmp] [--keep]

Writes one single-end FASTQ (100-nt reads, Illumina-like qualities, Phred+33 drawn around Q36,
names as bcl2fastq writes them) to DIR: background reads of uniform random sequence (GC 48%) and,
one read in 2,000, a read of the demo's human XBP1 (planted 30% spliced) with 0.5% substitutions.
gzip level 1 via isal (the level barely changes decompression speed). Then, one after the other on
the same file: GNU `gzip -dc` to /dev/null, Python zlib (gzip module) and isal decompression alone,
`ire1seq xbp1 fastq` with 1 thread and with 2 (decompression in a background thread), and bowtie2
onto the XBP1u and XBP1s transcripts (end-to-end, --sensitive, 2 threads, reading the gzip itself)
when bowtie2 is installed (`make bench-tools`). Prints MB/s
of uncompressed FASTQ per CPU-second (user + system: "per core") and per wall second, reads/s, and
checks the counts against the planted truth. The file is deleted unless --keep.
"""

import argparse
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
from isal import igzip

from ire1seq.demo.dna import ASCII, reverse_complement, substitute
from ire1seq.demo.genome import build_genome
from ire1seq.demo.transcriptome import transcriptome
from ire1seq.xbp1.fastq import fastq_fragment_counts
from ire1seq.xbp1.fastq_scan import Probes
from ire1seq.xbp1.locate import organism_site

READ, CHUNK, XBP1_EVERY, SPLICED, ERRORS = 100, 1_000_000, 2000, 0.3, 0.005
NAME = b"@SIM:1:HBENCHXX:1:1101:"
BOWTIE2 = "bowtie2 -p 2 onto XBP1u + XBP1s"
HEAD = len(NAME) + 10 + len(b" 1:N:0:ACGTACGT")


def records(rng, reads: np.ndarray, first: int) -> bytes:
    """FASTQ records for a matrix of base codes: fixed-width names, Illumina-like qualities."""
    n = len(reads)
    out = np.empty((n, HEAD + 2 * READ + 5), dtype=np.uint8)
    out[:, : len(NAME)] = np.frombuffer(NAME, np.uint8)
    numbers = np.arange(first, first + n)
    for place in range(10):
        out[:, len(NAME) + place] = 48 + numbers // 10 ** (9 - place) % 10
    out[:, len(NAME) + 10 : HEAD] = np.frombuffer(b" 1:N:0:ACGTACGT", np.uint8)
    out[:, HEAD] = 10
    out[:, HEAD + 1 : HEAD + 1 + READ] = ASCII[reads]
    out[:, HEAD + 1 + READ : HEAD + 4 + READ] = np.frombuffer(b"\n+\n", np.uint8)
    quality = np.clip(np.rint(rng.normal(36, 4, (n, READ))), 2, 41).astype(np.uint8) + 33
    out[:, HEAD + 4 + READ : -1] = quality
    out[:, -1] = 10
    return out.tobytes()


def make_fastq(path: Path, gigabytes: float) -> dict:
    """Write the file; return the planted XBP1 truth (informative reads per class) and read count."""
    tx = transcriptome(build_genome("human"))
    rng = np.random.default_rng(7)
    truth = {"spliced": 0, "unspliced": 0, "reads": 0, "bytes": 0}
    with igzip.open(path, "wb", compresslevel=1) as out:
        while path.stat().st_size < gigabytes * 1e9:
            reads = rng.choice(4, size=(CHUNK, READ), p=[0.26, 0.24, 0.24, 0.26]).astype(np.uint8)
            rows = np.arange(0, CHUNK, XBP1_EVERY)
            index = np.where(rng.random(rows.size) < SPLICED, tx.xbp1s, tx.xbp1u)
            start = rng.integers(tx.site.first - 90, tx.site.last + 20, rows.size)
            spliced, unspliced = tx.informative(index, [start], READ)
            xbp1 = tx.reads(index, start, READ)
            flip = rng.random(rows.size) < 0.5
            xbp1[flip] = reverse_complement(xbp1[flip])
            reads[rows] = substitute(rng, xbp1, ERRORS)
            data = records(rng, reads, truth["reads"])
            out.write(data)
            out.flush()
            truth["spliced"] += int(spliced.sum())
            truth["unspliced"] += int(unspliced.sum())
            truth["reads"] += CHUNK
            truth["bytes"] += len(data)
    return truth


def timed(label: str, run) -> tuple:
    """Run once; (wall s, CPU s of this process and its children, result)."""
    before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    start = time.perf_counter()
    result = run()
    wall = time.perf_counter() - start
    after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
    cpu = sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before))
    print(f"  {label}: {wall:.1f} s wall, {cpu:.1f} s CPU", file=sys.stderr, flush=True)
    return wall, cpu, result


def decompress(open_file, path: Path) -> int:
    buffer = bytearray(1 << 23)
    total = 0
    with open_file(path, "rb") as handle:
        while n := handle.readinto(buffer):
            total += n
    return total


def bowtie2(path: Path, workdir: Path):
    """Reads aligned to XBP1u and XBP1s as the published pipeline does (bowtie2 end-to-end, sensitive)."""
    tx = transcriptome(build_genome("human"))
    fasta = ""
    for name, index in (("XBP1u", tx.xbp1u), ("XBP1s", tx.xbp1s)):
        codes = tx.codes[tx.offsets[index] : tx.offsets[index] + tx.lengths[index]]
        fasta += f">{name}\n{ASCII[codes].tobytes().decode()}\n"
    (workdir / "xbp1.fa").write_text(fasta)
    subprocess.run(["bowtie2-build", "-q", workdir / "xbp1.fa", workdir / "xbp1"], check=True)
    command = [
        "bowtie2",
        "-p",
        "2",
        "--no-unal",
        "--end-to-end",
        "--sensitive",
        "-x",
        workdir / "xbp1",
        "-U",
        path,
        "-S",
        "/dev/null",
    ]
    return subprocess.run(command, check=True, capture_output=True, text=True).stderr


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--gb", type=float, default=2.0, help="gzipped size to write (GB)")
    parser.add_argument("--dir", default="/tmp", help="where the FASTQ is written")
    parser.add_argument("--keep", action="store_true", help="keep the FASTQ")
    args = parser.parse_args()
    workdir = Path(args.dir) / "ire1seq_bench_xbp1_fastq"
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "bench_R1.fastq.gz"
    try:
        print(f"writing {path} ...", file=sys.stderr, flush=True)
        truth = make_fastq(path, args.gb)
        mb, reads = truth["bytes"] / 1e6, truth["reads"]
        print(f"file: {path.stat().st_size / 1e9:.2f} GB gzipped, {mb / 1e3:.2f} GB FASTQ, {reads / 1e6:.1f} M reads")
        runs = {
            "gzip -dc (GNU gzip)": lambda: subprocess.run(f"gzip -dc {path} > /dev/null", shell=True, check=True),
            "zlib (Python gzip module)": lambda: decompress(__import__("gzip").open, path),
            "isal decompression alone": lambda: decompress(igzip.open, path),
        }
        site = organism_site("human")
        probes = Probes(site, 8)
        runs["ire1seq xbp1 fastq, 1 thread"] = lambda: fastq_fragment_counts(path, None, probes, threads=1)
        runs["ire1seq xbp1 fastq, 2 threads"] = lambda: fastq_fragment_counts(path, None, probes, threads=2)
        if shutil.which("bowtie2"):
            runs[BOWTIE2] = lambda: bowtie2(path, workdir)
        else:
            print("bowtie2 is not installed: its row is skipped (Debian package bowtie2)")
        print(f"{'run':<48}{'wall s':>8}{'CPU s':>8}{'MB/s/core':>11}{'MB/s wall':>11}{'reads/s/core':>14}")
        results = {}
        for label, run in runs.items():
            wall, cpu, result = timed(label, run)
            results[label] = (wall, cpu, result)
            print(f"{label:<48}{wall:>8.1f}{cpu:>8.1f}{mb / cpu:>11.0f}{mb / wall:>11.0f}{reads / cpu:>14,.0f}")
        counts = results["ire1seq xbp1 fastq, 1 thread"][2]
        limit = results["isal decompression alone"][1]
        ours = results["ire1seq xbp1 fastq, 1 thread"][1]
        print(
            f"CPU time vs isal decompression alone: {ours / limit:.2f}x; vs GNU gzip: {ours / results['gzip -dc (GNU gzip)'][1]:.2f}x"
        )
        if BOWTIE2 in results:
            wall, cpu, log = results[BOWTIE2]
            fastest = min(results[label][0] for label in results if label.startswith("ire1seq"))
            print(f"bowtie2 vs ire1seq: {cpu / ours:.1f}x the CPU time, {wall / fastest:.1f}x the wall time")
            print("bowtie2: " + " | ".join(line.strip() for line in log.splitlines()))
        print(f"planted informative reads: spliced {truth['spliced']}, unspliced {truth['unspliced']}; "
              f"found spliced {counts[1]}, unspliced {counts[2]}, ambiguous {counts[3]}")  # fmt: skip
    finally:
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
