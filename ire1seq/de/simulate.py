"""Negative-binomial counts with planted log2 effects, for tests and the DE benchmark."""

import numpy as np
import pandas as pd


def factorial_samples(factors: dict[str, list[str]], replicates: int, batches: int = 2) -> pd.DataFrame:
    """A full factorial sample table (one row per sample) with batches alternating within each cell."""
    cells = pd.MultiIndex.from_product(list(factors.values()), names=list(factors)).to_frame(index=False)
    table = cells.loc[cells.index.repeat(replicates)].reset_index(drop=True)
    table["batch"] = [f"b{i % batches + 1}" for i in range(len(table))]
    table.index = [f"s{i:03d}" for i in range(len(table))]
    return table.rename_axis("sample")


def simulate_counts(
    log2_effects: pd.DataFrame, seed: int = 0, dispersion: float = 0.05, mean_range=(50, 2000)
) -> pd.DataFrame:
    """genes × samples counts: NB(mean = base mean × size factor × 2^effect, dispersion).

    `log2_effects` is genes × samples (the planted log2 fold change of each gene in each sample).
    """
    rng = np.random.default_rng(seed)
    genes, samples = log2_effects.shape
    base = np.exp(rng.uniform(*np.log(mean_range), size=genes))[:, None]
    size_factors = rng.uniform(0.6, 1.6, size=samples)[None, :]
    mu = base * size_factors * np.exp2(log2_effects.to_numpy())
    counts = rng.negative_binomial(1 / dispersion, 1 / (1 + mu * dispersion))
    return pd.DataFrame(counts, index=log2_effects.index, columns=log2_effects.columns)


def counts_table(counts: pd.DataFrame) -> pd.DataFrame:
    """bulk_counts.tsv layout: gene_id, gene_name (= id), then the samples."""
    table = counts.copy()
    table.insert(0, "gene_name", counts.index)
    return table.rename_axis("gene_id").reset_index()


# --- a whole-blood cohort whose composition, not IRE1α activity, moves bulk XBP1 ---------------

BLOOD_SHARES = {  # typical whole-blood leukocyte shares (cells)
    "neutrophil": 0.55, "eosinophil": 0.03, "basophil": 0.007, "classical_monocyte": 0.06,
    "nonclassical_monocyte": 0.01, "t_cell": 0.22, "nk_cell": 0.06, "b_cell": 0.055, "plasmablast": 0.004,
}  # fmt: skip
RNA_PER_CELL = {
    "neutrophil": 0.4,
    "eosinophil": 0.5,
    "basophil": 0.6,
    "classical_monocyte": 1.5,
    "nonclassical_monocyte": 1.2,
    "plasmablast": 3.0,
}  # fmt: skip  (others 1)
XBP1_SPLICED = {"plasmablast": 0.7}  # constitutive in plasmablasts; 0.1 in every other type


def blood_profiles(markers: pd.DataFrame, background: int = 2000, seed: int = 0) -> pd.DataFrame:
    """genes × cell types: mean counts per cell. Background genes shared (±0.5 log2 by type), each
    type's markers 100× in it, XBP1 2× in plasmablasts; scaled by each type's RNA content."""
    rng = np.random.default_rng(seed)
    types = list(BLOOD_SHARES)
    genes = list(dict.fromkeys([*markers["gene"], "XBP1", *(f"BG{i}" for i in range(background))]))
    base = np.exp(rng.uniform(np.log(0.05), np.log(5), len(genes)))[:, None]
    profiles = pd.DataFrame(base * np.exp2(rng.normal(0, 0.5, (len(genes), len(types)))), index=genes, columns=types)
    for cell_type, rows in markers.groupby("cell_type"):
        if cell_type in profiles.columns:
            profiles.loc[rows["gene"], cell_type] *= 100
    profiles.loc["XBP1"] = profiles.loc["XBP1"].mean() / 5
    profiles.loc["XBP1", "plasmablast"] *= 2  # ~6x per cell with its RNA content
    return profiles * pd.Series({t: RNA_PER_CELL.get(t, 1.0) for t in types})


def blood_cohort(
    markers: pd.DataFrame, patients: int = 40, seed: int = 1, depth: float = 2e7, informative: int = 1000
) -> dict:
    """Patients sampled at baseline and on treatment, where only the plasmablast share rises
    (×1.5–×3; other types keep their relative shares) and no cell type's XBP1 splicing changes.

    Returns counts (genes × samples), proportions (samples × types, planted), sheet (sample,
    subject, visit, organism, assay), xbp1 (sample, spliced, unspliced: informative molecules of
    the bulk's XBP1), and a single-cell reference: pseudobulk counts per cell type and its sheet.
    """
    rng = np.random.default_rng(seed)
    profiles = blood_profiles(markers, seed=seed)
    shares = np.array(list(BLOOD_SHARES.values()))
    pb = list(BLOOD_SHARES).index("plasmablast")
    rows, names, sheet = [], [], []
    others = [i for i in range(len(shares)) if i != pb]
    for patient in range(patients):
        base = rng.dirichlet(shares * 40)  # people differ: neutrophils ~40-70%
        base[pb] = shares[pb] * rng.lognormal(0, 0.4)  # a Dirichlet share this small would often be ~0
        base[others] *= (1 - base[pb]) / base[others].sum()
        treated = base.copy()
        treated[pb] *= rng.uniform(1.5, 3)
        treated[others] *= (1 - treated[pb]) / (1 - base[pb])
        for visit, mix in (("baseline", base), ("cycle1", treated)):
            names.append(f"P{patient:02d}_{visit}")
            rows.append(mix)
            sheet.append(
                {
                    "sample": names[-1],
                    "subject": f"P{patient:02d}",
                    "visit": visit,
                    "organism": "human",
                    "assay": "bulk",
                }
            )
    proportions = pd.DataFrame(rows, index=names, columns=list(BLOOD_SHARES))
    mean = profiles.to_numpy() @ proportions.T.to_numpy()
    mean = mean / mean.sum(axis=0) * depth
    counts = pd.DataFrame(rng.negative_binomial(20, 20 / (20 + mean)), index=profiles.index, columns=names)
    xbp1_share = profiles.loc["XBP1"] * proportions
    spliced_fraction = (xbp1_share * pd.Series({t: XBP1_SPLICED.get(t, 0.1) for t in BLOOD_SHARES})).sum(
        axis=1
    ) / xbp1_share.sum(axis=1)
    spliced = rng.binomial(informative, spliced_fraction.to_numpy())
    xbp1 = pd.DataFrame({"sample": names, "spliced": spliced, "unspliced": informative - spliced})
    cells = 2000  # per type in the single-cell reference; its pseudobulk sums their counts
    reference = pd.DataFrame(
        rng.poisson(profiles.to_numpy() * cells), index=profiles.index, columns=[f"ref.{t}" for t in BLOOD_SHARES]
    )
    reference_sheet = pd.DataFrame(
        {"sample": reference.columns, "sc_sample": "ref", "cell_type": list(BLOOD_SHARES), "n_cells": cells}
    )
    return {
        "counts": counts, "proportions": proportions, "sheet": pd.DataFrame(sheet), "xbp1": xbp1,
        "reference": reference, "reference_sheet": reference_sheet,
    }  # fmt: skip
