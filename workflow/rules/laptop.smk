# Laptop mode (config mode: laptop) and quantifier: salmon. No genome index: gene counts come
# from salmon on the transcriptome (the per-sample table has STAR's ReadsPerGene layout, so
# count_matrix merges it as it does STAR's), and the XBP1 readout is read straight from FASTQ
# (ire1seq xbp1 fastq), with the site located in the genome FASTA as in standard mode.


# The FASTQ readout replaces the BAM one for the samples fastq_readout_pattern() matches.
ruleorder: xbp1_fastq_cells > xbp1_cells


rule salmon_index:
    input:
        transcripts=get_transcripts,
    output:
        directory("resources/salmon/{genome}"),
    log:
        "logs/salmon_index/{genome}.log",
    benchmark:
        "benchmarks/salmon_index/{genome}.tsv"
    conda:
        "../../envs/salmon.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 16000 * attempt,
        runtime=120,
    params:
        kmer=config["salmon"]["kmer"],
    shell:
        "salmon index -t {input.transcripts} -i {output} -k {params.kmer}"
        " -p {threads} > {log} 2>&1"


rule salmon_quant:
    input:
        fq1=get_fq1s,
        fq2=get_fq2s,
        index=get_salmon_index,
    output:
        quant="results/salmon/{sample}/quant.sf",
        library="results/salmon/{sample}/lib_format_counts.json",
        meta="results/salmon/{sample}/aux_info/meta_info.json",
        reads="results/salmon/{sample}/reads_check.tsv",
    log:
        "logs/salmon_quant/{sample}.log",
    benchmark:
        "benchmarks/salmon_quant/{sample}.tsv"
    conda:
        "../../envs/salmon.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=120,
    params:
        reads=salmon_reads_in,
        libtype=salmon_libtype,
        check=check_reads_args,
        extra=config["salmon"]["extra"],
    shell:
        "ire1seq check-reads --sample {wildcards.sample} {params.check} -o {output.reads} 2> {log}"
        " && salmon quant -i {input.index} -l {params.libtype} {params.reads}"
        " -p {threads} --validateMappings {params.extra}"
        " -o results/salmon/{wildcards.sample} >> {log} 2>&1"


rule salmon_genes:
    input:
        quant="results/salmon/{sample}/quant.sf",
        library="results/salmon/{sample}/lib_format_counts.json",
        meta="results/salmon/{sample}/aux_info/meta_info.json",
        gtf=get_gtf,
    output:
        "results/salmon/{sample}/ReadsPerGene.tsv",
    log:
        "logs/salmon_genes/{sample}.log",
    benchmark:
        "benchmarks/salmon_genes/{sample}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=10,
    params:
        extra="",
    script:
        "../../scripts/salmon_genes.py"


rule xbp1_fastq:
    input:
        fq1=get_fq1s,
        fq2=get_fq2s,
        site=get_site,
    output:
        "results/xbp1/bulk/{sample}.tsv",
    log:
        "logs/xbp1_fastq/{sample}.log",
    benchmark:
        "benchmarks/xbp1_fastq/{sample}.tsv"
    wildcard_constraints:
        sample=fastq_readout_pattern("bulk"),
    conda:
        "../../envs/python.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=60,
    params:
        settings=config["xbp1"],
    script:
        "../../scripts/xbp1_fastq.py"


# Per cell from the 10x FASTQ pair, restricted to the cells of the filtered matrix.
rule xbp1_fastq_cells:
    input:
        fq1=get_fq1s,
        fq2=get_fq2s,
        site=get_site,
        barcodes=get_matrix,
    output:
        "results/xbp1/cells/{sample}.tsv",
    log:
        "logs/xbp1_fastq_cells/{sample}.log",
    benchmark:
        "benchmarks/xbp1_fastq_cells/{sample}.tsv"
    wildcard_constraints:
        sample=fastq_readout_pattern("sc"),
    conda:
        "../../envs/python.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=60,
    params:
        settings=config["xbp1"],
        chemistry=chemistry_of,
    script:
        "../../scripts/xbp1_fastq_cells.py"


# Single-cell counts without a genome index: kallisto bus, then bustools (barcodes corrected
# against the whitelist, cells called at the knee of the barcode-rank curve, UMIs per gene).
# bustools sort allocates its whole buffer (default 4G) even for small files: -m 1G, spilling to
# temporary files beyond that.
rule kallisto_index:
    input:
        transcripts=get_transcripts,
    output:
        "resources/kallisto/{genome}.idx",
    log:
        "logs/kallisto_index/{genome}.log",
    benchmark:
        "benchmarks/kallisto_index/{genome}.tsv"
    conda:
        "../../envs/kallisto.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 8000 * attempt,
        runtime=120,
    params:
        extra="",
    shell:
        "kallisto index -i {output} {input.transcripts} > {log} 2>&1"


rule kallisto_t2g:
    input:
        transcripts=get_transcripts,
        gtf=lambda wc: reference(wc.genome, "gtf"),
    output:
        "resources/kallisto/{genome}.t2g.tsv",
    log:
        "logs/kallisto_t2g/{genome}.log",
    benchmark:
        "benchmarks/kallisto_t2g/{genome}.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=20,
    params:
        extra="",
    script:
        "../../scripts/kallisto_t2g.py"


rule kallisto_bus:
    input:
        fastq=get_fastqs,
        index=get_kallisto_index,
        t2g=get_kallisto_t2g,
        whitelist=get_whitelist,
    output:
        matrix="results/kallisto/{sample}/counts/cells.mtx",
        barcodes="results/kallisto/{sample}/counts/cells.barcodes.txt",
        genes="results/kallisto/{sample}/counts/cells.genes.txt",
        run_info="results/kallisto/{sample}/run_info.json",
        reads="results/kallisto/{sample}/reads_check.tsv",
    log:
        "logs/kallisto_bus/{sample}.log",
    benchmark:
        "benchmarks/kallisto_bus/{sample}.tsv"
    wildcard_constraints:
        sample=fastq_readout_pattern("sc"),
    conda:
        "../../envs/kallisto.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 8000 * attempt,
        runtime=240,
    params:
        reads=kallisto_reads_in,
        chemistry=chemistry_of,
        check=check_reads_args,
        out=subpath(output.matrix, ancestor=2),
    shell:
        "ire1seq check-reads --sample {wildcards.sample} {params.check} -o {output.reads} 2> {log}"
        " && (kallisto bus -i {input.index} -x {params.chemistry} --fr-stranded -t {threads}"
        " -o {params.out} {params.reads}"
        " && bustools correct -w {input.whitelist} -o {params.out}/corrected.bus {params.out}/output.bus"
        " && bustools sort -t {threads} -m 1G -T {params.out}/sort -o {params.out}/sorted.bus"
        " {params.out}/corrected.bus"
        " && bustools whitelist -o {params.out}/cells.txt {params.out}/sorted.bus"
        " && bustools capture -b -c {params.out}/cells.txt -e {params.out}/matrix.ec"
        " -t {params.out}/transcripts.txt -o {params.out}/cells.bus {params.out}/sorted.bus"
        " && bustools count --genecounts -g {input.t2g} -e {params.out}/matrix.ec"
        " -t {params.out}/transcripts.txt -o {params.out}/counts/cells {params.out}/cells.bus"
        " && rm {params.out}/output.bus {params.out}/corrected.bus {params.out}/sorted.bus"
        ") >> {log} 2>&1"


# The STARsolo layout (genes × cells), so ire1seq sc and the per-cell readout read it alike.
rule kallisto_matrix:
    input:
        matrix="results/kallisto/{sample}/counts/cells.mtx",
        t2g=get_kallisto_t2g,
    output:
        matrix="results/kallisto/{sample}/filtered/matrix.mtx",
        barcodes="results/kallisto/{sample}/filtered/barcodes.tsv",
        features="results/kallisto/{sample}/filtered/features.tsv",
    log:
        "logs/kallisto_matrix/{sample}.log",
    benchmark:
        "benchmarks/kallisto_matrix/{sample}.tsv"
    wildcard_constraints:
        sample=fastq_readout_pattern("sc"),
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=20,
    params:
        extra="",
    script:
        "../../scripts/kallisto_matrix.py"
