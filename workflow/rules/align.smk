# Each sample's FASTQ files are checked first (ire1seq check-reads: truncated gzip, missing
# records, mates out of order), so a damaged file is named instead of failing inside STAR.
# Alignment keeps reads over the non-canonical XBP1 junction: no --outSAMstrandField
# intronMotif, no --outFilterIntronMotifs RemoveNoncanonical*, no --outFilterType BySJout.
# Unmapped reads stay in the BAM so the XBP1 quantifier can scan them. STAR refuses an existing
# temporary directory and a killed job leaves its own behind, so each job gets a fresh name.


rule star_align:
    input:
        fastq=get_fastqs,
        index=get_star_index,
    output:
        bam="results/star/{sample}/Aligned.sortedByCoord.out.bam",
        bai="results/star/{sample}/Aligned.sortedByCoord.out.bam.bai",
        counts="results/star/{sample}/ReadsPerGene.out.tab",
        log_final="results/star/{sample}/Log.final.out",
        reads="results/star/{sample}/reads_check.tsv",
    log:
        "logs/star_align/{sample}.log",
    benchmark:
        "benchmarks/star_align/{sample}.tsv"
    wildcard_constraints:
        sample=any_of([s for s in bulk_samples() if not is_prealigned(s)]),
    conda:
        "../../envs/star.yaml"
    threads: config["align"]["threads"]
    resources:
        mem_mb=lambda wc, attempt: 32000 * attempt,
        runtime=240,
    params:
        reads=star_reads_in,
        read_groups=star_read_groups,
        check=check_reads_args,
        extra=config["align"]["star_extra"],
    shell:
        "ire1seq check-reads --sample {wildcards.sample} {params.check} -o {output.reads} 2> {log}"
        " && STAR --runThreadN {threads} --genomeDir {input.index}"
        " --readFilesIn {params.reads} --readFilesCommand gzip -cdf"
        " --outSAMtype BAM SortedByCoordinate --outSAMunmapped Within"
        " --outSAMattrRGline {params.read_groups} --quantMode GeneCounts"
        " --outFileNamePrefix results/star/{wildcards.sample}/"
        " --outTmpDir $(mktemp -u -d {resources.tmpdir}/star_{wildcards.sample}.XXXXXX)"
        " {params.extra}"
        " >> {log} 2>&1 && samtools index {output.bam} 2>> {log}"


rule starsolo:
    input:
        fastq=get_fastqs,
        index=get_star_index,
        whitelist=get_whitelist,
    output:
        bam="results/star/{sample}/Aligned.sortedByCoord.out.bam",
        bai="results/star/{sample}/Aligned.sortedByCoord.out.bam.bai",
        matrix="results/star/{sample}/Solo.out/Gene/filtered/matrix.mtx",
        barcodes="results/star/{sample}/Solo.out/Gene/filtered/barcodes.tsv",
        features="results/star/{sample}/Solo.out/Gene/filtered/features.tsv",
        log_final="results/star/{sample}/Log.final.out",
        reads="results/star/{sample}/reads_check.tsv",
    log:
        "logs/starsolo/{sample}.log",
    benchmark:
        "benchmarks/starsolo/{sample}.tsv"
    wildcard_constraints:
        sample=any_of([s for s in sc_samples() if not is_prealigned(s)]),
    conda:
        "../../envs/star.yaml"
    threads: config["align"]["threads"]
    resources:
        mem_mb=lambda wc, attempt: 32000 * attempt,
        runtime=480,
    params:
        reads=star_reads_in,
        geometry=solo_barcodes,
        cell_filter=config["align"]["solo"]["cell_filter"],
        check=check_reads_args,
        extra=config["align"]["star_extra"],
    shell:
        "ire1seq check-reads --sample {wildcards.sample} {params.check} -o {output.reads} 2> {log}"
        " && STAR --runThreadN {threads} --genomeDir {input.index}"
        " --readFilesIn {params.reads} --readFilesCommand gzip -cdf"
        " --soloType CB_UMI_Simple --soloCBwhitelist {input.whitelist} {params.geometry}"
        " --soloBarcodeReadLength 0 --soloStrand Forward --soloFeatures Gene"
        " --soloCellFilter {params.cell_filter}"
        " --outSAMtype BAM SortedByCoordinate --outSAMunmapped Within"
        " --outSAMattributes NH HI nM AS CR UR CB UB GX GN sS sQ sM"
        " --outFileNamePrefix results/star/{wildcards.sample}/"
        " --outTmpDir $(mktemp -u -d {resources.tmpdir}/starsolo_{wildcards.sample}.XXXXXX)"
        " {params.extra}"
        " >> {log} 2>&1 && samtools index {output.bam} 2>> {log}"


# A user's BAM/CRAM is read in place; without an index beside it, one is made here.
rule index_alignment:
    input:
        get_user_alignment,
    output:
        "results/index/{sample}.{ext}",
    log:
        "logs/index_alignment/{sample}.{ext}.log",
    benchmark:
        "benchmarks/index_alignment/{sample}.{ext}.tsv"
    wildcard_constraints:
        ext="bai|crai",
    conda:
        "../../envs/samtools.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=60,
    params:
        extra="",
    shell:
        "samtools index {input} {output} > {log} 2>&1"


# featureCounts cannot read CRAM: a CRAM is decoded once to a temporary BAM for its three runs.
rule decode_cram:
    input:
        cram=get_user_alignment,
        fasta=get_fasta,
    output:
        temp("results/featurecounts/{sample}/decoded.bam"),
    log:
        "logs/decode_cram/{sample}.log",
    benchmark:
        "benchmarks/decode_cram/{sample}.tsv"
    conda:
        "../../envs/samtools.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=120,
    params:
        extra="",
    shell:
        "samtools view -b -@ {threads} -T {input.fasta} -o {output} {input.cram} > {log} 2>&1"


# featureCounts under each strand setting, so pre-aligned samples get STAR's three columns.
rule featurecounts:
    input:
        bam=get_countable_alignment,
        gtf=get_gtf,
    output:
        "results/featurecounts/{sample}/s{strand}.tsv",
    log:
        "logs/featurecounts/{sample}.s{strand}.log",
    benchmark:
        "benchmarks/featurecounts/{sample}.s{strand}.tsv"
    wildcard_constraints:
        strand="0|1|2",
    conda:
        "../../envs/subread.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=120,
    params:
        paired=lambda wc: "-p --countReadPairs" if bam_is_paired(wc.sample) else "",
    shell:
        "featureCounts -T {threads} -s {wildcards.strand} {params.paired}"
        " -a {input.gtf} -o {output} {input.bam} > {log} 2>&1"
