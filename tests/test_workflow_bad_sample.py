"""A run with one damaged sample (its read 2 records shuffled) finishes the others and names the bad
one: QC fails it with the reason, the end-of-run summary prints it, its XBP1 readout is not trusted."""

import gzip
import random

import pandas as pd
import pytest

from conftest import REPO, edit_sheet, reduced_demo, run_workflow

pytestmark = pytest.mark.slow
GOOD, BAD = "P01_baseline", "P02_baseline"


def test_shuffled_mates_fail_qc_and_the_rest_completes(tmp_path):
    work = reduced_demo(tmp_path / "work", [GOOD, BAD])
    lines = (
        gzip.decompress((REPO / f"resources/demo/fastq/{BAD}_L1_R2.fastq.gz").read_bytes()).decode().splitlines(True)
    )
    records = [lines[i : i + 4] for i in range(0, len(lines), 4)]
    random.Random(1).shuffle(records)
    shuffled = tmp_path / "shuffled_R2.fastq.gz"
    shuffled.write_bytes(gzip.compress("".join(line for record in records for line in record).encode(), mtime=0))

    def use_shuffled(units):
        units.loc[units["sample"] == BAD, "fq2"] = str(shuffled)
        return units

    edit_sheet(work / "config/units.tsv", use_shuffled)
    result = run_workflow(work, "results/qc/samples.tsv", "results/xbp1/bulk.tsv")
    assert result.returncode == 0, result.stderr[-4000:]
    qc = pd.read_csv(work / "results/qc/samples.tsv", sep="\t").set_index("sample")
    assert qc.loc[GOOD, "qc_status"] == "pass"
    assert qc.loc[BAD, "qc_status"] == "fail"
    assert "mates out of order" in qc.loc[BAD, "fastq_problem"]
    assert "FASTQ problem" in qc.loc[BAD, "qc_reasons"]
    assert qc.loc[BAD, "mapping_rate"] < 0.5 < qc.loc[GOOD, "mapping_rate"]
    assert f"QC fail: {BAD}: " in result.stdout + result.stderr
