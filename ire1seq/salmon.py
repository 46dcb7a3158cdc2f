"""Gene counts without a genome index: salmon's transcript estimates summed to genes (pytximport).

The per-sample table has the layout of STAR's ReadsPerGene.out.tab (gene_id, unstranded, forward,
reverse; no header), so `ire1seq.counts` merges salmon and STAR samples alike and infers
strandedness the same way. `unstranded` holds salmon's estimated fragments per gene, rounded as
DESeq2 does with tximport; `forward` and `reverse` hold the same counts times the share of
fragments salmon mapped in each orientation (lib_format_counts.json), which is what STAR's strand
columns hold for a library of that kind (all of them for a stranded library, about half of them
each for an unstranded one).
"""

import json
from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError

FORWARD = ("SF", "ISF", "OSF", "MSF")  # read 1 (or the single read) on the transcript's strand
REVERSE = ("SR", "ISR", "OSR", "MSR")
# salmon -l for each units.tsv strandedness (single-end, paired-end); auto lets salmon detect it
LIBRARY_TYPES = {"auto": ("A", "A"), "none": ("U", "IU"), "forward": ("SF", "ISF"), "reverse": ("SR", "ISR")}


def library_type(strandedness: str, paired: bool) -> str:
    """salmon's --libType for a units.tsv strandedness."""
    if strandedness not in LIBRARY_TYPES:
        raise InputError(f"strandedness {strandedness!r} is not one of {', '.join(LIBRARY_TYPES)}; fix units.tsv.")
    return LIBRARY_TYPES[strandedness][int(bool(paired))]


def transcript_gene_map(gtf) -> pd.DataFrame:
    """transcript_id -> gene_id from a GTF's transcript/exon lines (pytximport)."""
    from pytximport.utils import create_transcript_gene_map_from_annotation

    if not Path(gtf).is_file():
        raise InputError(f"GTF {gtf} does not exist; check genomes.<organism>.gtf in the config.")
    try:
        table = create_transcript_gene_map_from_annotation(gtf)
    except (KeyError, ValueError, pd.errors.ParserError) as err:
        raise InputError(
            f"GTF {gtf} could not be read for transcript_id and gene_id ({err}); give a GTF (not GFF3)."
        ) from None
    table = table.dropna().drop_duplicates("transcript_id")
    if table.empty:
        raise InputError(
            f"GTF {gtf} has no transcript_id/gene_id pairs; give the GTF of the transcript FASTA salmon indexed."
        )
    return table


def strand_fragments(lib_format_counts) -> tuple:
    """(forward, reverse): fragments salmon mapped with read 1 on / against the transcript strand."""
    path = Path(lib_format_counts)
    try:
        data = json.loads(path.read_text())
        return sum(int(data.get(k, 0)) for k in FORWARD), sum(int(data.get(k, 0)) for k in REVERSE)
    except (OSError, json.JSONDecodeError, TypeError, ValueError) as err:
        raise InputError(
            f"salmon library report {path} could not be read ({err}); re-run salmon quant for this sample."
        ) from None


def gene_counts(quant_sf, tx2gene: pd.DataFrame) -> pd.Series:
    """gene_id -> estimated fragments (rounded) from one salmon quant.sf."""
    from pytximport import tximport

    path = Path(quant_sf)
    try:
        names = pd.read_csv(path, sep="\t", usecols=["Name"])["Name"]
    except (OSError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(
            f"salmon output {path} is not a quant.sf table ({err}); re-run salmon quant for this sample."
        ) from None
    missing = sorted(set(names.str.split(".").str[0]) - set(tx2gene["transcript_id"].str.split(".").str[0]))
    if missing:
        raise InputError(
            f"{len(missing)} transcript(s) of {path} are not in the GTF (e.g. {', '.join(missing[:3])}): the "
            "transcript FASTA salmon indexed and the GTF differ. Use the FASTA and GTF of one release."
        )
    data = tximport([path], "salmon", transcript_gene_map=tx2gene, output_type="xarray", return_data=True)
    counts = data["counts"].to_pandas().iloc[:, 0]
    return counts.round().astype("int64").rename_axis("gene_id")


def star_like_counts(quant_sf, lib_format_counts, gtf) -> pd.DataFrame:
    """The STAR ReadsPerGene.out.tab layout of one salmon sample (see the module note)."""
    counts = gene_counts(quant_sf, transcript_gene_map(gtf))
    forward, reverse = strand_fragments(lib_format_counts)
    share = forward / (forward + reverse) if forward + reverse else 0.5
    return pd.DataFrame(
        {
            "gene_id": counts.index,
            "unstranded": counts.to_numpy(),
            "forward": (counts * share).round().astype("int64").to_numpy(),
            "reverse": (counts * (1 - share)).round().astype("int64").to_numpy(),
        }
    )


def run_salmon_genes(*, quant, library, gtf, out) -> None:
    """Workflow step: one salmon sample's gene counts in STAR's ReadsPerGene layout."""
    from ire1seq.io import output_file

    with output_file(out) as handle:
        star_like_counts(quant, library, gtf).to_csv(handle, sep="\t", header=False, index=False)
