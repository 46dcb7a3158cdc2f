"""10x-style scRNA-seq of mouse DRG: barcode whitelist, cells, molecules (CB + UMI), reads.

R1 = 16-nt barcode + 12-nt UMI; R2 = 91 nt of sense cDNA. Fragments are 3'-biased, except that
XBP1 molecules are read across the splice site (as with a 5' or XBP1-targeted kit), so per-cell
splicing can be counted. Each molecule gives 1–3 reads (PCR copies); R2 carries 0.1% errors,
R1 none (barcodes and UMIs are exact).
"""

from pathlib import Path

import numpy as np
import pandas as pd

from ire1seq.demo.bulk import ERROR_RATE, fastq_name
from ire1seq.demo.cohort import SC_MACROPHAGE_EFFECTS
from ire1seq.demo.dna import ASCII, encode, substitute
from ire1seq.demo.fastq import fastq_records, write_gzip
from ire1seq.demo.genes import CATALOGUE, CELL_TYPES
from ire1seq.demo.seeds import stream
from ire1seq.demo.transcriptome import Transcriptome

BARCODE, UMI, R2_LENGTH = 16, 12, 91
WHITELIST_SIZE, MIN_BARCODE_DISTANCE = 5000, 3
CELLS = 350
PROPORTIONS = dict(macrophage=0.22, monocyte=0.10, neuron=0.12, satellite_glia=0.18, schwann=0.15,
                   fibroblast=0.13, endothelial=0.10)  # fmt: skip
MIN_CELLS = 3  # per type, at small scales
MOLECULES = (300, 601)  # per cell
MITO_SHARE, HIGH_MITO_SHARE, HIGH_MITO_CELLS = (0.02, 0.08), (0.30, 0.45), 0.03
MARKER_FOLD = 20
XBP1_SHARE = dict(macrophage=0.012, monocyte=0.006)  # of nuclear molecules; other types 0.004
XBP1S_FRACTION = dict(macrophage={"vehicle": 0.05, "paclitaxel": 0.45})  # other types 0.05
FRAGMENT_MEAN, FRAGMENT_SD = 350, 80  # distance of R2's start from the 3' end
GENE_NOISE = 10  # gamma shape of per-cell, per-gene expression noise


def make_whitelist() -> np.ndarray:
    """Random 16-mers, every pair ≥ 3 mismatches apart, sorted; as base codes."""
    rng = stream("whitelist")
    codes = rng.integers(0, 4, (WHITELIST_SIZE, BARCODE), dtype=np.uint8)
    while (close := _too_close(codes)).size:
        codes[close] = rng.integers(0, 4, (close.size, BARCODE), dtype=np.uint8)
    return codes[np.lexsort(codes.T[::-1])]


def _too_close(codes: np.ndarray, block: int = 1000) -> np.ndarray:
    """Index of the later barcode of every pair closer than MIN_BARCODE_DISTANCE."""
    packed = (codes.astype(np.uint32) << (2 * np.arange(BARCODE, dtype=np.uint32))).sum(axis=1, dtype=np.uint32)
    close = []
    for first in range(0, len(packed), block):
        diff = packed[first : first + block, None] ^ packed[None, :]
        rows, cols = np.nonzero(np.bitwise_count((diff | diff >> 1) & 0x55555555) < MIN_BARCODE_DISTANCE)
        close.append(cols[cols > rows + first])
    return np.unique(np.concatenate(close))


def profiles(treatment: str) -> np.ndarray:
    """Expression probability of each nuclear gene (columns) in each cell type (rows)."""
    genes = CATALOGUE["mouse"]
    base = np.array([g.level / 100 if g.category == "housekeeping" else 1.0 for g in genes])
    base[[g.category == "mito" for g in genes]] = 0
    weights = np.tile(base, (len(CELL_TYPES), 1))
    for row, cell_type in enumerate(CELL_TYPES):
        weights[row, [cell_type in g.cell_types for g in genes]] *= MARKER_FOLD
    if treatment == "paclitaxel":
        weights[CELL_TYPES.index("macrophage")] *= 2.0 ** np.array(
            [SC_MACROPHAGE_EFFECTS.get(g.category, 0) for g in genes]
        )
    xbp1 = [g.category == "xbp1" for g in genes]
    weights[:, xbp1] = 0
    weights /= weights.sum(axis=1, keepdims=True)
    share = np.array([XBP1_SHARE.get(cell_type, 0.004) for cell_type in CELL_TYPES])
    weights *= (1 - share)[:, None]
    weights[:, xbp1] = share[:, None]
    return weights


def draw_cells(sample: str, scale: float, whitelist: np.ndarray) -> pd.DataFrame:
    rng = stream("cells", sample)
    sizes = [max(MIN_CELLS, round(CELLS * PROPORTIONS[t] * scale * np.exp(rng.normal(0, 0.1)))) for t in CELL_TYPES]
    cell_type = np.repeat(CELL_TYPES, sizes)
    n_cells = cell_type.size
    high_mito = np.zeros(n_cells, int)
    high_mito[rng.choice(n_cells, max(1, round(HIGH_MITO_CELLS * n_cells)), replace=False)] = 1
    barcodes = rng.choice(len(whitelist), n_cells, replace=False)
    return pd.DataFrame(
        {
            "sample": sample,
            "barcode": [ASCII[whitelist[b]].tobytes().decode() for b in barcodes],
            "cell_type": cell_type,
            "high_mito": high_mito,
            "n_molecules": rng.integers(*MOLECULES, n_cells),
        }
    )


def draw_molecules(sample: str, treatment: str, cells: pd.DataFrame, tx: Transcriptome) -> pd.DataFrame:
    """One row per molecule: cell, transcript (spliced XBP1 has its own index), UMI."""
    rng = stream("molecules", sample)
    genes = CATALOGUE["mouse"]
    mito = np.flatnonzero([g.category == "mito" for g in genes])
    type_index = cells["cell_type"].map(CELL_TYPES.index).to_numpy()
    share = np.where(
        cells["high_mito"] == 1,
        rng.uniform(*HIGH_MITO_SHARE, len(cells)),
        rng.uniform(*MITO_SHARE, len(cells)),
    )
    n_mito = rng.binomial(cells["n_molecules"], share)
    probabilities = profiles(treatment)[type_index] * rng.gamma(GENE_NOISE, 1 / GENE_NOISE, (len(cells), len(genes)))
    counts = rng.multinomial(cells["n_molecules"] - n_mito, probabilities / probabilities.sum(axis=1, keepdims=True))
    counts[:, mito] = rng.multinomial(n_mito, [0.5, 0.25, 0.25])
    cell, index = np.nonzero(counts)
    cell, index = np.repeat(cell, counts[cell, index]), np.repeat(index, counts[cell, index])
    fraction = cells["cell_type"].map(lambda cell_type: planted_fraction(cell_type, treatment)).to_numpy()[cell]
    index[(index == tx.xbp1u) & (rng.random(index.size) < fraction)] = tx.xbp1s
    return pd.DataFrame({"cell": cell, "index": index, "umi": _unique_umis(rng, cell)})


def planted_fraction(cell_type: str, treatment: str) -> float:
    """Planted probability that an XBP1 molecule of this cell type is spliced."""
    return XBP1S_FRACTION.get(cell_type, {}).get(treatment, 0.05)


def _unique_umis(rng, cell: np.ndarray) -> np.ndarray:
    umi = rng.integers(0, 4**UMI, cell.size)
    while True:
        duplicated = pd.Series(cell * 4**UMI + umi).duplicated().to_numpy()
        if not duplicated.any():
            return umi
        umi[duplicated] = rng.integers(0, 4**UMI, duplicated.sum())


def read_starts(rng, index: np.ndarray, tx: Transcriptome) -> np.ndarray:
    """R2 start per read: near the 3' end, or across the XBP1 site for XBP1 molecules."""
    length = tx.lengths[index]
    size = np.rint(rng.normal(FRAGMENT_MEAN, FRAGMENT_SD, index.size)).astype(int)
    start = np.clip(length - size, 0, length - R2_LENGTH)
    site = tx.site
    centre = np.where(index == tx.xbp1s, (site.first + site.last) // 2, sum(site.union) // 2)
    across = centre - R2_LENGTH // 2 + rng.integers(-25, 26, index.size)
    return np.where((index == tx.xbp1u) | (index == tx.xbp1s), across, start)


def simulate_sc(
    sample: str, treatment: str, cells: pd.DataFrame, tx: Transcriptome, fastq_dir: Path | None
) -> pd.DataFrame:
    """Simulate one 10x sample (FASTQ unless fastq_dir is None); return cells with XBP1 molecules
    by isoform (molecules with at least one read informative at the site) and their planted fraction."""
    molecules = draw_molecules(sample, treatment, cells, tx)
    rng = stream("reads", sample)
    read_molecule = np.repeat(np.arange(len(molecules)), rng.integers(1, 4, len(molecules)))
    read_molecule = read_molecule[rng.permutation(read_molecule.size)]
    index = molecules["index"].to_numpy()[read_molecule]
    start = read_starts(rng, index, tx)
    per_cell = {}
    for name, flags in zip(("xbp1_spliced", "xbp1_unspliced"), tx.informative(index, [start], R2_LENGTH)):
        informative = np.bincount(read_molecule[flags], minlength=len(molecules)) > 0
        per_cell[name] = np.bincount(molecules["cell"][informative], minlength=len(cells))
    if fastq_dir is not None:
        r1 = np.hstack(
            [
                encode("".join(cells["barcode"])).reshape(-1, BARCODE)[molecules["cell"]],
                _umi_codes(molecules["umi"]),
            ]
        )
        r2 = substitute(stream("errors", sample), tx.reads(index, start, R2_LENGTH), ERROR_RATE)
        write_gzip(fastq_dir / fastq_name(sample, "L1", 1), fastq_records(sample, r1[read_molecule]))
        write_gzip(fastq_dir / fastq_name(sample, "L1", 2), fastq_records(sample, r2))
    planted = cells["cell_type"].map(lambda cell_type: planted_fraction(cell_type, treatment))
    return cells.assign(planted_fraction=planted, **per_cell)


def _umi_codes(umi: pd.Series) -> np.ndarray:
    return ((umi.to_numpy()[:, None] >> (2 * np.arange(UMI - 1, -1, -1))) & 3).astype(np.uint8)
