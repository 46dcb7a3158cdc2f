"""Pre-aligned input: a BAM and a CRAM of the same reads count like STAR and read XBP1 alike."""

import shutil
import subprocess

import pandas as pd
import pytest

from conftest import DEMO_CONFIG, REPO, reduced_demo, run_workflow

pytestmark = pytest.mark.slow
SAMPLE = "P01_baseline"
TARGETS = ["results/counts/bulk_counts.tsv", "results/counts/strandedness.tsv", "results/xbp1/bulk.tsv"]


def read(path):
    return pd.read_csv(path, sep="\t")


@pytest.fixture(scope="module")
def prealigned_run(demo_run, tmp_path_factory):
    """The demo's STAR BAM of one sample given as a BAM and as a CRAM (no index beside either)."""
    root = tmp_path_factory.mktemp("prealigned")
    star = demo_run / f"results/star/{SAMPLE}/Aligned.sortedByCoord.out.bam"
    shutil.copy(star, root / "reads.bam")
    fasta = REPO / "resources/demo/reference/human.fa"
    subprocess.run(["samtools", "view", "-C", "-T", fasta, "-o", root / "reads.cram", star], check=True)
    row = read(REPO / DEMO_CONFIG / "samples.tsv").set_index("sample").loc[[SAMPLE]]
    sheet = pd.concat([row.rename(index={SAMPLE: name}) for name in ("as_bam", "as_cram")])
    sheet.loc["as_cram", "visit"] = "cycle1"  # one patient sample per visit, as the clinical checks require
    sheet.rename_axis("sample").to_csv(root / "samples.tsv", sep="\t")
    units = "sample\tunit\tfq1\tfq2\tbam\tstrandedness\tchemistry\tmatrix\n"
    units += "".join(f"as_{kind}\tL1\t\t\t{root / f'reads.{kind}'}\tauto\t\t\n" for kind in ("bam", "cram"))
    (root / "units.tsv").write_text(units)
    inputs = {path: path.stat().st_mtime_ns for path in root.iterdir()}
    work = reduced_demo(root / "work", [])  # its own config, without the demo's designs
    result = run_workflow(
        work, "--config", f"samples={root / 'samples.tsv'}", f"units={root / 'units.tsv'}", "--", *TARGETS
    )
    assert result.returncode == 0, result.stderr[-4000:]
    assert {
        path: path.stat().st_mtime_ns for path in root.iterdir() if path != work
    } == inputs  # nothing written beside
    return work


def test_bam_and_cram_give_identical_counts_close_to_star(prealigned_run, demo_run):
    counts = read(prealigned_run / "results/counts/bulk_counts.tsv").set_index("gene_id")
    assert (counts["as_bam"] == counts["as_cram"]).all()
    star = read(demo_run / "results/counts/bulk_counts.tsv").set_index("gene_id")[SAMPLE]
    difference = (counts["as_bam"] - star.reindex(counts.index, fill_value=0)).abs()
    assert (difference <= (0.02 * star).clip(lower=3)).all(), difference.max()
    strandedness = read(prealigned_run / "results/counts/strandedness.tsv").set_index("sample")
    assert set(strandedness["inferred"]) == {"reverse"}


def test_bam_and_cram_give_the_xbp1_readout_of_the_star_run(prealigned_run, demo_run):
    columns = ["spliced", "unspliced", "ambiguous"]
    found = read(prealigned_run / "results/xbp1/bulk.tsv").set_index("sample")[columns]
    standard = read(demo_run / "results/xbp1/bulk.tsv").set_index("sample").loc[SAMPLE, columns]
    assert (found.loc["as_bam"] == standard).all() and (found.loc["as_cram"] == standard).all()
