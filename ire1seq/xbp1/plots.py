"""Report figures: fraction of XBP1 molecules spliced per sample with its 95% CI, and the reads at the site."""

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ire1seq.plotting import save_figure
from ire1seq.xbp1.alignments import Options, classified_reads, open_alignment, reading, resolve_contig
from ire1seq.xbp1.classify import AMBIGUOUS, SPLICED, UNSPLICED, Geometry

NOT_DESIGN = {"sample", "subject", "organism", "assay", "batch"}  # identifiers and technical columns
CLASS_STYLE = {
    SPLICED: ("spliced", "#c0392b"),
    UNSPLICED: ("unspliced", "#2471a3"),
    AMBIGUOUS: ("ambiguous", "#7f8c8d"),
}


def design_columns(samples: pd.DataFrame) -> list:
    """Grouping variables: tissue, visit and the design columns that vary between samples."""
    return [c for c in samples.columns if c not in NOT_DESIGN and samples[c].nunique(dropna=True) > 1]


def plot_fraction(bulk: pd.DataFrame, samples: pd.DataFrame, path, design=None) -> None:
    """Fraction of molecules spliced ± 95% CI per sample (molecular_fraction: comparable across read
    lengths), samples grouped and coloured by design.

    Hollow markers: low coverage; samples without informative reads are named but not drawn.
    """
    samples = samples.astype({"sample": str})
    design = design_columns(samples) if design is None else list(design)
    table = bulk.astype({"sample": str}).merge(samples, on="sample", how="left")
    table["group"] = table[design].fillna("–").astype(str).agg(" / ".join, axis=1) if design else "all samples"
    table = table.sort_values(["group", "sample"]).reset_index(drop=True)
    figure = Figure(figsize=(min(30, max(6, 0.35 * len(table) + 3)), 4.5), layout="constrained")
    axes = figure.add_subplot()
    colours = {g: f"C{i % 10}" for i, g in enumerate(table["group"].unique())}
    for x, row in table.iterrows():
        if pd.isna(row["molecular_fraction"]):
            continue
        colour = colours[row["group"]]
        value = row["molecular_fraction"]
        error = [[value - row["molecular_ci_low"]], [row["molecular_ci_high"] - value]]
        hollow = row["status"] != "ok"
        axes.errorbar(x, value, yerr=error, fmt="o", color=colour, capsize=3,
                      markerfacecolor="white" if hollow else colour)  # fmt: skip
    axes.set_xticks(range(len(table)), [s + (" (no reads)" if pd.isna(f) else "") for s, f in zip(table["sample"], table["molecular_fraction"])],
                    rotation=60, ha="right", fontsize=8)  # fmt: skip
    axes.set_xlim(-0.7, max(len(table) - 0.3, 0.7))
    axes.set_ylim(0, 1)
    axes.set_ylabel("XBP1 molecules spliced (95% CI)")
    axes.set_title(f"XBP1 splicing per sample, grouped by {', '.join(design) if design else 'nothing'}")
    handles = [Line2D([], [], marker="o", ls="", color=c, label=g) for g, c in colours.items()]
    handles.append(Line2D([], [], marker="o", ls="", color="grey", markerfacecolor="white", label="low coverage"))
    axes.legend(handles=handles, fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1))
    save_figure(figure, path)


def plot_read_structure(
    bam_path, site, path, options: Options = Options(), sample=None, index=None, reference=None, per_class: int = 40
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
