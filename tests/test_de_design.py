"""Design from config: subsets, base levels, full-rank check and contrast vectors (no fitting)."""

import numpy as np
import pytest

from ire1seq.de.design import Design, contrast_designs, contrast_vector, design_matrix, design_samples
from ire1seq.de.simulate import factorial_samples
from ire1seq.errors import InputError

FACTORIAL = {"genotype": ["KO", "WT"], "treatment": ["paclitaxel", "vehicle"]}


@pytest.fixture
def samples():
    table = factorial_samples(FACTORIAL, replicates=3)
    table["organism"] = "mouse"
    table["tissue"] = ["DRG_macrophage"] * 10 + ["DRG"] * 2
    return table.astype(str)


def design(**changes):
    spec = dict(
        name="drg",
        formula="~ batch + genotype * treatment",
        subset={"tissue": "DRG_macrophage"},
        levels={"genotype": "WT", "treatment": "vehicle"},
    )
    return Design(**(spec | changes))


def test_subset_and_base_levels_first(samples):
    meta = design_samples(samples, design())
    assert len(meta) == 10 and (samples.loc[meta.index, "tissue"] == "DRG_macrophage").all()
    assert list(meta["genotype"].cat.categories) == ["WT", "KO"]
    assert list(meta["treatment"].cat.categories) == ["vehicle", "paclitaxel"]
    assert meta["batch"].cat.categories[0] == "b1"  # not given: first alphabetically


def test_list_subset_values(samples):
    assert len(design_samples(samples, design(subset={"tissue": ["DRG", "DRG_macrophage"]}))) == 12


def test_interaction_vector_is_the_interaction_coefficient(samples):
    d = design()
    meta = design_samples(samples, d)
    matrix = design_matrix(meta, d)
    vector, coef = contrast_vector(
        matrix, meta, d, "ko", {"interaction": {"genotype": "KO", "treatment": "paclitaxel"}}
    )
    assert coef == "genotype[T.KO]:treatment[T.paclitaxel]"
    assert vector.tolist() == [0, 0, 0, 0, 1]


def test_simple_contrast_within_base_genotype_and_reversed(samples):
    d = design()
    meta = design_samples(samples, d)
    matrix = design_matrix(meta, d)
    forward, coef = contrast_vector(
        matrix, meta, d, "p", {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}
    )
    assert coef == "treatment[T.paclitaxel]"
    backward, coef = contrast_vector(
        matrix, meta, d, "v", {"variable": "treatment", "test": "vehicle", "base": "paclitaxel"}
    )
    assert coef is None and np.array_equal(backward, -forward)


def test_interaction_follows_the_configured_base_levels(samples):
    d = design(levels={"genotype": "KO", "treatment": "vehicle"})
    meta = design_samples(samples, d)
    matrix = design_matrix(meta, d)
    vector, coef = contrast_vector(
        matrix, meta, d, "wt", {"interaction": {"genotype": "WT", "treatment": "paclitaxel"}}
    )
    assert coef == "genotype[T.WT]:treatment[T.paclitaxel]"


def test_missing_design_variable_names_it(samples):
    with pytest.raises(InputError, match="inhibitor.*not a column"):
        design_samples(samples, design(formula="~ inhibitor + treatment"))


def test_absent_base_level_names_level_and_variable(samples):
    with pytest.raises(InputError, match="base level 'wildtype' of 'genotype'.*WT"):
        design_samples(samples, design(levels={"genotype": "wildtype"}))


def test_contrast_side_without_samples(samples):
    d = design()
    meta = design_samples(samples, d)
    with pytest.raises(InputError, match="no sample with treatment=cisplatin"):
        contrast_vector(
            design_matrix(meta, d), meta, d, "c", {"variable": "treatment", "test": "cisplatin", "base": "vehicle"}
        )


def test_interaction_cell_without_samples(samples):
    samples = samples[~((samples["genotype"] == "KO") & (samples["treatment"] == "paclitaxel"))]
    d = design(formula="~ genotype + treatment")
    meta = design_samples(samples, d)
    with pytest.raises(InputError, match="no sample with genotype=KO, treatment=paclitaxel"):
        contrast_vector(
            design_matrix(meta, d), meta, d, "ko", {"interaction": {"genotype": "KO", "treatment": "paclitaxel"}}
        )


def test_confounded_design_names_the_variables(samples):
    samples["batch"] = samples["genotype"].map({"WT": "run1", "KO": "run2"})
    d = design()
    with pytest.raises(InputError, match=r"not full rank.*batch and genotype are confounded"):
        design_matrix(design_samples(samples, d), d)


def test_missing_value_in_design_column_names_sample(samples):
    samples.loc["s004", "treatment"] = None
    with pytest.raises(InputError, match="sample s004 has no value in column 'treatment'"):
        design_samples(samples, design())


def test_contrast_names_unique_across_designs():
    config = {"designs": {"a": {"contrasts": {"x": {}}}, "b": {"contrasts": {"x": {}}}}}
    with pytest.raises(InputError, match="contrast name 'x' is used by designs a and b"):
        contrast_designs(config)


def test_unparseable_formula_is_one_clear_line(samples):
    with pytest.raises(InputError, match=r"formula '~ batch \+' cannot be parsed \([^\n]*\); write it like") as err:
        design_samples(samples, design(formula="~ batch +"))
    assert "\n" not in str(err.value)


def test_unknown_coef_lists_the_columns(samples):
    d = design()
    meta = design_samples(samples, d)
    with pytest.raises(InputError, match=r"coef 'treatment\[T.x\]' is not a design column.*genotype\[T.KO\]"):
        contrast_vector(design_matrix(meta, d), meta, d, "c", {"coef": "treatment[T.x]"})
