"""The built wheel works outside the checkout: site sequences, gene sets, markers and schemas ship
inside the package."""

import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow  # builds the wheel


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel unpacked into a folder of its own (a pure-Python wheel installs by unpacking)."""
    root = tmp_path_factory.mktemp("wheel")
    source = root / "source"  # a copy: the build writes build/ and egg-info beside its sources
    shutil.copytree(REPO / "ire1seq", source / "ire1seq", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(REPO / name, source)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", root / "dist", source],
        check=True, capture_output=True, cwd=root,
    )  # fmt: skip
    (wheel,) = (root / "dist").glob("ire1seq-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(root / "site")
    return root


def ire1seq(root, *args):
    """The unpacked package's CLI, run from a folder outside the checkout."""
    env = {"PYTHONPATH": str(root / "site"), "PATH": "/usr/bin:/bin", "IRE1SEQ_CACHE_DIR": str(root / "cache")}
    code = "import sys, ire1seq.cli; sys.exit(ire1seq.cli.main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=root, env=env)


def test_the_wheel_ships_its_data(installed):
    names = zipfile.ZipFile(next((installed / "dist").glob("*.whl"))).namelist()
    for shipped in (
        "xbp1/sites.tsv",
        "genesets/xbp1s_targets.tsv",
        "markers/human_blood.tsv",
        "schemas/config.schema.yaml",
    ):
        assert f"ire1seq/data/{shipped}" in names
    where = ire1seq(installed, "--version")
    assert where.returncode == 0, where.stderr
    located = subprocess.run(
        [sys.executable, "-c", "import ire1seq.data as d; print(d.DATA)"],
        capture_output=True, text=True, cwd=installed, env={"PYTHONPATH": str(installed / "site")},
    )  # fmt: skip
    assert located.stdout.strip() == str(installed / "site" / "ire1seq" / "data")


def test_locate_and_score_outside_the_checkout(installed, tmp_path):
    fasta = REPO / "resources/demo/reference/human.fa"
    result = ire1seq(
        installed, "xbp1", "locate", "--reference", str(fasta), "--organism", "human", "-o", str(tmp_path / "site.json")
    )
    assert result.returncode == 0, result.stderr
    assert '"contig": "22"' in (tmp_path / "site.json").read_text()
    counts = tmp_path / "counts.tsv"
    counts.write_text(
        "gene_id\tgene_name\tS1\n"
        + "".join(
            f"g{i}\t{g}\t{100 + i}\n"
            for i, g in enumerate(["XBP1", "DNAJB9", "SEC61A1", "HSPA5", "EDEM1", "ACTB", "GAPDH"])
        )
    )
    samples = tmp_path / "samples.tsv"
    samples.write_text("sample\tsubject\torganism\ttissue\tassay\nS1\tP1\thuman\tleukocyte\tbulk\n")
    result = ire1seq(
        installed, "score", "--counts", str(counts), "--samples", str(samples), "-o", str(tmp_path / "scores.tsv")
    )
    assert result.returncode == 0, result.stderr
    assert "score_xbp1s_targets" in (tmp_path / "scores.tsv").read_text().splitlines()[0]
