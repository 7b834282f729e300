"""The simulator's time axis: full-batch gradient descent on the Gaussian-design model.

The model and the draws are those of :mod:`verify.simulator.design` (projection ``G`` and the
whitened training design ``N``, nothing else; docs/simulator.md (SIM.3)-(SIM.4)). The student
starts at zero and follows gradient descent with step ``eta`` (or gradient flow) on the half
squared loss of its ``D`` training points (docs/theory/dynamics.md (DY.1)). One SVD of the
training features per (size, seed) gives the loss at *every* step: each empirical mode is
filtered by ``1 - (1 - eta mu_j)^t``, and the loss averaged exactly over the teacher, the
label noise, the invisible part of the inputs and the test point is a quadratic form in the
filter (DY.10)-(DY.11). ``D = inf`` trains on the population loss of the same projection
(one eigendecomposition of the student covariance). As ``t -> inf`` the loss is the
ridgeless (min-norm) loss of :func:`verify.simulator.simulate.simulate_sweep` on the same draws
(tested equal).

Randomness: seed ``k`` uses stream ``SeedSequence(seed).spawn(seeds)[k]`` (docs/sweeps.md
(SW.3)), drawn by :func:`verify.simulator.design.draw_designs` exactly as a static sweep of
the same ``D`` and ``P`` draws it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from asymptotics._lib.budget import FLOP_RATE, check_memory, check_seconds
from asymptotics._lib.validation import check_choice, check_int, check_real
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.design import (
    draw_designs,
    make_design,
    residual_power,
    seed_streams,
)

__all__ = ["EnsembleLoss", "GDResult", "ensemble_population_loss", "gd_reference_loop",
           "simulate_gd", "simulate_sgd"]

METHODS = ("gd", "flow")


@dataclass(frozen=True)
class GDResult:
    """Exact-average losses along training time for one ``(D, P)`` and many seeds.

    Attributes
    ----------
    t : numpy.ndarray
        The steps (or flow times in units of ``1/eta``), ``inf`` allowed.
    losses : numpy.ndarray
        ``(seeds, len(t))`` excess test losses.
    mean, stderr : numpy.ndarray
        Over seeds (``stderr`` 0 for one seed).
    D, P : float, int
        Training points (``inf``: population loss) and features.
    student, method : str
    eta, noise : float
    seeds, seed : int
        Number of seeds and the root seed of their streams.
    mu_max : numpy.ndarray
        Largest training-covariance eigenvalue per seed (gradient descent needs
        ``eta mu_max < 2``).
    """

    t: np.ndarray
    losses: np.ndarray
    mean: np.ndarray
    stderr: np.ndarray
    D: float
    P: int
    student: str
    method: str
    eta: float
    noise: float
    seeds: int
    seed: int
    mu_max: np.ndarray


def _times_iv(t: Any, method: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(t, dtype=float))
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"`t` must be a non-empty 1-d list of times; got shape {arr.shape}")
    for j, v in enumerate(arr):
        check_real(f"t[{j}]", v, ge=0.0, allow_inf=True)
        if method == "gd" and math.isfinite(v) and v != math.floor(v):
            raise ValueError(f"`t[{j}]` must be a whole number of gradient-descent steps; "
                             f"got {v!r}")
    return arr


def _iv(spectrum: Any, target: Any, D: Any, P: Any, student: Any, t: Any, eta: Any,
        method: Any, noise: Any, seeds: Any, seed: Any) -> tuple:
    student = check_choice("student", student, ("projection", "top"))
    method = check_choice("method", method, METHODS)
    design = make_design(spectrum, target, student if P is not None else "top")
    S = design.size
    p = S if P is None else check_int("P", P, minimum=1, maximum=S)
    d = check_real("D", D, ge=1.0, allow_inf=True)
    if math.isfinite(d):
        d = check_int("D", d, minimum=1)
    eta = check_real("eta", eta, gt=0.0)
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    seeds = check_int("seeds", seeds, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    times = _times_iv(t, method)
    r = p if math.isinf(d) else min(int(d), p)
    rows = 0 if math.isinf(d) else int(d)
    # per seed: the draw (rows x p, p x S), the SVD (~ 4 rows p r + 8 r^3) and the r x r forms
    flops = seeds * (rows * p * S / 300 + 4.0 * rows * p * r + 12.0 * r**3 + 2.0 * p * p * S
                     + 3.0 * times.size * r * r)
    check_seconds("D", D, flops, rate=FLOP_RATE,
                  hint="lower D, P, the number of seeds or of times")
    check_memory("D", D, 8.0 * (rows * p + 2 * p * S + 4 * r * r + times.size * r) * 2,
                 hint="lower D, P or the number of times")
    return design, d, p, student, method, eta, noise, seeds, seed, times


def _filters(method: str, eta: float, t: np.ndarray, mu: np.ndarray) -> np.ndarray:
    """``phi_j(t) / D``-free part: ``(1 - (1 - eta mu)^t) / mu`` (DY.10), shape (times, r)."""
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tt = np.where(np.isinf(t), 0.0, t)[:, None]
        if method == "gd":
            decay = np.exp(tt * np.log(np.abs(1.0 - eta * mu))[None, :]) \
                * np.where((1.0 - eta * mu) < 0, (-1.0) ** tt, 1.0)
        else:
            decay = np.exp(-eta * tt * mu[None, :])
        phi = (1.0 - decay) / mu[None, :]          # docs/theory/dynamics.md (DY.10)
        phi = np.where(np.isinf(t)[:, None], 1.0 / mu[None, :], phi)
    return np.where(mu[None, :] > 0, phi, 0.0)


def _visible(design: Any, draw: Any, k: int, p: int) -> tuple[np.ndarray, np.ndarray]:
    """Student covariance ``S = R R^T`` (scaled by ``1/P`` for the projection) and the
    visible target covariance ``Omega = Q^T diag(p) Q`` of seed ``k`` (docs/simulator.md
    (SIM.3)-(SIM.4))."""
    if draw.diagonal:
        return np.diag(design.lam[:p]), np.diag(design.powers[:p])
    R = draw.r[k, :p, :p] / math.sqrt(p)
    qt = draw.qt[k, :p]
    return R @ R.T, (qt * design.powers) @ qt.T


def _seed_losses(design: Any, draw: Any, k: int, d: float, p: int, eta: float, method: str,
                 noise: float, times: np.ndarray, rho2: float) -> tuple[np.ndarray, float]:
    Sz, Om = _visible(design, draw, k, p)
    if math.isinf(d):
        # population loss: gamma_t - beta = -(I - eta S)^t beta, in the eigenbasis of S
        nu, E = np.linalg.eigh(Sz)
        nu = np.maximum(nu, 0.0)
        _stable_iv(method, eta, float(nu.max()), k)
        W = E.T @ Om @ E                       # Omega in the eigenbasis of S
        g = 1.0 - _filters(method, eta, times, nu) * nu[None, :]      # (1 - eta nu)^t
        g = np.where(nu[None, :] > 0, g, 1.0)
        g = np.where(np.isinf(times)[:, None] & (nu[None, :] > 0), 0.0, g)
        loss = g**2 @ np.diag(W)  # tr[(I - eta S)^t Omega (I - eta S)^t] = sum_j g_j^2 W_jj
        return loss + rho2, float(nu.max())
    Nk = draw.n[k, : int(d), :p]
    Z = Nk @ (draw.r[k, :p, :p] / math.sqrt(p)) if not draw.diagonal else Nk * draw.r[:p]
    U, s, _ = np.linalg.svd(Z, full_matrices=False)
    mu = s**2 / d
    _stable_iv(method, eta, float(mu.max()), k)
    keep = mu > mu.max() * 1e-13 * max(Z.shape)
    U, mu = U[:, keep], mu[keep]
    Bm = Sz @ (Nk.T @ U)                       # P x r
    Cm = U.T @ Nk                              # r x P
    H1 = Bm.T @ Bm                             # docs/theory/dynamics.md (DY.11)
    CO = Cm @ Om                               # one product for both (BLAS, not einsum)
    X = CO @ Cm.T
    dvec = np.sum(CO * Bm.T, axis=1)           # diag(Cm Om Bm)
    Phi = _filters(method, eta, times, mu) / d  # (DY.10) with the 1/D of X^T y / D
    quad = np.sum((Phi @ (X * H1)) * Phi, axis=1)
    noise_term = (rho2 + noise) * (Phi**2 @ np.diag(H1))
    loss = np.trace(Om) - 2.0 * Phi @ dvec + quad + noise_term + rho2   # (DY.11)
    return loss, float(mu.max())


def _stable_iv(method: str, eta: float, mu_max: float, k: int) -> None:
    if method == "gd" and not eta * mu_max < 2.0:
        raise ValueError(f"`eta` must be < 2 / mu_max = {2.0 / mu_max:.6g} (the largest "
                         f"eigenvalue of seed {k}'s training covariance) for gradient "
                         f"descent to converge; got {eta!r}")


def simulate_gd(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, D: Any,
                P: int | None, t: Any, student: str = "projection", eta: float = 1.0,
                method: str = "gd", noise: float = 0.0, seeds: int = 8,
                seed: int = 0) -> GDResult:
    """Exact-average test loss along gradient-descent time for one ``(D, P)``.

    Parameters
    ----------
    spectrum, target : finite ``asymptotics.model`` specification (``size`` S).
    D : int or inf
        Training points; ``inf`` trains on the population loss.
    P : int or None
        Features (``None``: the kernel limit, all ``S`` teacher features).
    t : sequence of float
        Steps (whole numbers for ``"gd"``) or flow times; ``inf``: converged (min-norm).
    student : {"projection", "top"}
    eta : float
        Step size; gradient descent is refused when ``eta mu_max >= 2`` for a seed's
        training covariance (it would diverge).
    method : {"gd", "flow"}
    noise : float
        Label-noise variance.
    seeds, seed : int
        Number of seeds and the root of their streams (docs/sweeps.md (SW.3)).

    Returns
    -------
    GDResult
    """
    design, d, p, student, method, eta, noise, seeds, seed, times = _iv(
        spectrum, target, D, P, student, t, eta, method, noise, seeds, seed)
    streams = seed_streams(seed, seeds)
    draw = draw_designs(design, streams, d_max=1 if math.isinf(d) else int(d), p_max=p)
    rho2 = residual_power(design, draw, p)
    losses = np.empty((seeds, times.size))
    mu_max = np.empty(seeds)
    for k in range(seeds):
        losses[k], mu_max[k] = _seed_losses(design, draw, k, d, p, eta, method, noise, times,
                                            float(rho2[k]))
    if not np.isfinite(losses).all():
        raise FloatingPointError("non-finite loss along training time; lower `eta` or `t`")
    mean = losses.mean(axis=0)
    stderr = losses.std(axis=0, ddof=1) / math.sqrt(seeds) if seeds > 1 else \
        np.zeros_like(mean)
    return GDResult(times, losses, mean, stderr, d, p, student if P is not None else "top",
                    method, eta, noise, seeds, seed, mu_max)


def gd_reference_loop(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, D: int,
                      P: int | None, steps: int, student: str = "projection",
                      eta: float = 1.0, noise: float = 0.0, seed: int = 0) -> np.ndarray:
    """The plain loop :func:`simulate_gd` is tested against (seed 0 of ``seed``'s streams).

    Iterates the linear map from labels to weights, ``L <- L - (eta/D) Z^T (Z L - I)``
    (gradient descent on every label vector at once: no SVD, no filter), and reads the
    exact-average loss ``tr[(R L N - I) Omega (R L N - I)^T] + (rho^2 + noise) ||R L||_F^2
    + rho^2`` at every step ``0..steps``.
    """
    design = make_design(spectrum, target, student if P is not None else "top")
    p = design.size if P is None else P
    draw = draw_designs(design, seed_streams(seed, 1), d_max=D, p_max=p)
    rho2 = float(residual_power(design, draw, p)[0])
    _Sz, Om = _visible(design, draw, 0, p)
    N = draw.n[0, :D, :p]
    if draw.diagonal:
        Rm, Z = np.diag(draw.r[:p]), N * draw.r[:p]
    else:
        Rm = draw.r[0, :p, :p] / math.sqrt(p)
        Z = N @ Rm
    L = np.zeros((p, D))
    out = []
    for _ in range(steps + 1):
        A = Rm @ L @ N - np.eye(p)
        RL = Rm @ L
        out.append(np.trace(A @ Om @ A.T) + (rho2 + noise) * np.sum(RL * RL) + rho2)
        L = L - (eta / D) * Z.T @ (Z @ L - np.eye(D))
    return np.array(out)


@dataclass(frozen=True)
class EnsembleLoss:
    """Single-model and ensemble-averaged losses of the projection student at ``D = t = inf``.

    Attributes
    ----------
    P : int
    members : int
        Projections drawn per seed.
    single : numpy.ndarray
        Per seed, the mean over members of one model's loss ``tr[(I - Pi) D]``.
    ensemble : numpy.ndarray
        Per seed, the unbiased estimate of the infinite ensemble's loss
        ``tr[(I - E Pi) D (I - E Pi)]`` (DY.13).
    seed : int
    """

    P: int
    members: int
    single: np.ndarray
    ensemble: np.ndarray
    seed: int


def ensemble_population_loss(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                             P: int, members: int = 64, seeds: int = 4,
                             seed: int = 0) -> EnsembleLoss:
    """One random-feature model vs the average of infinitely many, trained to convergence on
    the population loss (``D = t = inf``).

    In whitened teacher coordinates a converged projection student predicts ``Pi beta``,
    with ``Pi = Q Q^T`` the projection onto the row space of ``V = G Lambda^1/2``
    (docs/simulator.md (SIM.3)); one model's loss is ``tr[(I - Pi) D]``, ``D = diag(p)``. The
    ensemble-averaged predictor is ``E[Pi] beta``; its loss ``tr[(I - E Pi) D (I - E Pi)]``
    is estimated without bias from ``members`` independent projections by the pair average
    (docs/theory/dynamics.md (DY.13))
    ``sum_{m != m'} tr[(I - Pi_m) D (I - Pi_m')] / (M (M - 1))``, which needs no finite
    ensemble to converge. Seed ``k`` uses stream ``SeedSequence(seed).spawn(seeds)[k]``.
    """
    design = make_design(spectrum, target, "projection")
    S = design.size
    P = check_int("P", P, minimum=1, maximum=S)
    members = check_int("members", members, minimum=2)
    seeds = check_int("seeds", seeds, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    check_seconds("P", P, seeds * members * (2.0 * S * S * P + 4.0 * S * P * P),
                  rate=FLOP_RATE, hint="lower P, members, seeds or the spectrum size")
    check_memory("P", P, 8.0 * 3 * S * S, hint="lower the spectrum size")
    sq = np.sqrt(design.powers)
    single, ensemble = np.empty(seeds), np.empty(seeds)
    for k, stream in enumerate(seed_streams(seed, seeds)):
        rng = np.random.default_rng(stream)
        total = np.zeros((S, S))
        own = 0.0
        for _ in range(members):
            V = rng.standard_normal((P, S)) * np.sqrt(design.lam)       # G Lambda^1/2
            Q, _ = np.linalg.qr(V.T)
            Rm = -(Q @ (Q.T * sq))                                       # -Pi D^1/2
            Rm[np.diag_indices(S)] += sq                                 # (I - Pi) D^1/2
            total += Rm
            own += float(np.sum(Rm * Rm))                                # tr[(I-Pi) D (I-Pi)]
        single[k] = own / members
        # sum over ordered pairs m != m' = ||sum_m R_m||_F^2 - sum_m ||R_m||_F^2   (DY.13)
        ensemble[k] = (float(np.sum(total * total)) - own) / (members * (members - 1))
    return EnsembleLoss(P, members, single, ensemble, seed)


def simulate_sgd(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *, t: Any,
                 eta: float, batch: int = 1, noise: float = 0.0, runs: int = 64,
                 seeds: int = 4, seed: int = 0) -> np.ndarray:
    """One-pass SGD run directly: per seed, the mean over ``runs`` independent runs of the
    exact test loss ``(w - w*)^T Lambda (w - w*)`` at the steps ``t``; shape ``(seeds, len(t))``.

    Each run draws its teacher ``w* ~ N(0, diag(p/lambda))``, then at every step a fresh
    batch of ``batch`` inputs ``x ~ N(0, Lambda)`` and label noise, and applies
    ``w <- w - (eta/batch) sum_b x_b (x_b.w - y_b)`` from ``w = 0`` (sequential in the steps,
    vectorized over runs). Nothing is averaged exactly except the test point: this is the
    Monte Carlo route the recursion docs/theory/dynamics.md (DY.12) is checked against.
    Seed ``k`` uses stream ``SeedSequence(seed).spawn(seeds)[k]``.
    """
    design = make_design(spectrum, target, "top")
    times = _times_iv(t, "gd")
    if not np.isfinite(times).all():
        raise ValueError("`t` must be finite steps for SGD; got inf")
    eta = check_real("eta", eta, gt=0.0)
    batch = check_int("batch", batch, minimum=1)
    noise = check_real("noise", noise, ge=0.0, le=1e100)
    runs = check_int("runs", runs, minimum=1)
    seeds = check_int("seeds", seeds, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    steps = int(times.max())
    S = design.size
    check_seconds("t", steps, 6.0 * seeds * runs * steps * batch * S, rate=FLOP_RATE / 4,
                  hint="lower the steps, runs, seeds, batch or the spectrum size")
    lam, sq = design.lam, np.sqrt(design.lam)
    wanted = {int(v): j for j, v in enumerate(times)}
    out = np.empty((seeds, times.size))
    for k, stream in enumerate(seed_streams(seed, seeds)):
        rng = np.random.default_rng(stream)
        w_star = rng.standard_normal((runs, S)) * np.sqrt(design.powers / lam)
        w = np.zeros((runs, S))
        for s in range(steps + 1):
            if s in wanted:
                e = w - w_star
                out[k, wanted[s]] = float(np.mean((e * e) @ lam))
            if s == steps:
                break
            x = rng.standard_normal((runs, batch, S)) * sq                  # fresh batch
            resid = np.einsum("rbi,ri->rb", x, w - w_star)
            if noise:
                resid -= math.sqrt(noise) * rng.standard_normal((runs, batch))
            w -= (eta / batch) * np.einsum("rbi,rb->ri", x, resid)
        if not np.isfinite(out[k]).all():
            raise FloatingPointError("non-finite SGD loss; lower `eta`")
    return out
