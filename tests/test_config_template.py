"""config/ is a working template: with files where its sheets point, `ire1seq check` passes.

A user's own cohort in config/ (the template replaced, as config/README.md invites) skips this test:
nothing else in the test suite reads config/."""

import gzip
import shutil

import pysam
import pytest

from ire1seq.cli import main

from conftest import REPO

DEMO_REFERENCE = REPO / "resources/demo/reference"
RECORD = "@r{n}/{mate}\nACGTACGTACGTACGTACGT\n+\nIIIIIIIIIIIIIIIIIIII\n"
TEMPLATE = (
    "# ire1seq configuration for a real cohort: a template.",
    "sample\tsubject\torganism\ttissue\tassay\tvisit\tbatch\nP01_baseline\t",
)


def holds_the_template() -> bool:
    config, samples = (REPO / "config/config.yaml", REPO / "config/samples.tsv")
    return (
        config.is_file() and samples.is_file()
        and config.read_text().startswith(TEMPLATE[0]) and samples.read_text().startswith(TEMPLATE[1])
    )  # fmt: skip


@pytest.mark.skipif(not holds_the_template(), reason="config/ holds a cohort of the user's, not the template")
def test_template_with_its_files_passes_the_check(tmp_path, capsys, monkeypatch):
    shutil.copytree(REPO / "config", tmp_path / "config")
    monkeypatch.chdir(tmp_path)
    for path in ("reads", "aligned", "reference"):
        (tmp_path / path).mkdir()
    for line in (tmp_path / "config/units.tsv").read_text().splitlines()[1:]:
        fields = line.split("\t")
        for mate, fastq in enumerate(fields[2:4], start=1):
            if fastq:
                (tmp_path / fastq).write_bytes(
                    gzip.compress("".join(RECORD.format(n=n, mate=mate) for n in range(3)).encode())
                )
        if fields[4]:
            write_bam(tmp_path / fields[4])
    for name, demo in (("GRCh38.primary_assembly.genome.fa.gz", "human.fa"),
                       ("gencode.v46.primary_assembly.annotation.gtf.gz", "human.gtf"),
                       ("gencode.v46.transcripts.fa.gz", "human.transcripts.fa")):  # fmt: skip
        (tmp_path / "reference" / name).write_bytes(gzip.compress((DEMO_REFERENCE / demo).read_bytes()))
    (tmp_path / "reference/3M-february-2018.txt").write_text("AAACCTGAGAAACCAT\n")

    assert main(["check", "--configfile", "config/config.yaml"]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "  human leukocyte bulk: 4" in out
    assert "    cycle1_vs_baseline: visit=cycle1 2 vs visit=baseline 2 (estimable)" in out
    assert "clinical (config/clinical.tsv): 2 patients; 2 matched to 4 blood samples" in out
    assert "genome human (reference/GRCh38.primary_assembly.genome.fa.gz" in out


def write_bam(path):
    """A coordinate-sorted BAM on the demo human genome's contigs, one mapped read pair."""
    fai = (DEMO_REFERENCE / "human.fa.fai").read_text().splitlines()
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": f.split("\t")[0], "LN": int(f.split("\t")[1])} for f in fai]}  # fmt: skip
    with pysam.AlignmentFile(str(path), "wb", header=header) as bam:
        for flag, start in ((99, 100), (147, 200)):
            read = pysam.AlignedSegment(bam.header)
            read.query_name, read.flag, read.reference_id, read.reference_start = "r1", flag, 0, start
            read.mapping_quality, read.cigarstring = 60, "20M"
            read.next_reference_id, read.next_reference_start = 0, 300 - start
            read.query_sequence, read.query_qualities = "ACGT" * 5, pysam.qualitystring_to_array("I" * 20)
            bam.write(read)
