"""One-pass SGD on the Gaussian teacher-student model: the exact mean-square recursion.

Each step draws a fresh batch of ``B`` Gaussian inputs ``x ~ N(0, Lambda)`` (one pass: no
sample is reused), labels ``y = w*.x + eps`` with noise variance ``sigma^2``, and updates
``w <- w - (eta/B) sum_b x_b (x_b.w - y_b)`` from ``w = 0``. For Gaussian inputs the fourth
moment is ``E[x x^T M x x^T] = 2 Lambda M Lambda + tr(Lambda M) Lambda`` (Isserlis), so the
teacher-averaged error covariance stays diagonal in the eigenbasis and its diagonal ``m_i``
follows a closed linear recursion (docs/theory/dynamics.md (DY.12)); the excess test loss is
``sum_i lambda_i m_i``. The recursion is exact for Gaussian inputs at every batch size (not
an asymptotic approximation); for non-Gaussian inputs the fourth cumulant adds a term it
does not contain. The step is refused when the recursion's linear map has spectral radius
``>= 1`` (the mean-square error would not converge).

References: Paquette et al. 2024 (the same recursion, written as a Volterra equation, for
the compute-optimal phases of one-pass SGD); Bordelon et al. 2024.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from asymptotics._lib.budget import check_seconds
from asymptotics._lib.validation import check_int, check_real
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target

__all__ = ["SGDCurve", "sgd_curve", "sgd_radius"]


@dataclass(frozen=True)
class SGDCurve:
    """Excess test loss of one-pass SGD at steps ``0..steps`` (docs/theory/dynamics.md (DY.12)).

    Attributes
    ----------
    loss : numpy.ndarray
        ``steps + 1`` values, ``loss[0]`` the total target power.
    eta, batch, noise : float, int, float
    radius : float
        Spectral radius of the recursion's linear map (< 1).
    """

    loss: np.ndarray
    eta: float
    batch: int
    noise: float
    radius: float


def _maps(lam: np.ndarray, eta: float, batch: int) -> tuple[np.ndarray, float]:
    """The diagonal and rank-one parts of ``m -> diag(d) m + c lam (lam . m)`` (DY.12)."""
    d = (1.0 - eta * lam) ** 2 + eta**2 * lam**2 / batch
    return d, eta**2 / batch


def sgd_radius(spectrum: PowerLawSpectrum | ArraySpectrum, eta: float, batch: int) -> float:
    """Spectral radius of the mean-square map of (DY.12); one-pass SGD converges iff < 1.

    The map ``diag(d) + c lam lam^T`` is symmetric positive semi-definite in the weighted
    coordinates ``m_i``; its largest eigenvalue is computed with ``numpy.linalg.eigvalsh``.
    """
    lam = _finite_lam(spectrum)
    eta = check_real("eta", eta, gt=0.0)
    batch = check_int("batch", batch, minimum=1)
    d, c = _maps(lam, eta, batch)
    # diag(d) + c lam lam^T is symmetric: its spectrum is real
    return float(np.linalg.eigvalsh(np.diag(d) + c * np.outer(lam, lam))[-1])


def _finite_lam(spectrum: Any) -> np.ndarray:
    if not isinstance(spectrum, PowerLawSpectrum | ArraySpectrum):
        raise TypeError("`spectrum` must be a PowerLawSpectrum or ArraySpectrum; got "
                        f"{type(spectrum).__name__}")
    if not spectrum.is_finite:
        raise ValueError("`spectrum` must be finite (give `size`) for the SGD recursion; "
                         "got size=None")
    if spectrum.size > 5000:
        raise ValueError(f"`spectrum` must have at most 5000 modes for the SGD recursion "
                         f"(its stability check diagonalizes an S x S map); got {spectrum.size}")
    return spectrum.eigenvalues()


def sgd_curve(steps: int, spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
              eta: float, batch: int = 1, noise: float = 0.0) -> SGDCurve:
    """Exact mean excess test loss of one-pass SGD from zero at steps ``0..steps``.

    Parameters
    ----------
    steps : int
        Number of SGD steps (each uses ``batch`` fresh samples).
    spectrum, target : finite ``asymptotics.model`` specification.
    eta : float
        Step size; refused when :func:`sgd_radius` is ``>= 1``.
    batch : int
        Batch size ``B >= 1``.
    noise : float
        Label-noise variance ``sigma^2``.

    Returns
    -------
    SGDCurve
    """
    lam = _finite_lam(spectrum)
    steps = check_int("steps", steps, minimum=0, maximum=10**7)
    eta = check_real("eta", eta, gt=0.0)
    batch = check_int("batch", batch, minimum=1)
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    if not isinstance(target, Target):
        raise TypeError(f"`target` must be a Target; got {type(target).__name__}")
    check_seconds("steps", steps, 4.0 * steps * lam.size,
                  hint="lower `steps` or the spectrum size")
    radius = sgd_radius(spectrum, eta, batch)
    if not radius < 1.0:
        raise ValueError(f"`eta` must make the mean-square map of docs/theory/dynamics.md "
                         f"(DY.12) contract (spectral radius {radius:.6g} >= 1 for batch "
                         f"{batch}); got {eta!r}")
    p = target.powers(spectrum)
    m = p / lam                                   # E[(w - w*)_i^2] at w = 0
    d, c = _maps(lam, eta, batch)
    drive = eta**2 * noise * lam / batch          # label noise enters each step
    out = np.empty(steps + 1)
    for s in range(steps + 1):
        out[s] = lam @ m                          # excess test loss sum_i lambda_i m_i
        # docs/theory/dynamics.md (DY.12)
        m = d * m + c * lam * (lam @ m) + drive
    if not np.isfinite(out).all():
        raise FloatingPointError("non-finite SGD loss; lower `eta` or `steps`")
    return SGDCurve(out, eta, batch, noise, radius)
