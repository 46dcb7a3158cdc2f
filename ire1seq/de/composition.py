"""Cell-type composition of bulk blood samples: the `composition_<type>` columns of the scores table.

Why: patient samples are whole-blood leukocytes. Plasma cells and plasmablasts splice XBP1
constitutively (their secretory ER runs on XBP1s), and chemotherapy shifts the mix of cell types,
so a bulk XBP1 readout can rise with no change in any cell's IRE1α activity. The composition
columns let an analysis adjust for that (clinical covariates; docs/xbp1.md "Blood composition").

Each sample is estimated from its own counts (as the set scores):

- with a blood single-cell reference of the cohort: the sample's CPM of informative genes (the
  marker list's genes of the reference's cell types, plus each type's most specific genes in the
  reference) regressed by non-negative least squares (scipy.optimize.nnls) on the cell types' mean
  profiles per cell, each gene's equation divided by the sample's own value of it (relative
  errors: biological noise grows with a gene's level); the coefficients, scaled to sum to 1, are
  the **proportions of cells** of each type (profiles per cell carry each type's RNA content);
- without one: an MCP-counter-style **abundance score** per type (Becht et al. 2016, Genome Biol
  17:218): the mean log2(CPM + 1) of the type's markers. A log-scale score, comparable between
  samples (not a proportion): +1 = the type's markers twice as abundant.
"""

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.markers import read_markers
from ire1seq.sheets import select_samples

SPECIFIC_GENES = 50  # per cell type, the reference's most specific genes added to the markers
PREFIX = "composition_"


def cpm(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts per million of each sample's own library (symbols × samples)."""
    return counts / counts.sum(axis=0).replace(0, np.nan) * 1e6


def marker_abundance(counts: pd.DataFrame, markers: pd.DataFrame) -> pd.DataFrame:
    """samples × types: mean log2(CPM + 1) of each type's markers that are in the counts table."""
    values = np.log2(cpm(counts) + 1)
    scores = {}
    for cell_type, rows in markers.groupby("cell_type", sort=False):
        genes = [g for g in rows["gene"] if g in values.index]
        if genes:
            scores[cell_type] = values.loc[genes].mean(axis=0)
    return pd.DataFrame(scores)


def reference_profiles(counts: pd.DataFrame, sheet: pd.DataFrame) -> pd.DataFrame:
    """symbols × types: mean counts per cell of each cell type, from pseudobulk counts
    (gene_name, <sample>.<cell_type>...) and their sheet (sample, cell_type, n_cells)."""
    missing = [c for c in ("sample", "cell_type", "n_cells") if c not in sheet.columns]
    if missing:
        raise InputError(
            f"pseudobulk sheet lacks column(s) {', '.join(missing)}; give results/sc/<dataset>/pseudobulk_samples.tsv."
        )
    groups = sheet.set_index("sample")
    absent = [g for g in groups.index if g not in counts.columns]
    if absent:
        raise InputError(
            f"pseudobulk groups {', '.join(absent[:5])} of the sheet have no column in the pseudobulk counts; regenerate both together."
        )
    summed = counts[groups.index].T.groupby(groups["cell_type"].to_numpy()).sum().T
    cells = groups.groupby("cell_type")["n_cells"].sum()
    return summed / cells.reindex(summed.columns).to_numpy()


def signature_genes(profiles: pd.DataFrame, markers: pd.DataFrame, top: int = SPECIFIC_GENES) -> list:
    """The markers of the reference's types, plus each type's `top` genes most above the other types."""
    genes = [g for g in markers.loc[markers["cell_type"].isin(profiles.columns), "gene"] if g in profiles.index]
    level = np.log2(profiles + 1e-3)
    for cell_type in profiles.columns:
        others = level.drop(columns=cell_type).max(axis=1)
        expressed = profiles[cell_type] >= profiles[cell_type].median()  # well measured in the reference
        genes += list((level[cell_type] - others)[expressed].nlargest(top).index)
    return list(dict.fromkeys(genes))


def nnls_proportions(counts: pd.DataFrame, profiles: pd.DataFrame, genes) -> pd.DataFrame:
    """samples × types: cell proportions by NNLS of each sample's CPM on the per-cell profiles."""
    genes = [g for g in genes if g in counts.index and g in profiles.index]
    if len(genes) < profiles.shape[1]:
        raise InputError(
            f"only {len(genes)} signature genes are shared by the bulk counts and the single-cell reference "
            f"({profiles.shape[1]} cell types): check that both use the same gene symbols and organism."
        )
    design = profiles.loc[genes].to_numpy()
    bulk = cpm(counts).loc[genes]
    rows = {}
    for sample in bulk.columns:
        values = bulk[sample].to_numpy()
        # relative errors: a gene's biological noise grows with its level, so each equation is
        # divided by the sample's own value (weighted least squares, weights 1 / value²)
        scale = 1 / np.maximum(values, values[values > 0].min() if (values > 0).any() else 1)
        weights, _ = nnls(design * scale[:, None], values * scale)
        total = weights.sum()
        rows[sample] = weights / total if total > 0 else np.full(len(weights), np.nan)
    return pd.DataFrame(rows, index=profiles.columns).T


def composition(counts: pd.DataFrame, markers_path, organism: str, reference=None) -> pd.DataFrame:
    """samples × composition_<type> for the bulk samples in `counts` (symbols × samples).

    `reference`: (pseudobulk counts path, pseudobulk sheet path) of a blood single-cell dataset,
    or None for marker abundance scores.
    """
    markers = read_markers(markers_path, organism)
    if reference is None:
        table = marker_abundance(counts, markers)
    else:
        pseudo = read_tsv(reference[0], "pseudobulk counts").groupby("gene_name").sum(numeric_only=True)
        sheet = read_tsv(reference[1], "pseudobulk sheet", dtype={"sample": str})
        profiles = reference_profiles(pseudo, sheet)
        table = nnls_proportions(counts, profiles, signature_genes(profiles, markers))
    return table.add_prefix(PREFIX)


def for_subset(markers_path, subset: dict, reference=None):
    """The `composition` callable of ire1seq.de.scores.sample_scores: the samples of the sheet that
    match `subset` (column -> value or list), all of one organism."""

    def estimate(counts: pd.DataFrame, samples: pd.DataFrame) -> pd.DataFrame:
        if samples is None:
            raise InputError("blood composition needs the sample sheet (--samples) to find the bulk blood samples.")
        counted = samples[samples.index.isin(counts.columns)]
        chosen = select_samples(counted, subset, sheet="the sample sheet", what="de.composition", required=False)
        organisms = chosen["organism"].unique() if len(chosen) else [subset.get("organism")]
        if not isinstance(organisms[0], str):  # no sample to estimate and no organism to name the columns
            return pd.DataFrame(index=counts.columns)
        if len(organisms) != 1:
            raise InputError(
                f"composition subset {subset} selects samples of several organisms ({', '.join(organisms)}); restrict it to one."
            )
        return composition(counts[chosen.index], markers_path, organisms[0], reference)

    return estimate
