"""The cohort table (one row per sample) and its MultiQC general-statistics twin."""

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.io import output_file, read_tsv, write_table
from ire1seq.xbp1.quant import BULK_COUNT_COLUMNS
from ire1seq.xbp1.stats import READOUT

MULTIQC_HEADER = """# id: "ire1seq_xbp1"
# section_name: "XBP1 splicing (IRE1α)"
# description: "Fraction of XBP1 molecules that lost the 26-nt intron, and of informative fragments (ire1seq xbp1 quant)."
# plot_type: "generalstats"
# pconfig:
#   - xbp1_molecular_pct:
#       title: "XBP1s % (molecules)"
#       description: "XBP1 molecules spliced, percent (fragment fraction corrected for informative read positions)"
#       min: 0
#       max: 100
#       suffix: "%"
#       format: "{:,.1f}"
#       scale: "OrRd"
#   - xbp1_spliced_pct:
#       title: "XBP1s % (fragments)"
#       description: "Spliced / informative XBP1 fragments, percent (depends on read length)"
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


def combine_bulk(paths, order=None) -> pd.DataFrame:
    """Bulk tables (per sample or per genome) stacked into the cohort table, rows in `order` of
    sample when given (each table must have the columns of `xbp1 quant`)."""
    tables = []
    for path in paths:
        table = read_tsv(path, what="XBP1 bulk table")
        missing = [c for c in BULK_COUNT_COLUMNS + READOUT if c not in table.columns]
        if missing:
            raise InputError(
                f"XBP1 bulk table {path} lacks column(s) {', '.join(missing)}; re-run `ire1seq xbp1 quant`."
            )
        tables.append(table[BULK_COUNT_COLUMNS + READOUT])
    if not tables:
        return pd.DataFrame(columns=BULK_COUNT_COLUMNS + READOUT)
    table = pd.concat(tables, ignore_index=True)
    if order is not None:
        table = table.set_index("sample").loc[list(order)].reset_index()
    return table


def write_multiqc(table: pd.DataFrame, path) -> None:
    """MultiQC custom content (`*_mqc.tsv`): the readout in the General Statistics table."""
    stats = pd.DataFrame(
        {
            "Sample": table["sample"],
            "xbp1_molecular_pct": (table["molecular_fraction"] * 100).round(2),
            "xbp1_spliced_pct": (table["fraction_spliced"] * 100).round(2),
            "xbp1_informative": table["informative"],
        }
    )
    with output_file(path) as handle:
        handle.write(MULTIQC_HEADER)
        stats.to_csv(handle, sep="\t", index=False, na_rep="")


def run_bulk(*, tables, order, samples, table_out, multiqc_out, plot_out) -> None:
    """Workflow step: the cohort table (rows in `order`), its MultiQC twin and its figure."""
    from ire1seq.xbp1.plots import plot_fraction

    table = combine_bulk(tables, order)
    write_table(table, table_out)
    write_multiqc(table, multiqc_out)
    plot_fraction(table, read_tsv(samples, what="sample sheet", dtype=str), plot_out)
