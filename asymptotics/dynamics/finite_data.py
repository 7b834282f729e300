"""The test loss along training time at finite data, kernel limit: L(D, t) (float64).

Setting (docs/theory/dynamics.md (DY.1), (DY.14)): the teacher of :mod:`asymptotics.model` on a
finite spectrum (``M`` modes ``lambda_i``, target powers ``p_i``), ``D`` training points with
label-noise variance ``sigma^2``, and a linear student on every mode (the kernel limit,
``P = inf``) started at zero and trained by full-batch gradient descent with step ``eta``
(``method="gd"``) or gradient flow (``"flow"``, time in units of ``1/eta``) on the empirical
loss. After ``t`` steps the error is a spectral function of the empirical covariance
``S = X^T X / D``: ``w_t - w* = -h_t(S) w* + f_t(S) X^T eps / D`` with
``h_t(s) = (1 - eta s)^t`` (or ``exp(-eta t s)``) and ``s f_t(s) = 1 - h_t(s)`` (DY.14).

Route (docs/theory/dynamics.md (DY.15)-(DY.18)): each spectral function is a contour integral
of the resolvent ``G(z) = (z - S)^-1`` around the bulk of the spectrum of ``S``; the bias needs
the two-point function ``tr[Omega G(z1) Sigma G(z2)]`` (a double contour integral), the
variance only the one-point ``tr[Sigma G(z)]``, because ``f_t(S) S f_t(S)`` is itself a spectral
function. Both are replaced by their deterministic equivalents (Atanasov et al. 2024;
Bordelon et al. 2024): with ``lambda = -z`` and the renormalized
ridge ``kappa(lambda)`` of (DY.15),
``G(z) ~ (kappa/z) (Sigma + kappa)^-1`` and
``G(z1) Sigma G(z2) ~ kappa1 kappa2 / (z1 z2) (Sigma + kappa1)^-1 Sigma (Sigma + kappa2)^-1
/ (1 - gamma12)`` (DY.16), which at ``z1 = z2`` is the single-ridge bias with its overfitting
factor ``1/(1 - gamma)`` (tested). The directions ``S`` never sees (``D < M``) are the residue
at ``z = 0``, where ``h_t = 1`` for all ``t``: a node with ``kappa = kappa(0)`` (DY.17). The
contour is an ellipse in ``log z`` through the spectral gap ``(0, s_min)`` and beyond
``s_max`` (edges from (DY.18)), inside the region where ``|h_t(z)| <= 1`` so that no node is
amplified by the filter; ``kappa`` is continued along it by Newton's method from the real
root in the gap and must land on the real root beyond ``s_max`` (a branch check).

Public entry point: :func:`finite_data_curve`. Precision: float64 with the trapezoid rule on
the periodic contour, evaluated at ``nodes`` and ``2 nodes`` points; each value reports the
digits on which the two agree, capped by the cancellation of the quadrature sum
(``16 - log10(sum |terms| / |value|)``). This certifies the quadrature of the deterministic
equivalent, not the equivalent's own ``O(1/D)`` distance to a finite-size average (that is
measured against :mod:`verify.simulator.dynamics`, docs/dynamics_lab.md).

Applicability: finite spectra (``ArraySpectrum``, ``PowerLawSpectrum`` with ``size``), the
kernel limit, ``D != M`` (at ``D = M`` the gap at 0 closes). Random features at finite ``P``
and infinite spectra are not implemented here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import brentq

from asymptotics._lib.budget import check_memory, check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

__all__ = ["FiniteDataCurve", "finite_data_curve"]

METHODS = ("gd", "flow")
_FLOP_RATE = 1e9      # complex multiply-adds per second of the kernel matrices (BLAS)


@dataclass(frozen=True)
class FiniteDataCurve:
    """Deterministic-equivalent test loss at ``D`` training points along time (DY.14)-(DY.17).

    Attributes
    ----------
    t : numpy.ndarray
        Steps (``"gd"``) or flow times in units of ``1/eta`` (``"flow"``); ``inf`` allowed.
    D : float
        Training points (``inf``: the population loss of
        :func:`asymptotics.dynamics.curves.training_curve_float`).
    eta, noise : float
        Step size and label-noise variance ``sigma^2``.
    method : str
    loss : numpy.ndarray
        Excess test loss ``bias + variance``.
    bias, variance : numpy.ndarray
        ``tr[Omega h(S) Sigma h(S)]`` (DY.16) and ``sigma^2/D tr[Sigma f(S) S f(S)]`` (DY.17).
    certified_digits : numpy.ndarray
        Digits on which the ``nodes`` and ``2 nodes`` quadratures agree, capped by the
        cancellation estimate (at most 15).
    kappa0 : float
        ``kappa(lambda = 0)``: the ridgeless renormalized ridge (0 when ``D >= M``).
    edges : tuple of float
        ``(s_min, s_max)``, the bulk of the deterministic-equivalent spectrum of ``S`` (DY.18).
    nodes : int
    train : numpy.ndarray
        The train error ``(1/D) E||y - X w_t||^2`` including the label noise, from the
        one-point equivalent (DY.15): ``tr[Omega S h(S)^2] + sigma^2/D tr[h(K)^2]`` (``K`` the
        Gram matrix); at ``D = inf`` the population loss plus ``sigma^2``.
    """

    t: np.ndarray
    D: float
    eta: float
    noise: float
    method: str
    loss: np.ndarray
    bias: np.ndarray
    variance: np.ndarray
    certified_digits: np.ndarray
    kappa0: float
    edges: tuple
    nodes: int
    train: np.ndarray

    def to_dict(self) -> dict:
        """JSON-ready record (``inf`` stays a float; arrays become lists)."""
        return {"t": self.t.tolist(), "D": self.D, "eta": self.eta, "noise": self.noise,
                "method": self.method, "loss": self.loss.tolist(), "bias": self.bias.tolist(),
                "variance": self.variance.tolist(),
                "certified_digits": self.certified_digits.tolist(), "kappa0": self.kappa0,
                "edges": [float(x) for x in self.edges], "nodes": self.nodes,
                "train": self.train.tolist()}


def _model(spectrum: Any, target: Any) -> tuple[np.ndarray, np.ndarray]:
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be a PowerLawSpectrum or ArraySpectrum; got "
                        f"{type(spectrum).__name__}")
    if not isinstance(target, Target):
        raise TypeError(f"`target` must be a Target; got {type(target).__name__}")
    if not spectrum.is_finite:
        raise ValueError("`spectrum` must be finite (an ArraySpectrum or a PowerLawSpectrum with "
                         "`size`): the finite-D contour of docs/theory/dynamics.md (DY.16) sums "
                         "the modes directly; got size=None")
    return spectrum.eigenvalues(), target.powers(spectrum)


def _times_iv(t: Any, method: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(t, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`t` must be a number or a non-empty 1-d list; got shape {arr.shape}")
    for j, v in enumerate(arr):
        check_real(f"t[{j}]", v, ge=0.0, allow_inf=True)
        if method == "gd" and math.isfinite(v) and v != math.floor(v):
            raise ValueError(f"`t[{j}]` must be a whole number of gradient-descent steps; got {v!r}")
    return arr


# ------------------------------------------------------------------ the renormalized ridge

def _df(lam: np.ndarray, kappa: Any) -> Any:
    """``df(kappa) = sum_i lambda_i / (lambda_i + kappa)``."""
    return np.sum(lam / (lam + kappa))


def _z_of_kappa(lam: np.ndarray, D: float, kappa: float) -> float:
    """``z = kappa (df(kappa)/D - 1)``: (DY.15) solved for ``z = -lambda`` (DY.18)."""
    return kappa * (_df(lam, kappa) / D - 1.0)


def _kappa0(lam: np.ndarray, D: float) -> float:
    """The ridgeless root ``df(kappa0) = D`` of (DY.15) (0 when ``D >= M``)."""
    if math.isinf(D) or D >= lam.size:
        return 0.0
    return brentq(lambda k: _df(lam, k) - D, 1e-300, lam.sum() / D * 2 + lam.max(), xtol=1e-300,
                  rtol=1e-15)


def _first_extremum(f, x0: float, x1: float, sign: float) -> tuple[float, float]:
    """Walk ``x`` geometrically from ``x0`` toward ``x1`` until ``sign * f`` stops rising;
    refine the extremum by golden section. Returns ``(x, f(x))``."""
    xs = np.geomspace(x0, x1, 2000) if x0 > 0 else -np.geomspace(-x0, -x1, 2000)
    vals = np.array([sign * f(x) for x in xs])
    drops = np.nonzero(np.diff(vals) < 0)[0]
    j = int(drops[0]) if drops.size else len(xs) - 2
    lo, hi = xs[max(j - 1, 0)], xs[min(j + 1, len(xs) - 1)]
    g = (math.sqrt(5) - 1) / 2
    for _ in range(80):
        a, b = hi - g * (hi - lo), lo + g * (hi - lo)
        if sign * f(a) > sign * f(b):
            hi = b
        else:
            lo = a
    x = (lo + hi) / 2
    return x, f(x)


def _edges(lam: np.ndarray, D: float, k0: float) -> tuple[tuple, tuple]:
    """The bulk edges ``(s_min, s_max)`` of (DY.18) and the ``kappa`` where each is reached.

    ``z(kappa)`` rises from 0 as ``kappa`` leaves the ridgeless root toward 0 (``D < M``) or
    toward ``-lambda_min`` (``D > M``); its first maximum is ``s_min``. From ``kappa = -inf``
    it falls; its first minimum before ``-lambda_max`` is ``s_max``.
    """
    f = lambda k: _z_of_kappa(lam, D, k)  # noqa: E731
    lmax, lmin = float(lam.max()), float(lam.min())
    if math.isinf(D):
        return (lmin, lmax), (-lmin, -lmax)
    if D < lam.size:
        k_lo, s_min = _first_extremum(f, k0 * (1 - 1e-9), k0 * 1e-12, +1.0)
    else:
        k_lo, s_min = _first_extremum(f, -lmin * 1e-12, -lmin * (1 - 1e-12), +1.0)
    k_hi, s_max = _first_extremum(f, -lmax * 1e6, -lmax * (1 + 1e-12), -1.0)
    return (s_min, s_max), (k_lo, k_hi)


def _kappa_real(lam: np.ndarray, D: float, z: float, lo: float, hi: float) -> float:
    """The root of (DY.15) at real ``z`` with ``kappa`` between ``lo`` and ``hi``."""
    if math.isinf(D):
        return -z
    return brentq(lambda k: _z_of_kappa(lam, D, k) - z, min(lo, hi), max(lo, hi), xtol=1e-300,
                  rtol=1e-15)


def _kappa_contour(lam: np.ndarray, D: float, z: np.ndarray, start: float) -> np.ndarray:
    """Newton continuation of ``F(kappa) = kappa + z - (kappa/D) df(kappa) = 0`` (DY.15) along
    the nodes ``z`` (in order), starting from the real root ``start`` at ``z[0]``."""
    if math.isinf(D):
        return -z
    out = np.empty(z.shape, dtype=complex)
    k = complex(start)
    for n, zn in enumerate(z):
        for _ in range(60):
            r = lam / (lam + k)
            F = k + zn - k * r.sum() / D
            dF = 1.0 - np.sum(r * r) / D     # d/dk of k - k df/D = 1 - sum lam^2/(lam+k)^2 / D
            step = F / dF
            k -= step
            if abs(step) <= 1e-14 * abs(k):
                break
        r = lam / (lam + k)
        resid = abs(k + zn - k * r.sum() / D)
        if not resid <= 1e-11 * (abs(k) + abs(zn)):  # rounding of the M-term sum stalls
            raise ArithmeticError(f"kappa continuation did not converge at node {n} (z={zn}, "
                                  f"residual {resid:.3g})")
        out[n] = k
    return out


# ------------------------------------------------------------------ the contour

@dataclass(frozen=True)
class _Contour:
    z: np.ndarray        # 2N nodes, counterclockwise, theta_n = 2 pi n / 2N
    w: np.ndarray        # dz / (2 pi i z) times the trapezoid step
    kappa: np.ndarray


def _contour(lam: np.ndarray, D: float, eta: float, method: str, nodes: int) -> tuple:
    k0 = _kappa0(lam, D)
    (s_min, s_max), (k_lo, k_hi) = _edges(lam, D, k0)
    if not 0 < s_min < s_max:
        raise ValueError(f"`D` must differ from the number of modes {lam.size}: at D = M the "
                         "spectral gap at 0 closes (docs/theory/dynamics.md (DY.18)); got "
                         f"D={D!r}")
    if method == "gd" and not eta * s_max < 2.0:
        raise ValueError(f"`eta` must be < 2 / s_max = {2.0 / s_max:.6g} (s_max: the top edge "
                         "of the empirical spectrum at this D, (DY.18)) for gradient descent to "
                         f"converge; got {eta!r}")
    x_l = 0.5 * s_min
    x_r = 2.0 * s_max if method == "flow" else min(2.0 * s_max, 0.5 * (s_max + 2.0 / eta))
    c, rho = 0.5 * math.log(x_l * x_r), 0.5 * math.log(x_r / x_l)
    two_n = 2 * nodes
    theta = 2.0 * math.pi * np.arange(two_n) / two_n
    for beta in (1.0, 0.7, 0.5, 0.35, 0.25, 0.15, 0.1):
        z = np.exp(c + rho * np.cos(theta) + 1j * beta * np.sin(theta))
        if method == "flow" or np.max(np.abs(1.0 - eta * z)) <= 1.0:
            break
    else:  # pragma: no cover - the real crossings lie inside the disc |1 - eta z| < 1
        raise ArithmeticError("no log-ellipse contour inside |1 - eta z| <= 1")
    w = (-rho * np.sin(theta) + 1j * beta * np.cos(theta)) / (1j * two_n)
    # kappa on the upper half, continued from the real root in the gap (theta = pi) ...
    upper = np.arange(nodes, -1, -1)
    big = -float(lam.max()) * 1e8 - abs(k_hi) * 1e8
    start = _kappa_real(lam, D, x_l, k_lo, k0 if D < lam.size else 0.0)
    kap = np.empty(two_n, dtype=complex)
    kap[upper] = _kappa_contour(lam, D, z[upper], start)
    # ... must land on the real root beyond s_max (the physical branch, kappa < -lambda_max)
    end = _kappa_real(lam, D, x_r, big, k_hi)
    if abs(kap[0] - end) > 1e-8 * abs(end):
        raise ArithmeticError(f"kappa continuation left the physical branch: {kap[0]} at "
                              f"z={x_r}, expected {end}")
    kap[0] = end
    lower = np.arange(nodes + 1, two_n)
    kap[lower] = np.conj(kap[two_n - lower])
    z[lower] = np.conj(z[two_n - lower])
    return _Contour(z, w, kap), k0, (s_min, s_max)


def _filters(method: str, eta: float, t: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``h_t(z) = (1 - eta z)^t`` (gd) or ``exp(-eta t z)`` (flow), shape (times, nodes)
    (DY.14); ``t = inf`` gives 0 (every node has ``|h| < 1``)."""
    tt = np.where(np.isinf(t), 0.0, t)[:, None]
    if method == "gd":
        h = np.exp(tt * np.log(1.0 - eta * z)[None, :])
    else:
        h = np.exp(-eta * tt * z[None, :])
    return np.where(np.isinf(t)[:, None], 0.0, h)


@dataclass(frozen=True)
class _Kernel:
    """The time-independent part of the quadrature on one contour: ``h_t`` enters last."""

    z: np.ndarray
    coef: np.ndarray     # (dz / 2 pi i z) kappa per node
    K: np.ndarray        # (DY.16): sum p/((l+k1)(l+k2)) / (1 - gamma12)
    null: np.ndarray     # kappa0 K(0, n) per node (DY.17); zeros when kappa0 = 0
    null_self: float     # kappa0^2 K(0, 0)
    var: np.ndarray      # (dz / 2 pi i z) kappa df(kappa) / D per node (DY.17)
    train_bias: np.ndarray   # (dz / 2 pi i z) kappa sum (p/l)/(l+k): tr[Omega G] (DY.15)
    train_count: np.ndarray  # (dz / 2 pi i z) kappa sum 1/(l+k): tr G (DY.15)
    unseen: float            # max(D - M, 0) / D: the Gram's null space, where h = 1


def _kernel(lam: np.ndarray, p: np.ndarray, D: float, k0: float, z: np.ndarray, w: np.ndarray,
            kap: np.ndarray) -> _Kernel:
    a_inv = 1.0 / (lam[:, None] + kap[None, :])                       # (M, N)
    S = a_inv.T @ (p[:, None] * a_inv)                                # sum p/((l+k1)(l+k2))
    inv_d = 1.0 / D if math.isfinite(D) else 0.0
    gam = a_inv.T @ ((lam * lam * inv_d)[:, None] * a_inv)            # gamma12
    K = S / (1.0 - gam)                                               # (DY.16)
    null, null_self = np.zeros(z.shape, dtype=complex), 0.0
    if k0 > 0:                                                        # (DY.17): h(0) = 1
        a0 = 1.0 / (lam + k0)
        null = k0 * (a0 @ (p[:, None] * a_inv)) / (1.0 - a0 @ ((lam * lam * inv_d)[:, None]
                                                                * a_inv))
        null_self = k0 * k0 * float(np.sum(p * a0 * a0) / (1.0 - np.sum(lam**2 * a0 * a0) * inv_d))
    var = w * (lam @ a_inv) * kap * inv_d                             # kappa df(kappa) / D
    unseen = max(D - lam.size, 0.0) * inv_d if math.isfinite(D) else 1.0
    return _Kernel(z, w * kap, K, null, null_self, var, w * kap * ((p / lam) @ a_inv),
                   w * kap * a_inv.sum(axis=0), unseen)


def _evaluate(kern: _Kernel, h: np.ndarray, noise: float) -> tuple:
    """Bias (DY.16) with the null node (DY.17), variance (DY.17), and the sums of |terms|."""
    hw = h * kern.coef[None, :]
    bias = np.einsum("tn,nm,tm->t", hw, kern.K, hw) + 2.0 * (hw @ kern.null) + kern.null_self
    scale = (np.einsum("tn,nm,tm->t", np.abs(hw), np.abs(kern.K), np.abs(hw))
             + 2.0 * (np.abs(hw) @ np.abs(kern.null)) + kern.null_self)
    if noise > 0:
        g = 1.0 - h
        terms = noise * (g * g / kern.z[None, :]) * kern.var[None, :]  # s f(s)^2 = g^2/s
        variance = terms.sum(axis=1).real
        scale = scale + np.abs(terms).sum(axis=1)
    else:
        variance = np.zeros(h.shape[0])
    return bias.real, variance, scale.real


def _quadrature(lam: np.ndarray, p: np.ndarray, D: float, k0: float, z: np.ndarray,
                w: np.ndarray, kap: np.ndarray, h: np.ndarray, noise: float) -> tuple:
    """:func:`_kernel` then :func:`_evaluate` for the filters ``h`` (times, nodes)."""
    return _evaluate(_kernel(lam, p, D, k0, z, w, kap), h, noise)


def _digits(loss: np.ndarray, coarse: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """Agreement of the two quadratures, capped by the cancellation ``sum |terms| / |loss|``
    (an exact 0 from both, as at ``D = t = inf``, certifies every digit)."""
    out = np.full(loss.shape, 15, dtype=int)
    nz = loss != 0
    with np.errstate(divide="ignore"):
        agree = -np.log10(np.abs(loss[nz] - coarse[nz]) / np.abs(loss[nz]))
    cancel = 16.0 - np.log10(scale[nz] / np.abs(loss[nz]))
    out[nz] = np.floor(np.clip(np.minimum(agree, cancel), 0, 15)).astype(int)
    out[~nz & (coarse != 0)] = 0
    return out


def finite_data_curve(t: Any, spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                      D: float, eta: float = 1.0, method: str = "gd", noise: float = 0.0,
                      nodes: int = 128) -> FiniteDataCurve:
    """Test loss after ``t`` steps of gradient descent from zero on ``D`` samples (kernel limit).

    Parameters
    ----------
    t : float or sequence of float
        Steps (whole numbers for ``"gd"``) or flow times; ``inf``: converged (min-norm).
    spectrum, target : a finite spectrum and its target (:mod:`asymptotics.model`).
    D : int or inf
        Training points (``D != M``; ``inf`` is the population curve (DY.2)/(DY.3)).
    eta : float
        Step size; gradient descent needs ``eta s_max < 2`` (``s_max`` of (DY.18)).
    method : {"gd", "flow"}
    noise : float
        Label-noise variance ``sigma^2``.
    nodes : int
        Trapezoid nodes of the coarse quadrature (the fine one has twice as many), >= 16.

    Returns
    -------
    FiniteDataCurve

    Notes
    -----
    The loss is (DY.14) written as contour integrals (DY.16)-(DY.17) of the deterministic
    equivalents, with ``kappa`` from (DY.15). At ``t = inf`` it is the ridgeless finite-``D``
    curve :func:`asymptotics.rf.learning_curves.learning_curve_float` (tested); at
    ``D = inf``, :func:`asymptotics.dynamics.curves.training_curve_float` (tested).

    References
    ----------
    Atanasov et al. 2024, "Scaling and renormalization in high-dimensional regression" (the
    renormalized ridge and the two-point equivalent of the bias); Bordelon et al. 2024, "A
    Dynamical Model of Neural Scaling Laws" (gradient-descent filters).
    """
    method = check_choice("method", method, METHODS)
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    times = _times_iv(t, method)
    prep = _prepare(spectrum, target, D, eta, method, nodes, times.size)
    loss, bias, variance, digits = _losses(prep, times, noise)
    train = _train_error(prep.fine, _filters(method, prep.eta, times, prep.z), noise, prep.D)
    return FiniteDataCurve(times, prep.D, prep.eta, noise, method, loss, bias, variance, digits,
                           prep.kappa0, prep.edges, prep.nodes, train)


@dataclass(frozen=True)
class _Prepared:
    """One ``(spectrum, D, eta, method)``: the contour and both kernels, reusable over ``t``."""

    D: float
    eta: float
    method: str
    nodes: int
    kappa0: float
    edges: tuple
    z: np.ndarray
    fine: _Kernel
    coarse: _Kernel


def _prepare(spectrum: Any, target: Any, D: Any, eta: Any, method: str, nodes: Any,
             n_times: int) -> _Prepared:
    lam, p = _model(spectrum, target)
    D = check_real("D", D, ge=1.0, allow_inf=True)
    if math.isfinite(D):
        D = float(check_int("D", D, minimum=1))
    eta = check_real("eta", eta, gt=0.0)
    nodes = check_int("nodes", nodes, minimum=16, maximum=4096)
    two_n = 2 * nodes
    check_memory("nodes", nodes, 16.0 * (2 * lam.size * two_n + 3 * two_n**2 + 2 * n_times * two_n),
                 hint="lower `nodes`, the number of modes or of times")
    check_seconds("nodes", nodes, 4.0 * lam.size * two_n**2 + 2.0 * n_times * two_n**2,
                  rate=_FLOP_RATE, hint="lower `nodes`, the number of modes or of times")
    ctr, k0, edges = _contour(lam, D, eta, method, nodes)
    ev = slice(0, two_n, 2)                       # every other node: the coarse trapezoid rule
    return _Prepared(D, eta, method, nodes, k0, edges, ctr.z,
                     _kernel(lam, p, D, k0, ctr.z, ctr.w, ctr.kappa),
                     _kernel(lam, p, D, k0, ctr.z[ev], 2.0 * ctr.w[ev], ctr.kappa[ev]))


def _train_error(kern: _Kernel, h: np.ndarray, noise: float, D: float) -> np.ndarray:
    """``(1/D) E||y - X w_t||^2 = tr[Omega S h(S)^2] + (sigma^2/D) tr[h(K)^2]`` (``K`` the
    Gram matrix, whose null space has ``h = 1``), from the one-point equivalent (DY.15)."""
    fit = (h * h * kern.z[None, :]) @ kern.train_bias                  # phi(s) = s h(s)^2
    if math.isinf(D):
        return fit.real + noise
    return fit.real + noise * (((h * h) @ kern.train_count).real / D + kern.unseen)


def _losses(prep: _Prepared, times: np.ndarray, noise: float) -> tuple:
    """``(loss, bias, variance, certified digits)`` at ``times`` from a prepared contour."""
    h = _filters(prep.method, prep.eta, times, prep.z)
    bias, variance, scale = _evaluate(prep.fine, h, noise)
    cb, cv, _ = _evaluate(prep.coarse, h[:, ::2], noise)
    loss = bias + variance
    if not np.all(np.isfinite(loss)):
        raise FloatingPointError("non-finite loss from the contour quadrature")
    return loss, bias, variance, _digits(loss, cb + cv, scale)
