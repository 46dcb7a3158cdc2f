"""python -m ire1seq.demo --out resources/demo --sheets resources/demo/config [--workdir DIR] [--no-fastq] [--scale F]"""

import argparse
import sys
import time

from ire1seq.demo.generate import generate


def positive(text: str) -> float:
    value = float(text)
    if not 0 < value <= 10:
        raise argparse.ArgumentTypeError(f"scale must be in (0, 10], got {text}")
    return value


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ire1seq.demo",
        description="Write the deterministic demo cohort (references, FASTQ, truth) and its sheets.",
    )
    parser.add_argument("--out", required=True, help="demo directory, e.g. resources/demo")
    parser.add_argument(
        "--sheets",
        required=True,
        help="directory for samples/units/clinical.tsv, e.g. resources/demo/config",
    )
    parser.add_argument(
        "--workdir",
        default=".",
        help="the workflow's working directory: paths in units.tsv are relative to it (default .)",
    )
    parser.add_argument("--no-fastq", dest="fastq", action="store_false", help="skip FASTQ (truth unchanged)")
    parser.add_argument(
        "--scale", type=positive, default=1.0, help="fraction of the full read and cell numbers (default 1)"
    )
    args = parser.parse_args(argv)
    began = time.perf_counter()
    generate(args.out, args.sheets, workdir=args.workdir, fastq=args.fastq, scale=args.scale)
    print(
        f"ire1seq demo: wrote {args.out} and {args.sheets} in {time.perf_counter() - began:.1f} s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
