"""Report figures: fraction of XBP1 molecules spliced per sample with its 95% CI, and the reads at the site."""

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from ire1seq.plotting import save_figure
from ire1seq.xbp1.alignments import Options, classified_reads, open_alignment, reading, resolve_contig
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry

NOT_DESIGN = {"sample", "subject", "organism", "assay", "batch"}  # identifiers and technical columns
CLASS_STYLE = {
    SPLICED: ("spliced", "#c0392b"),
    UNSPLICED: ("unspliced", "#2471a3"),
    AMBIGUOUS: ("ambiguous", "#7f8c8d"),
}


FACETS = ["organism", "tissue"]  # one panel each: values are only compared within one organism and tissue
PANEL_WIDTH = 0.55  # inches per group of a panel


def design_columns(samples: pd.DataFrame) -> list:
    """Grouping variables: tissue, visit and the design columns that vary between samples."""
    return [c for c in samples.columns if c not in NOT_DESIGN and samples[c].nunique(dropna=True) > 1]


def plot_fraction(bulk: pd.DataFrame, samples: pd.DataFrame, path, design=None) -> None:
    """Fraction of molecules spliced (molecular_fraction: comparable across read lengths), one panel
    per organism × tissue, samples as points with their 95% CI in groups of their design values and
    the group median as a bar: readable at any number of samples (the values per sample are in the
    table). Hollow markers: low coverage; samples without informative reads are counted in the title.
    """
    samples = samples.astype({"sample": str})
    table = bulk.astype({"sample": str}).merge(samples, on="sample", how="left")
    facets = [c for c in FACETS if c in table.columns]
    panels = list(table.groupby(facets, sort=True, dropna=False)) if facets else [((), table)]
    design = design_columns(samples) if design is None else list(design)
    groups = [_grouped(part, design) for _, part in panels]
    widths = [max(2.0, PANEL_WIDTH * part["group"].nunique() + 1.0) for part in groups]
    figure = Figure(figsize=(min(16, sum(widths) + 0.5), 4.2), layout="constrained")
    axes = figure.subplots(1, len(panels), squeeze=False, sharey=True, width_ratios=widths)[0]
    for ax, (key, _), part in zip(axes, panels, groups):
        _draw_panel(ax, part)
        ax.set_title(" ".join(map(str, key if isinstance(key, tuple) else (key,))), fontsize=9)
    axes[0].set_ylim(0, 1)
    axes[0].set_ylabel("XBP1 molecules spliced (95% CI)")
    missing = int(table["molecular_fraction"].isna().sum())
    figure.suptitle(
        f"XBP1 splicing of {len(table)} samples ({missing} without informative reads); bar: group median, "
        "hollow: low coverage",
        fontsize=9,
    )
    save_figure(figure, path)


def _grouped(part: pd.DataFrame, design: list) -> pd.DataFrame:
    """The panel's samples with `group`: their values of the design columns varying in the panel."""
    columns = [c for c in design if c not in FACETS and part[c].nunique(dropna=True) > 1]
    label = part[columns].fillna("–").astype(str).agg("\n".join, axis=1) if columns else "all"
    return part.assign(group=label).sort_values(["group", "sample"])


def _draw_panel(ax, part: pd.DataFrame) -> None:
    labels = list(dict.fromkeys(part["group"]))
    for x, label in enumerate(labels):
        members = part[(part["group"] == label) & part["molecular_fraction"].notna()]
        offsets = np.linspace(-0.25, 0.25, len(members)) if len(members) > 1 else np.zeros(len(members))
        for offset, row in zip(offsets, members.itertuples()):
            value = row.molecular_fraction
            hollow = row.status != "ok"
            ax.errorbar(x + offset, value, yerr=[[value - row.molecular_ci_low], [row.molecular_ci_high - value]],
                        fmt="o", ms=3.5, lw=0.6, color=f"C{x % 10}", markerfacecolor="white" if hollow else f"C{x % 10}")  # fmt: skip
        if len(members):
            median = members["molecular_fraction"].median()
            ax.plot([x - 0.35, x + 0.35], [median, median], color="black", lw=1.5)
    ax.set_xticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlim(-0.6, len(labels) - 0.4)


def plot_read_structure(
    bam_path, site, path, options: Options = Options(), *, sample=None, index=None, reference=None, per_class: int = 40
) -> None:
    """Reads over the site as aligned blocks, coloured by their fragment's class; union and core shaded."""
    g = Geometry.of(site, options.min_overhang)
    fragments = {}  # query name -> [class, [blocks of each read]]
    with open_alignment(bam_path, index, reference) as bam, reading(bam_path):
        contig = resolve_contig(bam, site, bam_path)
        for read, cls in classified_reads(bam, contig, g, options):
            if cls and not read.is_unmapped:
                entry = fragments.setdefault(read.query_name, [0, []])
                entry[0] |= cls
                entry[1].append(read.get_blocks())
            if len(fragments) >= 20 * per_class:
                break
    view = (g.union[0] - 60, g.union[1] + 60)
    figure = Figure(figsize=(9, 6), layout="constrained")
    axes = figure.add_subplot()
    axes.axvspan(*g.union, color="#f5cba7", alpha=0.5, label="union of removed bases")
    axes.axvspan(*g.core, color="#e59866", alpha=0.6, label="20-nt core")
    y = 0
    for cls, (label, colour) in CLASS_STYLE.items():
        chosen = [reads for c, reads in fragments.values() if c == cls][:per_class]
        for blocks in (b for reads in chosen for b in reads):
            starts = [max(b[0], view[0]) for b in blocks]
            ends = [min(b[1], view[1]) for b in blocks]
            axes.hlines(y, starts[0], ends[-1], color=colour, lw=0.5)
            axes.hlines([y] * len(blocks), starts, ends, color=colour, lw=2.5)
            y += 1
        axes.plot([], [], color=colour, lw=2.5, label=f"{label} ({len(chosen)} fragments shown)")
    axes.set_xlim(*view)
    axes.set_ylim(-1, max(y, 1))
    axes.set_yticks([])
    axes.set_xlabel(f"{site.contig} position (0-based; XBP1 on the {site.strand} strand)")
    axes.set_title(f"Reads at the XBP1 site{f' — {sample}' if sample else ''}")
    axes.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    save_figure(figure, path)


def run_plot_reads(*, bam, index, site, fasta, settings: dict, sample: str, out) -> None:
    """Workflow step: the reads at the site of one sample (`settings`: the config's xbp1 section)."""
    from ire1seq.xbp1.site import as_site

    options = Options.from_settings(settings)
    plot_read_structure(bam, as_site(site), out, options, sample=sample, index=index, reference=fasta)
