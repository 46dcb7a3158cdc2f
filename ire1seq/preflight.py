"""Checks of the config against the sample sheet that need no job.

The workflow runs them when it parses the config, so `snakemake -n` fails with the message before
any job starts; `ire1seq check` runs the same functions.
"""

from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError
from ire1seq.sheets import select_samples


def check_config(config: dict, samples: pd.DataFrame, sheet) -> None:
    """Reference files, DE designs and contrasts, single-cell datasets, the clinical sheet and the
    samples named for plots."""
    from ire1seq.de.design import Design, check_design

    for organism in sorted(set(samples["organism"])):
        check_genome(config, organism)
    for name, spec in config["de"]["designs"].items():
        check_design(samples, Design.from_config(name, spec), sheet)
    for name, spec in config["sc"]["datasets"].items():
        chosen = sc_dataset(samples, name, spec, sheet)
        if spec.get("pseudobulk_de"):
            design = Design.from_config(f"{name} pseudobulk_de", spec["pseudobulk_de"])
            check_design(chosen, design, sheet)
    if config.get("clinical_table"):
        from ire1seq.clinical.validate import check_config as check_clinical

        check_clinical(config)
    unknown = [s for s in config["plots"]["xbp1_reads"] if s not in samples.index]
    if unknown:
        raise InputError(
            f"config plots.xbp1_reads names {', '.join(unknown)}, not sample(s) of {sheet}; "
            "list sample ids from the sheet (or [] for no read plots)."
        )


def sc_dataset(samples: pd.DataFrame, name: str, spec: dict, sheet) -> pd.DataFrame:
    """The single-cell samples of one sc dataset (its subset may only select assay sc)."""
    chosen = select_samples(samples, spec["subset"], sheet=sheet, what=f"config sc.datasets.{name}")
    bulk = chosen.index[chosen["assay"] != "sc"]
    if len(bulk):
        raise InputError(
            f"config sc.datasets.{name}: subset {spec['subset']} also selects non-single-cell samples "
            f"({', '.join(bulk[:5])}) of {sheet}; add assay: sc to the subset."
        )
    return chosen


def check_genome(config: dict, organism: str) -> None:
    """The genome files of an organism with samples exist and start like a FASTA / GTF."""
    genome = config["genomes"][organism]
    files = {"fasta": ">", "gtf": None}
    if config["mode"] == "laptop" or config["quantifier"] == "salmon":
        files["transcripts"] = ">"
    for key, first in files.items():
        path = genome.get(key)
        where = f"config genomes.{organism}.{key}"
        if path is None:
            raise InputError(f"{where} is not set; salmon and kallisto need the transcript FASTA of the GTF.")
        if not Path(path).is_file():
            raise InputError(
                f"{where}: file {path} does not exist; fix the path (relative paths are from the working directory)."
            )
        head = _first_line(path, where)
        if first and not head.startswith(first):
            raise InputError(f"{where}: {path} does not start with '>' ; give a (gzipped) FASTA file.")
        if key == "gtf" and len(head.split("\t")) != 9:
            raise InputError(
                f"{where}: {path} does not have GTF's 9 tab-separated columns on its first line; give a GTF annotation."
            )


def _first_line(path, where: str) -> str:
    """The first line that is not a comment (plain or gzip)."""
    import gzip

    from ire1seq.io import is_gzipped

    try:
        with (gzip.open if is_gzipped(path) else open)(path, "rt") as handle:
            return next((line.rstrip("\n") for line in handle if not line.startswith("#")), "")
    except (OSError, EOFError, UnicodeDecodeError) as err:
        raise InputError(f"{where}: {path} cannot be read ({err}); copy it again.") from None
