"""`ire1seq clinical` (docs/cli.md): tables and figures from the three sheets; bad input is an InputError."""

import argparse

import pytest

from ire1seq.clinical import cli
from ire1seq.clinical.plots import PLOTS
from ire1seq.clinical.simulate import simulate_cohort, write_cohort
from ire1seq.errors import InputError
from ire1seq.io import read_tsv


def parse(argv):
    parser = argparse.ArgumentParser(prog="ire1seq")
    cli.register(parser.add_subparsers())
    return parser.parse_args(["clinical", *argv])


@pytest.fixture
def sheets(tmp_path):
    return write_cohort(simulate_cohort(n=12, seed=4), tmp_path / "in")


def test_writes_tables_and_figures(sheets, tmp_path):
    args = parse(
        [
            "--clinical",
            sheets["clinical"],
            "--samples",
            sheets["samples"],
            "--scores",
            sheets["scores"],
            "-o",
            str(tmp_path / "out"),
            "--covariates",
            "age,bmi",
            "--readouts",
            "fraction_spliced",
            "--bootstrap",
            "200",
        ]
    )
    args.func(args)
    association = read_tsv(tmp_path / "out" / "association.tsv")
    assert set(association["readout"]) == {"fraction_spliced"} and len(association) == 13
    for name in ("visits", "patients", "tte", "association", "unmatched"):
        assert (tmp_path / "out" / f"{name}.parquet").stat().st_size > 0
    for name in PLOTS:
        assert (tmp_path / "out" / "plots" / name).read_bytes()[:4] == b"\x89PNG"


def test_defaults_follow_the_spec():
    args = parse(["--clinical", "c", "--samples", "s", "--scores", "x", "-o", "out"])
    assert args.baseline_visit == "baseline" and args.covariates == [] and args.readouts is None
    assert args.sample_filter == {"organism": "human", "assay": "bulk"} and args.bootstrap == 2000
    assert args.primary is None and args.exclude_baseline_grade_ge2 and not args.change_adjusts_for_baseline


def test_primary_and_options_parsed():
    args = parse(
        [
            "--clinical",
            "c",
            "--samples",
            "s",
            "--scores",
            "x",
            "-o",
            "o",
            "--primary",
            "score_ridd:change:cox",
        ]
        + ["--keep-baseline-grade-ge2", "--change-adjusts-for-baseline"]
    )
    assert args.primary == {"readout": "score_ridd", "timepoint": "change", "model": "cox"}
    assert not args.exclude_baseline_grade_ge2 and args.change_adjusts_for_baseline


def test_unknown_primary_model_is_a_clear_error(sheets, tmp_path, capsys):
    from ire1seq.cli import main

    command = ["clinical", "--clinical", sheets["clinical"], "--samples", sheets["samples"]]
    command += [
        "--scores",
        sheets["scores"],
        "-o",
        str(tmp_path / "out"),
        "--primary",
        "fraction_spliced:change:cox_tv",
    ]
    assert main(command) == 2
    err = capsys.readouterr().err
    assert "clinical.primary" in err and "'cox_tv'" in err and "change: logistic" in err and "Traceback" not in err


def test_sample_filter_parsed():
    args = parse(
        [
            "--clinical",
            "c",
            "--samples",
            "s",
            "--scores",
            "x",
            "-o",
            "o",
            "--sample-filter",
            "tissue=PBMC,assay=bulk",
        ]
    )
    assert args.sample_filter == {"tissue": "PBMC", "assay": "bulk"}


def test_missing_file_is_an_input_error(sheets, tmp_path):
    args = parse(
        [
            "--clinical",
            str(tmp_path / "nope.tsv"),
            "--samples",
            sheets["samples"],
            "--scores",
            sheets["scores"],
            "-o",
            str(tmp_path / "out"),
        ]
    )
    with pytest.raises(InputError, match="nope.tsv"):
        args.func(args)
