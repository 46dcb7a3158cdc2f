# Differential expression (pydeseq2), gene-set tests, per-sample scores and DE plots (ire1seq.de).
# One fit per design (pickled), reused by each of its contrasts; outputs in docs/outputs.md.
from ire1seq.de.design import contrast_designs, contrast_spec, fit_spec


wildcard_constraints:
    design=any_of(config["de"]["designs"]),
    contrast=any_of(contrast_designs(config["de"])),


# Each figure is drawn by the job that holds its data in memory (the fit, the contrast).
rule de_fit:
    input:
        counts="results/counts/bulk_counts.tsv",
        samples=config["samples"],
        genesets=config["de"]["genesets"],
    output:
        fit="results/de/{design}/fit.pkl",
        normalized="results/de/{design}/normalized_counts.tsv",
        vst="results/de/{design}/vst.tsv",
        pca=report(
            "results/plots/de/{design}.pca.png",
            caption="../report/de_pca.rst",
            category="Differential expression",
            subcategory="{design}",
        ),
        heatmap=report(
            "results/plots/de/{design}.heatmap.png",
            caption="../report/de_heatmap.rst",
            category="Differential expression",
            subcategory="{design}",
        ),
    log:
        "logs/de_fit/{design}.log",
    benchmark:
        "benchmarks/de_fit/{design}.tsv"
    conda:
        "../../envs/pydeseq2.yaml"
    threads: 4
    resources:
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=120,
    params:
        design=lambda wc: fit_spec(config["de"], wc.design),
        control_genes=config["de"]["control_genes"],
    script:
        "../../scripts/de_fit.py"


rule de_contrast:
    input:
        fit=lambda wc: f"results/de/{contrast_designs(config['de'])[wc.contrast]}/fit.pkl",
        genesets=config["de"]["genesets"],
    output:
        results="results/de/{contrast}/results.tsv",
        genesets="results/de/{contrast}/genesets.tsv",
        volcano=report(
            "results/plots/de/{contrast}.volcano.png",
            caption="../report/de_volcano.rst",
            category="Differential expression",
            subcategory="{contrast}",
        ),
    log:
        "logs/de_contrast/{contrast}.log",
    benchmark:
        "benchmarks/de_contrast/{contrast}.tsv"
    conda:
        "../../envs/pydeseq2.yaml"
    threads: 2
    resources:
        mem_mb=lambda wc, attempt: 4000 * attempt,
        runtime=60,
    params:
        contrast=lambda wc: contrast_spec(config["de"], wc.contrast),
        alpha=config["de"]["alpha"],
    script:
        "../../scripts/de_contrast.py"


# Every sample scored alone (decoupler ULM on its own log2 CPM, against de.control_genes when
# given), plus blood composition.
rule scores:
    input:
        unpack(composition_inputs),
        counts="results/counts/bulk_counts.tsv",
        genesets=config["de"]["genesets"],
        samples=config["samples"],
        xbp1="results/xbp1/bulk.tsv",
    output:
        "results/scores/samples.tsv",
    log:
        "logs/scores/scores.log",
    benchmark:
        "benchmarks/scores/scores.tsv"
    conda:
        "../../envs/scores.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=30,
    params:
        min_cpm=config["de"]["score_min_cpm"],
        control_genes=config["de"]["control_genes"],
        composition=config["de"]["composition"],
    script:
        "../../scripts/scores.py"


rule de_plot_scores:
    input:
        samples=config["samples"],
        scores="results/scores/samples.tsv",
    output:
        report(
            "results/plots/de/{design}.scores.png",
            caption="../report/de_scores.rst",
            category="Differential expression",
            subcategory="{design}",
        ),
    log:
        "logs/de_plot_scores/{design}.log",
    benchmark:
        "benchmarks/de_plot_scores/{design}.tsv"
    conda:
        "../../envs/pydeseq2.yaml"
    threads: 1
    resources:
        mem_mb=lambda wc, attempt: 2000 * attempt,
        runtime=20,
    params:
        design=lambda wc: fit_spec(config["de"], wc.design),
    script:
        "../../scripts/de_plot_scores.py"
