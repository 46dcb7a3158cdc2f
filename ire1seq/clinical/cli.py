"""`ire1seq clinical`: join readouts to patients' CIPN outcomes and test their association."""

import argparse
from pathlib import Path

from ire1seq.clinical import PATIENT_BLOOD
from ire1seq.errors import InputError


def _names(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def _filter(text: str) -> dict:
    pairs = [item.split("=", 1) for item in _names(text)]
    if any(len(pair) != 2 for pair in pairs):
        raise argparse.ArgumentTypeError(f"expected COLUMN=VALUE[,COLUMN=VALUE...], got {text!r}")
    return dict(pairs)


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "clinical",
        help="join per-sample readouts to CIPN outcomes; association statistics and plots",
        description=(
            "Reads the clinical sheet (one row per patient × visit), picks the patient blood samples "
            "from the sample sheet and joins their readouts by subject + visit. Writes visits, "
            "patients, tte (time to first CTCAE grade ≥ 2), association and unmatched tables to OUTDIR "
            "(TSV and Parquet) and figures to --plots."
        ),
    )
    parser.add_argument(
        "--clinical",
        required=True,
        help="clinical.tsv (subject, visit, day, cum_dose_mg_m2, ctcae_sensory_grade, ...)",
    )
    parser.add_argument(
        "--samples", required=True, help="samples.tsv (sample, subject, organism, tissue, assay, visit, ...)"
    )
    parser.add_argument("--scores", required=True, help="per-sample readouts (results/scores/samples.tsv)")
    parser.add_argument(
        "--qc", help="per-sample QC (results/qc/samples.tsv): samples with qc_status fail enter no model"
    )
    parser.add_argument("-o", "--outdir", required=True, type=Path, help="directory for the tables")
    parser.add_argument(
        "--baseline-visit",
        default="baseline",
        help="visit label of the pre-treatment sample (default: baseline)",
    )
    parser.add_argument(
        "--on-treatment-visit",
        default=None,
        help="visit label for on-treatment values and change (default: the first sampled visit after baseline)",
    )
    parser.add_argument(
        "--covariates",
        type=_names,
        default=[],
        help="comma-separated clinical.tsv columns to adjust logistic and Cox models for (default: none)",
    )
    parser.add_argument(
        "--sample-covariates",
        type=_names,
        default=[],
        help="comma-separated --scores columns measured at each draw (e.g. composition_plasmablast), "
        "adjusted for at the same draw (default: none)",
    )
    parser.add_argument(
        "--readouts",
        type=_names,
        default=None,
        help="comma-separated readout columns to test (default: every numeric column except sample, CI, status)",
    )
    parser.add_argument(
        "--sample-filter",
        type=_filter,
        default=PATIENT_BLOOD,
        help="COLUMN=VALUE pairs that mark patient blood samples in samples.tsv (default: organism=human,assay=bulk)",
    )
    parser.add_argument(
        "--primary",
        type=_primary,
        default=None,
        metavar="READOUT:TIMEPOINT:MODEL",
        help="the primary endpoint, e.g. fraction_spliced:longitudinal:cox_tv (default: molecular_fraction, "
        "else fraction_spliced, at longitudinal:cox_tv)",
    )
    parser.add_argument(
        "--keep-baseline-grade-ge2",
        dest="exclude_baseline_grade_ge2",
        action="store_false",
        help="keep patients with grade ≥ 2 at baseline in the outcome models (default: left out)",
    )
    parser.add_argument(
        "--change-adjusts-for-baseline",
        action="store_true",
        help="adjust logistic and Cox models of the change for the baseline value (ANCOVA)",
    )
    parser.add_argument(
        "--bootstrap", type=int, default=2000, help="bootstrap resamples for the AUC interval (default: 2000)"
    )
    parser.add_argument("--seed", type=int, default=1, help="bootstrap seed (default: 1)")
    parser.add_argument("--plots", type=Path, default=None, help="directory for the figures (default: OUTDIR/plots)")
    parser.set_defaults(func=run)


def _primary(text: str) -> dict:
    parts = text.split(":")
    if len(parts) != 3 or not all(parts):
        raise argparse.ArgumentTypeError(f"expected READOUT:TIMEPOINT:MODEL, got {text!r}")
    return dict(zip(("readout", "timepoint", "model"), parts))


def run(args) -> None:
    from ire1seq.clinical.pipeline import TABLES, run_clinical_tables
    from ire1seq.clinical.plots import PLOTS, plot_clinical
    from ire1seq.io import refuse_overwrite

    if args.bootstrap < 100:
        raise InputError(f"--bootstrap {args.bootstrap} is too few resamples for a 95% interval; use at least 100.")
    plots = args.plots or args.outdir / "plots"
    outputs = [args.outdir / f"{name}.{kind}" for name in TABLES for kind in ("tsv", "parquet")]
    refuse_overwrite([*outputs, *(plots / name for name in PLOTS)], [args.clinical, args.samples, args.scores, args.qc])
    run_clinical_tables(
        clinical=args.clinical,
        samples=args.samples,
        scores=args.scores,
        qc=args.qc,
        outdir=args.outdir,
        baseline_visit=args.baseline_visit,
        on_treatment_visit=args.on_treatment_visit,
        covariates=args.covariates,
        sample_covariates=args.sample_covariates,
        readouts=args.readouts,
        sample_filter=args.sample_filter,
        primary=args.primary,
        exclude_baseline_grade_ge2=args.exclude_baseline_grade_ge2,
        change_adjusts_for_baseline=args.change_adjusts_for_baseline,
        bootstrap=args.bootstrap,
        seed=args.seed,
    )
    plot_clinical(tables_dir=args.outdir, plot_dir=plots)
