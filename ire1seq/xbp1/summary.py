"""The cohort table (one row per sample) and its MultiQC general-statistics twin."""

from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.xbp1.quant import COUNTS
from ire1seq.xbp1.stats import READOUT

MULTIQC_HEADER = """# id: "ire1seq_xbp1"
# section_name: "XBP1 splicing (IRE1α)"
# description: "Fraction of XBP1 fragments that lost the 26-nt intron (ire1seq xbp1 quant)."
# plot_type: "generalstats"
# pconfig:
#   - xbp1_spliced_pct:
#       title: "XBP1s %"
#       description: "Spliced / informative XBP1 fragments, percent"
#       min: 0
#       max: 100
#       suffix: "%"
#       format: "{:,.1f}"
#       scale: "OrRd"
#   - xbp1_informative:
#       title: "XBP1 frags"
#       description: "Fragments informative for XBP1 splicing"
#       min: 0
#       format: "{:,.0f}"
#       scale: "Blues"
"""


def combine_bulk(paths) -> pd.DataFrame:
    """Per-sample bulk tables stacked into the cohort table (each must have the SPEC columns)."""
    tables = []
    for path in paths:
        table = read_tsv(path, what="XBP1 bulk table")
        missing = [c for c in COUNTS + READOUT if c not in table.columns]
        if missing:
            raise InputError(f"XBP1 bulk table {path} lacks column(s) {', '.join(missing)}; re-run `ire1seq xbp1 quant`.")
        tables.append(table[COUNTS + READOUT])
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=COUNTS + READOUT)


def write_multiqc(table: pd.DataFrame, path) -> None:
    """MultiQC custom content (`*_mqc.tsv`): the readout in the General Statistics table."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    stats = pd.DataFrame(
        {
            "Sample": table["sample"],
            "xbp1_spliced_pct": (table["fraction_spliced"] * 100).round(2),
            "xbp1_informative": table["informative"],
        }
    )
    with open(path, "w") as handle:
        handle.write(MULTIQC_HEADER)
        stats.to_csv(handle, sep="\t", index=False, na_rep="")
