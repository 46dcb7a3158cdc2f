"""FASTQ files checked before alignment: hard problems refused naming the file, mates out of order reported."""

import gzip

import pytest

from ire1seq.cli import main
from ire1seq.errors import InputError
from ire1seq.reads import check_units, head


def fastq(path, names, length=30, gz=True):
    text = "".join(f"@{n}/1 extra\n{'A' * length}\n+\n{'I' * length}\n" for n in names)
    (gzip.open if gz else open)(path, "wt").write(text)
    return str(path)


def test_good_units_report_their_reads(tmp_path):
    r1, r2 = fastq(tmp_path / "a_R1.fq.gz", ["x", "y", "z"]), fastq(tmp_path / "a_R2.fq", ["x", "y", "z"], gz=False)
    single = fastq(tmp_path / "b.fq.gz", ["p", "q"])
    assert check_units([(r1, r2), (single, None)]) == [
        {"fq1": r1, "fq2": r2, "reads": 3, "problem": None},
        {"fq1": single, "fq2": "", "reads": 2, "problem": None},
    ]
    assert head(r1, 2) == [("x", 30), ("y", 30)]


def test_mates_out_of_order_are_reported_not_refused(tmp_path):
    r1, r2 = fastq(tmp_path / "R1.fq.gz", ["x", "y", "z"]), fastq(tmp_path / "R2.fq.gz", ["x", "z", "y"])
    [row] = check_units([(r1, r2)])
    assert (
        row["problem"]
        == "read 2 (line 5) is y in R1.fq.gz but z in R2.fq.gz: mates out of order, or not the mates of one unit"
    )


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-12]), r"R1.fq.gz is truncated: its gzip stream ends"),
        (lambda p: gzip.open(p, "wt").write("@x\nACGT\n+\nIIII\n@y\nACGT\n+\n"), r"R1.fq.gz has 7 lines, not four per read"),
        (lambda p: gzip.open(p, "wt").write("@x\nACGT\n+\nIII\n@y\nACGT\n+\nIIII\n@z\nACGT\n+\nIIII\n"),
         r"R1.fq.gz is not FASTQ at record 1 \(lines 1-4\)"),
        (lambda p: gzip.open(p, "wt").write("@x\nACGT\n+\nIIII\n"), r"R1.fq.gz and .*R2.fq.gz have different numbers of reads \(1 and 3\)"),
    ],
)  # fmt: skip
def test_damaged_files_are_refused_naming_them(tmp_path, damage, message):
    r1, r2 = fastq(tmp_path / "R1.fq.gz", ["x", "y", "z"]), fastq(tmp_path / "R2.fq.gz", ["x", "y", "z"])
    damage(tmp_path / "R1.fq.gz")
    with pytest.raises(InputError, match=message):
        check_units([(r1, r2)])


def test_command_writes_the_table_and_refuses_unequal_mate_lists(tmp_path, capsys):
    r1, r2 = fastq(tmp_path / "R1.fq.gz", ["x"]), fastq(tmp_path / "R2.fq.gz", ["x"])
    assert main(["check-reads", "--sample", "s", "--r1", r1, "--r2", r2, "-o", str(tmp_path / "out.tsv")]) == 0
    assert (tmp_path / "out.tsv").read_text().splitlines()[1] == f"s\t{r1}\t{r2}\t1\t"
    assert main(["check-reads", "--sample", "s", "--r1", r1, r1, "--r2", r2]) == 2
    assert "2 --r1 files but 1 --r2 files" in capsys.readouterr().err
