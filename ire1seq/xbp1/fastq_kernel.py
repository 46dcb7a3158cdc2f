"""The compiled pass of `xbp1 fastq` (numba): parse FASTQ records and flag reads holding a probe.

Kept apart from ire1seq.xbp1.fastq so numba is imported (and its cached machine code loaded) only
when a FASTQ is actually scanned.
"""

import numba

MAX_MISMATCHES = 1
_AT, _PLUS, _NL, _SPACE, _TAB, _SLASH = (ord(c) for c in "@+\n \t/")
# status codes: OK, a side ran out of complete records, output full, or a format error
OK, NEED1, NEED2, FULL, BAD_HEADER, BAD_PLUS, BAD_QUALITY, BAD_NAMES = range(8)


@numba.njit(cache=True, nogil=True)
def _line_end(buf, start, end):
    for i in range(start, end):
        if buf[i] == _NL:
            return i
    return -1


@numba.njit(cache=True, nogil=True)
def _record(buf, start, end):
    """(status, line of the record at fault, sequence start, sequence end, next record)."""
    if start >= end:
        return NEED1, 0, 0, 0, 0
    if buf[start] != _AT:
        return BAD_HEADER, 1, 0, 0, 0
    head = _line_end(buf, start, end)
    if head < 0:
        return NEED1, 0, 0, 0, 0
    seq_end = _line_end(buf, head + 1, end)
    if seq_end < 0 or seq_end + 1 >= end:
        return NEED1, 0, 0, 0, 0
    if buf[seq_end + 1] != _PLUS:
        return BAD_PLUS, 3, 0, 0, 0
    plus = _line_end(buf, seq_end + 1, end)
    if plus < 0:
        return NEED1, 0, 0, 0, 0
    qual_end = plus + 1 + seq_end - head - 1
    if qual_end >= end:
        return NEED1, 0, 0, 0, 0
    if buf[qual_end] != _NL:
        return BAD_QUALITY, 4, 0, 0, 0
    return OK, 0, head + 1, seq_end, qual_end + 1


@numba.njit(cache=True, nogil=True)
def _name_end(buf, start):
    """End of a read's name (after '@', before a space, without a /1 or /2 suffix)."""
    i = start + 1
    while buf[i] != _NL and buf[i] != _SPACE and buf[i] != _TAB:
        i += 1
    if i - start > 2 and buf[i - 2] == _SLASH and (buf[i - 1] == 49 or buf[i - 1] == 50):
        i -= 2
    return i


@numba.njit(cache=True, nogil=True)
def _same_name(b1, s1, b2, s2):
    e1, e2 = _name_end(b1, s1), _name_end(b2, s2)
    if e1 - s1 != e2 - s2:
        return False
    for i in range(e1 - s1):
        if b1[s1 + i] != b2[s2 + i]:
            return False
    return True


@numba.njit(cache=True, nogil=True)
def _mismatches(buf, offset, lut, probe):
    count = 0
    for j in range(probe.size):
        if lut[buf[offset + j]] != probe[j]:
            count += 1
            if count > MAX_MISMATCHES:
                break
    return count


@numba.njit(cache=True, nogil=True)
def _classify(buf, start, end, lut, table, k, kmers, codes, kinds):
    """Class bits of one read: grid k-mers found in the bitmap anchor the probes they occur in.

    Bases are coded (byte >> 1) & 3, which needs no table; each grid k-mer is the previous one
    shifted by one 4-base block, so the loop has no long dependency chain.
    """
    mask = (1 << (2 * k)) - 1
    h, blocks, cls, size = 0, 0, 0, codes.shape[1]
    for i in range(start, end - 3, 4):
        block = (
            ((buf[i] >> 1) & 3) << 6
            | ((buf[i + 1] >> 1) & 3) << 4
            | ((buf[i + 2] >> 1) & 3) << 2
            | ((buf[i + 3] >> 1) & 3)
        )
        h = ((h << 8) | block) & mask
        blocks += 1
        if blocks * 4 < k or not (table[h >> 3] >> (h & 7)) & 1:
            continue
        at = i + 4 - k
        for p in range(codes.shape[0]):
            if cls & kinds[p]:
                continue
            for j in range(kmers.shape[1]):
                offset = at - j
                if (
                    kmers[p, j] == h
                    and start <= offset <= end - size
                    and _mismatches(buf, offset, lut, codes[p]) <= MAX_MISMATCHES
                ):
                    cls |= kinds[p]
                    break
    return cls


@numba.njit(cache=True, nogil=True)
def scan(b1, s1, e1, b2, s2, e2, paired, use1, use2, lut, table, k, kmers, codes, kinds, out):
    """Parse records (pairs) until a side runs out, `out` fills or a record is malformed.

    Returns (status, mate at fault, line of its record, s1, s2, records parsed, candidates);
    out[i] = (record, class, start of mate 1's sequence, class of mate 1, class of mate 2, length of
    mate 1, length of mate 2 or 0) for each read pair with a class.
    """
    parsed, found = 0, 0
    while found < out.shape[0]:
        status, line, seq1, end1, next1 = _record(b1, s1, e1)
        if status != OK:
            return status, 1, line, s1, s2, parsed, found
        cls1, cls2, length2 = 0, 0, 0
        if paired:
            status, line, seq2, end2, next2 = _record(b2, s2, e2)
            if status == NEED1:
                return NEED2, 2, 0, s1, s2, parsed, found
            if status != OK:
                return status, 2, line, s1, s2, parsed, found
            if not _same_name(b1, s1, b2, s2):
                return BAD_NAMES, 2, 1, s1, s2, parsed, found
            if use2:
                cls2 = _classify(b2, seq2, end2, lut, table, k, kmers, codes, kinds)
            length2 = end2 - seq2
            s2 = next2
        if use1:
            cls1 = _classify(b1, seq1, end1, lut, table, k, kmers, codes, kinds)
        if cls1 | cls2:
            out[found, 0], out[found, 1], out[found, 2] = parsed, cls1 | cls2, seq1
            out[found, 3], out[found, 4], out[found, 5], out[found, 6] = cls1, cls2, end1 - seq1, length2
            found += 1
        s1 = next1
        parsed += 1
    return FULL, 0, 0, s1, s2, parsed, found
