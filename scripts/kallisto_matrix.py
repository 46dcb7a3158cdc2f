"""Rule kallisto_matrix: bustools' gene counts of one 10x sample in STARsolo's filtered layout."""

from pathlib import Path

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.sc.kallisto.run_kallisto_matrix",
    matrix=snakemake.input.matrix,
    t2g=snakemake.input.t2g,
    sample=snakemake.wildcards.sample,
    out_dir=Path(snakemake.output.matrix).parent,
)
