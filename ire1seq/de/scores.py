"""Per-sample gene-set scores beside the XBP1 splicing readout (results/scores/samples.tsv).

A score is the mean, over the set's genes, of each gene's z-score of the blind VST across the samples
of the same organism; genes whose direction is `down` (RIDD) are sign-flipped, so higher always
means a more active program. Scores are relative to the organism's samples in the table.
"""

import warnings

import numpy as np
import pandas as pd
from pydeseq2.dds import DeseqDataSet

from ire1seq.de.fit import control_gene_ids, workers
from ire1seq.de.genesets import GeneSetWarning, load_genesets, sets_for
from ire1seq.de.inputs import read_counts, read_samples
from ire1seq.errors import InputError
from ire1seq.io import read_tsv

XBP1_COLUMNS = ["fraction_spliced", "log2_spliced_ratio"]


def blind_vst(counts: pd.DataFrame, threads: int = 1, control_genes=None) -> pd.DataFrame:
    """pydeseq2's VST (intercept-only design, as DESeq2's blind=TRUE) of expressed genes × samples."""
    counts = counts[counts.sum(axis=1) > 0]
    intercept = pd.DataFrame(1.0, index=counts.columns, columns=["Intercept"])
    dds = DeseqDataSet(
        counts=counts.T,
        metadata=intercept,
        design=intercept,
        control_genes=control_genes,
        quiet=True,
        n_cpus=workers(threads, counts.shape[0]),
    )
    dds.vst(use_design=False)
    return pd.DataFrame(dds.layers["vst_counts"].T, index=counts.index, columns=counts.columns)


def set_scores(vst: pd.DataFrame, sets: dict) -> pd.DataFrame:
    """samples × score_<set>: mean signed z of the set's genes (`vst` indexed by gene symbol)."""
    spread = vst.std(axis=1)
    z = vst[spread > 0].sub(vst.mean(axis=1), axis=0).div(spread, axis=0)
    scores = {}
    for name, signs in sets.items():
        genes = z[z.index.isin(signs.index)]
        scores[f"score_{name}"] = genes.mul(signs.reindex(genes.index).to_numpy(), axis=0).mean(axis=0)
    return pd.DataFrame(scores, index=vst.columns)


def sample_organisms(counts: pd.DataFrame, genesets: pd.DataFrame, samples=None, where="counts table") -> pd.Series:
    """Organism of each counted sample: from the sheet, else the organism whose set genes hold its reads."""
    if samples is not None:
        if "organism" not in samples.columns:
            raise InputError(f"the sample sheet has no organism column; add it (human or mouse) for {where}.")
        missing = [s for s in counts.columns[1:] if s not in samples.index]
        if missing:
            raise InputError(f"{where}: sample(s) {', '.join(missing)} are not in the sample sheet; add them to it.")
        organisms = samples.loc[counts.columns[1:], "organism"]
        if organisms.isna().any():
            raise InputError(
                f"{where}: sample {organisms.index[organisms.isna()][0]} has no organism in the sample sheet; "
                "fill in human or mouse."
            )
        return organisms
    reads = {
        organism: counts[counts["gene_name"].isin(rows["gene"])].iloc[:, 1:].sum()
        for organism, rows in genesets.groupby("organism")
    }
    reads = pd.DataFrame(reads)
    unclear = reads.index[(reads.max(axis=1) == 0) | (reads.eq(reads.max(axis=1), axis=0).sum(axis=1) > 1)]
    if len(unclear):
        raise InputError(
            f"{where}: cannot tell the organism of sample(s) {', '.join(unclear)} from the gene-set genes; "
            "give the sample sheet (--samples) with its organism column."
        )
    return reads.idxmax(axis=1)


def sample_scores(
    counts_path, genesets_dir, samples_path=None, xbp1_path=None, threads=1, control_genes=()
) -> pd.DataFrame:
    """The scores table: sample, fraction_spliced, log2_spliced_ratio, score_<set>..., organism, xbp1_status.

    `control_genes` (symbols) set the size factors, as in the DE fits (de.control_genes).
    """
    counts = read_counts(counts_path)
    genesets = load_genesets(genesets_dir)
    samples = read_samples(samples_path) if samples_path else None
    organisms = sample_organisms(counts, genesets, samples, f"counts table {counts_path}")
    parts = [
        _organism_scores(counts, organisms, organism, genesets, threads, control_genes)
        for organism in sorted(organisms.unique())
    ]
    columns = [f"score_{name}" for name in genesets["set"].unique()]
    scores = pd.concat(parts).reindex(columns=columns)
    scores.insert(0, "organism", organisms)
    table = _with_xbp1(scores.rename_axis("sample").reset_index(), xbp1_path)
    return table[["sample", *XBP1_COLUMNS, *columns, "organism", "xbp1_status"]]


def _organism_scores(counts, organisms, organism, genesets, threads, control_genes) -> pd.DataFrame:
    chosen = organisms.index[organisms == organism]
    if len(chosen) < 2:
        warnings.warn(
            f"only one {organism} sample ({chosen[0]}): z-scores need two or more, so its scores are empty.",
            GeneSetWarning,
            stacklevel=2,
        )
        return pd.DataFrame(index=chosen)
    expressed = counts.loc[counts[chosen].sum(axis=1) > 0, "gene_name"]
    control = control_gene_ids(expressed, control_genes, f"scores of the {organism} samples")
    vst = blind_vst(counts[chosen], threads, control)
    vst.index = counts.loc[vst.index, "gene_name"]
    sets = sets_for(genesets, organism, vst.index, f"the expressed genes of the {organism} samples")
    return set_scores(vst, sets)


def _with_xbp1(scores: pd.DataFrame, xbp1_path) -> pd.DataFrame:
    if not xbp1_path:
        return scores.assign(**{c: np.nan for c in XBP1_COLUMNS}, xbp1_status=pd.NA)
    xbp1 = read_tsv(xbp1_path, "XBP1 splicing table", dtype={"sample": str})
    missing = [c for c in ["sample", *XBP1_COLUMNS, "status"] if c not in xbp1.columns]
    if missing:
        raise InputError(
            f"XBP1 splicing table {xbp1_path} lacks column(s) {', '.join(missing)}; give the output of "
            "`ire1seq xbp1 quant` (results/xbp1/bulk.tsv)."
        )
    xbp1 = xbp1[["sample", *XBP1_COLUMNS, "status"]].rename(columns={"status": "xbp1_status"})
    return scores.merge(xbp1, on="sample", how="outer")
