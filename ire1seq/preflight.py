"""Checks of the config against the sample sheet that need no job.

The workflow runs them when it parses the config, so `snakemake -n` fails with the message before
any job starts; `ire1seq check` runs the same functions.
"""

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.sheets import select_samples


def check_config(config: dict, samples: pd.DataFrame, sheet) -> None:
    """DE designs and contrasts, single-cell datasets and the samples named for plots."""
    from ire1seq.de.design import Design, check_design

    for name, spec in config["de"]["designs"].items():
        check_design(samples, Design.from_config(name, spec), sheet)
    for name, spec in config["sc"]["datasets"].items():
        chosen = sc_dataset(samples, name, spec, sheet)
        if spec.get("pseudobulk_de"):
            design = Design.from_config(f"{name} pseudobulk_de", spec["pseudobulk_de"])
            check_design(chosen, design, sheet)
    unknown = [s for s in config["plots"]["xbp1_reads"] if s not in samples.index]
    if unknown:
        raise InputError(
            f"config plots.xbp1_reads names {', '.join(unknown)}, not sample(s) of {sheet}; "
            "list sample ids from the sheet (or [] for no read plots)."
        )


def sc_dataset(samples: pd.DataFrame, name: str, spec: dict, sheet) -> pd.DataFrame:
    """The single-cell samples of one sc dataset (its subset may only select assay sc)."""
    chosen = select_samples(samples, spec["subset"], sheet=sheet, what=f"config sc.datasets.{name}")
    bulk = chosen.index[chosen["assay"] != "sc"]
    if len(bulk):
        raise InputError(
            f"config sc.datasets.{name}: subset {spec['subset']} also selects non-single-cell samples "
            f"({', '.join(bulk[:5])}) of {sheet}; add assay: sc to the subset."
        )
    return chosen
