"""`ire1seq sc`: the workflow's single-cell step on the command line."""

from pathlib import Path

from ire1seq.errors import InputError
from ire1seq.sc.settings import QcThresholds, ScSettings

DEFAULTS = ScSettings()


def register(subparsers) -> None:
    sc = subparsers.add_parser(
        "sc",
        help="single-cell: QC, clusters, cell types, per-cell XBP1 and program scores (scanpy)",
        description="Read filtered feature-barcode matrices, remove low-quality cells and doublets, "
        "cluster, label cell types from marker lists and join per-cell XBP1 molecule counts; writes an "
        "annotated .h5ad (raw counts in layers['counts']), OUT_qc.tsv and OUT_celltypes.tsv.",
    )
    sc.add_argument(
        "--matrix",
        required=True,
        nargs="+",
        metavar="[SAMPLE=]PATH",
        help="filtered matrix per sample: 10x .h5, or an mtx directory (STARsolo Solo.out/Gene/filtered, "
        "Cell Ranger filtered_feature_bc_matrix); SAMPLE defaults to the file or directory name",
    )
    sc.add_argument(
        "--organism",
        choices=("human", "mouse"),
        required=True,
        help="picks the bundled marker list and the organism's gene-set rows",
    )
    sc.add_argument("-o", "--output", required=True, help="annotated AnnData (.h5ad)")
    sc.add_argument(
        "--xbp1-cells",
        nargs="+",
        default=[],
        metavar="TSV",
        help="per-cell XBP1 tables (sample, barcode, spliced, unspliced, ambiguous) from "
        "`ire1seq xbp1 quant --per-cell`",
    )
    sc.add_argument("--samples", help="samples.tsv: its columns (treatment, batch, ...) are copied to each cell")
    sc.add_argument(
        "--markers",
        help="marker list TSV (cell_type, gene, organism, source, confidence[, parent]); "
        "default: the bundled list of the organism (mouse DRG, human blood)",
    )
    sc.add_argument("--genesets", help="folder of gene-set TSVs scored per cell as score_<set> (resources/genesets)")
    qc = DEFAULTS.qc
    sc.add_argument(
        "--min-genes", type=int, default=qc.min_genes, help=f"QC: fewest genes per cell (default {qc.min_genes})"
    )
    sc.add_argument(
        "--min-counts", type=int, default=qc.min_counts, help=f"QC: fewest UMIs per cell (default {qc.min_counts})"
    )
    sc.add_argument(
        "--max-pct-mt",
        type=float,
        default=qc.max_pct_mt,
        help=f"QC: highest mitochondrial share, %% (default {qc.max_pct_mt})",
    )
    sc.add_argument("--no-doublets", action="store_true", help="QC: skip doublet calling (scrublet)")
    sc.add_argument(
        "--doublet-threshold",
        type=float,
        default=qc.doublet_threshold,
        help=f"QC: scrublet score above which a cell is a doublet (default {qc.doublet_threshold})",
    )
    sc.add_argument(
        "--resolution",
        type=float,
        default=DEFAULTS.resolution,
        help=f"Leiden resolution (default {DEFAULTS.resolution})",
    )
    sc.add_argument(
        "--integration",
        choices=("none", "harmony"),
        default=DEFAULTS.integration,
        help="batch correction of the PCA before clustering (harmony needs harmonypy; default none)",
    )
    sc.add_argument(
        "--batch-key",
        default=DEFAULTS.batch_key,
        help=f"obs/samples.tsv column harmony corrects for (default {DEFAULTS.batch_key})",
    )
    sc.add_argument(
        "--pseudobulk-min-cells",
        type=int,
        default=DEFAULTS.pseudobulk_min_cells,
        help=f"fewer cells of a type in a sample: left out of its pseudobulk (default {DEFAULTS.pseudobulk_min_cells})",
    )
    sc.add_argument(
        "--min-informative",
        type=int,
        default=DEFAULTS.min_informative,
        help="fewer informative XBP1 molecules in a cell type: status low_coverage in xbp1_by_celltype.tsv "
        f"(default {DEFAULTS.min_informative})",
    )
    sc.add_argument(
        "--min-confidence",
        type=float,
        default=DEFAULTS.min_confidence,
        help="share of a cluster's cells that must prefer its cell type over the runner-up; "
        f"below it the cluster is unassigned (default {DEFAULTS.min_confidence})",
    )
    sc.add_argument(
        "--condition",
        default=DEFAULTS.condition,
        help=f"samples.tsv column the plots split by (default {DEFAULTS.condition}; sample if absent)",
    )
    sc.add_argument("--plots", metavar="DIR", help="also write UMAP, XBP1 and program figures (+ XBP1 table) here")
    sc.add_argument(
        "--pseudobulk",
        metavar="DIR",
        help="also write pseudobulk_counts.tsv and pseudobulk_samples.tsv (sample x cell type) here, "
        "ready for `ire1seq de --subset cell_type=...`",
    )
    sc.set_defaults(func=run_sc)


def parse_matrices(items: list[str]) -> dict[str, str]:
    """SAMPLE=PATH items (or bare paths, named after the file or directory) → {sample: path}."""
    matrices = {}
    for item in items:
        sample, sep, path = item.partition("=")
        if not sep:
            path = item
            sample = Path(item.rstrip("/")).name.removesuffix(".h5")
        if sample in matrices:
            raise InputError(f"--matrix: sample {sample} is given twice; name each as SAMPLE=PATH.")
        matrices[sample] = path
    return matrices


def run_sc(args) -> None:
    from ire1seq.io import refuse_overwrite
    from ire1seq.sc.analyse import run

    settings = ScSettings(
        qc=QcThresholds(
            min_genes=args.min_genes,
            min_counts=args.min_counts,
            max_pct_mt=args.max_pct_mt,
            doublets=not args.no_doublets,
            doublet_threshold=args.doublet_threshold,
        ),
        resolution=args.resolution,
        integration=args.integration,
        batch_key=args.batch_key,
        min_confidence=args.min_confidence,
        condition=args.condition,
        pseudobulk_min_cells=args.pseudobulk_min_cells,
        min_informative=args.min_informative,
    )
    stem = str(Path(args.output).with_suffix(""))
    plots = Path(args.plots) if args.plots else None
    pseudobulk = Path(args.pseudobulk) if args.pseudobulk else None
    matrices = parse_matrices(args.matrix)
    outputs = [args.output, f"{stem}_qc.tsv", f"{stem}_celltypes.tsv"]
    outputs += [plots / n for n in ("umap.png", "xbp1.png", "programs.png", "xbp1_by_celltype.tsv")] if plots else []
    outputs += [pseudobulk / n for n in ("pseudobulk_counts.tsv", "pseudobulk_samples.tsv")] if pseudobulk else []
    refuse_overwrite(outputs, [*matrices.values(), *args.xbp1_cells, args.samples, args.markers, args.genesets])
    run(
        matrices=matrices, h5ad_out=args.output, qc_out=f"{stem}_qc.tsv", celltypes_out=f"{stem}_celltypes.tsv",
        organism=args.organism, markers=args.markers, xbp1_cells=args.xbp1_cells, sheet=args.samples,
        genesets_dir=args.genesets, settings=settings,
        plots=plots and {"umap_out": plots / "umap.png", "xbp1_out": plots / "xbp1.png",
                         "programs_out": plots / "programs.png", "table_out": plots / "xbp1_by_celltype.tsv"},
        pseudobulk=pseudobulk and {"counts_out": pseudobulk / "pseudobulk_counts.tsv",
                                   "sheet_out": pseudobulk / "pseudobulk_samples.tsv"},
    )  # fmt: skip
