"""The `ire1seq` command: a thin layer over the functions the workflow's scripts call."""

import argparse
import importlib
import logging
import os
import sys

from ire1seq import __version__
from ire1seq.errors import InputError

# Each area registers its own subcommands: ire1seq/<area>/cli.py defines register(subparsers) and
# imports its implementation only when a command runs, so building the parser costs milliseconds.
AREAS = ("cohort", "xbp1", "de", "sc", "clinical")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ire1seq",
        description="IRE1α activity from RNA-seq (XBP1 splicing, gene-set scores) and its link to CIPN.",
    )
    parser.add_argument("--version", action="version", version=f"ire1seq {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in AREAS:
        importlib.import_module(f"ire1seq.{area}.cli").register(subparsers)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(sys.argv[1:] if argv is None else list(argv))
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="ire1seq: %(message)s")
    try:
        args.func(args)
    except InputError as err:
        print(f"ire1seq: error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # a table on stdout piped into `head`: stop quietly, as `cat` does
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
