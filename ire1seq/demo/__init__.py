"""Deterministic demo cohort: mini genomes, bulk and 10x FASTQ, clinical table and planted truth.

Run ``python -m ire1seq.demo --out resources/demo --sheets resources/demo/config``; see resources/demo/README.md.
"""
