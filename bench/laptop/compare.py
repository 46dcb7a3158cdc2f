"""Do laptop mode and standard mode reach the same conclusions on the demo cohort?

    .venv/bin/python bench/laptop/compare.py STANDARD_WORKDIR LAPTOP_WORKDIR

Reads the two runs' results/ (e.g. `make demo` in the checkout and `bench/laptop/run.py demo
--keep DIR`) and prints, side by side: significant genes per contrast (padj < 0.05) and the
gene-set calls (q < 0.05); the XBP1 readout per sample; single-cell labels against the planted
truth, the XBP1s fraction per cell type and condition, and the pseudobulk DE; and the clinical
associations (p < 0.05).
"""

import argparse
from pathlib import Path

import pandas as pd

TRUTH = Path(__file__).resolve().parents[2] / "resources/demo/truth"


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")


def contrasts(results: Path) -> list:
    found = sorted(results.glob("de/*/results.tsv")) + sorted(results.glob("sc/*/de/*/results.tsv"))
    return [path.parent.relative_to(results) for path in found]


def significant(results: Path, contrast: Path) -> set:
    table = read(results / contrast / "results.tsv")
    return set(table.loc[table["padj"] < 0.05, "gene_name"])


def set_calls(results: Path, contrast: Path) -> set:
    table = read(results / contrast / "genesets.tsv")
    return {f"{s} {d}" for s, d in table.loc[table["q_value"] < 0.05, ["set", "direction"]].itertuples(index=False)}


def compare_de(standard: Path, laptop: Path) -> None:
    print("contrast                                         standard  laptop  shared   gene-set calls equal")
    for contrast in contrasts(standard):
        a, b = significant(standard, contrast), significant(laptop, contrast)
        same_sets = set_calls(standard, contrast) == set_calls(laptop, contrast)
        print(
            f"{str(contrast):<48}{len(a):>9}{len(b):>8}{len(a & b):>8}   {same_sets} ({', '.join(sorted(set_calls(laptop, contrast)))})"
        )


def compare_xbp1(standard: Path, laptop: Path) -> None:
    a, b = (read(r / "xbp1/bulk.tsv").set_index("sample") for r in (standard, laptop))
    both = a.join(b, lsuffix="_std", rsuffix="_lap")
    inside = (both["fraction_spliced_lap"] >= both["ci_low_std"]) & (
        both["fraction_spliced_lap"] <= both["ci_high_std"]
    )
    r = both["fraction_spliced_std"].corr(both["fraction_spliced_lap"])
    print(
        f"XBP1 bulk: {len(both)} samples, r = {r:.4f}, laptop fraction inside the standard CI in {inside.sum()}/{len(both)}"
    )


def compare_sc(standard: Path, laptop: Path) -> None:
    truth = read(TRUTH / "cells.tsv").set_index(["sample", "barcode"])["cell_type"]
    for name, results in (("standard", standard), ("laptop", laptop)):
        for path in sorted(results.glob("sc/*_celltypes.tsv")):
            labels = read(path).set_index(["sample", "barcode"])["cell_type"]
            agree = (labels == truth.reindex(labels.index)).sum()
            print(f"single-cell {name}: {len(labels)} cells kept, {agree} labelled as planted")
        for path in sorted(results.glob("sc/*/xbp1_by_celltype.tsv")):
            table = read(path).query("cell_type == 'macrophage'")
            cells = ", ".join(
                f"{c} {f:.3f} [{lo:.3f}, {hi:.3f}]"
                for c, f, lo, hi in table[["condition", "fraction_spliced", "ci_low", "ci_high"]].itertuples(
                    index=False
                )
            )
            print(f"  macrophage XBP1s fraction: {cells}")


def compare_clinical(standard: Path, laptop: Path) -> None:
    keys = ["readout", "timepoint", "model"]
    a, b = (read(r / "clinical/association.tsv").set_index(keys) for r in (standard, laptop))
    both = a[["estimate", "p_value"]].join(b[["estimate", "p_value"]], lsuffix="_std", rsuffix="_lap").dropna()
    calls = (both["p_value_std"] < 0.05) == (both["p_value_lap"] < 0.05)
    print(f"clinical: {len(both)} associations, same call at p < 0.05 in {calls.sum()}/{len(both)}")
    print(
        both[both.index.get_level_values("readout").str.startswith(("fraction", "score_inflammatory"))]
        .round(4)
        .to_string()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("standard", type=Path)
    parser.add_argument("laptop", type=Path)
    args = parser.parse_args()
    standard, laptop = args.standard / "results", args.laptop / "results"
    compare_de(standard, laptop)
    compare_xbp1(standard, laptop)
    compare_sc(standard, laptop)
    compare_clinical(standard, laptop)


if __name__ == "__main__":
    main()
