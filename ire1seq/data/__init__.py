"""Files the package ships, found wherever it is installed: the XBP1 site sequences (xbp1/), gene
sets (genesets/), cell-type marker lists (markers/) and the JSON Schemas of the config and sheets
(schemas/). In a checkout, resources/{xbp1,genesets,markers} and workflow/schemas link here."""

from importlib.resources import files
from pathlib import Path

DATA = Path(str(files(__name__)))
GENESETS = DATA / "genesets"
MARKERS = DATA / "markers"
SCHEMAS = DATA / "schemas"
XBP1 = DATA / "xbp1"


def fill_packaged_paths(config: dict) -> None:
    """Config paths left null (after schema defaults) point at the shipped files: de.genesets and
    de.composition.markers."""
    de = config["de"]
    de["genesets"] = de["genesets"] or str(GENESETS)
    if de.get("composition"):
        de["composition"]["markers"] = de["composition"].get("markers") or str(MARKERS / "human_blood.tsv")
