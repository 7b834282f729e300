"""The vectorized least-squares simulator of the Gaussian-design random-feature model.

``simulate_sweep`` returns, for a whole grid of training-set sizes ``D`` (or feature counts
``P``) and many seeds, the excess test loss ``E_x[(f - F)^2]`` (asymptotics/model.py
convention) of ridgeless (min-norm) or ridge least squares, averaged *exactly* over the
teacher weights, the label noise, the student-invisible part of the training inputs and the
test distribution (docs/simulator.md (SIM.5)). Only the projection and the student-visible
training design are drawn (verify.simulator.design). The sweep nests: the grid's points use
the first ``D`` rows / first ``P`` columns of the largest draw, and the ridgeless routes get
every point from one factorization per seed (verify.simulator.nested); a projection student's
``P > D`` points of a ``P`` sweep (ridge or not) come from one pass over the projection's rows
in the ``D x D`` dual (verify.simulator.dual, docs/simulator.md (SIM.13)).

Randomness: seed ``k`` of the sweep uses stream ``SeedSequence(seed).spawn(seeds)[k]``, so
the numbers are bitwise the same whatever ``chunk_size``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.linalg as sla

from asymptotics._lib.validation import check_choice, check_int, check_real, check_sorted_int_grid
from asymptotics.model import ArraySpectrum, PowerLawSpectrum, Target
from verify.simulator.design import (
    DesignDraw,
    GaussianDesign,
    draw_designs,
    make_design,
    residual_power,
    seed_streams,
)
from verify.simulator.dual import dual_is_cheaper, kernel_form_p_sweep
from verify.simulator.nested import (
    dual_or_primal_point,
    overparam_d_sweep,
    underparam_d_points,
    underparam_p_sweep,
)

__all__ = ["CHUNK_BUDGET", "COND_LIMIT", "METHOD", "P_ROUTES", "SweepResult", "simulate_sweep", "student_metrics"]

#: Routes for a projection student's ``P > D`` points in a ``P`` sweep (``simulate_sweep``).
P_ROUTES = ("auto", "dual", "per_point")

#: Points whose condition estimate exceeds this are flagged: the relative rounding error of a
#: QR/SVD based solve is about ``cond * 2.2e-16``, so beyond 1e8 fewer than ~8 digits survive.
COND_LIMIT = 1e8

METHOD = ("exact average over teacher and test distribution (Gaussian design: traces over the "
          "teacher-weight and population covariances; draws: projection and student-visible "
          "training design only)")


@dataclass(frozen=True)
class SweepResult:
    """Losses of a sweep over ``D`` or ``P``, one row per seed.

    Attributes
    ----------
    axis : ``"D"`` or ``"P"``, the swept axis.
    grid : the swept values (strictly increasing).
    D, P : the fixed value of the other axis (``P = None``: kernel limit, all ``S`` features).
    losses : ``(n_seeds, n_points)`` exact teacher/test-averaged excess losses docs/simulator.md (SIM.5).
    mean : ``losses.mean(axis=0)``.
    stderr : ``losses.std(axis=0, ddof=1) / sqrt(n_seeds)`` (``inf`` for one seed: unknown).
    cond : ``(n_seeds, n_points)`` condition estimates of the solves.
    flags : ``(n_points,)`` True where a point is unreliable; ``flag_reasons`` says why.
    seed, n_seeds : the root seed and the number of per-seed streams spawned from it.
    config : the model and solver settings.
    method : how the average was taken.
    """

    axis: str
    grid: tuple[int, ...]
    D: int | None
    P: int | None
    losses: np.ndarray = field(repr=False)
    mean: np.ndarray
    stderr: np.ndarray
    cond: np.ndarray = field(repr=False)
    flags: np.ndarray
    flag_reasons: tuple[str, ...]
    seed: int
    n_seeds: int
    config: dict[str, Any]
    method: str = METHOD


def _sweep_iv(spectrum, target, D, P, student, ridge, noise, seeds, seed, chunk_size):
    design = make_design(spectrum, target, student)
    d_list = isinstance(D, Sequence | np.ndarray) and not isinstance(D, str)
    p_list = isinstance(P, Sequence | np.ndarray) and not isinstance(P, str)
    if d_list == p_list:
        raise ValueError("exactly one of `D` and `P` must be a list (the swept axis); got "
                         f"D={D!r}, P={P!r}")
    s = design.size
    if d_list:
        grid = check_sorted_int_grid("D", D, minimum=1)
        fixed_p = s if P is None else check_int("P", P, minimum=1)
        fixed = fixed_p
        p_max, d_max = fixed_p, grid[-1]
    else:
        grid = check_sorted_int_grid("P", P, minimum=1)
        fixed = check_int("D", D, minimum=1)
        p_max, d_max = grid[-1], fixed
    if p_max > s:
        rule = ("the top-P student has only S features" if student == "top" else
                "a projection student with P > S is not supported (use P=None for the kernel "
                "limit)")
        raise ValueError(f"`P` must be <= S = {s} ({rule}); got {p_max}")
    ridge = check_real("ridge", ridge, ge=0.0)
    noise = check_real("noise", noise, ge=0.0)
    seeds = check_int("seeds", seeds, minimum=1)
    seed = check_int("seed", seed, minimum=0)
    if chunk_size is not None:
        chunk_size = check_int("chunk_size", chunk_size, minimum=1)
    if P is None:  # kernel limit: the student is every teacher feature
        design = make_design(spectrum, target, "top")
    chunk = chunk_size or _auto_chunk(design, d_max, p_max, seeds)
    return design, ("D" if d_list else "P"), grid, fixed, d_max, p_max, ridge, noise, seeds, \
        seed, chunk


#: Working-memory budget for one chunk of seeds when ``chunk_size`` is None (bytes).
CHUNK_BUDGET = 1 << 30


def _auto_chunk(design: GaussianDesign, d_max: int, p_max: int, seeds: int) -> int:
    """Seeds per chunk so that the chunk's arrays stay near :data:`CHUNK_BUDGET`.

    Per seed about six ``D_max x P_max`` arrays (draw, ``Z``, QR copy, ``Q^T`` and two
    products), three ``P_max x S`` ones for a projection and a few ``P_max x P_max``.
    """
    per_seed = 8 * (6 * d_max * p_max + 4 * p_max * p_max
                    + (3 * p_max * design.size if design.student == "projection" else 0))
    return max(1, min(seeds, CHUNK_BUDGET // per_seed))


def student_metrics(design: GaussianDesign, draw: DesignDraw, p: int
                    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | float]:
    """The scaled factor ``R_P``, ``Lambda_z`` and ``Sigma_theta`` of the first ``P`` features.

    Top-``P``: ``R_P = sqrt(lambda_1..P)`` (diagonal), ``Lambda_z = lambda_1..P``,
    ``Sigma_theta = p_i / lambda_i`` (the scalar ``c`` for Bahri's teacher). Projection:
    ``R_P = P^{-1/2} R[:P, :P]``, ``Lambda_z = R_P^T R_P`` and ``Sigma_theta = R_P^{-1} Phi_P
    R_P^{-T}`` with ``Phi_P = Q_P^T diag(p) Q_P`` docs/simulator.md (SIM.4).
    """
    if draw.diagonal:
        lam = design.lam[:p]
        sig = (design.isotropic_weights if design.isotropic_weights is not None
               else design.powers[:p] / lam)
        return draw.r[:p], lam, sig
    r = draw.r[:, :p, :p] / np.sqrt(p)
    qt = draw.qt[:, :p, :]
    phi = (qt * design.powers) @ np.swapaxes(qt, -1, -2)
    sig = []
    for rk, fk in zip(r, phi, strict=True):
        half = sla.solve_triangular(rk, fk, check_finite=False)
        sig.append(sla.solve_triangular(rk, half.T, check_finite=False))
    sig_arr = np.stack(sig)
    return r, np.swapaxes(r, -1, -2) @ r, 0.5 * (sig_arr + np.swapaxes(sig_arr, -1, -2))


def _student_design(n: np.ndarray, r: np.ndarray) -> np.ndarray:
    """``Z = N R`` for a diagonal (``(P,)``) or upper-triangular (``(c, P, P)``) factor."""
    return n * r if r.ndim == 1 else n @ r


def _chunk_losses(design, draw, axis, grid, fixed, ridge, noise, route="auto"):
    """Losses and condition estimates ``(c, n_points)`` for one chunk of seeds."""
    c = draw.n.shape[0]
    bias = np.zeros((c, len(grid)))
    fac = np.zeros((c, len(grid)))
    cond = np.ones((c, len(grid)))
    rho2 = np.zeros((c, len(grid)))
    if axis == "D":
        p = fixed
        rho2[:] = residual_power(design, draw, p)[:, None]
        need_noise = bool((rho2 + noise > 0).any())
        r, lam_z, sig = student_metrics(design, draw, p)
        under = [j for j, d in enumerate(grid) if d >= p] if ridge == 0 else []
        over = [j for j in range(len(grid)) if j not in under]
        if under:
            fac[:, under], cond[:, under] = underparam_d_points(draw.n[:, :, :p],
                                                                [grid[j] for j in under])
        if over:
            d_over = [grid[j] for j in over]
            z = _student_design(draw.n[:, :d_over[-1], :p], r)
            if ridge == 0:
                b_, f_, c_ = overparam_d_sweep(z, lam_z, sig, d_over, need_noise)
                bias[:, over], fac[:, over], cond[:, over] = b_, f_, c_
            else:
                for j, d in zip(over, d_over, strict=True):
                    bias[:, j], fac[:, j], cond[:, j] = dual_or_primal_point(
                        z[:, :d, :], lam_z, sig, ridge)
    else:
        d = fixed
        under = [j for j, p in enumerate(grid) if p <= d] if ridge == 0 else []
        if under:
            p_under = [grid[j] for j in under]
            fac[:, under], cond[:, under] = underparam_p_sweep(draw.n[:, :, :p_under[-1]],
                                                               p_under)
        if draw.diagonal or route == "per_point":
            dual = []
        else:
            dual = [j for j, p in enumerate(grid) if p > d and (
                route == "dual" or dual_is_cheaper(d, p, design.size))]
        if dual:                                                   # docs/simulator.md (SIM.13)
            bias[:, dual], fac[:, dual], cond[:, dual] = kernel_form_p_sweep(
                draw.v, draw.qt, draw.r, draw.n, design.powers, draw.phi_diag,
                [grid[j] for j in dual], ridge)
        for j, p in enumerate(grid):
            rho2[:, j] = residual_power(design, draw, p)
            if j in under or j in dual:
                continue
            r, lam_z, sig = student_metrics(design, draw, p)
            z = _student_design(draw.n[:, :, :p], r)
            bias[:, j], fac[:, j], cond[:, j] = dual_or_primal_point(z, lam_z, sig, ridge)
    losses = rho2 + bias + (rho2 + noise) * fac                                   # docs/simulator.md (SIM.5)
    return losses, cond


def _flags(axis, grid, fixed, ridge, noise, losses, cond):
    reasons = []
    for j, v in enumerate(grid):
        d, p = (v, fixed) if axis == "D" else (fixed, v)
        why = []
        if not np.isfinite(losses[:, j]).all():
            why.append("non-finite loss (singular solve)")
        if np.nanmax(cond[:, j]) > COND_LIMIT:
            why.append(f"ill-conditioned solve (condition estimate {np.nanmax(cond[:, j]):.2g} "
                       f"> {COND_LIMIT:.0e})")
        # E Tr[(N^T N)^{-1}] = P / (D - P - 1): docs/simulator.md (SIM.11) diverges at the peak
        if ridge == 0 and abs(d - p) <= 1 and (losses[:, j] > 0).any():
            why.append("ridgeless with |D - P| <= 1: the mean loss is infinite, the sample mean "
                       "does not converge")
        elif ridge == 0 and abs(d - p) <= 3 and (losses[:, j] > 0).any():
            why.append("ridgeless with |D - P| <= 3: the loss has infinite variance (inverse "
                       "Wishart), the standard error is unreliable")
        reasons.append("; ".join(why))
    return np.array([bool(w) for w in reasons]), tuple(reasons)


def simulate_sweep(spectrum: PowerLawSpectrum | ArraySpectrum, target: Target, *,
                   D: int | Sequence[int], P: int | Sequence[int] | None,
                   student: str = "projection", ridge: float = 0.0, noise: float = 0.0,
                   seeds: int = 8, seed: int = 0, chunk_size: int | None = None,
                   p_route: str = "auto") -> SweepResult:
    """Exact-average losses of least squares over a grid of ``D`` or ``P`` and many seeds.

    Parameters
    ----------
    spectrum : finite ``asymptotics.model`` spectrum, ``S`` eigenvalues ``lambda_i``.
    target : ``asymptotics.model.Target`` (powers ``p_i``).
    D, P : exactly one is a strictly increasing list (the swept axis), the other an int;
        ``P=None`` is the kernel limit (all ``S`` features).
    student : ``"projection"`` (``z = P^{-1/2} G F``) or ``"top"`` (``z = F_1..P``).
    ridge : ``delta >= 0`` on the sum loss, predictor ``z^T Z^T (Z Z^T + delta I)^{-1} y``;
        0 is the min-norm interpolant.
    noise : label-noise variance ``sigma^2 >= 0`` (training labels only; the loss is excess).
    seeds : number of independent seeds; seed ``k`` uses ``SeedSequence(seed).spawn(seeds)[k]``.
    chunk_size : seeds processed together (memory); never changes a number. Default: as many
        as fit in about 1 GiB of working arrays (:data:`CHUNK_BUDGET`).
    p_route : how a projection student's ``P > D`` points of a ``P`` sweep are computed:
        ``"dual"`` (the ``D x D`` dual, all such points from one pass over the projection's
        rows, docs/simulator.md (SIM.13)), ``"per_point"`` (the ``P x P`` primal route per
        grid point, docs/simulator.md (SIM.10); an independent check and benchmark baseline)
        or ``"auto"`` (default: per point, whichever costs fewer flops,
        ``verify.simulator.dual.dual_is_cheaper``; the primal only for ``D < P < ~1.3 D``).
        All give the same numbers to rounding.

    Returns
    -------
    SweepResult

    Notes
    -----
    Cost per seed (ridgeless): the ``P`` sweep with ``P <= D`` is one QR of the ``D x P_max``
    whitened design; the ``D`` sweep with ``D < P`` is one QR of ``Z^T`` (``P x D_max``) and
    one triangular solve; points with ``D >= P`` in a ``D`` sweep cost one QR of their own
    ``D x P`` block. Ridge (and the ``P > D`` points of a top student's ``P`` sweep) does not
    nest: one thin SVD per grid point and seed, batched over seeds; the draw is still shared.
    A projection student's ``P > D`` points of a ``P`` sweep (ridge or not) nest in the
    ``D x D`` dual: ``2 S P_max D`` flops per seed plus ``4 S D^2`` per point
    (verify.simulator.dual). A projection student also costs one QR of ``Lambda^{1/2} G^T``
    (``S x P_max``) and one triangular solve for ``Q^T`` per seed, which dominate that sweep.
    """
    (design, axis, grid, fixed, d_max, p_max, ridge, noise, seeds, seed,
     chunk) = _sweep_iv(spectrum, target, D, P, student, ridge, noise, seeds, seed, chunk_size)
    p_route = check_choice("p_route", p_route, P_ROUTES)
    streams = seed_streams(seed, seeds)
    losses, cond = [], []
    for start in range(0, seeds, chunk):
        draw = draw_designs(design, streams[start:start + chunk], d_max=d_max, p_max=p_max)
        lo, co = _chunk_losses(design, draw, axis, grid, fixed, ridge, noise, p_route)
        losses.append(lo)
        cond.append(co)
    loss_arr, cond_arr = np.concatenate(losses), np.concatenate(cond)
    flags, reasons = _flags(axis, grid, fixed, ridge, noise, loss_arr, cond_arr)
    mean = loss_arr.mean(axis=0)
    stderr = (loss_arr.std(axis=0, ddof=1) / np.sqrt(seeds) if seeds > 1
              else np.full(len(grid), np.inf))
    config = {"spectrum": repr(spectrum), "target": repr(target), "S": design.size,
              "student": "kernel" if (axis == "D" and P is None) else student,
              "ridge": ridge, "noise": noise, "chunk_size": chunk, "p_route": p_route}
    return SweepResult(axis, grid, fixed if axis == "P" else None,
                       (None if P is None else fixed) if axis == "D" else None,
                       loss_arr, mean, stderr, cond_arr, flags, reasons, seed, seeds, config)
