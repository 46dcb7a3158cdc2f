"""ire1seq: a sequencing readout of IRE1α activity (XBP1 splicing) joined to CIPN outcomes."""

__version__ = "0.1.0"
