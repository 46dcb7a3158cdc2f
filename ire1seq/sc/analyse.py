"""The whole single-cell step: matrices → QC → clusters → cell types → XBP1 and program scores.

The workflow's script and `ire1seq sc` both call `run`, so a step run by hand and by Snakemake agree;
its figures and pseudobulk counts are made from the AnnData in memory, not read back from disk.
"""

import logging
from collections.abc import Mapping, Sequence

import anndata as ad
import pandas as pd

from ire1seq.de.genesets import load_genesets
from ire1seq.errors import InputError
from ire1seq.io import output_path, write_table
from ire1seq.markers import read_markers
from ire1seq.sc.annotate import annotate, present_markers
from ire1seq.sc.cluster import cluster, normalise
from ire1seq.sc.load import add_sample_sheet, read_matrices
from ire1seq.sc.programs import score_programs
from ire1seq.sc.qc import filter_cells
from ire1seq.sc.settings import ScSettings, default_markers
from ire1seq.sc.xbp1 import join_xbp1, read_cell_tables

CELLTYPE_COLUMNS = ["sample", "barcode", "cell_type", "confidence", "cell_subtype"]

log = logging.getLogger(__name__)


def analyse(
    matrices: Mapping[str, str],
    organism: str | None = None,
    *,
    markers=None,
    xbp1_cells: Sequence[str] = (),
    sheet=None,
    genesets_dir=None,
    settings: ScSettings = ScSettings(),
) -> tuple[ad.AnnData, pd.DataFrame]:
    """(annotated AnnData of the cells passing QC, QC table); organism defaults to the sheet's."""
    genesets = load_genesets(genesets_dir) if genesets_dir else None
    adata = read_matrices(matrices)
    log.info("read %d cells x %d genes from %d samples", adata.n_obs, adata.n_vars, len(matrices))
    if sheet:
        add_sample_sheet(adata, sheet)
    organism = organism or _sheet_organism(adata, sheet)
    markers = markers or default_markers(organism)
    marker_table = read_markers(markers, organism)
    present_markers(marker_table, adata.var_names, markers, organism)
    if xbp1_cells:
        join_xbp1(adata, read_cell_tables(xbp1_cells))
    adata, qc = filter_cells(adata, settings.qc)
    log.info("QC kept %d of %d cells", adata.n_obs, qc["n_cells"].sum())
    normalise(adata)
    cluster(adata, settings.resolution, settings.integration, settings.batch_key)
    log.info("%d Leiden clusters", adata.obs["leiden"].nunique())
    annotate(adata, marker_table, source=markers, organism=organism, min_confidence=settings.min_confidence)
    log.info("cell types: %s", adata.obs["cell_type"].value_counts().to_dict())
    if genesets is not None:
        score_programs(adata, genesets, organism)
    adata.uns["organism"] = organism
    return adata, qc


def _sheet_organism(adata: ad.AnnData, sheet) -> str:
    organisms = adata.obs["organism"].dropna().unique() if "organism" in adata.obs else []
    if len(organisms) != 1:
        raise InputError(
            f"cannot tell the organism of the matrices from {sheet or 'a sample sheet'} "
            f"(found: {', '.join(map(str, organisms)) or 'none'}); give --organism, or one organism "
            "per dataset in the sheet's organism column."
        )
    return str(organisms[0])


def cell_types(adata: ad.AnnData) -> pd.DataFrame:
    """sample, barcode, cell_type, confidence, cell_subtype: one row per cell kept."""
    return adata.obs[CELLTYPE_COLUMNS].reset_index(drop=True)


def run(*, matrices, h5ad_out, qc_out, celltypes_out, plots=None, pseudobulk=None, **options) -> ad.AnnData:
    """`analyse`, then write the AnnData, the QC and cell-type tables and, when asked, the figures
    (`plots`: keyword arguments of sc.plots.plot_all) and pseudobulk tables (`pseudobulk`: of
    sc.pseudobulk.write_pseudobulk)."""
    adata, qc = analyse(matrices, **options)
    write_table(qc, qc_out)
    write_table(cell_types(adata), celltypes_out)
    with output_path(h5ad_out) as part:
        adata.write_h5ad(part, compression="lzf")
    settings = options.get("settings", ScSettings())
    if plots:
        from ire1seq.sc.plots import plot_all

        plot_all(adata, settings.condition, min_informative=settings.min_informative, **plots)
    if pseudobulk:
        from ire1seq.sc.pseudobulk import write_pseudobulk

        write_pseudobulk(adata, min_cells=settings.pseudobulk_min_cells, **pseudobulk)
    return adata


def run_dataset(*, settings: dict, **arguments) -> ad.AnnData:
    """Workflow step: `run` with the config's `sc:` section as its settings."""
    return run(settings=ScSettings.from_config(settings), **arguments)
