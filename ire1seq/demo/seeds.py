"""One fixed seed, split into independent named streams so each part is reproducible on its own.

A sample's reads depend only on its own stream, so changing the scale, skipping FASTQ or adding a
sample never changes the planted values of the others.
"""

import zlib

import numpy as np

SEED = 20190823


def stream(*key: str) -> np.random.Generator:
    """Generator for one purpose, e.g. stream("fragments", "P01_baseline")."""
    return np.random.default_rng([SEED, zlib.crc32("/".join(key).encode())])
