"""The `ire1seq` command: a thin layer over the functions the workflow's scripts call."""

import argparse
import importlib
import sys

from ire1seq import __version__
from ire1seq.errors import InputError

# Each area registers its own subcommands: ire1seq/<area>/cli.py defines register(subparsers).
AREAS = ("xbp1", "de", "sc", "clinical")
# Command → its area: a command imports only its own area (scanpy, pydeseq2 take seconds to load).
COMMANDS = {"xbp1": "xbp1", "de": "de", "score": "de", "sc": "sc", "clinical": "clinical"}


def build_parser(areas=AREAS) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ire1seq",
        description="IRE1α activity from RNA-seq (XBP1 splicing, gene-set scores) and its link to CIPN.",
    )
    parser.add_argument("--version", action="version", version=f"ire1seq {__version__}")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for area in areas:
        importlib.import_module(f"ire1seq.{area}.cli").register(subparsers)
    return parser


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    command = next((arg for arg in argv if not arg.startswith("-")), None)
    areas = [COMMANDS[command]] if command in COMMANDS else AREAS
    args = build_parser(areas).parse_args(argv)
    try:
        args.func(args)
    except InputError as err:
        print(f"ire1seq: error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
