"""From counts to the readout: fraction spliced, its 95% Wilson interval, log2 ratio, status.

Plain arithmetic (no pandas or statsmodels), so the per-sample commands start in a blink.
"""

import math

READOUT = ["informative", "fraction_spliced", "ci_low", "ci_high", "log2_spliced_ratio", "status"]
Z95 = 1.9599639845400545  # standard normal upper 2.5% point, as scipy.stats.norm.isf(0.025)


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (Wilson 1927), clipped to [0, 1]."""
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1.0 - p) / trials + z * z / (4.0 * trials**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def readout(spliced: int, unspliced: int, min_informative: int = 10) -> dict:
    """The READOUT columns for one sample, cell group or cell.

    Everything but `informative` and `status` is NA (not 0) when no fragment was informative:
    a sample without reads at the site carries no information about splicing.
    """
    informative = int(spliced) + int(unspliced)
    if informative == 0:
        nan = float("nan")
        return dict(zip(READOUT, (0, nan, nan, nan, nan, "no_reads")))
    low, high = wilson(spliced, informative)
    return {
        "informative": informative,
        "fraction_spliced": spliced / informative,
        "ci_low": low,
        "ci_high": high,
        "log2_spliced_ratio": math.log2((spliced + 0.5) / (unspliced + 0.5)),
        "status": "low_coverage" if informative < min_informative else "ok",
    }


def add_readout(counts, min_informative: int = 10):
    """A copy of a table (DataFrame) with `spliced` and `unspliced` counts plus the READOUT columns."""
    out = counts.copy()
    rows = [readout(s, u, min_informative) for s, u in zip(out["spliced"], out["unspliced"])]
    for column in READOUT:
        out[column] = [row[column] for row in rows]
    return out
