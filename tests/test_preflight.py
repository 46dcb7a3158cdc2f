"""Checks that run when the workflow parses its config: each bad entry is refused naming it."""

import pandas as pd
import pytest
import yaml

from ire1seq.errors import InputError
from ire1seq.preflight import check_config
from ire1seq.schemas import validate_config
from ire1seq.sheets import near_misses, select_samples

from conftest import DEMO_CONFIG, REPO

SCHEMA = REPO / "workflow/schemas/config.schema.yaml"


def sheet():
    rows = [
        ("m1", "mouse", "bulk", "vehicle", "b1"), ("m2", "mouse", "bulk", "vehicle", "b1"),
        ("m3", "mouse", "bulk", "paclitaxel", "b2"), ("m4", "mouse", "bulk", "paclitaxel", "b2"),
        ("m5", "mouse", "bulk", "paclitaxle", "b2"), ("h1", "human", "bulk", "paclitaxel", ""),
        ("c1", "mouse", "sc", "vehicle", "b1"), ("c2", "mouse", "sc", "paclitaxel", "b2"),
    ]  # fmt: skip
    table = pd.DataFrame(rows, columns=["sample", "organism", "assay", "treatment", "batch"])
    return table.set_index("sample", drop=False)


def config(**changes):
    base = {
        "de": {"designs": {"d": {"subset": {"organism": "mouse", "assay": "bulk", "treatment": ["vehicle", "paclitaxel"]},
                                 "formula": "~ treatment", "levels": {"treatment": "vehicle"},
                                 "contrasts": {"ptx": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}}}}},
        "sc": {"datasets": {"drg": {"subset": {"organism": "mouse", "assay": "sc"}}}},
        "plots": {"xbp1_reads": ["m1"]},
        "mode": "standard",
        "quantifier": "star",
        "genomes": {organism: {"fasta": str(REPO / f"resources/demo/reference/{organism}.fa"),
                               "gtf": str(REPO / f"resources/demo/reference/{organism}.gtf")}
                    for organism in ("human", "mouse")},
    }  # fmt: skip
    for path, value in changes.items():
        node = base
        *keys, last = path.split("__")
        for key in keys:
            node = node[key]
        node[last] = value
    return base


def test_a_good_config_passes():
    check_config(config(), sheet(), "samples.tsv")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"de__designs__d__formula": "~ treatment +"}, "design d: formula '~ treatment \\+' cannot be parsed"),
        ({"de__designs__d__formula": "~ dose"}, "uses dose, which is not a column of samples.tsv"),
        ({"de__designs__d__subset": {"tisue": "DRG"}}, "design d: subset column 'tisue' is not a column"),
        ({"de__designs__d__subset": {"treatment": "none"}}, "design d: no sample of samples.tsv matches"),
        ({"de__designs__d__contrasts": {"ptx": {"variable": "treatment", "test": "paclitaxle2", "base": "vehicle"}}},
         "contrast ptx: no sample with treatment=paclitaxle2"),
        ({"de__designs__d__levels": {"batch": "b1"}}, "levels names batch, not a variable"),
        ({"de__designs__d__subset": {"treatment": ["vehicle", "paclitaxel"]}}, "mixes organisms human, mouse"),
        ({"de__designs__d__formula": "~ batch + treatment"}, "is not full rank.*batch and treatment are confounded"),
        ({"sc__datasets__drg__subset": {"organism": "mouse"}}, "also selects non-single-cell samples"),
        ({"sc__datasets__drg__subset": {"assay": "sc", "lane": "L1"}}, "sc.datasets.drg: subset column 'lane'"),
        ({"plots__xbp1_reads": ["m9"]}, "plots.xbp1_reads names m9"),
        ({"genomes__mouse__fasta": "missing.fa"}, "genomes.mouse.fasta: file missing.fa does not exist"),
        ({"genomes__mouse__fasta": str(REPO / "resources/demo/reference/mouse.gtf")}, "does not start with '>'"),
        ({"genomes__human__gtf": str(REPO / "resources/demo/reference/human.fa")}, "9 tab-separated columns"),
        ({"mode": "laptop"}, "genomes.human.transcripts is not set"),
    ],
)  # fmt: skip
def test_a_bad_entry_is_refused_naming_it(change, message):
    with pytest.raises(InputError, match=message):
        check_config(config(**change), sheet(), "samples.tsv")


def test_near_misses_are_typos_in_free_text_columns_only():
    subset = {"organism": "mouse", "assay": "bulk", "treatment": ["vehicle", "paclitaxel"]}
    assert near_misses(sheet(), subset, sheet="s.tsv", what="d") == {"m5": "treatment=paclitaxle"}
    assert list(select_samples(sheet(), subset, sheet="s.tsv", what="d").index) == ["m1", "m2", "m3", "m4"]


def test_config_errors_name_the_key_and_what_is_allowed():
    shipped = yaml.safe_load((REPO / DEMO_CONFIG / "config.yaml").read_text())
    for path, value, expected in [
        (("xbp1", "min_mapq"), "ten", "key 'xbp1.min_mapq': 'ten' is not allowed .*allowed: type integer, ≥ 0"),
        (("de", "alpha"), 5, "key 'de.alpha': 5 .*allowed: type number, > 0, < 1"),
        (("mode",), "cloud", "key 'mode': 'cloud' .*allowed: one of standard, laptop"),
        (("typo_key",), 1, "top level: unknown key\\(s\\) 'typo_key'; allowed: samples, units"),
    ]:
        bad = yaml.safe_load(yaml.safe_dump(shipped))
        node = bad
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
        with pytest.raises(InputError, match=f"config my.yaml, {expected}") as caught:
            validate_config(bad, SCHEMA, ["my.yaml"])
        assert len(str(caught.value)) < 400  # one message, never the schema
