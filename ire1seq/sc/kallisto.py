"""Single-cell gene counts without a genome index (laptop mode): kallisto bus, then bustools.

kallisto pseudoaligns 10x reads to the transcriptome; bustools corrects barcodes against the
chemistry's whitelist, calls cells at the knee of the barcode-rank curve (`bustools whitelist`)
and counts UMIs per gene. This module writes the transcript → gene map bustools needs and turns
its cells × genes output into the genes × cells mtx directory STARsolo writes, so `ire1seq sc`
and the per-cell XBP1 readout read both alike.
"""

import gzip
import re
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import io as spio
from scipy import sparse

from ire1seq.errors import InputError
from ire1seq.io import is_gzipped, output_file
from ire1seq.references import read_gtf
from ire1seq.salmon import transcript_gene_map

VERSION = re.compile(r"\.\d+$")


def fasta_names(path) -> list:
    """Sequence names (first word of each header) of a transcript FASTA, as kallisto reads them."""
    path = Path(path)
    opener = gzip.open if is_gzipped(path) else open
    with opener(path, "rt") as handle:
        names = [line[1:].split(maxsplit=1)[0] for line in handle if line.startswith(">")]
    if not names:
        raise InputError(f"transcript FASTA {path} has no '>' headers; give the transcript (cDNA) FASTA of the GTF.")
    return names


def transcripts_to_genes(transcripts, gtf, genome: str) -> pd.DataFrame:
    """transcript, gene_id, gene_name for every transcript of the FASTA; versions may differ
    between FASTA and GTF (Ensembl cDNA names carry them, Ensembl GTF ids do not)."""
    tx2gene = transcript_gene_map(gtf)
    tx2gene = tx2gene.assign(key=tx2gene["transcript_id"].str.replace(VERSION, "", regex=True))
    gene_of = tx2gene.drop_duplicates("key").set_index("key")["gene_id"]
    names = pd.Series(fasta_names(transcripts))
    genes = names.str.replace(VERSION, "", regex=True).map(gene_of)
    if genes.isna().any():
        missing = names[genes.isna()]
        raise InputError(
            f"{len(missing)} of {len(names)} transcripts of {transcripts} are not in the GTF {gtf} "
            f"(e.g. {', '.join(missing[:3])}): the transcript FASTA and the GTF of genome {genome} "
            "must come from one release."
        )
    symbols = read_gtf(gtf, genome)[0].set_index("gene_id")["gene_name"]
    return pd.DataFrame({"transcript": names, "gene_id": genes, "gene_name": genes.map(symbols)})


def write_t2g(table: pd.DataFrame, path) -> None:
    """bustools' transcript-to-gene file: tab-separated, no header."""
    with output_file(path) as handle:
        table.to_csv(handle, sep="\t", header=False, index=False)


def run_t2g(*, transcripts, gtf, genome: str, out) -> None:
    """Workflow step: the transcript → gene map of a genome's transcript FASTA."""
    write_t2g(transcripts_to_genes(transcripts, gtf, genome), out)


def read_bustools_counts(prefix, sample: str) -> tuple:
    """(cells × genes counts, barcodes, gene ids) of `bustools count --genecounts -o PREFIX`."""
    files = [Path(f"{prefix}{end}") for end in (".mtx", ".barcodes.txt", ".genes.txt")]
    try:
        counts = sparse.csr_matrix(spio.mmread(files[0]))
        barcodes, genes = (path.read_text().split() for path in files[1:])
    except (OSError, ValueError) as err:
        raise InputError(
            f"bustools output {prefix}.* of sample {sample} could not be read ({err}); re-run its counting."
        ) from None
    if counts.shape != (len(barcodes), len(genes)):
        raise InputError(
            f"bustools output {prefix}.* of sample {sample}: the matrix is {counts.shape[0]} × {counts.shape[1]} "
            f"but lists {len(barcodes)} barcodes and {len(genes)} genes; re-run its counting."
        )
    return counts, barcodes, genes


def write_solo_dir(prefix, t2g, directory, sample: str) -> None:
    """STARsolo's filtered layout: genes × cells integer matrix.mtx, features.tsv, barcodes.tsv.
    Every gene of the transcript map is listed (zero rows included), as STARsolo lists the GTF's."""
    counts, barcodes, genes = read_bustools_counts(prefix, sample)
    table = pd.read_csv(t2g, sep="\t", header=None, names=["transcript", "gene_id", "gene_name"], dtype=str)
    features = table.drop_duplicates("gene_id")[["gene_id", "gene_name"]].reset_index(drop=True)
    row = pd.Series(np.arange(len(features)), index=features["gene_id"]).reindex(genes)
    if row.isna().any():
        raise InputError(
            f"bustools output {prefix}.genes.txt of sample {sample} names genes not in {t2g}; re-run its counting."
        )
    coo = counts.tocoo()
    matrix = sparse.coo_matrix((coo.data, (row.to_numpy()[coo.col], coo.row)), shape=(len(features), len(barcodes)))
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    spio.mmwrite(directory / "matrix.mtx", matrix.tocsr().rint().astype(np.int32))
    features.assign(kind="Gene Expression").to_csv(directory / "features.tsv", sep="\t", header=False, index=False)
    pd.Series(barcodes).to_csv(directory / "barcodes.tsv", header=False, index=False)


def run_kallisto_matrix(*, matrix, t2g, sample: str, out_dir) -> None:
    """Workflow step: bustools' gene counts (`matrix`: its cells.mtx) in STARsolo's filtered layout."""
    write_solo_dir(str(matrix).removesuffix(".mtx"), t2g, out_dir, sample)
