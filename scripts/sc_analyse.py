"""Rule sc_analyse: one dataset's matrices → QC'd, clustered, annotated AnnData, its tables and figures."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")

from ire1seq.sc.analyse import run  # noqa: E402
from ire1seq.sc.settings import ScSettings  # noqa: E402

output = snakemake.output
run(
    dict(zip(snakemake.params.samples, snakemake.input.matrices)),
    output.h5ad,
    output.qc,
    output.celltypes,
    markers=snakemake.params.markers,
    xbp1_cells=snakemake.input.xbp1,
    sheet=snakemake.input.sheet,
    genesets_dir=snakemake.input.genesets,
    settings=ScSettings.from_config(snakemake.params.settings),
    plots={
        "umap_out": output.umap,
        "xbp1_out": output.xbp1,
        "programs_out": output.programs,
        "table_out": output.xbp1_table,
    },
    pseudobulk={"counts_out": output.pseudobulk_counts, "sheet_out": output.pseudobulk_sheet},
)
