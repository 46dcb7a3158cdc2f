import math
import os

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from ire1seq.errors import InputError
from ire1seq.sheets import load_samples, load_units

validate(config, workflow.source_path("../schemas/config.schema.yaml"))

try:
    samples = load_samples(
        config["samples"],
        workflow.source_path("../schemas/samples.schema.yaml"),
        config["genomes"],
    )
    units = load_units(
        config["units"], workflow.source_path("../schemas/units.schema.yaml"), samples
    )
except InputError as err:
    raise WorkflowError(str(err))


wildcard_constraints:
    sample="|".join(map(re.escape, samples.index)),
    genome="|".join(map(re.escape, config["genomes"])),


# 10x chemistries: (cell-barcode length, UMI length); the UMI follows the barcode in read 1.
CHEMISTRY = {"10xv2": (16, 10), "10xv3": (16, 12)}


def bulk_samples():
    return list(samples.index[samples["assay"] == "bulk"])


def sc_samples():
    return list(samples.index[samples["assay"] == "sc"])


def samples_of(subset):
    """Samples whose sheet columns equal the given values (a list means any of them)."""
    keep = pd.Series(True, index=samples.index)
    for column, wanted in subset.items():
        values = wanted if isinstance(wanted, list) else [wanted]
        keep &= samples.get(column, pd.Series(index=samples.index)).isin(
            map(str, values)
        )
    return list(samples.index[keep])


def genome_of(sample):
    return samples.loc[sample, "organism"]


def sample_units(sample):
    return units.loc[sample]


def is_prealigned(sample):
    return sample_units(sample)["bam"].notna().all()


def is_paired_end(sample):
    return sample_units(sample)["fq2"].notna().all()


def get_fasta(wildcards):
    return config["genomes"][genome_of(wildcards.sample)]["fasta"]


def get_gtf(wildcards):
    return config["genomes"][genome_of(wildcards.sample)]["gtf"]


def get_site(wildcards):
    return f"results/xbp1/site/{genome_of(wildcards.sample)}.json"


def get_star_index(wildcards):
    return f"resources/star/{genome_of(wildcards.sample)}"


def get_fastqs(wildcards):
    """All units' FASTQs of a sample: mate 1 files, then mate 2 files (STAR's comma lists)."""
    table = sample_units(wildcards.sample)
    return list(table["fq1"]) + list(table["fq2"].dropna())


def star_reads_in(wildcards, input):
    """STAR --readFilesIn: units comma-joined per mate; for 10x, cDNA read first."""
    table = sample_units(wildcards.sample)
    mates = [",".join(table["fq1"])]
    if is_paired_end(wildcards.sample):
        mates.append(",".join(table["fq2"]))
    if samples.loc[wildcards.sample, "assay"] == "sc":
        mates.reverse()
    return " ".join(mates)


def star_read_groups(wildcards):
    table = sample_units(wildcards.sample)
    return " , ".join(f"ID:{unit} SM:{wildcards.sample}" for unit in table["unit"])


def solo_barcodes(wildcards):
    """STARsolo barcode/UMI geometry from the sample's 10x chemistry."""
    chemistry = sample_units(wildcards.sample)["chemistry"].iloc[0]
    cb_len, umi_len = CHEMISTRY[chemistry]
    return (
        f"--soloCBstart 1 --soloCBlen {cb_len} "
        f"--soloUMIstart {cb_len + 1} --soloUMIlen {umi_len}"
    )


def get_alignment(wildcards):
    """The sample's coordinate-sorted BAM/CRAM and its index (user inputs are read in place)."""
    sample = wildcards.sample
    if not is_prealigned(sample):
        bam = f"results/star/{sample}/Aligned.sortedByCoord.out.bam"
        return {"bam": bam, "index": bam + ".bai"}
    bam = get_user_alignment_of(sample)
    suffix = ".crai" if bam.endswith(".cram") else ".bai"
    for index in (bam + suffix, os.path.splitext(bam)[0] + suffix, bam + ".csi"):
        if os.path.exists(index):
            return {"bam": bam, "index": index}
    return {"bam": bam, "index": f"results/index/{sample}{suffix}"}


def get_user_alignment_of(sample):
    return sample_units(sample)["bam"].iloc[0]


def get_user_alignment(wildcards):
    return get_user_alignment_of(wildcards.sample)


def gene_counts_of(sample):
    """STAR's per-gene table, or featureCounts' three strand settings for pre-aligned BAMs."""
    if is_prealigned(sample):
        return expand(
            "results/featurecounts/{sample}/s{strand}.tsv",
            sample=sample,
            strand=[0, 1, 2],
        )
    return [f"results/star/{sample}/ReadsPerGene.out.tab"]


def all_gene_counts(wildcards):
    return [path for sample in bulk_samples() for path in gene_counts_of(sample)]


def genome_sa_bases(wildcards, input):
    """STAR's --genomeSAindexNbases: min(14, log2(genome length)/2 - 1), from the FASTA size."""
    size = os.path.getsize(input.fasta)
    return min(14, max(4, int(math.log2(size) / 2 - 1)))


def get_matrix(wildcards):
    """Filtered feature-barcode matrix (10x h5, mtx dir, or STARsolo's matrix.mtx in its dir)."""
    if is_prealigned(wildcards.sample):
        return sample_units(wildcards.sample)["matrix"].iloc[0]
    return f"results/star/{wildcards.sample}/Solo.out/Gene/filtered/matrix.mtx"


def all_outputs():
    targets = [
        "results/counts/bulk_counts.tsv",
        "results/xbp1/bulk.tsv",
        "results/xbp1/xbp1_mqc.tsv",
        "results/plots/xbp1/fraction_spliced.png",
    ]
    targets += expand(
        "results/plots/xbp1/reads/{sample}.png", sample=config["xbp1"]["plot_reads"]
    )
    if sc_samples():
        targets.append("results/xbp1/pseudobulk.tsv")
    if config.get("clinical_table"):
        targets += [
            "results/clinical/association.tsv",
            "results/plots/clinical/roc.png",
        ]
    return targets


def declared_strandedness(sample):
    return sample_units(sample)["strandedness"].iloc[0]


def bam_is_paired(sample):
    """Look at the first reads of a pre-aligned BAM: are they paired?"""
    import pysam

    with pysam.AlignmentFile(get_user_alignment_of(sample)) as bam:
        for read, _ in zip(bam.fetch(until_eof=True), range(1000)):
            if read.is_paired:
                return True
    return False
