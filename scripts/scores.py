"""Rule scores: per-sample gene-set scores and blood composition beside the XBP1 splicing readout."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.de.scores.run_scores",
    counts=snakemake.input.counts,
    genesets=snakemake.input.genesets,
    samples=snakemake.input.samples,
    xbp1=snakemake.input.xbp1,
    min_cpm=snakemake.params.min_cpm,
    control_genes=snakemake.params.control_genes,
    composition=snakemake.params.composition,
    markers=snakemake.input.get("markers"),
    reference=(snakemake.input.reference_counts, snakemake.input.reference_sheet)
    if "reference_counts" in snakemake.input.keys()
    else None,
    out=snakemake.output[0],
)
