"""Reading the clinical sheet, the patient samples and their readouts, with errors that name the line.

Row-level rules (types, ranges, required columns) live in workflow/schemas/clinical.schema.yaml so
Snakemake and the command line apply the same ones; this module adds the checks that span rows or
files. Line numbers are 1-based lines of the file (line 1 is the header).
"""

import re
from functools import lru_cache

import jsonschema
import pandas as pd
import yaml

from ire1seq.clinical import PATIENT_BLOOD
from ire1seq.data import SCHEMAS
from ire1seq.errors import InputError
from ire1seq.io import read_tsv

SCHEMA = SCHEMAS / "clinical.schema.yaml"
ID_COLUMNS = {"subject": str, "visit": str, "sample": str}
# What association.tsv holds: the models of each timepoint (ire1seq.clinical.association).
PATIENT_MODELS = ("logistic", "auc", "spearman_grade", "spearman_cipn20", "cox", "cox_dose")
ANALYSES = {"baseline": PATIENT_MODELS, "change": PATIENT_MODELS, "longitudinal": ("cox_tv",)}
DEFAULT_PRIMARY = {"readout": None, "timepoint": "longitudinal", "model": "cox_tv"}
PRIMARY_READOUTS = ("molecular_fraction", "fraction_spliced")  # the default, in order of preference


@lru_cache(maxsize=1)
def _row_validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(yaml.safe_load(SCHEMA.read_text()))


def _line(index) -> int:
    """File line of a row read with a one-line header (pandas index 0 is line 2)."""
    return int(index) + 2


def _schema_problem(err: jsonschema.ValidationError) -> str:
    """Say in words what a jsonschema error means for one cell."""
    rule, value = err.validator, err.instance
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if rule == "required":
        return "is empty; every row needs it"
    if rule in ("minimum", "maximum", "exclusiveMinimum"):
        low = err.schema.get("minimum", err.schema.get("exclusiveMinimum"))
        high = err.schema.get("maximum")
        span = f"{low}–{high}" if high is not None else f"above {low}"
        return f"has {value!r}, outside the allowed range {span}"
    if rule == "type":
        return f"has {value!r}, which is not a{'n' if err.validator_value == 'integer' else ''} {err.validator_value}"
    if rule == "enum":
        return f"has {value!r}; allowed values are {', '.join(map(str, err.validator_value))}"
    return f"has {value!r}: {err.message}"


def read_clinical(path, covariates=()) -> pd.DataFrame:
    """Read clinical.tsv and check it row by row (schema) and across rows; return it unchanged."""
    clinical = read_tsv(path, what="clinical table", dtype=ID_COLUMNS)
    schema = _row_validator().schema
    missing = [c for c in [*schema["required"], *covariates] if c not in clinical.columns]
    if missing:
        role = (
            "a required column"
            if missing[0] in schema["required"]
            else "a covariate named in config clinical.covariates (or --covariates)"
        )
        raise InputError(
            f"clinical table {path}, line 1 (header): column '{missing[0]}' is missing; it is {role}. "
            f"Add the column (one value per subject × visit) or remove it from the config."
        )
    for index, row in zip(clinical.index, _numbers_where_possible(clinical, schema).to_dict("records")):
        record = {k: v for k, v in row.items() if not pd.isna(v)}
        err = min(_row_validator().iter_errors(record), key=lambda e: list(e.path), default=None)
        if err is not None:
            column = err.path[0] if err.path else _missing_property(err)
            raise InputError(
                f"clinical table {path}, line {_line(index)} (subject {row['subject']}, visit "
                f"{row['visit']}), column '{column}' {_schema_problem(err)}. Correct that cell."
            )
    _check_unique_visits(clinical, path)
    _check_dose_never_decreases(clinical, path)
    return clinical


def _numbers_where_possible(clinical: pd.DataFrame, schema: dict) -> pd.DataFrame:
    """Numeric schema columns as numbers, cell by cell, so one typo ('two') is reported on its own line."""
    numeric = {name for name, rule in schema["properties"].items() if rule.get("type") in ("number", "integer")}
    patterns = [re.compile(p) for p in schema["patternProperties"]]
    cells = clinical.copy()
    for column in cells.columns:
        if cells[column].dtype == object and (column in numeric or any(p.match(column) for p in patterns)):
            as_number = pd.to_numeric(cells[column], errors="coerce")
            cells[column] = as_number.astype(object).where(as_number.notna() | cells[column].isna(), cells[column])
    return cells


def _missing_property(err: jsonschema.ValidationError) -> str:
    return next(name for name in err.validator_value if name not in err.instance)


def _check_unique_visits(clinical: pd.DataFrame, path) -> None:
    dup = clinical.duplicated(["subject", "visit"], keep="first")
    if dup.any():
        index = dup.idxmax()
        subject, visit = clinical.loc[index, ["subject", "visit"]]
        first = clinical.index[(clinical.subject == subject) & (clinical.visit == visit)][0]
        raise InputError(
            f"clinical table {path}, line {_line(index)}, columns 'subject' and 'visit': subject "
            f"{subject} visit {visit} already appears on line {_line(first)}. Each subject × visit "
            f"must be one row; merge or relabel the duplicate."
        )


def _check_dose_never_decreases(clinical: pd.DataFrame, path) -> None:
    ordered = clinical.sort_values(["subject", "day"], kind="stable")
    drop = ordered.groupby("subject", sort=False)["cum_dose_mg_m2"].diff() < 0
    if drop.any():
        index = drop.idxmax()
        row = clinical.loc[index]
        raise InputError(
            f"clinical table {path}, line {_line(index)} (subject {row.subject}, visit {row.visit}, "
            f"day {row.day:g}), column 'cum_dose_mg_m2': {row.cum_dose_mg_m2:g} is lower than at an "
            f"earlier visit of the same subject. Cumulative dose never decreases; check the dose or the day."
        )


def read_patient_samples(path, sample_filter: dict) -> pd.DataFrame:
    """The rows of samples.tsv that are patient blood (all columns equal sample_filter's values)."""
    samples = read_tsv(path, what="sample sheet", dtype=ID_COLUMNS)
    for column in ["sample", "subject", "visit", *sample_filter]:
        if column not in samples.columns:
            raise InputError(
                f"sample sheet {path}, line 1 (header): column '{column}' is missing; the clinical "
                f"step needs it to pick patient samples (filter {sample_filter}) and match them to visits."
            )
    keep = pd.Series(True, index=samples.index)
    for column, value in sample_filter.items():
        keep &= samples[column].astype(str) == str(value)
    patients = samples[keep]
    if patients.empty:
        raise InputError(
            f"sample sheet {path}: no sample has {sample_filter}; set config clinical.samples "
            f"(or --sample-filter) to the values that mark patient blood samples."
        )
    for column in ("subject", "visit"):
        empty = patients[column].isna()
        if empty.any():
            index = empty.idxmax()
            raise InputError(
                f"sample sheet {path}, line {_line(index)} (sample {patients.loc[index, 'sample']}), "
                f"column '{column}' is empty, but the sample matches {sample_filter}. Give its "
                f"{column} so it can be joined to clinical.tsv, or change the filter."
            )
    dup = patients.duplicated(["subject", "visit"])
    if dup.any():
        index = dup.idxmax()
        raise InputError(
            f"sample sheet {path}, line {_line(index)} (sample {patients.loc[index, 'sample']}), "
            f"columns 'subject' and 'visit': another patient sample already has subject "
            f"{patients.loc[index, 'subject']} visit {patients.loc[index, 'visit']}. One sample per "
            f"subject × visit; relabel the visit or narrow the filter."
        )
    return patients


def check_visit_labels(samples: pd.DataFrame, clinical: pd.DataFrame, samples_path, clinical_path) -> None:
    """Every visit label used by a patient sample must exist in clinical.tsv (typos otherwise vanish)."""
    unknown = ~samples["visit"].isin(set(clinical["visit"]))
    if unknown.any():
        index = unknown.idxmax()
        raise InputError(
            f"sample sheet {samples_path}, line {_line(index)} (sample {samples.loc[index, 'sample']}), "
            f"column 'visit': label {samples.loc[index, 'visit']!r} never appears in the visit column "
            f"of {clinical_path} (labels there: {', '.join(sorted(set(clinical['visit'])))}). Use the same labels in both sheets."
        )


def check_visit_in_clinical(visit: str, clinical: pd.DataFrame, key: str, clinical_path) -> None:
    """A visit named in the config must exist in clinical.tsv."""
    if visit not in set(clinical["visit"]):
        raise InputError(
            f"config clinical.{key} is {visit!r}, but the visit column of {clinical_path} has only "
            f"{', '.join(sorted(set(clinical['visit'])))}. Set it to one of these labels."
        )


def _is_readout(column: str) -> bool:
    """Not the id, a confidence bound, a status flag (an all-empty status column reads as numeric) or
    a blood composition estimate (a covariate of the readouts, clinical.sample_covariates)."""
    bound = column.startswith("ci_") or column.endswith(("ci_low", "ci_high"))
    return column != "sample" and not bound and not column.endswith("status") and not column.startswith("composition_")


def read_scores(path, readouts=None, sample_covariates=()) -> tuple[pd.DataFrame, list[str]]:
    """Per-sample readouts and the names of the columns to test (default: every numeric readout but
    the sample covariates), with the sample covariates checked to be numeric columns."""
    scores = read_tsv(path, what="readout table", dtype={"sample": str})
    if "sample" not in scores.columns:
        raise InputError(f"readout table {path}, line 1 (header): column 'sample' is missing; add it.")
    dup = scores["sample"].duplicated()
    if dup.any():
        index = dup.idxmax()
        raise InputError(
            f"readout table {path}, line {_line(index)}, column 'sample': sample "
            f"{scores.loc[index, 'sample']} appears twice; keep one row per sample."
        )
    if readouts is None:
        readouts = [
            c
            for c in scores.columns
            if _is_readout(c) and c not in sample_covariates and pd.api.types.is_numeric_dtype(scores[c])
        ]
    for names, key in (
        (readouts, "clinical.readouts (or --readouts)"),
        (sample_covariates, "clinical.sample_covariates (or --sample-covariates)"),
    ):
        for name in names:
            if name not in scores.columns or not pd.api.types.is_numeric_dtype(scores[name]):
                problem = "is missing" if name not in scores.columns else "is not numeric"
                raise InputError(
                    f"readout table {path}, line 1 (header): column '{name}' named in config {key} {problem}. "
                    f"Name numeric columns of this table (have: {', '.join(scores.columns)})."
                )
    if not readouts:
        raise InputError(f"readout table {path} has no numeric readout column besides sample, CI and status.")
    both = sorted(set(readouts) & set(sample_covariates))
    if both:
        raise InputError(
            f"config clinical.readouts and clinical.sample_covariates both name {', '.join(both)}; a column "
            "is either tested or adjusted for. Remove it from one of them."
        )
    return scores, list(readouts)


def check_visit_order(clinical: pd.DataFrame, labels, path) -> None:
    """Samples are placed in time by their visit's day, so each subject's visits must have distinct
    days, and the visit labels `labels` (those with samples, baseline) the same day order in every subject."""
    same_day = clinical.duplicated(["subject", "day"])
    if same_day.any():
        second = same_day.idxmax()
        row = clinical.loc[second]
        first = clinical.index[(clinical["subject"] == row.subject) & (clinical["day"] == row.day)][0]
        raise InputError(
            f"clinical table {path}, line {_line(second)} (subject {row.subject}, visit {row.visit}), "
            f"column 'day': day {row.day:g} is also the day of visit {clinical.loc[first, 'visit']} on line "
            f"{_line(first)}. Each assessment of a subject needs its own day: correct the day, or merge "
            f"the two rows into one visit."
        )
    rows = clinical[clinical["visit"].isin(set(labels))]
    median_day = rows.groupby("visit")["day"].median()
    ordered = rows.assign(rank=rows["visit"].map(median_day.rank(method="first")))
    ordered = ordered.sort_values(["subject", "day"], kind="stable")
    out_of_order = ordered.groupby("subject", sort=False)["rank"].diff() < 0
    if out_of_order.any():
        index = out_of_order.idxmax()
        row = clinical.loc[index]
        before = ordered.iloc[ordered.index.get_loc(index) - 1]
        raise InputError(
            f"clinical table {path}, line {_line(index)} (subject {row.subject}, visit {row.visit}), "
            f"column 'day': day {row.day:g} puts {row.visit} after {before.visit} (day {before.day:g}, line "
            f"{_line(before.name)}), but other subjects have {row.visit} first (median days: {row.visit} "
            f"{median_day[row.visit]:g}, {before.visit} {median_day[before.visit]:g}). Samples are ordered "
            f"in time by their visit's day: correct the day or the visit label."
        )


def check_primary(primary: dict, readouts=None, *, source: str = "config clinical.readouts") -> None:
    """config clinical.primary names a timepoint, a model that timepoint has, and (if the readouts
    tested are known, from `source`) one of them."""
    timepoint, model, readout = primary["timepoint"], primary["model"], primary.get("readout")
    if timepoint not in ANALYSES or model not in ANALYSES[timepoint]:
        allowed = "; ".join(f"{t}: {', '.join(ms)}" for t, ms in ANALYSES.items())
        raise InputError(
            f"config clinical.primary has timepoint {timepoint!r} and model {model!r}, which "
            f"association.tsv does not hold. Choose a timepoint and one of its models ({allowed})."
        )
    if readout is not None and readouts is not None and readout not in readouts:
        raise InputError(
            f"config clinical.primary.readout is {readout!r}, which is not among the readouts tested "
            f"({source}: {', '.join(readouts)}). Name one of them, or add it to clinical.readouts."
        )


def resolve_primary(primary: dict | None, readouts, scores_path) -> dict:
    """The primary endpoint with its readout filled in: the config's, else the molecular XBP1 fraction
    when the readout table has it, else fraction_spliced."""
    primary = {**DEFAULT_PRIMARY, **(primary or {})}
    if primary["readout"] is None:
        default = next((r for r in PRIMARY_READOUTS if r in readouts), None)
        if default is None:
            raise InputError(
                f"config clinical.primary.readout is not set and none of {', '.join(PRIMARY_READOUTS)} is "
                f"among the readouts tested from {scores_path} ({', '.join(readouts)}). Set "
                f"clinical.primary.readout to the readout the study is designed around."
            )
        primary["readout"] = default
    check_primary(primary, readouts, source=f"clinical.readouts, or the numeric columns of {scores_path}")
    return primary


def read_sheets(
    clinical_path,
    samples_path,
    *,
    covariates=(),
    sample_filter: dict = PATIENT_BLOOD,
    baseline_visit: str = "baseline",
    on_treatment_visit: str | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clinical sheet and the patient samples, checked on their own and against each other."""
    clinical = read_clinical(clinical_path, covariates)
    samples = read_patient_samples(samples_path, sample_filter)
    check_visit_labels(samples, clinical, samples_path, clinical_path)
    check_visit_in_clinical(baseline_visit, clinical, "baseline_visit", clinical_path)
    if on_treatment_visit is not None:
        check_visit_in_clinical(on_treatment_visit, clinical, "on_treatment_visit", clinical_path)
    labels = {*samples["visit"], baseline_visit, *([on_treatment_visit] if on_treatment_visit else [])}
    check_visit_order(clinical, labels, clinical_path)
    return clinical, samples


def check_config(config: dict) -> None:
    """Every check of the clinical step that needs no result of the workflow, run when the workflow
    is parsed (workflow/rules/common.smk), so a mistake stops the run before its first job."""
    settings = config["clinical"]
    check_primary({**DEFAULT_PRIMARY, **settings["primary"]}, settings["readouts"])
    config_sheets(config)


def config_sheets(config: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The clinical sheet and the patient samples a config names, checked (read_sheets)."""
    settings = config["clinical"]
    return read_sheets(
        config["clinical_table"],
        config["samples"],
        covariates=settings["covariates"],
        sample_filter=settings["samples"],
        baseline_visit=settings["baseline_visit"],
        on_treatment_visit=settings["on_treatment_visit"],
    )
