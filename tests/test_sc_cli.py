"""`ire1seq sc` end to end on a small simulated dataset, and its exit status on bad input."""

import anndata as ad
import pandas as pd
import pytest

from ire1seq.cli import main
from ire1seq.errors import InputError
from ire1seq.sc.cli import parse_matrices
from ire1seq.sc.simulate import simulate_counts, write_mtx_dir

from conftest import logs_warning

MARKERS = {
    "macrophage": ["Cx3cr1", "Csf1r", "C1qa"],
    "neuron": ["Snap25", "Prph", "Avil"],
    "fibroblast": ["Dcn", "Lum", "Col1a1"],
}
SAMPLES = {"V1": "vehicle", "P1": "paclitaxel"}


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("sc_cli")
    cells = simulate_counts(MARKERS, list(SAMPLES), 40, n_genes=120, high_mito=3, seed=11)
    for sample in SAMPLES:
        one = cells[(cells.obs["sample"] == sample).to_numpy()]
        write_mtx_dir(one, root / sample)
        macrophages = one.obs.loc[one.obs["true_type"] == "macrophage", "barcode"]
        spliced = 3 if sample == "P1" else 1
        xbp1 = pd.DataFrame(
            {"sample": sample, "barcode": macrophages, "spliced": spliced, "unspliced": 2, "ambiguous": 0}
        )
        xbp1.to_csv(root / f"{sample}.xbp1.tsv", sep="\t", index=False)
    sheet = pd.DataFrame({"sample": list(SAMPLES), "organism": "mouse", "treatment": list(SAMPLES.values())})
    sheet.to_csv(root / "samples.tsv", sep="\t", index=False)
    cells.obs[["sample", "barcode", "true_type"]].to_csv(root / "truth.tsv", sep="\t", index=False)
    return root


def arguments(root, *extra):
    return [
        "sc",
        "--matrix",
        f"V1={root / 'V1'}",
        f"P1={root / 'P1' / 'matrix.mtx'}",
        "--organism",
        "mouse",
        "--samples",
        str(root / "samples.tsv"),
        "--min-genes",
        "10",
        "--min-counts",
        "100",
        "--no-doublets",
        "--xbp1-cells",
        str(root / "V1.xbp1.tsv"),
        str(root / "P1.xbp1.tsv"),
        *extra,
    ]


def test_writes_annotated_h5ad_tables_plots_and_pseudobulk(inputs):
    out = inputs / "out"
    args = arguments(
        inputs, "-o", str(out / "drg.h5ad"), "--plots", str(out / "plots"), "--pseudobulk", str(out / "pb")
    )
    with logs_warning("not scored"):
        assert main(args) == 0
    adata = ad.read_h5ad(out / "drg.h5ad")
    assert adata.n_obs == 240 - 6 and "counts" in adata.layers and "X_umap" in adata.obsm
    assert {"cell_type", "confidence", "xbp1_spliced", "xbp1_informative", "treatment"} <= set(adata.obs)
    qc = pd.read_csv(out / "drg_qc.tsv", sep="\t")
    assert qc.set_index("sample")["fail_pct_mt"].to_dict() == {"V1": 3, "P1": 3}
    types = pd.read_csv(out / "drg_celltypes.tsv", sep="\t")
    assert list(types.columns) == ["sample", "barcode", "cell_type", "confidence", "cell_subtype"]
    assert (types["cell_type"] == adata.obs["cell_type"].astype(str).to_numpy()).all()
    truth = types.merge(pd.read_csv(inputs / "truth.tsv", sep="\t"), on=["sample", "barcode"])
    assert len(truth) == len(types) and (truth["cell_type"] == truth["true_type"]).mean() >= 0.9
    pooled = pd.read_csv(out / "plots" / "xbp1_by_celltype.tsv", sep="\t").set_index(["cell_type", "condition"])
    assert pooled.loc[("macrophage", "paclitaxel"), "fraction_spliced"] == pytest.approx(0.6)
    assert pooled.loc[("macrophage", "vehicle"), "fraction_spliced"] == pytest.approx(1 / 3)
    assert pd.isna(pooled.loc[("neuron", "vehicle"), "fraction_spliced"])
    for name in ("umap.png", "xbp1.png", "programs.png"):
        assert (out / "plots" / name).stat().st_size > 1000
    assert (out / "pb" / "pseudobulk_samples.tsv").exists()


def test_bad_input_exits_2_with_one_paragraph(inputs, capsys):
    wrong = inputs / "wrong.tsv"
    pd.DataFrame(
        {"sample": ["V1"], "barcode": ["NOTACELL"], "spliced": [1], "unspliced": [0], "ambiguous": [0]}
    ).to_csv(wrong, sep="\t", index=False)
    args = arguments(inputs, "-o", str(inputs / "bad.h5ad"))
    args[args.index("--xbp1-cells") + 1] = str(wrong)
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.startswith("ire1seq: error: XBP1 cell table") and "sample V1" in err and "Traceback" not in err
    assert not (inputs / "bad.h5ad").exists()


def test_matrix_names():
    assert parse_matrices(["a=/x/m", "/y/S2.h5", "/z/S3/"]) == {"a": "/x/m", "S2": "/y/S2.h5", "S3": "/z/S3/"}
    with pytest.raises(InputError, match="sample a is given twice"):
        parse_matrices(["a=/x", "a=/y"])
