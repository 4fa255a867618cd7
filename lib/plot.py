"""The house plotting style: one seaborn theme, one palette, figure sizes, mean curves with 95% bands."""
import matplotlib

import matplotlib.pyplot as plt
import numpy as np
import seaborn as sns
from scipy import stats as _st

PALETTE = sns.color_palette("colorblind", 10)  # the book's palette; index it, or use COLORS
COLORS = {"method": PALETTE[0], "baseline": PALETTE[1], "variant": PALETTE[2], "reference": "0.45",
          "highlight": PALETTE[3]}
WIDTH = 7.0  # inches: the width of the book's text column


def use_style() -> None:
    """Apply the house style (call once at the top of a chapter)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE, font_scale=0.95)
    matplotlib.rcParams.update({"figure.dpi": 100, "savefig.dpi": 150, "axes.spines.top": False,
                                "axes.spines.right": False, "legend.frameon": False,
                                "figure.constrained_layout.use": True})


def figsize(ncols: int = 1, nrows: int = 1, aspect: float = 0.75) -> tuple[float, float]:
    """Figure size for an nrows x ncols grid filling the text column; `aspect` = panel height / width."""
    if ncols < 1 or nrows < 1:
        raise ValueError("ncols and nrows must be >= 1")
    panel_w = WIDTH / ncols
    return (WIDTH, min(panel_w * aspect * nrows, 9.0))


def mean_band(ax, x, Y, *, label=None, color=None, level: float = 0.95, **line_kw):
    """Plot the mean over seeds (rows of Y) with a shaded t-interval band; one row draws a plain line."""
    Y = np.atleast_2d(np.asarray(Y, dtype=float))
    x = np.asarray(x)
    if Y.shape[1] != x.shape[0]:
        raise ValueError(f"Y has {Y.shape[1]} columns but x has {x.shape[0]} points")
    m = Y.mean(axis=0)
    (line,) = ax.plot(x, m, label=label, color=color, **line_kw)
    if Y.shape[0] > 1:
        half = _st.t.ppf(0.5 + level / 2, Y.shape[0] - 1) * Y.std(axis=0, ddof=1) / np.sqrt(Y.shape[0])
        ax.fill_between(x, m - half, m + half, color=line.get_color(), alpha=0.2, linewidth=0)
    return line


def show(fig=None) -> None:
    """Display the figure (inline in notebooks) and release its memory."""
    fig = fig or plt.gcf()
    plt.show()
    plt.close(fig)
