"""Start-up stays lean: what each entry point imports before doing any work (a fresh interpreter each).

The CLI parser imports no area's implementation; the XBP1 counting path needs only the standard
library, numpy and pysam; Snakemake's parse of the workflow loads no single-cell or DE stack.
Timings are measured by bench/xbp1_speed, not here.
"""

import re
import subprocess
import sys
from pathlib import Path

import pytest

RULES = Path(__file__).resolve().parents[1] / "workflow" / "rules"

HEAVY = ("pandas", "scipy", "statsmodels", "numba", "matplotlib", "sklearn", "scanpy", "anndata", "pydeseq2")


def loaded_after(code: str) -> set[str]:
    probe = f"import sys\n{code}\nprint(' '.join(sorted(m for m in sys.modules if '.' not in m)))"
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(result.stdout.split())


def test_cli_parser_imports_no_implementation():
    loaded = loaded_after("from ire1seq.cli import build_parser\nbuild_parser()")
    assert loaded.isdisjoint(HEAVY + ("numpy", "pysam")), loaded.intersection(HEAVY + ("numpy", "pysam"))


@pytest.mark.parametrize("module", ["quant", "cells", "fastq", "site", "stats", "alignments", "classify"])
def test_xbp1_counting_path_needs_only_numpy_and_pysam(module):
    loaded = loaded_after(f"import ire1seq.xbp1.{module}")
    assert loaded.isdisjoint(HEAVY), loaded.intersection(HEAVY)


def test_workflow_parse_imports_no_single_cell_or_de_stack():
    text = "\n".join(smk.read_text() for smk in RULES.glob("*.smk"))
    modules = set(re.findall(r"^from (ire1seq[\w.]*) import", text, re.MULTILINE))
    assert "ire1seq.sheets" in modules
    loaded = loaded_after("\n".join(f"import {m}" for m in sorted(modules)))
    assert loaded.isdisjoint({"scanpy", "anndata", "pydeseq2", "statsmodels", "numba", "matplotlib"})
