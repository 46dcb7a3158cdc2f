"""Running one package step from a Snakemake script, the same way for every rule.

The rule's log receives stderr and the package's logging; bad input ends the job with its
message alone (exit status 1, shown by Snakemake with the log), never with a traceback.
"""

import importlib
import logging
import sys

from ire1seq.errors import InputError


def run_step(snakemake, function: str, **arguments) -> None:
    """Call `function` ("package.module.name", imported once stderr is the log, so import-time
    warnings land there too) with `arguments`, as the job of a rule."""
    sys.stderr = open(snakemake.log[0], "w")
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    module, name = function.rsplit(".", 1)
    try:
        getattr(importlib.import_module(module), name)(**arguments)
    except InputError as err:
        print(f"ire1seq: error: {err}", file=sys.stderr)
        sys.exit(1)
