"""From counts to the readout: fraction spliced, its 95% Wilson interval, log2 ratio, status."""

import numpy as np
import pandas as pd
from statsmodels.stats.proportion import proportion_confint

READOUT = ["informative", "fraction_spliced", "ci_low", "ci_high", "log2_spliced_ratio", "status"]


def add_readout(counts: pd.DataFrame, min_informative: int = 10) -> pd.DataFrame:
    """Add the readout columns to a table with `spliced` and `unspliced` counts.

    Everything but `informative` and `status` is NA (not 0) when no fragment was informative:
    a sample without reads at the site carries no information about splicing.
    """
    out = counts.copy()
    spliced = out["spliced"].to_numpy(dtype=int)
    unspliced = out["unspliced"].to_numpy(dtype=int)
    informative = spliced + unspliced
    seen = informative > 0
    fraction = np.full(len(out), np.nan)
    low = np.full(len(out), np.nan)
    high = np.full(len(out), np.nan)
    ratio = np.full(len(out), np.nan)
    if seen.any():
        fraction[seen] = spliced[seen] / informative[seen]
        low[seen], high[seen] = proportion_confint(spliced[seen], informative[seen], alpha=0.05, method="wilson")
        ratio[seen] = np.log2((spliced[seen] + 0.5) / (unspliced[seen] + 0.5))
    out["informative"] = informative
    out["fraction_spliced"] = fraction
    out["ci_low"] = low
    out["ci_high"] = high
    out["log2_spliced_ratio"] = ratio
    out["status"] = np.where(~seen, "no_reads", np.where(informative < min_informative, "low_coverage", "ok"))
    return out
