"""The demo cohort design and every planted value: who is sampled, and what each sample expresses.

Expected fragment counts per gene are log-linear: baseline level (jittered per gene) + batch +
patient + planted condition effects, times a size factor and the scale.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ire1seq.demo.bulk import BulkSample
from ire1seq.demo.genes import CATALOGUE, PROGRAM
from ire1seq.demo.seeds import stream

N_PATIENTS = 40
SINGLE_END_FROM = 33  # patients P33–P40 are sequenced single-end
GRADE_NOISE = 0.6  # SD of the noise added to the latent risk to give the peak CTCAE grade
GRADE_CUTS = (-1.2, 0.15, 1.1, 2.2)  # liability cut points for grades 1, 2, 3, 4
CYCLE1_EFFECTS = {"xbp1s_target": 0.5, "ridd": -0.4}  # plus PROGRAM: 0.8 + 0.5 z per patient
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


def draw_patients() -> pd.DataFrame:
    """Latent risk z drives the XBP1s fractions, the inflammatory response and the peak grade."""
    rng = stream("patients")
    z = rng.normal(size=N_PATIENTS)
    baseline = np.clip(0.10 + 0.03 * z, 0.02, 0.5)
    peak = np.digitize(z + rng.normal(0, GRADE_NOISE, N_PATIENTS), GRADE_CUTS)
    return pd.DataFrame(
        {
            "subject": [f"P{i:02d}" for i in range(1, N_PATIENTS + 1)],
            "latent_risk": z,
            "peak_grade": peak,
            "grade_ge2": (peak >= 2).astype(int),
            "baseline_fraction": baseline,
            "cycle1_fraction": np.clip(baseline + 0.12 + 0.08 * z, 0.02, 0.9),
            "inflammatory_log2fc": 0.8 + 0.5 * z,
        }
    )


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
    rows, bulk = [], []
    batches = batch_effects("human")
    for number, patient in enumerate(patients.itertuples(), start=1):
        patient_effect = stream("patient", patient.subject).normal(0, 0.25, len(CATALOGUE["human"]))
        cycle1 = effects("human", {**CYCLE1_EFFECTS, PROGRAM: patient.inflammatory_log2fc})
        visits = (("baseline", 0.0, patient.baseline_fraction), ("cycle1", cycle1, patient.cycle1_fraction))
        for visit_index, (visit, effect, fraction) in enumerate(visits):
            sample, batch = f"{patient.subject}_{visit}", f"b{(number - 1 + visit_index) % 2 + 1}"
            means = expected_counts("human", sample, patient_effect + batches[batch] + effect, scale)
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
