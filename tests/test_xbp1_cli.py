"""`ire1seq xbp1 locate | quant | pseudobulk` and the report figures, end to end on small files."""

import argparse

import pandas as pd
import pytest
import xbp1_bams as fx

from ire1seq.errors import InputError
from ire1seq.xbp1 import cli
from ire1seq.xbp1.plots import design_columns, plot_fraction, plot_read_structure
from ire1seq.xbp1.site import load_site

PNG = b"\x89PNG"


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("IRE1SEQ_CACHE_DIR", str(tmp_path / "cache"))


def run(*argv):
    parser = argparse.ArgumentParser(prog="ire1seq")
    cli.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["xbp1", *map(str, argv)])
    args.func(args)


@pytest.fixture
def files(tmp_path):
    reference = fx.make_reference(tmp_path, "human", "-")
    run("locate", "--reference", reference, "-o", tmp_path / "site" / "human.json")
    site = load_site(tmp_path / "site" / "human.json")
    first, u0 = site.window[0], site.union[0]
    spliced = [
        fx.spliced_read(site, f"s{i}", first + i % 7, 40, 40, tags={"CB": "AAAC", "UB": f"u{i}"}) for i in range(3)
    ]
    unspliced = [fx.unspliced_read(site, f"u{i}", u0 - 30, 80, tags={"CB": "GGGT", "UB": f"u{i}"}) for i in range(12)]
    bams = [fx.write_bam(tmp_path / f"{n}.bam", site.contigs, r) for n, r in (("a", spliced), ("b", unspliced))]
    return tmp_path, reference, site, bams


def test_locate_writes_site_and_junction_files(files):
    tmp_path, _, site, _ = files
    assert (tmp_path / "site" / "human.sjdb.tsv").read_text() == site.sjdb_line()
    assert (tmp_path / "site" / "human.ss.tsv").is_file()


def test_quant_one_row_per_bam_or_pooled(files):
    tmp_path, reference, _, (a, b) = files
    run("quant", a, b, "--site", tmp_path / "site" / "human.json", "-o", tmp_path / "bulk.tsv")
    table = pd.read_csv(tmp_path / "bulk.tsv", sep="\t")
    assert list(table.columns) == [
        "sample", "spliced", "unspliced", "ambiguous", "informative", "fraction_spliced",
        "ci_low", "ci_high", "log2_spliced_ratio", "molecular_fraction", "molecular_ci_low",
        "molecular_ci_high", "detection_ratio", "status",
    ]  # fmt: skip
    assert table[["sample", "spliced", "unspliced", "status"]].values.tolist() == [
        ["a", 3, 0, "low_coverage"],
        ["b", 0, 12, "ok"],
    ]
    run(
        "quant",
        a,
        b,
        "--reference",
        reference,
        "--sample",
        "pooled",
        "--min-informative",
        "20",
        "-o",
        tmp_path / "pooled.tsv",
    )
    pooled = pd.read_csv(tmp_path / "pooled.tsv", sep="\t").iloc[0]
    assert (pooled["sample"], pooled["spliced"], pooled["unspliced"], pooled["status"]) == (
        "pooled",
        3,
        12,
        "low_coverage",
    )
    with pytest.raises(InputError, match="--sample was given 3 times"):
        run(
            "quant", a, b, "--site", tmp_path / "site" / "human.json", "--sample", "x", "--sample", "y", "--sample", "z"
        )
    with pytest.raises(InputError, match="--reference REF.fa"):
        run("quant", a)


def test_per_cell_then_pseudobulk(files):
    tmp_path, _, _, bams = files
    (tmp_path / "barcodes.tsv").write_text("AAAC\nGGGT\n")
    run("quant", *bams, "--site", tmp_path / "site" / "human.json", "--sample", "sc1", "--per-cell",
        "--barcodes", tmp_path / "barcodes.tsv", "-o", tmp_path / "cells.tsv")  # fmt: skip
    cells = pd.read_csv(tmp_path / "cells.tsv", sep="\t")
    assert cells.iloc[:, :5].values.tolist() == [["sc1", "AAAC", 3, 0, 0], ["sc1", "GGGT", 0, 12, 0]]
    assert cells["detection_ratio"].nunique() == 1  # one ratio per sample
    pd.DataFrame({"sample": ["sc1", "sc1"], "barcode": ["AAAC", "GGGT"], "cell_type": ["mac", "T"]}).to_csv(
        tmp_path / "types.tsv", sep="\t", index=False
    )
    run("pseudobulk", "--cells", tmp_path / "cells.tsv", "--groups", tmp_path / "types.tsv", "-o", tmp_path / "pb.tsv")
    pseudo = pd.read_csv(tmp_path / "pb.tsv", sep="\t")
    assert pseudo[["cell_type", "n_cells", "spliced", "unspliced"]].values.tolist() == [
        ["T", 1, 0, 12],
        ["mac", 1, 3, 0],
    ]


def test_report_figures(files):
    tmp_path, _, site, (a, b) = files
    bulk = pd.DataFrame(
        {"sample": ["a", "b", "c"], "molecular_fraction": [1.0, 0.0, None], "molecular_ci_low": [0.5, 0.0, None],
         "molecular_ci_high": [1.0, 0.3, None], "status": ["low_coverage", "ok", "no_reads"]}
    )  # fmt: skip
    samples = pd.DataFrame(
        {
            "sample": ["a", "b", "c"],
            "assay": ["bulk"] * 3,
            "tissue": ["DRG"] * 3,
            "treatment": ["pac", "veh", "veh"],
            "batch": ["1", "2", "1"],
        }
    )
    assert design_columns(samples) == ["treatment"]
    plot_fraction(bulk, samples, tmp_path / "plots" / "fraction.png")
    plot_read_structure(a, site, tmp_path / "plots" / "reads.png", sample="a")
    for name in ("fraction.png", "reads.png"):
        assert (tmp_path / "plots" / name).read_bytes()[:4] == PNG
