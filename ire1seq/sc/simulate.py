"""Simulated droplet counts with planted truth, for tests and the benchmark.

Each planted cell type has a negative-binomial (gamma-Poisson) expression profile in which its
marker genes are `marker_fold` times higher; some cells carry a high mitochondrial share and some
are heterotypic doublets (two cells' counts summed), so QC, doublet calling and annotation can be
checked against what was planted.
"""

from collections.abc import Mapping, Sequence
from pathlib import Path

import anndata as ad
import numpy as np
import pandas as pd
from scipy import io as spio
from scipy import sparse

MITO_GENES = ("Co1", "Co2", "Co3", "Nd1", "Nd2", "Nd4", "Nd5", "Atp6", "Cytb")
CHUNK = 2000


def simulate_counts(
    markers: Mapping[str, Sequence[str]],
    samples: Sequence[str],
    cells_per_type: int,
    n_genes: int = 300,
    *,
    organism: str = "mouse",
    high_mito: int = 0,
    doublets: int = 0,
    marker_fold: float = 10.0,
    mean_umis: float = 3000.0,
    dispersion: float = 0.3,
    seed: int = 0,
) -> ad.AnnData:
    """Counts for `cells_per_type` cells of each type in each sample (+ planted high-mito, doublets).

    `obs` carries the truth: `sample`, `barcode`, `true_type` ("doublet" for doublets) and
    `high_mito`; `high_mito` and `doublets` are numbers of cells per sample.
    """
    rng = np.random.default_rng(seed)
    genes = _gene_names(markers, n_genes, organism)
    profiles = _profiles(markers, genes, organism, marker_fold, rng)
    per_sample = []
    for sample in samples:
        types = np.repeat(list(markers), cells_per_type)
        mito = np.zeros(len(types), bool)
        mito[rng.choice(len(types), high_mito, replace=False)] = True
        counts = _draw(profiles, types, mito, mean_umis, dispersion, rng)
        counts, types, mito = _add_doublets(counts, types, mito, doublets, rng)
        obs = pd.DataFrame({"sample": sample, "true_type": types, "high_mito": mito})
        obs.index = f"{sample}:" + obs.index.astype(str)
        per_sample.append(ad.AnnData(counts, obs=obs))
    adata = ad.concat(per_sample)
    adata.var = pd.DataFrame({"gene_id": [f"SIM{i:06d}" for i in range(len(genes))]}, index=genes)
    adata.obs["barcode"] = _barcodes(adata.n_obs)
    adata.obs_names = adata.obs["sample"].astype(str) + ":" + adata.obs["barcode"]
    return adata


def _gene_names(markers, n_genes: int, organism: str) -> list[str]:
    marker_genes = list(dict.fromkeys(gene for genes in markers.values() for gene in genes))
    prefix = "MT-" if organism == "human" else "mt-"
    mito = [prefix + (name.upper() if organism == "human" else name) for name in MITO_GENES]
    filler = max(0, n_genes - len(marker_genes) - len(mito))
    return marker_genes + mito + [f"Gene{i}" for i in range(filler)]


def _profiles(markers, genes, organism, marker_fold, rng) -> dict[str, np.ndarray]:
    """Per type: expected share of each gene (mitochondrial genes ~3% of the total).

    Besides its markers, each type has its own random 5% of the other genes 4-fold up, as real
    cell types differ in many genes (doublets then look like neither parent).
    """
    index = {gene: i for i, gene in enumerate(genes)}
    is_mito = np.array([g.upper().startswith("MT-") for g in genes])
    base = rng.lognormal(0.0, 1.0, len(genes))
    profiles = {}
    for cell_type, type_markers in markers.items():
        weights = base.copy()
        weights[rng.random(len(genes)) < 0.05] *= 4
        weights[[index[g] for g in type_markers]] *= marker_fold
        weights[is_mito] = 0
        weights = 0.97 * weights / weights.sum()
        weights[is_mito] = 0.03 * base[is_mito] / base[is_mito].sum()
        profiles[cell_type] = weights
    profiles["_mito"] = np.where(is_mito, base, 0) / base[is_mito].sum()
    return profiles


def _draw(profiles, types, high_mito, mean_umis, dispersion, rng) -> sparse.csr_matrix:
    """Gamma-Poisson counts in chunks of cells, so large simulations stay sparse in memory."""
    chunks = []
    for start in range(0, len(types), CHUNK):
        stop = min(start + CHUNK, len(types))
        means = np.stack([profiles[t] for t in types[start:stop]]).astype(np.float32)
        mito = high_mito[start:stop]
        means[mito] = 0.6 * means[mito] + 0.4 * profiles["_mito"]
        size = rng.lognormal(np.log(mean_umis), 0.3, stop - start).astype(np.float32)
        means *= size[:, None]
        means *= rng.gamma(1 / dispersion, dispersion, means.shape).astype(np.float32)
        chunks.append(sparse.csr_matrix(rng.poisson(means).astype(np.float32)))
    return sparse.vstack(chunks, format="csr")


def _add_doublets(counts, types, mito, n_doublets: int, rng):
    """Append heterotypic doublets: the summed counts of two cells of different types."""
    pairs = []
    while len(pairs) < n_doublets:
        first, second = rng.choice(len(types), 2, replace=False)
        if types[first] != types[second]:
            pairs.append((first, second))
    if not pairs:
        return counts, types, mito
    first, second = np.array(pairs).T
    doublets = counts[first] + counts[second]
    return (
        sparse.vstack([counts, doublets], format="csr"),
        np.concatenate([types, np.repeat("doublet", n_doublets)]),
        np.concatenate([mito, np.zeros(n_doublets, bool)]),
    )


def _barcodes(n: int) -> np.ndarray:
    """Distinct 16-nt barcodes (base-4 digits of spread-out integers)."""
    numbers = np.arange(n, dtype=np.int64) * 2_654_435_761 % 4**16
    digits = (numbers[:, None] // 4 ** np.arange(15, -1, -1)) % 4
    return np.array(["".join(row) for row in np.array(list("ACGT"))[digits]])


def write_mtx_dir(adata: ad.AnnData, directory) -> Path:
    """One sample's counts as STARsolo writes them (genes x cells matrix.mtx, plain tsv files)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    spio.mmwrite(directory / "matrix.mtx", sparse.csr_matrix(adata.X).T.astype(np.int32))
    features = pd.DataFrame({"id": adata.var["gene_id"], "name": adata.var_names, "type": "Gene Expression"})
    features.to_csv(directory / "features.tsv", sep="\t", header=False, index=False)
    adata.obs["barcode"].to_csv(directory / "barcodes.tsv", header=False, index=False)
    return directory
