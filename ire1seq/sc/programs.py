"""Program scores per cell (`sc.tl.score_genes`) for the gene sets of `resources/genesets/`.

A set's `down` genes (e.g. RIDD targets) are scored separately and subtracted, so a higher
`score_<set>` always means a more active program, as in the bulk scores.
"""

import anndata as ad
import pandas as pd
import scanpy as sc

from ire1seq.de.genesets import sets_for


def score_programs(adata: ad.AnnData, genesets: pd.DataFrame, organism: str) -> None:
    """`obs["score_<set>"]` per cell; the genes used are kept in `uns["programs"]` for plots."""
    sets = sets_for(genesets, organism, adata.var_names, "the single-cell matrix")
    adata.uns["programs"] = {}
    for name, signs in sets.items():
        score = 0.0
        for sign in (1, -1):
            genes = list(signs.index[signs == sign])
            if genes:
                sc.tl.score_genes(adata, genes, score_name="program_score", random_state=0)
                score = score + sign * adata.obs.pop("program_score")
        adata.obs[f"score_{name}"] = score
        adata.uns["programs"][name] = list(signs.index)
