# Single-cell analysis with scanpy (ire1seq.sc): per dataset of sc samples, QC, clusters, cell
# types, per-cell XBP1 and program scores, figures and pseudobulk counts (all from the AnnData in
# memory), then DE for one cell type.


wildcard_constraints:
    dataset=any_of(config["sc"]["datasets"]),
    sc_contrast="[^/]+",


rule sc_analyse:
    input:
        matrices=sc_matrices,
        xbp1=sc_xbp1_cells,
        sheet=config["samples"],
        genesets=config["de"]["genesets"],
        markers=lambda wc: config["sc"]["datasets"][wc.dataset].get("markers", []),
    output:
        h5ad="results/sc/{dataset}.h5ad",
        qc="results/sc/{dataset}_qc.tsv",
        celltypes="results/sc/{dataset}_celltypes.tsv",
        pseudobulk_counts="results/sc/{dataset}/pseudobulk_counts.tsv",
        pseudobulk_sheet="results/sc/{dataset}/pseudobulk_samples.tsv",
        umap=report(
            "results/plots/sc/{dataset}_umap.png",
            caption="../report/sc_umap.rst",
            category="Single cell",
        ),
        xbp1=report(
            "results/plots/sc/{dataset}_xbp1.png",
            caption="../report/sc_xbp1.rst",
            category="Single cell",
        ),
        programs=report(
            "results/plots/sc/{dataset}_programs.png",
            caption="../report/sc_programs.rst",
            category="Single cell",
        ),
        xbp1_table="results/sc/{dataset}/xbp1_by_celltype.tsv",
    log:
        "logs/sc_analyse/{dataset}.log",
    benchmark:
        "benchmarks/sc_analyse/{dataset}.tsv"
    conda:
        "../../envs/scanpy.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 8000 * attempt,
        runtime=60,
    params:
        samples=sc_dataset_samples,
        markers=lambda wc: config["sc"]["datasets"][wc.dataset].get("markers"),
        settings={**config["sc"], "min_informative": config["xbp1"]["min_informative"]},
    script:
        "../../scripts/sc_analyse.py"


rule sc_pseudobulk_de:
    input:
        counts="results/sc/{dataset}/pseudobulk_counts.tsv",
        sheet="results/sc/{dataset}/pseudobulk_samples.tsv",
        genesets=config["de"]["genesets"],
    output:
        results="results/sc/{dataset}/de/{sc_contrast}/results.tsv",
        genesets="results/sc/{dataset}/de/{sc_contrast}/genesets.tsv",
    log:
        "logs/sc_pseudobulk_de/{dataset}.{sc_contrast}.log",
    benchmark:
        "benchmarks/sc_pseudobulk_de/{dataset}.{sc_contrast}.tsv"
    conda:
        "../../envs/scanpy.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=30,
    params:
        spec=lambda wc: config["sc"]["datasets"][wc.dataset]["pseudobulk_de"],
        alpha=config["de"]["alpha"],
    script:
        "../../scripts/sc_pseudobulk_de.py"
