import functools
import math
import os

from snakemake.exceptions import WorkflowError

from ire1seq.chemistry import CHEMISTRY
from ire1seq.data import fill_packaged_paths
from ire1seq.de.design import targets as de_targets
from ire1seq.errors import InputError
from ire1seq.io import is_gzipped
from ire1seq.preflight import check_config, sc_dataset
from ire1seq.sc.settings import targets as sc_targets
from ire1seq.salmon import library_type
from ire1seq.schemas import validate_config
from ire1seq.sheets import load_samples, load_units, near_misses

try:
    validate_config(
        config,
        workflow.source_path("../schemas/config.schema.yaml"),
        workflow.configfiles,
    )
    fill_packaged_paths(config)
    samples = load_samples(
        config["samples"],
        workflow.source_path("../schemas/samples.schema.yaml"),
        config["genomes"],
    )
    units = load_units(
        config["units"], workflow.source_path("../schemas/units.schema.yaml"), samples
    )
    check_config(config, samples, config["samples"])
except InputError as err:
    raise WorkflowError(str(err))


def any_of(names):
    """Wildcard regex matching exactly these names (nothing at all for an empty list)."""
    return "|".join(map(re.escape, names)) or "(?!)"


wildcard_constraints:
    sample=any_of(samples.index),
    genome=any_of(config["genomes"]),


def bulk_samples():
    return list(samples.index[samples["assay"] == "bulk"])


def sc_samples():
    return list(samples.index[samples["assay"] == "sc"])


def genome_of(sample):
    return samples.loc[sample, "organism"]


@functools.cache
def sample_units(sample):
    return units.loc[sample]


def is_prealigned(sample):
    return sample_units(sample)["bam"].notna().all()


def is_paired_end(sample):
    return sample_units(sample)["fq2"].notna().all()


# A gzipped genome FASTA or GTF is decompressed once under results/resources/ (decompress_reference
# in ref.smk), never beside the input; plain files are used where they are.
def reference(genome, kind):
    """The path rules read genome `genome`'s `kind` (fasta, gtf) from."""
    path = config["genomes"][genome][kind]
    if is_gzipped(path):
        return f"results/resources/{genome}.{kind}"
    return path


def get_fasta(wildcards):
    return reference(genome_of(wildcards.sample), "fasta")


def get_gtf(wildcards):
    return reference(genome_of(wildcards.sample), "gtf")


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


def check_reads_args(wildcards):
    """`ire1seq check-reads` files: read 1 of every unit, then read 2 of every unit."""
    table = sample_units(wildcards.sample)
    mates = " ".join(table["fq2"].dropna())
    return f"--r1 {' '.join(table['fq1'])}" + (f" --r2 {mates}" if mates else "")


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


def xbp1_read_options(per_cell=False):
    """`ire1seq xbp1 quant` options from the config's xbp1 section."""
    settings = config["xbp1"]
    flags = {
        "--include-duplicates": settings["include_duplicates"],
        "--no-rescue": not settings["rescue_softclip"],
        "--scan-unmapped": settings["scan_unmapped"],
    }
    starts = settings["cell_read_starts"] if per_cell else settings["read_starts"]
    options = [
        f"--min-mapq {settings['min_mapq']}",
        f"--min-overhang {settings['min_overhang']}",
        f"--min-informative {settings['min_informative']}",
        f"--read-starts {starts}",
    ] + [flag for flag, on in flags.items() if on]
    if per_cell:
        options.append(
            f"--cell-tag {settings['cell_tag']} --umi-tag {settings['umi_tag']}"
        )
    return " ".join(options)


def alignment_of(sample):
    """The sample's coordinate-sorted BAM/CRAM and its index (user inputs are read in place)."""
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


def get_alignment(wildcards):
    return alignment_of(wildcards.sample)


def reads_xbp1_from_fastq(sample):
    """Laptop mode reads the XBP1 readout of FASTQ units straight from the reads."""
    return laptop_mode() and not is_prealigned(sample)


def xbp1_alignment_samples(genome):
    """Bulk samples of a genome whose XBP1 readout is counted in their alignments."""
    return [
        s
        for s in bulk_samples()
        if genome_of(s) == genome and not reads_xbp1_from_fastq(s)
    ]


def get_xbp1_alignments(wildcards):
    """BAM/CRAM files and indexes of a genome's xbp1_quant job, in sample order."""
    found = [alignment_of(s) for s in xbp1_alignment_samples(wildcards.genome)]
    return {"bams": [a["bam"] for a in found], "indexes": [a["index"] for a in found]}


def xbp1_quant_runs(wildcards, input):
    """`ire1seq xbp1 quant` names and index files, one of each per BAM, in input order."""
    names = [f"--sample {s}" for s in xbp1_alignment_samples(wildcards.genome)]
    return " ".join(names + [f"--index {index}" for index in input.indexes])


def xbp1_bulk_tables(wildcards):
    """Per-genome tables counted in alignments, then per-sample tables read from FASTQ."""
    genomes = dict.fromkeys(genome_of(s) for s in bulk_samples())
    tables = [
        f"results/xbp1/alignments/{g}.tsv" for g in genomes if xbp1_alignment_samples(g)
    ]
    return tables + [
        f"results/xbp1/bulk/{s}.tsv" for s in bulk_samples() if reads_xbp1_from_fastq(s)
    ]


def get_user_alignment_of(sample):
    return sample_units(sample)["bam"].iloc[0]


def user_alignments_by_genome():
    """genome → {sample: BAM/CRAM} of the pre-aligned samples."""
    found = {}
    for sample in samples.index:
        if is_prealigned(sample):
            found.setdefault(genome_of(sample), {})[sample] = get_user_alignment_of(
                sample
            )
    return found


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
    dataset = wildcards.dataset
    spec = config["sc"]["datasets"][dataset]
    return list(sc_dataset(samples, dataset, spec, config["samples"]).index)


def sc_matrices(wildcards):
    return [matrix_of(sample) for sample in sc_dataset_samples(wildcards)]


def sc_xbp1_cells(wildcards):
    return expand(
        "results/xbp1/cells/{sample}.tsv", sample=sc_dataset_samples(wildcards)
    )


def all_outputs():
    targets = [
        "results/counts/bulk_counts.tsv",
        "results/qc/samples.tsv",
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
    return any_of([s for s in of_assay if reads_xbp1_from_fastq(s)])


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


# --- quality control and the end-of-run summary (rules in qc.smk) ---


def aligner_dir(sample):
    """results/<aligner>/<sample>: the job that first reads the sample's FASTQ (none if pre-aligned)."""
    if is_prealigned(sample):
        return None
    if samples.loc[sample, "assay"] == "sc":
        return f"results/{'kallisto' if laptop_mode() else 'star'}/{sample}"
    return f"results/{'salmon' if laptop_mode() else 'star'}/{sample}"


def mapping_logs():
    """sample → the aligner's log that holds its mapping rate (STAR, salmon or kallisto)."""
    logs = {
        "star": "Log.final.out",
        "salmon": "aux_info/meta_info.json",
        "kallisto": "run_info.json",
    }
    found = {}
    for sample in samples.index:
        folder = aligner_dir(sample)
        if folder:
            found[sample] = f"{folder}/{logs[folder.split('/')[1]]}"
    return found


def qc_alignments():
    """sample → {bam, index, site, reference} of the samples whose XBP1 readout is read from alignments."""
    return {
        s: {
            **alignment_of(s),
            "site": f"results/xbp1/site/{genome_of(s)}.json",
            "reference": reference(genome_of(s), "fasta"),
        }
        for genome in config["genomes"]
        for s in xbp1_alignment_samples(genome)
    }


def reads_checks():
    """The FASTQ check table of every sample read from FASTQ (written by its alignment job)."""
    return [
        f"{aligner_dir(s)}/reads_check.tsv" for s in samples.index if aligner_dir(s)
    ]


def left_out_samples():
    """Per DE design, the samples its subset misses in one column (as a label typo would)."""
    return {
        f"DE design {name}": [
            f"{sample} ({why})"
            for sample, why in near_misses(
                samples, spec.get("subset", {}), sheet=config["samples"], what=name
            ).items()
        ]
        for name, spec in config["de"]["designs"].items()
    }


def print_run_summary():
    from ire1seq.qc import run_summary

    lines = run_summary(
        qc_table="results/qc/samples.tsv",
        unmatched="results/clinical/unmatched.tsv",
        left_out=left_out_samples(),
    )
    if lines:
        print(
            "\nire1seq summary (details in results/qc/samples.tsv):", *lines, sep="\n  "
        )


def composition_inputs(wildcards):
    """The scores rule's composition inputs: the marker list and, with a reference sc dataset, its
    pseudobulk counts and sheet."""
    settings = config["de"]["composition"]
    if not settings:
        return {}
    inputs = {"markers": settings["markers"]}
    if settings.get("reference"):
        folder = f"results/sc/{settings['reference']}"
        inputs |= {
            "reference_counts": f"{folder}/pseudobulk_counts.tsv",
            "reference_sheet": f"{folder}/pseudobulk_samples.tsv",
        }
    return inputs
