"""GTF against FASTA and BAM contigs, and GTFs without gene_name, on hand-written files."""

import logging

import pysam
import pytest

from ire1seq.errors import InputError
from ire1seq.references import check_contigs, contig_key, read_gtf

GTF_LINE = '{contig}\tsrc\tgene\t1\t100\t.\t+\t.\tgene_id "G{i}";{name}\n'


def gtf(tmp_path, contigs, named=True):
    path = tmp_path / "genes.gtf"
    lines = [GTF_LINE.format(contig=c, i=i, name=f' gene_name "N{i}";' if named else "") for i, c in enumerate(contigs)]
    path.write_text("#!genome-build test\n" + "".join(lines))
    return path


def test_contig_aliases():
    assert [contig_key(c) for c in ("chr22", "22", "chrM", "MT", "M", "chrX", "GL000220.1")] == [
        "22", "22", "MT", "MT", "MT", "X", "GL000220.1",
    ]  # fmt: skip


def test_gtf_genes_contigs_and_missing_names(tmp_path, caplog):
    genes, contigs = read_gtf(gtf(tmp_path, ["22", "22", "MT"]), "human")
    assert list(genes["gene_name"]) == ["N0", "N1", "N2"] and contigs == {"22", "MT"}
    with caplog.at_level(logging.WARNING):
        genes, _ = read_gtf(gtf(tmp_path, ["22", "MT"], named=False), "human")
    assert list(genes["gene_name"]) == ["G0", "G1"]
    assert "2 of 2 genes have no gene_name" in caplog.text


def test_same_contigs_under_other_names_are_refused(tmp_path):
    check_contigs("g.gtf", {"22", "MT"}, "genome FASTA r.fa", {"22": 1, "MT": 1, "1": 1})
    with pytest.raises(
        InputError, match=r"g.gtf and alignment file s.bam name the same contigs differently \(22 ~ chr22, MT ~ chrM\)"
    ):
        check_contigs("g.gtf", {"22", "MT"}, "alignment file s.bam", ["chr22", "chrM"])
    with pytest.raises(InputError, match="share no contig"):
        check_contigs("g.gtf", {"22"}, "genome FASTA r.fa", {"scaffold_1": 10})


def test_bam_header_contigs_are_what_is_compared(tmp_path):
    path = tmp_path / "s.bam"
    with pysam.AlignmentFile(str(path), "wb", header={"SQ": [{"SN": "chr22", "LN": 100}]}):
        pass
    with pysam.AlignmentFile(str(path), check_sq=False) as bam:
        with pytest.raises(InputError, match="22 ~ chr22"):
            check_contigs("g.gtf", {"22"}, f"alignment file {path}", bam.references)
