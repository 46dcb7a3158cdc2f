"""End to end on the demo cohort: alignment and counts recover what the generator planted."""

import numpy as np
import pandas as pd
import pysam
import pytest

from tests.conftest import REPO

TRUTH = REPO / "resources" / "demo" / "truth"
pytestmark = pytest.mark.slow


def read(path):
    return pd.read_csv(path, sep="\t")


@pytest.fixture(scope="module")
def counts(demo_run):
    return read(demo_run / "results/counts/bulk_counts.tsv").set_index("gene_id")


def test_every_bulk_sample_is_counted(counts):
    samples = read(REPO / "config/samples.tsv")
    bulk = samples.loc[samples["assay"] == "bulk", "sample"]
    assert list(counts.columns[1:]) == list(bulk)
    assert (counts[bulk].dtypes == "int64").all()


def test_strandedness_is_inferred_as_simulated(demo_run):
    found = read(demo_run / "results/counts/strandedness.tsv").set_index("sample")
    truth = read(TRUTH / "strandedness.tsv").set_index("sample")["strandedness"]
    assert (found.loc[truth.index, "inferred"] == truth).all()
    mouse = found.index.str.startswith("DRG_")
    assert (found.loc[mouse, "declared"] == "auto").all()


def group_mean_cpm(counts, samples):
    matrix = counts[samples]
    return (matrix / matrix.sum() * 1e6).mean(axis=1)


def test_counts_carry_the_planted_fold_changes(counts):
    """WT paclitaxel vs vehicle: planted log2FC recovered from raw counts within 0.6."""
    truth = read(TRUTH / "de.tsv").query("contrast == 'paclitaxel_vs_vehicle_WT'")
    ptx = [f"DRG_WT_ptx_{i}" for i in range(1, 5)]
    veh = [f"DRG_WT_veh_{i}" for i in range(1, 5)]
    names = counts["gene_name"]
    observed = np.log2((group_mean_cpm(counts, ptx) + 1) / (group_mean_cpm(counts, veh) + 1))
    expressed = group_mean_cpm(counts, veh) > 500
    table = truth.assign(observed=truth["gene_name"].map(dict(zip(names, observed)))).dropna()
    table = table[table["gene_name"].map(dict(zip(names, expressed)))]
    assert len(table) >= 20
    assert (abs(table["observed"] - table["planted_log2fc"]) < 0.6).all(), table


def spliced_reads(bam_path):
    """Reads whose alignment has a 26-nt gap (N or D): the XBP1 junction found by STAR."""
    with pysam.AlignmentFile(bam_path) as bam:
        return sum(
            1 for read in bam.fetch() if any(op in (2, 3) and length == 26 for op, length in read.cigartuples or [])
        )


@pytest.mark.parametrize("sample", ["DRG_WT_ptx_1", "DRG_WT_veh_1", "P02_cycle1", "P35_cycle1"])
def test_bams_hold_26n_reads_at_the_planted_rate(demo_run, sample):
    truth = read(TRUTH / "xbp1.tsv").set_index("sample").loc[sample]
    found = spliced_reads(demo_run / f"results/star/{sample}/Aligned.sortedByCoord.out.bam")
    # Paired reads both crossing the junction count twice; an aligner may soft-clip a few.
    assert 0.8 * truth["site_spliced"] <= found <= 2 * truth["site_spliced"] + 2
