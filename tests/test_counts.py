"""Per-sample count tables: featureCounts' three strand runs read as STAR's three columns."""

import pandas as pd
import pytest

from ire1seq.counts import merge_counts, read_featurecounts
from ire1seq.errors import InputError

HEADER = '# Program:featureCounts v2.0.3; Command:"featureCounts" "-s" "{s}"\n'
HEADER += "Geneid\tChr\tStart\tEnd\tStrand\tLength\treads.bam\n"


def featurecounts_output(path, counts):
    rows = "".join(f"{gene}\t22\t1\t100\t+\t100\t{n}\n" for gene, n in counts.items())
    path.write_text(HEADER + rows)
    return path


def test_three_strand_runs_become_starlike_columns_and_the_library_type_is_inferred(tmp_path):
    runs = {"none": {"G1": 100, "G2": 40}, "forward": {"G1": 3, "G2": 1}, "reverse": {"G1": 97, "G2": 39}}
    paths = {strand: featurecounts_output(tmp_path / f"{strand}.tsv", counts) for strand, counts in runs.items()}
    table = read_featurecounts(paths)
    assert table.to_dict("list") == {"unstranded": [100, 40], "forward": [3, 1], "reverse": [97, 39]}
    genes = pd.DataFrame({"gene_id": ["G1", "G2", "G3"], "gene_name": ["XBP1", "TNF", "IL6"]})
    matrix, strandedness = merge_counts({"s1": table}, {"s1": "auto"}, genes)
    assert matrix["s1"].tolist() == [97, 39, 0] and strandedness.loc[0, "inferred"] == "reverse"


def test_a_missing_featurecounts_output_is_named(tmp_path):
    with pytest.raises(InputError, match=r"featureCounts table .*s1.tsv does not exist"):
        read_featurecounts({"forward": tmp_path / "s1.tsv"})
