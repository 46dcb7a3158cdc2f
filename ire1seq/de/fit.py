"""pydeseq2 as designed: one DeseqDataSet fit per design, then a DeseqStats per contrast.

The fit (size factors, dispersion trend and MAP dispersions, LFCs, Cook's distances and refit) and a
blind VST are done once per design and pickled; each contrast reuses it (Wald test, Cook's and
independent filtering, apeGLM shrinkage when the contrast is one design coefficient).
"""

import logging
import pickle

import numpy as np
import pandas as pd
from pydeseq2.dds import DeseqDataSet
from pydeseq2.ds import DeseqStats

from ire1seq.de.design import Design, check_design, contrast_vector
from ire1seq.de.genesets import load_genesets, sets_for
from ire1seq.de.inputs import counts_of, read_counts, read_samples
from ire1seq.de.settest import camera_table, residual_effects
from ire1seq.errors import InputError
from ire1seq.io import output_file, write_table

log = logging.getLogger(__name__)

GENES_PER_WORKER = 2000  # a pydeseq2 worker process takes 1-2 s to start: small matrices fit faster in one


def workers(threads: int, n_genes: int) -> int:
    """Processes for pydeseq2's per-gene fits: one per GENES_PER_WORKER genes, at most `threads`.

    The results do not depend on it; only the time does.
    """
    return max(1, min(threads, n_genes // GENES_PER_WORKER))


RESULT_COLUMNS = [
    "gene_id",
    "gene_name",
    "baseMean",
    "log2FoldChange",
    "lfcSE",
    "stat",
    "pvalue",
    "padj",
    "log2FoldChange_shrunk",
]


def fit_design(
    counts: pd.DataFrame,
    samples: pd.DataFrame,
    design: Design,
    threads: int = 1,
    counts_path="counts table",
    sheet="samples.tsv",
) -> DeseqDataSet:
    """Fit the design on its samples; genes with no reads in them are dropped (and logged).

    `counts` is read_counts' frame (gene_name, then one column per sample); `samples` the sheet.
    """
    meta, organism = check_design(samples, design, sheet)
    chosen = counts_of(counts, meta.index, counts_path)
    expressed = chosen.sum(axis=1) > 0
    kept, dropped = chosen.index[expressed], chosen.index[~expressed]
    log.info(
        "design %s: %d samples; dropped %d genes with zero counts in all of them%s",
        design.name,
        len(meta),
        len(dropped),
        f" (e.g. {', '.join(counts.loc[dropped[:10], 'gene_name'])})" if len(dropped) else "",
    )
    dds = DeseqDataSet(
        counts=chosen.loc[kept].T,
        metadata=meta,
        design=design.formula,
        control_genes=control_gene_ids(counts.loc[kept, "gene_name"], design.control_genes, f"design {design.name}"),
        refit_cooks=True,
        n_cpus=workers(threads, len(kept)),
        quiet=True,
        low_memory=True,
    )
    dds.var["gene_name"] = counts.loc[dds.var_names, "gene_name"].to_numpy()
    dds.uns["organism"] = organism
    dds.deseq2()
    dds.vst(use_design=False)
    return dds


def control_gene_ids(names: pd.Series, control_genes, where: str):
    """Ids of the expressed genes named in control_genes (None when no control genes are set).

    `names` maps gene id → gene name for the expressed genes; control genes of other organisms are
    simply absent, so only an empty match is an error.
    """
    if not control_genes:
        return None
    chosen = names.index[names.isin(control_genes)]
    if chosen.empty:
        raise InputError(
            f"{where}: none of de.control_genes ({', '.join(control_genes)}) has reads; list genes (by "
            "gene_name) expressed in these samples, or leave control_genes empty to use all genes."
        )
    log.info("%s: size factors from %d control genes (%s)", where, len(chosen), ", ".join(names[chosen]))
    return list(chosen)


def test_contrast(dds: DeseqDataSet, design: Design, name: str, spec: dict, alpha=0.05, threads=1) -> pd.DataFrame:
    """The results table of one contrast (docs/outputs.md); log2FoldChange_shrunk is empty unless it is one coefficient."""
    vector, coef = contrast_vector(dds.obsm["design_matrix"], dds.obs, design, name, spec)
    stats = DeseqStats(dds, contrast=vector, alpha=alpha, quiet=True, n_cpus=workers(threads, dds.n_vars))
    stats.summary()
    table = stats.results_df.copy()
    if coef is None:
        log.info("contrast %s is not a single design coefficient: no apeGLM shrinkage", name)
        table["log2FoldChange_shrunk"] = np.nan
    else:
        stats.lfc_shrink(coeff=coef)
        table["log2FoldChange_shrunk"] = stats.results_df["log2FoldChange"]
    table.insert(0, "gene_name", dds.var["gene_name"])
    return table.rename_axis("gene_id").reset_index()[RESULT_COLUMNS]


def gene_set_table(dds: DeseqDataSet, results: pd.DataFrame, genesets: pd.DataFrame, alpha=0.05) -> pd.DataFrame:
    """CAMERA per gene set, with inter-gene correlation from the VST residuals of the design."""
    effects = residual_effects(dds.layers["vst_counts"], dds.obsm["design_matrix"].to_numpy(dtype=float))
    effects = pd.DataFrame(effects, columns=dds.var_names)
    sets = sets_for(genesets, dds.uns.get("organism"), results["gene_name"], "the tested genes")
    return camera_table(results.set_index("gene_id"), effects, sets, alpha)


def expression_tables(dds: DeseqDataSet) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(normalised counts, VST), genes × samples, with gene_id and gene_name first."""

    def table(layer):
        values = pd.DataFrame(dds.layers[layer].T, index=dds.var_names, columns=dds.obs_names)
        values.insert(0, "gene_name", dds.var["gene_name"])
        return values.rename_axis("gene_id").reset_index()

    return table("normed_counts"), table("vst_counts")


def run_design(*, counts, samples, name: str, spec: dict, threads: int, control_genes=(), genesets,
               fit_out, normalized_out, vst_out, pca_out, heatmap_out) -> None:  # fmt: skip
    """Workflow step: fit one design, pickle it, write its normalised counts and VST and draw them."""
    from ire1seq.de.plots import plot_expression

    design = Design.from_config(name, {**spec, "control_genes": list(control_genes)})
    sheet = read_samples(samples)
    dds = fit_design(read_counts(counts), sheet, design, threads, counts, samples)
    normalized, vst = expression_tables(dds)
    write_table(normalized, normalized_out)
    write_table(vst, vst_out)
    with output_file(fit_out, "wb") as handle:
        pickle.dump({"design": design, "dds": dds}, handle)
    plot_expression(vst, sheet, design, genesets, pca_out=pca_out, heatmap_out=heatmap_out)


def run_contrast(*, fit, name: str, spec: dict, genesets, alpha: float, threads: int,
                 results_out, genesets_out, volcano_out) -> None:  # fmt: skip
    """Workflow step: one contrast of a pickled design fit → results, gene-set tests, volcano."""
    from ire1seq.de.plots import plot_contrast

    with open(fit, "rb") as handle:
        fitted = pickle.load(handle)
    design, dds = fitted["design"], fitted["dds"]
    results = test_contrast(dds, design, name, spec, alpha, threads)
    write_table(results, results_out)
    write_table(gene_set_table(dds, results, load_genesets(genesets), alpha), genesets_out)
    plot_contrast(results, genesets, alpha, name, volcano_out)
