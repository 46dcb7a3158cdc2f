"""From a design in the config to the sample table, model matrix and contrast vectors pydeseq2 needs.

A design is a dict (the `de: designs: NAME:` config entry): `subset` {column: value | [values]},
`formula` (formulaic, e.g. "~ batch + genotype * treatment"), `levels` {variable: base level}
and `contrasts` {name: spec}. A contrast spec is one of
`{variable, test, base}` (test vs base, other variables at their base level),
`{interaction: {variable: level, ...}}` (difference of differences against the base levels), or
`{coef: <design-matrix column>}`. Every design variable is categorical. `control_genes` (gene
symbols, from config `de.control_genes`) restrict size-factor estimation to genes assumed unchanged,
as DESeq2's controlGenes do.
"""

import itertools
import logging
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from formulaic import Formula, model_matrix
from formulaic.errors import FormulaicError

from ire1seq.errors import InputError
from ire1seq.sheets import select_samples

log = logging.getLogger(__name__)


@dataclass
class Design:
    name: str
    formula: str
    subset: dict = field(default_factory=dict)
    levels: dict = field(default_factory=dict)
    contrasts: dict = field(default_factory=dict)
    control_genes: list = field(default_factory=list)

    @classmethod
    def from_config(cls, name: str, spec: dict) -> "Design":
        return cls(
            name=name,
            formula=spec["formula"],
            subset=dict(spec.get("subset") or {}),
            levels={k: str(v) for k, v in (spec.get("levels") or {}).items()},
            contrasts=dict(spec.get("contrasts") or {}),
            control_genes=list(spec.get("control_genes") or []),
        )

    @property
    def variables(self) -> list[str]:
        try:
            return sorted(str(v) for v in Formula(self.formula).required_variables)
        except FormulaicError as err:
            raise InputError(
                f"design {self.name}: formula '{self.formula}' cannot be parsed ({str(err).splitlines()[0]}); "
                "write it like '~ batch + genotype * treatment' using samples.tsv column names."
            ) from None


def contrast_designs(de_config: dict) -> dict[str, str]:
    """contrast name → design name; contrast names must be unique across designs (they name folders)."""
    owner = {}
    for design, spec in de_config.get("designs", {}).items():
        for contrast in spec.get("contrasts", {}):
            if contrast in owner:
                raise InputError(
                    f"config de.designs: contrast name '{contrast}' is used by designs {owner[contrast]} "
                    f"and {design}; give each contrast its own name (it names results/de/<contrast>/)."
                )
            owner[contrast] = design
    return owner


def fit_spec(de_config: dict, design: str) -> dict:
    """A design's config without its contrasts, so adding a contrast does not refit the design."""
    return {k: v for k, v in de_config["designs"][design].items() if k != "contrasts"}


def contrast_spec(de_config: dict, contrast: str) -> dict:
    return de_config["designs"][contrast_designs(de_config)[contrast]]["contrasts"][contrast]


def targets(de_config: dict) -> list[str]:
    """Every DE output the workflow makes for this config (for rule all)."""
    paths = ["results/scores/samples.tsv"]
    for design in de_config.get("designs", {}):
        paths += [f"results/de/{design}/{f}" for f in ("normalized_counts.tsv", "vst.tsv")]
        paths += [f"results/plots/de/{design}.{p}.png" for p in ("pca", "heatmap", "scores")]
    for contrast in contrast_designs(de_config):
        paths += [f"results/de/{contrast}/{f}" for f in ("results.tsv", "genesets.tsv")]
        paths.append(f"results/plots/de/{contrast}.volcano.png")
    return paths


def design_samples(samples: pd.DataFrame, design: Design, sheet="samples.tsv") -> pd.DataFrame:
    """The design's samples with its variables as categoricals, base level first."""
    chosen = select_samples(samples, design.subset, sheet=sheet, what=f"design {design.name}")
    missing = [v for v in design.variables if v not in chosen.columns]
    if missing:
        raise InputError(
            f"design {design.name}: formula '{design.formula}' uses {', '.join(missing)}, which "
            f"{'is' if len(missing) == 1 else 'are'} not a column of {sheet} (columns: "
            f"{', '.join(samples.columns)}); add the column or correct the formula."
        )
    meta = chosen[design.variables].copy()
    for variable in design.variables:
        meta[variable] = _categorical(meta[variable], variable, design, sheet)
    unknown = sorted(set(design.levels) - set(design.variables))
    if unknown:
        raise InputError(
            f"design {design.name}: levels names {', '.join(unknown)}, not a variable of formula "
            f"'{design.formula}'; remove it from levels or add it to the formula."
        )
    return meta


def _categorical(values: pd.Series, variable: str, design: Design, sheet) -> pd.Categorical:
    values = values.astype("string")
    if values.isna().any():
        sample = values.index[values.isna()][0]
        raise InputError(
            f"design {design.name}: sample {sample} has no value in column '{variable}' of {sheet}; "
            "fill it in or leave the sample out of the design's subset."
        )
    present = sorted(values.unique())
    base = design.levels.get(variable)
    if base is None:
        base = present[0]
        log.info("design %s: base level of %s not given, using %s (first alphabetically)", design.name, variable, base)
    elif base not in present:
        raise InputError(
            f"design {design.name}: base level '{base}' of '{variable}' does not occur among the "
            f"design's samples in {sheet} (levels there: {', '.join(present)}); correct levels.{variable}."
        )
    return pd.Categorical(values, categories=[base] + [v for v in present if v != base])


def check_design(samples: pd.DataFrame, design: Design, sheet="samples.tsv") -> tuple[pd.DataFrame, str | None]:
    """(the design's sample table, its organism), after every check that needs no counts: subset,
    variables, levels, rank, each contrast and one organism. The workflow runs it when it parses the
    config, so `snakemake -n` reports a bad design before any job runs."""
    meta = design_samples(samples, design, sheet)
    matrix = design_matrix(meta, design)
    for name, spec in design.contrasts.items():
        contrast_vector(matrix, meta, design, name, spec)
    return meta, design_organism(samples.loc[meta.index], design)


def design_organism(samples: pd.DataFrame, design: Design):
    if "organism" not in samples.columns:
        return None
    organisms = sorted(samples["organism"].dropna().unique())
    if len(organisms) > 1:
        raise InputError(
            f"design {design.name} mixes organisms {', '.join(organisms)}; genes differ between them, so "
            "add organism to the design's subset (one design per organism)."
        )
    return organisms[0] if organisms else None


def design_matrix(meta: pd.DataFrame, design: Design) -> pd.DataFrame:
    """The model matrix, refused when not full rank, naming the variables that are confounded."""
    matrix = model_matrix(design.formula, meta)
    _, singular, vt = np.linalg.svd(matrix.to_numpy(dtype=float), full_matrices=True)
    tol = singular.max() * max(matrix.shape) * np.finfo(float).eps
    null = vt[int((singular > tol).sum()) :]
    if len(null):
        columns = matrix.columns[(np.abs(null) > 1e-8).any(axis=0)]
        variables = sorted(
            set(
                itertools.chain.from_iterable(
                    map(str, matrix.model_spec.term_variables[term])
                    for term, cols in matrix.model_spec.term_slices.items()
                    if set(matrix.columns[cols]) & set(columns)
                )
            )
        )
        raise InputError(
            f"design {design.name}: formula '{design.formula}' is not full rank on its "
            f"{len(meta)} samples: columns {', '.join(columns)} are linear combinations of one another, so "
            f"{' and '.join(variables) or 'these terms'} are confounded (e.g. one level only occurs "
            "together with another variable's level, or a level combination has no samples); drop or "
            "merge one of these variables, or add samples that separate them."
        )
    return matrix


def contrast_vector(matrix, meta: pd.DataFrame, design: Design, name: str, spec: dict):
    """(vector over the design columns, the single column it equals or None) for a contrast spec."""
    from formulaic_contrasts import FormulaicContrasts

    model = FormulaicContrasts(meta, design.formula)
    if "coef" in spec:
        if spec["coef"] not in matrix.columns:
            raise InputError(
                f"design {design.name}, contrast {name}: coef '{spec['coef']}' is not a design column "
                f"(columns: {', '.join(matrix.columns)}); use one of these names."
            )
        vector = pd.Series(0.0, index=matrix.columns)
        vector[spec["coef"]] = 1.0
    elif "interaction" in spec:
        vector = _interaction(model, meta, design, name, {k: str(v) for k, v in spec["interaction"].items()})
    else:
        variable, test, base = spec["variable"], str(spec["test"]), str(spec["base"])
        _require_samples(meta, design, name, [{variable: test}, {variable: base}])
        vector = model.cond(**{variable: test}) - model.cond(**{variable: base})
    vector = vector.reindex(matrix.columns).to_numpy(dtype=float)
    single = np.flatnonzero(vector)
    coef = matrix.columns[single[0]] if len(single) == 1 and vector[single[0]] == 1 else None
    return vector, coef


def _interaction(model, meta, design, name, tested: dict) -> pd.Series:
    """Σ over the 2^k corners of (test|base) levels with sign (-1)^(number of base levels)."""
    if len(tested) < 2:
        raise InputError(
            f"design {design.name}, contrast {name}: an interaction needs two or more variables "
            f"(got {tested}); write e.g. interaction: {{genotype: KO, treatment: paclitaxel}}."
        )
    for variable in tested:
        _require_variable(meta, design, name, variable)
    corners = [
        dict(zip(tested, levels))
        for levels in itertools.product(
            *[(level, meta[variable].cat.categories[0]) for variable, level in tested.items()]
        )
    ]
    _require_samples(meta, design, name, corners)
    vector = 0
    for corner in corners:
        n_base = sum(corner[v] != tested[v] for v in tested)
        vector = vector + (-1) ** n_base * model.cond(**corner)
    return vector


def _require_variable(meta, design, name, variable) -> None:
    if variable not in meta.columns:
        raise InputError(
            f"design {design.name}, contrast {name}: '{variable}' is not a variable of formula "
            f"'{design.formula}'; add it to the formula or correct the contrast."
        )


def _require_samples(meta: pd.DataFrame, design: Design, name: str, groups: list[dict]) -> None:
    for group in groups:
        for variable in group:
            _require_variable(meta, design, name, variable)
        match = np.logical_and.reduce([meta[v].astype(str) == lvl for v, lvl in group.items()])
        if not match.any():
            where = ", ".join(f"{v}={lvl}" for v, lvl in group.items())
            raise InputError(
                f"design {design.name}, contrast {name}: no sample with {where} among the design's "
                f"{len(meta)} samples, so one side of the contrast is empty; check the level spelling "
                "in the contrast and the design's subset."
            )
