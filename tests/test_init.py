"""`ire1seq init`: folders of reads named every way a facility names them → sheets that validate."""

import gzip
import os
from pathlib import Path

import pysam
import pytest

from ire1seq.cli import main
from ire1seq.cohort.scaffold import alignment_kind, chemistry_of, parse_stem, refuse_existing, scan_folders
from ire1seq.errors import InputError
from ire1seq.sheets import load_samples, load_units

SCHEMAS = Path(__file__).parents[1] / "workflow" / "schemas"
GENOMES = {"human": {}, "mouse": {}}


def write_fastq(path: Path, length: int, prefix: str = "read", records: int = 3, gzipped: bool | None = None) -> None:
    """`records` reads named prefix1.. of `length` nt; gzip when the name says .gz unless told otherwise."""
    text = "".join(
        f"@{prefix}{i} 1:N:0:ACGT\n{'ACGT' * (length // 4)}{'A' * (length % 4)}\n+\n{'I' * length}\n"
        for i in range(1, records + 1)
    )
    gzipped = path.name.endswith(".gz") if gzipped is None else gzipped
    path.write_bytes(gzip.compress(text.encode()) if gzipped else text.encode())


def write_pair(folder: Path, r1: str, r2: str, r1_length: int = 50, r2_length: int = 50, prefix: str = "read") -> None:
    write_fastq(folder / r1, r1_length, prefix)
    write_fastq(folder / r2, r2_length, prefix)


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> Path:
    fasta = tmp_path_factory.mktemp("ref") / "ref.fa"
    fasta.write_text(">chr1\n" + "ACGT" * 50 + "\n")
    return fasta


def write_alignments(path: Path, reference: Path) -> None:
    """A one-read coordinate-sorted BAM or CRAM (by the suffix), made by pysam."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr1", "LN": 200}]}
    mode = "wc" if path.suffix == ".cram" else "wb"
    with pysam.AlignmentFile(str(path), mode, header=header, reference_filename=str(reference)) as out:
        read = pysam.AlignedSegment(out.header)
        read.query_name, read.query_sequence, read.flag = "r1", "ACGTACGTAC", 0
        read.reference_id, read.reference_start, read.mapping_quality = 0, 0, 60
        read.cigartuples, read.query_qualities = [(0, 10)], pysam.qualitystring_to_array("I" * 10)
        out.write(read)


@pytest.fixture
def cohort(tmp_path, reference) -> tuple[Path, Path]:
    """Two folders mixing every naming scheme init knows, plus files it must ignore."""
    run1, run2 = tmp_path / "run1", tmp_path / "run2"
    run1.mkdir()
    run2.mkdir()
    for lane in ("L001", "L002"):  # Illumina, two lanes, with an index read
        write_pair(run1, f"P01_S1_{lane}_R1_001.fastq.gz", f"P01_S1_{lane}_R2_001.fastq.gz", prefix=f"p01{lane}_")
    write_fastq(run1 / "P01_S1_L001_I1_001.fastq.gz", 8)
    write_pair(run1, "Undetermined_S0_L001_R1_001.fastq.gz", "Undetermined_S0_L001_R2_001.fastq.gz")
    write_pair(run1, "P02_R1.fastq.gz", "P02_R2.fastq.gz")
    write_pair(run1, "P03_1.fq", "P03_2.fq")  # plain .fq, bare _1/_2 mates
    write_fastq(run1 / "M1.fastq", 75)  # single-end, no mark
    write_fastq(run1 / "M2_R1.fq.gz", 75, gzipped=False)  # read 1 alone; named .gz but plain text
    write_fastq(run1 / "rep_1.fastq.gz", 75, prefix="first")  # replicates, not mates
    write_fastq(run1 / "rep_2.fastq.gz", 75, prefix="second")
    write_pair(run1, "SC2_S3_L001_R1_001.fastq.gz", "SC2_S3_L001_R2_001.fastq.gz", 26, 98)  # 10x v2
    write_fastq(run1 / "SC2_S3_L001_I1_001.fastq.gz", 8)
    write_pair(run1, "SC3_R1.fastq.gz", "SC3_R2.fastq.gz", 28, 90)  # 10x v3
    write_alignments(run1 / "B1.bam", reference)
    (run1 / "B1.bam.bai").write_bytes(b"BAI\x01")
    write_alignments(run1 / "C1.cram", reference)
    (run1 / "md5sum.txt").write_text("0123  P02_R1.fastq.gz\n")
    (run1 / "Reports").mkdir()
    write_pair(run2, "P04_S4_L003_R1_001.fastq", "P04_S4_L003_R2_001.fastq")  # a second folder
    return run1, run2


def base(path: str | None) -> str | None:
    return os.path.basename(path) if path else None


def placed(scan) -> dict:
    """{(sample, unit): (layout, fq1 name, fq2 name, bam name)}."""
    return {(u.sample, u.unit): (u.layout, base(u.fq1), base(u.fq2), base(u.bam)) for u in scan.units}


def test_every_naming_scheme_is_placed(cohort):
    scan = scan_folders([str(folder) for folder in cohort])
    assert scan.refused == []
    assert placed(scan) == {
        ("B1", "1"): ("pre-aligned", None, None, "B1.bam"),
        ("C1", "1"): ("pre-aligned", None, None, "C1.cram"),
        ("M1", "1"): ("single-end", "M1.fastq", None, None),
        ("M2", "1"): ("single-end", "M2_R1.fq.gz", None, None),
        ("P01", "L001"): ("paired-end", "P01_S1_L001_R1_001.fastq.gz", "P01_S1_L001_R2_001.fastq.gz", None),
        ("P01", "L002"): ("paired-end", "P01_S1_L002_R1_001.fastq.gz", "P01_S1_L002_R2_001.fastq.gz", None),
        ("P02", "1"): ("paired-end", "P02_R1.fastq.gz", "P02_R2.fastq.gz", None),
        ("P03", "1"): ("paired-end", "P03_1.fq", "P03_2.fq", None),
        ("P04", "L003"): ("paired-end", "P04_S4_L003_R1_001.fastq", "P04_S4_L003_R2_001.fastq", None),
        ("SC2", "L001"): ("10xv2", "SC2_S3_L001_R1_001.fastq.gz", "SC2_S3_L001_R2_001.fastq.gz", None),
        ("SC3", "1"): ("10xv3", "SC3_R1.fastq.gz", "SC3_R2.fastq.gz", None),
        ("rep_1", "1"): ("single-end", "rep_1.fastq.gz", None, None),
        ("rep_2", "1"): ("single-end", "rep_2.fastq.gz", None, None),
    }
    ignored = {os.path.basename(path): why for path, why in scan.ignored}
    assert set(ignored) == {
        "P01_S1_L001_I1_001.fastq.gz", "SC2_S3_L001_I1_001.fastq.gz", "B1.bam.bai", "md5sum.txt", "Reports",
        "Undetermined_S0_L001_R1_001.fastq.gz", "Undetermined_S0_L001_R2_001.fastq.gz",
    }  # fmt: skip
    assert ignored["P01_S1_L001_I1_001.fastq.gz"] == "index read I1"
    assert [os.path.basename(path) for path, _ in scan.notes] == ["rep_1.fastq.gz", "rep_2.fastq.gz"]


def test_sheets_validate_with_the_workflows_loaders(cohort, tmp_path, capsys):
    outdir = tmp_path / "sheets"
    run1, run2 = map(str, cohort)
    args = ["--organism", "mouse", "--tissue", "DRG", "-o", str(outdir)]
    assert main(["init", "--reads", run1, "--reads", run2, *args]) == 0
    samples = load_samples(outdir / "samples.tsv", SCHEMAS / "samples.schema.yaml", GENOMES)
    units = load_units(outdir / "units.tsv", SCHEMAS / "units.schema.yaml", samples)
    assert (
        list(samples.columns) == "sample subject organism tissue assay visit treatment genotype inhibitor batch".split()
    )
    assert (samples["subject"] == samples["sample"]).all() and set(samples["organism"]) == {"mouse"}
    assert set(samples["tissue"]) == {"DRG"} and samples[["visit", "treatment", "batch"]].isna().all().all()
    assert dict(samples["assay"]) == {**dict.fromkeys(samples.index, "bulk"), "SC2": "sc", "SC3": "sc"}
    assert dict(units["chemistry"].dropna()) == {("SC2", "L001"): "10xv2", ("SC3", "1"): "10xv3"}
    assert set(units["strandedness"]) == {"auto"}
    assert all(os.path.isabs(path) for path in units[["fq1", "fq2", "bam"]].stack())
    assert units.loc[("C1", "1"), "bam"] == str(cohort[0] / "C1.cram")
    out = capsys.readouterr()
    assert "12 samples (1 10xv2, 1 10xv3, 4 paired-end, 2 pre-aligned, 4 single-end), 13 units" in out.out
    assert "ignored" in out.err and "md5sum.txt" in out.err and "rep_1" in out.err


def test_paths_are_absolute_from_a_relative_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    Path("fastq").mkdir()
    write_pair(Path("fastq"), "A_R1.fq", "A_R2.fq")
    assert main(["init", "--reads", "fastq", "--organism", "human", "-o", "config"]) == 0
    units = Path("config/units.tsv").read_text().splitlines()
    assert units[1].split("\t")[:4] == [
        "A",
        "1",
        str(tmp_path / "fastq" / "A_R1.fq"),
        str(tmp_path / "fastq" / "A_R2.fq"),
    ]
    assert Path("config/samples.tsv").read_text().splitlines()[1].split("\t")[:5] == [
        "A",
        "A",
        "human",
        "unknown",
        "bulk",
    ]


def refused(folder: Path) -> dict:
    scan = scan_folders([str(folder)])
    return {os.path.basename(path): why for path, why in scan.refused}


def test_files_that_cannot_be_placed_are_refused_with_a_reason(tmp_path, reference):
    write_fastq(tmp_path / "reads.txt", 50)  # FASTQ content, unknown naming
    write_fastq(tmp_path / "X_R2.fastq.gz", 50)  # read 2 without read 1
    write_pair(tmp_path, "Y_R1.fq", "Y_R2.fq")
    write_fastq(tmp_path / "Y_R2.fq", 50, prefix="other")  # mates of different runs/samples
    write_fastq(tmp_path / "Z_R1.fq", 50)  # sample both as FASTQ and BAM
    write_alignments(tmp_path / "Z.bam", reference)
    write_alignments(tmp_path / "W.bam", reference)  # one sample as BAM and as CRAM
    write_alignments(tmp_path / "W.cram", reference)
    write_fastq(tmp_path / "S_R1.fq", 50)  # one file under two names
    (tmp_path / "T_R1.fq").symlink_to(tmp_path / "S_R1.fq")
    write_fastq(tmp_path / "D.fq", 50)  # two files for the same read
    write_fastq(tmp_path / "D.fastq.gz", 50)
    write_fastq(tmp_path / "bad name_R1.fq", 50)  # not a valid sample id
    write_fastq(tmp_path / "A_S1_L001_R3_001.fastq.gz", 50)  # an unknown read
    for lane in ("L001", "L002"):  # paired lane + single lane in one sample
        write_fastq(tmp_path / f"E_S1_{lane}_R1_001.fastq.gz", 50)
    write_fastq(tmp_path / "E_S1_L001_R2_001.fastq.gz", 50)
    write_fastq(tmp_path / "F_R1.fq", 26)  # 10x v2 and bulk in one sample
    write_fastq(tmp_path / "F_R2.fq", 90)
    write_fastq(tmp_path / "F_S2_L004_R1_001.fq", 50)
    write_fastq(tmp_path / "F_S2_L004_R2_001.fq", 50)
    reasons = refused(tmp_path)
    expected = {
        "reads.txt": "holds FASTQ reads but its name does not end in .fastq or .fq",
        "X_R2.fastq.gz": "read 2 of sample X, unit 1 without its read 1",
        "Y_R1.fq": "not mates: read 1 starts with read 'read1', read 2 with 'other1'",
        "Y_R2.fq": "not mates",
        "Z_R1.fq": "sample Z mixes pre-aligned and single-end units",
        "Z.bam": "sample Z mixes pre-aligned and single-end units",
        "W.bam": f"sample W has unit 1 more than once ({tmp_path / 'W.bam'}, {tmp_path / 'W.cram'})",
        "W.cram": "sample W has unit 1 more than once",
        "S_R1.fq": "the same file as ",
        "T_R1.fq": "the same file as ",
        "D.fq": "more than one file for the same read (D.fastq.gz, D.fq)",
        "D.fastq.gz": "more than one file for the same read",
        "bad name_R1.fq": "sample id 'bad name' (from the file name) is not valid",
        "A_S1_L001_R3_001.fastq.gz": "read R3: only reads R1 and R2",
        "E_S1_L001_R1_001.fastq.gz": "sample E mixes paired-end and single-end units",
        "E_S1_L001_R2_001.fastq.gz": "sample E mixes paired-end and single-end units",
        "E_S1_L002_R1_001.fastq.gz": "sample E mixes paired-end and single-end units",
        "F_R1.fq": "sample F mixes 10xv2 and paired-end units",
        "F_R2.fq": "sample F mixes 10xv2 and paired-end units",
        "F_S2_L004_R1_001.fq": "sample F mixes 10xv2 and paired-end units",
        "F_S2_L004_R2_001.fq": "sample F mixes 10xv2 and paired-end units",
    }
    assert set(reasons) == set(expected)
    for name, reason in expected.items():
        assert reason in reasons[name], name


@pytest.mark.parametrize(
    "name, content, reason",
    [
        ("G.fastq.gz", gzip.compress(b"this is not a fastq file\nat all\n\n\n", mtime=0), "is not FASTQ at record 1"),
        ("H.fastq.gz", gzip.compress(b"@r1\nACGT\n+\nIIII\n" * 50, mtime=0)[:30], "cannot be read"),
        ("I.fq", b"", "holds no complete FASTQ record"),
        ("J.fq", b"@r1\nACGT\n+\nII\n", "is not FASTQ"),
        ("K.bam", b"plain text\n", "named .bam but its content is neither BAM nor CRAM"),
        ("L.bam", b"CRAM\x03\x00rest", "named .bam but its content is a CRAM file"),
    ],
)
def test_garbled_files_are_refused(tmp_path, name, content, reason):
    (tmp_path / name).write_bytes(content)
    assert reason in refused(tmp_path)[name]


def test_a_bam_named_as_fastq_is_refused(tmp_path, reference):
    write_alignments(tmp_path / "N_R1.fastq.gz", reference)
    assert refused(tmp_path) == {"N_R1.fastq.gz": "a BAM file whose name does not end in .bam; rename it"}


def test_a_sample_in_two_folders_with_the_same_unit_is_refused(tmp_path):
    for run in ("run1", "run2"):
        (tmp_path / run).mkdir()
        write_pair(tmp_path / run, "A_R1.fq", "A_R2.fq")
    scan = scan_folders([str(tmp_path / "run1"), str(tmp_path / "run2")])
    assert scan.units == [] and len(scan.refused) == 4
    assert all(why.startswith("sample A has unit 1 more than once") for _, why in scan.refused)


def test_bare_numbers_pair_only_real_mates(tmp_path):
    write_pair(tmp_path, "DRG_veh_1.fq", "DRG_veh_2.fq", prefix="mate")  # mates: sample DRG_veh
    write_fastq(tmp_path / "DRG_ptx_1.fq", 50, prefix="a")  # two single-end replicates
    write_fastq(tmp_path / "DRG_ptx_2.fq", 50, prefix="b")
    write_fastq(tmp_path / "DRG_ko_2.fq", 50)  # no partner at all
    scan = scan_folders([str(tmp_path)])
    assert placed(scan) == {
        ("DRG_veh", "1"): ("paired-end", "DRG_veh_1.fq", "DRG_veh_2.fq", None),
        ("DRG_ptx_1", "1"): ("single-end", "DRG_ptx_1.fq", None, None),
        ("DRG_ptx_2", "1"): ("single-end", "DRG_ptx_2.fq", None, None),
        ("DRG_ko_2", "1"): ("single-end", "DRG_ko_2.fq", None, None),
    }
    notes = {os.path.basename(path): why for path, why in scan.notes}
    assert notes["DRG_ptx_1.fq"] == "taken as single-end sample DRG_ptx_1 (DRG_ptx_2.fq starts with another read)"
    assert notes["DRG_ko_2.fq"] == "taken as single-end sample DRG_ko_2 (no DRG_ko_1 beside it)"


def test_unplaceable_files_stop_init_before_anything_is_written(tmp_path, capsys):
    write_pair(tmp_path, "A_R1.fq", "A_R2.fq")
    write_fastq(tmp_path / "X_R2.fq", 50)
    outdir = tmp_path / "sheets"
    assert main(["init", "--reads", str(tmp_path), "--organism", "human", "-o", str(outdir)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ire1seq: error: 1 file(s) could not be placed, so no sheet was written")
    assert f"{tmp_path / 'X_R2.fq'}: read 2 of sample X, unit 1 without its read 1" in err
    assert "Traceback" not in err and not outdir.exists()


def test_existing_sheets_are_kept_unless_force(tmp_path, capsys):
    write_pair(tmp_path, "A_R1.fq", "A_R2.fq")
    outdir = tmp_path / "config"
    outdir.mkdir()
    (outdir / "units.tsv").write_text("mine\n")
    args = ["init", "--reads", str(tmp_path), "--organism", "human", "-o", str(outdir)]
    assert main(args) == 2
    assert f"{outdir / 'units.tsv'} already exists; pass --force" in capsys.readouterr().err
    assert (outdir / "units.tsv").read_text() == "mine\n" and not (outdir / "samples.tsv").exists()
    assert main([*args, "--force"]) == 0
    assert (outdir / "units.tsv").read_text().startswith("sample\tunit\tfq1")
    with pytest.raises(InputError, match="samples.tsv already exists"):
        refuse_existing(outdir, force=False)


@pytest.mark.parametrize(
    "setup, message",
    [
        (lambda folder: None, r"--reads .*missing: no such folder"),
        (lambda folder: folder.mkdir(), r"holds no FASTQ .* \(it is empty\)"),
        (lambda folder: (folder.mkdir(), (folder / "notes.txt").write_text("hi\n")), r"\(it holds only: notes.txt\)"),
    ],
)
def test_folders_without_reads_are_a_clear_error(tmp_path, capsys, setup, message):
    folder = tmp_path / "missing"
    setup(folder)
    assert main(["init", "--reads", str(folder), "--organism", "human", "-o", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ire1seq: error: --reads") and "Traceback" not in err
    with pytest.raises(InputError, match=message):
        scan_folders([str(folder)])


def test_the_same_folder_twice_is_an_error(tmp_path):
    write_fastq(tmp_path / "A.fq", 50)
    with pytest.raises(InputError, match="is the same folder as --reads"):
        scan_folders([str(tmp_path), f"{tmp_path}/"])


@pytest.mark.parametrize(
    "stem, expected",
    [
        ("P01_S1_L001_R1_001", ("P01", "L001", "R1", False)),
        ("P01_S12_L004_R2_001", ("P01", "L004", "R2", False)),
        ("mouse_S2_S5_L001_R1_001", ("mouse_S2", "L001", "R1", False)),
        ("P01_S1_R2_001", ("P01", "1", "R2", False)),
        ("P01_R1_001", ("P01", "1", "R1", False)),
        ("P01_S1_L002_R1_002", ("P01", "L002_002", "R1", False)),
        ("P01_S1_R1_003", ("P01", "003", "R1", False)),
        ("P01_S1_L001_I1_001", ("P01", "L001", "I1", False)),
        ("P01_R1", ("P01", "1", "R1", False)),
        ("P01.r2", ("P01", "1", "R2", False)),
        ("SRR123_2", ("SRR123", "1", "2", True)),
        ("P01", ("P01", "1", None, False)),
    ],
)
def test_names_give_sample_unit_and_read(stem, expected):
    assert parse_stem(stem) == expected


def test_chemistry_needs_every_read_1_at_barcode_plus_umi_length():
    assert chemistry_of((("a", 26), ("b", 26))) == "10xv2"
    assert chemistry_of((("a", 28),)) == "10xv3"
    assert chemistry_of((("a", 28), ("b", 26))) is None
    assert chemistry_of((("a", 150),)) is None


def test_alignments_are_recognised_by_content(tmp_path, reference):
    write_alignments(tmp_path / "x.bam", reference)
    write_alignments(tmp_path / "x.cram", reference)
    write_fastq(tmp_path / "x.fq", 50)
    pysam.tabix_compress(str(tmp_path / "x.fq"), str(tmp_path / "x.fq.gz"))  # BGZF too, but FASTQ inside
    kinds = [alignment_kind(tmp_path / name) for name in ("x.bam", "x.cram", "x.fq.gz", "x.fq")]
    assert kinds == ["bam", "cram", None, None]
