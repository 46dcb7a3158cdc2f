"""DNA as numpy arrays of base codes (A=0, C=1, G=2, T=3), so whole read sets are built at once."""

import numpy as np

ASCII = np.frombuffer(b"ACGT", dtype=np.uint8)
_CODES = np.full(256, 255, dtype=np.uint8)
_CODES[ASCII] = np.arange(4, dtype=np.uint8)


def encode(sequence: str) -> np.ndarray:
    """Codes of an ACGT string (upper case)."""
    codes = _CODES[np.frombuffer(sequence.upper().encode(), dtype=np.uint8)]
    if (codes == 255).any():
        raise ValueError(f"non-ACGT base in {sequence[:40]}...")
    return codes


def decode(codes: np.ndarray) -> str:
    return ASCII[codes].tobytes().decode()


def random_sequence(rng: np.random.Generator, length: int, gc: float = 0.48) -> np.ndarray:
    """Uniform random sequence with the given GC content."""
    at, cg = (1 - gc) / 2, gc / 2
    return rng.choice(4, size=length, p=[at, cg, cg, at]).astype(np.uint8)


def reverse_complement(codes: np.ndarray) -> np.ndarray:
    """Reverse complement along the last axis (one sequence or a matrix of reads)."""
    return (3 - codes[..., ::-1]).astype(np.uint8)


def substitute(rng: np.random.Generator, reads: np.ndarray, rate: float) -> np.ndarray:
    """Copy of reads with ~`rate` of bases (uniform positions) replaced by one of the other three."""
    out = reads.copy()
    flat = out.reshape(-1)
    where = rng.integers(0, flat.size, rng.binomial(flat.size, rate))
    flat[where] = (flat[where] + rng.integers(1, 4, where.size)) % 4
    return out
