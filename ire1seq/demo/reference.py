"""Writing a demo genome: FASTA (+ .fai), GTF, transcript FASTA and a provenance note."""

from pathlib import Path

import pysam

from ire1seq.demo.dna import decode
from ire1seq.demo.genome import GeneModel, Genome, site_sequences
from ire1seq.demo.xbp1 import CANONICAL_START, INTRON

LINE = 60


def write_reference(genome: Genome, directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    name = genome.organism
    write_fasta(directory / f"{name}.fa", {contig: decode(seq) for contig, seq in genome.contigs.items()})
    pysam.faidx(str(directory / f"{name}.fa"))
    transcripts = {
        f"{m.transcript_id} gene_id={m.gene_id} gene_name={m.gene.name}": decode(m.transcript)
        for m in _by_position(genome)
    }
    write_fasta(directory / f"{name}.transcripts.fa", transcripts)
    (directory / f"{name}.gtf").write_text("".join(gtf_lines(genome)))


def write_fasta(path: Path, records: dict[str, str]) -> None:
    with open(path, "w") as out:
        for header, seq in records.items():
            out.write(f">{header}\n")
            out.writelines(seq[i : i + LINE] + "\n" for i in range(0, len(seq), LINE))


def _by_position(genome: Genome) -> list[GeneModel]:
    return sorted(genome.models, key=lambda m: m.gene_id)


def gtf_lines(genome: Genome) -> list[str]:
    """Ensembl-style gene/transcript/exon lines; exons listed in transcript order."""
    lines = [f"#!genome-build ire1seq-demo-{genome.organism}\n"]
    for m in _by_position(genome):
        gene = f'gene_id "{m.gene_id}"; gene_name "{m.gene.name}"; gene_biotype "protein_coding";'
        transcript = f'{gene} transcript_id "{m.transcript_id}"; transcript_name "{m.gene.name}-201";'
        transcript += ' transcript_biotype "protein_coding";'
        first, last = m.start + 1, m.start + len(m.premrna)
        lines.append(_gtf_line(m, "gene", first, last, gene))
        lines.append(_gtf_line(m, "transcript", first, last, transcript))
        for number, (left, right) in enumerate(m.exon_spans(), start=1):
            lines.append(_gtf_line(m, "exon", left + 1, right, f'{transcript} exon_number "{number}";'))
    return lines


def _gtf_line(model: GeneModel, feature: str, start: int, end: int, attributes: str) -> str:
    return f"{model.contig}\tire1seq_demo\t{feature}\t{start}\t{end}\t.\t{model.strand}\t.\t{attributes}\n"


def provenance(genomes: list[Genome]) -> str:
    """Markdown note: what each contig holds and where the XBP1 26-nt intron lies (1-based)."""
    lines = [
        "# Demo reference: provenance",
        "",
        "Written by `python -m ire1seq.demo` (deterministic; do not edit by hand). All sequence is",
        "synthetic (uniform random, GC 48%) except XBP1, which carries real sequence from the shared",
        "`reference-data/xbp1_reconstructed_sequences.fa`: human `hs_XBP1_unspliced_ATG_to_XBP1s_stop_reconstructed`",
        "(ATG to the XBP1s stop, 1157 nt, reconstructed from published primers and probes and checked by",
        "translation) and mouse `mm_Xbp1u_local_17+26+57` (a 100-nt window; lower confidence). The",
        "exon boundaries inside the human ORF are the real ones (GRCh37 SpliceAI annotation of XBP1 and",
        "the hg19 26-nt junction in the regtools test data); UTRs and introns are synthetic. The 26-nt",
        "intron lies inside exon 4 and is NOT annotated in the GTF (one transcript = the unspliced mRNA).",
        "",
    ]
    for genome in genomes:
        m, site = genome.xbp1, genome.site
        unspliced, spliced = site_sequences(genome)
        removed = sorted((m.to_contig(site.first), m.to_contig(site.last + INTRON - 1)))
        canonical = sorted((m.to_contig(CANONICAL_START), m.to_contig(CANONICAL_START + INTRON - 1)))
        contigs = ", ".join(f"`{name}` ({len(seq):,} bp)" for name, seq in genome.contigs.items())
        lines += [
            f"## {genome.organism}",
            "",
            f"- contigs: {contigs}; {len(genome.models)} genes, one transcript each.",
            f"- {m.gene.name} ({m.gene_id}, {m.transcript_id}) on `{m.contig}` strand `{m.strand}`,"
            f" {m.start + 1}-{m.start + len(m.premrna)}; exons (transcript order): "
            + ", ".join(f"{left + 1}-{right}" for left, right in m.exon_spans()),
            f"- 26-nt intron, canonical placement (CCG|CAG…CTG|CAG): transcript nt {CANONICAL_START + 1}-{CANONICAL_START + INTRON},"
            f" contig {canonical[0] + 1}-{canonical[1] + 1}; the gap can start at any of"
            f" {site.last - site.first + 1} equivalent positions (repeated GCAGCA), removing contig"
            f" {removed[0] + 1}-{removed[1] + 1} in union.",
            f"- intron ± 12 nt (mRNA sense, found once in the genome): `{unspliced}`",
            f"- spliced junction ± 12 nt (absent from the genome): `{spliced}`",
            "",
        ]
    return "\n".join(lines)
