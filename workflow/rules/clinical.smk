# Per-sample readouts joined to patients' CIPN outcomes (ire1seq.clinical; rules in docs/clinical.md).
# Included only when the config names a clinical_table. Samples that fail QC enter no model.


rule clinical_tables:
    input:
        clinical=config["clinical_table"],
        samples=config["samples"],
        scores="results/scores/samples.tsv",
        qc="results/qc/samples.tsv",
    output:
        visits="results/clinical/visits.tsv",
        patients="results/clinical/patients.tsv",
        tte="results/clinical/tte.tsv",
        association=report(
            "results/clinical/association.tsv",
            caption="../report/table_association.rst",
            category="Clinical association",
        ),
        unmatched="results/clinical/unmatched.tsv",
        parquet=expand(
            "results/clinical/{table}.parquet",
            table=["visits", "patients", "tte", "association", "unmatched"],
        ),
    log:
        "logs/clinical_tables/clinical_tables.log",
    benchmark:
        "benchmarks/clinical_tables/clinical_tables.tsv"
    conda:
        "../../envs/stats.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=30,
    params:
        baseline_visit=config["clinical"]["baseline_visit"],
        on_treatment_visit=config["clinical"]["on_treatment_visit"],
        covariates=config["clinical"]["covariates"],
        sample_covariates=config["clinical"]["sample_covariates"],
        readouts=config["clinical"]["readouts"],
        sample_filter=config["clinical"]["samples"],
        primary=config["clinical"]["primary"],
        exclude_baseline_grade_ge2=config["clinical"]["exclude_baseline_grade_ge2"],
        change_adjusts_for_baseline=config["clinical"]["change_adjusts_for_baseline"],
        bootstrap=config["clinical"]["bootstrap"],
        seed=config["clinical"]["seed"],
    script:
        "../../scripts/clinical_tables.py"


rule clinical_plots:
    input:
        visits="results/clinical/visits.tsv",
        patients="results/clinical/patients.tsv",
        tte="results/clinical/tte.tsv",
        association="results/clinical/association.tsv",
    output:
        report(
            "results/plots/clinical/readout_by_outcome.png",
            caption="../report/clinical_readout.rst",
            category="Clinical association",
        ),
        report(
            "results/plots/clinical/roc.png",
            caption="../report/clinical_roc.rst",
            category="Clinical association",
        ),
        report(
            "results/plots/clinical/km_baseline_tertile.png",
            caption="../report/clinical_km.rst",
            category="Clinical association",
        ),
        report(
            "results/plots/clinical/trajectories.png",
            caption="../report/clinical_trajectories.rst",
            category="Clinical association",
        ),
    log:
        "logs/clinical_plots/clinical_plots.log",
    benchmark:
        "benchmarks/clinical_plots/clinical_plots.tsv"
    conda:
        "../../envs/stats.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=10,
    script:
        "../../scripts/clinical_plots.py"
