import sys
from pathlib import Path

sys.stderr = open(snakemake.log[0], "w")

from ire1seq.clinical.plots import plot_clinical

tables_dir = Path(snakemake.input.association).parent
plot_clinical(tables_dir, Path(snakemake.output[0]).parent, dpi=snakemake.params.dpi)
