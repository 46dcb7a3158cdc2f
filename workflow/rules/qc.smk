# Per-sample quality control (ire1seq.qc): mapping rate, genes detected, XBP1 reads, strandedness,
# each with its threshold; failed samples are printed at the end of the run (onsuccess).


rule sample_qc:
    input:
        logs=list(mapping_logs().values()),
        reads=reads_checks(),
        samples=config["samples"],
        counts="results/counts/bulk_counts.tsv",
        strandedness="results/counts/strandedness.tsv",
        xbp1="results/xbp1/bulk.tsv",
        alignments=[
            path for found in qc_alignments().values() for path in found.values()
        ],
    output:
        report(
            "results/qc/samples.tsv",
            caption="../report/table_qc.rst",
            category="Quality control",
        ),
    log:
        "logs/sample_qc/sample_qc.log",
    benchmark:
        "benchmarks/sample_qc/sample_qc.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=10,
    params:
        mapping_logs=mapping_logs(),
        reads_checks=reads_checks(),
        alignments=qc_alignments(),
        xbp1_settings=config["xbp1"],
        thresholds=config["qc"],
    script:
        "../../scripts/sample_qc.py"
