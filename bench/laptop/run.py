"""Benchmark: peak memory of laptop mode (no genome index) — the whole demo, and one big sample.

    .venv/bin/python bench/laptop/run.py demo [--cores 2] [--snakefile Snakefile] [--keep DIR]
    .venv/bin/python bench/laptop/run.py sample [--pairs 30] [--pad-mb 0] [--dir /tmp] [--keep]
    .venv/bin/python bench/laptop/run.py cells [--pad-mb 110] [--dir /tmp] [--keep]

`demo` runs the workflow with `--config mode=laptop` on the demo cohort in a temporary working
directory (or in the directory --keep, kept for bench/laptop/compare.py) and samples, every 0.2 s,
the resident memory of snakemake and all its descendants: prints the peak of their sum (what the
machine needs) and of the largest single process.

`cells` runs kallisto index, kallisto bus and bustools correct/sort (GNU time: peak memory, wall)
on one demo 10x sample against the mouse demo transcripts padded with random 2-kb transcripts up
to --pad-mb Mb: each padded base is one more distinct k-mer (a human transcriptome has on the order
of 100 M distinct 31-mers, so the default stands in for it; not checked on a real one).

`sample` simulates one human paired-end sample with the demo generator (PAIRS million read pairs,
reverse-stranded, 20% of XBP1 spliced, demo transcriptome), then runs the laptop-mode steps on it
one after the other, as the workflow does with --cores 2: `ire1seq xbp1 fastq` (2 threads),
`salmon index` and `salmon quant -p 2` against the transcripts, and the gene table (pytximport).
Prints each step's peak resident memory (GNU time) and wall time. The demo transcriptome has 63
transcripts; --pad-mb adds random 2-kb transcripts (one gene each, no reads) up to that many Mb, so
that salmon's index is the size of a whole human transcriptome (GENCODE: about 400 Mb).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import psutil
from isal import igzip

from ire1seq.demo.bulk import READ_LENGTH, BulkSample, draw_fragments
from ire1seq.demo.dna import substitute
from ire1seq.demo.fastq import fastq_records
from ire1seq.demo.genes import CATALOGUE
from ire1seq.demo.genome import build_genome
from ire1seq.demo.seeds import stream
from ire1seq.demo.transcriptome import transcriptome

REPO = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CHUNK = 1_000_000


def tree_rss(process: psutil.Process) -> tuple:
    """(sum, largest) resident bytes of a process and its descendants."""
    sizes = []
    for p in [process, *process.children(recursive=True)]:
        try:
            sizes.append(p.memory_info().rss)
        except psutil.Error:
            pass
    return sum(sizes), max(sizes, default=0)


def run_demo(cores: int, snakefile: Path, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = keep or Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        (workdir / "resources").mkdir()
        for entry in (REPO / "resources").iterdir():
            if entry.name not in ("star", "salmon", "kallisto"):
                (workdir / "resources" / entry.name).symlink_to(entry)
        command = [BIN / "snakemake", "-s", snakefile, "-d", workdir, "--cores", str(cores),
                   "--configfile", REPO / "resources/demo/config/config.yaml", "--config", "mode=laptop"]  # fmt: skip
        log = workdir / "snakemake.log"
        start = time.perf_counter()
        with open(log, "w") as stderr:
            child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
            peak, single = 0, 0
            watched = psutil.Process(child.pid)
            while child.poll() is None:
                total, largest = tree_rss(watched)
                peak, single = max(peak, total), max(single, largest)
                time.sleep(0.2)
        wall = time.perf_counter() - start
        if child.returncode:
            sys.exit(f"laptop-mode demo failed:\n{log.read_text()[-4000:]}")
        star = list(workdir.glob("results/star/*")) + list(workdir.glob("resources/star/*"))
        print(f"laptop-mode demo: {wall:.0f} s wall with --cores {cores}; peak memory {peak / 2**30:.2f} GiB "
              f"(all processes), {single / 2**30:.2f} GiB (largest one); STAR outputs: {len(star)}")  # fmt: skip


def pad_transcriptome(fasta: Path, gtf: Path, megabases: float) -> None:
    """Append random 2-kb transcripts (one gene each) to the transcript FASTA and the GTF."""
    rng = np.random.default_rng(3)
    with open(fasta, "a") as fa, open(gtf, "a") as annotation:
        for first in range(0, int(megabases * 500), 10_000):
            block = rng.choice(np.frombuffer(b"ACGT", np.uint8), size=(min(10_000, int(megabases * 500) - first), 2000))
            for i, seq in enumerate(block, start=first):
                fa.write(f">PADT{i:07d}\n{seq.tobytes().decode()}\n")
                annotation.write(
                    f'pad\tbench\texon\t1\t2000\t.\t+\t.\tgene_id "PAD{i:07d}"; transcript_id "PADT{i:07d}";\n'
                )


def simulate_sample(directory: Path, pairs: float, pad: float) -> tuple:
    """FASTQ pair of one big human sample; returns (R1, R2, transcripts FASTA, GTF)."""
    genome = build_genome("human")
    tx = transcriptome(genome)
    from ire1seq.demo.reference import write_reference

    write_reference(genome, directory / "ref")
    if pad:
        pad_transcriptome(directory / "ref" / "human.transcripts.fa", directory / "ref" / "human.gtf", pad)
    levels = np.array([g.level for g in CATALOGUE["human"]])
    sample = BulkSample("big", "human", levels * pairs * 1e6 / levels.sum(), 0.2, True, "reverse")
    frags = draw_fragments(sample, tx)
    rng = stream("errors", "big")
    paths = [directory / f"big_R{mate}.fastq.gz" for mate in (1, 2)]
    with igzip.open(paths[0], "wb", compresslevel=1) as r1, igzip.open(paths[1], "wb", compresslevel=1) as r2:
        for first in range(0, frags.index.size, CHUNK):
            part = slice(first, first + CHUNK)
            five, three = tx.fragment_ends(frags.index[part], frags.start[part], frags.size[part], READ_LENGTH)
            r1.write(fastq_records("big", substitute(rng, three, 0.001), first + 1))  # reverse: read 1 antisense
            r2.write(fastq_records("big", substitute(rng, five, 0.001), first + 1))
    print(
        f"simulated {frags.index.size / 1e6:.1f} M pairs: {sum(p.stat().st_size for p in paths) / 1e9:.2f} GB gzipped"
    )
    return paths[0], paths[1], directory / "ref" / "human.transcripts.fa", directory / "ref" / "human.gtf"


def measured(label: str, command: list) -> None:
    """Run under GNU time; print peak resident memory and wall time."""
    result = subprocess.run(["/usr/bin/time", "-v", *map(str, command)], capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"{label} failed:\n{result.stderr[-3000:]}")
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    wall = re.search(r"Elapsed \(wall clock\) time.*: (\S+)", result.stderr).group(1)
    print(f"  {label:<44} peak {rss / 2**20:6.2f} GiB   wall {wall}", flush=True)


def run_sample(pairs: float, pad: float, directory: Path, keep: bool) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    try:
        fq1, fq2, transcripts, gtf = simulate_sample(directory, pairs, pad)
        out = directory / "out"
        measured(
            "ire1seq xbp1 fastq (2 threads)",
            [
                BIN / "ire1seq",
                "xbp1",
                "fastq",
                fq1,
                fq2,
                "--organism",
                "human",
                "--threads",
                "2",
                "-o",
                directory / "xbp1.tsv",
            ],
        )
        measured(
            f"salmon index (demo transcripts + {pad:.0f} Mb)",
            ["salmon", "index", "-t", transcripts, "-i", out / "index", "-p", "2"],
        )
        measured(
            "salmon quant -p 2",
            [
                "salmon",
                "quant",
                "-i",
                out / "index",
                "-l",
                "ISR",
                "-1",
                fq1,
                "-2",
                fq2,
                "-p",
                "2",
                "--validateMappings",
                "-o",
                out / "quant",
            ],
        )
        genes = "from ire1seq.salmon import star_like_counts as s; import sys; s(*sys.argv[1:4]).to_csv(sys.argv[4], sep='\\t')"
        measured(
            "gene table (pytximport)",
            [
                sys.executable,
                "-c",
                genes,
                out / "quant" / "quant.sf",
                out / "quant" / "lib_format_counts.json",
                gtf,
                out / "genes.tsv",
            ],
        )
        print((directory / "xbp1.tsv").read_text())
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def run_cells(pad: float, directory: Path, keep: bool) -> None:
    """kallisto | bustools on one demo 10x sample against the demo transcripts padded by PAD Mb."""
    directory.mkdir(parents=True, exist_ok=True)
    try:
        from ire1seq.demo.reference import write_reference

        write_reference(build_genome("mouse"), directory / "ref")
        transcripts = directory / "ref" / "mouse.transcripts.fa"
        pad_transcriptome(transcripts, directory / "ref" / "mouse.gtf", pad)
        reads = [REPO / f"resources/demo/sc_fastq/SC_ptx_1_L1_R{mate}.fastq.gz" for mate in (1, 2)]
        out, whitelist = directory / "bus", REPO / "resources/demo/sc/whitelist.txt"
        measured(
            f"kallisto index (demo transcripts + {pad:.0f} Mb)",
            ["kallisto", "index", "-i", directory / "index", transcripts],
        )
        measured(
            "kallisto bus -t 2",
            [
                "kallisto",
                "bus",
                "-i",
                directory / "index",
                "-x",
                "10xv3",
                "--fr-stranded",
                "-t",
                "2",
                "-o",
                out,
                *reads,
            ],
        )
        measured(
            "bustools correct",
            ["bustools", "correct", "-w", whitelist, "-o", out / "corrected.bus", out / "output.bus"],
        )
        measured(
            "bustools sort -m 1G",
            ["bustools", "sort", "-t", "2", "-m", "1G", "-o", out / "sorted.bus", out / "corrected.bus"],
        )
    finally:
        if not keep:
            shutil.rmtree(directory, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo")
    demo.add_argument("--cores", type=int, default=2)
    demo.add_argument("--snakefile", type=Path, default=REPO / "Snakefile")
    demo.add_argument("--keep", type=Path, help="working directory to run in and keep (default: a temporary one)")
    sample = commands.add_parser("sample")
    sample.add_argument("--pairs", type=float, default=30, help="million read pairs")
    sample.add_argument("--pad-mb", type=float, default=0, help="random transcripts added to the index (Mb)")
    sample.add_argument("--dir", default="/tmp")
    sample.add_argument("--keep", action="store_true")
    cells = commands.add_parser("cells")
    cells.add_argument("--pad-mb", type=float, default=110, help="random transcripts added to the index (Mb)")
    cells.add_argument("--dir", default="/tmp")
    cells.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    os.environ.setdefault("PYTHONHASHSEED", "0")
    os.environ["PATH"] = f"{BIN}{os.pathsep}{os.environ['PATH']}"  # as in an activated .venv (ire1seq)
    if args.command == "demo":
        run_demo(args.cores, args.snakefile, args.keep)
    elif args.command == "cells":
        run_cells(args.pad_mb, Path(args.dir) / "ire1seq_bench_laptop_cells", args.keep)
    else:
        run_sample(args.pairs, args.pad_mb, Path(args.dir) / "ire1seq_bench_laptop", args.keep)


if __name__ == "__main__":
    main()
