"""Single-cell counts without STAR (laptop mode): kallisto | bustools output into STARsolo's layout."""

import gzip
import re
import shutil

import numpy as np
import pandas as pd
import pytest
from scipy import io as spio
from scipy import sparse

from ire1seq.errors import InputError
from ire1seq.sc.kallisto import transcripts_to_genes, write_solo_dir, write_t2g
from ire1seq.sc.load import read_matrix

GTF = """\
1\tt\ttranscript\t1\t100\t.\t+\t.\tgene_id "G1"; gene_name "Lyz2"; transcript_id "T1";
1\tt\texon\t1\t100\t.\t+\t.\tgene_id "G1"; gene_name "Lyz2"; transcript_id "T1";
1\tt\ttranscript\t1\t90\t.\t+\t.\tgene_id "G1"; gene_name "Lyz2"; transcript_id "T2";
1\tt\texon\t1\t90\t.\t+\t.\tgene_id "G1"; gene_name "Lyz2"; transcript_id "T2";
1\tt\ttranscript\t200\t300\t.\t-\t.\tgene_id "G2"; gene_name "Xbp1"; transcript_id "T3";
1\tt\texon\t200\t300\t.\t-\t.\tgene_id "G2"; gene_name "Xbp1"; transcript_id "T3";
1\tt\ttranscript\t400\t500\t.\t+\t.\tgene_id "G3"; transcript_id "T4";
1\tt\texon\t400\t500\t.\t+\t.\tgene_id "G3"; transcript_id "T4";
"""


@pytest.fixture
def reference(tmp_path):
    (tmp_path / "genes.gtf").write_text(GTF)
    fasta = "".join(f">{name} cdna\nACGT\n" for name in ("T1.3", "T2.1", "T3.7", "T4.1"))
    (tmp_path / "tx.fa").write_text(fasta)
    return tmp_path / "tx.fa", tmp_path / "genes.gtf"


def test_transcripts_map_to_genes_across_version_suffixes(reference):
    table = transcripts_to_genes(*reference, "mouse")
    assert table.values.tolist() == [
        ["T1.3", "G1", "Lyz2"], ["T2.1", "G1", "Lyz2"], ["T3.7", "G2", "Xbp1"], ["T4.1", "G3", "G3"],
    ]  # fmt: skip


def test_a_transcript_missing_from_the_gtf_is_named(reference, tmp_path):
    fasta, gtf = reference
    fasta.write_text(fasta.read_text() + ">T9.1\nACGT\n")
    with pytest.raises(InputError, match=r"1 of 5 transcripts of .*tx.fa are not in the GTF .*\(e.g. T9.1\)"):
        transcripts_to_genes(fasta, gtf, "mouse")
    (tmp_path / "empty.fa").write_text("ACGT\n")
    with pytest.raises(InputError, match="has no '>' headers"):
        transcripts_to_genes(tmp_path / "empty.fa", gtf, "mouse")


def bustools_output(prefix, counts, barcodes, genes):
    spio.mmwrite(f"{prefix}.mtx", sparse.coo_matrix(np.asarray(counts, dtype=float)))
    (prefix.parent / f"{prefix.name}.barcodes.txt").write_text("\n".join(barcodes) + "\n")
    (prefix.parent / f"{prefix.name}.genes.txt").write_text("\n".join(genes) + "\n")


def test_bustools_counts_become_a_starsolo_directory_with_every_gene(reference, tmp_path):
    t2g = tmp_path / "t2g.tsv"
    write_t2g(transcripts_to_genes(*reference, "mouse"), t2g)
    # bustools lists only genes it saw, in its own order: G2 then G1 (G3 has no UMI)
    bustools_output(tmp_path / "cells", [[3, 0], [1, 7], [0, 2]], ["AAAC", "CCCG", "GGGT"], ["G2", "G1"])
    write_solo_dir(tmp_path / "cells", t2g, tmp_path / "filtered", "SC_1")
    adata = read_matrix(tmp_path / "filtered" / "matrix.mtx", "SC_1")
    assert list(adata.obs["barcode"]) == ["AAAC", "CCCG", "GGGT"]
    assert list(adata.var_names) == ["Lyz2", "Xbp1", "G3"] and list(adata.var["gene_id"]) == ["G1", "G2", "G3"]
    assert adata.X.toarray().tolist() == [[0, 3, 0], [7, 1, 0], [2, 0, 0]]
    assert re.search(r"integer", (tmp_path / "filtered" / "matrix.mtx").read_text().splitlines()[0])


def test_bustools_output_that_disagrees_with_itself_is_reported(reference, tmp_path):
    t2g = tmp_path / "t2g.tsv"
    write_t2g(transcripts_to_genes(*reference, "mouse"), t2g)
    bustools_output(tmp_path / "cells", [[3, 0]], ["AAAC", "CCCG"], ["G2", "G1"])
    with pytest.raises(InputError, match=r"sample SC_1: the matrix is 1 × 2 but lists 2 barcodes"):
        write_solo_dir(tmp_path / "cells", t2g, tmp_path / "filtered", "SC_1")
    bustools_output(tmp_path / "cells", [[3, 0]], ["AAAC"], ["G2", "G8"])
    with pytest.raises(InputError, match="names genes not in"):
        write_solo_dir(tmp_path / "cells", t2g, tmp_path / "filtered", "SC_1")


@pytest.mark.slow
@pytest.mark.skipif(
    not (shutil.which("kallisto") and shutil.which("bustools")), reason="kallisto/bustools not installed"
)
def test_laptop_mode_counts_the_planted_cells_and_molecules_without_star(laptop_sc_run):
    from conftest import REPO

    assert not (laptop_sc_run / "results" / "star").exists()
    adata = read_matrix(laptop_sc_run / "results/kallisto/SC_ptx_1/filtered/matrix.mtx", "SC_ptx_1")
    truth = pd.read_csv(REPO / "resources/demo/truth/cells.tsv", sep="\t").query("sample == 'SC_ptx_1'")
    assert sorted(adata.obs["barcode"]) == sorted(truth["barcode"])  # the knee calls exactly the planted cells
    found = pd.Series(np.asarray(adata.X.sum(axis=1)).ravel(), index=adata.obs["barcode"].to_numpy())
    ratio = found[truth["barcode"]].to_numpy() / truth["n_molecules"].to_numpy()
    assert 0.97 <= np.median(ratio) <= 1.0 and ratio.min() > 0.9, (np.median(ratio), ratio.min())


@pytest.mark.slow  # dry runs of the whole demo workflow
@pytest.mark.parametrize("mode", ["standard", "laptop"])
def test_a_gzipped_whitelist_is_refused_before_anything_runs(tmp_path, mode):
    from conftest import REPO, link_inputs, run_workflow

    link_inputs(tmp_path)
    whitelist = tmp_path / "whitelist.txt.gz"
    whitelist.write_bytes(gzip.compress((REPO / "resources/demo/sc/whitelist.txt").read_bytes()))
    setting = f"align={{solo: {{whitelist: {whitelist}}}}}"
    result = run_workflow(tmp_path, "-n", "--config", f"mode={mode}", setting, "--", "results/xbp1/pseudobulk.tsv")
    assert result.returncode != 0
    message = result.stdout + result.stderr
    assert f"align.solo.whitelist {whitelist} is gzip-compressed" in message and "gunzip -c" in message
