"""Per-sample quality control: what each sample's reads gave, with thresholds, so a failed sample
is flagged (on the terminal, in the report, in the clinical join) and never silently used.

Columns and thresholds: docs/outputs.md (results/qc/samples.tsv).
"""

import json
import re
from pathlib import Path

import pandas as pd

from ire1seq.errors import InputError

COLUMNS = [
    "sample",
    "assay",
    "mapping_rate",
    "genes_detected",
    "xbp1_informative",
    "xbp1_status",
    "xbp1_reads_at_site",
    "xbp1_reads_left_out",
    "strandedness",
    "inferred_strandedness",
    "fastq_problem",
    "qc_status",
    "qc_reasons",
]


def mapping_rate(path) -> float:
    """Share of reads mapped, from STAR's Log.final.out (unique + multi-mapped), salmon's
    aux_info/meta_info.json (percent_mapped) or kallisto's run_info.json (p_pseudoaligned)."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as err:
        raise InputError(f"mapping log {path} cannot be read ({err.strerror}); rerun the sample's alignment.") from None
    if path.suffix == ".json":
        info = json.loads(text)
        return round(float(info.get("percent_mapped", info.get("p_pseudoaligned"))) / 100, 4)
    shares = re.findall(r"(?:Uniquely mapped reads|% of reads mapped to multiple loci) %?\s*\|\s*([\d.]+)%", text)
    if len(shares) != 2:
        raise InputError(f"{path} is not a STAR Log.final.out (no mapped-read percentages); rerun the alignment.")
    return round(sum(map(float, shares)) / 100, 4)


def sample_qc(
    samples: pd.DataFrame,
    *,
    mapping: dict,
    counts: pd.DataFrame | None,
    strandedness: pd.DataFrame | None,
    xbp1: pd.DataFrame | None,
    fastq_problems: dict,
    site_reads: dict | None = None,
    min_mapping_rate: float,
    min_genes_share: float,
) -> pd.DataFrame:
    """One row per sample of the sheet (`samples`, indexed by sample id).

    fail: mapping rate below `min_mapping_rate`, no counted read, or a FASTQ problem (mates out of
    order); warn: fewer genes than `min_genes_share` × the median of its organism's samples,
    declared strandedness contradicted by the reads, an XBP1 readout that is not `ok`, or most
    mapped reads at XBP1 left out by flag or MAPQ (`site_reads`: sample -> (mapped, left out)).
    """
    table = pd.DataFrame({"sample": samples.index, "assay": samples["assay"].to_numpy()}).set_index("sample")
    table["mapping_rate"] = pd.Series(mapping, dtype=float)
    if counts is not None:
        detected = (counts.drop(columns=["gene_id", "gene_name"]) > 0).sum()
        table["genes_detected"] = detected
    if xbp1 is not None:
        table[["xbp1_informative", "xbp1_status"]] = xbp1.set_index("sample")[["informative", "status"]]
    if strandedness is not None:
        table[["strandedness", "inferred_strandedness"]] = strandedness.set_index("sample")[["declared", "inferred"]]
    if site_reads:
        table[["xbp1_reads_at_site", "xbp1_reads_left_out"]] = pd.DataFrame.from_dict(site_reads, orient="index")
    table["fastq_problem"] = pd.Series(fastq_problems, dtype=object)
    table = table.reindex(columns=COLUMNS[1:]).astype(
        {
            column: "Int64"
            for column in ("genes_detected", "xbp1_informative", "xbp1_reads_at_site", "xbp1_reads_left_out")
        }
    )
    organism = samples["organism"]
    median_genes = table["genes_detected"].groupby(organism).transform("median")
    checks = {
        "fail": {
            f"mapping rate below {min_mapping_rate:.0%}": table["mapping_rate"] < min_mapping_rate,
            "no reads counted in any gene": table["genes_detected"] == 0,
            "FASTQ problem": table["fastq_problem"].notna(),
        },
        "warn": {
            f"genes detected below {min_genes_share:.0%} of the organism's median": table["genes_detected"]
            < min_genes_share * median_genes,
            "declared strandedness contradicted by the reads": table["strandedness"].isin(
                ["forward", "reverse", "none"]
            )
            & table["inferred_strandedness"].notna()
            & (table["strandedness"] != table["inferred_strandedness"]),
            "XBP1 readout not ok": table["xbp1_status"].notna() & (table["xbp1_status"] != "ok"),
            "most reads at XBP1 left out by flag (secondary, supplementary, QC-fail, duplicate) or MAPQ": (
                table["xbp1_reads_left_out"] > 0.5 * table["xbp1_reads_at_site"]
            ),
        },
    }
    status, reasons = dict.fromkeys(table.index, "pass"), {sample: [] for sample in table.index}
    for level, tests in checks.items():
        for reason, flagged in tests.items():
            for sample in flagged.index[flagged.fillna(False).astype(bool)]:
                reasons[sample].append(reason)
                status[sample] = "fail" if level == "fail" else status[sample].replace("pass", "warn")
    table["qc_status"] = pd.Series(status)
    table["qc_reasons"] = pd.Series({sample: "; ".join(why) or pd.NA for sample, why in reasons.items()})
    return table.reset_index()[COLUMNS]


def run_sample_qc(
    *,
    samples,
    mapping_logs: dict,
    counts,
    strandedness,
    xbp1,
    reads_checks=(),
    alignments: dict | None = None,
    xbp1_settings: dict | None = None,
    thresholds: dict,
    out,
) -> None:
    """Workflow step: the QC table of every sample of the sheet (tables absent from a run are skipped).

    alignments: sample -> {bam, index, site, reference} of the samples whose XBP1 readout comes from
    alignments, looked at with the `xbp1:` settings for the reads left out at the site.
    """
    from ire1seq.io import read_tsv, write_table
    from ire1seq.sheets import read_sheet

    sheet = read_sheet(samples, "sample sheet").set_index("sample")
    tables = {name: read_tsv(path, name) if path else None for name, path in
              (("counts", counts), ("strandedness", strandedness), ("XBP1 table", xbp1))}  # fmt: skip
    problems = {}
    for path in reads_checks:
        for row in read_tsv(path, "FASTQ check").dropna(subset=["problem"]).itertuples():
            problems[row.sample] = "; ".join(filter(None, [problems.get(row.sample), row.problem]))  # every unit
    table = sample_qc(
        sheet,
        mapping={sample: mapping_rate(path) for sample, path in mapping_logs.items()},
        counts=tables["counts"],
        strandedness=tables["strandedness"],
        xbp1=tables["XBP1 table"],
        fastq_problems=problems,
        site_reads=_site_reads(alignments or {}, xbp1_settings or {}),
        min_mapping_rate=thresholds["min_mapping_rate"],
        min_genes_share=thresholds["min_genes_share"],
    )
    write_table(table, out)


def _site_reads(alignments: dict, settings: dict) -> dict:
    from ire1seq.xbp1.alignments import Options, reads_left_out
    from ire1seq.xbp1.site import load_site

    options = Options.from_settings(settings)
    sites = {path: load_site(path) for path in {found["site"] for found in alignments.values()}}  # one per genome
    return {
        sample: reads_left_out(
            found["bam"], sites[found["site"]], options, index=found["index"], reference=found["reference"]
        )
        for sample, found in alignments.items()
    }


def run_summary(*, qc_table, unmatched=None, left_out: dict) -> list[str]:
    """Lines printed at the end of a run: every flagged sample and every sample a step left out."""
    lines = []
    if Path(qc_table).is_file():
        qc = pd.read_csv(qc_table, sep="\t")
        for row in qc[qc["qc_status"] != "pass"].itertuples():
            lines.append(f"QC {row.qc_status}: {row.sample}: {row.qc_reasons}")
    for step, samples in left_out.items():
        if samples:
            shown = ", ".join(samples[:10]) + (f" and {len(samples) - 10} more" if len(samples) > 10 else "")
            lines.append(f"{step} leaves out {len(samples)} sample(s) differing from its subset in one column: {shown}")
    if unmatched and Path(unmatched).is_file():
        for row in pd.read_csv(unmatched, sep="\t", dtype=str).itertuples(index=False):
            lines.append(
                "clinical join leaves out: " + ", ".join(f"{k}={v}" for k, v in row._asdict().items() if pd.notna(v))
            )
    return lines
