"""The planted truth tables (resources/demo/truth/), each built from the values the simulation used."""

import numpy as np
import pandas as pd

from ire1seq.demo.bulk import BulkSample
from ire1seq.demo.cohort import CYCLE1_EFFECTS, PACLITAXEL_EFFECTS, SC_MACROPHAGE_EFFECTS, effects
from ire1seq.demo.genes import CATALOGUE, PROGRAM
from ire1seq.demo.patients import DRAWS

# (readout, timepoint, model, expected direction of its association with the outcome). Planted: the
# hazard of grade ≥ 2 rises with the XBP1s fraction at the latest draw (ire1seq.demo.patients);
# the XBP1s-target and RIDD changes on treatment are the same in every patient; the inflammatory
# program differs between patients only on treatment.
ASSOCIATIONS = [
    ("fraction_spliced", "longitudinal", "cox_tv", "positive"),
    ("log2_spliced_ratio", "longitudinal", "cox_tv", "positive"),
    ("score_inflammatory", "baseline", "logistic", "none"),
    ("score_xbp1s_targets", "longitudinal", "cox_tv", "none"),
    ("score_ridd", "longitudinal", "cox_tv", "none"),
]


def realized(table: pd.DataFrame, spliced: str, unspliced: str) -> pd.Series:
    total = table[spliced] + table[unspliced]
    return (table[spliced] / total.where(total > 0)).round(4)


def xbp1_truth(bulk: list[BulkSample], sites: list[dict], cells: pd.DataFrame) -> pd.DataFrame:
    """Per sample: planted fraction and the informative fragments (bulk) or molecules (sc; the
    planted fraction is then the mean over the sample's XBP1 molecules of their cell type's)."""
    planted = pd.DataFrame({"sample": [b.sample for b in bulk], "planted_fraction": [b.fraction for b in bulk]})
    table = planted.merge(pd.DataFrame(sites), on="sample")
    molecules = cells["xbp1_spliced"] + cells["xbp1_unspliced"]
    sc = cells.assign(weighted=cells["planted_fraction"] * molecules, molecules=molecules)
    sc = sc.groupby("sample", sort=False)[["weighted", "molecules", "xbp1_spliced", "xbp1_unspliced"]].sum()
    sc = pd.DataFrame(
        {
            "sample": sc.index,
            "planted_fraction": sc["weighted"] / sc["molecules"],
            "site_spliced": sc["xbp1_spliced"],
            "site_unspliced": sc["xbp1_unspliced"],
        }
    )
    table = pd.concat([table, sc], ignore_index=True)
    table["planted_fraction"] = table["planted_fraction"].round(4)
    return table.assign(realized_fraction=realized(table, "site_spliced", "site_unspliced"))


def xbp1_cells_truth(cells: pd.DataFrame) -> pd.DataFrame:
    """Per sample × cell type, in molecules (all cells, including the high-mito ones)."""
    table = cells.groupby(["sample", "cell_type"], sort=False).agg(
        n_cells=("barcode", "size"),
        planted_fraction=("planted_fraction", "first"),
        spliced=("xbp1_spliced", "sum"),
        unspliced=("xbp1_unspliced", "sum"),
    )
    table = table.reset_index()
    return table.assign(realized_fraction=realized(table, "spliced", "unspliced"))


def de_truth(patients: pd.DataFrame) -> pd.DataFrame:
    cycle1 = {**CYCLE1_EFFECTS, PROGRAM: float(patients["inflammatory_log2fc"].mean())}
    abolished = {category: -value for category, value in PACLITAXEL_EFFECTS.items()}
    contrasts = [
        ("paclitaxel_vs_vehicle_WT", "mouse", PACLITAXEL_EFFECTS),
        ("knockout_abolishes_paclitaxel", "mouse", abolished),
        ("inhibitor_abolishes_paclitaxel", "mouse", abolished),
        ("cycle1_vs_baseline", "human", cycle1),
        ("sc_macrophage_paclitaxel_vs_vehicle", "mouse", SC_MACROPHAGE_EFFECTS),
    ]
    tables = []
    for contrast, organism, log2fc in contrasts:
        planted = effects(organism, log2fc).round(4)
        tables.append(
            pd.DataFrame(
                {
                    "contrast": contrast,
                    "gene_name": [gene.name for gene in CATALOGUE[organism]],
                    "organism": organism,
                    "planted_log2fc": planted,
                    "direction": np.select([planted > 0, planted < 0], ["up", "down"], "none"),
                }
            )
        )
    return pd.concat(tables, ignore_index=True)


def patients_truth(patients: pd.DataFrame) -> pd.DataFrame:
    columns = [
        "subject",
        "latent_risk",
        "preexisting",
        "onset_visit",
        "peak_grade",
        "grade_ge2",
        *(f"{draw}_fraction" for draw in DRAWS),
        "missed_visit",
        "missing_draw",
        "low_coverage_draw",
    ]
    return patients[columns].round(4)


def association_truth() -> pd.DataFrame:
    return pd.DataFrame(ASSOCIATIONS, columns=["readout", "timepoint", "model", "expected_direction"])


def strandedness_truth(bulk: list[BulkSample], sc_samples: list[str]) -> pd.DataFrame:
    rows = [(b.sample, b.strandedness) for b in bulk] + [(sample, "forward") for sample in sc_samples]
    return pd.DataFrame(rows, columns=["sample", "strandedness"])
