"""From counts to the readout: fraction spliced, its 95% Wilson interval, log2 ratio, the fraction of
molecules spliced with its interval, status.

Plain arithmetic (no pandas or statsmodels), so the per-sample commands start in a blink.
"""

import math

MOLECULAR = ["molecular_fraction", "molecular_ci_low", "molecular_ci_high", "detection_ratio"]
READOUT = ["informative", "fraction_spliced", "ci_low", "ci_high", "log2_spliced_ratio", *MOLECULAR, "status"]
Z95 = 1.9599639845400545  # standard normal upper 2.5% point, as scipy.stats.norm.isf(0.025)


def wilson(successes: int, trials: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (Wilson 1927), clipped to [0, 1]."""
    p = successes / trials
    denom = 1 + z * z / trials
    centre = (p + z * z / (2 * trials)) / denom
    half = z * math.sqrt(p * (1.0 - p) / trials + z * z / (4.0 * trials**2)) / denom
    return max(0.0, centre - half), min(1.0, centre + half)


def molecular(fraction: float, ratio: float) -> float:
    """Fraction of molecules spliced from the fraction of informative units (fragments, UMIs) and the
    detection ratio ρ (positions per spliced molecule / per unspliced one): f / (f + ρ (1 − f)).

    Monotone in f, so the interval of f maps through it to an interval of the molecular fraction.
    """
    if not ratio > 0 or math.isnan(fraction):
        return math.nan
    return fraction / (fraction + ratio * (1.0 - fraction))


def readout(spliced: int, unspliced: int, min_informative: int = 10, ratio: float = math.nan) -> dict:
    """The READOUT columns for one sample, cell group or cell; `ratio` is its detection ratio
    (ire1seq.xbp1.positions), NaN leaves the molecular columns empty.

    Everything but `informative` and `status` is NA (not 0) when no fragment was informative:
    a sample without reads at the site carries no information about splicing.
    """
    informative = int(spliced) + int(unspliced)
    if informative == 0:
        nan = math.nan
        return dict(zip(READOUT, (0, nan, nan, nan, nan, nan, nan, nan, nan, "no_reads")))
    fraction = spliced / informative
    low, high = wilson(spliced, informative)
    return {
        "informative": informative,
        "fraction_spliced": fraction,
        "ci_low": low,
        "ci_high": high,
        "log2_spliced_ratio": math.log2((spliced + 0.5) / (unspliced + 0.5)),
        "molecular_fraction": molecular(fraction, ratio),
        "molecular_ci_low": molecular(low, ratio),
        "molecular_ci_high": molecular(high, ratio),
        "detection_ratio": ratio,
        "status": "low_coverage" if informative < min_informative else "ok",
    }


def pooled_ratio(spliced, unspliced, ratios) -> float:
    """The detection ratio of units pooled from several samples (each with its own ratio).

    Each sample's spliced units stand for spliced / ρ molecule-equivalents (unspliced units taken as
    they are), so the pool's ρ is Σ spliced / Σ (spliced / ρ); without spliced units, the mean ρ
    weighted by unspliced units. Exact for cells of one sample (one ρ).
    """
    pairs = [(s, u, r) for s, u, r in zip(spliced, unspliced, ratios) if r > 0]
    spliced_total = sum(s for s, _, _ in pairs)
    if spliced_total:
        return spliced_total / sum(s / r for s, _, r in pairs)
    unspliced_total = sum(u for _, u, _ in pairs)
    return sum(u * r for _, u, r in pairs) / unspliced_total if unspliced_total else math.nan


def add_readout(counts, min_informative: int = 10):
    """A copy of a table (DataFrame) with `spliced` and `unspliced` counts (and `detection_ratio`,
    if it has one) plus the READOUT columns."""
    out = counts.copy()
    ratios = out["detection_ratio"] if "detection_ratio" in out.columns else [math.nan] * len(out)
    rows = [readout(s, u, min_informative, r) for s, u, r in zip(out["spliced"], out["unspliced"], ratios)]
    for column in READOUT:
        out[column] = [row[column] for row in rows]
    return out
