"""The reference files checked against each other before the long jobs need them.

A GTF whose contigs are named `chr1` against a FASTA or BAM with `1` (or `chrM` against `MT`)
counts no read in any gene and says nothing; a GTF without `gene_name` leaves every gene set
unmatched. Both are found here, when the gene table is built.
"""

import logging
import re

import pandas as pd

from ire1seq.errors import InputError

log = logging.getLogger(__name__)
_ATTRIBUTES = re.compile(r'(gene_id|gene_name) "([^"]+)"')


def contig_key(name: str) -> str:
    """The name without a `chr` prefix, mitochondria as `MT`: `chr22` ~ `22`, `chrM` ~ `MT`."""
    bare = name[3:] if name.lower().startswith("chr") else name
    return "MT" if bare.upper() in ("M", "MT") else bare


def read_gtf(gtf, genome: str) -> tuple[pd.DataFrame, set]:
    """(gene_id, gene_name, genome of every gene; the GTF's contig names). A gene without gene_name
    is named by its gene_id, and the log says how many."""
    names, contigs = {}, set()
    with open(gtf) as handle:
        for line in handle:
            if line.startswith("#"):
                continue
            fields = line.split("\t", 8)
            contigs.add(fields[0])
            attributes = dict(_ATTRIBUTES.findall(fields[-1]))
            if "gene_id" in attributes:
                names.setdefault(attributes["gene_id"], attributes.get("gene_name"))
    if not names:
        raise InputError(f"GTF {gtf} has no gene_id attributes; give a GTF (not GFF3) annotation for genome {genome}.")
    unnamed = sum(name is None for name in names.values())
    if unnamed:
        log.warning(
            "GTF %s: %d of %d genes have no gene_name and are named by their gene_id; gene sets, "
            "matched by name, cannot find them", gtf, unnamed, len(names),
        )  # fmt: skip
    table = pd.DataFrame({"gene_id": list(names), "gene_name": [n or g for g, n in names.items()], "genome": genome})
    return table, contigs


def check_contigs(gtf, gtf_contigs: set, other: str, other_contigs) -> None:
    """Refuse a FASTA or BAM whose contig names share nothing with the GTF's (counting needs the
    same names, so `chr22` against `22` is refused too, with the fix)."""
    other_contigs = set(other_contigs)
    if gtf_contigs & other_contigs:
        missing = sorted(gtf_contigs - other_contigs)
        if missing:
            log.warning(
                "%s lacks %d contig(s) of GTF %s (e.g. %s); genes there count 0", other, len(missing), gtf, missing[0]
            )
        return
    alias = {contig_key(c): c for c in other_contigs}
    pairs = [(c, alias[contig_key(c)]) for c in sorted(gtf_contigs) if contig_key(c) in alias]
    if pairs:
        shown = ", ".join(f"{a} ~ {b}" for a, b in pairs[:3])
        raise InputError(
            f"GTF {gtf} and {other} name the same contigs differently ({shown}); no read would be "
            "counted in any gene. Use an annotation with the reference's contig names (e.g. Ensembl "
            "GTF with an Ensembl genome, GENCODE/UCSC with UCSC), or rename the GTF's first column."
        )
    raise InputError(
        f"GTF {gtf} and {other} share no contig (GTF: {', '.join(sorted(gtf_contigs)[:3])}…; other: "
        f"{', '.join(sorted(other_contigs)[:3])}…): they are not of the same genome. Give the matching files."
    )


def run_gene_table(*, gtfs: dict, sites: dict, alignments: dict, out) -> None:
    """Workflow step: every genome's genes, after checking its GTF against its FASTA (the contigs
    recorded in the XBP1 site file) and the pre-aligned BAM/CRAM files of its samples."""
    import pysam

    from ire1seq.io import write_table
    from ire1seq.xbp1.site import load_site

    tables = []
    for genome, gtf in gtfs.items():
        genes, contigs = read_gtf(gtf, genome)
        site = load_site(sites[genome])
        check_contigs(gtf, contigs, f"genome FASTA {site.reference.get('path', genome)}", site.contigs)
        for sample, path in alignments.get(genome, {}).items():
            with pysam.AlignmentFile(str(path), "r", check_sq=False) as bam:
                check_contigs(gtf, contigs, f"alignment file {path} (sample {sample})", bam.references)
        tables.append(genes)
    write_table(pd.concat(tables, ignore_index=True), out)
