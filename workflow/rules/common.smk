import functools
import math
import os

import pandas as pd
from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from ire1seq.clinical.validate import check_config as check_clinical
from ire1seq.de.design import targets as de_targets
from ire1seq.errors import InputError
from ire1seq.io import is_gzipped
from ire1seq.sc.settings import targets as sc_targets
from ire1seq.salmon import library_type
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
    if config.get("clinical_table"):
        check_clinical(config)
except InputError as err:
    raise WorkflowError(str(err))


def any_of(names):
    """Wildcard regex matching exactly these names (nothing at all for an empty list)."""
    return "|".join(map(re.escape, names)) or "(?!)"


wildcard_constraints:
    sample=any_of(samples.index),
    genome=any_of(config["genomes"]),


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


@functools.cache
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


def get_whitelist(wildcards):
    """The 10x barcode whitelist, as plain text: STARsolo and bustools misread a gzipped one."""
    path = config["align"]["solo"].get("whitelist")
    if path is None:
        raise WorkflowError(
            f"10x sample {wildcards.sample} needs the chemistry's cell-barcode whitelist: set "
            "align.solo.whitelist in the config (e.g. Cell Ranger's 3M-february-2018.txt for 10xv3)."
        )
    if os.path.isfile(path) and is_gzipped(path):
        raise WorkflowError(
            f"align.solo.whitelist {path} is gzip-compressed; STARsolo and bustools read plain "
            f"text: decompress it (gunzip -c {path} > whitelist.txt) and point the config there."
        )
    return path


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
        return {"bam": bam, "index": f"{bam}.bai"}
    bam = get_user_alignment_of(sample)
    suffix = ".crai" if bam.endswith(".cram") else ".bai"
    stem = os.path.splitext(bam)[0]
    for index in (f"{bam}{suffix}", f"{stem}{suffix}", f"{bam}.csi"):
        if os.path.exists(index):
            return {"bam": bam, "index": index}
    return {"bam": bam, "index": f"results/index/{sample}{suffix}"}


def get_user_alignment_of(sample):
    return sample_units(sample)["bam"].iloc[0]


def get_user_alignment(wildcards):
    return get_user_alignment_of(wildcards.sample)


def get_countable_alignment(wildcards):
    """featureCounts reads BAM, not CRAM: a CRAM is decoded to a temporary BAM first."""
    alignment = get_user_alignment_of(wildcards.sample)
    if alignment.endswith(".cram"):
        return f"results/featurecounts/{wildcards.sample}/decoded.bam"
    return alignment


def gene_counts_of(sample):
    """STAR's or salmon's per-gene table, or featureCounts' three strand settings for BAMs."""
    if uses_salmon(sample):
        return [f"results/salmon/{sample}/ReadsPerGene.tsv"]
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


def matrix_of(sample):
    """Filtered feature-barcode matrix (10x h5, mtx dir, or STARsolo's matrix.mtx in its dir)."""
    if is_prealigned(sample):
        return sample_units(sample)["matrix"].iloc[0]
    if laptop_mode():
        return f"results/kallisto/{sample}/filtered/matrix.mtx"
    return f"results/star/{sample}/Solo.out/Gene/filtered/matrix.mtx"


def get_matrix(wildcards):
    return matrix_of(wildcards.sample)


def sc_dataset_samples(wildcards):
    return samples_of(config["sc"]["datasets"][wildcards.dataset]["subset"])


def sc_matrices(wildcards):
    return [matrix_of(sample) for sample in sc_dataset_samples(wildcards)]


def sc_xbp1_cells(wildcards):
    return expand(
        "results/xbp1/cells/{sample}.tsv", sample=sc_dataset_samples(wildcards)
    )


def all_outputs():
    targets = [
        "results/counts/bulk_counts.tsv",
        "results/xbp1/bulk.tsv",
        "results/xbp1/xbp1_mqc.tsv",
        "results/plots/xbp1/fraction_spliced.png",
    ]
    if not laptop_mode():  # read-structure plots need alignments
        targets += expand(
            "results/plots/xbp1/reads/{sample}.png",
            sample=config["plots"]["xbp1_reads"],
        )
    targets += de_targets(config["de"])
    if sc_samples():
        targets.append("results/xbp1/pseudobulk.tsv")
    targets += sc_targets(config["sc"])
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

    fasta = config["genomes"][genome_of(sample)]["fasta"]  # CRAM needs its reference
    with pysam.AlignmentFile(
        get_user_alignment_of(sample), reference_filename=fasta
    ) as bam:
        for read, _ in zip(bam.fetch(until_eof=True), range(1000)):
            if read.is_paired:
                return True
    return False


# --- laptop mode (config mode: laptop) and quantifier: salmon; rules in laptop.smk ---


def laptop_mode():
    return config["mode"] == "laptop"


def uses_salmon(sample):
    """FASTQ bulk samples are counted by salmon in laptop mode or with quantifier: salmon."""
    salmon = laptop_mode() or config["quantifier"] == "salmon"
    return salmon and not is_prealigned(sample)


def fastq_readout_pattern(assay):
    """Regex of the samples whose XBP1 readout comes straight from FASTQ (laptop mode,
    FASTQ units)."""
    of_assay = samples.index[samples["assay"] == assay]
    return any_of([s for s in of_assay if laptop_mode() and not is_prealigned(s)])


def get_fq1s(wildcards):
    return list(sample_units(wildcards.sample)["fq1"])


def get_fq2s(wildcards):
    return list(sample_units(wildcards.sample)["fq2"].dropna())


def get_transcripts(wildcards):
    genome = config["genomes"][wildcards.genome]
    if "transcripts" not in genome:
        raise WorkflowError(
            f"genomes.{wildcards.genome}.transcripts is not set: salmon (mode laptop or "
            "quantifier salmon) needs the transcript FASTA of the genome's GTF."
        )
    return genome["transcripts"]


def get_salmon_index(wildcards):
    return f"resources/salmon/{genome_of(wildcards.sample)}"


def salmon_reads_in(wildcards, input):
    """salmon quant's reads: -1 R1s -2 R2s, or -r for single-end (units space-separated)."""
    if is_paired_end(wildcards.sample):
        return f"-1 {' '.join(input.fq1)} -2 {' '.join(input.fq2)}"
    return f"-r {' '.join(input.fq1)}"


def salmon_libtype(wildcards):
    sample = wildcards.sample
    return library_type(declared_strandedness(sample), is_paired_end(sample))


def get_kallisto_index(wildcards):
    return f"resources/kallisto/{genome_of(wildcards.sample)}.idx"


def get_kallisto_t2g(wildcards):
    return f"resources/kallisto/{genome_of(wildcards.sample)}.t2g.tsv"


def kallisto_reads_in(wildcards):
    """kallisto bus's reads: R1 and R2 of each unit in turn."""
    table = sample_units(wildcards.sample)
    return " ".join(f"{r1} {r2}" for r1, r2 in zip(table["fq1"], table["fq2"]))


def chemistry_of(wildcards):
    return sample_units(wildcards.sample)["chemistry"].iloc[0]
