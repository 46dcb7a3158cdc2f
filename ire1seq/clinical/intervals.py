"""The counting-process table of the time-varying Cox model: one row per interval between assessments."""

import pandas as pd

from ire1seq.clinical.outcomes import MODERATE

COLUMNS = ["subject", "start", "stop", "value", "event"]


def counting_process(visits: pd.DataFrame, readout: str, origin: pd.Series, carried=()) -> pd.DataFrame:
    """Intervals (start, stop] in days since each subject's `origin` (the baseline day; subjects absent
    from `origin` are left out), from one assessment to the next.

    `value` is the readout at the interval's first visit, the last usable value carried forward
    when that visit has none; intervals before the first usable value are dropped. `event` is 1
    when grade ≥ 2 is first found at the interval's end; no interval follows it. Columns `carried`
    (per-draw covariates) are added the same way, each carried forward on its own.
    """
    rows = visits.join(origin.rename("origin"), on="subject", how="inner")
    rows = rows[rows["day"] >= rows["origin"]].sort_values(["subject", "day"], kind="stable")
    by_subject = rows.groupby("subject", sort=False)
    ends_with_grade2 = by_subject["ctcae_sensory_grade"].shift(-1) >= MODERATE
    table = pd.DataFrame(
        {
            "subject": rows["subject"],
            "start": rows["day"] - rows["origin"],
            "stop": by_subject["day"].shift(-1) - rows["origin"],
            "value": by_subject[readout].ffill(),
            "event": ends_with_grade2.astype(int),
            **{column: by_subject[column].ffill() for column in carried},
        }
    )
    table = table[table["stop"].notna()]
    after_event = table.groupby("subject", sort=False)["event"].cumsum() - table["event"] > 0
    return table[~after_event & table["value"].notna()].reset_index(drop=True)
