"""The demo cohort design and every planted value: who is sampled, and what each sample expresses.

Expected fragment counts per gene are log-linear: baseline level (jittered per gene) + batch +
patient + planted condition effects, times a size factor and the scale.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ire1seq.demo.bulk import BulkSample
from ire1seq.demo.genes import CATALOGUE, PROGRAM
from ire1seq.demo.patients import ACTIVATION, DRAWS, LOW_DEPTH, draw_patients
from ire1seq.demo.seeds import stream

SINGLE_END_FROM = 25  # patients P25–P30 are sequenced single-end
CYCLE1_EFFECTS = {"xbp1s_target": 0.5, "ridd": -0.4}  # plus PROGRAM: 0.8 + 0.5 z; × ACTIVATION per draw
PACLITAXEL_EFFECTS = {PROGRAM: 2.0, "xbp1s_target": 1.0, "ridd": -1.0}  # WT DRG macrophages
SC_MACROPHAGE_EFFECTS = {PROGRAM: 2.0}
MOUSE_ARMS = (
    ("WT", "WT", "none"),
    ("KO", "KO", "none"),
    ("IRE1i", "WT", "IRE1i"),
)  # label, genotype, inhibitor
MOUSE_FRACTIONS = {  # planted XBP1s fraction per (label, treatment)
    ("WT", "vehicle"): 0.05,
    ("WT", "paclitaxel"): 0.45,
    ("KO", "vehicle"): 0.02,
    ("KO", "paclitaxel"): 0.02,
    ("IRE1i", "vehicle"): 0.03,
    ("IRE1i", "paclitaxel"): 0.06,
}
REPLICATES = 4
TWO_LANE_SAMPLES = ("DRG_WT_ptx_2", "DRG_KO_veh_3")
TREATMENT_LABEL = {"vehicle": "veh", "paclitaxel": "ptx"}
SC_SAMPLES = (
    ("SC_veh_1", "vehicle"),
    ("SC_veh_2", "vehicle"),
    ("SC_ptx_1", "paclitaxel"),
    ("SC_ptx_2", "paclitaxel"),
)
SAMPLE_COLUMNS = [
    "sample",
    "subject",
    "organism",
    "tissue",
    "assay",
    "visit",
    "treatment",
    "genotype",
    "inhibitor",
    "batch",
]


@dataclass(frozen=True)
class Cohort:
    patients: pd.DataFrame
    samples: pd.DataFrame  # samples.tsv
    bulk: list[BulkSample]


def effects(organism: str, log2fc: dict[str, float]) -> np.ndarray:
    """Per-gene log2 fold change from per-category values (0 for categories not named)."""
    return np.array([log2fc.get(gene.category, 0.0) for gene in CATALOGUE[organism]])


def levels(organism: str) -> np.ndarray:
    """Baseline level per gene, jittered (log-normal, SD 0.3) except XBP1, whose depth is planned."""
    genes = CATALOGUE[organism]
    jitter = stream("levels", organism).normal(0, 0.3, len(genes))
    return np.array([g.level * (1 if g.category == "xbp1" else np.exp(j)) for g, j in zip(genes, jitter)])


def batch_effects(organism: str) -> dict[str, np.ndarray]:
    """Small log2 batch effect on every gene (b2 relative to b1)."""
    n_genes = len(CATALOGUE[organism])
    return {"b1": np.zeros(n_genes), "b2": stream("batch", organism).normal(0, 0.15, n_genes)}


def expected_counts(organism: str, sample: str, log2_effects: np.ndarray, scale: float) -> np.ndarray:
    size_factor = np.exp(stream("size_factor", sample).normal(0, 0.2))
    return levels(organism) * 2.0**log2_effects * size_factor * scale


def human_samples(patients: pd.DataFrame, scale: float) -> tuple[list[dict], list[BulkSample]]:
    """A blood sample at every draw of every patient, but for missed visits and missing draws."""
    rows, bulk = [], []
    batches = batch_effects("human")
    for number, patient in enumerate(patients.itertuples(), start=1):
        patient_effect = stream("patient", patient.subject).normal(0, 0.25, len(CATALOGUE["human"]))
        for index, (visit, activation) in enumerate(zip(DRAWS, ACTIVATION)):
            if visit in (patient.missed_visit, patient.missing_draw):
                continue
            on_treatment = {category: activation * value for category, value in CYCLE1_EFFECTS.items()}
            effect = effects("human", {**on_treatment, PROGRAM: activation * patient.inflammatory_log2fc})
            sample, batch = f"{patient.subject}_{visit}", f"b{(number - 1 + index) % 2 + 1}"
            depth = scale * (LOW_DEPTH if visit == patient.low_coverage_draw else 1)
            means = expected_counts("human", sample, patient_effect + batches[batch] + effect, depth)
            fraction = getattr(patient, f"{visit}_fraction")
            bulk.append(BulkSample(sample, "human", means, fraction, number < SINGLE_END_FROM, "reverse"))
            rows.append(
                dict(
                    sample=sample,
                    subject=patient.subject,
                    organism="human",
                    tissue="leukocyte",
                    assay="bulk",
                    visit=visit,
                    treatment="paclitaxel",
                    batch=batch,
                )
            )
    return rows, bulk


def mouse_samples(scale: float) -> tuple[list[dict], list[BulkSample]]:
    """6 groups × 4 replicates of DRG macrophages; paclitaxel acts only in WT without inhibitor."""
    rows, bulk = [], []
    batches = batch_effects("mouse")
    for label, genotype, inhibitor in MOUSE_ARMS:
        for treatment in ("vehicle", "paclitaxel"):
            responds = label == "WT" and treatment == "paclitaxel"
            effect = effects("mouse", PACLITAXEL_EFFECTS if responds else {})
            for replicate in range(1, REPLICATES + 1):
                sample = f"DRG_{label}_{TREATMENT_LABEL[treatment]}_{replicate}"
                batch = "b1" if replicate <= REPLICATES // 2 else "b2"
                units = ("L1", "L2") if sample in TWO_LANE_SAMPLES else ("L1",)
                means = expected_counts("mouse", sample, batches[batch] + effect, scale)
                fraction = MOUSE_FRACTIONS[label, treatment]
                bulk.append(BulkSample(sample, "mouse", means, fraction, True, "none", units))
                rows.append(
                    dict(
                        sample=sample,
                        subject=f"m{len(rows) + 1:02d}",
                        organism="mouse",
                        tissue="DRG_macrophage",
                        assay="bulk",
                        treatment=treatment,
                        genotype=genotype,
                        inhibitor=inhibitor,
                        batch=batch,
                    )
                )
    return rows, bulk


def sc_rows() -> list[dict]:
    first = len(MOUSE_ARMS) * 2 * REPLICATES + 1
    return [
        dict(
            sample=sample,
            subject=f"m{first + i:02d}",
            organism="mouse",
            tissue="DRG",
            assay="sc",
            treatment=treatment,
            genotype="WT",
            inhibitor="none",
        )
        for i, (sample, treatment) in enumerate(SC_SAMPLES)
    ]


def build_cohort(scale: float) -> Cohort:
    patients = draw_patients()
    human_rows, human_bulk = human_samples(patients, scale)
    mouse_rows, mouse_bulk = mouse_samples(scale)
    samples = pd.DataFrame(human_rows + mouse_rows + sc_rows(), columns=SAMPLE_COLUMNS)
    return Cohort(patients, samples, human_bulk + mouse_bulk)
