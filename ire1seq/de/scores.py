"""Per-sample gene-set scores beside the XBP1 splicing readout (results/scores/samples.tsv).

Each sample is scored alone, from its own counts, so its score is the same whatever else is in the
run (a patient's baseline does not move when other patients or visits are added):

- expression: log2(CPM + 1) of the genes the sample expresses, CPM ≥ `min_cpm` in that sample
  (genes a tissue does not express are left out of the set and of the background, rather than
  entering as noise at zero);
- score: decoupler's univariate linear model (ULM) of those values on the set's weights (+1 up,
  −1 down, 0 for the reference genes), reported as the slope: the mean log2 CPM of the set's genes
  above that of the reference genes, down genes flipped. Higher = a more active program; one log2
  unit = the set's genes twice as high relative to the reference.
- reference genes: the sample's other expressed genes; or, when control genes are given (config
  `de.control_genes`, for gene panels where a large share of genes respond), only those, as a
  qPCR ΔCt against housekeeping genes. A score against all genes is competitive: a program that is
  a fifth of a small panel shifts the background, and every other set's score with it.

Library size cancels (a slope of log values), so no cohort-wide normalisation is needed.
"""

import logging

import numpy as np
import pandas as pd

from ire1seq.de.genesets import DIRECTIONS, load_genesets
from ire1seq.de.inputs import read_counts, read_samples
from ire1seq.errors import InputError
from ire1seq.io import read_tsv
from ire1seq.xbp1.stats import MOLECULAR

log = logging.getLogger(__name__)

XBP1_COLUMNS = ["fraction_spliced", "log2_spliced_ratio", *MOLECULAR[:3]]
MIN_CPM = 1.0


def by_symbol(counts: pd.DataFrame) -> pd.DataFrame:
    """Counts (gene_id, gene_name, <samples>) summed per gene symbol: symbols × samples."""
    return counts.groupby("gene_name", sort=False).sum(numeric_only=True)


def log_cpm(counts: pd.Series, min_cpm: float = MIN_CPM) -> pd.Series:
    """log2(CPM + 1) of one sample's genes with CPM ≥ min_cpm (CPM of its own library)."""
    total = counts.sum()
    if total <= 0:
        return pd.Series(dtype=float)
    cpm = counts / total * 1e6
    return np.log2(cpm[(cpm >= min_cpm) & (counts > 0)] + 1)


def network(genesets: pd.DataFrame, organism: str) -> pd.DataFrame:
    """decoupler's net (source = set, target = gene, weight = ±1) of one organism's sets."""
    rows = genesets[genesets["organism"] == organism].drop_duplicates(["set", "gene"])
    return pd.DataFrame({"source": rows["set"], "target": rows["gene"], "weight": rows["direction"].map(DIRECTIONS)})


def ulm_scores(values: dict, net: pd.DataFrame, controls=()) -> pd.DataFrame:
    """samples × sets: ULM slopes of each sample's expressed genes (`values`: sample -> log2 CPM of
    its expressed genes) against its other expressed genes, or only against the expressed
    `controls` when given; NaN for a set none of whose genes a sample expresses.

    Each sample is fitted on its own genes. Samples that share the same genes (the usual case on a
    panel of set and control genes) go to decoupler in one call: its rows are fitted separately,
    so the result is the same as one call per sample, at a fraction of the cost.
    """
    import decoupler as dc

    jobs = (
        [(net, None)]
        if not len(controls)
        else [(rows, set(rows["target"]) | set(controls)) for _, rows in net.groupby("source", sort=False)]
    )
    scores = pd.DataFrame(np.nan, index=list(values), columns=net["source"].unique())
    for members, relevant in jobs:
        groups = {}
        for sample, expression in values.items():
            genes = tuple(expression.index if relevant is None else [g for g in expression.index if g in relevant])
            groups.setdefault(genes, []).append(sample)
        for genes, samples in groups.items():
            present = members[members["target"].isin(genes)]
            background = len(genes) - present["target"].nunique()
            if present.empty or background < 1 or len(genes) < 3:
                continue
            data = pd.DataFrame([values[sample][list(genes)] for sample in samples], index=samples)
            es, _ = dc.mt.ulm(data, present, tmin=1, tval=False, verbose=False)
            scores.loc[es.index, es.columns] = es
    return scores


def organism_scores(
    counts: pd.DataFrame, genesets: pd.DataFrame, organism: str, min_cpm: float = MIN_CPM, control_genes=()
) -> pd.DataFrame:
    """samples × set scores for the samples (columns of `counts`, symbols × samples) of one organism;
    `control_genes`: symbols of any organism, those counted here are the reference genes."""
    net = network(genesets, organism)
    expressed = counts.index[(counts > 0).any(axis=1)]
    controls = [g for g in dict.fromkeys(control_genes) if g in expressed]
    if len(control_genes) and not controls:
        raise InputError(
            f"none of the control genes ({', '.join(control_genes)}) is counted in the {organism} samples; "
            f"list {organism} housekeeping genes in de.control_genes (or --control-genes), or none to score "
            "against all expressed genes."
        )
    for name, members in net.groupby("source", sort=False):
        if not members["target"].isin(expressed).any():
            log.warning(
                f"gene set {name}: none of its {len(members)} {organism} genes is counted in the "
                f"{organism} samples; its scores are left empty."
            )
    values = {sample: log_cpm(counts[sample], min_cpm) for sample in counts.columns}
    return ulm_scores(values, net, controls)


def sample_organisms(counts: pd.DataFrame, genesets: pd.DataFrame, samples=None, where="counts table") -> pd.Series:
    """Organism of each counted sample: from the sheet, else the organism whose set genes hold its reads."""
    if samples is not None:
        if "organism" not in samples.columns:
            raise InputError(f"the sample sheet has no organism column; add it (human or mouse) for {where}.")
        missing = [s for s in counts.columns[1:] if s not in samples.index]
        if missing:
            raise InputError(f"{where}: sample(s) {', '.join(missing)} are not in the sample sheet; add them to it.")
        organisms = samples.loc[counts.columns[1:], "organism"]
        if organisms.isna().any():
            raise InputError(
                f"{where}: sample {organisms.index[organisms.isna()][0]} has no organism in the sample sheet; "
                "fill in human or mouse."
            )
        return organisms
    reads = {
        organism: counts[counts["gene_name"].isin(rows["gene"])].iloc[:, 1:].sum()
        for organism, rows in genesets.groupby("organism")
    }
    reads = pd.DataFrame(reads)
    unclear = reads.index[(reads.max(axis=1) == 0) | (reads.eq(reads.max(axis=1), axis=0).sum(axis=1) > 1)]
    if len(unclear):
        raise InputError(
            f"{where}: cannot tell the organism of sample(s) {', '.join(unclear)} from the gene-set genes; "
            "give the sample sheet (--samples) with its organism column."
        )
    return reads.idxmax(axis=1)


def sample_scores(
    counts_path,
    genesets_dir,
    samples_path=None,
    xbp1_path=None,
    *,
    min_cpm: float = MIN_CPM,
    control_genes=(),
    composition=None,
) -> pd.DataFrame:
    """The scores table: sample, XBP1 columns, score_<set>..., [composition_<type>...], organism,
    xbp1_status. `control_genes`: reference genes of the scores (default: all expressed genes).

    `composition` (optional): a callable (symbols × samples counts, samples sheet) -> samples ×
    composition_<type> (ire1seq.de.composition), for the samples it covers.
    """
    counts = read_counts(counts_path)
    genesets = load_genesets(genesets_dir)
    samples = read_samples(samples_path) if samples_path else None
    organisms = sample_organisms(counts, genesets, samples, f"counts table {counts_path}")
    symbols = by_symbol(counts)
    parts = [
        organism_scores(symbols[organisms.index[organisms == organism]], genesets, organism, min_cpm, control_genes)
        for organism in sorted(organisms.unique())
    ]
    names = list(genesets["set"].unique())
    scores = pd.concat(parts).reindex(index=organisms.index, columns=names).add_prefix("score_")
    extra = []
    if composition is not None:
        mix = composition(symbols, samples)
        extra = list(mix.columns)
        scores = scores.join(mix)
    scores.insert(0, "organism", organisms)
    table = _with_xbp1(scores.rename_axis("sample").reset_index(), xbp1_path)
    return table[["sample", *XBP1_COLUMNS, *(f"score_{n}" for n in names), *extra, "organism", "xbp1_status"]]


def _with_xbp1(scores: pd.DataFrame, xbp1_path) -> pd.DataFrame:
    if not xbp1_path:
        return scores.assign(**{c: np.nan for c in XBP1_COLUMNS}, xbp1_status=pd.NA)
    xbp1 = read_tsv(xbp1_path, "XBP1 splicing table", dtype={"sample": str})
    missing = [c for c in ["sample", "fraction_spliced", "log2_spliced_ratio", "status"] if c not in xbp1.columns]
    if missing:
        raise InputError(
            f"XBP1 splicing table {xbp1_path} lacks column(s) {', '.join(missing)}; give the output of "
            "`ire1seq xbp1 quant` (results/xbp1/bulk.tsv)."
        )
    for column in XBP1_COLUMNS:  # a table written before the molecular columns: left empty
        if column not in xbp1.columns:
            xbp1[column] = np.nan
    xbp1 = xbp1[["sample", *XBP1_COLUMNS, "status"]].rename(columns={"status": "xbp1_status"})
    order = list(dict.fromkeys([*scores["sample"], *xbp1["sample"]]))  # counted samples first, in order
    return scores.merge(xbp1, on="sample", how="outer").set_index("sample").loc[order].reset_index()


def run_scores(*, counts, genesets, samples, xbp1, min_cpm: float, control_genes, composition: dict,
               markers=None, reference=None, out) -> None:  # fmt: skip
    """Workflow step: the scores table (`composition`: the config's de.composition, or empty for
    none; `reference`: pseudobulk counts and sheet of a blood single-cell dataset, or None)."""
    from ire1seq.de.composition import for_subset
    from ire1seq.io import write_table

    estimate = for_subset(markers, composition["subset"], reference) if composition else None
    table = sample_scores(
        counts, genesets, samples, xbp1, min_cpm=min_cpm, control_genes=control_genes, composition=estimate
    )
    write_table(table, out)
