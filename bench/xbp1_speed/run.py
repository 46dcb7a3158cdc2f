"""XBP1 quantifier speed: `ire1seq xbp1 quant` against `samtools view -c` on the same reads.

Builds (in --dir, default xbp1_speed in the system temporary folder; deleted at the end unless --keep) a 5 M-fragment bulk
BAM, a 50 M-fragment bulk BAM with the same XBP1 reads, and a 10x-like BAM (single cDNA reads with
CB/UB) of 10,000 cells, then times, per BAM, the median of --repeats runs of:
`samtools view -c -F 0xF04 BAM REGION` (REGION = the site's union ± min_overhang, what quant
fetches), `ire1seq --version` (Python start-up with the CLI's imports), `ire1seq xbp1 quant`
(bulk, or --per-cell --barcodes), the same quant function called in-process (no start-up) and a
pysam loop that fetches the region and does nothing (the floor of any pysam-based counter).
Each is reported as median wall-clock seconds and minimum CPU seconds (user + system, children
included): on a shared machine the CPU time is the stable one. Targets: the whole `ire1seq xbp1
quant` command ≤ 0.8 s CPU on the 5 M-fragment BAM, start-up included (issue 13; `ire1seq
--version` and `ire1seq xbp1 quant --help` ≤ 0.3 s CPU each, best of --repeats); the command ≤ 2 ×
samtools + start-up in bulk, ≤ 3 × per cell (issue 3); 5 M and 50 M the same.

    .venv/bin/python bench/xbp1_speed/run.py [--repeats 5] [--xbp1 100000] [--no-50m] [--keep]
"""

import argparse
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd
import pysam

sys.path.insert(0, str(Path(__file__).resolve().parent))
import make_bams  # noqa: E402

from ire1seq.xbp1.alignments import Options  # noqa: E402
from ire1seq.xbp1.cells import quant_cells  # noqa: E402
from ire1seq.xbp1.quant import quant_bulk  # noqa: E402

BIN = Path(sys.executable).parent
CELLS = 10_000


def measure(call, repeats: int) -> tuple:
    """(median wall-clock, minimum CPU) seconds of `repeats` calls."""
    walls, cpus = [], []
    for _ in range(repeats):
        cpu, wall = _cpu(), time.perf_counter()
        call()
        walls.append(time.perf_counter() - wall)
        cpus.append(_cpu() - cpu)
    return statistics.median(walls), min(cpus)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command(args) -> callable:
    return lambda: subprocess.run([str(a) for a in args], check=True, stdout=subprocess.DEVNULL)


def iterate(bam, contig: str, start: int, end: int) -> None:
    """The floor of any pysam loop: fetch the region and touch nothing."""
    with pysam.AlignmentFile(str(bam)) as handle:
        for _ in handle.fetch(contig, start, end):
            pass


def build(directory: Path, xbp1: int, with_50m: bool):
    """Reference, site and the BAMs (kept if already there): {case: (bam, per_cell, fragments)}."""
    site = make_bams.make_reference(directory)
    barcodes = make_bams.cell_barcodes(CELLS)
    (directory / "barcodes.tsv").write_text("".join(f"{cell}\n" for cell in barcodes))
    cases = {"bulk_5M": (5_000_000, dict(paired=True)), "sc_10x": (5_000_000, dict(paired=False, cells=barcodes))}
    if with_50m:
        cases["bulk_50M"] = (50_000_000, dict(paired=True))
    bams = {}
    for case, (fragments, kind) in cases.items():
        bam = directory / f"{case}.bam"
        if not Path(f"{bam}.bai").is_file():
            started = time.perf_counter()
            molecules = xbp1 * 2 // 5 if case == "sc_10x" else xbp1  # 10x: 4 molecules × 2 copies per cell
            make_bams.write_bam(bam, site, fragments, molecules, **kind)
            print(f"built {bam.name} in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        bams[case] = (bam, "cells" in kind, fragments)
    return site, bams


COMMAND_CPU_TARGET = 0.8  # s, the whole quant command on the 5 M-fragment BAM (issue 13)


def time_case(case, bam, per_cell, fragments, site, directory, startup, repeats) -> dict:
    (u0, u1), pad = site.union, Options().min_overhang
    region = f"{site.contig}:{u0 - pad + 1}-{u1 + pad}"
    count = subprocess.run(
        ["samtools", "view", "-c", "-F", "0xF04", str(bam), region], check=True, capture_output=True, text=True
    )
    quant = [BIN / "ire1seq", "xbp1", "quant", bam, "--site", directory / "site.json", "-o", directory / f"{case}.tsv"]
    if per_cell:
        quant += ["--per-cell", "--barcodes", directory / "barcodes.tsv"]
        barcodes = (directory / "barcodes.tsv").read_text().split()
        in_process = lambda: quant_cells(bam, site, case, barcodes=barcodes)  # noqa: E731
    else:
        in_process = lambda: quant_bulk(bam, site, case)  # noqa: E731
    times = {
        "samtools": measure(command(["samtools", "view", "-c", "-F", "0xF04", bam, region]), repeats),
        "quant_cli": measure(command(quant), max(1, repeats // 2 + 1)),
        "quant_function": measure(in_process, repeats),
        "pysam_fetch": measure(lambda: iterate(bam, site.contig, u0 - pad, u1 + pad), repeats),
    }
    factor = 3 if per_cell else 2
    row = {"case": case, "fragments": fragments, "site_reads": int(count.stdout)}
    for clock, i in (("wall", 0), ("cpu", 1)):
        row |= {f"{name}_{clock}": seconds[i] for name, seconds in (("startup", startup), *times.items())}
        row[f"function_x_samtools_{clock}"] = times["quant_function"][i] / times["samtools"][i]
        row[f"target_{clock}"] = factor * times["samtools"][i] + startup[i]
        row[f"meets_{clock}"] = times["quant_cli"][i] <= row[f"target_{clock}"]
    row["command_meets_0.8s_cpu"] = row["quant_cli_cpu"] <= COMMAND_CPU_TARGET
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "xbp1_speed")
    parser.add_argument("--xbp1", type=int, default=100_000, help="XBP1 fragments crossing the site (bulk)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--no-50m", action="store_true", help="skip the 50 M-fragment BAM (about 10 min to build)")
    parser.add_argument("--scan-unmapped", action="store_true", help="also time bulk quant with --scan-unmapped")
    parser.add_argument("--out", type=Path, default=Path(__file__).with_name("results.tsv"))
    parser.add_argument("--keep", action="store_true", help="keep --dir (BAMs are reused by the next run)")
    args = parser.parse_args()
    try:
        site, bams = build(args.dir, args.xbp1, not args.no_50m)
        startup = measure(command([BIN / "ire1seq", "--version"]), args.repeats)
        help_cpu = measure(command([BIN / "ire1seq", "xbp1", "quant", "--help"]), args.repeats)[1]
        print(f"CPU s, best of {args.repeats}: ire1seq --version {startup[1]:.3f}, "
              f"ire1seq xbp1 quant --help {help_cpu:.3f} (target ≤ 0.3 each)")  # fmt: skip
        rows = [time_case(case, *spec, site, args.dir, startup, args.repeats) for case, spec in bams.items()]
        if args.scan_unmapped:
            bam = bams["bulk_5M"][0]
            scan = measure(
                lambda: quant_bulk(bam, site, "scan", Options(scan_unmapped=True)), max(1, args.repeats // 2)
            )
            print(
                f"bulk_5M in-process with --scan-unmapped: {scan[0]:.2f} s wall, {scan[1]:.2f} s CPU", file=sys.stderr
            )
        outputs = {
            case: (args.dir / f"{case}.tsv").read_text().split("\n", 1)[1].split("\t", 1)[1]
            for case in bams
            if case.startswith("bulk")
        }
    finally:
        if not args.keep:
            shutil.rmtree(args.dir, ignore_errors=True)
    table = pd.DataFrame(rows)
    table.to_csv(args.out, sep="\t", index=False, float_format="%.3f")
    print(table.set_index("case").T.to_string(float_format=lambda x: f"{x:.3f}"))
    if len(set(outputs.values())) > 1:
        print("WARNING: bulk counts differ between the 5 M and 50 M BAMs", file=sys.stderr)


if __name__ == "__main__":
    main()
