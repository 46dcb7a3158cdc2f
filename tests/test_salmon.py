"""Gene counts from salmon: planted quant.sf tables, and a real salmon run on simulated reads."""

import json
import re
import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from ire1seq.counts import infer_strandedness, merge_counts, read_star_counts
from ire1seq.demo.bulk import BulkSample, draw_fragments, simulate_bulk
from ire1seq.demo.genes import CATALOGUE
from ire1seq.demo.genome import build_genome
from ire1seq.demo.reference import write_reference
from ire1seq.demo.transcriptome import transcriptome
from ire1seq.errors import InputError
from ire1seq.salmon import library_type, run_salmon_genes, star_like_counts

GTF = "".join(
    f'chr1\tt\texon\t{start}\t{start + 99}\t.\t+\t.\tgene_id "{gene}"; gene_name "{name}"; transcript_id "{tx}";\n'
    for start, gene, name, tx in [(1, "G1", "A", "T1"), (200, "G1", "A", "T2"), (400, "G2", "B", "T3")]
)


def planted(tmp_path, reads, formats):
    (tmp_path / "genes.gtf").write_text(GTF)
    rows = [f"{tx}\t100\t80\t1\t{n}\n" for tx, n in reads.items()]
    (tmp_path / "quant.sf").write_text("Name\tLength\tEffectiveLength\tTPM\tNumReads\n" + "".join(rows))
    (tmp_path / "lib.json").write_text(json.dumps({"expected_format": "IU", **formats}))
    return tmp_path / "quant.sf", tmp_path / "lib.json", tmp_path / "genes.gtf"


def test_transcripts_are_summed_per_gene_and_split_by_strand(tmp_path):
    paths = planted(tmp_path, {"T1.2": 10.4, "T2": 20.3, "T3": 7.0}, {"ISR": 900, "ISF": 100})
    table = star_like_counts(*paths).set_index("gene_id")
    assert table.loc["G1"].tolist() == [31, 3, 28]  # tximport sums 10.4 + 20.3, then rounds
    assert table.loc["G2"].tolist() == [7, 1, 6]
    run_salmon_genes(quant=paths[0], library=paths[1], gtf=paths[2], out=tmp_path / "ReadsPerGene.tsv")
    counts = read_star_counts(tmp_path / "ReadsPerGene.tsv")
    assert infer_strandedness(counts) == "reverse"
    genes = pd.DataFrame({"gene_id": ["G1", "G2", "G3"], "gene_name": ["A", "B", "C"], "genome": "x"})
    matrix, strandedness = merge_counts({"s": counts}, {"s": "auto"}, genes)
    assert matrix["s"].tolist() == [28, 6, 0]
    assert strandedness.loc[0, "inferred"] == "reverse"


def test_unstranded_library_keeps_half_in_each_strand_column(tmp_path):
    paths = planted(tmp_path, {"T1": 50, "T2": 50, "T3": 40}, {"SF": 500, "SR": 500})
    table = star_like_counts(*paths).set_index("gene_id")
    assert table.loc["G1"].tolist() == [100, 50, 50]
    assert infer_strandedness(table) == "none"


def test_transcripts_missing_from_the_gtf_and_bad_tables_are_reported(tmp_path):
    paths = planted(tmp_path, {"T1": 5, "T9": 5}, {"SF": 1})
    with pytest.raises(InputError, match=r"1 transcript\(s\) of .*quant\.sf are not in the GTF \(e\.g\. T9\)"):
        star_like_counts(*paths)
    (tmp_path / "quant.sf").write_text("not a table")
    with pytest.raises(InputError, match="is not a quant.sf table"):
        star_like_counts(*paths)
    assert library_type("reverse", True) == "ISR" and library_type("auto", False) == "A"
    with pytest.raises(InputError, match="strandedness 'yes'"):
        library_type("yes", True)


@pytest.mark.skipif(shutil.which("salmon") is None, reason="salmon is not installed")
def test_salmon_recovers_the_simulated_fragments_per_gene(tmp_path):
    genome = build_genome("human")
    tx = transcriptome(genome)
    write_reference(genome, tmp_path / "ref")
    means = np.array([g.level for g in CATALOGUE["human"]])
    sample = BulkSample("s1", "human", means, 0.3, True, "reverse")
    simulate_bulk(sample, tx, tmp_path / "fq")
    truth = np.bincount(draw_fragments(sample, tx).index, minlength=len(tx.lengths))
    truth[tx.xbp1u] += truth[tx.xbp1s]  # spliced XBP1 is read as its gene
    truth = pd.Series(truth[: len(genome.models)], index=[m.gene_id for m in genome.models])
    run = dict(check=True, capture_output=True)
    subprocess.run(["salmon", "index", "-t", tmp_path / "ref" / "human.transcripts.fa", "-i", tmp_path / "idx"], **run)
    subprocess.run(
        ["salmon", "quant", "-i", tmp_path / "idx", "-l", library_type("reverse", True), "-p", "2",
         "-1", tmp_path / "fq" / "s1_L1_R1.fastq.gz", "-2", tmp_path / "fq" / "s1_L1_R2.fastq.gz", "-o", tmp_path / "q"],
        **run,
    )  # fmt: skip
    table = star_like_counts(
        tmp_path / "q" / "quant.sf", tmp_path / "q" / "lib_format_counts.json", tmp_path / "ref" / "human.gtf"
    )
    counts = table.set_index("gene_id")["reverse"].reindex(truth.index, fill_value=0)
    assert infer_strandedness(table) == "reverse"
    assert (np.abs(counts - truth) <= np.maximum(5, 0.02 * truth)).all(), (counts - truth).abs().max()
    assert np.corrcoef(np.log1p(counts), np.log1p(truth))[0, 1] > 0.999


@pytest.mark.slow  # a dry run of the whole demo workflow
def test_laptop_mode_plans_no_star_job_at_all(tmp_path):
    from conftest import DEMO_CONFIG, link_inputs, run_workflow

    link_inputs(tmp_path)
    targets = ["results/counts/bulk_counts.tsv", "results/xbp1/bulk.tsv", "results/xbp1/pseudobulk.tsv"]
    planned = run_workflow(tmp_path, "-n", "--config", "mode=laptop", "--", *targets)
    assert planned.returncode == 0, planned.stderr[-3000:]
    jobs = dict(re.findall(r"^(\w+)\s+(\d+)$", planned.stdout, re.MULTILINE))
    sheet = (tmp_path / DEMO_CONFIG / "samples.tsv").read_text()
    bulk, single_cell = (str(len(re.findall(rf"\t{assay}\t", sheet))) for assay in ("bulk", "sc"))
    assert jobs["salmon_quant"] == jobs["xbp1_fastq"] == jobs["salmon_genes"] == bulk
    assert jobs["kallisto_bus"] == jobs["kallisto_matrix"] == jobs["xbp1_fastq_cells"] == single_cell
    assert not {"star_index", "star_align", "starsolo", "xbp1_quant", "xbp1_cells"} & set(jobs)
    standard = run_workflow(tmp_path, "-n", "--", *targets)
    planned_standard = set(dict(re.findall(r"^(\w+)\s+(\d+)$", standard.stdout, re.MULTILINE)))
    assert {"star_align", "starsolo", "xbp1_quant"} <= planned_standard
    assert not {"salmon_quant", "kallisto_bus"} & planned_standard
