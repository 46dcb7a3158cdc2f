"""A catalogue of bad inputs, each tried the way a user would meet it.

Every case must end with a non-zero exit and one message that names the file and the row, column
or key and says what to fix; no traceback; every input byte-identical afterwards and nothing new
written beside the inputs. CLI cases run `ire1seq` in-process; config, sheet and design cases run
`snakemake -n` on a small copy of the demo (slow), so the message is the one a user sees before
any job starts.
"""

import gzip
import hashlib
import os
import re
import shlex
import shutil
from pathlib import Path

import pandas as pd
import pysam
import pytest
import xbp1_bams as fx
import yaml

from ire1seq.cli import main
from ire1seq.xbp1.locate import locate
from ire1seq.xbp1.site import write_site

from conftest import REPO, edit_sheet, reduced_demo, run_workflow

# --- the harness ------------------------------------------------------------------------------


def snapshot(folder: Path) -> dict:
    """path → sha256 of every file under `folder` (links followed)."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def assert_refused(code: int, err: str, message: str, before: dict, folder: Path) -> None:
    assert code != 0, "the bad input was accepted"
    assert "Traceback" not in err, err
    assert re.search(message, err), f"expected /{message}/ in:\n{err}"
    assert snapshot(folder) == before, "an input changed, or a file was written beside the inputs"


# --- inputs for the CLI cases -----------------------------------------------------------------


@pytest.fixture(scope="module")
def inputs(tmp_path_factory) -> Path:
    """A folder of small, valid inputs that the cases below misuse or damage copies of."""
    root = tmp_path_factory.mktemp("inputs")
    reference = fx.make_reference(root)
    pysam.faidx(str(reference))
    site = locate(reference, use_cache=False)
    write_site(site, root / "site.json")
    reads = [fx.spliced_read(site, f"s{i}", site.window[0], 30, 30) for i in range(3)]
    fx.write_bam(root / "sample.bam", site.contigs, reads)
    for name, kwargs in {"unsorted.bam": {"sort_order": "unsorted", "index": False},
                         "noindex.bam": {"index": False}}.items():  # fmt: skip
        fx.write_bam(root / name, site.contigs, reads, **kwargs)
    fx.write_bam(root / "sample.cram", site.contigs, reads, reference=reference)
    (root / "text.bam").write_text("@HD\tVN:1.6\tSO:coordinate\n")
    junction = fx.spliced_seq(site, site.union[0] - 30, site.union[1] + 30)
    fastq = "".join(f"@r{i}\n{junction}\n+\n{'I' * len(junction)}\n" for i in range(20))
    for name, text in {
        "R1.fastq.gz": fastq,
        "R2.fastq.gz": fastq,
        "short_R2.fastq.gz": fastq[: fastq.index("@r19")],
        "renamed_R2.fastq.gz": fastq.replace("@r3\n", "@q3\n"),
        "badqual_R1.fastq.gz": fastq.replace(f"\n{'I' * len(junction)}\n@r2", f"\n{'I' * 5}\n@r2"),
    }.items():
        with gzip.open(root / name, "wt") as out:
            out.write(text)
    (root / "truncated_R1.fastq.gz").write_bytes((root / "R1.fastq.gz").read_bytes()[:-20])
    fx.write_fasta(root / "no_xbp1.fa", {"1": fx.background(3000, 3)})
    (root / "notes.txt").write_text("not a FASTA\n")
    genes = [f"G{i}" for i in range(20)]
    counts = pd.DataFrame({"gene_id": genes, "gene_name": genes, **{f"s{i}": range(i, 20 + i) for i in range(4)}})
    counts.to_csv(root / "counts.tsv", sep="\t", index=False)
    counts.to_csv(root / "normalized_counts.tsv", sep="\t", index=False)  # named like a DE output
    counts.assign(s0=counts["s0"] + 0.5).to_csv(root / "tpm.tsv", sep="\t", index=False)
    pd.DataFrame({"sample": [f"s{i}" for i in range(4)], "treatment": ["a", "a", "b", "b"]}).to_csv(
        root / "samples.tsv", sep="\t", index=False
    )
    (root / "genesets").mkdir()
    pd.DataFrame({"set": "s", "gene": genes[:5], "organism": "human"}).to_csv(
        root / "genesets" / "set.tsv", sep="\t", index=False
    )
    (root / "cells.tsv").write_text("sample\tbarcode\tspliced\tunspliced\tambiguous\nc\tAAAC\t1\t0\t0\n")
    (root / "groups.tsv").write_text("barcode\tcell_type\nAAAC\tmacrophage\n")
    (root / "barcodes.tsv").write_text("AAAC\n")
    (root / "a_file").write_text("x\n")
    return root


CLI_CASES = {
    # outputs that would replace or land among inputs
    "quant_over_its_bam": ("xbp1 quant sample.bam --site site.json -o sample.bam", r"output sample.bam is the input sample.bam"),
    "quant_over_its_index": ("xbp1 quant sample.bam --site site.json -o sample.bam.bai", r"output sample.bam.bai is the input"),
    "quant_over_the_site": ("xbp1 quant sample.bam --site site.json -o site.json", r"output site.json is the input"),
    "quant_over_the_reference": ("xbp1 quant sample.bam --reference ref.fa -o ref.fa", r"output ref.fa is the input"),
    "quant_over_the_barcodes": ("xbp1 quant sample.bam --site site.json --per-cell --barcodes barcodes.tsv -o barcodes.tsv",
                                r"output barcodes.tsv is the input"),
    "fastq_over_read_1": ("xbp1 fastq R1.fastq.gz R2.fastq.gz --organism human -o R1.fastq.gz", r"output R1.fastq.gz is the input"),
    "fastq_over_read_2": ("xbp1 fastq R1.fastq.gz R2.fastq.gz --organism human -o R2.fastq.gz", r"output R2.fastq.gz is the input"),
    "locate_over_the_fasta": ("xbp1 locate --reference ref.fa -o ref.fa", r"output ref.fa is the input ref.fa"),
    "locate_over_the_fai": ("xbp1 locate --reference ref.fa -o ref.fa.fai", r"output ref.fa.fai is the input"),
    "pseudobulk_over_the_cells": ("xbp1 pseudobulk --cells cells.tsv --groups groups.tsv -o cells.tsv", r"output cells.tsv is the input"),
    "score_over_the_counts": ("score --counts counts.tsv --genesets genesets -o counts.tsv", r"output counts.tsv is the input"),
    "score_into_the_geneset_folder": ("score --counts counts.tsv --genesets genesets -o genesets/scores.tsv",
                                      r"lies inside the input folder genesets"),
    "de_into_the_geneset_folder": ("de --counts counts.tsv --samples samples.tsv --design '~ treatment' "
                                   "--contrast treatment,b,a --genesets genesets -o genesets", r"lies inside the input folder genesets"),
    "de_over_its_counts": ("de --counts normalized_counts.tsv --samples samples.tsv --design '~ treatment' "
                           "--contrast treatment,b,a -o .", r"output normalized_counts.tsv is the input normalized_counts.tsv"),
    # outputs that cannot be written
    "quant_output_under_a_file": ("xbp1 quant sample.bam --site site.json -o a_file/out.tsv", r"cannot write a_file/out.tsv"),
    "score_output_under_a_file": ("score --counts counts.tsv --genesets genesets -o a_file/scores.tsv", r"cannot write a_file/scores.tsv"),
    # alignments
    "quant_sam_text_named_bam": ("xbp1 quant text.bam --site site.json", r"text.bam could not be read as BAM/CRAM"),
    "quant_unsorted_bam": ("xbp1 quant unsorted.bam --site site.json", r"unsorted.bam is sorted by unsorted .*samtools sort"),
    "quant_bam_without_index": ("xbp1 quant noindex.bam --site site.json", r"noindex.bam has no index .*samtools index"),
    "quant_cram_without_reference": ("xbp1 quant sample.cram --site site.json", r"sample.cram is a CRAM file.*--reference"),
    "quant_missing_bam": ("xbp1 quant absent.bam --site site.json", r"alignment file absent.bam does not exist"),
    "quant_index_count": ("xbp1 quant sample.bam noindex.bam --site site.json --index sample.bam.bai",
                          r"--index was given 1 times for 2 BAM files"),
    # FASTQ
    "fastq_truncated_gzip": ("xbp1 fastq truncated_R1.fastq.gz --organism human", r"truncated_R1.fastq.gz is truncated"),
    "fastq_mate_counts_differ": ("xbp1 fastq R1.fastq.gz short_R2.fastq.gz --organism human",
                                 r"short_R2.fastq.gz and R1.fastq.gz have different numbers of reads: short_R2.fastq.gz ends after 19"),
    "fastq_mate_names_differ": ("xbp1 fastq R1.fastq.gz renamed_R2.fastq.gz --organism human",
                                r"disagree at line 13: read names differ"),
    "fastq_quality_length": ("xbp1 fastq badqual_R1.fastq.gz --organism human",
                             r"badqual_R1.fastq.gz: line \d+ has a quality line whose length differs"),
    "fastq_not_fastq": ("xbp1 fastq notes.txt --organism human", r"notes.txt: line 1 does not start with '@'"),
    # references
    "locate_without_xbp1": ("xbp1 locate --reference no_xbp1.fa --no-cache", r"no XBP1 site found in reference no_xbp1.fa"),
    "locate_missing_fasta": ("xbp1 locate --reference absent.fa", r"reference FASTA absent.fa does not exist"),
    "locate_not_a_fasta": ("xbp1 locate --reference counts.tsv --no-cache", r"no XBP1 site found in reference counts.tsv|could not be read as FASTA"),
    # tables
    "score_missing_counts": ("score --counts absent.tsv --genesets genesets -o out.tsv", r"counts table absent.tsv does not exist"),
    "de_not_raw_counts": ("de --counts tpm.tsv --samples samples.tsv --design '~ treatment' --contrast treatment,b,a -o out",
                          r"counts table tpm.tsv: gene G0, sample s0 has '0.5'.*raw read counts"),
    "de_bad_contrast": ("de --counts counts.tsv --samples samples.tsv --design '~ treatment' --contrast treatment -o out",
                        r"--contrast 'treatment' is not understood"),
    "de_unknown_level": ("de --counts counts.tsv --samples samples.tsv --design '~ treatment' --contrast treatment,c,a -o out",
                         r"no sample with treatment=c"),
    "pseudobulk_missing_column": ("xbp1 pseudobulk --cells groups.tsv --groups groups.tsv", r"per-cell XBP1 table lacks column"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_cli_refuses_bad_input(case, inputs, tmp_path, capsys):
    work = tmp_path / "work"
    shutil.copytree(inputs, work)
    before = snapshot(work)
    command, message = CLI_CASES[case]
    cwd = Path.cwd()
    os.chdir(work)
    try:
        code = main(shlex.split(command))
    finally:
        os.chdir(cwd)
    assert_refused(code, capsys.readouterr().err, message, before, work)


# --- config, sheets and designs: `snakemake -n` on a small copy of the demo ------------------

WORKSPACE_SAMPLES = ["P01_baseline", "P25_baseline", "DRG_WT_veh_1", "DRG_WT_ptx_2", "SC_veh_1"]


def set_key(path: str, value):
    """A change of the workspace config: `path` like 'de.alpha'; value None deletes the key."""

    def change(config):
        *keys, last = path.split(".")
        node = config
        for key in keys:
            node = node[key]
        if value is None:
            node.pop(last)
        else:
            node[last] = value

    return change


def sheet_change(sheet: str, change):
    return lambda work: edit_sheet(work / "config" / sheet, change)


def row_of(table, sample):
    return table.index[table["sample"] == sample][0]


def set_cell(sheet: str, sample: str, column: str, value):
    def change(table):
        table.loc[row_of(table, sample), column] = value
        return table

    return sheet_change(sheet, change)


def copy_row(sheet: str, of: str, **values):
    def change(table):
        row = table.loc[[row_of(table, of)]].assign(**values)
        return pd.concat([table, row], ignore_index=True)

    return sheet_change(sheet, change)


def file_in(work: Path, name: str, data: bytes) -> str:
    path = work / "bad_inputs" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return str(path.relative_to(work))


def bam_sorted_by_name(work: Path) -> str:
    path = work / "bad_inputs" / "byname.bam"
    path.parent.mkdir(exist_ok=True)
    fx.write_bam(path, {"22": 5000}, [fx.read("r1", 10, "50M", "A" * 50)], index=False, sort_order="queryname")
    return str(path.relative_to(work))


def with_file(sheet, sample, column, make):
    """Point a unit cell at a file made in the workspace (by `make(work) -> relative path`); a
    `bam` replaces the unit's FASTQ."""

    def change(work):
        def edit(table):
            row = row_of(table, sample)
            table.loc[row, column] = make(work)
            if column == "bam":
                table.loc[row, ["fq1", "fq2"]] = ""
            return table

        edit_sheet(work / "config" / sheet, edit)

    return change


CONFIG_CASES = {
    "config_wrong_type": (set_key("xbp1.min_mapq", "ten"), r"config .*key 'xbp1.min_mapq': 'ten' is not allowed"),
    "config_unknown_key": (set_key("typo_key", 1), r"top level: unknown key\(s\) 'typo_key'"),
    "config_out_of_range": (set_key("de.alpha", 5), r"key 'de.alpha': 5 is not allowed"),
    "config_unknown_mode": (set_key("mode", "cloud"), r"key 'mode': 'cloud' .*one of standard, laptop"),
    "config_missing_fasta": (set_key("genomes.human.fasta", "missing.fa"), r"genomes.human.fasta: file missing.fa does not exist"),
    "config_gtf_is_a_fasta": (set_key("genomes.mouse.gtf", "resources/demo/reference/mouse.fa"), r"genomes.mouse.gtf: .* 9 tab-separated columns"),
    "config_genome_missing": (set_key("genomes.mouse", None), r"sample sheet config/samples.tsv, line \d+, column 'organism': sample DRG_WT_veh_1 is 'mouse'"),
    "config_subset_column_typo": (set_key("de.designs", {"d": {"subset": {"organism": "mouse", "tisue": "DRG_macrophage"},
                                                              "formula": "~ treatment", "contrasts": {"c": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}}}}), r"design d: subset column 'tisue'"),
    "config_contrast_level_typo": (set_key("de.designs", {"d": {"subset": {"organism": "mouse", "assay": "bulk"}, "formula": "~ treatment",
                                                               "contrasts": {"c": {"variable": "treatment", "test": "paclitaxle", "base": "vehicle"}}}}),
                                   r"design d, contrast c: no sample with treatment=paclitaxle"),
    "config_formula_syntax": (set_key("de.designs", {"d": {"subset": {"organism": "mouse", "assay": "bulk"}, "formula": "~ (treatment", "contrasts": {"c": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}}}}),
                              r"design d: formula '~ \(treatment' cannot be parsed"),
    "config_confounded_design": (set_key("de.designs", {"d": {"subset": {"organism": "mouse", "assay": "bulk"}, "formula": "~ subject + treatment",
                                                              "contrasts": {"c": {"variable": "treatment", "test": "paclitaxel", "base": "vehicle"}}}}), r"design d: formula '~ subject \+ treatment' is not full rank"),
    "config_plot_sample_unknown": (set_key("plots.xbp1_reads", ["P99_baseline"]), r"plots.xbp1_reads names P99_baseline"),
    "config_clinical_visit_unknown": (set_key("clinical.on_treatment_visit", "cycle9"), r"config clinical.on_treatment_visit is 'cycle9'"),
    "config_sc_subset_selects_bulk": (set_key("sc.datasets", {"drg": {"subset": {"organism": "mouse"}}}),
                                      r"sc.datasets.drg: subset .* also selects non-single-cell samples"),
}  # fmt: skip

SHEET_CASES = {
    "samples_unknown_organism": (set_cell("samples.tsv", "P01_baseline", "organism", "rat"), r"line 2, column 'organism': 'rat' is not allowed"),
    "samples_duplicate_id": (copy_row("samples.tsv", "P01_baseline"), r"sample sheet config/samples.tsv, line \d+: duplicate id \(sample=P01_baseline\)"),
    "samples_bad_id": (set_cell("samples.tsv", "P25_baseline", "sample", "P25 baseline"), r"line \d+, column 'sample': 'P25 baseline' is not allowed"),
    "samples_missing_subject": (set_cell("samples.tsv", "P01_baseline", "subject", ""), r"line 2, 'subject' is a required property"),
    "samples_unknown_assay": (set_cell("samples.tsv", "DRG_WT_veh_1", "assay", "rna"), r"column 'assay': 'rna' is not allowed"),
    "samples_without_units": (copy_row("samples.tsv", "P01_baseline", sample="P02_extra"), r"no unit for sample\(s\) P02_extra"),
    "units_unknown_sample": (set_cell("units.tsv", "P01_baseline", "sample", "P01_basline"), r"sample 'P01_basline' is not in the sample sheet"),
    "units_mate_2_only": (set_cell("units.tsv", "P01_baseline", "fq1", ""), r"column 'fq2' is set but 'fq1' is empty"),
    "units_fastq_and_bam": (set_cell("units.tsv", "P01_baseline", "bam", "resources/demo/reference/human.fa"),
                            r"both FASTQ and 'bam' are given"),
    "units_no_input": (set_cell("units.tsv", "P25_baseline", "fq1", ""), r"P25_baseline, unit L1\): no input; fill 'fq1'"),
    "units_missing_fastq": (set_cell("units.tsv", "P01_baseline", "fq1", "fastq/missing_R1.fastq.gz"),
                            r"column 'fq1': file fastq/missing_R1.fastq.gz does not exist"),
    "units_not_a_fastq": (with_file("units.tsv", "P25_baseline", "fq1", lambda w: file_in(w, "notes.fastq.gz", b"hello\n")),
                          r"column 'fq1': bad_inputs/notes.fastq.gz holds no complete FASTQ record"),
    "units_fastq_used_twice": (with_file("units.tsv", "P25_baseline", "fq1", lambda w: "resources/demo/fastq/P01_baseline_L1_R1.fastq.gz"),
                               r"P01_baseline_L1_R1.fastq.gz is already used at line 2, column 'fq1'"),
    "units_mate_2_is_mate_1": (with_file("units.tsv", "P01_baseline", "fq2", lambda w: "resources/demo/fastq/P01_baseline_L1_R1.fastq.gz"),
                               r"column 'fq2': .*P01_baseline_L1_R1.fastq.gz is already used at line 2, column 'fq1'"),
    "units_bad_strandedness": (set_cell("units.tsv", "P01_baseline", "strandedness", "backwards"), r"column 'strandedness': 'backwards' is not allowed"),
    "units_duplicate_unit": (copy_row("units.tsv", "DRG_WT_veh_1"), r"duplicate id \(sample=DRG_WT_veh_1, unit=L1\)"),
    "units_mixed_layouts": (copy_row("units.tsv", "P25_baseline", unit="L2", fq1="resources/demo/fastq/P26_baseline_L1_R1.fastq.gz",
                                     fq2="resources/demo/fastq/P01_cycle1_L1_R2.fastq.gz"), r"sample P25_baseline mixes paired-end, single-end units"),
    "units_sc_without_chemistry": (set_cell("units.tsv", "SC_veh_1", "chemistry", ""), r"single-cell FASTQ needs .* 'chemistry'"),
    "units_sam_text_as_bam": (with_file("units.tsv", "P01_baseline", "bam", lambda w: file_in(w, "text.bam", b"@HD\tVN:1.6\n")),
                              r"column 'bam': bad_inputs/text.bam is a SAM text file"),
    "units_bam_sorted_by_name": (with_file("units.tsv", "DRG_WT_veh_1", "bam", bam_sorted_by_name), r"is sorted by queryname"),
}  # fmt: skip


def clinical_change(change):
    """A change of the workspace's clinical.tsv, read as text as the sample sheets are."""
    return sheet_change("clinical.tsv", change)


def clinical_cell(subject: str, visit: str, column: str, value):
    def change(table):
        table.loc[(table["subject"] == subject) & (table["visit"] == visit), column] = value
        return table

    return clinical_change(change)


# Checked when the workflow parses its config (ire1seq.preflight → clinical.validate.check_config).
CLINICAL_CASES = {
    "clinical_grade_column_missing": (clinical_change(lambda t: t.drop(columns="ctcae_sensory_grade")),
                                      r"clinical table config/clinical.tsv, line 1 \(header\): column 'ctcae_sensory_grade' is missing"),
    "clinical_grade_out_of_range": (clinical_cell("P01", "cycle1", "ctcae_sensory_grade", "7"),
                                    r"clinical table config/clinical.tsv, line 3 \(subject P01, visit cycle1\), column 'ctcae_sensory_grade'"),
    "clinical_day_not_a_number": (clinical_cell("P01", "cycle2", "day", "day 42"), r"line 4 \(subject P01, visit cycle2\), column 'day'"),
    "clinical_duplicate_visit": (clinical_change(lambda t: pd.concat([t, t.iloc[[1]]], ignore_index=True)),
                                 r"subject P01 visit cycle1 already appears on line 3"),
    "clinical_dose_decreases": (clinical_cell("P01", "cycle2", "cum_dose_mg_m2", "100"),
                                r"column 'cum_dose_mg_m2': 100 is lower than at an earlier visit"),
    "clinical_visit_label_differs": (set_cell("samples.tsv", "P25_baseline", "visit", "Baseline"),
                                     r"sample P25_baseline\), column 'visit': label 'Baseline' never appears"),
    "clinical_covariate_missing": (lambda work: set_config(work, "clinical.covariates", ["age", "weight"]),
                                   r"column 'weight' is missing"),
    "clinical_baseline_visit_unknown": (lambda work: set_config(work, "clinical.baseline_visit", "screening"),
                                        r"config clinical.baseline_visit is 'screening'"),
    "clinical_primary_model_of_other_timepoint": (lambda work: set_config(work, "clinical.primary", {"timepoint": "baseline", "model": "cox_tv"}),
                                                  r"config clinical.primary has timepoint 'baseline' and model 'cox_tv'"),
    "clinical_filter_matches_nothing": (lambda work: set_config(work, "clinical.samples", {"tissue": "plasma"}),
                                        r"no sample has \{'tissue': 'plasma'\}"),
}  # fmt: skip


def set_config(work: Path, key: str, value) -> None:
    path = work / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    set_key(key, value)(config)
    path.write_text(yaml.safe_dump(config))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    """A small copy of the demo whose config/ the cases may change: five samples, no designs."""
    return reduced_demo(tmp_path_factory.mktemp("bad_inputs") / "base", WORKSPACE_SAMPLES)


def copy_workspace(workspace: Path, tmp_path: Path) -> Path:
    work = tmp_path / "work"
    shutil.copytree(workspace, work, symlinks=True)
    return work


@pytest.mark.parametrize("case", sorted(SHEET_CASES))
def test_sheet_checks_refuse_bad_rows(case, workspace, tmp_path, monkeypatch):
    """The sheet checks the workflow runs when it parses its config, called as common.smk calls them."""
    from ire1seq.errors import InputError
    from ire1seq.sheets import load_samples, load_units

    work = copy_workspace(workspace, tmp_path)
    change, message = SHEET_CASES[case]
    change(work)
    before = snapshot(work / "config")
    monkeypatch.chdir(work)
    schemas = REPO / "workflow" / "schemas"
    with pytest.raises(InputError) as caught:
        samples = load_samples("config/samples.tsv", schemas / "samples.schema.yaml", ["human", "mouse"])
        load_units("config/units.tsv", schemas / "units.schema.yaml", samples)
    assert_refused(1, str(caught.value), message, before, work / "config")


@pytest.mark.parametrize("case", sorted(CLINICAL_CASES))
def test_clinical_checks_refuse_bad_sheets_and_settings(case, workspace, tmp_path, monkeypatch):
    """The clinical checks the workflow runs when it parses its config, as preflight calls them."""
    from ire1seq.clinical.validate import check_config
    from ire1seq.errors import InputError
    from ire1seq.schemas import validate_config

    work = copy_workspace(workspace, tmp_path)
    change, message = CLINICAL_CASES[case]
    change(work)
    before = snapshot(work / "config")
    monkeypatch.chdir(work)
    config = yaml.safe_load((work / "config" / "config.yaml").read_text())
    with pytest.raises(InputError) as caught:
        validate_config(config, REPO / "workflow" / "schemas" / "config.schema.yaml", ["config/config.yaml"])
        check_config(config)
    assert_refused(1, str(caught.value), message, before, work / "config")


@pytest.mark.slow
@pytest.mark.parametrize("case", sorted(CONFIG_CASES))
def test_dry_run_refuses_bad_config(case, workspace, tmp_path):
    work = copy_workspace(workspace, tmp_path)
    change, message = CONFIG_CASES[case]
    path = work / "config" / "config.yaml"
    config = yaml.safe_load(path.read_text())
    change(config)
    path.write_text(yaml.safe_dump(config))
    before = snapshot(work / "config")
    result = run_workflow(work, "--dry-run")
    assert_refused(result.returncode, result.stdout + result.stderr, message, before, work / "config")


@pytest.mark.slow
def test_dry_run_shows_a_sheet_error_as_one_message(workspace, tmp_path):
    work = copy_workspace(workspace, tmp_path)
    change, message = SHEET_CASES["units_fastq_used_twice"]
    change(work)
    result = run_workflow(work, "--dry-run")
    assert_refused(
        result.returncode, result.stdout + result.stderr, message, snapshot(work / "config"), work / "config"
    )
