"""Rule clinical_plots: the four clinical figures from the clinical tables."""

from pathlib import Path

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.clinical.plots.plot_clinical",
    tables_dir=Path(snakemake.input.association).parent,
    plot_dir=Path(snakemake.output[0]).parent,
)
