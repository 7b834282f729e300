"""Theorem 3 in two and three dimensions: mesh models with P nodes, resolution-limited in P (docs/beyond_squared.md).

Declares ``SCENARIOS`` (default report), ``QUICK`` (names run by ``--quick``) and ``PAPER``
(``python -m verify --suite paper``); see :mod:`verify.scenarios`.

A model with ``P`` parameters on the torus ``T^d`` (``d`` = 2, 3): the piecewise-linear
model on the periodic Delaunay mesh of ``P`` nodes, or the piecewise-constant model on
their Voronoi cells (:mod:`verify.models.mesh`), fitted by least squares (``scipy.sparse``)
to about ``32 P`` stratified training points of the smooth target of the ``D``-axis
torus checks (docs/laboratory_manifolds.md (LM.7)). The prediction is
``L ~ P^(-c/d)`` from :func:`asymptotics.resolution.resolution_exponent` with
``axis="parameters"`` (Bahri et al. Theorem 3; docs/theory/regimes.md (RG.7)): ``c = 4``
(squared loss, piecewise linear) or ``2`` (piecewise constant), the same ``c`` as in ``D``
(the ``interp-*`` scenarios of :mod:`verify.scenarios.manifolds`).

There is no exact finite-``P`` theory, so the band is estimated from the data as in the
``D``-axis checks (docs/verification.md (VR.3)): the slopes on the two halves of the
window, Richardson-extrapolated with corrections one power of the spacing ``P^(-1/d)``
higher, and the band is the distance from that extrapolation to the slope on the whole
window (:func:`verify.scenarios.manifolds.richardson_band`).
"""

from __future__ import annotations

import numpy as np

from asymptotics.resolution import resolution_exponent
from verify.models.mesh import mesh_resolution_curve
from verify.scenarios.base import ComparisonSettings, Curve, FigureSpec, Measurement, Scenario
from verify.scenarios.manifolds import richardson_band
from verify.scenarios.seeds import suite_streams

__all__ = ["PAPER", "QUICK", "SCENARIOS"]

_PER_NODE = 32

# (model, d, tier) -> (lattice sides n with P = n^d, repetitions); tier "quick", "default", "paper"
_SIZES = {
    ("piecewise_linear", 2, "quick"): ([8, 11, 16, 23], 3),
    ("piecewise_linear", 2, "default"): ([8, 11, 16, 23, 32], 5),
    ("piecewise_linear", 2, "paper"): ([8, 11, 16, 23, 32, 45, 64], 8),
    ("piecewise_constant", 2, "quick"): ([8, 11, 16, 23], 2),
    ("piecewise_constant", 2, "default"): ([8, 11, 16, 23, 32], 6),
    ("piecewise_constant", 2, "paper"): ([8, 11, 16, 23, 32, 45, 64], 6),
    ("piecewise_linear", 3, "paper"): ([4, 5, 6, 8, 10, 13, 16], 6),
    ("piecewise_constant", 3, "quick"): ([4, 5, 6, 8], 3),
    ("piecewise_constant", 3, "default"): ([4, 5, 6, 8, 10], 5),
    ("piecewise_constant", 3, "paper"): ([4, 5, 6, 8, 10, 13, 16], 6),
}


def _scenario(model: str, d: int, paper: bool = False) -> Scenario:
    short = "linear" if model == "piecewise_linear" else "constant"
    name = f"resolution-P-mesh-{short}-T{d}" + ("-full" if paper else "")

    def prediction():
        return resolution_exponent(d, "squared", model, axis="parameters")

    def measure(quick: bool, seed: int) -> Measurement:
        tier = "paper" if paper else ("quick" if quick else "default")
        sides, seeds = _SIZES[(model, d, tier)]
        losses, test_se = mesh_resolution_curve(model, d, sides, seeds=seeds,
                                                seed=suite_streams(seed).lab_seed(),
                                                per_node=_PER_NODE)
        x = np.asarray(sides, dtype=float) ** d
        a1, a2, band = richardson_band(x, losses.mean(axis=0), d)
        reason = (f"(VR.3) Richardson bias estimate from the slope drift {a1:.3f} -> {a2:.3f} "
                  f"across the window, corrections ~ P^(-1/{d})")
        where = ("periodic Delaunay mesh, hat functions" if model == "piecewise_linear" else
                 "Voronoi cells (nearest node)")
        test = ("exact collapsed Gauss-Legendre test average on every simplex"
                if model == "piecewise_linear" else
                "stratified test sample of (4 P^(1/d))^d points")
        curve = Curve.from_losses(x, losses, xlabel="P (mesh nodes)",
                                  ylabel="squared test error",
                                  method=f"{model} on the {where} of P jittered-lattice nodes "
                                  f"of T^{d}, least squares (scipy.sparse) on ~{_PER_NODE} P "
                                  f"stratified points; {seeds} repetitions; {test}")
        config = {"model": model, "d": d, "P": [int(v) for v in x], "sides": sides,
                  "seeds": seeds, "per_node": _PER_NODE, "loss": "squared",
                  "target": "torus smooth target (LM.7)"}
        return Measurement(curve=curve, config=config,
                           comparison=ComparisonSettings(band=band, band_reason=reason),
                           extra={"half_slopes": (a1, a2),
                                  "test_stderr_max_rel": float((test_se / losses).max())},
                           figure=FigureSpec(ylabel="squared test error"))

    c = 4 if model == "piecewise_linear" else 2
    return Scenario(name, "resolution-limited (parameters)",
                    f"{model.replace('_', ' ')} model on a mesh of P nodes of T^{d}, squared "
                    f"loss: L ~ P^(-{c}/{d}) (Theorem 3, (RG.7); the c of the D-axis checks)",
                    prediction, measure)


#: The default report: both models in 2-d and the Voronoi model in 3-d (the 3-d Delaunay
#: model needs about 2 s per repetition on its window and is in PAPER only).
SCENARIOS: tuple[Scenario, ...] = (
    _scenario("piecewise_linear", 2), _scenario("piecewise_constant", 2),
    _scenario("piecewise_constant", 3))
#: Names of the scenarios ``python -m verify --quick`` runs.
QUICK: tuple[str, ...] = ("resolution-P-mesh-linear-T2",)
#: The scenarios of ``python -m verify --suite paper``: longer windows, more repetitions.
PAPER: tuple[Scenario, ...] = tuple(_scenario(m, d, paper=True)
                                    for m in ("piecewise_linear", "piecewise_constant")
                                    for d in (2, 3))
