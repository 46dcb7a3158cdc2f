"""`ire1seq check`: is this cohort set up right? The workflow's own parse-time checks, then a summary.

It runs what the workflow runs before its first job (config schema, sheets, designs, datasets,
genome files), then reports what a run would do: samples per organism, tissue and assay; each
design's samples and each contrast's two sides; the single-cell datasets; the clinical patients
matched to blood samples; where XBP1 lies in each genome; and the memory its index will need.
"""

from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError

# STAR's genome index needs about 10 bytes per base (suffix array + genome; the human genome,
# 3.1 Gb, needs ~32 GB), plus a little for the annotation.
STAR_BYTES_PER_BASE = 10
# Laptop mode, measured on a human-sized transcriptome (bench/laptop): salmon's index and
# quantification stay under 2.2 GB; kallisto needs 4.6 GB to build its index, 3.2 GB to run.
LAPTOP_MEMORY = "salmon ≤ 2.2 GB; kallisto (10x) 4.6 GB to build its index, 3.2 GB per sample"


def load(configfile) -> tuple[dict, pd.DataFrame, pd.DataFrame]:
    """(config with defaults, samples, units), checked as the workflow checks them when it parses."""
    import yaml

    from ire1seq.data import fill_packaged_paths
    from ire1seq.preflight import check_config
    from ire1seq.schemas import schema_path, validate_config
    from ire1seq.sheets import load_samples, load_units

    path = Path(configfile)
    if not path.is_file():
        raise InputError(f"config file {path} does not exist; give --configfile (default config/config.yaml).")
    try:
        config = yaml.safe_load(path.read_text()) or {}
    except yaml.YAMLError as err:
        raise InputError(
            f"config file {path} is not valid YAML ({str(err).splitlines()[0]}); fix its syntax."
        ) from None
    validate_config(config, schema_path("config"), [path])
    fill_packaged_paths(config)
    samples = load_samples(config["samples"], schema_path("samples"), config["genomes"])
    units = load_units(config["units"], schema_path("units"), samples)
    check_config(config, samples, config["samples"])
    return config, samples, units


def summary(config: dict, samples: pd.DataFrame, units: pd.DataFrame, *, locate_sites: bool = True) -> list[str]:
    """The lines `ire1seq check` prints."""
    lines = [f"samples ({config['samples']}; units: {config['units']}):"]
    groups = samples.groupby(["organism", "tissue", "assay"], dropna=False).size()
    lines += [f"  {org} {tissue} {assay}: {n}" for (org, tissue, assay), n in groups.items()]
    layouts = units.assign(layout=[_layout(u) for u in units.to_dict("records")]).groupby("layout").size()
    lines.append("  units: " + ", ".join(f"{n} {layout}" for layout, n in layouts.items()))
    lines += _designs(config, samples)
    lines += _datasets(config, samples)
    lines += _clinical(config)
    if locate_sites:
        lines += _genomes(config, samples)
    return lines


def _layout(unit: dict) -> str:
    from ire1seq.sheets import layout

    return "10x" if pd.notna(unit["chemistry"]) else layout(unit)


def _designs(config: dict, samples: pd.DataFrame) -> list[str]:
    from ire1seq.de.design import Design, design_samples

    lines = ["DE designs:" if config["de"]["designs"] else "DE designs: none"]
    for name, spec in config["de"]["designs"].items():
        design = Design.from_config(name, spec)
        meta = design_samples(samples, design, config["samples"])
        lines.append(f"  {name} ({design.formula}): {len(meta)} samples")
        for contrast, rule in design.contrasts.items():
            lines.append(f"    {contrast}: {_sides(meta, rule)} (estimable)")
    return lines


def _sides(meta: pd.DataFrame, rule: dict) -> str:
    """Samples on each side of a contrast: test vs base, or per level combination of an interaction."""
    if "variable" in rule:
        variable, values = rule["variable"], meta[rule["variable"]].astype(str)
        test, base = str(rule["test"]), str(rule["base"])
        return f"{variable}={test} {(values == test).sum()} vs {variable}={base} {(values == base).sum()}"
    if "interaction" in rule:
        variables = list(rule["interaction"])
        counts = meta.astype(str).groupby(variables, observed=True).size()
        return (
            "samples per " + " × ".join(variables) + ": " + ", ".join(f"{'/'.join(k)} {n}" for k, n in counts.items())
        )
    return f"design column {rule['coef']}"


def _datasets(config: dict, samples: pd.DataFrame) -> list[str]:
    from ire1seq.preflight import sc_dataset

    lines = []
    for name, spec in config["sc"]["datasets"].items():
        chosen = sc_dataset(samples, name, spec, config["samples"])
        lines.append(f"single-cell dataset {name}: {len(chosen)} samples ({', '.join(chosen.index[:6])})")
    return lines


def _clinical(config: dict) -> list[str]:
    """Patients matched between the clinical sheet and the blood samples, and who no model can use."""
    if not config.get("clinical_table"):
        return ["clinical: no clinical_table in the config (the clinical join is not run)"]
    from ire1seq.clinical import join, outcomes, validate

    settings = config["clinical"]
    clinical, samples = validate.config_sheets(config)
    visits = outcomes.score_visits(clinical)
    joined, unmatched = join.join_visits(visits, samples, samples[["sample"]])
    landmark = settings["on_treatment_visit"] or join.on_treatment_label(joined, settings["baseline_visit"])
    per_patient = outcomes.patient_outcomes(
        visits,
        baseline_visit=settings["baseline_visit"],
        landmark_visit=landmark,
        exclude_baseline_grade_ge2=settings["exclude_baseline_grade_ge2"],
    )
    matched = joined.dropna(subset=["sample"])
    per_visit = matched.groupby("visit", sort=False).size()
    lines = [
        f"clinical ({config['clinical_table']}): {clinical['subject'].nunique()} patients; "
        f"{matched['subject'].nunique()} matched to {len(matched)} blood samples "
        f"({', '.join(f'{visit} {n}' for visit, n in per_visit.items())}); on-treatment visit {landmark}",
        f"  unmatched: {_counted(unmatched['reason'])}",
        f"  left out of every outcome model: {_counted(per_patient['exclusion'].dropna())}",
    ]
    return lines


def _counted(reasons: pd.Series) -> str:
    return "none" if reasons.empty else "; ".join(f"{n} {reason}" for reason, n in reasons.value_counts().items())


def _genomes(config: dict, samples: pd.DataFrame) -> list[str]:
    from ire1seq.xbp1.locate import locate

    lines = []
    for organism in sorted(set(samples["organism"])):
        fasta = config["genomes"][organism]["fasta"]
        site = locate(fasta, organism=organism)
        bases = sum(site.contigs.values())
        lines.append(
            f"genome {organism} ({fasta}, {bases / 1e6:,.1f} Mb): XBP1 intron at {site.contig}:"
            f"{site.window[0] + 1}-{site.window[0] + 26} ({site.strand}), {site.source}"
        )
        if config["mode"] == "laptop":
            lines.append(f"  memory (laptop mode, no genome index): {LAPTOP_MEMORY}")
        else:
            lines.append(f"  memory: the STAR index needs about {max(1.0, bases * STAR_BYTES_PER_BASE / 1e9):.1f} GB")
    return lines
