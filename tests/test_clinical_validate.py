"""Bad clinical inputs: one clear InputError naming the file, the line and the column."""

import re

import pandas as pd
import pytest

from ire1seq.clinical.pipeline import build_tables
from ire1seq.clinical.simulate import simulate_cohort, write_cohort
from ire1seq.clinical.validate import check_config, read_scores, resolve_primary
from ire1seq.errors import InputError


@pytest.fixture
def cohort():
    return simulate_cohort(n=6, seed=5)


def run(cohort, directory, **options):
    paths = write_cohort(cohort, directory)
    return build_tables(paths["clinical"], paths["samples"], paths["scores"], bootstrap=100, **options)


def error_of(cohort, directory, **options) -> str:
    with pytest.raises(InputError) as caught:
        run(cohort, directory, **options)
    message = str(caught.value)
    assert "\n" not in message and "Traceback" not in message
    return message


def assert_names(message, file, line, column):
    assert file in message and f"line {line}" in message and f"'{column}'" in message, message


def set_cell(table: pd.DataFrame, row: int, column: str, value) -> None:
    table[column] = table[column].astype(object)
    table.loc[row, column] = value


def test_valid_cohort_passes(cohort, tmp_path):
    assert len(run(cohort, tmp_path)["patients"]) == 6


@pytest.mark.parametrize("grade", [5, -1, 1.5, "two"])
def test_grade_outside_0_to_4(cohort, tmp_path, grade):
    set_cell(cohort["clinical"], 7, "ctcae_sensory_grade", grade)
    assert_names(error_of(cohort, tmp_path), "clinical.tsv", 9, "ctcae_sensory_grade")


def test_empty_grade(cohort, tmp_path):
    set_cell(cohort["clinical"], 3, "ctcae_sensory_grade", None)
    message = error_of(cohort, tmp_path)
    assert_names(message, "clinical.tsv", 5, "ctcae_sensory_grade")
    assert "empty" in message


@pytest.mark.parametrize("answer", [0, 5])
def test_cipn20_item_outside_1_to_4(cohort, tmp_path, answer):
    set_cell(cohort["clinical"], 10, "cipn20_q42", answer)
    message = error_of(cohort, tmp_path)
    assert_names(message, "clinical.tsv", 12, "cipn20_q42")
    assert "1–4" in message


def test_duplicated_subject_visit(cohort, tmp_path):
    clinical = cohort["clinical"]
    cohort["clinical"] = pd.concat([clinical, clinical.iloc[[8]]], ignore_index=True)
    message = error_of(cohort, tmp_path)
    assert_names(message, "clinical.tsv", len(clinical) + 2, "visit")
    assert "line 10" in message  # where it first appears


def test_cumulative_dose_decreasing(cohort, tmp_path):
    set_cell(cohort["clinical"], 9, "cum_dose_mg_m2", 100.0)  # P02 cycle3 after 350 at cycle2
    assert_names(error_of(cohort, tmp_path), "clinical.tsv", 11, "cum_dose_mg_m2")


def test_covariate_missing_from_sheet(cohort, tmp_path):
    message = error_of(cohort, tmp_path, covariates=["age", "diabetes"])
    assert_names(message, "clinical.tsv", 1, "diabetes")
    assert "covariate" in message


def test_required_column_missing(cohort, tmp_path):
    cohort["clinical"] = cohort["clinical"].drop(columns="cum_dose_mg_m2")
    assert_names(error_of(cohort, tmp_path), "clinical.tsv", 1, "cum_dose_mg_m2")


def test_visit_in_samples_absent_from_clinical(cohort, tmp_path):
    set_cell(cohort["samples"], 3, "visit", "cycle_1")  # typo
    message = error_of(cohort, tmp_path)
    assert_names(message, "samples.tsv", 5, "visit")
    assert "cycle_1" in message


def test_patient_sample_without_visit(cohort, tmp_path):
    set_cell(cohort["samples"], 2, "visit", None)
    assert_names(error_of(cohort, tmp_path), "samples.tsv", 4, "visit")


def test_two_samples_for_one_subject_visit(cohort, tmp_path):
    set_cell(cohort["samples"], 1, "visit", "baseline")
    assert_names(error_of(cohort, tmp_path), "samples.tsv", 3, "visit")


def test_unknown_baseline_visit(cohort, tmp_path):
    assert "baseline_visit" in error_of(cohort, tmp_path, baseline_visit="screening")


def test_readout_named_in_config_missing(cohort, tmp_path):
    message = error_of(cohort, tmp_path, readouts=["fraction_spliced", "score_ridd"])
    assert re.search(r"scores\.tsv, line 1 .*'score_ridd'", message)


def test_no_sample_matches_filter(cohort, tmp_path):
    assert "assay" in error_of(cohort, tmp_path, sample_filter={"assay": "sc"})


def test_inputs_are_not_modified(cohort, tmp_path):
    paths = write_cohort(cohort, tmp_path)
    before = {name: open(path).read() for name, path in paths.items()}
    build_tables(paths["clinical"], paths["samples"], paths["scores"], bootstrap=100)
    assert before == {name: open(path).read() for name, path in paths.items()}


def test_default_readouts_skip_ids_bounds_and_status(tmp_path):
    scores = pd.DataFrame(
        {
            "sample": ["a", "b"],
            "fraction_spliced": [0.1, 0.2],
            "ci_low": [0.0, 0.1],
            "ci_high": [0.2, 0.3],
            "log2_spliced_ratio": [-3.0, -2.0],
            "score_ridd": [0.5, -0.5],
            "organism": ["human"] * 2,
            "xbp1_status": [None, None],
            "status": ["ok", "ok"],
            "molecular_fraction": [0.1, 0.3],
            "molecular_ci_low": [0.0, 0.2],
            "molecular_ci_high": [0.2, 0.4],
        }
    )
    scores.to_csv(tmp_path / "scores.tsv", sep="\t", index=False)
    readouts = read_scores(tmp_path / "scores.tsv")[1]
    assert readouts == ["fraction_spliced", "log2_spliced_ratio", "score_ridd", "molecular_fraction"]
    assert resolve_primary(None, readouts, "scores.tsv") == {
        "readout": "molecular_fraction",
        "timepoint": "longitudinal",
        "model": "cox_tv",
    }
    assert resolve_primary(None, readouts[:3], "scores.tsv")["readout"] == "fraction_spliced"


def test_two_visits_of_a_subject_on_the_same_day(cohort, tmp_path):
    set_cell(cohort["clinical"], 8, "day", 21)  # P02 cycle2 on the day of its cycle1 (line 9)
    message = error_of(cohort, tmp_path)
    assert_names(message, "clinical.tsv", 10, "day")
    assert "line 9" in message and "cycle1" in message


def test_visits_out_of_day_order_for_one_subject(cohort, tmp_path):
    set_cell(cohort["clinical"], 7, "day", 50)  # P02 cycle1 after its cycle2 (day 42, line 10)
    set_cell(cohort["clinical"], 7, "cum_dose_mg_m2", 350.0)  # and the dose consistent with that
    message = error_of(cohort, tmp_path)
    assert_names(message, "clinical.tsv", 10, "day")
    assert "cycle1" in message and "cycle2" in message and "correct the day or the visit label" in message


@pytest.mark.parametrize(
    "primary, names",
    [
        (
            {"readout": "fraction_spliced", "timepoint": "longitudinal", "model": "cox"},
            ["'cox'", "longitudinal: cox_tv"],
        ),
        (
            {"readout": "fraction_spliced", "timepoint": "week6", "model": "cox"},
            ["'week6'", "baseline: logistic"],
        ),
        (
            {"readout": "score_ridd", "timepoint": "baseline", "model": "cox"},
            ["'score_ridd'", "fraction_spliced"],
        ),
    ],
)
def test_primary_endpoint_that_does_not_exist(cohort, tmp_path, primary, names):
    message = error_of(cohort, tmp_path, primary=primary)
    assert "clinical.primary" in message and all(name in message for name in names), message


def test_primary_readout_absent_from_the_readouts_chosen(cohort, tmp_path):
    primary = {"readout": "fraction_spliced", "timepoint": "baseline", "model": "cox"}
    message = error_of(cohort, tmp_path, readouts=["score_noise"], primary=primary)
    assert "clinical.primary.readout" in message and "score_noise" in message


def test_xbp1_readouts_without_status(cohort, tmp_path):
    cohort["scores"] = cohort["scores"].drop(columns="xbp1_status")
    assert re.search(r"scores\.tsv, line 1 .*'xbp1_status'", error_of(cohort, tmp_path))


def config(paths, **clinical) -> dict:
    settings = {
        "baseline_visit": "baseline",
        "on_treatment_visit": None,
        "covariates": ["age"],
        "readouts": None,
        "samples": {"organism": "human", "assay": "bulk"},
        "primary": {"readout": None, "timepoint": "longitudinal", "model": "cox_tv"},
    }
    return {"clinical_table": paths["clinical"], "samples": paths["samples"], "clinical": settings | clinical}


def test_config_and_sheets_checked_before_the_workflow_runs(cohort, tmp_path):
    paths = write_cohort(cohort, tmp_path)
    check_config(config(paths))
    with pytest.raises(InputError, match="clinical.primary"):
        check_config(config(paths, primary={"timepoint": "change", "model": "cox_tv"}))
    with pytest.raises(InputError, match="clinical.primary.readout"):
        check_config(
            config(
                paths,
                readouts=["score_noise"],
                primary={"readout": "fraction_spliced", "timepoint": "baseline", "model": "auc"},
            )
        )
    set_cell(cohort["clinical"], 7, "day", 50)
    set_cell(cohort["clinical"], 7, "cum_dose_mg_m2", 350.0)
    with pytest.raises(InputError, match="line 9 .*cycle1 after cycle2"):
        check_config(config(write_cohort(cohort, tmp_path)))
