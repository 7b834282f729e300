"""Cross-scenario figures of the real-network experiment (docs/real_networks.md).

:func:`real_data_figures` draws, from the resolution-limited real-data outcomes of the
paper suite (:mod:`verify.scenarios.real_data`):

* ``"real-fig2b"``, Bahri et al.'s Fig. 2b: the measured ``alpha_D`` (filled) and
  ``alpha_P`` (open) of each network (pooling, depth, activation, kernel) against the
  ``alpha_K`` fitted on the same rank window (RN.11), with both intervals and the line
  ``alpha = alpha_K`` (Bahri et al. Eq. (3)); and beside it the same measurements against
  the slope of the deterministic equivalent on the empirical spectrum, the prediction the
  scenarios compare with (docs/verification.md (VR.1));
* ``"real-de-accuracy"``: the largest deviation of the measured curve from the
  deterministic equivalent (``D`` direction) against the mean fourth moment of the
  kernel's eigenfunctions on the window (:func:`verify.networks.experiment.eigenfunction_kurtosis`;
  3 for Gaussian features), the measured cause of the pool-7 depth-1 disagreement.

Outcomes with input noise or rotated eigenvectors are not points of Fig. 2b (they test
other claims). Nothing is drawn (``{}``) with fewer than two points: the default report
has one real-data scenario. Fig. 2a, the four regimes of one network, is the scenarios'
own group figure ``"real-fig2a"`` (:attr:`verify.scenarios.base.FigureSpec.group`).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from matplotlib.figure import Figure

__all__ = ["real_data_figures", "scatter_points"]

_STYLE = {("relu", "nngp"): ("C0", "ReLU NNGP"), ("erf", "nngp"): ("C2", "erf NNGP"),
          ("relu", "ntk"): ("C4", "ReLU NTK")}
_MARKER = {1: "o", 2: "D", 3: "s"}


def scatter_points(outcomes: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per resolution-limited real-data outcome that is a point of Fig. 2b.

    Keys: ``name``, ``axis`` (``"D"``/``"P"``), ``pool``, ``depth``, ``activation``,
    ``kernel``, ``alpha_K`` and ``alpha_K_ci`` (RN.11 on the swept window), ``de_slope``,
    ``measured`` and ``measured_ci`` (the fit of the curve), ``max_rel_dev`` (against the
    deterministic equivalent), ``kurtosis`` and ``agrees``.
    """
    rows = []
    for o in outcomes:
        extra, config = getattr(o, "extra", None) or {}, getattr(o, "config", None) or {}
        if not o.name.startswith("real-resolution-") or "alpha_K" not in extra:
            continue
        if config.get("noise") or "eigenvectors" in config:
            continue
        values = getattr(o, "values", None)
        rows.append({
            "name": o.name, "axis": config.get("axis", "D"), "pool": config.get("pool"),
            "depth": config.get("depth"), "activation": config.get("activation", "relu"),
            "kernel": config.get("kernel", "nngp"), "alpha_K": float(extra["alpha_K"]),
            "alpha_K_ci": tuple(float(v) for v in extra["alpha_K_ci"]),
            "de_slope": float(extra["de_slope"]), "measured": float(o.fit.alpha),
            "measured_ci": tuple(float(v) for v in o.fit.alpha_ci),
            "max_rel_dev": float("nan") if values is None else float(values.max_rel_dev),
            "kurtosis": float(extra.get("eigenfunction_kurtosis", float("nan"))),
            "agrees": bool(o.agrees)})
    return rows


def real_data_figures(outcomes: Iterable[Any]) -> dict[str, Figure]:
    """The real-data summary figures for ``outcomes`` (empty when none apply)."""
    rows = scatter_points(outcomes)
    if len(rows) < 2:
        return {}
    out = {"real-fig2b": _scatter_figure(rows)}
    d_rows = [r for r in rows if r["axis"] == "D"]
    if len(d_rows) >= 2:
        out["real-de-accuracy"] = _accuracy_figure(d_rows)
    return out


def _errorbar(ax: Any, r: dict[str, Any], x: float, xerr: Any) -> None:
    color, _ = _STYLE.get((r["activation"], r["kernel"]), ("C7", ""))
    lo, hi = r["measured_ci"]
    y = r["measured"]
    ax.errorbar([x], [y], yerr=[[y - lo], [hi - y]], xerr=xerr, fmt=_MARKER.get(r["depth"], "^"),
                color=color, mfc=color if r["axis"] == "D" else "white", ms=6, capsize=2,
                lw=0.9)
    if not r["agrees"]:
        ax.plot([x], [y], "x", color="k", ms=10, mew=1.8)
    ax.annotate(str(r["pool"]), (x, y), xytext=(4, -3), textcoords="offset points",
                fontsize=6, color="0.35")


def _diagonal(ax: Any, values: list[float], label: str) -> None:
    lo, hi = min(values), max(values)
    pad = 0.08 * (hi - lo)
    ax.plot([lo - pad, hi + pad], [lo - pad, hi + pad], "k--", lw=0.9, label=label)


def _legend(ax: Any, rows: list[dict[str, Any]], axes_markers: bool = True) -> None:
    from matplotlib.lines import Line2D

    seen = {(r["activation"], r["kernel"]) for r in rows}
    handles = [Line2D([], [], color=c, marker="o", ls="", label=lab)
               for key, (c, lab) in _STYLE.items() if key in seen]
    handles += [Line2D([], [], color="0.3", marker=_MARKER[L], ls="", label=f"depth {L}")
                for L in sorted({r["depth"] for r in rows}) if L in _MARKER]
    if axes_markers:
        handles += [Line2D([], [], color="0.3", marker="o", ls="", label="alpha_D (P = inf)"),
                    Line2D([], [], color="0.3", marker="o", mfc="white", ls="",
                           label="alpha_P (D = inf)")]
    if not all(r["agrees"] for r in rows):
        handles.append(Line2D([], [], color="k", marker="x", ms=8, mew=1.8, ls="",
                              label="verdict: disagree"))
    ax.legend(handles=handles + ax.get_legend_handles_labels()[0], fontsize="x-small",
              loc="best")   # the points sit on either side of the diagonal


def _scatter_figure(rows: list[dict[str, Any]]) -> Figure:
    from verify.output.plots import require_matplotlib

    fig = require_matplotlib().Figure(figsize=(11.5, 5.2), layout="constrained")
    left, right = fig.subplots(1, 2)
    for r in rows:
        k_lo, k_hi = r["alpha_K_ci"]
        _errorbar(left, r, r["alpha_K"], [[r["alpha_K"] - k_lo], [k_hi - r["alpha_K"]]])
        _errorbar(right, r, r["de_slope"], None)
    _diagonal(left, [r["alpha_K"] for r in rows] + [r["measured"] for r in rows],
              "alpha = alpha_K (Bahri et al. Eq. (3))")
    _diagonal(right, [r["de_slope"] for r in rows] + [r["measured"] for r in rows],
              "measured = prediction")
    left.set_xlabel("alpha_K (fit of the empirical spectrum on the swept ranks, (RN.11))")
    right.set_xlabel("slope of the deterministic equivalent on the empirical spectrum")
    for ax in (left, right):
        ax.set_ylabel("measured exponent (95 % interval)")
        ax.grid(alpha=0.3)
    left.set_title("Fig. 2b: measured alpha_D, alpha_P against alpha_K", fontsize="small",
                   loc="left")
    right.set_title("the same against the finite-window prediction (VR.1)", fontsize="small",
                    loc="left")
    _legend(left, rows)
    n_d = sum(r["axis"] == "D" for r in rows)
    fig.suptitle(f"Real networks on pooled images: {n_d} alpha_D and {len(rows) - n_d} "
                 "alpha_P points (numbers: pooling size)", fontsize="medium")
    return fig


def _accuracy_figure(rows: list[dict[str, Any]]) -> Figure:
    from verify.output.plots import require_matplotlib

    fig = require_matplotlib().Figure(figsize=(6.2, 4.6), layout="constrained")
    ax = fig.subplots()
    for r in rows:
        color, _ = _STYLE.get((r["activation"], r["kernel"]), ("C7", ""))
        ax.plot([r["kurtosis"]], [100 * abs(r["max_rel_dev"])], _MARKER.get(r["depth"], "^"),
                color=color)
        if not r["agrees"]:
            ax.plot([r["kurtosis"]], [100 * abs(r["max_rel_dev"])], "x", color="k", ms=10,
                    mew=1.8)
        ax.annotate(f"{r['pool']}", (r["kurtosis"], 100 * abs(r["max_rel_dev"])),
                    xytext=(4, -3), textcoords="offset points", fontsize=6, color="0.35")
    ax.axvline(3.0, color="0.5", ls=":", lw=0.9, label="Gaussian features (3)")
    ax.set_xlabel("mean E[u_i(x)^4] of the eigenfunctions on the window")
    ax.set_ylabel("max |measured / deterministic equivalent - 1|  (%)")
    ax.set_title("Accuracy of the deterministic equivalent (D direction, P = inf)",
                 fontsize="small", loc="left")
    ax.grid(alpha=0.3)
    _legend(ax, rows, axes_markers=False)
    return fig
