"""Readouts joined to patients' CIPN outcomes (ire1seq clinical). Kept light: the CLI imports it."""

PATIENT_BLOOD = {"organism": "human", "assay": "bulk"}  # samples.tsv values that mark patient blood
