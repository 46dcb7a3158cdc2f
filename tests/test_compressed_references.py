"""Gzipped genome FASTA and GTF: decompressed once under results/resources/, never beside the input."""

import gzip

import pytest
import yaml

from ire1seq.xbp1.locate import locate

from conftest import REPO, reduced_demo, run_workflow

pytestmark = pytest.mark.slow
DEMO_REFERENCE = REPO / "resources/demo/reference"


def test_gzipped_references_give_the_plain_ones_results(tmp_path):
    packed = tmp_path / "reference"
    packed.mkdir()
    for name in ("human.fa", "mouse.fa", "human.gtf", "mouse.gtf"):
        (packed / f"{name}.gz").write_bytes(gzip.compress((DEMO_REFERENCE / name).read_bytes(), mtime=0))
    before = sorted(packed.iterdir())
    work = reduced_demo(tmp_path / "work", ["P01_baseline"])
    config = yaml.safe_load((work / "config/config.yaml").read_text())
    for organism in ("human", "mouse"):
        config["genomes"][organism].update(
            fasta=str(packed / f"{organism}.fa.gz"), gtf=str(packed / f"{organism}.gtf.gz")
        )
    (work / "config/config.yaml").write_text(yaml.safe_dump(config, sort_keys=False))

    result = run_workflow(work, "results/counts/genes.tsv", "results/xbp1/site/human.sjdb.tsv")
    assert result.returncode == 0, result.stderr[-4000:]
    assert sorted(packed.iterdir()) == before  # nothing written beside the inputs
    for organism in ("human", "mouse"):
        for kind, name in (("fasta", f"{organism}.fa"), ("gtf", f"{organism}.gtf")):
            assert (work / f"results/resources/{organism}.{kind}").read_bytes() == (DEMO_REFERENCE / name).read_bytes()
    genes = (work / "results/counts/genes.tsv").read_text().splitlines()
    in_gtfs = sum(
        len(
            {
                line.split('gene_id "')[1].split('"')[0]
                for line in (DEMO_REFERENCE / f"{o}.gtf").open()
                if "\tgene\t" in line
            }
        )
        for o in ("human", "mouse")
    )
    assert len(genes) - 1 == in_gtfs
    plain = locate(DEMO_REFERENCE / "human.fa", organism="human", use_cache=False)
    assert f"{plain.contig}\t{plain.window[0] + 1}" in (work / "results/xbp1/site/human.sjdb.tsv").read_text()
