"""Rule kallisto_t2g: the transcript → gene map bustools needs, from a genome's transcripts and GTF."""

from ire1seq.step import run_step

run_step(
    snakemake,
    "ire1seq.sc.kallisto.run_t2g",
    transcripts=snakemake.input.transcripts,
    gtf=snakemake.input.gtf,
    genome=snakemake.wildcards.genome,
    out=snakemake.output[0],
)
