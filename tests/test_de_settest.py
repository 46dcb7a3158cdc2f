"""CAMERA-style set test: inter-gene correlation estimated and used; planted sets called, null not."""

import numpy as np
import pandas as pd
import pytest

from ire1seq.de.settest import camera_table, residual_effects

N_SAMPLES, N_GENES, RHO = 40, 800, 0.3


@pytest.fixture(scope="module")
def data():
    """Residuals with one correlated block (genes 0-39), Wald statistics with planted shifts."""
    rng = np.random.default_rng(7)
    noise = rng.normal(size=(N_SAMPLES, N_GENES))
    shared = rng.normal(size=(N_SAMPLES, 1))
    noise[:, :40] = np.sqrt(RHO) * shared + np.sqrt(1 - RHO) * noise[:, :40]
    design = np.column_stack([np.ones(N_SAMPLES), np.repeat([0, 1], N_SAMPLES // 2)])
    genes = [f"g{i}" for i in range(N_GENES)]
    effects = pd.DataFrame(residual_effects(noise + design @ rng.normal(size=(2, N_GENES)), design), columns=genes)

    stat = rng.normal(size=N_GENES)
    # correlated block: a common null shift, as one draw of a shared factor produces
    stat[:40] = np.sqrt(RHO) * 1.5 + np.sqrt(1 - RHO) * stat[:40]
    stat[100:120] += 1.2  # independent genes truly up
    stat[200:215] -= 1.2  # decayed genes (direction down in the set)
    results = pd.DataFrame(
        {
            "gene_name": genes,
            "stat": stat,
            "log2FoldChange": stat / 4,
            "padj": np.where(np.abs(stat) > 3, 0.01, 0.5),
        },
        index=genes,
    )
    return results, effects


def sets(*spans, sign=1):
    return pd.Series(sign, index=[f"g{i}" for span in spans for i in range(*span)])


def test_estimates_the_planted_inter_gene_correlation(data):
    results, effects = data
    table = camera_table(results, effects, {"block": sets((0, 40)), "plain": sets((300, 340))}, 0.05).set_index("set")
    assert table.loc["block", "correlation"] == pytest.approx(RHO, abs=0.1)
    assert table.loc["plain", "correlation"] == pytest.approx(0.0, abs=0.05)


def test_correlated_null_set_not_called_but_independent_shift_is(data):
    results, effects = data
    table = camera_table(results, effects, {"block": sets((0, 40)), "up": sets((100, 120))}, 0.05).set_index("set")
    naive_t = results["stat"][:40].mean() / np.sqrt(1 / 40)  # what a test ignoring correlation sees
    assert naive_t > 4 and table.loc["block", "p_value"] > 0.05
    assert table.loc["up", "p_value"] < 1e-4 and table.loc["up", "direction"] == "up"
    assert table["q_value"].notna().all()


def test_down_genes_are_flipped(data):
    results, effects = data
    table = camera_table(results, effects, {"ridd": sets((200, 215), sign=-1)}, 0.05).set_index("set")
    assert table.loc["ridd", "direction"] == "up" and table.loc["ridd", "p_value"] < 1e-3
    assert table.loc["ridd", "mean_log2fc"] < 0  # the raw fold changes still fall
