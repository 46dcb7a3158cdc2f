"""Write the whole demo: references, FASTQ, truth tables and the three sheets."""

import os
from pathlib import Path

import pandas as pd

from ire1seq.demo import truth
from ire1seq.demo.bulk import BulkSample, fastq_name, simulate_bulk
from ire1seq.demo.clinical import clinical_table
from ire1seq.demo.cohort import build_cohort
from ire1seq.demo.dna import ASCII
from ire1seq.demo.genome import CONTIGS, build_genome
from ire1seq.demo.reference import provenance, write_reference
from ire1seq.demo.singlecell import draw_cells, make_whitelist, simulate_sc
from ire1seq.demo.transcriptome import transcriptome
from ire1seq.io import write_table

# What units.tsv says: unstranded libraries are listed as `auto`, so the workflow must infer them.
LISTED_STRANDEDNESS = {"reverse": "reverse", "none": "auto"}
UNIT_COLUMNS = ["sample", "unit", "fq1", "fq2", "bam", "strandedness", "chemistry", "matrix"]


def generate(out: Path, sheets: Path, *, workdir: Path = Path("."), fastq: bool = True, scale: float = 1.0) -> None:
    """Demo cohort into `out`, sheets into `sheets`; sheet paths are relative to `workdir` (the
    workflow's working directory). Without `fastq` the truth is the same, only no FASTQ."""
    out, sheets = Path(out), Path(sheets)
    genomes = {organism: build_genome(organism) for organism in CONTIGS}
    for genome in genomes.values():
        write_reference(genome, out / "reference")
    (out / "reference" / "PROVENANCE.md").write_text(provenance(list(genomes.values())))
    whitelist = make_whitelist()
    (out / "sc").mkdir(parents=True, exist_ok=True)
    (out / "sc" / "whitelist.txt").write_text(
        "".join(ASCII[barcode].tobytes().decode() + "\n" for barcode in whitelist)
    )
    (out / ".gitignore").write_text("fastq/\nsc_fastq/\n")

    cohort = build_cohort(scale)
    transcripts = {organism: transcriptome(genome) for organism, genome in genomes.items()}
    bulk_dir, sc_dir = (out / "fastq", out / "sc_fastq") if fastq else (None, None)
    sites = [simulate_bulk(sample, transcripts[sample.organism], bulk_dir) for sample in cohort.bulk]
    sc_samples = cohort.samples[cohort.samples["assay"] == "sc"]
    cells = pd.concat(
        [
            simulate_sc(
                row.sample,
                row.treatment,
                draw_cells(row.sample, scale, whitelist),
                transcripts["mouse"],
                sc_dir,
            )
            for row in sc_samples.itertuples()
        ],
        ignore_index=True,
    )

    tables = {
        "xbp1": truth.xbp1_truth(cohort.bulk, sites, cells),
        "xbp1_cells_truth": truth.xbp1_cells_truth(cells),
        "de": truth.de_truth(cohort.patients),
        "cells": cells.drop(columns="planted_fraction"),
        "patients": truth.patients_truth(cohort.patients),
        "association": truth.association_truth(),
        "sc_celltypes": cells.groupby(["sample", "cell_type"], sort=False).size().reset_index(name="n_cells"),
        "strandedness": truth.strandedness_truth(cohort.bulk, list(sc_samples["sample"])),
    }
    for name, table in tables.items():
        write_table(table, out / "truth" / f"{name}.tsv")
    write_table(cohort.samples, sheets / "samples.tsv")
    write_table(units_table(cohort.bulk, list(sc_samples["sample"]), out, Path(workdir)), sheets / "units.tsv")
    write_table(clinical_table(cohort.patients), sheets / "clinical.tsv")


def units_table(bulk: list[BulkSample], sc_samples: list[str], out: Path, root: Path) -> pd.DataFrame:
    def path(directory: str, sample: str, unit: str, mate: int) -> str:
        return os.path.relpath((out / directory / fastq_name(sample, unit, mate)).resolve(), root.resolve())

    rows = [
        dict(sample=s.sample, unit=unit, fq1=path("fastq", s.sample, unit, 1),
             fq2=path("fastq", s.sample, unit, 2) if s.paired else None,
             strandedness=LISTED_STRANDEDNESS[s.strandedness])
        for s in bulk
        for unit in s.units
    ]  # fmt: skip
    rows += [
        dict(sample=sample, unit="L1", fq1=path("sc_fastq", sample, "L1", 1), fq2=path("sc_fastq", sample, "L1", 2),
             strandedness="forward", chemistry="10xv3")
        for sample in sc_samples
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)
