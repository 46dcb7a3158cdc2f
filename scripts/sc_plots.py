"""Rule sc_plots: UMAPs, pooled XBP1 splicing per cell type x condition, program dot plot."""

import sys

sys.stderr = open(snakemake.log[0], "w")

import anndata as ad  # noqa: E402

from ire1seq.sc.plots import plot_all  # noqa: E402

plot_all(
    ad.read_h5ad(snakemake.input.h5ad),
    snakemake.params.condition,
    snakemake.output.umap,
    snakemake.output.xbp1,
    snakemake.output.programs,
    snakemake.output.table,
)
