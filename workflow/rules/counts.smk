rule count_matrix:
    input:
        tables=all_gene_counts,
        genes="results/counts/genes.tsv",
    output:
        counts="results/counts/bulk_counts.tsv",
        strandedness="results/counts/strandedness.tsv",
    log:
        "logs/count_matrix/count_matrix.log",
    benchmark:
        "benchmarks/count_matrix/count_matrix.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=30,
    params:
        tables={sample: gene_counts_of(sample) for sample in bulk_samples()},
        declared={sample: declared_strandedness(sample) for sample in bulk_samples()},
    script:
        "../../scripts/count_matrix.py"
