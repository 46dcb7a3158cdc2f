"""One way to save a figure: PNG at one resolution, written like every other output."""

import sys

from ire1seq.io import output_file

DPI = 120


def save_figure(figure, path) -> None:
    """Save a matplotlib Figure (or anything with savefig, e.g. a scanpy DotPlot) as PNG, then close it.

    `bbox_inches="tight"` keeps outside legends and long tick labels inside the image; a figure
    with a layout engine (constrained layout) already fits them, and is drawn once instead of twice.
    """
    engine = getattr(figure, "get_layout_engine", lambda: None)()
    with output_file(path, "wb") as handle:
        figure.savefig(handle, format="png", dpi=DPI, bbox_inches=None if engine else "tight")
    pyplot = sys.modules.get("matplotlib.pyplot")  # figures made with pyplot stay open until closed
    if pyplot is not None:
        pyplot.close("all")
