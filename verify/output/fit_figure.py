"""The figure of a scaling-law fit (:func:`verify.fit.fit_law`): ``verify fit --figure``.

One variable: the data, the fitted law with its interval band (the bootstrap or delta
method of docs/fitting.md (FIT.13)) and the extrapolation region shaded. Two variables
(Chinchilla): loss against ``D``, one fitted curve per model size ``N`` over its data,
and the compute-optimal frontier :math:`(D^*(C), L^*(C))` of docs/fitting.md (FIT.14).
Built with ``matplotlib.figure.Figure`` (no pyplot); matplotlib is imported lazily.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from verify.output.plots import require_matplotlib

__all__ = ["fit_figure"]

_EXTRA_DECADES = 1.5  # how far the curve is drawn beyond the data


def _one_variable(ax: Any, fit: Any) -> None:
    x = np.array(fit.x)[:, 0]
    y = np.array(fit.y)
    lo, hi = fit.hull[0]
    grid = np.geomspace(lo / 10 ** 0.5, hi * 10 ** _EXTRA_DECADES, 200)
    pred = fit.predict(grid)
    ax.axvspan(grid[0], lo, color="0.9", zorder=0)
    ax.axvspan(hi, grid[-1], color="0.9", zorder=0, label="extrapolation")
    ax.fill_between(grid, pred.low, pred.high, color="C0", alpha=0.3, lw=0,
                    label=f"{fit.confidence:.0%} interval ({fit.interval_method})")
    ax.plot(grid, pred.value, color="C0", label=f"{fit.model} law")
    ax.plot(x, y, "o", ms=3, color="k", label="data")
    ax.set_xlabel("size $x$")


def _two_variable(ax: Any, fit: Any, allocation: Any) -> None:
    from verify.fit import compute_optimal

    X = np.array(fit.x)
    y = np.array(fit.y)
    (nlo, nhi), (dlo, dhi) = fit.hull
    grid = np.geomspace(dlo / 10 ** 0.5, dhi * 10 ** _EXTRA_DECADES, 150)
    ax.axvspan(grid[0], dlo, color="0.9", zorder=0)
    ax.axvspan(dhi, grid[-1], color="0.9", zorder=0, label="extrapolation in $D$")
    sizes = np.unique(X[:, 0])
    colors = [f"C{i % 10}" for i in range(sizes.size)]
    for n, c in zip(sizes, colors, strict=True):
        pts = np.column_stack([np.full(grid.size, n), grid])
        pred = fit.predict(pts)
        ax.fill_between(grid, pred.low, pred.high, color=c, alpha=0.25, lw=0)
        ax.plot(grid, pred.value, color=c, lw=1, label=f"N = {n:.3g}")
        m = X[:, 0] == n
        ax.plot(X[m, 1], y[m], "o", ms=3, color=c)
    if fit.model != "chinchilla":
        ax.set_xlabel("tokens $D$")
        return  # the compute-optimal frontier (FIT.14) is that of the separable law
    if allocation is None:
        c_lo, c_hi = 6 * nlo * dlo, 6 * nhi * dhi * 10 ** (2 * _EXTRA_DECADES)
        allocation = compute_optimal(fit, np.geomspace(c_lo, c_hi, 60))
    keep = (allocation.d_opt >= grid[0]) & (allocation.d_opt <= grid[-1])
    ax.plot(allocation.d_opt[keep], allocation.loss_opt[keep], "k--", lw=1.5,
            label="compute-optimal $(D^*, L^*)$, $C = 6ND$")
    ax.set_xlabel("tokens $D$")


def fit_figure(fit: Any, path: str | Path | None = None, *, allocation: Any = None) -> Any:
    """Draw (and optionally save) the figure of a :class:`verify.fit.LawFit`.

    Parameters
    ----------
    fit : verify.fit.LawFit
        A one-variable fit, or a ``"chinchilla"`` fit.
    path : str or Path, optional
        Where to save (the suffix picks the format); an existing symlink is refused.
    allocation : verify.fit.Allocation, optional
        The frontier to draw (two variables); default: over the data's compute range.

    Returns
    -------
    matplotlib.figure.Figure
    """
    from verify.fit import LawFit

    if not isinstance(fit, LawFit):
        raise TypeError(f"`fit` must be a verify.fit.LawFit; got {type(fit).__name__}")
    figure = require_matplotlib()
    fig = figure.Figure(figsize=(6.4, 4.4), layout="constrained")
    ax = fig.add_subplot()
    if len(fit.hull) == 1:
        _one_variable(ax, fit)
    else:
        _two_variable(ax, fit, allocation)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_ylabel("loss $L$")
    names = ", ".join(f"{k} = {v:.3g}" for k, v in fit.params.items())
    ax.set_title(f"{fit.model}: {names}", fontsize=8)
    ax.legend(fontsize=7, loc="best")
    if path is not None:
        path = Path(path)
        if path.is_symlink():
            raise ValueError(f"{path}: is a symbolic link; refused (write to a plain path)")
        fig.savefig(path, dpi=120)
    return fig
