"""`ire1seq check` on the demo and on broken copies of its config: summary, or the problem named."""

import yaml
from conftest import REPO

from ire1seq.cli import main

DEMO_CONFIG = REPO / "config" / "config.yaml"


def test_demo_summary(capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    assert main(["check", "--configfile", str(DEMO_CONFIG)]) == 0
    out = capsys.readouterr().out
    assert "no problem found" in out
    assert "  mouse DRG_macrophage bulk: 24" in out
    assert "    paclitaxel_vs_vehicle_WT: treatment=paclitaxel 8 vs treatment=vehicle 8 (estimable)" in out
    assert "single-cell dataset drg: 4 samples" in out
    assert "genome human (resources/demo/reference/human.fa, 0.3 Mb): XBP1 intron at 22:" in out
    assert "the STAR index needs about 1.0 GB" in out


def test_contrast_level_without_samples_is_named(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(REPO)
    config = yaml.safe_load(DEMO_CONFIG.read_text())
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
