"""Rule sc_analyse: one dataset's matrices → QC'd, clustered, annotated AnnData + QC and cell-type tables."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(asctime)s %(message)s")

from ire1seq.sc.analyse import run  # noqa: E402
from ire1seq.sc.settings import ScSettings  # noqa: E402

run(
    dict(zip(snakemake.params.samples, snakemake.input.matrices)),
    snakemake.output.h5ad,
    snakemake.output.qc,
    snakemake.output.celltypes,
    markers=snakemake.params.markers,
    xbp1_cells=snakemake.input.xbp1,
    sheet=snakemake.input.sheet,
    genesets_dir=snakemake.input.genesets,
    settings=ScSettings.from_config(snakemake.params.settings),
)
