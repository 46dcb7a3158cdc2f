"""Rule sc_pseudobulk_de: pydeseq2 on one cell type's pseudobulk counts, one contrast."""

import logging
import sys

sys.stderr = open(snakemake.log[0], "w")
logging.basicConfig(stream=sys.stderr, level=logging.INFO)

from ire1seq.sc.pseudobulk import pseudobulk_de  # noqa: E402

pseudobulk_de(
    snakemake.input.counts,
    snakemake.input.sheet,
    snakemake.params.spec,
    snakemake.wildcards.sc_contrast,
    snakemake.output.results,
    snakemake.output.genesets,
    snakemake.input.genesets,
    snakemake.threads,
)
