"""`ire1seq init` (sample and unit sheets for a new cohort, from its folders of reads),
`ire1seq check` (the cohort's config and sheets, as the workflow checks them, and a summary) and
`ire1seq check-reads` (a sample's FASTQ files checked before alignment).

The parser needs nothing but argparse; the command imports its implementation when it runs.
"""

import argparse
import sys

from ire1seq.errors import InputError

DESCRIPTION = """\
Scaffold OUTDIR/samples.tsv and OUTDIR/units.tsv from the files directly inside each --reads
folder (subfolders are not searched). Paths in units.tsv are absolute, so the sheets work from any
working directory. samples.tsv gets subject = sample id (a placeholder: put the patient or animal
id), --tissue, assay bulk (sc for 10x) and empty visit and design columns for you to fill;
units.tsv gets strandedness auto. Details: docs/cli.md."""

NAMING = """\
File names it knows (FASTQ: .fastq or .fq, optionally .gz; the content may be gzip or plain):
  {sample}_S{n}_L{lane}_R1_001 / _R2_001   one unit per lane, unit id L{lane} (e.g. L001)
  {sample}_S{n}_R1_001 / _R2_001           (no lane) unit id 1
  {sample}_S{n}_L{lane}_R1_002 / _R2_002   (old CASAVA file sets) unit id L{lane}_002
  {sample}_R1 / _R2, {sample}.R1 / .R2     unit id 1
  {sample}_1 / _2                          mates only if both exist and start with the same read;
                                           otherwise single-end samples {sample}_1 and {sample}_2
  {sample}                                 single-end (as is any read 1 without its read 2)
  {sample}.bam, {sample}.cram              pre-aligned unit (content checked: BGZF/BAM or CRAM)
Ignored and listed: index reads (_I1, _I2), Undetermined_* (bcl2fastq), .bai/.crai/.csi, other
files, hidden files, subfolders.
Mates must start with the same read name. A read 1 of exactly 26 nt (10xv2) or 28 nt (10xv3)
in its first records makes a 10x unit: assay sc, fq1 = read 1 (barcode + UMI), fq2 = read 2 (cDNA).
Any file it cannot place is listed and nothing is written (exit status 2)."""


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "init", help="write samples.tsv and units.tsv from folders of reads",
        description=DESCRIPTION, epilog=NAMING, formatter_class=argparse.RawDescriptionHelpFormatter,
    )  # fmt: skip
    parser.add_argument("--reads", action="extend", nargs="+", required=True, metavar="DIR",
                        help="folder of FASTQ/BAM/CRAM files; repeat or list several")  # fmt: skip
    parser.add_argument("--organism", required=True, choices=["human", "mouse"], help="organism of every sample")
    parser.add_argument(
        "--tissue", default="unknown", help="tissue of every sample (default: unknown, a placeholder to edit)"
    )
    parser.add_argument(
        "-o", "--outdir", required=True, help="folder for samples.tsv and units.tsv (created if missing)"
    )
    parser.add_argument("--force", action="store_true", help="replace samples.tsv and units.tsv if they exist")
    parser.set_defaults(func=run_init)

    check = subparsers.add_parser(
        "check", help="check a cohort's config and sheets before a run, and summarise it",
        description="Run the checks the workflow runs before its first job (config schema, sample "
        "and unit sheets, DE designs and contrasts, single-cell datasets, genome files), then print: "
        "samples per organism × tissue × assay; per design its samples and each contrast's two sides; "
        "single-cell datasets; where XBP1 lies in each genome FASTA; the memory the index will need. "
        "Exit status 2 with the problem named when anything is wrong.",
    )  # fmt: skip
    check.add_argument(
        "--configfile", default="config/config.yaml", help="the cohort's config (default config/config.yaml)"
    )
    check.add_argument("--no-site", action="store_true", help="do not locate XBP1 in the genome FASTA files")
    check.set_defaults(func=run_check)

    reads = subparsers.add_parser(
        "check-reads", help="check a sample's FASTQ files before alignment",
        description="Decompress every FASTQ of a sample (a truncated gzip fails), count its reads "
        "(four lines each; mates equal) and parse its first records; refuse what would break the "
        "aligner, naming file and line. Mates whose read names differ (out of order) are reported "
        "in the table, and the workflow's QC fails the sample. Output: sample, fq1, fq2, reads, problem.",
    )  # fmt: skip
    reads.add_argument("--sample", required=True, help="sample id (first column of the output)")
    reads.add_argument("--r1", nargs="+", required=True, metavar="FASTQ", help="read 1 of each unit")
    reads.add_argument("--r2", nargs="+", default=[], metavar="FASTQ", help="read 2 of each unit, in the same order")
    reads.add_argument("-o", "--output", help="output TSV (default: stdout)")
    reads.set_defaults(func=run_check_reads)


def run_init(args) -> None:
    from ire1seq.cohort.scaffold import refuse_existing, scan_folders, summary, write_sheets

    paths = refuse_existing(args.outdir, args.force)
    scan = scan_folders(args.reads)
    for path, why in sorted(scan.ignored):
        print(f"ire1seq init: ignored {path}: {why}", file=sys.stderr)
    for path, why in scan.notes:
        print(f"ire1seq init: {path}: {why}", file=sys.stderr)
    if scan.refused:
        listing = "".join(f"\n  {path}: {why}" for path, why in sorted(scan.refused))
        raise InputError(
            f"{len(scan.refused)} file(s) could not be placed, so no sheet was written. Rename, move or "
            f"fix them (the names init knows are in `ire1seq init --help`) and run it again:{listing}"
        )
    write_sheets(scan.units, paths, organism=args.organism, tissue=args.tissue)
    print(
        f"wrote {paths[0]} and {paths[1]}: {summary(scan.units)}. Next: fill in subject, tissue, visit "
        f"and the design columns in {paths[0]}."
    )


def run_check_reads(args) -> None:
    from ire1seq.io import refuse_overwrite, write_rows
    from ire1seq.reads import check_units

    if args.r2 and len(args.r2) != len(args.r1):
        raise InputError(
            f"{len(args.r1)} --r1 files but {len(args.r2)} --r2 files; give one read 2 per read 1, in the same order."
        )
    refuse_overwrite([args.output], [*args.r1, *args.r2])
    rows = [{"sample": args.sample, **row} for row in check_units(zip(args.r1, args.r2 or [None] * len(args.r1)))]
    write_rows(rows, ["sample", "fq1", "fq2", "reads", "problem"], args.output)


def run_check(args) -> None:
    from ire1seq.cohort.check import load, summary

    config, samples, units = load(args.configfile)
    print(f"{args.configfile}: no problem found")
    print("\n".join(summary(config, samples, units, locate_sites=not args.no_site)))
