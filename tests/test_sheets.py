"""Sample/unit sheets: a bad sheet gets one clear message naming the file, line and column."""

import gzip
from pathlib import Path

import pytest

from ire1seq.errors import InputError
from ire1seq.sheets import load_samples, load_units

SCHEMAS = Path(__file__).parents[1] / "workflow" / "schemas"
GENOMES = {"human": {}, "mouse": {}}
SAMPLES = """sample\tsubject\torganism\ttissue\tassay\tvisit\ttreatment
P1_base\tP1\thuman\tleukocyte\tbulk\tbaseline\tpaclitaxel
M1\tm1\tmouse\tDRG_macrophage\tbulk\t\tvehicle
"""
FASTQ = "@r1\nACGT\n+\nIIII\n"


@pytest.fixture
def sheet_dir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for name in ("a_R1.fq.gz", "a_R2.fq.gz", "b_R1.fq.gz"):
        with gzip.open(name, "wt") as handle:
            handle.write(FASTQ)
    Path("x.bam").write_bytes(b"")
    Path("samples.tsv").write_text(SAMPLES)
    return tmp_path


def units_text(*rows):
    header = "sample\tunit\tfq1\tfq2\tbam\tstrandedness\n"
    return header + "".join("\t".join(row) + "\n" for row in rows)


def load(units):
    Path("units.tsv").write_text(units)
    samples = load_samples("samples.tsv", SCHEMAS / "samples.schema.yaml", GENOMES)
    return load_units("units.tsv", SCHEMAS / "units.schema.yaml", samples)


GOOD = [("P1_base", "L1", "a_R1.fq.gz", "a_R2.fq.gz", "", "reverse"), ("M1", "L1", "b_R1.fq.gz", "", "", "auto")]


def test_good_sheets_load_with_defaults(sheet_dir):
    units = load(units_text(*GOOD))
    assert list(units.index) == [("M1", "L1"), ("P1_base", "L1")]
    assert units.loc[("M1", "L1"), "strandedness"] == "auto"


def test_missing_strandedness_defaults_to_auto(sheet_dir):
    text = "sample\tunit\tfq1\nP1_base\tL1\ta_R1.fq.gz\nM1\tL1\tb_R1.fq.gz\n"
    units = load(text)
    assert set(units["strandedness"]) == {"auto"}


@pytest.mark.parametrize(
    "rows, expected",
    [
        ([GOOD[0], ("M1", "L1", "missing.fq.gz", "", "", "auto")], r"line 3.*'fq1'.*missing.fq.gz does not exist"),
        ([*GOOD, ("M9", "L1", "b_R1.fq.gz", "", "", "auto")], r"line 4.*sample 'M9' is not in the sample sheet"),
        ([*GOOD, ("M1", "L1", "b_R1.fq.gz", "", "", "auto")], r"line 4: duplicate id \(sample=M1, unit=L1\)"),
        ([GOOD[0], ("M1", "L1", "", "b_R1.fq.gz", "", "auto")], r"line 3.*'fq2' is set but 'fq1' is empty"),
        ([GOOD[0], ("M1", "L1", "b_R1.fq.gz", "", "x.bam", "auto")], r"line 3.*both FASTQ and 'bam'"),
        ([GOOD[0], ("M1", "L1", "b_R1.fq.gz", "", "", "sideways")], r"line 3, column 'strandedness'.*'sideways'"),
        ([GOOD[0], ("M1", "L1", "", "", "", "auto")], r"line 3.*no input"),
        ([GOOD[0]], r"no unit for sample\(s\) M1"),
    ],
)
def test_bad_units_are_named(sheet_dir, rows, expected):
    with pytest.raises(InputError, match=expected) as err:
        load(units_text(*rows))
    assert "units.tsv" in str(err.value)


def test_duplicate_sample_id(sheet_dir):
    Path("samples.tsv").write_text(SAMPLES + "M1\tm2\tmouse\tDRG\tbulk\t\tvehicle\n")
    with pytest.raises(InputError, match=r"samples.tsv, line 4: duplicate id \(sample=M1\)"):
        load(units_text(*GOOD))


def test_unknown_organism(sheet_dir):
    Path("samples.tsv").write_text(SAMPLES.replace("\tmouse\t", "\trat\t"))
    with pytest.raises(InputError, match=r"samples.tsv, line 3, column 'organism'.*'rat'"):
        load(units_text(*GOOD))


def test_organism_without_genome(sheet_dir):
    Path("samples.tsv").write_text(SAMPLES)
    Path("units.tsv").write_text(units_text(*GOOD))
    with pytest.raises(InputError, match=r"line 3, column 'organism'.*only has \['human'\]"):
        load_samples("samples.tsv", SCHEMAS / "samples.schema.yaml", {"human": {}})


@pytest.mark.parametrize(
    "content, expected",
    [
        (b"this is not a fastq\nat all\n\n\n", "is not FASTQ at record 1"),
        (gzip.compress(FASTQ.encode(), mtime=0)[:20], "cannot be read"),
    ],
)
def test_unreadable_fastq(sheet_dir, content, expected):
    Path("b_R1.fq.gz").write_bytes(content)
    with pytest.raises(InputError, match=rf"line 3 \(sample M1, unit L1\), column 'fq1'.*{expected}"):
        load(units_text(*GOOD))


def test_mixed_layouts_in_one_sample(sheet_dir):
    rows = [*GOOD, ("P1_base", "L2", "b_R1.fq.gz", "", "", "reverse")]
    with pytest.raises(InputError, match="sample P1_base mixes paired-end, single-end units"):
        load(units_text(*rows))
