"""Plain reference routes for the simulator: a per-point loop and a Monte-Carlo estimate.

These are what a newcomer writes, kept as independent checks of :mod:`verify.simulator.simulate`
(tests) and as the benchmark baseline; they are slow on purpose.

* :func:`loop_losses`: for each seed and grid point separately, rebuild the seed's draw from
  its stream, form the student's ``Z``, ``Lambda_z = W Lambda W^T``, ``Sigma_theta`` and
  ``rho^2`` from the projection ``W`` directly (normal equations of the population regression,
  docs/simulator.md (SIM.2)), solve with ``numpy.linalg.pinv`` or the ridge system ``Z^T (Z Z^T + delta I)^{-1}``,
  and evaluate docs/simulator.md (SIM.5) with explicit matrix products. No nesting, no QR tricks.
* :func:`monte_carlo_loss`: draw everything (training inputs in all ``S`` teacher directions,
  teacher weights, label noise, the projection and ``n_test`` test points), fit with
  ``numpy.linalg.lstsq`` (or the ridge system) and average the squared test error.
"""

from __future__ import annotations

import numpy as np

from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.design import make_design, seed_streams

__all__ = ["loop_losses", "monte_carlo_loss"]


def _student_weights(student: str, p: int, g: np.ndarray | None, s: int) -> np.ndarray:
    """``W`` (``P x S``): ``[I_P 0]`` or ``P^{-1/2} G_P``."""
    if student == "top":
        return np.eye(p, s)
    return g[:p] / np.sqrt(p)


def _point_loss(lam, sig_w, w, n_dp, ridge, noise):
    """docs/simulator.md (SIM.5) at one point from first principles, docs/simulator.md (SIM.2), with explicit matrices."""
    v_t = np.sqrt(lam)[:, None] * w.T                              # V^T = Lambda^1/2 W^T
    r = np.linalg.qr(v_t, mode="r")                                 # Z = N R docs/simulator.md (SIM.3)
    z = n_dp @ r
    lam_z = (w * lam) @ w.T                                         # W Lambda W^T
    cross = (w * (lam * sig_w * lam)) @ w.T                         # W Lambda Sigma_w Lambda W^T
    lz_inv = np.linalg.inv(lam_z)
    sig_t = lz_inv @ cross @ lz_inv                                 # best weights' covariance
    rho2 = float(np.sum(sig_w * lam) - np.trace(lz_inv @ cross))    # unexplained power
    if ridge == 0:
        a = np.linalg.pinv(z, rcond=1e-15)
    else:
        a = z.T @ np.linalg.solve(z @ z.T + ridge * np.eye(z.shape[0]), np.eye(z.shape[0]))
    e = a @ z - np.eye(z.shape[1])
    bias = np.trace(lam_z @ e @ sig_t @ e.T)
    return rho2 + bias + (rho2 + noise) * np.trace(lam_z @ a @ a.T)


def loop_losses(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, axis: str,
                grid: list[int], fixed: int, student: str, ridge: float, noise: float,
                seeds: int, seed: int) -> np.ndarray:
    """``(seeds, len(grid))`` losses by a plain per-seed, per-point loop (same draws as the sweep).

    Each seed's stream draws the projection ``G`` (``P_max x S``, projection student) and then
    ``N`` (``D_max x P_max``) in the order :func:`verify.simulator.design.draw_designs` uses;
    everything else is recomputed per point.
    """
    design = make_design(spectrum, target, student)
    lam, s = design.lam, design.size
    sig_w = design.powers / lam                                     # Sigma_omega diagonal
    d_max = grid[-1] if axis == "D" else fixed
    p_max = fixed if axis == "D" else grid[-1]
    out = np.empty((seeds, len(grid)))
    for k, stream in enumerate(seed_streams(seed, seeds)):
        rng = np.random.default_rng(stream)
        g = rng.standard_normal((p_max, s)) if student == "projection" else None
        n = rng.standard_normal((d_max, p_max))
        for j, v in enumerate(grid):
            d, p = (v, fixed) if axis == "D" else (fixed, v)
            w = _student_weights(student, p, g, s)
            out[k, j] = _point_loss(lam, sig_w, w, n[:d, :p], ridge, noise)
    return out


def monte_carlo_loss(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, D: int,
                     P: int | None, student: str, ridge: float, noise: float,
                     rng: np.random.Generator, n_test: int = 2000) -> float:
    """One plain Monte-Carlo sample of the excess test loss ``mean_test (f - F)^2``.

    Draws the training inputs ``X = G_x Lambda^{1/2}`` (all ``S`` directions), the teacher
    ``omega ~ N(0, diag(p / lambda))``, label noise, the projection, and ``n_test`` fresh test
    inputs; fits ``theta`` with ``numpy.linalg.lstsq`` (min-norm) or the ridge
    system; returns the test-set mean of ``(z(x) . theta - F(x) . omega)^2``.
    """
    design = make_design(spectrum, target, student if P is not None else "top")
    lam, s = design.lam, design.size
    p = s if P is None else P
    w = _student_weights(design.student, p,
                         rng.standard_normal((p, s)) if design.student == "projection" else None,
                         s)
    omega = rng.standard_normal(s) * np.sqrt(design.powers / lam)
    x = rng.standard_normal((D, s)) * np.sqrt(lam)
    y = x @ omega + np.sqrt(noise) * rng.standard_normal(D)
    z = x @ w.T
    if ridge == 0:
        theta = np.linalg.lstsq(z, y, rcond=None)[0]
    else:
        theta = z.T @ np.linalg.solve(z @ z.T + ridge * np.eye(D), y)
    x_test = rng.standard_normal((n_test, s)) * np.sqrt(lam)
    err = x_test @ (w.T @ theta - omega)
    return float(np.mean(err * err))
