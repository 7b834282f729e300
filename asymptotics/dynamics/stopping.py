"""Early stopping at finite data: the optimal training time ``t*(D)`` and its law.

With label noise ``sigma^2 > 0`` the finite-``D`` loss along training time
(:func:`asymptotics.dynamics.finite_data.finite_data_curve`, docs/theory/dynamics.md (DY.14))
first falls, as the bias of the modes learned so far drops, and then rises, as every newly
learned mode adds its share ``sigma^2 / D`` of fitted noise. :func:`early_stopping` finds the
minimum ``t*(D)`` and the early-stopped loss ``L(t*, D)`` on that curve
(docs/theory/dynamics.md (DY.20)-(DY.21));
:func:`stopping_exponents` derives, by dominant balance of the two terms (DY.22)-(DY.24),

* ``t* ~ D^(b/a)``, the optimal stopping time,
* ``L(t*) ~ D^-(a-1)/a``, the early-stopped rate,

for ``lambda_k ~ k^-b``, ``p_k ~ k^-a``, as :class:`~asymptotics.dynamics.laws.DynamicsDerivation`
objects with their conditions. The rate is the noisy optimal-ridge rate of Cui et al. 2021
without its saturation at ``a - 1 = 2b`` (gradient flow's filter has no qualification limit),
docs/theory/dynamics.md (DY.25).

References: Bordelon et al. 2024 (gradient-flow filters and their time exponents);
Cui et al. 2021 (the noisy optimal-ridge rate).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import sympy as sp

from asymptotics import symbols as sy
from asymptotics._lib.validation import check_choice, check_real
from asymptotics.dynamics.finite_data import METHODS, _losses, _prepare
from asymptotics.dynamics.laws import DYNAMICS_REGIMES, DynamicsDerivation
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

__all__ = ["EarlyStopping", "StoppingLaw", "early_stopping", "stopping_exponents"]

_GRID = 240          # log-spaced times of the bracketing scan
_GOLDEN = 60         # golden-section steps in log t (flow) after the scan


@dataclass(frozen=True)
class EarlyStopping:
    """The early-stopping optimum of the finite-``D`` curve, per ``D`` (DY.20)-(DY.21).

    Attributes
    ----------
    D : numpy.ndarray
    noise, eta : float
    method : str
    t_star : numpy.ndarray
        ``argmin_t L(D, t)`` (steps for ``"gd"``; ``inf`` where the loss never rises, e.g.
        without noise).
    loss_star : numpy.ndarray
        ``L(D, t*)``.
    loss_converged : numpy.ndarray
        ``L(D, inf)``: the ridgeless (min-norm) loss, for comparison.
    certified_digits : numpy.ndarray
        Quadrature digits of ``loss_star`` (:class:`~asymptotics.dynamics.finite_data.FiniteDataCurve`).
    """

    D: np.ndarray
    noise: float
    eta: float
    method: str
    t_star: np.ndarray
    loss_star: np.ndarray
    loss_converged: np.ndarray
    certified_digits: np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready record (``inf`` stays a float; arrays become lists)."""
        return {"D": self.D.tolist(), "noise": self.noise, "eta": self.eta,
                "method": self.method, "t_star": self.t_star.tolist(),
                "loss_star": self.loss_star.tolist(),
                "loss_converged": self.loss_converged.tolist(),
                "certified_digits": self.certified_digits.tolist()}


def _minimize(prep: Any, noise: float, t_max: float) -> tuple[float, float, int]:
    """Scan ``log t`` on ``[1e-2, t_max]`` (gd: ``[1, t_max]``), then refine the bracket of the
    minimum (DY.20)."""
    lo = 1e-2 if prep.method == "flow" else 1.0
    grid = np.unique(np.geomspace(lo, t_max, _GRID) if prep.method == "flow"
                     else np.round(np.geomspace(lo, t_max, _GRID)))
    loss = _losses(prep, grid, noise)[0]
    j = int(np.argmin(loss))
    if j == grid.size - 1:
        return math.inf, *_at(prep, math.inf, noise)
    a, b = grid[max(j - 1, 0)], grid[min(j + 1, grid.size - 1)]
    if prep.method == "gd":  # every whole step in the bracket (at most a few per cent of t)
        cand = np.arange(math.floor(a), math.ceil(b) + 1, dtype=float)
        vals = _losses(prep, cand, noise)[0]
        k = int(np.argmin(vals))
        return float(cand[k]), *_at(prep, float(cand[k]), noise)
    la, lb = math.log(a), math.log(b)
    g = (math.sqrt(5.0) - 1.0) / 2.0
    for _ in range(_GOLDEN):
        x1, x2 = lb - g * (lb - la), la + g * (lb - la)
        f1, f2 = _losses(prep, np.exp([x1, x2]), noise)[0]
        if f1 < f2:
            lb = x2
        else:
            la = x1
    ts = math.exp(0.5 * (la + lb))
    return ts, *_at(prep, ts, noise)


def _at(prep: Any, t: float, noise: float) -> tuple[float, int]:
    loss, _, _, digits = _losses(prep, np.array([t]), noise)
    return float(loss[0]), int(digits[0])


def early_stopping(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, D: Any,
                   noise: float, eta: float = 1.0, method: str = "flow", nodes: int = 128,
                   t_max: float = 1e10) -> EarlyStopping:
    """Optimal stopping time and early-stopped loss of the finite-``D`` curve, per ``D``.

    Parameters
    ----------
    spectrum, target : a finite spectrum and its target (:mod:`asymptotics.model`).
    D : int or sequence of int
        Training points (each ``!= M``).
    noise : float
        Label-noise variance ``sigma^2 >= 0`` (without noise the loss usually never rises and
        ``t* = inf``).
    eta, method, nodes : as :func:`~asymptotics.dynamics.finite_data.finite_data_curve`.
    t_max : float
        Largest time scanned; a minimum beyond it is reported as ``t* = inf``.

    Returns
    -------
    EarlyStopping

    Notes
    -----
    The curve is (DY.14)-(DY.17) of docs/theory/dynamics.md; the minimum is bracketed on 240
    log-spaced times and refined by golden section in ``log t`` (flow) or over every whole step
    of the bracket (gd), (DY.20). The contour and its kernels are built once per ``D``.
    """
    method = check_choice("method", method, METHODS)
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    t_max = check_real("t_max", t_max, gt=1.0, le=1e15)
    Ds = np.atleast_1d(np.asarray(D, dtype=float))
    if Ds.ndim != 1 or Ds.size == 0:
        raise ValueError(f"`D` must be a number or a non-empty 1-d list; got shape {Ds.shape}")
    out = []
    for d in Ds:
        prep = _prepare(spectrum, target, d, eta, method, nodes, _GRID)
        ts, ls, digits = _minimize(prep, noise, t_max)
        out.append((ts, ls, _at(prep, math.inf, noise)[0], digits))
    ts, ls, lc, dg = (np.array(v) for v in zip(*out, strict=True))
    return EarlyStopping(Ds, noise, float(eta), method, ts, ls, lc, dg.astype(int))


@dataclass(frozen=True)
class StoppingLaw:
    """``t* ~ D^x`` and ``L(t*) ~ D^-y`` (docs/theory/dynamics.md (DY.22)-(DY.24)).

    Attributes
    ----------
    time : DynamicsDerivation
        ``x = b/a``.
    loss : DynamicsDerivation
        ``y = (a-1)/a``.
    """

    time: DynamicsDerivation
    loss: DynamicsDerivation

    def to_dict(self) -> dict:
        return {"time": self.time.to_dict(), "loss": self.loss.to_dict()}


def stopping_exponents(b: object, a: object | None = None) -> StoppingLaw:
    """The optimal stopping time ``t* ~ D^(b/a)`` and the stopped loss ``L* ~ D^-(a-1)/a``.

    Parameters
    ----------
    b : float or sympy number
        Spectrum exponent ``lambda_k ~ k^-b``, ``b > 1``.
    a : float or sympy number, optional
        Target exponent ``p_k ~ k^-a``, ``a > 1`` (default ``a = b``).

    Notes
    -----
    Along gradient flow at finite ``D`` with noise ``sigma^2`` the loss is, to leading order,
    the population bias (DY.6) plus the noise fitted by the modes learned so far,
    ``sigma^2 / D`` each (DY.22): ``L(t) ~ A t^-(a-1)/b + B sigma^2 t^(1/b) / D``. Setting
    ``dL/dt = 0`` (sympy) gives ``t* ~ D^(b/a)`` (DY.23) and, substituted back,
    ``L* ~ D^-(a-1)/a`` (DY.24).
    """
    bb = sy.exact(check_real("b", b, gt=1.0))
    aa = bb if a is None else sy.exact(check_real("a", a, gt=1.0))
    return _stopping(aa, bb)


@functools.lru_cache(maxsize=128)
def _stopping(aa: sp.Expr, bb: sp.Expr) -> StoppingLaw:
    t, D, s2, x = sy.t, sy.D, sy.s, sy.x                 # s: the noise variance sigma^2
    expo = (aa - 1) / bb
    loss = t ** (-expo) + s2 * t ** (1 / bb) / D                   # (DY.22), A = B = 1
    slope = sp.diff(loss, t)
    # dominant balance (DY.23): with t = D^x both terms of dL/dt must scale alike in D
    balance = sp.Eq(-(expo + 1) * x, (1 / bb - 1) * x - 1)
    xs = sp.solve(balance, x)[0]
    ys = sp.simplify(expo * xs)                                     # (DY.24): L* ~ t*^-expo
    conditions = (f"spectrum lambda_k ~ k^-{bb}, target p_k ~ k^-{aa}, label noise "
                  "sigma^2 > 0",
                  "gradient flow (or gradient descent, eta < 2/s_max) from zero, kernel limit",
                  f"the modes learned by t*, k* ~ D^(1/a) = D^{sp.nsimplify(1 / aa)}, are far "
                  "fewer than D and than the modes of the spectrum",
                  "leading order: the bias of the population curve (DY.6) plus sigma^2/D per "
                  "learned mode (DY.22); constants A, B move t* by a factor, not the exponent")
    src = "docs/theory/dynamics.md (DY.22)-(DY.24); Bordelon et al. 2024; Cui et al. 2021"
    steps = (("loss along flow time at finite D, A = B = 1", loss), ("dL/dt", slope),
             ("dominant balance with t = D^x", balance), ("exponent x of t*", xs))
    time = DynamicsDerivation(quantity="x_stop", exponent=sp.nsimplify(xs), prefactor=None,
                              regime=DYNAMICS_REGIMES[0], conditions=conditions, source=src,
                              steps=steps)
    stopped = DynamicsDerivation(quantity="alpha_stop", exponent=sp.nsimplify(ys),
                                 prefactor=None, regime="resolution-limited (data)",
                                 conditions=conditions, source=src,
                                 steps=(*steps, ("L* ~ t*^-(a-1)/b = D^-y", ys)))
    return StoppingLaw(time, stopped)
