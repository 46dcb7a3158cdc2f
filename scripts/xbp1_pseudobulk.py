"""Rule xbp1_pseudobulk: per-cell XBP1 counts pooled per sample × cell type."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.xbp1.pseudobulk.run_pseudobulk",
    cells=snakemake.input.cells,
    groups=snakemake.input.groups,
    min_informative=snakemake.params.min_informative,
    out=snakemake.output[0],
)
