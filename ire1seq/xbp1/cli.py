"""`ire1seq xbp1 locate | quant | fastq | pseudobulk`: the workflow's XBP1 steps on the command line.

The parser needs nothing but argparse; each command imports its implementation when it runs.
"""

import re
import sys
from pathlib import Path

from ire1seq.chemistry import CHEMISTRY
from ire1seq.errors import InputError
from ire1seq.io import refuse_overwrite, write_rows


def register(subparsers) -> None:
    xbp1 = subparsers.add_parser(
        "xbp1", help="XBP1 splicing, the IRE1α readout (locate, quant, fastq, pseudobulk)",
        description="Find XBP1's 26-nt intron in a reference, count spliced and unspliced XBP1 per "
        "sample or per cell, and pool cells per group.",
    )  # fmt: skip
    commands = xbp1.add_subparsers(dest="xbp1_command", required=True, metavar="COMMAND")
    _add_locate(commands)
    _add_quant(commands)
    _add_fastq(commands)
    _add_pseudobulk(commands)


def _add_locate(commands) -> None:
    parser = commands.add_parser(
        "locate", help="find the XBP1 site in a reference FASTA",
        description="Search both strands of a FASTA for the XBP1 26-nt intron and its flanks; write "
        "site.json (the seven equivalent gap placements, their union and the 20-nt core) and, beside "
        "it, STEM.sjdb.tsv (STAR --sjdbFileChrStartEnd) and STEM.ss.tsv (HISAT2 "
        "--known-splicesite-infile). Results are cached by FASTA path, size and mtime in "
        "$IRE1SEQ_CACHE_DIR or ~/.cache/ire1seq.",
    )  # fmt: skip
    parser.add_argument("--reference", required=True, help="genome FASTA (plain or gzip)")
    parser.add_argument(
        "--organism", choices=["human", "mouse"], help="search only this organism's XBP1 (default: both)"
    )
    parser.add_argument("-o", "--output", help="site.json to write (default: JSON on stdout, no junction files)")
    parser.add_argument("--no-cache", action="store_true", help="scan the FASTA even if a cached result exists")
    parser.set_defaults(func=run_locate)


def _add_quant(commands) -> None:
    parser = commands.add_parser(
        "quant", help="count spliced / unspliced XBP1 fragments (or UMIs per cell)",
        description="Count XBP1 fragments (read pairs or single reads; per cell: UMIs) as spliced, "
        "unspliced or ambiguous from coordinate-sorted, indexed BAM/CRAM files. Bulk output: sample, "
        "spliced, unspliced, ambiguous, informative, fraction_spliced, ci_low, ci_high (95% Wilson), "
        "log2_spliced_ratio, molecular_fraction, molecular_ci_low, molecular_ci_high (fraction of "
        "molecules, from the read lengths), detection_ratio, status. Per-cell output: sample, barcode, "
        "spliced, unspliced, ambiguous, detection_ratio (the sample's).",
    )  # fmt: skip
    parser.add_argument(
        "bams", nargs="+", metavar="BAM", help="BAM/CRAM file(s); one sample each unless one --sample is given"
    )
    parser.add_argument("--reference", help="genome FASTA: the site is located in it (cached); required for CRAM")
    _add_readout_options(parser, "aligned bases")
    parser.add_argument("--sample", action="append", help="sample name, once per BAM (default: file stem); "
                        "given once for several BAMs, they are pooled as units of that sample")  # fmt: skip
    parser.add_argument("--index", action="append", help="index file, once per BAM, when it is not beside the BAM")
    parser.add_argument("--per-cell", action="store_true", help="count UMIs per cell barcode")
    parser.add_argument("--cell-tag", default="CB", help="cell-barcode tag (default CB)")
    parser.add_argument("--umi-tag", default="UB", help="UMI tag (default UB)")
    parser.add_argument("--barcodes", help="keep only these cells: barcodes.tsv(.gz), a 10x/STARsolo matrix dir or .h5")
    parser.add_argument("--min-mapq", type=int, default=10, help="minimum mapping quality (default 10)")
    parser.add_argument("--include-duplicates", action="store_true", help="count reads flagged as duplicates")
    parser.add_argument("--keep-secondary", action="store_true", help="count secondary alignments")
    parser.add_argument("--keep-supplementary", action="store_true", help="count supplementary alignments")
    parser.add_argument("--keep-qcfail", action="store_true", help="count reads flagged as failing QC")
    parser.add_argument("--no-rescue", action="store_true", help="do not classify soft-clipped reads by their sequence")
    parser.add_argument(
        "--scan-unmapped", action="store_true", help="also look for the junction sequences in unmapped reads"
    )
    parser.set_defaults(func=run_quant)


def _add_fastq(commands) -> None:
    parser = commands.add_parser(
        "fastq", help="count spliced / unspliced XBP1 straight from FASTQ (no aligner)",
        description="Classify every read of R1 [R2] FASTQ (plain or gzip) by its sequence: spliced when "
        "it contains the spliced junction with --min-overhang nt on each side, unspliced when it covers "
        "--min-overhang nt of the 20-nt core and as many beyond the removed bases; either strand, at most "
        "one mismatch. Mates are combined as in `xbp1 quant` (disagreeing = ambiguous) and the output "
        "columns are the same. --per-cell reads a 10x pair (R1 = barcode + UMI, R2 = cDNA) and counts "
        "UMIs per cell.",
    )  # fmt: skip
    parser.add_argument("fastq", nargs="+", metavar="FASTQ", help="R1 [R2] of one sample (for --per-cell: R1 R2)")
    parser.add_argument(
        "--organism", choices=["human", "mouse"], help="use the built-in XBP1 sequence of this organism"
    )
    parser.add_argument("--reference", help="genome or transcript FASTA: the site is located in it (cached)")
    _add_readout_options(parser, "bases")
    parser.add_argument("--sample", help="sample name (default: R1's file name without _R1 and .fastq.gz)")
    parser.add_argument("--per-cell", action="store_true", help="count UMIs per cell barcode (10x R1 + R2)")
    parser.add_argument(
        "--chemistry", choices=sorted(CHEMISTRY), default="10xv3", help="10x barcode/UMI lengths (default 10xv3)"
    )
    parser.add_argument(
        "--barcodes", help="keep only these cells (one-substitution correction): barcodes.tsv(.gz), matrix dir or .h5"
    )
    parser.add_argument(
        "--threads", type=int, default=1, help="2 or more: decompress in a background thread (default 1)"
    )
    parser.set_defaults(func=run_fastq)


def _add_readout_options(parser, evidence: str) -> None:
    """Options `quant` and `fastq` share: where the site comes from, the output, the thresholds."""
    parser.add_argument("--site", help="site.json from `ire1seq xbp1 locate` (instead of locating)")
    parser.add_argument("-o", "--output", help="output TSV (default: stdout)")
    parser.add_argument(
        "--min-overhang",
        type=int,
        default=8,
        help=f"{evidence} required beyond the removed bases, on each side (default 8)",
    )
    parser.add_argument(
        "--min-informative", type=int, default=10, help="fewer informative fragments = status low_coverage (default 10)"
    )
    parser.add_argument("--read-starts", choices=["uniform", "anchored"], default="uniform",
                        help="where reads start around the site, for the molecular fraction: uniform (random "
                        "fragmentation, default) or anchored (targeted/amplicon reads that all span it: no correction)")  # fmt: skip


def _add_pseudobulk(commands) -> None:
    parser = commands.add_parser(
        "pseudobulk", help="pool per-cell XBP1 counts per sample × cell type",
        description="Sum per-cell spliced/unspliced UMIs per sample and group. Output: sample, GROUP, "
        "n_cells, spliced, unspliced, informative, fraction_spliced, ci_low, ci_high, "
        "molecular_fraction, molecular_ci_low, molecular_ci_high, detection_ratio, status.",
    )  # fmt: skip
    parser.add_argument(
        "--cells", nargs="+", required=True, help="per-cell tables from `ire1seq xbp1 quant --per-cell`"
    )
    parser.add_argument(
        "--groups", nargs="+", required=True, help="TSV(s) with barcode (and sample) and the group column"
    )
    parser.add_argument("--group-column", default="cell_type", help="group column in --groups (default cell_type)")
    parser.add_argument(
        "--min-informative", type=int, default=10, help="fewer informative UMIs = status low_coverage (default 10)"
    )
    parser.add_argument("-o", "--output", help="output TSV (default: stdout)")
    parser.set_defaults(func=run_pseudobulk)


def run_locate(args) -> None:
    import json

    from ire1seq.xbp1.locate import locate
    from ire1seq.xbp1.locate import run_locate as located
    from ire1seq.xbp1.site import site_paths

    if args.output:
        refuse_overwrite(site_paths(args.output), [args.reference, f"{args.reference}.fai"])
        located(fasta=args.reference, organism=args.organism, out=args.output, use_cache=not args.no_cache)
        return
    json.dump(
        locate(args.reference, organism=args.organism, use_cache=not args.no_cache).to_dict(), sys.stdout, indent=1
    )
    print()


def _samples_and_files(args) -> list:
    """[(sample, [bams], [indexes])]: one sample per BAM, or one pooled sample."""
    bams = args.bams
    indexes = args.index or [None] * len(bams)
    if len(indexes) != len(bams):
        raise InputError(
            f"--index was given {len(indexes)} times for {len(bams)} BAM files; give it once per BAM, in the same order."
        )
    names = args.sample or [Path(b).stem for b in bams]
    if len(names) == 1 and len(bams) > 1 and args.sample:
        return [(names[0], bams, indexes)]
    if len(names) != len(bams):
        raise InputError(
            f"--sample was given {len(names)} times for {len(bams)} BAM files; give it once per BAM, or once to pool them."
        )
    return [(name, [bam], [index]) for name, bam, index in zip(names, bams, indexes)]


def _site(args):
    """The site from --site, else located in --reference (for fastq also --organism's window)."""
    from ire1seq.xbp1.locate import locate
    from ire1seq.xbp1.site import load_site

    if args.site:
        return load_site(args.site)
    return locate(args.reference)


def run_quant(args) -> None:
    from ire1seq.xbp1.alignments import Options

    if not (args.site or args.reference):
        raise InputError("xbp1 quant needs --reference REF.fa (the site is located in it) or --site site.json.")
    beside = [f"{bam}{suffix}" for bam in args.bams for suffix in (".bai", ".csi", ".crai")]  # indexes found there
    refuse_overwrite(
        [args.output], [*args.bams, *beside, *(args.index or []), args.site, args.reference, args.barcodes]
    )
    site = _site(args)
    options = Options(
        min_mapq=args.min_mapq, min_overhang=args.min_overhang, include_duplicates=args.include_duplicates,
        keep_secondary=args.keep_secondary, keep_supplementary=args.keep_supplementary, keep_qcfail=args.keep_qcfail,
        rescue_softclip=not args.no_rescue, scan_unmapped=args.scan_unmapped,
    )  # fmt: skip
    runs = _samples_and_files(args)
    if args.per_cell:
        from ire1seq.xbp1.cells import CELL_COLUMNS, quant_cells, read_barcodes

        barcodes = read_barcodes(args.barcodes) if args.barcodes else None
        rows = [row for sample, bams, indexes in runs
                for row in quant_cells(bams, site, sample, options, cell_tag=args.cell_tag, umi_tag=args.umi_tag, barcodes=barcodes, indexes=indexes, reference=args.reference, read_starts=args.read_starts)]  # fmt: skip
        write_rows(rows, CELL_COLUMNS, args.output)
    else:
        from ire1seq.xbp1.quant import BULK_COLUMNS, quant_bulk

        rows = [
            quant_bulk(
                bams,
                site,
                sample,
                options,
                indexes=indexes,
                reference=args.reference,
                min_informative=args.min_informative,
                read_starts=args.read_starts,
            )
            for sample, bams, indexes in runs
        ]
        write_rows(rows, BULK_COLUMNS, args.output)


def run_fastq(args) -> None:
    from ire1seq.xbp1.fastq import run_fastq as bulk
    from ire1seq.xbp1.fastq import run_fastq_cells as cells
    from ire1seq.xbp1.locate import site_for

    if len(args.fastq) > 2:
        raise InputError(
            f"xbp1 fastq takes one sample's R1 and optionally R2, not {len(args.fastq)} files; run it once per sample."
        )
    refuse_overwrite([args.output], [*args.fastq, args.site, args.reference, args.barcodes])
    site = site_for(args.organism, args.reference, args.site)
    fq1, fq2 = args.fastq[0], (args.fastq[1:] or [None])[0]
    sample = args.sample or re.sub(r"([._]R?1)?([._]001)?\.f(ast)?q(\.gz)?$", "", Path(fq1).name)
    common = dict(fq1s=fq1, fq2s=fq2, site=site, sample=sample, min_overhang=args.min_overhang,
                  threads=args.threads, read_starts=args.read_starts, out=args.output)  # fmt: skip
    if args.per_cell:
        cells(chemistry=args.chemistry, barcodes=args.barcodes, **common)
    else:
        bulk(min_informative=args.min_informative, **common)


def run_pseudobulk(args) -> None:
    from ire1seq.xbp1.pseudobulk import run_pseudobulk as pool

    refuse_overwrite([args.output], [*args.cells, *args.groups])
    pool(cells=args.cells, groups=args.groups, group_column=args.group_column,
         min_informative=args.min_informative, out=args.output)  # fmt: skip
