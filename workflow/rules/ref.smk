rule decompress_reference:
    input:
        lambda wc: config["genomes"][wc.genome][wc.kind],
    output:
        "results/resources/{genome}.{kind}",
    log:
        "logs/decompress_reference/{genome}.{kind}.log",
    benchmark:
        "benchmarks/decompress_reference/{genome}.{kind}.tsv"
    wildcard_constraints:
        kind="fasta|gtf",
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 500 * attempt,
        runtime=30,
    shell:
        "gzip -dc {input} > {output} 2> {log}"


# The GTFs, checked against the contigs of their FASTA (recorded by xbp1_locate) and of the
# pre-aligned BAM/CRAM files, before anything is counted.
rule gene_table:
    input:
        gtfs=[reference(genome, "gtf") for genome in config["genomes"]],
        sites=expand("results/xbp1/site/{genome}.json", genome=config["genomes"]),
        alignments=[get_user_alignment_of(s) for s in samples.index if is_prealigned(s)],
    output:
        "results/counts/genes.tsv",
    log:
        "logs/gene_table/gene_table.log",
    benchmark:
        "benchmarks/gene_table/gene_table.tsv"
    conda:
        "../../envs/python.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 1000 * attempt,
        runtime=10,
    params:
        genomes=list(config["genomes"]),
        alignments=user_alignments_by_genome(),
    script:
        "../../scripts/gene_table.py"


# The XBP1 26-nt intron is non-canonical and absent from common annotations: STAR finds it
# only when it is given as a known junction, so the located site goes into the index.
rule star_index:
    input:
        fasta=lambda wc: reference(wc.genome, "fasta"),
        gtf=lambda wc: reference(wc.genome, "gtf"),
        sjdb="results/xbp1/site/{genome}.sjdb.tsv",
    output:
        directory("resources/star/{genome}"),
    log:
        "logs/star_index/{genome}.log",
    benchmark:
        "benchmarks/star_index/{genome}.tsv"
    conda:
        "../../envs/star.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 32000 * attempt,
        runtime=120,
    params:
        sa_bases=genome_sa_bases,
        overhang=config["align"]["sjdb_overhang"],
    shell:
        "mkdir -p {output} && STAR --runMode genomeGenerate --runThreadN {threads}"
        " --genomeDir {output} --genomeFastaFiles {input.fasta}"
        " --sjdbGTFfile {input.gtf} --sjdbFileChrStartEnd {input.sjdb}"
        " --sjdbOverhang {params.overhang} --genomeSAindexNbases {params.sa_bases}"
        " --outFileNamePrefix {output}/"
        " --outTmpDir $(mktemp -u -d {resources.tmpdir}/star_index_{wildcards.genome}.XXXXXX)"
        " > {log} 2>&1"
