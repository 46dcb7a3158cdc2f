"""Rule sc_pseudobulk: counts summed per sample x cell type, with their sample sheet."""

import sys

sys.stderr = open(snakemake.log[0], "w")

import anndata as ad  # noqa: E402

from ire1seq.sc.pseudobulk import write_pseudobulk  # noqa: E402

write_pseudobulk(
    ad.read_h5ad(snakemake.input.h5ad),
    snakemake.output.counts,
    snakemake.output.sheet,
    snakemake.params.min_cells,
)
