"""The DE figures are drawn from in-memory results and VST tables and from the scores table."""

import numpy as np
import pandas as pd

from ire1seq.de.design import Design
from ire1seq.de.plots import plot_contrast, plot_expression, plot_scores


def test_contrast_and_design_figures_written(tmp_path):
    rng = np.random.default_rng(0)
    genes = ["Tnf", "Il6", "Ptgs2"] + [f"G{i}" for i in range(57)]
    samples = [f"s{i}" for i in range(8)]
    (tmp_path / "sets").mkdir()
    pd.DataFrame({"set": "inflammatory", "gene": genes[:3], "organism": "mouse"}).to_csv(
        tmp_path / "sets" / "s.tsv", sep="\t", index=False
    )
    results = pd.DataFrame(
        {
            "gene_id": genes,
            "gene_name": genes,
            "log2FoldChange": rng.normal(size=60),
            "pvalue": rng.uniform(size=60),
            "padj": rng.uniform(size=60),
        }
    )
    results.loc[:2, ["log2FoldChange", "pvalue", "padj"]] = [2.0, 1e-8, 1e-6]
    vst = pd.DataFrame(rng.normal(8, 1, size=(60, 8)), columns=samples)
    vst.insert(0, "gene_name", genes)
    vst.insert(0, "gene_id", genes)
    sheet = pd.DataFrame(
        {"sample": samples, "treatment": ["vehicle", "paclitaxel"] * 4, "batch": ["b1"] * 4 + ["b2"] * 4}
    )
    sheet.to_csv(tmp_path / "samples.tsv", sep="\t", index=False)
    pd.DataFrame({"sample": samples, "score_inflammatory": rng.normal(size=8)}).to_csv(
        tmp_path / "scores.tsv", sep="\t", index=False
    )

    plot_contrast(results, tmp_path / "sets", 0.05, "c", tmp_path / "volcano.png")
    spec = {"formula": "~ batch + treatment", "levels": {"treatment": "vehicle"}}
    outputs = [tmp_path / f"{kind}.png" for kind in ("pca", "heatmap", "scores")]
    plot_expression(
        vst,
        sheet.set_index("sample"),
        Design.from_config("d", spec),
        tmp_path / "sets",
        pca_out=outputs[0],
        heatmap_out=outputs[1],
    )
    plot_scores(
        scores_path=tmp_path / "scores.tsv",
        samples_path=tmp_path / "samples.tsv",
        name="d",
        spec=spec,
        scores_out=outputs[2],
    )
    for path in [tmp_path / "volcano.png", *outputs]:
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_many_samples_are_shown_as_group_means_not_one_column_each(tmp_path, monkeypatch):
    """Beyond 40 samples the heatmap has one column per visit (subject, with 30 levels, is a blocking
    factor), each the mean z of its samples."""
    import numpy as np
    import pandas as pd

    from ire1seq.de import plots

    drawn = {}
    monkeypatch.setattr(plots, "save_figure", lambda fig, path: drawn.update(fig=fig))
    samples = [f"P{p:02d}_{v}" for p in range(30) for v in ("baseline", "cycle1")]
    meta = pd.DataFrame(
        {"visit": [s.split("_")[1] for s in samples], "subject": [s[:3] for s in samples]}, index=samples
    )
    vst = pd.DataFrame(
        np.where(meta["visit"] == "cycle1", 2.0, 0.0)[None, :] + np.arange(2)[:, None],
        index=["TNF", "IL6"],
        columns=samples,
    )
    plots.heatmap(vst, pd.Series({"TNF": "inflammatory", "IL6": "inflammatory"}), meta, "d", tmp_path / "h.png")
    ax = drawn["fig"].axes[0]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["baseline (n=30)", "cycle1 (n=30)"]
    assert np.allclose(ax.images[0].get_array(), [[-0.99, 0.99], [-0.99, 0.99]], atol=0.01)
