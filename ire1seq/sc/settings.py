"""The `sc:` config section as settings for one run, and the files the workflow makes from it."""

from dataclasses import dataclass, field
from pathlib import Path

from ire1seq.data import MARKERS
from ire1seq.errors import InputError

DEFAULT_MARKERS = {"mouse": MARKERS / "mouse_drg.tsv", "human": MARKERS / "human_blood.tsv"}


def default_markers(organism: str) -> Path:
    """The bundled marker list of an organism (mouse DRG, human blood)."""
    if organism not in DEFAULT_MARKERS:
        raise InputError(
            f"no bundled marker list for organism '{organism}' (bundled: {', '.join(DEFAULT_MARKERS)}); "
            "give one with --markers (columns cell_type, gene, organism, source, confidence)."
        )
    return DEFAULT_MARKERS[organism]


@dataclass(frozen=True)
class QcThresholds:
    """Per-cell QC thresholds (ire1seq.sc.qc applies them)."""

    min_genes: int = 200
    min_counts: int = 500
    max_pct_mt: float = 20.0
    doublets: bool = True
    doublet_threshold: float = 0.25
    expected_doublet_rate: float = 0.06


@dataclass(frozen=True)
class ScSettings:
    qc: QcThresholds = field(default_factory=QcThresholds)
    resolution: float = 1.0
    integration: str = "none"
    batch_key: str = "sample"
    min_confidence: float = 0.7
    condition: str = "treatment"
    pseudobulk_min_cells: int = 10
    min_informative: int = 10  # the XBP1 table's low_coverage threshold (config xbp1.min_informative)

    @classmethod
    def from_config(cls, sc_config: dict) -> "ScSettings":
        """Settings from `config["sc"]` (defaults already filled in by the schema)."""
        keys = (
            "resolution", "integration", "batch_key", "min_confidence", "condition", "pseudobulk_min_cells",
            "min_informative",
        )  # fmt: skip
        return cls(
            qc=QcThresholds(**sc_config.get("qc", {})),
            **{key: sc_config[key] for key in keys if key in sc_config},
        )


def targets(sc_config: dict) -> list[str]:
    """Every sc output of the workflow for this config (for rule all)."""
    paths = []
    for dataset, spec in sc_config.get("datasets", {}).items():
        paths += [f"results/sc/{dataset}{suffix}" for suffix in (".h5ad", "_qc.tsv", "_celltypes.tsv")]
        paths += [f"results/sc/{dataset}/{name}" for name in ("pseudobulk_counts.tsv", "xbp1_by_celltype.tsv")]
        paths += [f"results/plots/sc/{dataset}_{plot}.png" for plot in ("umap", "xbp1", "programs")]
        for contrast in (spec.get("pseudobulk_de") or {}).get("contrasts", {}):
            paths.append(f"results/sc/{dataset}/de/{contrast}/results.tsv")
    return paths
