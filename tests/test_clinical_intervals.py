"""The counting-process table of the time-varying Cox model, on hand-made patients with exact intervals."""

import numpy as np
import pandas as pd

from ire1seq.clinical.intervals import counting_process

NA = np.nan


def visits(subject, days, grades, values) -> list[dict]:
    return [
        {"subject": subject, "visit": f"v{k}", "day": d, "ctcae_sensory_grade": g, "x": v}
        for k, (d, g, v) in enumerate(zip(days, grades, values))
    ]


def intervals(rows, origin) -> list[tuple]:
    table = counting_process(pd.DataFrame(rows), "x", pd.Series(origin))
    return list(table.itertuples(index=False, name=None))


def test_one_interval_per_pair_of_assessments_with_the_value_at_its_start():
    rows = visits("A", [0, 21, 42, 63], [0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4])
    assert intervals(rows, {"A": 0}) == [("A", 0, 21, 0.1, 0), ("A", 21, 42, 0.2, 0), ("A", 42, 63, 0.3, 0)]


def test_event_at_the_first_grade2_and_nothing_after_it():
    rows = visits("B", [0, 21, 42, 63, 84], [0, 1, 2, 1, 3], [0.1, 0.2, 0.3, 0.4, 0.5])
    assert intervals(rows, {"B": 0}) == [("B", 0, 21, 0.1, 0), ("B", 21, 42, 0.2, 1)]


def test_last_usable_value_carried_forward_and_intervals_before_the_first_dropped():
    rows = visits("C", [0, 21, 42, 63, 84], [0, 0, 0, 0, 2], [NA, 0.2, NA, NA, 0.5])
    assert intervals(rows, {"C": 0}) == [
        ("C", 21, 42, 0.2, 0),
        ("C", 42, 63, 0.2, 0),
        ("C", 63, 84, 0.2, 1),
    ]


def test_no_interval_after_an_event_that_came_before_the_first_usable_value():
    rows = visits("D", [0, 21, 42], [0, 2, 2], [NA, 0.2, 0.3])
    assert intervals(rows, {"D": 0}) == []


def test_days_from_the_subjects_origin_visits_before_it_and_other_subjects_left_out():
    rows = visits("E", [-7, 3, 24], [0, 0, 2], [0.9, 0.1, 0.2]) + visits("F", [0, 21], [0, 0], [0.1, 0.1])
    assert intervals(rows, {"E": 3}) == [("E", 0, 21, 0.1, 1)]
