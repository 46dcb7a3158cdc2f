"""Per-sample QC on hand-built tables: each threshold flags exactly the samples planted to cross it."""

import json

import pandas as pd
import pytest

from ire1seq.errors import InputError
from ire1seq.qc import mapping_rate, run_summary, sample_qc

STAR_LOG = """                          Number of input reads |	1000
                        Uniquely mapped reads % |	70.50%
        % of reads mapped to multiple loci |	4.25%
"""


def test_mapping_rate_from_star_salmon_and_kallisto(tmp_path):
    (tmp_path / "Log.final.out").write_text(STAR_LOG)
    (tmp_path / "meta_info.json").write_text(json.dumps({"percent_mapped": 91.2}))
    (tmp_path / "run_info.json").write_text(json.dumps({"p_pseudoaligned": 64.0}))
    assert mapping_rate(tmp_path / "Log.final.out") == 0.7475
    assert mapping_rate(tmp_path / "meta_info.json") == 0.912
    assert mapping_rate(tmp_path / "run_info.json") == 0.64
    (tmp_path / "other.out").write_text("not a STAR log\n")
    with pytest.raises(InputError, match="not a STAR Log.final.out"):
        mapping_rate(tmp_path / "other.out")


def qc_table(**overrides):
    samples = pd.DataFrame(
        {"assay": ["bulk"] * 5 + ["sc"], "organism": ["human"] * 4 + ["mouse", "mouse"]},
        index=["ok", "collapsed", "empty", "wrong_strand", "few_genes_mouse", "cell"],
    )
    counts = pd.DataFrame(
        {
            "gene_id": [f"g{i}" for i in range(10)],
            "gene_name": [f"G{i}" for i in range(10)],
            "ok": [5] * 10,
            "collapsed": [1] * 10,
            "empty": [0] * 10,
            "wrong_strand": [3] * 10,
            "few_genes_mouse": [0] * 8 + [1, 1],
        }
    )
    strandedness = pd.DataFrame(
        {"sample": ["ok", "collapsed", "empty", "wrong_strand", "few_genes_mouse"],
         "declared": ["reverse", "reverse", "auto", "forward", "auto"],
         "inferred": ["reverse", "reverse", "none", "reverse", "none"]}
    )  # fmt: skip
    xbp1 = pd.DataFrame(
        {"sample": ["ok", "collapsed", "empty", "wrong_strand", "few_genes_mouse"],
         "informative": [40, 3, 0, 25, 12], "status": ["ok", "low_coverage", "no_reads", "ok", "ok"]}
    )  # fmt: skip
    args = dict(
        mapping={
            "ok": 0.95,
            "collapsed": 0.21,
            "empty": 0.9,
            "wrong_strand": 0.93,
            "few_genes_mouse": 0.9,
            "cell": 0.88,
        },
        counts=counts,
        strandedness=strandedness,
        xbp1=xbp1,
        fastq_problems={"collapsed": "mate names differ at line 5"},
        min_mapping_rate=0.5,
        min_genes_share=0.5,
    )
    return sample_qc(samples, **(args | overrides)).set_index("sample")


def test_each_threshold_flags_the_planted_samples():
    table = qc_table()
    assert table["qc_status"].to_dict() == {
        "ok": "pass",
        "collapsed": "fail",
        "empty": "fail",
        "wrong_strand": "warn",
        "few_genes_mouse": "pass",  # its organism's median is its own count
        "cell": "pass",
    }
    assert table.loc["collapsed", "qc_reasons"].split("; ") == [
        "mapping rate below 50%",
        "FASTQ problem",
        "XBP1 readout not ok",
    ]
    assert table.loc["empty", "qc_reasons"].split("; ") == [
        "no reads counted in any gene",
        "genes detected below 50% of the organism's median",
        "XBP1 readout not ok",
    ]
    assert table.loc["wrong_strand", "qc_reasons"] == "declared strandedness contradicted by the reads"
    assert table.loc["ok", "genes_detected"] == 10 and pd.isna(table.loc["cell", "genes_detected"])


def test_genes_detected_is_judged_against_the_organism_median():
    table = qc_table(min_genes_share=0.95)
    flagged = table["qc_reasons"].fillna("").str.contains("genes detected below")
    assert list(table.index[flagged]) == ["empty"]  # human median 10: 0 < 9.5; the mouse sample is its own median


def test_run_summary_names_flagged_and_left_out_samples(tmp_path):
    qc_table().reset_index().to_csv(tmp_path / "qc.tsv", sep="\t", index=False)
    pd.DataFrame({"subject": ["P9"], "visit": ["baseline"], "sample": [None], "reason": ["no sample"]}).to_csv(
        tmp_path / "unmatched.tsv", sep="\t", index=False
    )
    lines = run_summary(
        qc_table=tmp_path / "qc.tsv", unmatched=tmp_path / "unmatched.tsv", left_out={"DE design d": ["s1 (batch=b9)"]}
    )
    assert lines[0].startswith("QC fail: collapsed: mapping rate below 50%")
    assert "DE design d leaves out 1 sample(s) differing from its subset in one column: s1 (batch=b9)" in lines
    assert lines[-1] == "clinical join leaves out: subject=P9, visit=baseline, reason=no sample"
    assert run_summary(qc_table=tmp_path / "absent.tsv", left_out={}) == []


def test_reads_left_out_at_the_site_are_counted_exactly(tmp_path):
    """Mapped reads over the site: 2 kept, 1 secondary, 1 duplicate, 1 supplementary, 1 QC-fail,
    1 of MAPQ 3; an unmapped read is not counted at all. The filters follow the xbp1 settings."""
    import xbp1_bams as fx

    from ire1seq.xbp1.alignments import Options, reads_left_out
    from ire1seq.xbp1.locate import locate

    site = locate(fx.make_reference(tmp_path, "human", "-"), use_cache=False)
    start = site.window[0] - 30
    seq = site.bases(start, start + 60)
    flags = {"kept1": 0, "kept2": 0, "secondary": 0x100, "duplicate": 0x400, "supplementary": 0x800, "qcfail": 0x200}
    reads = [fx.read(name, start, "60M", seq, flag=flag) for name, flag in flags.items()]
    reads += [fx.read("low_mapq", start, "60M", seq, mapq=3), fx.read("unmapped", start, "", seq, flag=0x4)]
    bam = fx.write_bam(tmp_path / "s.bam", site.contigs, reads)
    assert reads_left_out(bam, site, Options()) == (7, 5)
    assert reads_left_out(bam, site, Options(include_duplicates=True, min_mapq=0)) == (7, 3)


def test_most_reads_left_out_at_the_site_is_a_warning():
    table = qc_table(site_reads={"ok": (100, 10), "wrong_strand": (100, 60)})
    assert table.loc["ok", "qc_status"] == "pass"
    assert table.loc["ok", ["xbp1_reads_at_site", "xbp1_reads_left_out"]].tolist() == [100, 10]
    assert "most reads at XBP1 left out by flag" in table.loc["wrong_strand", "qc_reasons"]
    assert pd.isna(table.loc["cell", "xbp1_reads_at_site"])
