"""`ire1seq de` and `ire1seq score`: the workflow's DE and scoring steps on the command line."""

import re
from pathlib import Path

from ire1seq.errors import InputError

CONTRAST_HELP = """contrast to test (repeatable): VARIABLE,TEST,BASE (e.g. treatment,paclitaxel,vehicle:
TEST vs BASE with the other variables at their base level); an interaction VAR=LEVEL,VAR=LEVEL
(e.g. genotype=KO,treatment=paclitaxel: does KO change the paclitaxel effect?); or coef:COLUMN
(one design-matrix column). Results go to OUTDIR/<contrast name>/results.tsv"""

CONTROL_HELP = "comma-separated gene names that alone set the size factors (default: all genes)"


def register(subparsers) -> None:
    de = subparsers.add_parser(
        "de",
        help="differential expression with pydeseq2 (+ gene-set tests)",
        description="Fit one pydeseq2 model and test contrasts; writes results.tsv (and genesets.tsv) per "
        "contrast under OUTDIR, plus normalized_counts.tsv and vst.tsv.",
    )
    de.add_argument("--counts", required=True, help="genes × samples raw counts: gene_id, gene_name, <sample>...")
    de.add_argument("--samples", required=True, help="samples.tsv with the design variables (and organism)")
    de.add_argument("--design", required=True, help='formula over samples.tsv columns, e.g. "~ batch + treatment"')
    de.add_argument("--contrast", required=True, action="append", help=CONTRAST_HELP)
    de.add_argument(
        "--subset",
        action="append",
        default=[],
        metavar="COLUMN=VALUE[,VALUE]",
        help="keep samples whose COLUMN is one of the values (repeatable; default: all samples)",
    )
    de.add_argument(
        "--level",
        action="append",
        default=[],
        metavar="VARIABLE=BASE",
        help="base level of a variable (default: BASE of a contrast on it, else first alphabetically)",
    )
    de.add_argument("--genesets", help="folder of gene-set TSVs; adds OUTDIR/<contrast>/genesets.tsv (CAMERA)")
    de.add_argument("--control-genes", default="", help=CONTROL_HELP)
    de.add_argument("--alpha", type=float, default=0.05, help="FDR for independent filtering and shares (default 0.05)")
    de.add_argument("--threads", type=int, default=1, help="CPUs for pydeseq2 (default 1)")
    de.add_argument("-o", "--outdir", required=True, help="output folder")
    de.set_defaults(func=run_de)

    score = subparsers.add_parser(
        "score",
        help="per-sample gene-set scores beside the XBP1 readout",
        description="Each sample scored alone: per set, decoupler's univariate linear model (slope) of "
        "the sample's log2(CPM + 1) over the genes it expresses (CPM >= --min-cpm), i.e. the set's genes "
        "above the sample's other genes (down genes flipped). Optionally blood composition per sample.",
    )
    score.add_argument("--counts", required=True, help="genes × samples raw counts: gene_id, gene_name, <sample>...")
    score.add_argument("--genesets", help="folder of gene-set TSVs (default: the sets shipped with ire1seq)")
    score.add_argument("--xbp1", help="XBP1 splicing table from `ire1seq xbp1 quant` (bulk.tsv)")
    score.add_argument(
        "--samples", help="samples.tsv giving each sample's organism (default: inferred from the set genes)"
    )
    score.add_argument(
        "--min-cpm", type=float, default=1.0, help="genes a sample expresses: CPM >= this in it (default 1)"
    )
    score.add_argument(
        "--control-genes",
        default="",
        help="comma-separated reference genes of the scores (default: all expressed genes)",
    )
    score.add_argument(
        "--composition-markers", help="marker list: add composition_<type> columns for --composition-subset samples"
    )
    score.add_argument(
        "--composition-subset", default="", help="bulk blood samples, as column=value[,column=value] of --samples"
    )
    score.add_argument("--reference", nargs=2, metavar=("COUNTS", "SHEET"),
                       help="pseudobulk counts and sheet of blood single-cell data (NNLS proportions; default: marker scores)")  # fmt: skip
    score.add_argument("-o", "--output", required=True, help="scores table (TSV)")
    score.set_defaults(func=run_score)


def parse_contrast(text: str) -> tuple[str, dict]:
    """Command-line contrast → (name, config-style spec)."""
    if text.startswith("coef:"):
        coef = text[len("coef:") :]
        return re.sub(r"[^A-Za-z0-9]+", "_", coef).strip("_"), {"coef": coef}
    parts = [p.strip() for p in text.split(",")]
    if all("=" in p for p in parts) and len(parts) >= 2:
        levels = dict(p.split("=", 1) for p in parts)
        return "_x_".join(f"{v}_{lvl}" for v, lvl in levels.items()), {"interaction": levels}
    if len(parts) == 3 and all(parts) and not any("=" in p for p in parts):
        variable, test, base = parts
        return f"{variable}_{test}_vs_{base}", {"variable": variable, "test": test, "base": base}
    raise InputError(
        f"--contrast '{text}' is not understood; write VARIABLE,TEST,BASE (e.g. treatment,paclitaxel,vehicle), "
        "an interaction VAR=LEVEL,VAR=LEVEL (e.g. genotype=KO,treatment=paclitaxel) or coef:COLUMN."
    )


def _pairs(items: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            raise InputError(f"{option} '{item}' must look like NAME=VALUE.")
        pairs[key.strip()] = value.strip()
    return pairs


def run_de(args) -> None:
    from ire1seq.de.design import Design
    from ire1seq.de.fit import expression_tables, fit_design, gene_set_table, test_contrast
    from ire1seq.de.genesets import load_genesets
    from ire1seq.de.inputs import read_counts, read_samples
    from ire1seq.io import refuse_overwrite, write_table

    contrasts = dict(parse_contrast(text) for text in args.contrast)
    outdir = Path(args.outdir)
    outputs = [outdir / name / f for name in contrasts for f in ("results.tsv", "genesets.tsv")]
    outputs += [outdir / "normalized_counts.tsv", outdir / "vst.tsv"]
    refuse_overwrite(outputs, [args.counts, args.samples, args.genesets])
    levels = {spec["variable"]: spec["base"] for spec in contrasts.values() if "variable" in spec}
    levels |= _pairs(args.level, "--level")
    subset = {k: v.split(",") for k, v in _pairs(args.subset, "--subset").items()}
    design = Design("(command line)", args.design, subset, levels, contrasts, _names(args.control_genes))
    dds = fit_design(
        read_counts(args.counts), read_samples(args.samples), design, args.threads, args.counts, args.samples
    )
    genesets = load_genesets(args.genesets) if args.genesets else None
    for name, spec in contrasts.items():
        results = test_contrast(dds, design, name, spec, args.alpha, args.threads)
        write_table(results, outdir / name / "results.tsv")
        if genesets is not None:
            write_table(gene_set_table(dds, results, genesets, args.alpha), outdir / name / "genesets.tsv")
    normalized, vst = expression_tables(dds)
    write_table(normalized, outdir / "normalized_counts.tsv")
    write_table(vst, outdir / "vst.tsv")


def run_score(args) -> None:
    from ire1seq.data import GENESETS
    from ire1seq.de.scores import sample_scores
    from ire1seq.io import refuse_overwrite, write_table

    args.genesets = args.genesets or GENESETS
    inputs = [args.counts, args.genesets, args.xbp1, args.samples, args.composition_markers, *(args.reference or [])]
    refuse_overwrite([args.output], inputs)
    composition = None
    if args.composition_markers:
        from ire1seq.de.composition import for_subset

        subset = _pairs(_names(args.composition_subset), "--composition-subset")
        composition = for_subset(args.composition_markers, subset, args.reference)
    scores = sample_scores(
        args.counts, args.genesets, args.samples, args.xbp1,
        min_cpm=args.min_cpm, control_genes=_names(args.control_genes), composition=composition,
    )  # fmt: skip
    write_table(scores, args.output)


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]
