"""End to end on the demo cohort: alignment and counts recover what the generator planted."""

import numpy as np
import pandas as pd
import pysam
import pytest

from conftest import DEMO_CONFIG, REPO

TRUTH = REPO / "resources" / "demo" / "truth"
pytestmark = pytest.mark.slow


def read(path):
    return pd.read_csv(path, sep="\t")


@pytest.fixture(scope="module")
def counts(demo_run):
    return read(demo_run / "results/counts/bulk_counts.tsv").set_index("gene_id")


def test_every_bulk_sample_is_counted(counts):
    samples = read(REPO / DEMO_CONFIG / "samples.tsv")
    bulk = samples.loc[samples["assay"] == "bulk", "sample"]
    assert list(counts.columns[1:]) == list(bulk)
    assert (counts[bulk].dtypes == "int64").all()


def test_strandedness_is_inferred_as_simulated(demo_run):
    found = read(demo_run / "results/counts/strandedness.tsv").set_index("sample")
    truth = read(TRUTH / "strandedness.tsv").set_index("sample")["strandedness"]
    assert (found["inferred"] == truth.loc[found.index]).all()
    mouse = found.index.str.startswith("DRG_")
    assert (found.loc[mouse, "declared"] == "auto").all()


def group_mean_cpm(counts, samples, reference):
    """Counts per million of the planted-unchanged genes, so the program's rise does not dilute."""
    matrix = counts[samples]
    return (matrix / matrix[reference].sum() * 1e6).mean(axis=1)


def test_counts_carry_the_planted_fold_changes(counts):
    """WT paclitaxel vs vehicle: raw counts follow the planted log2FC gene by gene."""
    truth = read(TRUTH / "de.tsv").query("contrast == 'paclitaxel_vs_vehicle_WT'")
    ptx = [f"DRG_WT_ptx_{i}" for i in range(1, 5)]
    veh = [f"DRG_WT_veh_{i}" for i in range(1, 5)]
    names = counts["gene_name"]
    reference = names.isin(truth.loc[truth["direction"] == "none", "gene_name"])
    mean_veh = group_mean_cpm(counts, veh, reference)
    observed = np.log2((group_mean_cpm(counts, ptx, reference) + 1) / (mean_veh + 1))
    expressed = mean_veh > 2000
    table = truth.assign(observed=truth["gene_name"].map(dict(zip(names, observed)))).dropna()
    table = table[table["gene_name"].map(dict(zip(names, expressed)))]
    assert len(table) >= 40
    error = table["observed"] - table["planted_log2fc"]
    assert np.corrcoef(table["observed"], table["planted_log2fc"])[0, 1] > 0.95
    assert error.abs().median() < 0.2, table


def spliced_reads(bam_path):
    """Reads whose alignment has a 26-nt gap (N or D): the XBP1 junction found by STAR."""
    with pysam.AlignmentFile(bam_path) as bam:
        return sum(
            1 for read in bam.fetch() if any(op in (2, 3) and length == 26 for op, length in read.cigartuples or [])
        )


@pytest.mark.parametrize("sample", ["DRG_WT_ptx_1", "DRG_WT_veh_1", "P02_cycle1", "P27_cycle1"])
def test_bams_hold_26n_reads_at_the_planted_rate(demo_run, sample):
    truth = read(TRUTH / "xbp1.tsv").set_index("sample").loc[sample]
    found = spliced_reads(demo_run / f"results/star/{sample}/Aligned.sortedByCoord.out.bam")
    # Paired reads both crossing the junction count twice; an aligner may soft-clip a few.
    assert 0.8 * truth["site_spliced"] <= found <= 2 * truth["site_spliced"] + 2
