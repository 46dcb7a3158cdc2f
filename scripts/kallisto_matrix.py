import sys

sys.stderr = open(snakemake.log[0], "w")

from pathlib import Path

from ire1seq.sc.kallisto import write_solo_dir

prefix = snakemake.input.matrix.removesuffix(".mtx")
write_solo_dir(prefix, snakemake.input.t2g, Path(snakemake.output.matrix).parent, snakemake.wildcards.sample)
