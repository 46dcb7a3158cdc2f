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
