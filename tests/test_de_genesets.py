"""Gene-set files: the shipped sets are complete and sourced; bad user files are refused clearly."""

from pathlib import Path

import pandas as pd
import pytest

from ire1seq.de.genesets import load_genesets, sets_for
from ire1seq.errors import InputError

from conftest import logs_warning

SHIPPED = Path(__file__).parents[1] / "resources" / "genesets"


def test_shipped_sets_have_both_organisms_a_source_and_a_confidence():
    sets = load_genesets(SHIPPED)
    assert {"inflammatory", "xbp1s_targets", "ridd", "perk", "atf6"} <= set(sets["set"])
    assert (sets.groupby("set")["organism"].nunique() == 2).all()
    assert (sets["source"] != "").all() and sets["confidence"].isin(["V", "P", "U"]).all()
    assert (sets.loc[sets["set"] == "ridd", "direction"] == "down").all()
    human = sets["organism"] == "human"
    assert sets.loc[human, "gene"].str.upper().eq(sets.loc[human, "gene"]).all()
    assert not sets.loc[~human, "gene"].str.upper().eq(sets.loc[~human, "gene"]).any()
    prostanoid = sets[(sets["gene"].isin(["PTGS2", "Ptges"]))]
    assert (prostanoid["confidence"] == "V").all()


def test_optional_columns_default(tmp_path):
    (tmp_path / "mine.tsv").write_text("set\tgene\torganism\nmine\tAbc1\tmouse\n")
    sets = load_genesets(tmp_path)
    assert sets.iloc[0]["direction"] == "up" and sets.iloc[0]["source"] == ""


@pytest.mark.parametrize(
    "text, problem",
    [
        ("set\tgene\nmine\tAbc1\n", "lacks column.*organism"),
        ("set\tgene\torganism\tdirection\nmine\tAbc1\tmouse\tsideways\n", "line 2: .*direction='sideways'"),
    ],
)
def test_bad_user_file_named(tmp_path, text, problem):
    (tmp_path / "mine.tsv").write_text(text)
    with pytest.raises(InputError, match=problem):
        load_genesets(tmp_path)


def test_empty_folder_refused(tmp_path):
    with pytest.raises(InputError, match="no .tsv files"):
        load_genesets(tmp_path)


def test_set_without_present_genes_warns_with_its_name_and_others_kept():
    table = pd.DataFrame(
        {
            "set": ["a", "a", "b"],
            "gene": ["Tnf", "Il6", "Xyz"],
            "organism": "mouse",
            "direction": ["up", "up", "down"],
        }
    )
    with logs_warning("gene set b: none of its 1 mouse genes"):
        sets = sets_for(table, "mouse", ["Tnf", "Actb"], "test data")
    assert list(sets) == ["a"] and sets["a"].to_dict() == {"Tnf": 1}


REACTOME_CORE = "DNAJB9 DNAJB11 DNAJC3 EDEM1 HYOU1 PDIA6 SEC31A SERP1 SSR1 SYVN1 WFS1 KDELR3".split()


def test_every_shipped_row_names_its_source_and_confidence():
    sets = load_genesets(SHIPPED)
    assert (sets["source"].str.len() > 10).all(), sets[sets["source"].str.len() <= 10]
    assert sets["confidence"].isin(["V", "P", "U"]).all()
    assert not sets["source"].str.contains("domain-notes|/shared/").any()  # provenance, not a path


def test_controls_share_no_gene_with_the_xbp1s_targets():
    sets = load_genesets(SHIPPED)
    for organism, rows in sets.groupby("organism"):
        targets = set(rows.loc[rows["set"] == "xbp1s_targets", "gene"])
        controls = set(rows.loc[rows["set"].isin(["perk", "atf6"]), "gene"])
        assert targets and controls and not targets & controls, (organism, targets & controls)


def test_xbp1s_targets_are_the_reactome_core_and_ridd_the_cross_system_target():
    sets = load_genesets(SHIPPED)
    targets = sets[sets["set"] == "xbp1s_targets"]
    assert sorted(targets.loc[targets["organism"] == "human", "gene"]) == sorted(REACTOME_CORE)
    assert sorted(targets.loc[targets["organism"] == "mouse", "gene"]) == sorted(
        g[0] + g[1:].lower() for g in REACTOME_CORE
    )
    ridd = sets[sets["set"] == "ridd"]
    assert (
        set(ridd["gene"]) == {"BLOC1S1", "Bloc1s1"}
        and (ridd["direction"] == "down").all()
        and (ridd["confidence"] == "V").all()
    )
