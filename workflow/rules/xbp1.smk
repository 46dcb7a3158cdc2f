# XBP1 splicing, the IRE1α readout (ire1seq.xbp1; definitions in docs/xbp1.md). The 26-nt intron
# is found in each reference by sequence (its STAR junction line feeds star_index), then the reads
# at the site are counted per bulk sample and per cell by the `ire1seq xbp1 quant` command, which
# starts in a fraction of a second (no pandas).


rule xbp1_locate:
    input:
        fasta=lambda wc: reference(wc.genome, "fasta"),
    output:
        site="results/xbp1/site/{genome}.json",
        sjdb="results/xbp1/site/{genome}.sjdb.tsv",
        splice_sites="results/xbp1/site/{genome}.ss.tsv",
    log:
        "logs/xbp1_locate/{genome}.log",
    benchmark:
        "benchmarks/xbp1_locate/{genome}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=30,
    params:
        organism=lambda wc: wc.genome,
    script:
        "../../scripts/xbp1_locate.py"


# One job per genome counts every bulk sample aligned to it: the work is a fraction of a second
# per sample, less than what a job of its own costs to schedule. A new or changed sample reruns
# its genome's job (seconds), never an alignment.
rule xbp1_quant:
    input:
        unpack(get_xbp1_alignments),
        site="results/xbp1/site/{genome}.json",
        fasta=lambda wc: reference(wc.genome, "fasta"),
    output:
        "results/xbp1/alignments/{genome}.tsv",
    log:
        "logs/xbp1_quant/{genome}.log",
    benchmark:
        "benchmarks/xbp1_quant/{genome}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=lambda wc, input: 10 + len(input.bams) // 10,
    params:
        runs=xbp1_quant_runs,
        options=xbp1_read_options(),
    shell:
        "ire1seq xbp1 quant {input.bams} {params.runs} --site {input.site}"
        " --reference {input.fasta} {params.options} -o {output} 2> {log}"


# The cohort table, the same readout as MultiQC general-statistics custom content, and its figure.
rule xbp1_bulk:
    input:
        tables=xbp1_bulk_tables,
        samples=config["samples"],
    output:
        table=report(
            "results/xbp1/bulk.tsv",
            caption="../report/table_xbp1.rst",
            category="XBP1 splicing",
        ),
        multiqc="results/xbp1/xbp1_mqc.tsv",
        plot=report(
            "results/plots/xbp1/fraction_spliced.png",
            caption="../report/xbp1_fraction.rst",
            category="XBP1 splicing",
        ),
    log:
        "logs/xbp1_bulk/xbp1_bulk.log",
    benchmark:
        "benchmarks/xbp1_bulk/xbp1_bulk.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=10,
    params:
        order=bulk_samples(),
    script:
        "../../scripts/xbp1_bulk.py"


# Per-cell UMIs, restricted to the cells of the filtered matrix (its barcodes file).
rule xbp1_cells:
    input:
        unpack(get_alignment),
        site=get_site,
        fasta=get_fasta,
        barcodes=get_matrix,
    output:
        "results/xbp1/cells/{sample}.tsv",
    log:
        "logs/xbp1_cells/{sample}.log",
    benchmark:
        "benchmarks/xbp1_cells/{sample}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=120,
    params:
        options=xbp1_read_options(per_cell=True),
    shell:
        "ire1seq xbp1 quant {input.bam} --index {input.index} --site {input.site}"
        " --reference {input.fasta} --sample {wildcards.sample} {params.options}"
        " --per-cell --barcodes {input.barcodes} -o {output} 2> {log}"


# Cells pooled per sample x cell type (cell types from the single-cell analysis).
rule xbp1_pseudobulk:
    input:
        cells=expand("results/xbp1/cells/{sample}.tsv", sample=sc_samples()),
        groups=expand(
            "results/sc/{dataset}_celltypes.tsv", dataset=config["sc"]["datasets"]
        ),
    output:
        "results/xbp1/pseudobulk.tsv",
    log:
        "logs/xbp1_pseudobulk/xbp1_pseudobulk.log",
    benchmark:
        "benchmarks/xbp1_pseudobulk/xbp1_pseudobulk.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=10,
    params:
        min_informative=config["xbp1"]["min_informative"],
    script:
        "../../scripts/xbp1_pseudobulk.py"


rule xbp1_plot_reads:
    input:
        unpack(get_alignment),
        site=get_site,
        fasta=get_fasta,
    output:
        report(
            "results/plots/xbp1/reads/{sample}.png",
            caption="../report/xbp1_reads.rst",
            category="XBP1 splicing",
            subcategory="Reads at the site",
        ),
    log:
        "logs/xbp1_plot_reads/{sample}.log",
    benchmark:
        "benchmarks/xbp1_plot_reads/{sample}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=10,
    params:
        settings=config["xbp1"],
    script:
        "../../scripts/xbp1_plot_reads.py"
