"""`ire1seq check` on the demo and on broken copies of its config: summary, or the problem named."""

import yaml

from ire1seq.cli import main

from conftest import DEMO_CONFIG, REPO

DEMO_CONFIG_FILE = REPO / DEMO_CONFIG / "config.yaml"


def test_demo_summary(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["check", "--configfile", str(DEMO_CONFIG_FILE)]) == 0
    out = capsys.readouterr().out
    assert "no problem found" in out
    assert "  mouse DRG_macrophage bulk: 24" in out
    assert "    paclitaxel_vs_vehicle_WT: treatment=paclitaxel 8 vs treatment=vehicle 8 (estimable)" in out
    assert "single-cell dataset drg: 4 samples" in out
    assert "genome human (resources/demo/reference/human.fa, 0.3 Mb): XBP1 intron at 22:" in out
    assert "the STAR index needs about 1.0 GB" in out
    assert (
        "clinical (resources/demo/config/clinical.tsv): 30 patients; 30 matched to 115 blood samples "
        "(baseline 30, cycle1 30, cycle2 27, cycle3 28); on-treatment visit cycle1" in out
    )
    assert "  unmatched: none\n  left out of every outcome model: 2 grade >= 2 at baseline" in out


def test_clinical_patients_unmatched_are_counted(tmp_path, capsys, monkeypatch):
    """A patient dropped from the clinical sheet: its 4 samples are counted as unmatched."""
    monkeypatch.chdir(REPO)
    clinical = (REPO / DEMO_CONFIG / "clinical.tsv").read_text().splitlines(keepends=True)
    (tmp_path / "clinical.tsv").write_text("".join(line for line in clinical if not line.startswith("P05\t")))
    config = yaml.safe_load(DEMO_CONFIG_FILE.read_text())
    config["clinical_table"] = str(tmp_path / "clinical.tsv")
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    assert main(["check", "--configfile", str(tmp_path / "config.yaml"), "--no-site"]) == 0
    out = capsys.readouterr().out
    assert "29 patients; 29 matched to 111 blood samples" in out
    assert "  unmatched: 4 in sample sheet; subject absent from the clinical table" in out
    del config["clinical_table"]
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(config))
    assert main(["check", "--configfile", str(tmp_path / "config.yaml"), "--no-site"]) == 0
    assert "clinical: no clinical_table in the config" in capsys.readouterr().out


def test_contrast_level_without_samples_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    config = yaml.safe_load(DEMO_CONFIG_FILE.read_text())
    config["de"]["designs"]["drg_genotype"]["contrasts"]["paclitaxel_vs_vehicle_WT"]["test"] = "paclitaxle"
    broken = tmp_path / "config.yaml"
    broken.write_text(yaml.safe_dump(config))
    assert main(["check", "--configfile", str(broken), "--no-site"]) == 2
    err = capsys.readouterr().err
    assert "design drg_genotype, contrast paclitaxel_vs_vehicle_WT: no sample with treatment=paclitaxle" in err
    assert "Traceback" not in err


def test_missing_or_unparsable_config(tmp_path, capsys):
    assert main(["check", "--configfile", str(tmp_path / "absent.yaml")]) == 2
    (tmp_path / "bad.yaml").write_text("samples: [unclosed\n")
    assert main(["check", "--configfile", str(tmp_path / "bad.yaml")]) == 2
    err = capsys.readouterr().err
    assert "absent.yaml does not exist" in err and "bad.yaml is not valid YAML" in err
