"""The aligners users bring BAMs from, run the way a user would, to coordinate-sorted indexed BAMs.

Each aligner is (index builder, aligner command); both take plain paths and run one thread.
STAR is indexed as the workflow's `star_index` rule does (GTF + SA bases from the FASTA size),
with or without the located XBP1 junction; HISAT2 gets the junction at alignment time.
"""

import math
import subprocess
from pathlib import Path

import pysam


def run(command: list, log: Path) -> None:
    with open(log, "a") as handle:
        handle.write(" ".join(map(str, command)) + "\n")
        handle.flush()
        subprocess.run([str(c) for c in command], check=True, stdout=handle, stderr=handle)


def star_index(fasta: Path, gtf: Path, sjdb: Path | None, directory: Path, log: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    sa_bases = min(14, max(4, int(math.log2(fasta.stat().st_size) / 2 - 1)))
    junction = ["--sjdbFileChrStartEnd", sjdb] if sjdb else []
    run(["STAR", "--runMode", "genomeGenerate", "--runThreadN", 1, "--genomeDir", directory,
         "--genomeFastaFiles", fasta, "--sjdbGTFfile", gtf, *junction, "--sjdbOverhang", 99,
         "--genomeSAindexNbases", sa_bases, "--outFileNamePrefix", f"{directory}/"], log)  # fmt: skip
    return directory


def star(index: Path, reads: list, bam: Path, log: Path) -> Path:
    """Options of the workflow's `star_align` rule: unmapped reads kept in the BAM."""
    prefix = bam.parent / f"{bam.stem}."
    run(["STAR", "--runThreadN", 1, "--genomeDir", index, "--readFilesIn", *reads,
         "--readFilesCommand", "gzip", "-cd", "--outSAMtype", "BAM", "SortedByCoordinate",
         "--outSAMunmapped", "Within", "--outFileNamePrefix", prefix], log)  # fmt: skip
    Path(f"{prefix}Aligned.sortedByCoord.out.bam").rename(bam)
    pysam.index(str(bam))
    return bam


def hisat2_index(fasta: Path, directory: Path, log: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    run(["hisat2-build", "-q", "-p", 1, fasta, directory / "genome"], log)
    return directory / "genome"


def hisat2(index: Path, reads: list, bam: Path, log: Path, splice_sites: Path | None = None) -> Path:
    known = ["--known-splicesite-infile", splice_sites] if splice_sites else []
    sam = bam.with_suffix(".sam")
    run(["hisat2", "-p", 1, "-x", index, "-1", reads[0], "-2", reads[1], *known, "-S", sam], log)
    return _sorted(sam, bam)


def minimap2(fasta: Path, reads: list, bam: Path, log: Path) -> Path:
    """Spliced mode as for long reads (single-end: 2.24 refuses --frag with splice); XBP1's gap comes out as `D`."""
    sam = bam.with_suffix(".sam")
    run(["minimap2", "-ax", "splice", "-t", 1, "-o", sam, fasta, *reads], log)
    return _sorted(sam, bam)


def _sorted(sam: Path, bam: Path) -> Path:
    pysam.sort("-o", str(bam), str(sam))
    pysam.index(str(bam))
    sam.unlink()
    return bam
