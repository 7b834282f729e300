"""Cross-scenario figures of the training-time laboratory (docs/dynamics_lab.md).

:func:`dynamics_figures` draws ``"dynamics-landscape"``: the loss over the ``(P, t)`` grid of
the compute-optimal scenarios (``dynamics-compute-optimal-L`` carries it in its outcome's
``extra["landscape"]``), from theory (the exact top-``P`` population curve,
docs/theory/dynamics.md (DY.4)) and from the simulation (the projection student, seed
mean), with the iso-compute lines ``P t = C`` and the compute-optimal frontier each gives;
a third panel sets ``P*(C)`` from both against the derived law ``P* ~ C^x`` (DY.8)-(DY.9).
Nothing is drawn (``{}``) when no outcome carries the landscape.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["LANDSCAPE_SCENARIO", "dynamics_figures"]

#: The scenario whose outcome carries the (P, t) landscape.
LANDSCAPE_SCENARIO = "dynamics-compute-optimal-L"


def dynamics_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """The training-time summary figures for ``outcomes`` (empty when none apply)."""
    for o in outcomes:
        data = getattr(o, "extra", {}).get("landscape") if o.name == LANDSCAPE_SCENARIO \
            else None
        if data:
            return {"dynamics-landscape": landscape_figure(data)}
    return {}


def _arrays(data: dict) -> dict:
    out = {k: np.asarray(data[k], dtype=float) for k in ("P", "t", "C", "simulated", "theory")}
    for which in ("frontier_simulated", "frontier_theory"):
        out[which] = {k: np.asarray(v, dtype=float) for k, v in data[which].items()}
    shape = (out["P"].size, out["t"].size)
    for k in ("simulated", "theory"):
        if out[k].shape != shape:
            raise ValueError(f"`landscape.{k}` must have shape {shape} (P by t); got "
                             f"{out[k].shape}")
    return out


def _edges(x: np.ndarray) -> np.ndarray:
    """Cell edges of a positive, increasing grid, halfway in log."""
    lx = np.log(x)
    mid = 0.5 * (lx[1:] + lx[:-1])
    first, last = lx[0] - (mid[0] - lx[0]), lx[-1] + (lx[-1] - mid[-1])
    return np.exp(np.concatenate([[first], mid, [last]]))


def landscape_figure(data: dict) -> Figure:
    """Three panels from the landscape data of ``dynamics-compute-optimal-L``: theory over
    ``(t, P)``, simulation over ``(t, P)`` (each with the iso-compute lines and frontiers),
    and ``P*(C)`` from both with the derived slope ``x``."""
    from matplotlib import colors, figure, ticker

    d = _arrays(data)
    P, t, C = d["P"], d["t"], d["C"]
    fs, ft = d["frontier_simulated"], d["frontier_theory"]
    x = float(data["x"])
    both = np.concatenate([d["simulated"].ravel(), d["theory"].ravel()])
    both = both[np.isfinite(both) & (both > 0)]
    norm = colors.LogNorm(vmin=float(both.min()), vmax=float(both.max()))
    # a fixed layout: constrained layout re-measures every log tick label twice (3 s here)
    fig = figure.Figure(figsize=(15.0, 4.8))
    axes = fig.subplots(1, 3, gridspec_kw={"left": 0.05, "right": 0.98, "bottom": 0.11,
                                           "top": 0.86, "wspace": 0.55,
                                           "width_ratios": (1, 1, 0.9)})
    te, pe = _edges(t), _edges(P)
    mesh = None
    titles = ("theory: exact top-P population loss (DY.4), the slope reference",
              f"simulation: projection student, D = inf, mean of {data.get('seeds', '?')} seeds")
    for ax, key, title in zip(axes[:2], ("theory", "simulated"), titles, strict=True):
        mesh = ax.pcolormesh(te, pe, d[key], norm=norm, cmap="viridis", shading="flat")
        for i, c in enumerate(C):  # the iso-compute lines P t = C
            tt = np.array([max(te[0], c / pe[-1]), min(te[-1], c / pe[0])])
            ax.plot(tt, c / tt, color="white", lw=0.8, ls="--", alpha=0.8,
                    label="iso-compute lines P t = C" if i == 0 else None)
            if i in (0, C.size - 1):
                ax.annotate(f"C = {c:.0e}", (tt[1], c / tt[1]), color="white", fontsize=7,
                            xytext=(-4, 4), textcoords="offset points", ha="right")
        ax.plot(C / ft["P"], ft["P"], "o-", color="white", mfc="none", lw=1.6,
                label="frontier from theory")
        if key == "simulated":
            ax.plot(C / fs["P"], fs["P"], "s-", color="C3", ms=5, lw=1.4,
                    label="frontier from the simulation")
        ax.set(xscale="log", yscale="log", xlim=(te[0], te[-1]), ylim=(pe[0], pe[-1]),
               xlabel="t (gradient-descent steps)", ylabel="P (features)", title=title)
        ax.title.set_fontsize(9)
        ax.legend(loc="upper right", fontsize=7, facecolor="0.25", labelcolor="white",
                  framealpha=0.8)
    box = axes[1].get_position()
    cax = fig.add_axes((box.x1 + 0.008, box.y0, 0.009, box.height))
    fig.colorbar(mesh, cax=cax, label="excess loss L(P, t)")

    ax = axes[2]
    ax.plot(C, ft["P"], "o-", color="C0", mfc="none", label="P*(C), theory (DY.4) grid")
    ax.plot(C, fs["P"], "s", color="C3", label="P*(C), simulation grid")
    cm = np.sqrt(C[0] * C[-1])
    for i, front in enumerate((ft, fs)):  # the derived slope through each frontier's middle
        mid = np.sqrt(front["P"][0] * front["P"][-1])
        ax.plot(C, mid * (C / cm) ** x, "k:", lw=1.0,
                label=f"derived slope P* ~ C^{x:.3g} (DY.8)" if i == 0 else None)
    ax.text(0.98, 0.03, "the projection student's prefactor differs from\nthe top-P theory's; "
            "the slopes are compared", transform=ax.transAxes, ha="right", fontsize=7)
    ax.set(xscale="log", yscale="log", xlabel="compute C = P t", ylabel="P*(C)",
           title="compute-optimal model size")
    ax.title.set_fontsize(9)
    ax.legend(fontsize=7)
    plain = ticker.FuncFormatter(lambda v, _: f"{v:g}")  # plain numbers: no mathtext (slow)
    ax.yaxis.set_minor_formatter(plain)
    for a in (*axes, cax):
        for axis in (a.xaxis, a.yaxis):
            axis.set_major_formatter(plain)
    for a in axes[:2]:
        a.yaxis.set_minor_formatter(ticker.NullFormatter())
    cax.yaxis.set_minor_formatter(ticker.NullFormatter())
    fig.suptitle("Loss landscape over (P, t) and the compute-optimal frontier "
                 "(lambda_i = i^-2, isotropic teacher)", fontsize=10)
    return fig
