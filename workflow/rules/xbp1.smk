# XBP1 splicing, the IRE1α readout (ire1seq.xbp1; SPEC §3). The 26-nt intron is found in each
# reference by sequence (its STAR junction line feeds star_index), then the reads at the site
# are counted per bulk sample and per cell.


rule xbp1_locate:
    input:
        fasta=lambda wc: config["genomes"][wc.genome]["fasta"],
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


rule xbp1_quant:
    input:
        unpack(get_alignment),
        site=get_site,
        fasta=get_fasta,
    output:
        "results/xbp1/bulk/{sample}.tsv",
    log:
        "logs/xbp1_quant/{sample}.log",
    benchmark:
        "benchmarks/xbp1_quant/{sample}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=60,
    params:
        settings=config["xbp1"],
    script:
        "../../scripts/xbp1_quant.py"


# The cohort table, and the same readout as MultiQC general-statistics custom content.
rule xbp1_bulk:
    input:
        expand("results/xbp1/bulk/{sample}.tsv", sample=bulk_samples()),
    output:
        table=report(
            "results/xbp1/bulk.tsv",
            caption="../report/table_xbp1.rst",
            category="XBP1 splicing",
        ),
        multiqc="results/xbp1/xbp1_mqc.tsv",
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
        extra="",
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
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=120,
    params:
        settings=config["xbp1"],
    script:
        "../../scripts/xbp1_cells.py"


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


rule xbp1_plot_fraction:
    input:
        bulk="results/xbp1/bulk.tsv",
        samples=config["samples"],
    output:
        report(
            "results/plots/xbp1/fraction_spliced.png",
            caption="../report/xbp1_fraction.rst",
            category="XBP1 splicing",
        ),
    log:
        "logs/xbp1_plot_fraction/xbp1_plot_fraction.log",
    benchmark:
        "benchmarks/xbp1_plot_fraction/xbp1_plot_fraction.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=10,
    params:
        extra="",
    script:
        "../../scripts/xbp1_plot_fraction.py"


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
