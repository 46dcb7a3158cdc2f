"""Rule sc_analyse: one dataset's matrices → QC'd, clustered, annotated AnnData, its tables and figures."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.sc.analyse.run_dataset",
    matrices=dict(zip(snakemake.params.samples, snakemake.input.matrices)),
    h5ad_out=snakemake.output.h5ad,
    qc_out=snakemake.output.qc,
    celltypes_out=snakemake.output.celltypes,
    markers=snakemake.params.markers,
    xbp1_cells=snakemake.input.xbp1,
    sheet=snakemake.input.sheet,
    genesets_dir=snakemake.input.genesets,
    settings=snakemake.params.settings,
    plots={
        "umap_out": snakemake.output.umap,
        "xbp1_out": snakemake.output.xbp1,
        "programs_out": snakemake.output.programs,
        "table_out": snakemake.output.xbp1_table,
    },
    pseudobulk={"counts_out": snakemake.output.pseudobulk_counts, "sheet_out": snakemake.output.pseudobulk_sheet},
)
