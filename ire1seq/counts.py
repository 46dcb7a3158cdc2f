"""Gene counts: per-sample tables from STAR or featureCounts into one genes × samples matrix."""

import pandas as pd

from ire1seq.io import read_tsv

# Columns of STAR's ReadsPerGene.out.tab, which the featureCounts path reproduces.
STRAND_COLUMNS = {"none": "unstranded", "forward": "forward", "reverse": "reverse"}
# A library is stranded when at least this share of stranded-assigned reads agree in direction.
STRANDED_SHARE = 0.8


def read_star_counts(path) -> pd.DataFrame:
    """STAR ReadsPerGene.out.tab → gene_id-indexed frame with unstranded/forward/reverse columns."""
    table = read_tsv(path, "STAR gene counts", header=None, names=["gene_id", *STRAND_COLUMNS.values()])
    return table[~table["gene_id"].str.startswith("N_")].set_index("gene_id")


def read_featurecounts(paths: dict) -> pd.DataFrame:
    """featureCounts outputs for -s 0/1/2 → the same three columns as STAR's table."""
    columns = {}
    for strand, path in paths.items():
        table = read_tsv(path, "featureCounts table", comment="#")
        columns[STRAND_COLUMNS[strand]] = table.set_index("Geneid").iloc[:, -1]
    return pd.DataFrame(columns)


def infer_strandedness(counts: pd.DataFrame) -> str:
    """Compare reads counted on the gene's strand with those on the opposite strand."""
    forward, reverse = counts["forward"].sum(), counts["reverse"].sum()
    if forward + reverse == 0:
        return "none"
    share = forward / (forward + reverse)
    if share >= STRANDED_SHARE:
        return "forward"
    if share <= 1 - STRANDED_SHARE:
        return "reverse"
    return "none"


def choose_column(sample: str, counts: pd.DataFrame, declared: str) -> tuple[pd.Series, dict]:
    """Pick the count column for a sample's library type; infer it when declared 'auto'."""
    inferred = infer_strandedness(counts)
    used = inferred if declared == "auto" else declared
    row = {"sample": sample, "strandedness": used, "declared": declared, "inferred": inferred}
    return counts[STRAND_COLUMNS[used]].rename(sample), row


def merge_counts(tables: dict, declared: dict, genes: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-sample count tables → (genes × samples matrix with names, strandedness table).

    Rows are the union of all genomes' genes; a gene absent from a sample's genome counts 0.
    """
    columns, rows = [], []
    for sample, counts in tables.items():
        column, row = choose_column(sample, counts, declared[sample])
        columns.append(column)
        rows.append(row)
    matrix = pd.concat(columns, axis=1).reindex(genes["gene_id"]).fillna(0).astype("int64")
    matrix.insert(0, "gene_name", genes.set_index("gene_id")["gene_name"].reindex(matrix.index).to_numpy())
    return matrix.rename_axis("gene_id").reset_index(), pd.DataFrame(rows)


def run_count_matrix(*, tables: dict, declared: dict, genes, counts_out, strandedness_out) -> None:
    """Workflow step: each sample's gene table (STAR's or salmon's, or featureCounts' three strand
    settings) into the genes × samples matrix, and the strandedness used for each sample."""
    from ire1seq.io import write_table

    def read(paths):
        return read_star_counts(paths[0]) if len(paths) == 1 else read_featurecounts(dict(zip(STRAND_COLUMNS, paths)))

    matrix, strandedness = merge_counts(
        {s: read(p) for s, p in tables.items()}, declared, read_tsv(genes, "gene table")
    )
    write_table(matrix, counts_out)
    write_table(strandedness, strandedness_out)
